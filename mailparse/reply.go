package mailparse

import (
	"regexp"
	"strings"

	"github.com/klachtdesk/klachtdesk"
)

// Reply and forward markers of Outlook, Gmail, Apple Mail and Thunderbird,
// in Dutch and English. Lines are matched trimmed, case-insensitively.
var (
	// "On Tue, 3 Nov 2026 at 10:00, X <x@y> wrote:" (Gmail, Apple Mail,
	// Thunderbird) and "X wrote:".
	reWroteEN = regexp.MustCompile(`(?i)^(on\s.*\b(wrote|writes)\s*:|.*\bwrote\s*:)$`)
	// "Op di 3 nov. 2026 om 10:00 schreef X <x@y>:", "Op 3-11-2026 10:00, X
	// schreef:", Apple's "Op 3 nov. 2026 om 10:00 heeft X het volgende
	// geschreven:" and "X schreef op 3 nov. 2026:".
	reWroteNL = regexp.MustCompile(`(?i)^(op\s.*\b(schreef|geschreven)\b.*:|.*\bschreef(\s+op\s.*)?\s*:)$`)
	// Outlook's "-----Original Message-----" and "-----Oorspronkelijk bericht-----".
	reOriginal = regexp.MustCompile(`(?i)^-{2,}\s*(original message|oorspronkelijk bericht|origineel bericht)\s*-{2,}$`)
	// Gmail's and Thunderbird's forward separators.
	reForwardSep = regexp.MustCompile(`(?i)^-{3,}\s*(forwarded message|doorgestuurd bericht|forwarded e-?mail)\s*-{3,}$`)
	// Apple Mail's forward line.
	reForwardApple = regexp.MustCompile(`(?i)^(begin forwarded message|begin doorgestuurd bericht)\s*:$`)
	// Outlook's separator line above a header block.
	reUnderscore = regexp.MustCompile(`^_{20,}$`)
	// Mobile signatures.
	reMobile = regexp.MustCompile(`(?i)^(sent from my |verzonden vanaf mijn |verstuurd vanaf mijn |verzonden vanuit |sent from outlook for |get outlook for |outlook voor )`)
	// Subject prefixes of forwards: Fwd:, Fw:, Doorst:, TR:, WG:.
	reForwardSubject = regexp.MustCompile(`(?i)^\s*(\[[^\]]{0,40}\]\s*)?(fwd?|doorst|tr|wg|doorgestuurd)\s*:`)
)

// maxSplitLines bounds the lines searched for markers; quoted history
// starts long before.
const maxSplitLines = 5000

// fieldName returns the lower-case name of a header-like line ("From: x",
// "*Van:* x"), "" if it is not one; value says whether text follows.
func fieldName(l string) (name string, value bool) {
	l = strings.TrimPrefix(l, "*")
	i := 0
	for i < len(l) && i < 12 && ('a' <= l[i]|0x20 && l[i]|0x20 <= 'z') {
		i++
	}
	if i == 0 {
		return "", false
	}
	rest := strings.TrimLeft(l[i:], " ")
	if !strings.HasPrefix(rest, ":") && !strings.HasPrefix(rest, "*:") {
		return "", false
	}
	_, after, _ := strings.Cut(rest, ":")
	after = strings.TrimSpace(strings.TrimPrefix(after, "*"))
	return strings.ToLower(l[:i]), after != ""
}

func isFromField(l string) bool {
	name, value := fieldName(l)
	return value && (name == "from" || name == "van")
}

// lineKind is what a line means for reply splitting.
type lineKind int

const (
	plainLine lineKind = iota
	historyLine
	signatureLine
	forwardLine
)

// textLines is text split into lines with their offsets.
type textLines struct {
	text  string
	start []int // start offset of each line
	trim  []string
}

