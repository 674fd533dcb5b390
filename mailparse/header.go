package mailparse

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/mail"
	"net/textproto"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
	"github.com/klachtdesk/klachtdesk"
)

// Limits on what is kept from header fields; RFC 5322 limits a line to 998
// bytes, folded fields may be longer but nothing legitimate is megabytes.
const (
	maxIDLen       = 998
	maxIDs         = 100
	maxAddresses   = 500
	maxSubjectLen  = 4096
	maxHeaderValue = 64 << 10
)

// stripMbox drops a leading mbox "From " separator line.
func stripMbox(raw []byte) []byte {
	if !bytes.HasPrefix(raw, []byte("From ")) {
		return raw
	}
	if i := bytes.IndexByte(raw, '\n'); i >= 0 {
		return raw[i+1:]
	}
	return nil
}

// nextLine returns the line of b starting at off: its content without the
// line break, and the offset of the next line.
func nextLine(b []byte, off int) (line []byte, next int) {
	i := bytes.IndexByte(b[off:], '\n')
	if i < 0 {
		line, next = b[off:], len(b)
	} else {
		line, next = b[off:off+i], off+i+1
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, next
}

// splitHeader splits a message at the first empty line into the header
// section and the body. found is false when there is no empty line: then the
// whole input is the header.
func splitHeader(b []byte) (header, body []byte, found bool) {
	for off := 0; off < len(b); {
		line, next := nextLine(b, off)
		if len(line) == 0 {
			return b[:off], b[next:], true
		}
		off = next
	}
	return b, nil, false
}

// looksLikeHeaderLine reports whether line starts a header field: a name of
// printable ASCII without spaces, then a colon.
func looksLikeHeaderLine(line []byte) bool {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return false
	}
	for _, c := range bytes.TrimRight(line[:i], " \t") {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// scanFields calls fn for every header field in header with its name
// lower-cased and its value unfolded (line breaks removed) and trimmed. It
// never allocates more than the header itself.
func scanFields(header []byte, fn func(name string, value []byte)) {
	var name string
	var value []byte
	have := false
	flush := func() {
		if have {
			fn(name, bytes.TrimSpace(value))
		}
		have, value = false, value[:0]
	}
	for off := 0; off < len(header); {
		line, next := nextLine(header, off)
		off = next
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			if have && len(value) < maxHeaderValue {
				value = append(value, line...)
			}
			continue
		}
		flush()
		i := bytes.IndexByte(line, ':')
		if i <= 0 {
			continue
		}
		name = strings.ToLower(string(bytes.TrimRight(line[:i], " \t")))
		value = append(value, line[i+1:]...)
		have = true
	}
	flush()
}

// headers is a header section with case-insensitive lookup.
type headers map[string][]string

// newHeaders lower-cases the keys of a parsed MIME header.
func newHeaders(h textproto.MIMEHeader) headers {
	out := make(headers, len(h))
	for _, k := range slices.Sorted(maps.Keys(h)) {
		lk := strings.ToLower(k)
		out[lk] = append(out[lk], h[k]...)
	}
	return out
}

// get returns the first value of the field name (lower case), or "".
func (h headers) get(name string) string {
	if vs := h[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// has reports whether the field name (lower case) is present.
func (h headers) has(name string) bool {
	_, ok := h[name]
	return ok
}

// problems collects what could not be read, in order, without duplicates.
type problems struct {
	list []string
	seen map[string]bool
}

const maxProblems = 30

func (p *problems) add(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if len(s) > 300 {
		s = klachtdesk.Clip(s, 300) + "…"
	}
	s = cleanText(s)
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	if p.seen[s] || len(p.list) >= maxProblems {
		return
	}
	p.seen[s] = true
	p.list = append(p.list, s)
}

// collector adapts problems to enmime's ErrorCollector.
type collector struct{ p *problems }

func (c collector) AddError(name string, format string, args ...any) {
	c.p.add("header: %s: %s", name, fmt.Sprintf(format, args...))
}

func (c collector) AddWarning(name string, format string, args ...any) {
	c.p.add("header: %s: %s", name, fmt.Sprintf(format, args...))
}

// readHeaders parses a header section the way enmime parses the one of a
// message, tolerating broken folding and field names.
func readHeaders(header []byte, probs *problems) headers {
	b := make([]byte, 0, len(header)+4)
	b = append(b, header...)
	b = append(b, "\r\n\r\n"...)
	h, err := enmime.ReadHeader(bufio.NewReader(bytes.NewReader(b)), collector{probs})
	if err != nil {
		probs.add("header: %v", err)
	}
	return newHeaders(h)
}

// wordDecoder decodes RFC 2047 encoded words in any charset we know, and
// falls back to windows-1252 for the others instead of failing.
var wordDecoder = &mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read encoded word: %w", err)
	}
	s, _ := decodeCharset(b, charset)
	return strings.NewReader(s), nil
}}

