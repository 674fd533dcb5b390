package mailparse_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klachtdesk/klachtdesk/mailparse"
)

// FuzzParse checks what must hold for any input: no panic (not even one
// Parse recovers from), valid UTF-8 without NUL everywhere, a 64-hex
// fingerprint, and the same result twice. Each input is parsed with the
// default caps and with tiny ones, so that the degraded paths are fuzzed
// too (small seeds reach the caps under the tiny ones, and keep the
// fuzzer fast).
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, b := range [][]byte{
		deepNesting(60, true),
		deepNesting(16, false),
		manyParts(40),
		htmlMail(4000),
		hugeHeader(5000),
		junk(2000),
		attachmentMail(3000),
		textParts(5, 100),
		nil,
		[]byte("From: a@b\r\n\r\n"),
	} {
		f.Add(b)
	}
	tiny := mailparse.Options{MaxNesting: 3, MaxParts: 5, MaxHTML: 200, MaxSize: 4000}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, opt := range []mailparse.Options{{}, tiny} {
			m := mailparse.Parse(raw, opt)
			for _, d := range m.Degraded {
				if strings.HasPrefix(d, "internal error") {
					t.Fatalf("Parse recovered from a panic: %s", d)
				}
			}
			checkInvariants(t, raw, opt, m)
		}
	})
}