func splitLines(text string) textLines {
	t := textLines{text: text}
	for off := 0; off <= len(text) && len(t.start) < maxSplitLines; {
		i := strings.IndexByte(text[off:], '\n')
		end := len(text)
		if i >= 0 {
			end = off + i
		}
		t.start = append(t.start, off)
		t.trim = append(t.trim, strings.TrimSpace(text[off:end]))
		if i < 0 {
			break
		}
		off = end + 1
	}
	return t
}

// raw returns line i without its line break (and CR).
func (t textLines) raw(i int) string {
	end := len(t.text)
	if i+1 < len(t.start) {
		end = t.start[i+1] - 1
	}
	return strings.TrimSuffix(t.text[t.start[i]:end], "\r")
}

// outlookBlock reports whether an Outlook header block starts at line i:
// From/Van followed within a few lines by Sent/Date and To/Subject.
func (t textLines) outlookBlock(i int) bool {
	if !isFromField(t.trim[i]) {
		return false
	}
	sent, subj := false, false
	for j := i + 1; j < len(t.trim) && j <= i+6; j++ {
		l := t.trim[j]
		if l == "" {
			if sent || subj {
				continue
			}
			break
		}
		switch name, _ := fieldName(l); name {
		case "sent", "verzonden", "date", "datum":
			sent = true
		case "subject", "onderwerp", "to", "aan":
			subj = true
		}
	}
	return sent && subj
}

// attribution reports whether line i (joined with the next when the client
// wrapped it) says who wrote the quoted text below.
func (t textLines) attribution(i int) bool {
	l := t.trim[i]
	if l == "" || len(l) > 400 {
		return false
	}
	if isAttribution(l) {
		return true
	}
	lower := strings.ToLower(l)
	if (strings.HasPrefix(lower, "on ") || strings.HasPrefix(lower, "op ")) && i+1 < len(t.trim) && t.trim[i+1] != "" {
		return isAttribution(l + " " + t.trim[i+1])
	}
	return false
}

func isAttribution(l string) bool {
	if len(l) > 500 || !strings.HasSuffix(l, ":") || !strings.ContainsAny(l, "0123456789@") {
		return false
	}
	return reWroteEN.MatchString(l) || reWroteNL.MatchString(l)
}

// kind classifies line i. In forward mode (the subject says Fwd:) Outlook's
// separators introduce the forwarded mail rather than quoted history. Cheap
// tests on the first characters keep regular expressions off most lines.
func (t textLines) kind(i int, forward bool) lineKind {
	l := t.trim[i]
	if l == "" {
		return plainLine
	}
	outlook := false
	switch c := l[0]; {
	case c == '>':
		return historyLine
	case c == '-':
		switch {
		case reForwardSep.MatchString(l):
			return forwardLine
		case reOriginal.MatchString(l):
			outlook = true
		case t.raw(i) == "-- ":
			return signatureLine
		}
	case c == '_':
		if !reUnderscore.MatchString(l) {
			return plainLine
		}
		if !t.followedByFrom(i) {
			return historyLine
		}
		outlook = true
	case c == 'B' || c == 'b':
		if reForwardApple.MatchString(l) {
			return forwardLine
		}
	}
	if !outlook && hasPrefixFold(l, "from", "van", "*from", "*van") {
		outlook = t.outlookBlock(i)
	}
	if outlook {
		if forward {
			return forwardLine
		}
		return historyLine
	}
	if (strings.HasSuffix(l, ":") || hasPrefixFold(l, "on ", "op ")) && t.attribution(i) {
		return historyLine
	}
	if hasPrefixFold(l, "sent ", "verzonden ", "verstuurd ", "get ", "outlook ") && reMobile.MatchString(l) {
		return signatureLine
	}
	return plainLine
}

// hasPrefixFold reports whether s starts with one of the lower-case
// prefixes, in any case.
func hasPrefixFold(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return true
		}
	}
	return false
}

// followedByFrom reports whether a From/Van line follows line i closely.
func (t textLines) followedByFrom(i int) bool {
	for j := i + 1; j < len(t.trim) && j <= i+2; j++ {
		if isFromField(t.trim[j]) {
			return true
		}
	}
	return false
}

