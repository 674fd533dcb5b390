package mailparse_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/mailparse"
)

const mailHeader = "From: Hostile Tester <hostile@example.nl>\r\nTo: klachten@bedrijf.nl\r\nSubject: Test\r\nDate: Thu, 12 Nov 2026 10:00:00 +0100\r\nMessage-ID: <hostile@example.nl>\r\nMIME-Version: 1.0\r\n"

// deepNesting nests depth multipart/mixed parts around one text part; with
// closed false no boundary is ever closed.
func deepNesting(depth int, closed bool) []byte {
	var b bytes.Buffer
	b.WriteString(mailHeader + "Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n")
	for i := 1; i <= depth; i++ {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n", i-1, i)
	}
	fmt.Fprintf(&b, "--b%d\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDiepe klacht tekst.\r\n", depth)
	if closed {
		for i := depth; i >= 0; i-- {
			fmt.Fprintf(&b, "--b%d--\r\n", i)
		}
	}
	return b.Bytes()
}

// manyParts is a flat multipart with n parts, the first one text.
func manyParts(n int) []byte {
	var b bytes.Buffer
	b.WriteString(mailHeader + "Content-Type: multipart/mixed; boundary=\"p\"\r\n\r\n")
	b.WriteString("--p\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDeel 1: mijn klacht.\r\n")
	for i := 1; i < n; i++ {
		b.WriteString("--p\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n")
	}
	b.WriteString("--p--\r\n")
	return b.Bytes()
}

// htmlMail is an HTML-only mail of about size bytes.
func htmlMail(size int) []byte {
	var b bytes.Buffer
	b.WriteString(mailHeader + "Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "<p>Regel %d van de <b>klacht</b> over de levering.<img src=\"https://t.example/%d.gif\"></p>\r\n", i, i)
	}
	b.WriteString("</body></html>\r\n")
	return b.Bytes()
}

// hugeHeader has a Subject line of size bytes.
func hugeHeader(size int) []byte {
	return []byte("From: Hostile Tester <hostile@example.nl>\r\nSubject: " + strings.Repeat("klacht ", size/7) + "\r\nMessage-ID: <huge@example.nl>\r\n\r\nDe tekst na de lange kop.\r\n")
}

