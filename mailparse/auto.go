package mailparse

import (
	"strings"

	"github.com/jhillyerd/enmime/v2/mediatype"
	"github.com/klachtdesk/klachtdesk"
)

// failureSubjects are the subjects of delivery reports of Postfix, Gmail,
// Exim and Exchange (Dutch and English).
var failureSubjects = []string{
	"undelivered mail returned to sender",
	"delivery status notification (failure)",
	"delivery status notification (delay)",
	"mail delivery failed",
	"mail delivery failure",
	"returned mail:",
	"delivery failure",
	"failure notice",
	"onbestelbaar:",
	"undeliverable:",
	"niet bezorgd",
	"kan niet worden bezorgd",
	"non remis",
}

// Subject openings of auto-responders. Unambiguous phrases match on their
// own; the plain words (which a person's subject may start with: "Vakantie
// verpest") only when followed by a colon, a dash or nothing.
var (
	autoSubjects = []string{"out of office", "automatic reply", "auto:", "autoreply", "auto reply", "auto-reply", "automatisch antwoord", "automatisch bericht", "out of the office", "abwesenheitsnotiz", "réponse automatique"}
	autoWords    = []string{"afwezig", "niet aanwezig", "vacation", "vakantie"}
)

// detectAuto decides whether a mail was written by a machine, and why.
func detectAuto(h headers, from klachtdesk.Address, subject string, null bool) (klachtdesk.AutoKind, string) {
	mt, params, _, _ := mediatype.Parse(h.get("content-type"))
	report := strings.ToLower(strings.TrimSpace(params["report-type"]))
	if strings.EqualFold(mt, "multipart/report") && strings.Contains(report, "delivery-status") {
		return klachtdesk.Bounce, "Content-Type: multipart/report; report-type=" + report
	}
	local, _, _ := strings.Cut(strings.ToLower(from.Email), "@")
	if local == "mailer-daemon" || local == "postmaster" || local == "mailerdaemon" {
		ls := strings.ToLower(subject)
		for _, f := range failureSubjects {
			if strings.Contains(ls, f) {
				return klachtdesk.Bounce, "From " + local + " with subject \"" + f + "\""
			}
		}
	}
	if v, ok := h["auto-submitted"]; ok && len(v) > 0 {
		val := strings.ToLower(strings.TrimSpace(v[0]))
		if i := strings.IndexAny(val, "; ("); i >= 0 {
			val = val[:i]
		}
		if val != "no" {
			return klachtdesk.AutoReply, "Auto-Submitted: " + oneLineASCII(shortValue(val))
		}
	}
	for _, f := range []string{"x-autoreply", "x-autorespond"} {
		if v, ok := h[f]; ok {
			val := ""
			if len(v) > 0 {
				val = strings.ToLower(strings.TrimSpace(v[0]))
			}
			if val != "no" && val != "false" && val != "0" {
				return klachtdesk.AutoReply, canonicalName(f) + " present"
			}
		}
	}
	switch p := strings.ToLower(strings.TrimSpace(h.get("precedence"))); p {
	case "bulk", "junk", "list", "auto_reply":
		return klachtdesk.AutoReply, "Precedence: " + p
	}
	if h.has("list-id") {
		return klachtdesk.AutoReply, "List-Id present"
	}
	if h.has("list-unsubscribe") {
		return klachtdesk.AutoReply, "List-Unsubscribe present"
	}
	if strings.EqualFold(mt, "multipart/report") && strings.Contains(report, "disposition-notification") {
		return klachtdesk.AutoReply, "read receipt (report-type=disposition-notification)"
	}
	if s := autoSubject(subject); s != "" {
		return klachtdesk.AutoReply, "subject starts with \"" + s + "\""
	}
	if null {
		return klachtdesk.Bounce, "Return-Path: <> (null sender)"
	}
	return klachtdesk.NotAuto, ""
}

// autoSubject returns the auto-responder opening the subject starts with.
func autoSubject(subject string) string {
	s := strings.ToLower(strings.TrimSpace(subject))
	for _, p := range autoSubjects {
		if strings.HasPrefix(s, p) && (len(s) == len(p) || !isWordByte(s[len(p)]) || strings.HasSuffix(p, ":")) {
			return p
		}
	}
	for _, p := range autoWords {
		if !strings.HasPrefix(s, p) {
			continue
		}
		rest := strings.TrimSpace(s[len(p):])
		if rest == "" || strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "–") || strings.HasPrefix(rest, "(") {
			return p
		}
	}
	return ""
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80
}

func shortValue(s string) string {
	if len(s) > 40 {
		return s[:40]
	}
	return s
}

func canonicalName(f string) string {
	switch f {
	case "x-autoreply":
		return "X-Autoreply"
	case "x-autorespond":
		return "X-Autorespond"
	}
	return f
}

// deliveryRecipients reads the failed recipients of a delivery-status part:
// "Final-Recipient: rfc822; addr".
func deliveryRecipients(status []byte) []string {
	var out []string
	// The part is a series of header blocks; scan them all as one.
	scanFields(status, func(name string, value []byte) {
		if name != "final-recipient" {
			return
		}
		v := string(value)
		if _, addr, ok := strings.Cut(v, ";"); ok {
			v = addr
		}
		if a := recipientAddress(v); a != "" {
			out = append(out, a)
		}
	})
	return out
}

// recipientAddress lower-cases and unbrackets an address; "" if it is not
// one.
func recipientAddress(v string) string {
	v = strings.ToLower(strings.Trim(strings.TrimSpace(oneLine(v)), "<>"))
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "@") || strings.ContainsAny(v, " \t") || len(v) > maxIDLen {
		return ""
	}
	return v
}

// headerMessageID reads the Message-ID from a message or header block.
func headerMessageID(b []byte) string {
	hdr, _, _ := splitHeader(stripMbox(b))
	var id string
	scanFields(hdr, func(name string, value []byte) {
		if name == "message-id" && id == "" {
			id = parseMessageID(string(value))
		}
	})
	return id
}
