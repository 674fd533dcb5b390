package mailparse

import (
	"bytes"
	"fmt"
	"net/textproto"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
	"github.com/klachtdesk/klachtdesk"
)

// maxText bounds the plain text kept of one message; maxTextInput the
// (transfer-encoded) bytes of one text part that are decoded for it.
const (
	maxText      = 1 << 20
	maxTextInput = 8 << 20
)

// parser is shared: enmime's Parser is a value without state. Charset
// detection is off so that a declared charset is believed (we fix what is
// not valid afterwards), and HTML is turned into text by us.
var parser = enmime.NewParser(
	enmime.SkipMalformedParts(true),
	enmime.MultipartWOBoundaryAsSinglePart(true),
	enmime.SetReadPartErrorPolicy(enmime.AllowCorruptTextPartErrorPolicy),
	enmime.DisableTextConversion(true),
	enmime.DisableCharacterDetection(true),
	enmime.MaxStoredPartErrors(50),
)

// message is one parsed message: the received one or a forwarded one
// attached to it.
type message struct {
	opt    Options
	depth  int
	nonce  string
	probs  *problems
	hdr    headers
	text   string  // the plain text, LF line ends
	html   string  // the HTML body as sent, "" if none or too large
	leaves []*leaf // parts that are not body text, in document order
}

// leaf is a part that is not body text: an attachment, inline image,
// delivery report or forwarded message.
type leaf struct {
	part    *enmime.Part
	ct      string
	encoded []byte // the cut-out body, still transfer-encoded; nil when enmime decoded it
	cte     string
	content []byte
	decoded bool
}

// bytes returns the decoded content of the leaf.
func (l *leaf) bytes(probs *problems) []byte {
	if !l.decoded {
		l.decoded = true
		if l.encoded != nil {
			var problem string
			l.content, problem = decodeTransfer(l.encoded, l.cte)
			if problem != "" {
				probs.add("part %s: %s", l.part.PartID, problem)
			}
		} else {
			l.content = l.part.Content
		}
	}
	return l.content
}

// readMessage parses raw: through enmime when the pre-scan allows it, else
// by the degraded raw-text path. It never fails.
func readMessage(raw []byte, opt Options, depth int, nonce string) *message {
	m := &message{opt: opt, depth: depth, nonce: nonce, probs: &problems{}, hdr: headers{}}
	msg := stripMbox(raw)
	switch {
	case len(msg) > opt.MaxSize:
		m.degrade(msg, fmt.Sprintf("message larger than %d bytes", opt.MaxSize))
		return m
	case len(bytes.TrimSpace(msg)) == 0:
		m.probs.add("empty message")
		return m
	case !looksLikeHeaderLine(firstLine(msg)):
		m.probs.add("not a mail message: it does not start with a header field")
		m.text = normalizeNewlines(cleanText(string(msg[:min(len(msg), maxText)])))
		return m
	}
	l := prescan(msg, opt, nonce)
	if l.over != "" {
		m.degrade(msg, l.over)
		return m
	}
	root, err := parser.ReadParts(bytes.NewReader(l.skeleton))
	if err != nil || root == nil {
		m.degrade(msg, fmt.Sprintf("MIME structure unreadable: %v", err))
		return m
	}
	m.hdr = newHeaders(root.Header)
	m.collectErrors(root)
	var b bodyParts
	m.walk(root, l.bodies, &b, 0)
	m.finishBody(&b)
	if b.lost && strings.TrimSpace(m.text) == "" {
		// enmime found no parts (wrong boundary) or a multipart had no
		// boundary: take the text from the raw body.
		_, bodyStart, _ := headerBounds(msg)
		m.text = rawText(msg[bodyStart:], m.hdr, maxText, m.probs)
	}
	return m
}

// degrade reads a message enmime must not parse: the header section as
// usual (up to its cap), the text from the raw body.
func (m *message) degrade(msg []byte, reason string) {
	m.probs.add("%s; text read from the raw message", reason)
	hdrEnd, bodyStart, _ := headerBounds(msg)
	header := msg[:hdrEnd]
	if len(header) > maxHeaderSection {
		header = capHeader(header)
	}
	m.hdr = readHeaders(header, m.probs)
	m.text = rawText(msg[bodyStart:], m.hdr, maxText, m.probs)
}

// capHeader shortens an oversized header section: every line is cut to
// maxHeaderValue and lines stop at maxHeaderSection in all, so that fields
// after one huge line are still read.
func capHeader(header []byte) []byte {
	out := make([]byte, 0, maxHeaderSection)
	for off := 0; off < len(header) && len(out) < maxHeaderSection; {
		line, next := nextLine(header, off)
		off = next
		if len(line) > maxHeaderValue {
			line = line[:maxHeaderValue]
		}
		out = append(out, line...)
		out = append(out, '\r', '\n')
	}
	return out
}

