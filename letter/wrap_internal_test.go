package letter

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// wrapReference is the plain form of wrap (string concatenation, counting
// runes again for every word) that wrap must agree with.
func wrapReference(line string, width int) []string {
	if utf8.RuneCountInString(line) <= width {
		return []string{line}
	}
	indent := ""
	if strings.HasPrefix(line, "- ") {
		indent = "  "
	}
	var lines []string
	cur := ""
	for _, w := range strings.Split(line, " ") {
		switch {
		case cur == "":
			cur = w
		case cur == indent:
			cur += w
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = indent + w
		}
	}
	return append(lines, cur)
}

func TestWrapAgreesWithReference(t *testing.T) {
	words := []string{"", "a", "klacht", "ontvangstbevestiging", "één", "ß", "-", "KL-2026-000042", strings.Repeat("x", 90), "é"}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		var b strings.Builder
		if i%3 == 0 {
			b.WriteString("- ")
		}
		for range r.IntN(40) {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(' ')
			if r.IntN(5) == 0 {
				b.WriteByte(' ')
			}
		}
		line := strings.TrimRight(b.String(), " ")
		for _, width := range []int{1, 10, Width} {
			if got, want := wrap(line, width), wrapReference(line, width); !slices.Equal(got, want) {
				t.Fatalf("wrap(%q, %d)\n got %q\nwant %q", line, width, got, want)
			}
		}
	}
}