// decodeHeaderText decodes RFC 2047 encoded words (leaving broken ones
// literal), reads undeclared 8-bit bytes as windows-1252, and turns line
// breaks and other control characters into spaces.
func decodeHeaderText(v string) string {
	if len(v) > maxHeaderValue {
		v = klachtdesk.Clip(v, maxHeaderValue)
	}
	if !utf8.ValidString(v) {
		v = windows1252([]byte(v))
	}
	if strings.Contains(v, "=?") {
		v = decodeWords(v)
	}
	return oneLine(v)
}

// encodedWord matches an RFC 2047 encoded word; it cannot contain white
// space, so a broken word never swallows the text after it.
var encodedWord = regexp.MustCompile(`=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=`)

// decodeWords decodes each well-formed encoded word on its own and leaves
// broken ones literal; white space between two encoded words is dropped
// (RFC 2047, section 6.2).
func decodeWords(v string) string {
	locs := encodedWord.FindAllStringIndex(v, 1000)
	if locs == nil {
		return v
	}
	var b strings.Builder
	prev, prevWord := 0, false
	for _, loc := range locs {
		gap := v[prev:loc[0]]
		if !(prevWord && strings.TrimSpace(gap) == "") {
			b.WriteString(gap)
		}
		w := v[loc[0]:loc[1]]
		if d, err := wordDecoder.Decode(w); err == nil {
			b.WriteString(d)
			prevWord = true
		} else {
			b.WriteString(w)
			prevWord = false
		}
		prev = loc[1]
	}
	b.WriteString(v[prev:])
	return b.String()
}

// oneLine makes a header value a single clean line by the domain's rule
// (klachtdesk.CleanLine): folding is undone, other line breaks and tabs
// become spaces, control characters and escape sequences go.
func oneLine(s string) string {
	s = cleanText(s) // CRLF and CR are LF from here on
	if strings.IndexByte(s, '\n') >= 0 {
		s = strings.ReplaceAll(s, "\n ", " ")
		s = strings.ReplaceAll(s, "\n\t", "\t")
	}
	return strings.TrimSpace(klachtdesk.CleanLine(s))
}

// parseSubject decodes and caps the Subject header.
func parseSubject(v string) string {
	s := decodeHeaderText(v)
	if len(s) > maxSubjectLen {
		s = klachtdesk.Clip(s, maxSubjectLen)
	}
	return s
}

var (
	bracketAddr = regexp.MustCompile(`<\s*([^<>\s@]+@[^<>\s@]+?)\s*>`)
	bareAddr    = regexp.MustCompile(`[^\s<>"(),;:\[\]]+@[^\s<>"(),;:\[\]]+`)
)

// parseAddressList reads an address header tolerantly: enmime's parser
// first, then anything that looks like an address.
func parseAddressList(v string) []klachtdesk.Address {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	if len(v) > maxHeaderValue {
		v = klachtdesk.Clip(v, maxHeaderValue)
	}
	if !utf8.ValidString(v) {
		v = windows1252([]byte(v))
	}
	var out []klachtdesk.Address
	if list, err := enmime.ParseAddressList(v); err == nil {
		for _, a := range list {
			if a == nil {
				continue
			}
			out = append(out, klachtdesk.Address{Name: decodeHeaderText(a.Name), Email: oneLine(a.Address)})
			if len(out) >= maxAddresses {
				break
			}
		}
		return out
	}
	// Garbage: keep what looks like an address, with the text before it
	// as the name.
	rest := v
	for len(out) < maxAddresses {
		loc := bracketAddr.FindStringSubmatchIndex(rest)
		if loc != nil {
			name := strings.TrimRight(rest[:loc[0]], " \t")
			if i := strings.LastIndexAny(name, ",;"); i >= 0 {
				name = name[i+1:]
			}
			out = append(out, klachtdesk.Address{Name: cleanName(name), Email: oneLine(rest[loc[2]:loc[3]])})
			rest = rest[loc[1]:]
			continue
		}
		loc = bareAddr.FindStringIndex(rest)
		if loc == nil {
			break
		}
		out = append(out, klachtdesk.Address{Email: oneLine(strings.Trim(rest[loc[0]:loc[1]], "."))})
		rest = rest[loc[1]:]
	}
	if len(out) == 0 {
		// Nothing like an address: keep the text as a name so the sender
		// is visible, with no e-mail address.
		return []klachtdesk.Address{{Name: decodeHeaderText(v)}}
	}
	return out
}

