// Package mailparse turns received mail (raw RFC 5322 bytes) into a
// klachtdesk.InboundMail: addresses, ids, the text split into new text and
// quoted history, sanitised HTML, attachments, whether a machine wrote it,
// the original sender of a forward, the language, and a fingerprint.
//
// It never fails and never panics: what cannot be read is listed in
// InboundMail.Degraded and the best recoverable text is returned. MIME is
// parsed by enmime, after a cheap pre-scan that keeps enmime's cost bounded
// (see prescan.go); anything beyond the caps in Options takes a degraded
// path that reads the text from the raw bytes.
package mailparse

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/klachtdesk/klachtdesk"
)

// Options caps the work spent on one message. Zero (or negative) fields
// take the defaults.
type Options struct {
	MaxNesting int // default 50: deeper MIME nesting -> degraded raw-text path
	MaxParts   int // default 1000
	MaxHTML    int // default 2 MB of HTML converted to text; beyond: strip tags cheaply
	MaxSize    int // default 50 MB; larger raw input -> degraded (headers + first bytes)
}

func (o Options) withDefaults() Options {
	if o.MaxNesting <= 0 {
		o.MaxNesting = 50
	}
	if o.MaxParts <= 0 {
		o.MaxParts = 1000
	}
	if o.MaxHTML <= 0 {
		o.MaxHTML = 2 << 20
	}
	if o.MaxSize <= 0 {
		o.MaxSize = 50 << 20
	}
	return o
}

// Parse reads raw (a complete RFC 5322 message, LF or CRLF line ends) and
// never fails: whatever cannot be read is recorded in m.Degraded and the
// best recoverable text is returned. It never panics (a panic inside is
// recovered and degrades the result). Every string in the result is clean
// by the domain's rule (klachtdesk.CleanText, klachtdesk.CleanLine): valid
// UTF-8 without NUL, control characters or terminal escape sequences.
func Parse(raw []byte, opt Options) (m *klachtdesk.InboundMail) {
	opt = opt.withDefaults()
	fp := safeFingerprint(raw)
	defer func() {
		if r := recover(); r != nil {
			m = panicked(raw, fp, r)
		}
	}()
	msg := readMessage(raw, opt, 0, fp[:16])
	m = msg.inbound()
	m.Fingerprint = fp
	cleanMail(m)
	return m
}

// safeFingerprint is Fingerprint, with a panic turned into a fingerprint
// of the bytes alone.
func safeFingerprint(raw []byte) (fp string) {
	defer func() {
		if recover() != nil {
			fp = fmt.Sprintf("%064x", 0)
		}
	}()
	return Fingerprint(raw)
}

// panicked is the last resort when parsing panicked: the raw bytes as text.
func panicked(raw []byte, fp string, r any) *klachtdesk.InboundMail {
	m := &klachtdesk.InboundMail{
		Fingerprint: fp,
		Language:    klachtdesk.LanguageDutch,
		Degraded:    []string{"internal error while parsing: " + klachtdesk.Clip(fmt.Sprint(r), 200)},
		Text:        normalizeNewlines(cleanText(string(stripMbox(raw)[:min(len(stripMbox(raw)), maxText)]))),
	}
	m.NewText = strings.TrimSpace(m.Text)
	cleanMail(m)
	return m
}

// inbound fills the domain type from a parsed message.
func (msg *message) inbound() *klachtdesk.InboundMail {
	h := msg.hdr
	m := &klachtdesk.InboundMail{
		MessageID:  parseMessageID(h.get("message-id")),
		InReplyTo:  parseIDs(strings.Join(h["in-reply-to"], " ")),
		References: parseIDs(strings.Join(h["references"], " ")),
		Subject:    parseSubject(h.get("subject")),
		Date:       parseDate(h.get("date")),
	}
	if from := parseAddressList(h.get("from")); len(from) > 0 {
		m.From = from[0]
	}
	m.ReturnPath, m.NullSender = parseReturnPath(h.get("return-path"))
	for _, a := range parseAddressList(strings.Join(h["to"], ", ")) {
		if a.Email != "" { // "undisclosed-recipients:;" and other groups without members
			m.To = append(m.To, a)
		}
	}

	forward := isForwardSubject(m.Subject)
	m.Text = msg.text
	m.NewText, m.Quoted = splitReply(m.Text, forward)
	if msg.html != "" {
		m.HTML = SanitizeHTML(msg.html)
	}
	m.Attachments = msg.attachments()

	m.Auto, m.AutoReason = detectAuto(h, m.From, m.Subject, m.NullSender)
	if m.Auto == klachtdesk.Bounce {
		m.BounceOf, m.BouncedRecipients = msg.bounceDetails(m)
	} else if a := msg.originalSender(m.Subject, m.NewText); a != nil &&
		strings.Contains(a.Email, "@") && !strings.EqualFold(a.Email, m.From.Email) {
		m.Forwarded = a
	}
	m.Language = detectLanguage(m.NewText)
	m.Degraded = msg.probs.list
	return m
}

