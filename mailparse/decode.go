package mailparse

import (
	"bytes"
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/cention-sany/utf7"
	"github.com/klachtdesk/klachtdesk"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// cp1252 maps the bytes 0x80–0x9F of windows-1252; the other bytes are
// Latin-1. The five undefined ones map to their C1 control (as browsers do).
var cp1252 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8d, 'Ž', 0x8f,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9d, 'ž', 'Ÿ',
}

// windows1252 decodes b as windows-1252, the best guess for 8-bit text of
// unknown charset in Dutch and English mail. NUL bytes are dropped.
func windows1252(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for _, c := range b {
		switch {
		case c == 0:
		case c < 0x80:
			sb.WriteByte(c)
		case c < 0xa0:
			sb.WriteRune(cp1252[c-0x80])
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}

// charsetKind classifies a charset label.
func lookupCharset(label string) (enc encoding.Encoding, utf8ish, known bool) {
	l := strings.ToLower(strings.TrimSpace(strings.Trim(strings.TrimSpace(label), `"'`)))
	l = strings.TrimPrefix(l, "charset=")
	switch l {
	case "", "us-ascii", "ascii", "us_ascii", "ansi_x3.4-1968", "iso646-us", "utf-8", "utf8", "unicode-1-1-utf-8", "x-unknown", "unknown", "default":
		return nil, true, l != "" && l != "x-unknown" && l != "unknown" && l != "default"
	case "utf-7", "utf7", "unicode-1-1-utf-7":
		return utf7.UTF7, false, true
	}
	if e, err := htmlindex.Get(l); err == nil && e != nil {
		return e, false, true
	}
	if e, err := ianaindex.MIME.Encoding(l); err == nil && e != nil {
		return e, false, true
	}
	if e, err := htmlindex.Get(strings.TrimPrefix(l, "x-")); err == nil && e != nil {
		return e, false, true
	}
	return nil, false, false
}

// decodeCharset converts text in the given charset to valid UTF-8 without
// NUL. problem says what had to be guessed or was lost; "" when nothing.
func decodeCharset(b []byte, label string) (string, string) {
	enc, utf8ish, known := lookupCharset(label)
	declaredUTF8 := utf8ish && known && strings.Contains(strings.ToLower(label), "8")
	switch {
	case utf8ish:
		if utf8.Valid(b) {
			return cleanText(string(b)), ""
		}
		if declaredUTF8 {
			return cleanText(string(b)), "invalid UTF-8 replaced by U+FFFD"
		}
		return windows1252(b), "8-bit text without a charset read as windows-1252"
	case known:
		out, err := enc.NewDecoder().Bytes(b)
		if err != nil {
			return windows1252(b), "text in " + shortLabel(label) + " could not be converted; read as windows-1252"
		}
		return cleanText(string(out)), ""
	default:
		if utf8.Valid(b) {
			return cleanText(string(b)), "unknown charset " + shortLabel(label) + "; text was valid UTF-8"
		}
		return windows1252(b), "unknown charset " + shortLabel(label) + " read as windows-1252"
	}
}

func shortLabel(s string) string {
	s = oneLineASCII(s)
	if len(s) > 40 {
		s = s[:40]
	}
	return `"` + s + `"`
}

// oneLineASCII keeps printable ASCII only, for labels in messages.
func oneLineASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return -1
		}
		return r
	}, s)
}

// cleanText applies the domain's cleaning rule for text of several lines
// (klachtdesk.CleanText): valid UTF-8 (U+FFFD for bad bytes), line breaks
// as LF, no NUL, no other control characters, no terminal escape sequences.
func cleanText(s string) string { return klachtdesk.CleanText(s) }

// normalizeNewlines turns CRLF and lone CR into LF.
func normalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// decodeTransfer undoes a Content-Transfer-Encoding. problem is "" when the
// body decoded cleanly.
func decodeTransfer(body []byte, cte string) ([]byte, string) {
	cte = strings.ToLower(strings.TrimSpace(cte))
	if i := strings.IndexAny(cte, "; \t"); i >= 0 {
		cte = cte[:i]
	}
	cte = strings.Trim(cte, `"'`)
	switch cte {
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit":
		return body, ""
	case "base64":
		return decodeBase64(body)
	case "quoted-printable":
		return decodeQP(body), ""
	default:
		return body, "unknown Content-Transfer-Encoding " + shortLabel(cte) + "; kept as is"
	}
}

// decodeBase64 decodes base64 with line breaks; on damage it decodes what
// it can: characters outside the alphabet are skipped, each padded chunk is
// decoded on its own, and a dangling last character is dropped.
func decodeBase64(body []byte) ([]byte, string) {
	// Room for the padded and the unpadded reading of every input byte.
	dst := make([]byte, len(body)*3/4+3)
	n, err := base64.StdEncoding.Decode(dst, body)
	if err == nil {
		return dst[:n], ""
	}
	out := dst[:0]
	chunk := make([]byte, 0, 4096)
	bad := false
	flush := func() {
		if len(chunk)%4 == 1 {
			chunk = chunk[:len(chunk)-1]
			bad = true
		}
		if len(chunk) > 0 {
			k, err := base64.RawStdEncoding.Decode(out[len(out):cap(out)], chunk)
			if err != nil {
				bad = true
			}
			out = out[:len(out)+k]
		}
		chunk = chunk[:0]
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			chunk = append(chunk, c)
			if len(chunk) == cap(chunk) {
				flush()
			}
		case c == '-':
			chunk = append(chunk, '+')
		case c == '_':
			chunk = append(chunk, '/')
		case c == '=':
			flush()
			for i+1 < len(body) && (body[i+1] == '=' || body[i+1] == '\r' || body[i+1] == '\n') {
				i++
			}
		case c == '\r', c == '\n', c == ' ', c == '\t':
		default:
			bad = true
		}
	}
	flush()
	if bad {
		return out, "damaged base64; decoded what could be read"
	}
	return out, ""
}

// decodeQP decodes quoted-printable leniently: malformed escapes stay as
// they are, soft line breaks are joined, trailing blanks are dropped.
func decodeQP(body []byte) []byte {
	out := make([]byte, 0, len(body))
	for len(body) > 0 {
		i := bytes.IndexByte(body, '\n')
		var line, nl []byte
		if i < 0 {
			line = body
			body = nil
		} else {
			line, nl = body[:i], body[i:i+1]
			body = body[i+1:]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line, nl = line[:n-1], []byte("\r\n")
			}
		}
		line = bytes.TrimRight(line, " \t")
		soft := false
		if n := len(line); n > 0 && line[n-1] == '=' {
			line, soft = line[:n-1], true
		}
		for j := 0; j < len(line); j++ {
			c := line[j]
			if c == '=' && j+2 < len(line) && isHex(line[j+1]) && isHex(line[j+2]) {
				out = append(out, unhex(line[j+1])<<4|unhex(line[j+2]))
				j += 2
				continue
			}
			out = append(out, c)
		}
		if !soft {
			out = append(out, nl...)
		}
	}
	return out
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
