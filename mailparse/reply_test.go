package mailparse_test

import (
	"strings"
	"testing"

	"github.com/klachtdesk/klachtdesk/mailparse"
)

func TestSplitReply(t *testing.T) {
	tests := []struct {
		name              string
		text              string
		wantNew, wantQuot string
	}{
		{
			name:     "no quote",
			text:     "  Mijn pakket is niet aangekomen.\n\nGroet, Jan\n",
			wantNew:  "Mijn pakket is niet aangekomen.\n\nGroet, Jan",
			wantQuot: "",
		},
		{
			name:     "gmail en",
			text:     "Still broken.\n\nOn Tue, 3 Nov 2026 at 10:00, Desk <desk@bedrijf.nl> wrote:\n> Fixed?\n",
			wantNew:  "Still broken.",
			wantQuot: "On Tue, 3 Nov 2026 at 10:00, Desk <desk@bedrijf.nl> wrote:\n> Fixed?\n",
		},
		{
			name:     "gmail nl",
			text:     "Nog steeds kapot.\n\nOp di 3 nov. 2026 om 10:00 schreef Desk <desk@bedrijf.nl>:\n> Opgelost?\n",
			wantNew:  "Nog steeds kapot.",
			wantQuot: "Op di 3 nov. 2026 om 10:00 schreef Desk <desk@bedrijf.nl>:\n> Opgelost?\n",
		},
		{
			name:     "gmail nl wrapped over two lines",
			text:     "Nog steeds kapot.\n\nOp di 3 nov. 2026 om 10:00 schreef Klachtendesk van Bedrijf <\ndesk@bedrijf.nl>:\n\n> Opgelost?\n",
			wantNew:  "Nog steeds kapot.",
			wantQuot: "Op di 3 nov. 2026 om 10:00 schreef Klachtendesk van Bedrijf <\ndesk@bedrijf.nl>:\n\n> Opgelost?\n",
		},
		{
			name:     "gmail en wrapped before wrote",
			text:     "No.\n\nOn Tue, Nov 3, 2026 at 10:00 AM Desk of Bedrijf <desk@bedrijf.nl>\nwrote:\n> ok?",
			wantNew:  "No.",
			wantQuot: "On Tue, Nov 3, 2026 at 10:00 AM Desk of Bedrijf <desk@bedrijf.nl>\nwrote:\n> ok?",
		},
		{
			name:     "thunderbird nl",
			text:     "Dat klopt niet.\n\nOp 3-11-2026 10:00, Desk schreef:\n> Tekst\n",
			wantNew:  "Dat klopt niet.",
			wantQuot: "Op 3-11-2026 10:00, Desk schreef:\n> Tekst\n",
		},
		{
			name:     "thunderbird en",
			text:     "Wrong.\n\nOn 03-11-2026 10:00, Desk wrote:\n> Text\n",
			wantNew:  "Wrong.",
			wantQuot: "On 03-11-2026 10:00, Desk wrote:\n> Text\n",
		},
		{
			name:     "apple nl",
			text:     "Nee.\n\n> Op 3 nov. 2026 om 10:00 heeft Desk <desk@bedrijf.nl> het volgende geschreven:\n> \n> Tekst",
			wantNew:  "Nee.",
			wantQuot: "> Op 3 nov. 2026 om 10:00 heeft Desk <desk@bedrijf.nl> het volgende geschreven:\n> \n> Tekst",
		},
		{
			name:     "apple nl attribution unquoted",
			text:     "Nee.\n\nOp 3 nov. 2026 om 10:00 heeft Desk <desk@bedrijf.nl> het volgende geschreven:\n\n> Tekst",
			wantNew:  "Nee.",
			wantQuot: "Op 3 nov. 2026 om 10:00 heeft Desk <desk@bedrijf.nl> het volgende geschreven:\n\n> Tekst",
		},
		{
			name:     "quote lines only",
			text:     "> vraag\nantwoord",
			wantNew:  "> vraag\nantwoord",
			wantQuot: "",
		},
		{
			name:     "outlook en block",
			text:     "See below.\r\n\r\nFrom: Desk <desk@bedrijf.nl>\r\nSent: Tuesday, November 3, 2026 10:00 AM\r\nTo: Jan <jan@x.nl>\r\nSubject: Klacht\r\n\r\nText\r\n",
			wantNew:  "See below.",
			wantQuot: "From: Desk <desk@bedrijf.nl>\r\nSent: Tuesday, November 3, 2026 10:00 AM\r\nTo: Jan <jan@x.nl>\r\nSubject: Klacht\r\n\r\nText\r\n",
		},
		{
			name:     "outlook nl block in bold",
			text:     "Zie onder.\n\n*Van:* Desk <desk@bedrijf.nl>\n*Verzonden:* dinsdag 3 november 2026 10:00\n*Aan:* Jan\n*Onderwerp:* Klacht\n\nTekst",
			wantNew:  "Zie onder.",
			wantQuot: "*Van:* Desk <desk@bedrijf.nl>\n*Verzonden:* dinsdag 3 november 2026 10:00\n*Aan:* Jan\n*Onderwerp:* Klacht\n\nTekst",
		},
		{
			name:     "outlook new style with date",
			text:     "Ok.\n\nVan: Desk <desk@bedrijf.nl>\nDatum: dinsdag, 3 november 2026 om 10:00\nAan: Jan <jan@x.nl>\nOnderwerp: Klacht\n",
			wantNew:  "Ok.",
			wantQuot: "Van: Desk <desk@bedrijf.nl>\nDatum: dinsdag, 3 november 2026 om 10:00\nAan: Jan <jan@x.nl>\nOnderwerp: Klacht\n",
		},
		{
			name:     "original message en",
			text:     "Reply\n-----Original Message-----\nFrom: x\n",
			wantNew:  "Reply",
			wantQuot: "-----Original Message-----\nFrom: x\n",
		},
		{
			name:     "oorspronkelijk bericht",
			text:     "Antwoord\n\n-----Oorspronkelijk bericht-----\nVan: x\n",
			wantNew:  "Antwoord",
			wantQuot: "-----Oorspronkelijk bericht-----\nVan: x\n",
		},
		{
			name:     "underscore separator",
			text:     "Antwoord\n________________________________\nOude tekst\n",
			wantNew:  "Antwoord",
			wantQuot: "________________________________\nOude tekst\n",
		},
		{
			name:     "signature delimiter",
			text:     "Klacht.\n\n-- \nJan Jansen\n06-123",
			wantNew:  "Klacht.",
			wantQuot: "-- \nJan Jansen\n06-123",
		},
		{
			name:     "double dash without space is text",
			text:     "Klacht.\n--\nJan",
			wantNew:  "Klacht.\n--\nJan",
			wantQuot: "",
		},
		{
			name:     "sent from my iphone",
			text:     "Kapot.\n\nSent from my iPhone\n\nOn 3 Nov 2026, at 10:00, Desk <d@b.nl> wrote:\n> x",
			wantNew:  "Kapot.",
			wantQuot: "Sent from my iPhone\n\nOn 3 Nov 2026, at 10:00, Desk <d@b.nl> wrote:\n> x",
		},
		{
			name:     "verzonden vanaf mijn iphone",
			text:     "Kapot.\n\nVerzonden vanaf mijn iPhone",
			wantNew:  "Kapot.",
			wantQuot: "Verzonden vanaf mijn iPhone",
		},
		{
			name:     "verstuurd vanaf mijn iphone",
			text:     "Kapot.\nVerstuurd vanaf mijn iPhone\n",
			wantNew:  "Kapot.",
			wantQuot: "Verstuurd vanaf mijn iPhone\n",
		},
		{
			name:     "signature before history cuts at the signature",
			text:     "Nee.\n-- \nJan\n\nOp 3-11-2026 10:00, Desk schreef:\n> x",
			wantNew:  "Nee.",
			wantQuot: "-- \nJan\n\nOp 3-11-2026 10:00, Desk schreef:\n> x",
		},
		{
			name:     "nothing new: whole text",
			text:     "\n> only quoted\n> text\n",
			wantNew:  "> only quoted\n> text",
			wantQuot: "",
		},
		{
			name:     "gmail forward is not quoted",
			text:     "Graag oppakken.\n\n---------- Forwarded message ---------\nFrom: Klant <k@x.nl>\n\nHallo,\n> oud\n",
			wantNew:  "Graag oppakken.\n\n---------- Forwarded message ---------\nFrom: Klant <k@x.nl>\n\nHallo,\n> oud",
			wantQuot: "",
		},
		{
			name:     "signature above a forward is not the end",
			text:     "Zie onder.\n-- \nPiet\n\n-------- Doorgestuurd bericht --------\nVan: Klant <k@x.nl>\n\nKlacht",
			wantNew:  "Zie onder.\n-- \nPiet\n\n-------- Doorgestuurd bericht --------\nVan: Klant <k@x.nl>\n\nKlacht",
			wantQuot: "",
		},
		{
			name:     "apple forward is not quoted",
			text:     "FYI\n\nBegin forwarded message:\n\nFrom: Klant <k@x.nl>\n\nOn 1 Nov 2026, at 9:00, X <x@y.nl> wrote:\n> y",
			wantNew:  "FYI\n\nBegin forwarded message:\n\nFrom: Klant <k@x.nl>\n\nOn 1 Nov 2026, at 9:00, X <x@y.nl> wrote:\n> y",
			wantQuot: "",
		},
		{
			name:     "reply with a forward in its history is cut",
			text:     "Dank!\n\nOn Tue, 3 Nov 2026 at 10:00, Piet <p@b.nl> wrote:\n\n---------- Forwarded message ---------\nFrom: Klant <k@x.nl>",
			wantNew:  "Dank!",
			wantQuot: "On Tue, 3 Nov 2026 at 10:00, Piet <p@b.nl> wrote:\n\n---------- Forwarded message ---------\nFrom: Klant <k@x.nl>",
		},
		{
			name:     "prose with schreef is no attribution",
			text:     "Op uw vorige mail schreef u:\n\"we lossen het op\". Dat is niet gebeurd.",
			wantNew:  "Op uw vorige mail schreef u:\n\"we lossen het op\". Dat is niet gebeurd.",
			wantQuot: "",
		},
		{
			name:     "from line in prose is no outlook block",
			text:     "From: the start it went wrong.\nNobody helped.",
			wantNew:  "From: the start it went wrong.\nNobody helped.",
			wantQuot: "",
		},
		{
			name:     "empty",
			text:     "",
			wantNew:  "",
			wantQuot: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotNew, gotQuot := mailparse.SplitReply(tt.text)
			if gotNew != tt.wantNew {
				t.Errorf("newText = %q, want %q", gotNew, tt.wantNew)
			}
			if gotQuot != tt.wantQuot {
				t.Errorf("quoted = %q, want %q", gotQuot, tt.wantQuot)
			}
		})
	}
}

