package mailparse

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klachtdesk/klachtdesk"
)

// TestCutBodiesMatchesEnmime parses every fixture twice: with the bodies cut
// out and decoded by us, and with enmime decoding them. Text, HTML and
// attachments must agree, except where enmime cannot do as well.
func TestCutBodiesMatchesEnmime(t *testing.T) {
	differ := map[string]string{
		"truncated.eml": "enmime drops a truncated base64 attachment; we keep what decodes",
	}
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			cut := Parse(raw, Options{})
			cutBodies = false
			whole := Parse(raw, Options{})
			cutBodies = true
			type body struct {
				Text, HTML  string
				Attachments []klachtdesk.MailPart
			}
			d := cmp.Diff(body{whole.Text, whole.HTML, whole.Attachments}, body{cut.Text, cut.HTML, cut.Attachments})
			if why, ok := differ[name]; ok {
				if d == "" {
					t.Errorf("expected a difference (%s), got none", why)
				}
				return
			}
			if d != "" {
				t.Errorf("cut bodies differ from enmime's decoding (-enmime +ours):\n%s", d)
			}
		})
	}
}

func TestDeclaredBoundaries(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{`Content-Type: multipart/mixed; boundary="abc def"`, []string{"abc def"}},
		{`Content-Type: multipart/mixed; BOUNDARY=abc;charset=x`, []string{"abc"}},
		{`	boundary = "a\"b"`, []string{`a"b`}},
		{`Content-Type: multipart/mixed; boundary*0="ab"; boundary*1="cd"`, []string{"", ""}},
		{`Subject: the boundary of my patience`, []string{""}},
		{`boundary="--boundary--x"`, []string{"--boundary--x"}},
		{`no declaration here`, nil},
	}
	for _, tt := range tests {
		if d := cmp.Diff(tt.want, declaredBoundaries([]byte(tt.line))); d != "" {
			t.Errorf("declaredBoundaries(%q) (-want +got):\n%s", tt.line, d)
		}
	}
}

func TestPrescan(t *testing.T) {
	opt := Options{}.withDefaults()
	tests := []struct {
		name     string
		msg      string
		over     string
		bodies   []string
		skeleton string
	}{
		{
			name:     "single part",
			msg:      "Subject: x\n\nbody\n",
			bodies:   []string{"body\n"},
			skeleton: "Subject: x\nX-Mailparse-Body: N.0\n\n",
		},
		{
			name:     "multipart",
			msg:      "Content-Type: multipart/mixed; boundary=b\n\npre\n--b\nContent-Type: text/plain\n\none\n--b\n\ntwo\r\n--b--\nepi\n",
			bodies:   []string{"one", "two"},
			skeleton: "Content-Type: multipart/mixed; boundary=b\n\npre\n--b\nContent-Type: text/plain\nX-Mailparse-Body: N.0\n\n\n--b\nX-Mailparse-Body: N.1\n\n\r\n--b--\nepi\n",
		},
		{
			name:     "nested part header is not cut",
			msg:      "Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/alternative; boundary=b\n\n--b\n\nx\n--b--\n--a--\n",
			bodies:   []string{"x"},
			skeleton: "Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/alternative; boundary=b\n\n--b\nX-Mailparse-Body: N.0\n\n\n--b--\n--a--\n",
		},
		{
			name:     "truncated part runs to the end",
			msg:      "Content-Type: multipart/mixed; boundary=a\n\n--a\n\nabc",
			bodies:   []string{"abc"},
			skeleton: "Content-Type: multipart/mixed; boundary=a\n\n--a\nX-Mailparse-Body: N.0\n\n",
		},
		{
			name: "parts",
			msg:  "Content-Type: multipart/mixed; boundary=a\n\n" + string(bytes.Repeat([]byte("--a\n\nx\n"), 1001)) + "--a--\n",
			over: "more than 1000 MIME parts",
		},
		{
			name: "nesting",
			msg:  nested(51, true),
			over: "MIME nesting deeper than 50",
		},
		{
			name: "unclosed run",
			msg:  nested(14, false),
			over: "nested multiparts left unclosed",
		},
		{
			name: "dash lines",
			msg:  "Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: text/plain; boundary=z\n\n" + string(bytes.Repeat([]byte("--x\n"), 5000)),
			over: "boundary-like lines",
		},
		{
			name: "header",
			msg:  "Subject: " + string(bytes.Repeat([]byte("x"), 300<<10)) + "\n\nbody",
			over: "header section larger than 256 KB",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := prescan([]byte(tt.msg), opt, "N")
			if tt.over == "" && l.over != "" || !strings.Contains(l.over, tt.over) {
				t.Fatalf("over = %q, want %q", l.over, tt.over)
			}
			if tt.over != "" {
				return
			}
			var bodies []string
			for _, b := range l.bodies {
				bodies = append(bodies, string(b))
			}
			if d := cmp.Diff(tt.bodies, bodies); d != "" {
				t.Errorf("bodies (-want +got):\n%s", d)
			}
			if got := string(l.skeleton); got != tt.skeleton {
				t.Errorf("skeleton = %q, want %q", got, tt.skeleton)
			}
		})
	}
}