// junk is random bytes.
func junk(size int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// attachmentMail is a plain mail with a base64 attachment of size bytes.
func attachmentMail(size int) []byte {
	var b bytes.Buffer
	b.WriteString(mailHeader + "Content-Type: multipart/mixed; boundary=\"att\"\r\n\r\n")
	b.WriteString("--att\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nZie de bijlage bij mijn klacht.\r\n")
	b.WriteString("--att\r\nContent-Type: application/pdf; name=\"bewijs.pdf\"\r\nContent-Disposition: attachment; filename=\"bewijs.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(junk(size))
	for i := 0; i < len(enc); i += 76 {
		b.WriteString(enc[i:min(i+76, len(enc))])
		b.WriteString("\r\n")
	}
	b.WriteString("--att--\r\n")
	return b.Bytes()
}

// textParts is a multipart/mixed with n text parts of about each bytes,
// without a declared charset (enmime would join them quadratically and run
// charset detection on each).
func textParts(n, each int) []byte {
	var b bytes.Buffer
	b.WriteString(mailHeader + "Content-Type: multipart/mixed; boundary=\"t\"\r\n\r\n")
	para := strings.Repeat("Dit is een klacht over de levering van mijn pakket. ", each/52+1)[:each]
	for i := 0; i < n; i++ {
		b.WriteString("--t\r\nContent-Type: text/plain\r\n\r\n" + para + "\r\n")
	}
	b.WriteString("--t--\r\n")
	return b.Bytes()
}

// bigText is a single-part latin-1 quoted-printable text mail of about
// size bytes.
func bigText(size int) []byte {
	var b bytes.Buffer
	b.WriteString(mailHeader + "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	for b.Len() < size {
		b.WriteString("De levering van mijn caf=E9-machine was te laat en het apparaat is kapot.=\r\n Ik wil mijn geld terug.\r\n")
	}
	return b.Bytes()
}

// fromLines is a text mail of size bytes of lines that each start like an
// Outlook header block.
func fromLines(size int) []byte {
	var b bytes.Buffer
	b.WriteString(mailHeader + "Content-Type: text/plain; charset=utf-8\r\n\r\n")
	for b.Len() < size {
		b.WriteString("From: a\r\nSent: 1\r\nOn 1 wrote x:\r\n")
	}
	return b.Bytes()
}

type hostileCase struct {
	name     string
	raw      func() []byte
	degraded string // substring of Degraded; "" means none expected
	text     string // substring of Text
	check    func(t *testing.T, m *klachtdesk.InboundMail)
	big      bool // skipped with -short
}

var hostileCases = []hostileCase{
	{name: "nesting 5000", raw: func() []byte { return deepNesting(5000, true) }, degraded: "MIME nesting deeper than 50", text: "Diepe klacht tekst."},
	{name: "nesting 50 closed", raw: func() []byte { return deepNesting(49, true) }, text: "Diepe klacht tekst."},
	{name: "nesting 30 unclosed", raw: func() []byte { return deepNesting(30, false) }, degraded: "nested multiparts left unclosed", text: "Diepe klacht tekst."},
	{name: "nesting 12 unclosed", raw: func() []byte { return deepNesting(12, false) }, degraded: `Boundary "b12" was not closed correctly`, text: "Diepe klacht tekst."},
	{name: "parts 100k", raw: func() []byte { return manyParts(100_000) }, degraded: "MIME parts", text: "Deel 1: mijn klacht."},
	{name: "parts 1000", raw: func() []byte { return manyParts(1000) }, text: "Deel 1: mijn klacht.", check: func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "attachments", len(m.Attachments), 999)
	}},
	{name: "html 10MB", raw: func() []byte { return htmlMail(10 << 20) }, degraded: "HTML body larger than", text: "Regel 0 van de klacht over de levering.", check: func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "HTML", m.HTML, "")
	}, big: true},
	{name: "html 2MB", raw: func() []byte { return htmlMail(2<<20 - 1000) }, text: "Regel 0 van de klacht over de levering.", check: func(t *testing.T, m *klachtdesk.InboundMail) {
		hasNot(t, "HTML", m.HTML[:1000], "t.example")
	}},
	{name: "header line 10MB", raw: func() []byte { return hugeHeader(10 << 20) }, degraded: "header section larger than 256 KB", text: "De tekst na de lange kop.", check: func(t *testing.T, m *klachtdesk.InboundMail) {
		same(t, "From", m.From, addr("Hostile Tester", "hostile@example.nl"))
		eq(t, "Subject capped", len(m.Subject) <= 4096 && strings.HasPrefix(m.Subject, "klacht klacht"), true)
		eq(t, "MessageID", m.MessageID, "huge@example.nl")
	}, big: true},
	{name: "junk 50MB", raw: func() []byte { return junk(50 << 20) }, degraded: "not a mail message", check: func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Text capped", len(m.Text) > 0 && len(m.Text) <= 4<<20, true)
	}, big: true},
	{name: "over MaxSize", raw: func() []byte { return attachmentMail(40 << 20) }, degraded: "message larger than", text: "Zie de bijlage bij mijn klacht.", big: true},
	{name: "attachment 30MB", raw: func() []byte { return attachmentMail(30 << 20) }, text: "Zie de bijlage bij mijn klacht.", check: func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "attachment size", len(m.Attachments) == 1 && len(m.Attachments[0].Content) == 30<<20, true)
	}, big: true},
	{name: "text parts 500x8KB", raw: func() []byte { return textParts(500, 8<<10) }, degraded: "text longer than", text: "Dit is een klacht over de levering"},
	{name: "text 40MB", raw: func() []byte { return bigText(40 << 20) }, degraded: "only its start was read", text: "De levering van mijn café-machine", check: func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Text capped", len(m.Text) <= 1<<20, true)
	}, big: true},
	{name: "from lines 2MB", raw: func() []byte { return fromLines(2 << 20) }, degraded: "text longer than", text: "From: a"},
	{name: "empty", raw: func() []byte { return nil }, degraded: "empty message"},
	{name: "only headers", raw: func() []byte { return []byte("From: a@b.nl\r\nSubject: x") }, check: func(t *testing.T, m *klachtdesk.InboundMail) {
		same(t, "From", m.From, addr("", "a@b.nl"))
		eq(t, "Subject", m.Subject, "x")
	}},
}