// SplitReply separates the text written for a mail from the quoted history
// and signature below it (Outlook, Gmail, Apple Mail and Thunderbird, Dutch
// and English). newText is trimmed; quoted is the rest, verbatim. Forwarded
// content is never cut as quoted: the forward markers of Gmail, Apple Mail
// and Thunderbird end the search. When nothing would remain as new text the
// whole text is returned as newText.
func SplitReply(text string) (newText, quoted string) {
	return splitReply(text, false)
}

// splitReply is SplitReply; forward says the subject marks a forward, so
// that Outlook's separators (which look the same in replies and forwards)
// introduce forwarded content too.
func splitReply(text string, forward bool) (newText, quoted string) {
	t := splitLines(text)
	cut, sig := -1, -1
	for i := range t.trim {
		k := t.kind(i, forward)
		if k == forwardLine {
			// A signature above forwarded content is the forwarder's; the
			// forwarded mail below it is not quoted history.
			sig = -1
			break
		}
		if k == historyLine {
			cut = i
			break
		}
		if k == signatureLine && sig < 0 {
			sig = i
		}
	}
	if sig >= 0 && (cut < 0 || sig < cut) {
		cut = sig
	}
	if cut < 0 {
		return strings.TrimSpace(text), ""
	}
	newText = strings.TrimSpace(text[:t.start[cut]])
	if newText == "" {
		return strings.TrimSpace(text), ""
	}
	return newText, text[t.start[cut]:]
}

// isForwardSubject reports whether a subject marks a forward.
func isForwardSubject(s string) bool {
	return reForwardSubject.MatchString(s)
}

// maxForwardDepth bounds how deep forwards of forwards are followed.
const maxForwardDepth = 3

// inlineForward finds the sender of an inline forwarded mail in text (the
// new text of a mail): after a forward marker, a From/Van line with an
// address. When that mail was a forward itself it follows the chain. nil
// when there is no marker or its sender cannot be read reliably.
func inlineForward(text string, forward bool, depth int) *klachtdesk.Address {
	t := splitLines(text)
	for i := range t.trim {
		if t.kind(i, forward) != forwardLine {
			continue
		}
		// The header block of the forwarded mail: From/Van, Subject/
		// Onderwerp and others until an empty line.
		start := i + 1
		if isFromField(t.trim[i]) {
			start = i // Outlook: the block is the marker
		}
		var from, subject string
		end := start
		for j := start; j < len(t.trim) && j < start+14; j++ {
			l := t.trim[j]
			end = j + 1
			if l == "" {
				if from != "" {
					break
				}
				continue
			}
			name, value, ok := strings.Cut(strings.ReplaceAll(l, "*", ""), ":")
			if !ok {
				if from != "" {
					break
				}
				continue
			}
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "from", "van":
				if from == "" {
					from = value
				}
			case "subject", "onderwerp":
				subject = strings.TrimSpace(value)
			}
		}
		a := forwardAddress(from)
		if a == nil {
			return nil
		}
		if depth+1 < maxForwardDepth && end < len(t.start) {
			fs := isForwardSubject(subject)
			inner, _ := splitReply(text[t.start[end]:], fs)
			if deeper := inlineForward(inner, fs, depth+1); deeper != nil {
				return deeper
			}
		}
		return a
	}
	return nil
}

// forwardAddress reads the sender of a forwarded mail from the text of its
// From line: "Name <x@y>", "Name [mailto:x@y]" or "x@y".
func forwardAddress(v string) *klachtdesk.Address {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	v = strings.ReplaceAll(v, "[mailto:", "<")
	v = strings.ReplaceAll(v, "]", ">")
	for _, a := range parseAddressList(v) {
		if strings.Contains(a.Email, "@") {
			a := a
			return &a
		}
	}
	return nil
}
