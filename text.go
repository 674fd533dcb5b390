package klachtdesk

import (
	"strings"
	"unicode/utf8"
)

// The cleaning rule for text that enters Klachtdesk, whatever the way: a
// mail, `complaint add`, a page, the API. Text is shown on terminals and in
// pages and printed in letters, so it may carry no NUL bytes, no control
// characters and no terminal escape sequences (a complaint text must not be
// able to recolour, retitle or rewrite a staff member's terminal). Newlines
// and tabs stay where a field holds more than one line.

// CleanText applies the cleaning rule to text of several lines (a
// description, a postal address, a mail's body): invalid UTF-8 becomes
// U+FFFD; NUL bytes are removed; terminal escape sequences (ESC [ … final
// byte, ESC ] … BEL or ST, and the other ECMA-48 escapes, also in their
// 8-bit C1 forms) are removed whole; CRLF, a lone CR, vertical tab, form
// feed and NEL become a newline; tabs and newlines stay; every other C0 and
// C1 control character and DEL becomes a space. Applying it twice changes
// nothing more.
func CleanText(s string) string { return clean(s, true) }

// CleanLine applies the cleaning rule to text of one line (a name, a
// subject, an address, a reference): as CleanText, but every line break and
// tab becomes a space too (CRLF one space). It does not trim.
func CleanLine(s string) string { return clean(s, false) }

// IsClean reports whether s is valid UTF-8 without any control character
// but, when multiline, newlines and tabs: text that CleanText (multiline)
// or CleanLine returns unchanged.
func IsClean(s string, multiline bool) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && (!multiline || c != '\n' && c != '\t') {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r >= 0x80 && r <= 0x9f {
			return false
		}
		i += size
	}
	return true
}

// C0 and C1 control characters the rule gives a meaning.
const (
	esc   = 0x1b
	bel   = 0x07
	c1NEL = 0x85 // next line
	c1CSI = 0x9b // 8-bit ESC [
	c1ST  = 0x9c // 8-bit ESC \
	c1DCS = 0x90
	c1SOS = 0x98
	c1OSC = 0x9d
	c1PM  = 0x9e
	c1APC = 0x9f
)

func clean(s string, multiline bool) string {
	if IsClean(s, multiline) {
		return s
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	lineBreak := func() {
		if multiline {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == esc:
			i = skipEscape(s, i+1)
			continue
		case r == c1CSI:
			i = skipControlSequence(s, i+size)
			continue
		case r == c1DCS, r == c1SOS, r == c1OSC, r == c1PM, r == c1APC:
			i = skipControlString(s, i+size)
			continue
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++ // CRLF is one line break: the LF writes it
				continue
			}
			lineBreak()
		case r == '\n', r == '\v', r == '\f', r == c1NEL:
			lineBreak()
		case r == '\t':
			if multiline {
				b.WriteByte('\t')
			} else {
				b.WriteByte(' ')
			}
		case r == 0:
			// NUL ends a string in C and breaks the databases' text.
		case r < 0x20, r >= 0x7f && r <= 0x9f:
			// Any other control character (a bell, a backspace, DEL, a
			// C1 control) separates what stood around it, as mail
			// headers always read it.
			b.WriteByte(' ')
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// skipEscape returns the index just past the escape sequence whose ESC
// precedes s[i] (ECMA-48): a control sequence (ESC [), a control string
// (ESC ] P X ^ _, up to its terminator), ESC with intermediate bytes and a
// final byte, or ESC and one final byte. A broken sequence loses its ESC
// and what was read of it; the text after it stays.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch c := s[i]; {
	case c == '[':
		return skipControlSequence(s, i+1)
	case c == ']', c == 'P', c == 'X', c == '^', c == '_':
		return skipControlString(s, i+1)
	case c >= 0x20 && c <= 0x2f: // intermediate bytes, then a final byte
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
			i++
		}
		return i
	case c >= 0x30 && c <= 0x7e: // ESC c, ESC 7, ESC M, …
		return i + 1
	}
	return i
}

// skipControlSequence returns the index past a control sequence's
// parameter bytes, intermediate bytes and final byte, starting after its
// introducer (ESC [ or CSI).
func skipControlSequence(s string, i int) int {
	for i < len(s) && s[i] >= 0x30 && s[i] <= 0x3f {
		i++
	}
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipControlString returns the index past a control string (an operating
// system command such as a window title or hyperlink, a device control
// string, …) starting after its introducer: up to and including BEL or
// the string terminator (ESC \ or ST). An unterminated string ends before
// the next line break or ESC, so that it never swallows more than its line.
func skipControlString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == bel:
			return i + 1
		case s[i] == esc:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i
		case s[i] == '\n' || s[i] == '\r':
			return i
		case s[i] == 0xc2 && i+1 < len(s) && s[i+1] == c1ST:
			return i + 2
		}
		i++
	}
	return i
}

// CleanFreeText applies the cleaning rule to every free-text field of c:
// CleanLine to the one-line fields, CleanText to those of several lines.
// The store calls it after every action, so that text typed into an action
// (a motivation, a settlement, a reason) is cleaned like the text of a new
// complaint. On text already clean it changes nothing.
func (c *Complaint) CleanFreeText() {
	for _, v := range []*string{&c.Subject, &c.ProductRef, &c.SettlementType, &c.ExternalRef} {
		*v = CleanLine(*v)
	}
	for _, v := range []*string{&c.Description, &c.RemedySought, &c.InformalContact, &c.Motivation, &c.Settlement,
		&c.CloseNote, &c.ExtensionReason, &c.ExternalOutcome, &c.RootCause} {
		*v = CleanText(*v)
	}
}