func TestHostile(t *testing.T) {
	for _, tc := range hostileCases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.big && testing.Short() {
				t.Skip("large input")
			}
			raw := tc.raw()
			opt := mailparse.Options{}
			if tc.name == "over MaxSize" {
				opt.MaxSize = 32 << 20
			}
			m := mailparse.Parse(raw, opt)
			if tc.degraded == "" {
				if len(m.Degraded) > 0 {
					t.Errorf("Degraded = %q, want none", m.Degraded)
				}
			} else {
				degraded(t, m, tc.degraded)
			}
			if tc.text != "" {
				has(t, "Text", m.Text, tc.text)
			}
			if !utf8.ValidString(m.Text) || strings.IndexByte(m.Text, 0) >= 0 {
				t.Error("Text is not valid UTF-8 without NUL")
			}
			if tc.check != nil {
				tc.check(t, m)
			}
		})
	}
}

// hostileOptions are the caps the benchmark runs with: the defaults.
var benchCases = []struct {
	name string
	raw  func() []byte
}{
	{"typical", func() []byte { return mustRead("gmail-reply-nl.eml") }},
	{"typical-plain", func() []byte { return mustRead("thunderbird-reply-en.eml") }},
	{"html-only", func() []byte { return mustRead("html-only-gmail-en.eml") }},
	{"forward-rfc822", func() []byte { return mustRead("forward-chain-rfc822.eml") }},
	{"bounce-dsn", func() []byte { return mustRead("bounce-postfix-dsn-rfc822.eml") }},
	{"attachment-200KB", func() []byte { return attachmentMail(200 << 10) }},
	{"attachment-33MB-raw45MB", func() []byte { return attachmentMail(33 << 20) }},
	{"nesting-49-closed", func() []byte { return deepNesting(49, true) }},
	{"nesting-5000", func() []byte { return deepNesting(5000, true) }},
	{"nesting-12-unclosed", func() []byte { return deepNesting(12, false) }},
	{"nesting-2000-unclosed", func() []byte { return deepNesting(2000, false) }},
	{"parts-1000", func() []byte { return manyParts(1000) }},
	{"parts-100k", func() []byte { return manyParts(100_000) }},
	{"text-parts-500x8KB", func() []byte { return textParts(500, 8<<10) }},
	{"html-2MB", func() []byte { return htmlMail(2<<20 - 1000) }},
	{"text-40MB-qp-latin1", func() []byte { return bigText(40 << 20) }},
	{"from-lines-2MB", func() []byte { return fromLines(2 << 20) }},
	{"html-10MB", func() []byte { return htmlMail(10 << 20) }},
	{"header-line-10MB", func() []byte { return hugeHeader(10 << 20) }},
	{"junk-50MB", func() []byte { return junk(50 << 20) }},
}

func mustRead(name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		panic(err)
	}
	return b
}

// BenchmarkParse records the cost of typical mail and of the worst hostile
// cases (the budget is 250 ms of CPU per message).
func BenchmarkParse(b *testing.B) {
	for _, bc := range benchCases {
		var raw []byte
		b.Run(bc.name, func(b *testing.B) {
			if raw == nil {
				raw = bc.raw()
				mailparse.Parse(raw, mailparse.Options{}) // one-time set-up (HTML policy) out of the timing
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				mailparse.Parse(raw, mailparse.Options{})
			}
		})
	}
}

// TestTerminalEscapes: escape sequences and control characters in headers
// and body never reach the domain (they would recolour or rewrite a staff
// member's terminal in `list` and `show`).
func TestTerminalEscapes(t *testing.T) {
	raw := "From: \x1b[31mJan\x1b[0m Jansen <jan@example.nl>\r\nTo: klachten@bedrijf.nl\r\n" +
		"Subject: \x1b]0;gehackt\x07Klacht\x1b[2J over\x07 de levering\r\nMessage-ID: <esc@example.nl>\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nRegel 1\x1b[1A\x1b[2K\r\nRegel\x00 2\x1b]8;;https://evil.example/\x1b\\ klik\x1b]8;;\x1b\\\r\n"
	m := mailparse.Parse([]byte(raw), mailparse.Options{})
	if m.From.Name != "Jan Jansen" || m.Subject != "Klacht over  de levering" {
		t.Errorf("From name %q, subject %q", m.From.Name, m.Subject)
	}
	if strings.TrimSpace(m.Text) != "Regel 1\nRegel 2 klik" || m.NewText != "Regel 1\nRegel 2 klik" {
		t.Errorf("text %q, new text %q", m.Text, m.NewText)
	}
}