func cleanName(s string) string {
	s = decodeHeaderText(s)
	return strings.TrimSpace(strings.Trim(s, `"' `))
}

// parseIDs reads Message-IDs from In-Reply-To or References: bracketed
// tokens, or whitespace separated ones when there are no brackets; only
// tokens that look like local@domain are kept, at most the last maxIDs.
func parseIDs(v string) []string {
	var out []string
	if strings.Contains(v, "<") {
		for _, tok := range bracketed(v) {
			if id := cleanID(tok); looksLikeID(id) {
				out = append(out, id)
			}
		}
	} else {
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' || r == '\n' }) {
			if id := cleanID(f); looksLikeID(id) {
				out = append(out, id)
			}
		}
	}
	out = dedup(out)
	if len(out) > maxIDs {
		out = out[len(out)-maxIDs:]
	}
	return out
}

// parseMessageID reads a Message-ID: the first bracketed token (preferring
// one with an @), else the trimmed value.
func parseMessageID(v string) string {
	var first string
	for _, tok := range bracketed(v) {
		id := cleanID(tok)
		if looksLikeID(id) {
			return id
		}
		if first == "" && id != "" && len(id) <= maxIDLen {
			first = id
		}
	}
	if first != "" {
		return first
	}
	id := cleanID(strings.Trim(strings.TrimSpace(v), "<>"))
	if len(id) > maxIDLen {
		return ""
	}
	return id
}

// bracketed returns the contents of the <…> tokens of v, in order; an
// unclosed "<" ends the list.
func bracketed(v string) []string {
	var out []string
	for rest := v; ; {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(rest[i+1:], '>')
		if j < 0 {
			return out
		}
		out = append(out, rest[i+1:i+1+j])
		rest = rest[i+1+j+1:]
	}
}

// cleanID removes white space (folding) and makes an id valid UTF-8.
func cleanID(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		s = strings.Map(func(r rune) rune {
			if r <= ' ' || r == 0x7f {
				return -1
			}
			return r
		}, s)
	}
	return cleanText(s)
}

func looksLikeID(id string) bool {
	i := strings.IndexByte(id, '@')
	return i > 0 && i < len(id)-1 && len(id) <= maxIDLen
}

// parseReturnPath reads the envelope sender: "<>" is the null sender.
func parseReturnPath(v string) (addr string, null bool) {
	v = strings.TrimSpace(oneLine(v))
	if v == "" {
		return "", false
	}
	inner := v
	if i := strings.IndexByte(v, '<'); i >= 0 {
		inner = v[i+1:]
		if j := strings.IndexByte(inner, '>'); j >= 0 {
			inner = inner[:j]
		}
	}
	inner = strings.TrimSpace(inner)
	if inner == "" {
		return "", true
	}
	if len(inner) > maxIDLen {
		inner = klachtdesk.Clip(inner, maxIDLen)
	}
	return inner, false
}

var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 -0700 2006",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02T15:04:05Z07:00",
	"Mon, 2 January 2006 15:04:05 -0700",
}

// parseDate reads the Date header; the zero time when it cannot be read.
func parseDate(v string) time.Time {
	v = oneLine(v)
	if v == "" || len(v) > 200 {
		return time.Time{}
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	// Drop a trailing comment such as "(CET)" and repeated spaces.
	if i := strings.IndexByte(v, '('); i > 0 {
		v = strings.TrimSpace(v[:i])
	}
	v = strings.Join(strings.Fields(v), " ")
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

func dedup(in []string) []string {
	if len(in) < 2 {
		return in
	}
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
