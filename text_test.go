package klachtdesk_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	kd "github.com/klachtdesk/klachtdesk"
)

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		text      string // CleanText
		line      string // CleanLine
		cleanText bool   // IsClean(in, true)
	}{
		{"plain", "Jan de Vries", "Jan de Vries", "Jan de Vries", true},
		{"accents and emoji stay", "Zoë Ñoño 😀 €", "Zoë Ñoño 😀 €", "Zoë Ñoño 😀 €", true},
		{"lines and tabs", "regel 1\n\tregel 2", "regel 1\n\tregel 2", "regel 1  regel 2", true},
		{"CRLF and lone CR", "a\r\nb\rc", "a\nb\nc", "a b c", false},
		{"vertical tab and form feed", "a\vb\fc", "a\nb\nc", "a b c", false},
		{"NUL", "a\x00b\x00", "ab", "ab", false},
		{"bell, backspace, DEL become spaces", "a\x07b\x08c\x7fd", "a b c d", "a b c d", false},
		{"colour", "\x1b[31mrood\x1b[0m", "rood", "rood", false},
		{"cursor movement and erase", "ok\x1b[2K\x1b[1A\x1b[10;20Hweg", "okweg", "okweg", false},
		{"private mode", "\x1b[?25lverborgen\x1b[?1049h", "verborgen", "verborgen", false},
		{"window title (OSC, BEL)", "\x1b]0;gehackt\x07tekst", "tekst", "tekst", false},
		{"hyperlink (OSC 8, ST)", "\x1b]8;;https://evil.example/\x1b\\klik\x1b]8;;\x1b\\", "klik", "klik", false},
		{"unterminated OSC ends at the line", "\x1b]0;titel\nvolgende regel", "\nvolgende regel", " volgende regel", false},
		{"device control string", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab", "ab", false},
		{"charset designation", "a\x1b(Bb", "ab", "ab", false},
		{"reset terminal", "a\x1bcb", "ab", "ab", false},
		{"lone ESC at the end", "tekst\x1b", "tekst", "tekst", false},
		{"ESC before a letter outside the final range", "a\x1bé", "aé", "aé", false},
		{"broken CSI keeps the text after it", "\x1b[12;é", "é", "é", false},
		{"8-bit CSI", "a\u009b31mb", "ab", "ab", false},
		{"8-bit OSC with 8-bit ST", "a\u009d0;x\u009cb", "ab", "ab", false},
		{"NEL is a line break", "a\u0085b", "a\nb", "a b", false},
		{"other C1 controls become spaces", "a\u0080b\u0099c", "a b c", "a b c", false},
		{"invalid UTF-8: one U+FFFD per run", "klacht \xff\xfe", "klacht \uFFFD", "klacht \uFFFD", false},
		{"empty", "", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kd.CleanText(tt.in); got != tt.text {
				t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.text)
			}
			if got := kd.CleanLine(tt.in); got != tt.line {
				t.Errorf("CleanLine(%q) = %q, want %q", tt.in, got, tt.line)
			}
			if got := kd.IsClean(tt.in, true); got != tt.cleanText {
				t.Errorf("IsClean(%q, true) = %v, want %v", tt.in, got, tt.cleanText)
			}
		})
	}
}

// FuzzCleanText: whatever the input, the result is valid UTF-8 without
// control characters (but newlines and tabs in text), cleaning it again
// changes nothing, and clean input is left as it was.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "Jan", "a\r\nb", "\x1b[31mx\x1b[0m", "\x1b]0;t\x07", "\x1b]8;;u\x1b\\l", "\u009b1m", "\xff\x00", "\x1bP\x1b", "\x1b[", "\x1b]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, multiline := range []bool{true, false} {
			clean := kd.CleanLine
			if multiline {
				clean = kd.CleanText
			}
			got := clean(s)
			if !utf8.ValidString(got) || !kd.IsClean(got, multiline) {
				t.Fatalf("clean(%q, multiline %v) = %q is not clean", s, multiline, got)
			}
			if strings.ContainsRune(got, 0x1b) {
				t.Fatalf("clean(%q) = %q keeps an ESC", s, got)
			}
			if again := clean(got); again != got {
				t.Fatalf("cleaning %q twice: %q, then %q", s, got, again)
			}
			if kd.IsClean(s, multiline) && got != s {
				t.Fatalf("clean input %q changed into %q", s, got)
			}
		}
	})
}

// TestCleanFreeText: every personal free-text field of a complaint (and the
// settlement type) is cleaned, so that a field added to PersonalFields
// without a cleaning rule fails here.
func TestCleanFreeText(t *testing.T) {
	dirty := "\x1b[31mrood\x1b[0m\x00"
	m := map[string]string{"settlement_type": dirty}
	for _, f := range kd.PersonalFields {
		m[f] = dirty
	}
	raw, _ := json.Marshal(m)
	var c kd.Complaint
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	c.CleanFreeText()
	var after map[string]any
	raw, _ = json.Marshal(&c)
	_ = json.Unmarshal(raw, &after)
	for f := range m {
		if after[f] != "rood" {
			t.Errorf("%s = %q after CleanFreeText, want %q", f, after[f], "rood")
		}
	}
}
