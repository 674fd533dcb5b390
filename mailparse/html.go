package mailparse

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
)

// policy is bluemonday's UGC policy without what mail must not do in a
// staff member's browser: no remote images (tracking pixels), so <img> only
// with a cid: or data:image source; no style or class attributes; links get
// rel="nofollow noopener noreferrer" and open in a new tab.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowAttrs("dir").Matching(bluemonday.Direction).Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[a-zA-Z]{2,20}(-[a-zA-Z0-9]{1,8})*$`)).Globally()
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).Globally()

	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.AllowURLSchemes("mailto", "http", "https", "cid")
	p.AllowDataURIImages()
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)

	p.AllowElements("article", "aside", "figure", "section", "summary", "hgroup",
		"h1", "h2", "h3", "h4", "h5", "h6",
		"br", "div", "hr", "p", "span", "wbr", "center", "font",
		"abbr", "acronym", "cite", "code", "dfn", "em", "figcaption", "mark", "s", "samp",
		"strong", "sub", "sup", "var", "b", "i", "pre", "small", "strike", "tt", "u",
		"rp", "rt", "ruby", "address")
	p.AllowAttrs("open").Matching(regexp.MustCompile(`(?i)^(|open)$`)).OnElements("details")
	p.AllowAttrs("cite").OnElements("blockquote", "q")
	p.AllowElements("blockquote", "q")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("datetime").Matching(bluemonday.ISO8601).OnElements("time", "del", "ins")
	p.AllowElements("del", "ins")
	p.AllowLists()
	p.AllowTables()

	// No width/height: an <img> whose remote source was removed then has
	// nothing left and disappears with it.
	p.AllowAttrs("alt").Matching(bluemonday.Paragraph).OnElements("img")
	p.AllowAttrs("src").Matching(regexp.MustCompile(`(?i)^\s*(cid:|data:image/)`)).OnElements("img")
	return p
})

// SanitizeHTML cleans HTML from a mail for display to staff with our policy:
// no scripts, event handlers, javascript: links, styles or remote images.
func SanitizeHTML(h string) string {
	return cleanText(policy().Sanitize(cleanText(h)))
}

// skipped elements have no text for a reader.
var skipped = map[string]bool{"script": true, "style": true, "head": true, "title": true, "noscript": true, "template": true, "svg": true, "object": true, "iframe": true, "select": true}

// block elements start on a new line.
var block = map[string]bool{
	"p": true, "div": true, "table": true, "tr": true, "ul": true, "ol": true, "li": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "pre": true,
	"blockquote": true, "hr": true, "section": true, "article": true, "header": true,
	"footer": true, "address": true, "dl": true, "dt": true, "dd": true, "center": true,
	"form": true, "fieldset": true, "figure": true, "body": true, "html": true,
}

// textWriter builds plain text with quote prefixes and collapsed spaces.
type textWriter struct {
	b        strings.Builder
	limit    int
	quote    int  // blockquote depth: lines get "> " prefixes
	atLine   bool // at the start of a line
	space    bool // a space is pending
	newlines int  // line breaks written at the end
	full     bool
}

func (w *textWriter) text(s string, pre bool) {
	for _, r := range s {
		if w.full {
			return
		}
		switch {
		case r == '\n' && pre:
			w.lineBreak()
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == 0xa0 && !pre:
			if pre {
				w.rune(' ')
			} else if !w.atLine {
				w.space = true
			}
		default:
			if w.space {
				w.space = false
				w.rune(' ')
			}
			w.rune(r)
		}
	}
}

func (w *textWriter) rune(r rune) {
	if w.atLine {
		w.atLine = false
		for range w.quote {
			w.b.WriteString("> ")
		}
	}
	w.b.WriteRune(r)
	w.newlines = 0
	if w.b.Len() >= w.limit {
		w.full = true
	}
}

// lineBreak ends the line; paragraph asks for an empty line after it.
func (w *textWriter) lineBreak() {
	w.space = false
	if w.full {
		return
	}
	if w.atLine && w.b.Len() == 0 {
		return
	}
	if w.quote > 0 && w.atLine && w.newlines > 0 {
		w.b.WriteString(strings.TrimSpace(strings.Repeat("> ", w.quote)))
	}
	w.b.WriteByte('\n')
	w.newlines++
	w.atLine = true
}

func (w *textWriter) blockBreak(paragraph bool) {
	if !w.atLine {
		w.lineBreak()
	}
	if paragraph && w.newlines < 2 && w.b.Len() > 0 {
		w.lineBreak()
	}
}