// originalSender returns the sender of the mail forwarded in msg: from an
// attached message/rfc822 when the subject marks a forward (following
// forwards of forwards up to maxForwardDepth), else from an inline forward
// block in the new text. nil when there is none or it cannot be read.
func (msg *message) originalSender(subject, newText string) *klachtdesk.Address {
	forward := isForwardSubject(subject)
	if forward && msg.depth < maxForwardDepth {
		for i, lf := range msg.leaves {
			if lf.ct != "message/rfc822" && lf.ct != "message/global" {
				continue
			}
			inner := readMessage(lf.bytes(msg.probs), msg.opt, msg.depth+1, msg.nonce+"."+strconv.Itoa(i))
			var from klachtdesk.Address
			if f := parseAddressList(inner.hdr.get("from")); len(f) > 0 {
				from = f[0]
			}
			innerSubject := parseSubject(inner.hdr.get("subject"))
			innerNew, _ := splitReply(inner.text, isForwardSubject(innerSubject))
			if a := inner.originalSender(innerSubject, innerNew); a != nil &&
				strings.Contains(a.Email, "@") && !strings.EqualFold(a.Email, from.Email) {
				return a
			}
			if strings.Contains(from.Email, "@") {
				return &from
			}
			break
		}
	}
	return inlineForward(newText, forward, 0)
}

// bounceDetails reads what a delivery report is about: the Message-IDs of
// the original (from the returned message or its headers, and the report's
// own In-Reply-To and References) and the recipients that failed.
func (msg *message) bounceDetails(m *klachtdesk.InboundMail) (ids, recipients []string) {
	for _, lf := range msg.leaves {
		switch lf.ct {
		case "message/delivery-status", "message/global-delivery-status":
			recipients = append(recipients, deliveryRecipients(lf.bytes(msg.probs))...)
		case "message/rfc822", "message/global", "text/rfc822-headers", "message/rfc822-headers", "message/global-headers":
			if id := headerMessageID(lf.bytes(msg.probs)); id != "" {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		// Plain-text reports (Exim, qmail) quote the original's headers in
		// the text.
		for _, line := range strings.Split(m.Text, "\n") {
			line = strings.TrimSpace(line)
			if len(line) > 11 && strings.EqualFold(line[:11], "message-id:") {
				if id := parseMessageID(line[11:]); looksLikeID(id) {
					ids = append(ids, id)
				}
			}
		}
	}
	ids = append(ids, m.InReplyTo...)
	ids = append(ids, m.References...)
	for _, v := range msg.hdr["x-failed-recipients"] {
		for _, a := range strings.Split(v, ",") {
			if a := recipientAddress(a); a != "" {
				recipients = append(recipients, a)
			}
		}
	}
	return dedup(ids), dedup(recipients)
}

// cleanMail applies the domain's cleaning rule to every string, whatever
// path produced it: klachtdesk.CleanText to the texts of several lines (the
// bodies and the HTML), klachtdesk.CleanLine to all others.
func cleanMail(m *klachtdesk.InboundMail) {
	line := klachtdesk.CleanLine
	cleanAddr := func(a *klachtdesk.Address) {
		a.Name, a.Email = line(a.Name), line(a.Email)
	}
	cleanAll := func(ss []string) {
		for i := range ss {
			ss[i] = line(ss[i])
		}
	}
	m.MessageID = line(m.MessageID)
	cleanAll(m.InReplyTo)
	cleanAll(m.References)
	cleanAddr(&m.From)
	m.ReturnPath = line(m.ReturnPath)
	for i := range m.To {
		cleanAddr(&m.To[i])
	}
	m.Subject = line(m.Subject)
	m.Text, m.NewText, m.Quoted, m.HTML = cleanText(m.Text), cleanText(m.NewText), cleanText(m.Quoted), cleanText(m.HTML)
	// Cleaning turns a stray control character into a space, which may
	// stand at an end of the text written for this mail.
	m.NewText = strings.TrimSpace(m.NewText)
	for i := range m.Attachments {
		a := &m.Attachments[i]
		a.Filename, a.ContentType, a.ContentID = line(a.Filename), line(a.ContentType), line(a.ContentID)
	}
	m.AutoReason = line(m.AutoReason)
	cleanAll(m.BounceOf)
	cleanAll(m.BouncedRecipients)
	if m.Forwarded != nil {
		cleanAddr(m.Forwarded)
	}
	cleanAll(m.Degraded)
	m.Fingerprint = line(m.Fingerprint)
	if m.Language == "" {
		m.Language = klachtdesk.LanguageDutch
	}
}