// ignoredErrors are enmime warnings about normal mail.
var ignoredErrors = map[string]bool{
	enmime.ErrorMissingContentType: true,
	enmime.ErrorPlainTextFromHTML:  true,
}

// collectErrors records enmime's errors and warnings. Those of one part are
// sorted: enmime reports some in map order.
func (m *message) collectErrors(root *enmime.Part) {
	_ = root.DepthMatchAll(func(p *enmime.Part) bool {
		var list []string
		for _, e := range p.Errors {
			if e == nil || ignoredErrors[e.Name] {
				continue
			}
			list = append(list, e.Name+": "+e.Detail)
		}
		slices.Sort(list)
		for _, s := range list {
			m.probs.add("part %s: %s", p.PartID, s)
		}
		return false
	})
}

// bodyParts collects the body text of a message.
type bodyParts struct {
	plain, html         []string
	plainSize, htmlSize int
	lost                bool // structure that hid text: a multipart without parts or boundary
}

// walk visits the part tree in document order: body text goes to b,
// everything else to m.leaves. In multipart/alternative only the first
// alternative with plain text and the first with HTML count.
func (m *message) walk(p *enmime.Part, bodies [][]byte, b *bodyParts, depth int) {
	if depth > 2*m.opt.MaxNesting+8 {
		m.probs.add("part %s: nested too deeply; skipped", p.PartID)
		return
	}
	ct := strings.ToLower(p.ContentType)
	if ct == "" {
		ct = "text/plain" // RFC 2045 default
	}
	if p.FirstChild == nil {
		m.leaf(p, ct, bodies, b)
		return
	}
	if ct != "multipart/alternative" {
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			m.walk(c, bodies, b, depth+1)
		}
		return
	}
	gotPlain, gotHTML := false, false
	for c := p.FirstChild; c != nil; c = c.NextSibling {
		var alt bodyParts
		m.walk(c, bodies, &alt, depth+1)
		b.lost = b.lost || alt.lost
		if !gotPlain && strings.TrimSpace(strings.Join(alt.plain, "")) != "" {
			gotPlain = true
			b.addPlain(m, strings.Join(alt.plain, "\n\n"))
		}
		if !gotHTML && len(alt.html) > 0 {
			gotHTML = true
			b.html = append(b.html, alt.html...)
			b.htmlSize += alt.htmlSize
		}
	}
}

func (b *bodyParts) addPlain(m *message, s string) {
	if b.plainSize >= maxText {
		m.probs.add("text longer than %d bytes; the rest was left out", maxText)
		return
	}
	if b.plainSize+len(s) > maxText {
		s = klachtdesk.Clip(s, maxText-b.plainSize)
		m.probs.add("text longer than %d bytes; the rest was left out", maxText)
	}
	b.plain = append(b.plain, s)
	b.plainSize += len(s) + 2
}

// leaf handles a part without children.
func (m *message) leaf(p *enmime.Part, ct string, bodies [][]byte, b *bodyParts) {
	var encoded []byte
	if n, ok := m.marker(p); ok && n < len(bodies) {
		encoded = bodies[n]
		if encoded == nil {
			encoded = []byte{}
		}
	}
	lf := &leaf{part: p, ct: ct, encoded: encoded, cte: headerOf(p, "content-transfer-encoding")}
	disp := strings.ToLower(p.Disposition)
	switch {
	case strings.HasPrefix(ct, "multipart/"):
		// A multipart enmime could not split: no boundary parameter, or
		// none of its delimiters in the body.
		b.lost = true
		if p.Boundary == "" {
			m.probs.add("part %s: %s without boundary parameter", p.PartID, ct)
		} else {
			m.probs.add("part %s: boundary %q not found in the body", p.PartID, shortValue(p.Boundary))
		}
		if content := lf.bytes(m.probs); len(content) > 0 {
			hdr := headers{"content-type": {"text/plain"}}
			if t := rawText(content, hdr, maxText, m.probs); t != "" {
				b.addPlain(m, t)
			}
		}
	case (ct == "text/plain" || ct == "text/html") && disp != "attachment" && p.FileName == "":
		text := m.bodyText(lf, ct)
		if ct == "text/plain" {
			b.addPlain(m, text)
		} else {
			b.html = append(b.html, text)
			b.htmlSize += len(text)
		}
	default:
		m.leaves = append(m.leaves, lf)
	}
}