func TestSanitizeHTML(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     string
		keep     []string
		mustLose []string
	}{
		{name: "script", in: `<p>tekst</p><script>alert(1)</script>`, want: `<p>tekst</p>`},
		{name: "event handler", in: `<p onmouseover="x()">tekst</p>`, want: `<p>tekst</p>`},
		{name: "javascript link", in: `<a href="javascript:alert(1)">klik</a>`, want: `klik`},
		{name: "data link", in: `<a href="data:text/html;base64,PHNjcmlwdD4=">klik</a>`, want: `klik`},
		{name: "remote image", in: `<p>a<img src="https://t.example/p.gif" width="1" height="1">b</p>`, want: `<p>ab</p>`},
		{name: "remote image with alt", in: `<img src="http://t.example/p.gif" alt="logo">`, want: `<img alt="logo">`},
		{name: "cid image", in: `<img src="cid:abc@x">`, want: `<img src="cid:abc@x">`},
		{name: "data image", in: `<img src="data:image/png;base64,iVBORw0KGgo=">`, want: `<img src="data:image/png;base64,iVBORw0KGgo=">`},
		{name: "srcset", in: `<img src="cid:a" srcset="https://t.example/x.png 2x">`, want: `<img src="cid:a">`},
		{name: "style attribute", in: `<p style="background:url(https://t.example/x)">t</p>`, want: `<p>t</p>`},
		{name: "style element", in: `<style>p{background:url(https://t.example/x)}</style><p>t</p>`, want: `<p>t</p>`},
		{name: "link rel", in: `<a href="https://www.example.nl/">site</a>`, want: `<a href="https://www.example.nl/" rel="nofollow noreferrer noopener" target="_blank">site</a>`},
		{name: "mailto", in: `<a href="mailto:jan@example.nl">Jan</a>`, want: `<a href="mailto:jan@example.nl" rel="nofollow noreferrer">Jan</a>`},
		{name: "iframe form", in: `<iframe src="https://x"></iframe><form><input name=a></form>tekst`, want: `tekst`},
		{name: "table and quote", in: `<blockquote><table><tr><td>a</td></tr></table></blockquote>`, want: `<blockquote><table><tr><td>a</td></tr></table></blockquote>`},
		{name: "invalid utf-8", in: "<p>\xff</p>", want: "<p>\uFFFD</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mailparse.SanitizeHTML(tt.in); got != tt.want {
				t.Errorf("SanitizeHTML(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	base := "Message-ID: <abc@x.nl>\r\nFrom: Jan <jan@x.nl>\r\nDate: Tue, 3 Nov 2026 10:00:00 +0100\r\nSubject: Klacht\r\n\r\nTekst\r\nregel twee\r\n"
	fp := mailparse.Fingerprint([]byte(base))
	same := map[string]string{
		"trace headers": "Received: from a by b; Tue, 3 Nov 2026 10:00:01 +0100\r\nReturn-Path: <jan@x.nl>\r\nDelivered-To: desk@b.nl\r\nX-Spam-Score: 1.2\r\n" + base,
		"mbox line":     "From jan@x.nl Tue Nov  3 10:00:00 2026\n" + base,
		"LF line ends":  strings.ReplaceAll(base, "\r\n", "\n"),
		"trailing ws":   base + "\r\n  \r\n\t",
		"header case":   strings.Replace(strings.Replace(base, "Message-ID:", "message-id:", 1), "Subject:", "SUBJECT:", 1),
		"folded":        strings.Replace(base, "Subject: Klacht", "Subject:\r\n Klacht", 1),
		"no brackets":   strings.Replace(base, "<abc@x.nl>", "abc@x.nl", 1),
		"later copies":  strings.Replace(base, "\r\n\r\n", "\r\nSubject: Other\r\n\r\n", 1),
	}
	for name, raw := range same {
		if got := mailparse.Fingerprint([]byte(raw)); got != fp {
			t.Errorf("%s: fingerprint changed", name)
		}
	}
	differ := map[string]string{
		"body":       strings.Replace(base, "Tekst", "Tekst!", 1),
		"subject":    strings.Replace(base, "Klacht", "Klacht 2", 1),
		"from":       strings.Replace(base, "jan@x.nl", "piet@x.nl", 1),
		"date":       strings.Replace(base, "10:00:00", "10:00:01", 1),
		"message-id": strings.Replace(base, "abc@", "abd@", 1),
		// Length prefixes: moving text from the subject into the body
		// must not collide.
		"boundaries": strings.Replace(base, "Subject: Klacht\r\n\r\nTekst", "Subject: KlachtTekst\r\n\r\n", 1),
	}
	for name, raw := range differ {
		if got := mailparse.Fingerprint([]byte(raw)); got == fp {
			t.Errorf("%s: fingerprint did not change", name)
		}
	}
	if len(fp) != 64 {
		t.Errorf("len = %d", len(fp))
	}
	// Junk without a header section is all body: different junk differs.
	if mailparse.Fingerprint([]byte("junk one")) == mailparse.Fingerprint([]byte("junk two")) {
		t.Error("junk fingerprints collide")
	}
	if mailparse.Fingerprint([]byte("Subject: a\r\nno empty line one")) == mailparse.Fingerprint([]byte("Subject: a\r\nno empty line two")) {
		t.Error("fingerprints of messages without an empty line collide")
	}
}
