package letter

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/klachtdesk/klachtdesk"
)

// nbsp joins the parts of a date while a letter is laid out, so that
// "9 december 2026" is never broken over two lines; layout turns it back
// into a plain space.
const nbsp = '\u00a0'

var monthsDutch = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

var monthsEnglish = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// FormatDate writes d as a long date in lang: "25 november 2026" in Dutch,
// "25 November 2026" in English (the British order). The month names are
// our own tables, not the machine's locale. The zero date gives "".
func FormatDate(d klachtdesk.Date, lang klachtdesk.Language) string {
	return formatDate(d, lang, ' ')
}

func formatDate(d klachtdesk.Date, lang klachtdesk.Language, space rune) string {
	if d.IsZero() || d.Month < time.January || d.Month > time.December {
		return ""
	}
	month := monthsDutch[d.Month-1]
	if lang == klachtdesk.LanguageEnglish {
		month = monthsEnglish[d.Month-1]
	}
	sp := string(space)
	return strconv.Itoa(d.Day) + sp + month + sp + strconv.Itoa(d.Year)
}

// oneLine makes a value from outside safe to put on one line of a letter
// or in a subject header: invalid UTF-8, control characters (CR, LF, NUL…)
// and bidirectional overrides are removed, and every run of white space
// (including U+2028 and U+2029) becomes one space.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// cut shortens s to at most max characters, at the last space when there is
// one in the second half, and marks the cut with "…" when ellipsis is set.
func cut(s string, max int, ellipsis bool) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if ellipsis {
		max--
	}
	r := []rune(s)[:max]
	if i := strings.LastIndexByte(string(r), ' '); i > len(string(r))/2 {
		r = []rune(string(r)[:i])
	}
	out := strings.TrimRight(string(r), " ,.;:-")
	if ellipsis {
		out += "…"
	}
	return out
}

// layout turns the output of a body template into the letter's text: line
// ends are LF, trailing spaces go, runs of blank lines (left by optional
// paragraphs) become one, every line is wrapped at Width, and the text ends
// in exactly one newline.
func layout(body string) string {
	body = strings.ReplaceAll(body, "\r", "")
	var out []string
	blank := true // drop blank lines at the start
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, wrap(line, Width)...)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.ReplaceAll(strings.Join(out, "\n"), string(nbsp), " ") + "\n"
}

// wrap breaks line at spaces into lines of at most width characters. A
// list item ("- …") continues indented under its text. A word longer than
// width stays whole on a line of its own.
func wrap(line string, width int) []string {
	if utf8.RuneCountInString(line) <= width {
		return []string{line}
	}
	indent := ""
	if strings.HasPrefix(line, "- ") {
		indent = "  "
	}
	var (
		lines []string
		cur   strings.Builder
		n     int // runes in cur
	)
	for w := range strings.SplitSeq(line, " ") {
		wn := utf8.RuneCountInString(w)
		switch {
		case n == 0, cur.Len() == len(indent) && cur.String() == indent:
			cur.WriteString(w)
			n += wn
		case n+1+wn <= width:
			cur.WriteByte(' ')
			cur.WriteString(w)
			n += 1 + wn
		default:
			lines = append(lines, cur.String())
			cur.Reset()
			cur.WriteString(indent)
			cur.WriteString(w)
			n = len(indent) + wn
		}
	}
	return append(lines, cur.String())
}
