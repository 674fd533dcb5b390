package mailparse

import (
	"bytes"
	"slices"
	"strings"

	"github.com/jhillyerd/enmime/v2/mediatype"

	"github.com/klachtdesk/klachtdesk"
)

// Bounds of the raw-text fallback: how much of a body it reads, and how
// many parts it looks at.
const (
	maxRawScan     = 8 << 20
	maxRawSegments = 20000
)

// rawSegment is a part found by the raw-text fallback.
type rawSegment struct {
	ct, cte, charset, disposition string
	body                          []byte
}

// rawText recovers text from a body that enmime could not read or was not
// allowed to: parts are found by boundary-like lines followed by MIME
// header fields, their headers are read and dropped, text parts are
// decoded (transfer encoding, charset), HTML is stripped of tags and other
// parts are skipped. At most limit bytes.
func rawText(body []byte, top headers, limit int, probs *problems) string {
	if len(body) > maxRawScan {
		body = body[:maxRawScan]
		probs.add("only the first %d MB of the body were read", maxRawScan>>20)
	}
	topCT, topParams, _, _ := mediatype.Parse(top.get("content-type"))
	segs := rawSegments(body)
	if len(segs) >= maxRawSegments {
		probs.add("only the first %d parts were read", maxRawSegments)
	}
	if len(segs) == 0 {
		ct := strings.ToLower(topCT)
		if strings.HasPrefix(ct, "multipart/") || ct == "" {
			ct = "text/plain"
		}
		segs = []rawSegment{{ct: ct, cte: top.get("content-transfer-encoding"), charset: topParams["charset"], body: body}}
	}
	// Of alternatives, the plain text is enough.
	if strings.EqualFold(topCT, "multipart/alternative") && slices.ContainsFunc(segs, func(s rawSegment) bool {
		return strings.EqualFold(s.ct, "text/plain") || s.ct == ""
	}) {
		segs = slices.DeleteFunc(segs, func(s rawSegment) bool { return strings.EqualFold(s.ct, "text/html") })
	}
	var out []string
	size := 0
	for _, s := range segs {
		if size >= limit {
			break
		}
		t := segmentText(s, limit-size, probs)
		if strings.TrimSpace(t) == "" {
			continue
		}
		out = append(out, t)
		size += len(t) + 2
	}
	return klachtdesk.Clip(strings.Join(out, "\n\n"), limit)
}

// segmentText decodes a text segment; "" for anything else.
func segmentText(s rawSegment, limit int, probs *problems) string {
	ct := strings.ToLower(s.ct)
	if strings.EqualFold(s.disposition, "attachment") {
		return ""
	}
	switch {
	case ct == "", ct == "text/plain", ct == "text/html":
	default:
		return ""
	}
	b, problem := decodeTransfer(s.body, s.cte)
	if problem != "" {
		probs.add("raw text: %s", problem)
	}
	label := s.charset
	if ct == "text/html" && label == "" {
		label = metaCharset(b)
	}
	text, problem := decodeCharset(b, label)
	if problem != "" {
		probs.add("raw text: %s", problem)
	}
	if ct == "text/html" || ct == "" && looksLikeHTML(text) {
		return stripTags([]byte(text), limit)
	}
	return klachtdesk.Clip(strings.TrimSpace(normalizeNewlines(text)), limit)
}

func looksLikeHTML(s string) bool {
	head := strings.ToLower(s[:min(len(s), 1024)])
	return strings.Contains(head, "<html") || strings.Contains(head, "<body") || strings.Contains(head, "<div") || strings.Contains(head, "<p>")
}

// rawSegments splits a body at lines that look like MIME delimiters:
// "--token" followed directly by a Content-… header field. The preamble
// before the first delimiter is dropped, and so is what follows a closing
// delimiter ("--token--" of a token seen before) up to the next delimiter.
func rawSegments(body []byte) []rawSegment {
	var segs []rawSegment
	tokens := map[string]bool{}
	start := -1 // body offset of the open segment, -1 when none is open
	closeSeg := func(end int) {
		if start >= 0 {
			segs[len(segs)-1].body = trimLastBreak(body[start:end])
		}
		start = -1
	}
	for off := 0; off < len(body) && len(segs) < maxRawSegments; {
		lineStart := off
		line, next := nextLine(body, off)
		off = next
		tok, ok := delimiterToken(line)
		if !ok {
			continue
		}
		if t, isClose := strings.CutSuffix(tok, "--"); isClose && tokens[t] {
			closeSeg(lineStart)
			continue
		}
		peek, _ := nextLine(body, off)
		if len(peek) < 8 || !equalFoldASCII(peek[:8], "content-") {
			continue
		}
		closeSeg(lineStart)
		tokens[tok] = true
		hdrStart := off
		for off < len(body) && off-hdrStart < 16<<10 {
			l, n := nextLine(body, off)
			off = n
			if len(l) == 0 {
				break
			}
		}
		seg := segmentHeader(body[hdrStart:off])
		segs = append(segs, seg)
		start = off
	}
	closeSeg(len(body))
	return segs
}

// segmentHeader reads the few fields the fallback needs from a part
// header, cheaply: this runs for every part of a hostile message.
func segmentHeader(h []byte) rawSegment {
	var seg rawSegment
	var field string
	var value []byte
	flush := func() {
		v := string(bytes.TrimSpace(value))
		switch field {
		case "content-type":
			mt, _, _ := strings.Cut(v, ";")
			seg.ct = strings.ToLower(strings.TrimSpace(mt))
			if strings.HasPrefix(seg.ct, "text/") {
				_, params, _, _ := mediatype.Parse(v)
				seg.charset = params["charset"]
			}
		case "content-transfer-encoding":
			seg.cte = v
		case "content-disposition":
			d, _, _ := strings.Cut(v, ";")
			seg.disposition = strings.ToLower(strings.TrimSpace(d))
		}
		field, value = "", value[:0]
	}
	for off := 0; off < len(h); {
		line, next := nextLine(h, off)
		off = next
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			if field != "" {
				value = append(value, line...)
			}
			continue
		}
		flush()
		for _, f := range []string{"content-type", "content-transfer-encoding", "content-disposition"} {
			if len(line) > len(f) && line[len(f)] == ':' && equalFoldASCII(line[:len(f)], f) {
				field = f
				value = append(value, line[len(f)+1:]...)
				break
			}
		}
	}
	flush()
	return seg
}

// delimiterToken returns what follows "--" on a line that could be a MIME
// delimiter: no white space, 1 to 100 characters.
func delimiterToken(line []byte) (string, bool) {
	if len(line) < 3 || line[0] != '-' || line[1] != '-' || len(line) > 102 {
		return "", false
	}
	tok := line[2:]
	if bytes.ContainsAny(tok, " \t") {
		return "", false
	}
	return string(tok), true
}

func trimLastBreak(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}