// bodyText decodes a text body part to UTF-8 with LF line ends.
func (m *message) bodyText(lf *leaf, ct string) string {
	if len(lf.encoded) > maxTextInput {
		// Only the start of a huge part is read: cut at a line end so that
		// base64 and quoted-printable stay whole.
		e := lf.encoded[:maxTextInput]
		if i := bytes.LastIndexByte(e, '\n'); i > 0 {
			e = e[:i+1]
		}
		lf.encoded = e
		m.probs.add("part %s: text part larger than %d MB; only its start was read", lf.part.PartID, maxTextInput>>20)
	}
	b := lf.bytes(m.probs)
	var s, problem string
	if lf.encoded == nil && utf8.Valid(b) {
		// enmime converted it already.
		s = cleanText(string(b))
	} else {
		label := lf.part.Charset
		if label == "" && ct == "text/html" {
			label = metaCharset(b)
		}
		s, problem = decodeCharset(b, label)
	}
	if problem != "" {
		m.probs.add("part %s: %s", lf.part.PartID, problem)
	}
	return normalizeNewlines(s)
}

// finishBody turns the collected parts into m.text and m.html.
func (m *message) finishBody(b *bodyParts) {
	m.text = strings.Join(b.plain, "\n\n")
	h := strings.Join(b.html, "\n")
	if h == "" {
		return
	}
	tooBig := len(h) > m.opt.MaxHTML
	if strings.TrimSpace(m.text) == "" {
		if tooBig {
			m.text = stripTags([]byte(h), maxText)
		} else {
			m.text = htmlToText(h, maxText)
		}
	}
	if tooBig {
		m.probs.add("HTML body larger than %d bytes: not kept, text taken by stripping tags", m.opt.MaxHTML)
		return
	}
	m.html = h
}

// marker returns the number of the cut-out body of p, if the pre-scan cut
// it.
func (m *message) marker(p *enmime.Part) (int, bool) {
	for k, vs := range p.Header {
		if !strings.EqualFold(k, markerField) {
			continue
		}
		for _, v := range vs {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(v), m.nonce+"."); ok {
				if n, err := strconv.Atoi(rest); err == nil && n >= 0 {
					return n, true
				}
			}
		}
	}
	return 0, false
}

// headerOf returns the first value of a field of a part's header.
func headerOf(p *enmime.Part, name string) string {
	if vs := p.Header[textproto.CanonicalMIMEHeaderKey(name)]; len(vs) > 0 {
		return vs[0]
	}
	return newHeaders(p.Header).get(strings.ToLower(name))
}

// attachments returns the leaves as domain parts, with decoded content and
// a usable file name.
func (m *message) attachments() []klachtdesk.MailPart {
	if len(m.leaves) == 0 {
		return nil
	}
	out := make([]klachtdesk.MailPart, 0, len(m.leaves))
	for i, lf := range m.leaves {
		p := lf.part
		disp := strings.ToLower(p.Disposition)
		out = append(out, klachtdesk.MailPart{
			Filename:    fileName(p.FileName, lf.ct, i+1),
			ContentType: lf.ct,
			ContentID:   oneLine(p.ContentID),
			Inline:      disp == "inline" || disp == "" && p.ContentID != "",
			Content:     lf.bytes(m.probs),
		})
	}
	return out
}

// fileName makes a sent file name safe to show and store (no directories,
// no control characters, at most 255 bytes), or derives one such as
// "attachment-1.pdf" when there is none.
func fileName(name, ct string, n int) string {
	name = decodeHeaderText(name)
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.TrimSpace(strings.Trim(name, ". "))
	if name == "" || name == "/" {
		return "attachment-" + strconv.Itoa(n) + extension(ct)
	}
	if len(name) > 255 {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		name = klachtdesk.Clip(name, 255-len(ext)) + ext
	}
	return name
}

// extensions for derived file names; mime.ExtensionsByType depends on the
// machine's mime.types, so it would not be deterministic.
var extensions = map[string]string{
	"application/pdf":    ".pdf",
	"application/zip":    ".zip",
	"application/msword": ".doc",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       ".xlsx",
	"application/vnd.ms-excel":       ".xls",
	"application/vnd.ms-outlook":     ".msg",
	"application/json":               ".json",
	"application/xml":                ".xml",
	"image/jpeg":                     ".jpg",
	"image/jpg":                      ".jpg",
	"image/pjpeg":                    ".jpg",
	"image/png":                      ".png",
	"image/gif":                      ".gif",
	"image/webp":                     ".webp",
	"image/heic":                     ".heic",
	"image/tiff":                     ".tif",
	"image/bmp":                      ".bmp",
	"image/svg+xml":                  ".svg",
	"audio/mpeg":                     ".mp3",
	"video/mp4":                      ".mp4",
	"text/plain":                     ".txt",
	"text/html":                      ".html",
	"text/csv":                       ".csv",
	"text/calendar":                  ".ics",
	"text/rfc822-headers":            ".txt",
	"message/rfc822":                 ".eml",
	"message/global":                 ".eml",
	"message/delivery-status":        ".txt",
	"message/global-delivery-status": ".txt",
}

func extension(ct string) string {
	if e, ok := extensions[ct]; ok {
		return e
	}
	return ".bin"
}