func nested(depth int, closed bool) string {
	var b bytes.Buffer
	b.WriteString("Content-Type: multipart/mixed; boundary=b0\n\n")
	for i := 1; i <= depth; i++ {
		b.WriteString("--b" + itoa(i-1) + "\nContent-Type: multipart/mixed; boundary=b" + itoa(i) + "\n\n")
	}
	b.WriteString("--b" + itoa(depth) + "\n\nx\n")
	if closed {
		for i := depth; i >= 0; i-- {
			b.WriteString("--b" + itoa(i) + "--\n")
		}
	}
	return b.String()
}

func itoa(i int) string {
	return string(rune('0'+i/100%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
}

func TestDecodeQP(t *testing.T) {
	tests := map[string]string{
		"caf=C3=A9":          "café",
		"soft=\r\nbreak\r\n": "softbreak\r\n",
		"trailing   \nx":     "trailing\nx",
		"bad=ZZescape=":      "bad=ZZescape",
		"=3D=3d":             "==",
		"end=4":              "end=4",
	}
	for in, want := range tests {
		if got := string(decodeQP([]byte(in))); got != want {
			t.Errorf("decodeQP(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecodeBase64(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{"aGFsbG8=\r\n", "hallo", false},
		{"aGFs\r\nbG8=", "hallo", false},
		{"aGFsbG8", "hallo", false},
		{"aGFs!!bG8=", "hallo", true},
		{"aGFsbG8=aGFsbG8=", "hallohallo", false},
		{"aGFsbG8=a", "hallo", true},
	}
	for _, tt := range tests {
		got, problem := decodeBase64([]byte(tt.in))
		if string(got) != tt.want || (problem != "") != tt.bad {
			t.Errorf("decodeBase64(%q) = %q, %q; want %q, bad %v", tt.in, got, problem, tt.want, tt.bad)
		}
	}
}

func TestDecodeCharset(t *testing.T) {
	tests := []struct {
		in, label, want string
		problem         bool
	}{
		{"caf\xc3\xa9", "utf-8", "café", false},
		{"caf\xe9", "utf-8", "caf\uFFFD", true},
		{"caf\xe9 \x80", "iso-8859-1", "café €", false}, // WHATWG: latin1 is windows-1252
		{"\xa4", "iso-8859-15", "€", false},
		{"\x93q\x94", "windows-1252", "“q”", false},
		{"caf\xe9", "", "café", true},
		{"caf\xe9", "x-bogus", "café", true},
		{"caf\xc3\xa9", "x-bogus", "café", true},
		{"a\x00b", "utf-8", "ab", false},
		{"\x1b$B%/%l!<%`\x1b(B", "ISO-2022-JP", "クレーム", false},
		{"Hi Mom -+Jjo--!", "utf-7", "Hi Mom -☺-!", false},
	}
	for _, tt := range tests {
		got, problem := decodeCharset([]byte(tt.in), tt.label)
		if got != tt.want || (problem != "") != tt.problem {
			t.Errorf("decodeCharset(%q, %q) = %q, %q; want %q, problem %v", tt.in, tt.label, got, problem, tt.want, tt.problem)
		}
	}
}

func TestDecodeHeaderText(t *testing.T) {
	tests := map[string]string{
		"=?utf-8?Q?caf=C3=A9?=":                       "café",
		"=?utf-8?Q?a?= =?utf-8?Q?b?=":                 "ab",
		"=?utf-8?Q?a?= x =?utf-8?Q?b?=":               "a x b",
		"=?utf-8?Q?broken":                            "=?utf-8?Q?broken",
		"=?utf-8?B?!!!?= ok":                          "=?utf-8?B?!!!?= ok",
		"=?x-unknown?Q?caf=E9?=":                      "café",
		"line\r\n break\tand=?utf-8?Q?=0A?=newline":   "line break and newline",
		"raw latin1 caf\xe9":                          "raw latin1 café",
		"=?iso-8859-1?B?" + "Y2Fm6Q==" + "?= en thee": "caf\u00e9 en thee",
	}
	for in, want := range tests {
		if got := decodeHeaderText(in); got != want {
			t.Errorf("decodeHeaderText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIDs(t *testing.T) {
	if d := cmp.Diff([]string{"a@b", "c@d"}, parseIDs("<a@b> garbage <no-at> <c@d>\r\n <a@b>")); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff([]string{"a@b", "c@d"}, parseIDs("a@b, c@d junk")); d != "" {
		t.Error(d)
	}
	for in, want := range map[string]string{
		"<abc@x.nl>":            "abc@x.nl",
		"  <ab\r\n c@x.nl>  ":   "abc@x.nl",
		"abc@x.nl":              "abc@x.nl",
		"<no-at> <real@x.nl>":   "real@x.nl",
		"<no-at>":               "no-at",
		"plain-token":           "plain-token",
		"":                      "",
		string(make([]byte, 0)): "",
	} {
		if got := parseMessageID(in); got != want {
			t.Errorf("parseMessageID(%q) = %q, want %q", in, got, want)
		}
	}
	if got := parseMessageID(string(bytes.Repeat([]byte("x"), 999))); got != "" {
		t.Errorf("overlong Message-ID kept: %d bytes", len(got))
	}
}

func TestDetectLanguage(t *testing.T) {
	tests := map[string]klachtdesk.Language{
		"I have not received my order and the shop does not answer your mails.": klachtdesk.LanguageEnglish,
		"Ik heb mijn bestelling niet ontvangen en de winkel reageert niet.":     klachtdesk.LanguageDutch,
		"Thanks!": klachtdesk.LanguageDutch,
		"":        klachtdesk.LanguageDutch,
		"The pakket is niet gekomen, ik wil mijn geld terug, the end":                klachtdesk.LanguageDutch,
		"Hello, the order is not here. Please help me with this, it has been weeks.": klachtdesk.LanguageEnglish,
	}
	for in, want := range tests {
		if got := detectLanguage(in); got != want {
			t.Errorf("detectLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAutoSubject(t *testing.T) {
	tests := map[string]string{
		"Out of Office: Re: klacht":        "out of office",
		"Automatisch antwoord: Re: klacht": "automatisch antwoord",
		"AUTO: away":                       "auto:",
		"Autoreply":                        "autoreply",
		"Afwezig":                          "afwezig",
		"Afwezig - terug op 5 december":    "afwezig",
		"Niet aanwezig: Re: x":             "niet aanwezig",
		"Vacation (back Monday)":           "vacation",
		"Vakantie: tot 1 januari":          "vakantie",
		"Vakantie verpest door u":          "",
		"Afwezigheid monteur":              "",
		"Automobile damage":                "",
		"Re: Out of Office":                "",
	}
	for in, want := range tests {
		if got := autoSubject(in); got != want {
			t.Errorf("autoSubject(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFileName(t *testing.T) {
	tests := []struct{ name, ct, want string }{
		{"", "application/pdf", "attachment-3.pdf"},
		{"", "application/x-unknown", "attachment-3.bin"},
		{"../../etc/passwd", "text/plain", "passwd"},
		{`C:\Users\jan\foto.jpg`, "image/jpeg", "foto.jpg"},
		{"..", "image/png", "attachment-3.png"},
		{"=?utf-8?Q?f=C3=A9.txt?=", "text/plain", "fé.txt"},
		{"a\x00b\x01c.txt", "text/plain", "ab c.txt"},
		{string(bytes.Repeat([]byte("é"), 200)) + ".pdf", "application/pdf", string(bytes.Repeat([]byte("é"), 125)) + ".pdf"},
	}
	for _, tt := range tests {
		if got := fileName(tt.name, tt.ct, 3); got != tt.want {
			t.Errorf("fileName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	tests := map[string]string{
		"<p>a</p><p>b</p>":                              "a\n\nb",
		"a<br>b":                                        "a\nb",
		"<ul><li>een</li><li>twee</li></ul>":            "- een\n- twee",
		"x<blockquote>q1<br>q2</blockquote>y":           "x\n> q1\n> q2\ny",
		"<a href=\"https://x.nl/a\">hier</a>":           "hier <https://x.nl/a>",
		"<a href=\"https://x.nl/a\">https://x.nl/a</a>": "https://x.nl/a",
		"<script>bad()</script><style>p{}</style>tekst": "tekst",
		"<head><title>t</title><body>zonder head-einde": "zonder head-einde",
		"a &amp; b &lt;c&gt; &eacute;":                  "a & b <c> é",
		"<pre>  twee\n  regels</pre>":                   "twee\n  regels",
		"<table><tr><td>a</td><td>b</td></tr></table>":  "a b",
		"veel     spaties\n\n\nen regels":               "veel spaties en regels",
	}
	for in, want := range tests {
		if got := htmlToText(in, 1<<20); got != want {
			t.Errorf("htmlToText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := htmlToText("<p>"+string(bytes.Repeat([]byte("x"), 100))+"</p>", 10); len(got) > 11 {
		t.Errorf("limit not kept: %d bytes", len(got))
	}
}

func TestStripTags(t *testing.T) {
	in := "<html><head><style>p{}</style></head><body><p>Een &amp; twee</p><script>x()</script><div>drie</div></body></html>"
	if got, want := stripTags([]byte(in), 1<<20), "Een & twee\n\ndrie"; got != want {
		t.Errorf("stripTags = %q, want %q", got, want)
	}
}

func TestDetectAuto(t *testing.T) {
	from := klachtdesk.Address{Email: "jan@example.nl"}
	daemon := klachtdesk.Address{Email: "MAILER-DAEMON@mx.example.nl"}
	tests := []struct {
		name       string
		h          headers
		from       klachtdesk.Address
		subject    string
		null       bool
		kind       klachtdesk.AutoKind
		reasonPart string
	}{
		{"plain", headers{}, from, "Klacht", false, klachtdesk.NotAuto, ""},
		{"dsn", headers{"content-type": {"multipart/report; report-type=\"delivery-status\"; boundary=x"}}, from, "x", false, klachtdesk.Bounce, "report-type=delivery-status"},
		{"dsn wins over auto-submitted", headers{"content-type": {"multipart/report; report-type=delivery-status"}, "auto-submitted": {"auto-replied"}}, daemon, "x", true, klachtdesk.Bounce, "multipart/report"},
		{"mailer-daemon subject", headers{}, daemon, "Undelivered Mail Returned to Sender", false, klachtdesk.Bounce, "undelivered mail"},
		{"postmaster subject nl", headers{}, klachtdesk.Address{Email: "postmaster@x.nl"}, "Onbestelbaar: klacht", false, klachtdesk.Bounce, "onbestelbaar"},
		{"mailer-daemon other subject", headers{}, daemon, "Hallo", false, klachtdesk.NotAuto, ""},
		{"auto-submitted", headers{"auto-submitted": {"auto-generated"}}, from, "x", false, klachtdesk.AutoReply, "Auto-Submitted: auto-generated"},
		{"auto-submitted no", headers{"auto-submitted": {" No "}}, from, "x", false, klachtdesk.NotAuto, ""},
		{"vacation with null sender", headers{"auto-submitted": {"auto-replied"}}, from, "Afwezig", true, klachtdesk.AutoReply, "Auto-Submitted"},
		{"precedence junk", headers{"precedence": {"junk"}}, from, "x", false, klachtdesk.AutoReply, "Precedence: junk"},
		{"precedence list", headers{"precedence": {"List"}}, from, "x", false, klachtdesk.AutoReply, "Precedence: list"},
		{"precedence first-class", headers{"precedence": {"first-class"}}, from, "x", false, klachtdesk.NotAuto, ""},
		{"x-auto-response-suppress alone", headers{"x-auto-response-suppress": {"All"}}, from, "RE: klacht", false, klachtdesk.NotAuto, ""},
		{"x-autoreply no", headers{"x-autoreply": {"no"}}, from, "x", false, klachtdesk.NotAuto, ""},
		{"read receipt", headers{"content-type": {"multipart/report; report-type=disposition-notification"}}, from, "Gelezen: klacht", false, klachtdesk.AutoReply, "read receipt"},
		{"null sender", headers{}, from, "x", true, klachtdesk.Bounce, "Return-Path: <>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, reason := detectAuto(tt.h, tt.from, tt.subject, tt.null)
			if kind != tt.kind || !strings.Contains(strings.ToLower(reason), strings.ToLower(tt.reasonPart)) {
				t.Errorf("detectAuto = %q, %q; want %q, %q", kind, reason, tt.kind, tt.reasonPart)
			}
		})
	}
}

func TestDeliveryRecipients(t *testing.T) {
	status := "Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; <A@X.nl>\r\nAction: failed\r\n\r\nFinal-Recipient: rfc822;\r\n b@y.nl\r\nAction: failed\r\n\r\nFinal-Recipient: x400; not an address\r\n"
	if d := cmp.Diff([]string{"a@x.nl", "b@y.nl"}, deliveryRecipients([]byte(status))); d != "" {
		t.Error(d)
	}
}
