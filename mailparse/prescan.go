package mailparse

import (
	"bytes"
	"fmt"
	"strconv"
)

// The pre-scan reads the raw message once, cheaply, before enmime does. It
// has two jobs:
//
//   - Refuse what would make enmime too slow: enmime's cost grows with the
//     square of the nesting depth and of the number of parts, roughly doubles
//     with every level of nested multiparts that are left unclosed together,
//     and its byte-at-a-time boundary reader costs ≈ 14 ms per MB of body
//     (≈ 80 ms per MB for text without a declared charset, which it runs
//     charset detection on). Such a message takes the degraded path.
//   - Cut the body of every leaf part out of the copy enmime parses (the
//     "skeleton"). A marker header with a per-message nonce tells which body
//     belongs to which part; we decode those bodies ourselves, with the
//     standard library, at memory speed. enmime still does all the structure:
//     headers, boundaries, content types, dispositions, file names.
//
// The checks are conservative: every boundary enmime could use must be
// declared in a header line containing the word "boundary", and every part
// starts at a line beginning with "--", so counting those lines bounds
// enmime's work even where our reading of the structure differs from its.

const (
	markerField      = "X-Mailparse-Body"
	maxHeaderSection = 256 << 10
	maxSkeleton      = 1 << 20
	// maxUnclosedCost bounds Σ 2^run over runs of nested multiparts that end
	// together without their closing delimiter (a run of 13 ≈ 5 ms).
	maxUnclosedCost = 1 << 14
	// maxMatchWork bounds boundary comparisons over the whole message.
	maxMatchWork = 4 << 20
)

// cutBodies is switched off by a test that compares our body decoding with
// enmime's own.
var cutBodies = true

// cut is a leaf body taken out of the skeleton.
type cut struct {
	markerAt  int // where the marker field goes: the start of the empty line ending the part header
	bodyStart int
	bodyEnd   int
}

// layout is what the pre-scan learned about a message.
type layout struct {
	skeleton []byte   // what enmime parses
	bodies   [][]byte // cut-out bodies, still transfer-encoded, by marker number
	over     string   // the cap that was exceeded; "" when enmime may parse
}

type boundaryEntry struct {
	b string // "" when the declaration could not be read: it never matches
}

type scanner struct {
	msg       []byte
	opt       Options
	stack     []boundaryEntry
	parts     int
	dashLines int
	work      int
	unclosed  int
	lookahead int
	cuts      []cut
	over      string
}

// prescan checks msg (without mbox line) against the caps and builds the
// skeleton for enmime.
func prescan(msg []byte, opt Options, nonce string) layout {
	s := &scanner{msg: msg, opt: opt}
	hdrEnd, bodyStart, found := headerBounds(msg)
	if hdrEnd > maxHeaderSection {
		return layout{over: "header section larger than 256 KB"}
	}
	for off := 0; off < hdrEnd && s.over == ""; {
		line, next := nextLine(msg, off)
		off = next
		if hasFold(line, "boundary") {
			s.push(line)
		}
	}
	switch {
	case s.over != "":
	case len(s.stack) == 0:
		// A single part: the whole body is its content.
		if found {
			s.cuts = append(s.cuts, cut{markerAt: hdrEnd, bodyStart: bodyStart, bodyEnd: len(msg)})
		}
	default:
		s.scanBody(bodyStart)
	}
	if s.over != "" {
		return layout{over: s.over}
	}
	if !cutBodies {
		s.cuts = nil
	}
	return s.build(nonce)
}

// headerBounds returns the offset of the empty line that ends the header
// section and of the body after it; found is false without an empty line.
func headerBounds(b []byte) (hdrEnd, bodyStart int, found bool) {
	for off := 0; off < len(b); {
		line, next := nextLine(b, off)
		if len(line) == 0 {
			return off, next, true
		}
		off = next
	}
	return len(b), len(b), false
}

const (
	regionNone = iota
	regionPartHeader
	regionLoose // lines after a line containing "--": maybe a part header to enmime
)