// htmlToText renders HTML as plain text for reading and reply splitting:
// blocks on their own lines, blockquotes as "> " quotes, links followed by
// their address. At most limit bytes are produced.
func htmlToText(h string, limit int) string {
	w := &textWriter{limit: limit, atLine: true}
	z := xhtml.NewTokenizer(strings.NewReader(h))
	z.SetMaxBuf(0)
	skip, pre := 0, 0
	var href string
	var linkText strings.Builder
	for !w.full {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return finishText(w)
		case xhtml.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			if href != "" {
				linkText.WriteString(t)
			}
			w.text(t, pre > 0)
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			end := tt == xhtml.EndTagToken
			if tag == "body" && !end {
				// A missing </head> must not hide the body.
				skip = 0
			}
			if skipped[tag] {
				if tt == xhtml.StartTagToken {
					skip++
				} else if end && skip > 0 {
					skip--
				}
				continue
			}
			if skip > 0 {
				continue
			}
			switch tag {
			case "br":
				w.lineBreak()
			case "blockquote":
				w.blockBreak(false)
				if end {
					w.quote = max(w.quote-1, 0)
				} else if tt == xhtml.StartTagToken {
					w.quote++
				}
			case "pre":
				w.blockBreak(false)
				if end {
					pre = max(pre-1, 0)
				} else if tt == xhtml.StartTagToken {
					pre++
				}
			case "li":
				if !end {
					w.blockBreak(false)
					w.text("- ", true)
				}
			case "td", "th":
				if !end && !w.atLine {
					w.space = true
				}
			case "a":
				if !end {
					href = ""
					linkText.Reset()
					for hasAttr {
						var k, v []byte
						k, v, hasAttr = z.TagAttr()
						if string(k) == "href" {
							href = string(v)
						}
					}
					if !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "https://") {
						href = ""
					}
				} else if href != "" {
					if t := strings.TrimSpace(linkText.String()); t != href && t != "" && !strings.Contains(href, t) {
						w.text(" <"+href+">", false)
					}
					href = ""
				}
			case "img":
				// No text for images.
			default:
				if block[tag] {
					w.blockBreak(tag == "p" || tag == "table" || strings.HasPrefix(tag, "h") && len(tag) == 2)
				}
			}
		}
	}
	return finishText(w)
}

func finishText(w *textWriter) string {
	s := w.b.String()
	// Trailing spaces on lines come from inline elements at line ends.
	if strings.Contains(s, " \n") {
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			lines[i] = strings.TrimRight(l, " ")
		}
		s = strings.Join(lines, "\n")
	}
	return cleanText(strings.TrimSpace(s))
}

// stripTags is the cheap conversion for HTML too large for htmlToText:
// tags removed (script and style with their content), a few entities
// decoded, block ends turned into line breaks. At most limit bytes.
func stripTags(h []byte, limit int) string {
	out := make([]byte, 0, min(len(h), limit))
	for i := 0; i < len(h) && len(out) < limit; {
		c := h[i]
		if c != '<' {
			j := bytes.IndexByte(h[i:], '<')
			if j < 0 {
				j = len(h) - i
			}
			out = append(out, h[i:i+min(j, limit-len(out))]...)
			i += j
			continue
		}
		j := bytes.IndexByte(h[i:], '>')
		if j < 0 {
			break
		}
		tag := h[i+1 : i+j]
		i += j + 1
		name := tagName(tag)
		switch name {
		case "script", "style", "head", "title":
			// Skip to the matching end tag.
			k := indexFold(h[i:], "</"+name)
			if k < 0 {
				i = len(h)
			} else {
				i += k
			}
		case "br", "p", "/p", "div", "/div", "tr", "/tr", "li", "h1", "h2", "h3", "/h1", "/h2", "/h3", "blockquote", "/blockquote", "table", "/table":
			out = append(out, '\n')
		}
	}
	s := html.UnescapeString(string(out))
	// Collapse the runs of blank lines layout HTML leaves.
	lines := strings.Split(s, "\n")
	kept := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		kept = append(kept, l)
	}
	return cleanText(strings.TrimSpace(strings.Join(kept, "\n")))
}

// tagName returns the lower-case name of a tag's inside ("p class=x" → "p",
// "/div" → "/div").
func tagName(tag []byte) string {
	var buf [16]byte
	n := 0
	for i, c := range tag {
		if i == 0 && c == '/' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
		} else if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		} else {
			break
		}
		if n == len(buf) {
			break
		}
		buf[n] = c
		n++
	}
	return string(buf[:n])
}

// indexFold finds the lower-case ASCII string w in b in any case.
func indexFold(b []byte, w string) int {
	for i := 0; i+len(w) <= len(b); i++ {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		if i+len(w) <= len(b) && equalFoldASCII(b[i:i+len(w)], w) {
			return i
		}
	}
	return -1
}

// metaCharset finds the charset an HTML document declares in a meta tag.
func metaCharset(b []byte) string {
	head := b[:min(len(b), 2048)]
	i := 0
	for {
		k := indexFoldFrom(head, "charset", i)
		if k < 0 {
			return ""
		}
		v, _, ok := boundaryValue(head, k+7)
		if ok && v != "" {
			return v
		}
		i = k + 7
	}
}

func indexFoldFrom(b []byte, w string, from int) int {
	for i := from; i+len(w) <= len(b); i++ {
		if b[i]|0x20 == w[0] && equalFoldASCII(b[i:i+len(w)], w) {
			return i
		}
	}
	return -1
}