func (s *scanner) scanBody(off int) {
	region := regionNone
	intro, partHasBoundary := 0, false
	for off < len(s.msg) && s.over == "" {
		lineStart := off
		line, next := nextLine(s.msg, off)
		off = next
		if len(line) >= 2 && line[0] == '-' && line[1] == '-' {
			s.dashLines++
			if s.dashLines > 4*s.opt.MaxParts+64 {
				s.over = fmt.Sprintf("more than %d boundary-like lines", 4*s.opt.MaxParts+64)
				return
			}
			if i, term := s.match(line); i >= 0 {
				s.popAbove(i)
				if term {
					s.stack = s.stack[:i]
					region = regionNone
					continue
				}
				s.parts++
				if s.parts > s.opt.MaxParts {
					s.over = fmt.Sprintf("more than %d MIME parts", s.opt.MaxParts)
					return
				}
				region, intro, partHasBoundary = regionPartHeader, i, false
				continue
			}
		}
		switch region {
		case regionPartHeader:
			if len(line) == 0 {
				region = regionNone
				if !partHasBoundary {
					if end, ok := s.bodyEnd(off, intro); ok {
						s.addCut(lineStart, off, end)
						off = end
					}
				}
				continue
			}
			if hasFold(line, "boundary") {
				partHasBoundary = true
				s.push(line)
			}
		case regionLoose:
			if len(line) == 0 {
				region = regionNone
				continue
			}
			if hasFold(line, "boundary") {
				s.push(line)
			}
		default:
			if bytes.Contains(line, []byte("--")) {
				region = regionLoose
				if hasFold(line, "boundary") {
					s.push(line)
				}
			}
		}
	}
	if s.over == "" {
		s.popAbove(-1)
	}
}

// match finds the outermost open boundary that line (starting with "--")
// is a delimiter or, when term, the closing delimiter of; -1 if none. Like
// enmime, a delimiter is followed by white space or the end of the line.
func (s *scanner) match(line []byte) (int, bool) {
	rest := line[2:]
	for i, e := range s.stack {
		s.work++
		if e.b == "" || len(rest) < len(e.b) || string(rest[:len(e.b)]) != e.b {
			continue
		}
		r := rest[len(e.b):]
		if len(r) >= 2 && r[0] == '-' && r[1] == '-' {
			return i, true
		}
		if len(r) == 0 || isSpaceByte(r[0]) {
			return i, false
		}
	}
	if s.work > maxMatchWork {
		s.over = "too many boundary comparisons"
	}
	return -1, false
}

func isSpaceByte(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x85, 0xa0:
		return true
	}
	return false
}

// popAbove closes the multiparts nested inside entry i without their own
// closing delimiter (i = -1: all of them, at the end of the message).
func (s *scanner) popAbove(i int) {
	run := len(s.stack) - 1 - i
	if run <= 0 {
		return
	}
	s.stack = s.stack[:i+1]
	s.unclosed += 1 << min(run, 30)
	if s.unclosed > maxUnclosedCost {
		s.over = fmt.Sprintf("%d nested multiparts left unclosed", run)
	}
}

// push records the boundary declared on line.
func (s *scanner) push(line []byte) {
	for _, b := range declaredBoundaries(line) {
		s.stack = append(s.stack, boundaryEntry{b: b})
		if len(s.stack) > s.opt.MaxNesting {
			s.over = fmt.Sprintf("MIME nesting deeper than %d", s.opt.MaxNesting)
			return
		}
	}
}

// bodyEnd finds the end of a leaf body starting at off: the next line that
// is a delimiter of an open boundary, or the end of a truncated message. It
// only succeeds when that boundary is intro, the one that started the part.
func (s *scanner) bodyEnd(off, intro int) (int, bool) {
	// Looking ahead is bounded so that a message built to make every part
	// scan to the end stays linear; beyond it we just stop cutting.
	if s.lookahead > 2*len(s.msg)+(1<<20) {
		return 0, false
	}
	pos, first := off, true
	for {
		var ls int
		if first && bytes.HasPrefix(s.msg[off:], []byte("--")) {
			ls = off
		} else {
			j := bytes.Index(s.msg[pos:], []byte("\n--"))
			if j < 0 {
				// Truncated: like enmime, the part runs to the end.
				s.lookahead += len(s.msg) - pos
				return len(s.msg), true
			}
			ls = pos + j + 1
		}
		first = false
		s.lookahead += ls - pos
		line, _ := nextLine(s.msg, ls)
		i, _ := s.match(line)
		if s.over != "" {
			return 0, false
		}
		if i >= 0 {
			return ls, i == intro
		}
		pos = ls
	}
}

func (s *scanner) addCut(markerAt, bodyStart, end int) {
	bodyEnd := end
	// The line break before a delimiter belongs to the delimiter.
	if bodyEnd > bodyStart && s.msg[bodyEnd-1] == '\n' {
		bodyEnd--
		if bodyEnd > bodyStart && s.msg[bodyEnd-1] == '\r' {
			bodyEnd--
		}
	}
	s.cuts = append(s.cuts, cut{markerAt: markerAt, bodyStart: bodyStart, bodyEnd: bodyEnd})
}

// build assembles the skeleton: the message with the cut bodies left out
// and a marker field added to the header of each such part.
func (s *scanner) build(nonce string) layout {
	l := layout{bodies: make([][]byte, 0, len(s.cuts))}
	size := len(s.msg)
	for _, c := range s.cuts {
		size -= c.bodyEnd - c.bodyStart
	}
	if size > maxSkeleton {
		return layout{over: "MIME structure larger than 1 MB without its bodies"}
	}
	sk := make([]byte, 0, size+len(s.cuts)*(len(markerField)+len(nonce)+16))
	prev := 0
	for n, c := range s.cuts {
		sk = append(sk, s.msg[prev:c.markerAt]...)
		nl := "\n"
		if c.markerAt < len(s.msg) && s.msg[c.markerAt] == '\r' {
			nl = "\r\n"
		}
		sk = append(sk, markerField+": "+nonce+"."+strconv.Itoa(n)+nl...)
		if c.markerAt == c.bodyStart {
			// No empty line (a header section that ends the message).
			sk = append(sk, nl...)
		}
		sk = append(sk, s.msg[c.markerAt:c.bodyStart]...)
		l.bodies = append(l.bodies, s.msg[c.bodyStart:c.bodyEnd])
		prev = c.bodyEnd
	}
	sk = append(sk, s.msg[prev:]...)
	l.skeleton = sk
	return l
}

// hasFold reports whether b contains the lower-case ASCII word w in any
// case.
func hasFold(b []byte, w string) bool {
	first := w[0]
	for i := 0; i+len(w) <= len(b); i++ {
		if b[i]|0x20 != first {
			continue
		}
		if equalFoldASCII(b[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

func equalFoldASCII(b []byte, w string) bool {
	for j := 0; j < len(w); j++ {
		c := b[j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[j] {
			return false
		}
	}
	return true
}

// declaredBoundaries reads the boundary parameters on a header line. A
// "boundary" that cannot be read (RFC 2231 continuations, a value on the
// next line, prose) yields "", which counts for nesting but never matches.
func declaredBoundaries(line []byte) []string {
	var out []string
	for i := 0; i+8 <= len(line); i++ {
		if line[i]|0x20 != 'b' || !equalFoldASCII(line[i:i+8], "boundary") {
			continue
		}
		v, end, ok := boundaryValue(line, i+8)
		if !ok {
			v = ""
		}
		out = append(out, v)
		i = end - 1
	}
	return out
}

// boundaryValue reads `= value` or `= "value"` at line[j:]; end is where
// reading stopped.
func boundaryValue(line []byte, j int) (v string, end int, ok bool) {
	if j < len(line) && line[j] == '*' {
		return "", j, false
	}
	for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
		j++
	}
	if j >= len(line) || line[j] != '=' {
		return "", j, false
	}
	j++
	for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
		j++
	}
	if j < len(line) && line[j] == '"' {
		var b []byte
		j++
		for j < len(line) && line[j] != '"' {
			if line[j] == '\\' && j+1 < len(line) {
				j++
			}
			b = append(b, line[j])
			j++
		}
		return string(b), min(j+1, len(line)), true
	}
	k := j
	for k < len(line) && line[k] != ';' && line[k] != ' ' && line[k] != '\t' && line[k] != '"' {
		k++
	}
	return string(line[j:k]), max(k, j+1), true
}
