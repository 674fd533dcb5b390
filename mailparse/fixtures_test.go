package mailparse_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/mailparse"
)

func parseFile(t testing.TB, name string) (*klachtdesk.InboundMail, []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return mailparse.Parse(raw, mailparse.Options{}), raw
}

func eq[T comparable](t *testing.T, field string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %#v, want %#v", field, got, want)
	}
}

func same(t *testing.T, field string, got, want any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", field, d)
	}
}

func has(t *testing.T, field, got string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(got, sub) {
			t.Errorf("%s does not contain %q:\n%s", field, sub, got)
		}
	}
}

func hasNot(t *testing.T, field, got string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if strings.Contains(strings.ToLower(got), strings.ToLower(sub)) {
			t.Errorf("%s contains %q:\n%s", field, sub, got)
		}
	}
}

func clean(t *testing.T, m *klachtdesk.InboundMail) {
	t.Helper()
	if len(m.Degraded) > 0 {
		t.Errorf("Degraded = %q, want none", m.Degraded)
	}
}

func degraded(t *testing.T, m *klachtdesk.InboundMail, subs ...string) {
	t.Helper()
	all := strings.Join(m.Degraded, "\n")
	if all == "" {
		t.Errorf("Degraded is empty, want %q", subs)
	}
	has(t, "Degraded", all, subs...)
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC1123Z, s)
	if err != nil {
		panic(err)
	}
	return t
}

func addr(name, email string) klachtdesk.Address { return klachtdesk.Address{Name: name, Email: email} }

// attachmentsWithoutContent compares attachment metadata.
func meta(parts []klachtdesk.MailPart) []klachtdesk.MailPart {
	var out []klachtdesk.MailPart
	for _, p := range parts {
		p.Content = nil
		out = append(out, p)
	}
	return out
}

var fixtureTests = []struct {
	file string
	want func(t *testing.T, m *klachtdesk.InboundMail)
}{
	// Replies of each client, Dutch and English; charsets and transfer
	// encodings.
	{"gmail-reply-nl.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "MessageID", m.MessageID, "CAF3xq9T0pQ1w+Zb@mail.gmail.com")
		same(t, "InReplyTo", m.InReplyTo, []string{"KL-2026-0042.ack@bedrijf.nl"})
		same(t, "References", m.References, []string{"KL-2026-0042.ack@bedrijf.nl"})
		same(t, "From", m.From, addr("Jan de Vrīes", "jan.devries@gmail.com"))
		eq(t, "ReturnPath", m.ReturnPath, "jan.devries@gmail.com")
		same(t, "To", m.To, []klachtdesk.Address{addr("Klachtendesk Bedrijf", "klachten@bedrijf.nl")})
		eq(t, "Subject", m.Subject, "Re: Uw klacht KL-2026-0042 is ontvangen")
		eq(t, "Date", m.Date.Equal(date("Wed, 04 Nov 2026 14:11:52 +0100")), true)
		eq(t, "NewText", m.NewText, "Goedemiddag,\n\nIk heb nog steeds geen reactie gehad op mijn klacht over de kapotte\nwasmachine. De monteur is niet gekomen en ik ben een vrije dag kwijt.\nGraag hoor ik binnen een week wat u gaat doen.\n\nMet vriendelijke groet,\nJan de Vrīes")
		eq(t, "Quoted starts", strings.HasPrefix(m.Quoted, "Op di 3 nov. 2026 om 10:00 schreef Klachtendesk Bedrijf <\nklachten@bedrijf.nl>:"), true)
		has(t, "Text", m.Text, "> Wij hebben uw klacht ontvangen")
		has(t, "HTML", m.HTML, "<blockquote", "kapotte wasmachine")
		hasNot(t, "HTML", m.HTML, "style=")
		eq(t, "Auto", m.Auto, klachtdesk.NotAuto)
		eq(t, "Language", m.Language, klachtdesk.LanguageDutch)
		eq(t, "Forwarded", m.Forwarded == nil, true)
		clean(t, m)
	}},
	{"gmail-reply-en.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		same(t, "References", m.References, []string{"KL-2026-0070.first@bedrijf.nl", "KL-2026-0077.ack@bedrijf.nl"})
		eq(t, "NewText", m.NewText, "Thank you, but the technician still has not contacted me. I have taken a\nday off work twice now and nobody showed up.\n\nOliver")
		eq(t, "Quoted starts", strings.HasPrefix(m.Quoted, "On Mon, Nov 9, 2026 at 4:30 PM Bedrijf Complaints <klachten@bedrijf.nl>\nwrote:"), true)
		eq(t, "Language", m.Language, klachtdesk.LanguageEnglish)
		clean(t, m)
	}},
	{"outlook-reply-nl-latin1.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		same(t, "From", m.From, addr("Petra Smit", "p.smit@ziggo.nl"))
		eq(t, "Subject", m.Subject, "RE: Uw klacht KL-2026-0051 - schade aan mijn auto (één week te laat)")
		eq(t, "Date", m.Date.Equal(date("Wed, 04 Nov 2026 08:03:05 +0000")), true)
		has(t, "NewText", m.NewText, "foto's bekijkt", "Petra Smit\nTel. 06-12345678")
		hasNot(t, "NewText", m.NewText, "Verzonden:", "_____")
		eq(t, "Quoted starts", strings.HasPrefix(m.Quoted, "________________________________\nVan: Klachtendesk Bedrijf <klachten@bedrijf.nl>\nVerzonden: dinsdag 3 november 2026 16:20"), true)
		eq(t, "Language", m.Language, klachtdesk.LanguageDutch)
		clean(t, m)
	}},
	{"outlook-reply-en-cp1252.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		same(t, "To", m.To, []klachtdesk.Address{addr("klachten@bedrijf.nl", "klachten@bedrijf.nl")})
		has(t, "NewText", m.NewText, "the “express” delivery – it took 9 days", "cost me €25 extra", "Regards,\nMark Thompson")
		hasNot(t, "NewText", m.NewText, "Original Message")
		eq(t, "Quoted starts", strings.HasPrefix(m.Quoted, "-----Original Message-----\nFrom: Customer Service"), true)
		eq(t, "Language", m.Language, klachtdesk.LanguageEnglish)
		clean(t, m)
	}},
	{"thunderbird-reply-nl-latin9.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		has(t, "NewText", m.NewText, "betaald € 129,95", "Groet,\nKees Brouwer")
		eq(t, "Quoted starts", strings.HasPrefix(m.Quoted, "Op 2-11-2026 om 11:45 schreef Klachtendesk Bedrijf:\n> Geachte heer Brouwer,"), true)
		has(t, "Quoted", m.Quoted, "-- \nKees Brouwer\nDorpsstraat 12, Zeist")
		eq(t, "Language", m.Language, klachtdesk.LanguageDutch)
		clean(t, m)
	}},
	{"thunderbird-reply-en.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "NewText", m.NewText, "The voucher code you sent does not work on your website. It says the code\nhas expired, but you wrote it is valid until next year.")
		eq(t, "Quoted", m.Quoted, "On 09-11-2026 15:20, Bedrijf Complaints wrote:\n> Dear Ms Lee,\n>\n> Please find your voucher code below.\n")
		eq(t, "Language", m.Language, klachtdesk.LanguageEnglish)
		clean(t, m)
	}},
	{"apple-reply-en-base64.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "MessageID", m.MessageID, "8D3A2B1C-4E5F-4A6B-9C7D-0E1F2A3B4C5D@icloud.com")
		eq(t, "NewText", m.NewText, "Hi,\n\nThe replacement phone you sent is also broken. The screen flickers and the\nbattery doesn't charge. I want my money back, not another replacement.")
		eq(t, "Quoted starts", strings.HasPrefix(m.Quoted, "Sent from my iPhone\n\nOn 2 Nov 2026, at 17:05, Bedrijf Support <klachten@bedrijf.nl> wrote:"), true)
		eq(t, "Language", m.Language, klachtdesk.LanguageEnglish)
		clean(t, m)
	}},
	{"apple-reply-nl.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "NewText", m.NewText, "Het is nu een week later en ik heb nog steeds geen nieuwe bezorgdatum. Dit is\nde derde keer dat ik moet mailen.")
		eq(t, "Quoted starts", strings.HasPrefix(m.Quoted, "Verstuurd vanaf mijn iPhone\n\n> Op 3 nov. 2026 om 09:12 heeft Klachtendesk Bedrijf <klachten@bedrijf.nl> het volgende geschreven:\n> \n> \ufeffGeachte heer Hendriks,"), true)
		clean(t, m)
	}},
	{"iso2022jp.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		same(t, "From", m.From, addr("田中", "tanaka@example.jp"))
		eq(t, "Subject", m.Subject, "クレーム order 5521")
		eq(t, "Text", m.Text, "注文した商品が届いていません。\n返金をお願いします。\n\n田中\n")
		eq(t, "Language", m.Language, klachtdesk.LanguageDutch)
		clean(t, m)
	}},
	{"unknown-charset.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Text", m.Text, "De koffie in uw café was koud en de crème brûlée smaakte zuur.\n")
		degraded(t, m, `unknown charset "x-mac-unknown-7" read as windows-1252`)
	}},
	{"us-ascii-8bit.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "NewText", m.NewText, "Het product was beschadigd bij aankomst; ik wil een nieuwe. Groeten, André")
		degraded(t, m, "8-bit text without a charset read as windows-1252")
	}},
	{"bad-base64.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "NewText starts", strings.HasPrefix(m.NewText, "Mijn factuur klopt niet. Ik ben twee keer afgeschreven"), true)
		degraded(t, m, "damaged base64; decoded what could be read")
	}},
	{"rfc2047-broken.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		// The broken word stays literal, the words around it are decoded,
		// the folded line is one line.
		eq(t, "Subject", m.Subject, "Klacht over café en =?utf-8?Q?kapotte_broken_word nog meer tekst niet goed")
		// A name in an unknown charset falls back to windows-1252.
		same(t, "From", m.From, addr("José García", "jose@example.es"))
		eq(t, "NewText", m.NewText, "Het eten was koud.")
		clean(t, m)
	}},
	{"nul-bytes.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Subject", m.Subject, "Klacht met nul")
		eq(t, "NewText", m.NewText, "Mijn bestelling is niet gekomen.")
	}},
	{"invalid-utf8.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "NewText", m.NewText, "De prijs was \uFFFDn euro te hoog \uFFFD en de éclair was oud.")
		degraded(t, m, "invalid UTF-8 replaced by U+FFFD")
	}},
	{"mbox-from-line.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "MessageID", m.MessageID, "mbox-1@example.nl")
		same(t, "From", m.From, addr("Jan Jansen", "jan@example.nl"))
		eq(t, "NewText", m.NewText, "De bezorger heeft het pakket bij de verkeerde buren afgegeven.")
		clean(t, m)
	}},

	// HTML.
	{"html-only-gmail-en.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "NewText", m.NewText, "Dear support team,\n\nI have been waiting three weeks for the refund you promised. This is not acceptable and I will file a complaint with the ombudsman if I do not hear from you this week.\n\nKind regards,\nTom Wilson")
		eq(t, "Quoted", m.Quoted, "On Mon, Nov 2, 2026 at 9:00 AM Bedrijf Support <klachten@bedrijf.nl> wrote:\n>\n> Dear Mr Wilson,\n>\n> Your refund will be processed.\n>")
		has(t, "HTML", m.HTML, "<p>Dear support team,</p>")
		hasNot(t, "HTML", m.HTML, "<style", "color:red", "<head")
		hasNot(t, "Text", m.Text, "color:red")
		eq(t, "Language", m.Language, klachtdesk.LanguageEnglish)
		clean(t, m)
	}},
	{"html-hostile.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		hasNot(t, "HTML", m.HTML, "<script", "document.cookie", "onerror", "onclick", "javascript:", "tracker.example", "http://", "style=", "<iframe", "<form", "<input", "evil.example")
		has(t, "HTML", m.HTML, "Ik wil mijn geld terug voor de kapotte stofzuiger.", `<img src="cid:foto1@bedrijf" alt="foto van de schade">`,
			"Klik hier", `<a href="https://www.example.nl/bon" rel="nofollow noreferrer noopener" target="_blank">mijn bon</a>`, "Groet, Anna")
		eq(t, "NewText", m.NewText, "Ik wil mijn geld terug voor de kapotte stofzuiger.\n\nKlik hier of bekijk mijn bon <https://www.example.nl/bon>.\n\nGroet, Anna")
		same(t, "Attachments", meta(m.Attachments), []klachtdesk.MailPart{{Filename: "attachment-1.png", ContentType: "image/png", ContentID: "foto1@bedrijf", Inline: true}})
		eq(t, "png bytes", strings.HasPrefix(string(m.Attachments[0].Content), "\x89PNG"), true)
		clean(t, m)
	}},
	{"apple-inline-image-nl.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "NewText", m.NewText, "De tafel die gisteren is bezorgd heeft een grote kras in het blad. Zie de foto.\n\nGroetjes,\nLotte")
		has(t, "HTML", m.HTML, `<img src="cid:6F1E2D3C-4B5A-4969-8877-665544332211" alt="kras.jpeg">`)
		same(t, "Attachments", meta(m.Attachments), []klachtdesk.MailPart{{Filename: "kras.jpeg", ContentType: "image/jpeg", ContentID: "6F1E2D3C-4B5A-4969-8877-665544332211", Inline: true}})
		eq(t, "jpeg bytes", strings.HasPrefix(string(m.Attachments[0].Content), "\xff\xd8\xff\xe0JFIF"), true)
		clean(t, m)
	}},
	{"attachments-encoded-names.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		same(t, "From", m.From, addr("Vries, Els de", "els.devries@example.nl"))
		eq(t, "Text", m.Text, "Hierbij stuur ik de factuur, de foto en het ontvangstbewijs.\n\nEls de Vries")
		eq(t, "HTML", m.HTML, "<p>Hierbij stuur ik de factuur, de foto en het ontvangstbewijs.</p><p>Els de Vries</p>")
		same(t, "Attachments", meta(m.Attachments), []klachtdesk.MailPart{
			{Filename: "factuur n° 12 €.pdf", ContentType: "application/pdf"}, // RFC 2231
			{Filename: "foto keuken é.jpg", ContentType: "image/jpeg"},        // RFC 2047
			{Filename: "attachment-3.pdf", ContentType: "application/pdf"},    // none
			{Filename: "boot.ini", ContentType: "application/octet-stream"},   // no directories
		})
		eq(t, "pdf", string(m.Attachments[0].Content), "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		eq(t, "unnamed pdf", string(m.Attachments[2].Content), "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		clean(t, m)
	}},

	// Malformed MIME.
	{"wrong-boundary.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "NewText", m.NewText, "Ik wacht al drie weken op antwoord. Dit is mijn derde mail over de kapotte koelkast.")
		degraded(t, m, `boundary "declared-but-not-used" not found in the body`)
	}},
	{"no-boundary.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "NewText", m.NewText, "Nogmaals: de koelkast is kapot en niemand reageert. Ik wil een nieuwe of mijn geld terug. Coöperatie graag.")
		degraded(t, m, "multipart/mixed without boundary parameter")
	}},
	{"truncated.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "NewText", m.NewText, "Hierbij de foto's van de waterschade in de keuken.")
		same(t, "Attachments", meta(m.Attachments), []klachtdesk.MailPart{{Filename: "schade.jpg", ContentType: "image/jpeg"}})
		eq(t, "partial jpeg", len(m.Attachments[0].Content) > 200 && strings.HasPrefix(string(m.Attachments[0].Content), "\xff\xd8"), true)
		degraded(t, m, `Boundary "trunc-b" was not closed correctly`)
	}},
	{"junk.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "MessageID", m.MessageID, "")
		same(t, "From", m.From, klachtdesk.Address{})
		has(t, "Text", m.Text, "IHDR binary junk", "then some text")
		degraded(t, m, "not a mail message")
	}},

	// Forwards.
	{"forward-rfc822-outlook-nl.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		same(t, "Forwarded", m.Forwarded, &klachtdesk.Address{Name: "Gerrit Kok", Email: "gerrit.kok@hotmail.com"})
		eq(t, "NewText", m.NewText, "Ter afhandeling, deze kwam binnen via info@.\n\nIngrid")
		same(t, "Attachments", meta(m.Attachments), []klachtdesk.MailPart{{Filename: "attachment-1.eml", ContentType: "message/rfc822"}})
		has(t, "attached message", string(m.Attachments[0].Content), "From: Gerrit Kok <gerrit.kok@hotmail.com>")
		clean(t, m)
	}},
	{"forward-chain-rfc822.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		// A forward of a forward: the sender of the innermost message.
		same(t, "Forwarded", m.Forwarded, &klachtdesk.Address{Name: "Bram Vos", Email: "bram.vos@example.nl"})
		same(t, "Attachments", meta(m.Attachments), []klachtdesk.MailPart{{Filename: "Fwd Garantie geweigerd.eml", ContentType: "message/rfc822"}})
		clean(t, m)
	}},
	{"forward-gmail-en.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		same(t, "Forwarded", m.Forwarded, &klachtdesk.Address{Name: "Emily Clarke", Email: "emily.clarke@gmail.com"})
		// The forwarder's signature does not cut the forwarded complaint.
		has(t, "NewText", m.NewText, "Please handle this one.", "---------- Forwarded message ---------", "the vase inside was broken", "Emily")
		eq(t, "Quoted", m.Quoted, "")
		eq(t, "Language", m.Language, klachtdesk.LanguageEnglish)
		clean(t, m)
	}},
	{"forward-gmail-nl.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		same(t, "Forwarded", m.Forwarded, &klachtdesk.Address{Name: "Sanne de Boer", Email: "sanne.deboer@gmail.com"})
		has(t, "NewText", m.NewText, "Ik heb maat 38 besteld maar maat 42 gekregen.")
		eq(t, "Quoted", m.Quoted, "")
		clean(t, m)
	}},
	{"forward-outlook-nl.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		same(t, "Forwarded", m.Forwarded, &klachtdesk.Address{Name: "Willem Dekker", Email: "w.dekker@kpnmail.nl"})
		// In a forward Outlook's separator is not a quote marker.
		has(t, "NewText", m.NewText, "Zie hieronder.", "Van: Willem Dekker <w.dekker@kpnmail.nl>", "staat een bedrag van EUR 89")
		eq(t, "Quoted", m.Quoted, "")
		clean(t, m)
	}},
	{"forward-outlook-en-original.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		same(t, "Forwarded", m.Forwarded, &klachtdesk.Address{Name: "David Green", Email: "david.green@example.co.uk"})
		has(t, "NewText", m.NewText, "FYI", "-----Original Message-----", "threw\nthe parcel over the fence")
		clean(t, m)
	}},
	{"forward-apple-en.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		same(t, "Forwarded", m.Forwarded, &klachtdesk.Address{Name: "Laura King", Email: "laura.king@example.com"})
		has(t, "NewText", m.NewText, "Begin forwarded message:", "the invoice you sent me is for someone else's order")
		clean(t, m)
	}},
	{"forward-apple-nl.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		same(t, "Forwarded", m.Forwarded, &klachtdesk.Address{Name: "Mohammed El Amrani", Email: "m.elamrani@example.nl"})
		// "Verstuurd vanaf mijn iPhone" above a forward is not where the text ends.
		has(t, "NewText", m.NewText, "Voor jullie.", "Begin doorgestuurd bericht:", "weggestuurd zonder hulp")
		eq(t, "Quoted", m.Quoted, "")
		clean(t, m)
	}},
	{"forward-unreadable.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		// "From: Jansen, Pieter" has no address: not reliable.
		eq(t, "Forwarded", m.Forwarded == nil, true)
		has(t, "NewText", m.NewText, "wil teruggebeld worden")
		clean(t, m)
	}},

	// Machine-written mail.
	{"auto-submitted-nl.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.AutoReply)
		eq(t, "AutoReason", m.AutoReason, "Auto-Submitted: auto-replied")
	}},
	{"auto-submitted-no.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.NotAuto)
		eq(t, "AutoReason", m.AutoReason, "")
	}},
	{"x-autoreply.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.AutoReply)
		eq(t, "AutoReason", m.AutoReason, "X-Autoreply present")
	}},
	{"x-autorespond.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.AutoReply)
		eq(t, "AutoReason", m.AutoReason, "X-Autorespond present")
	}},
	{"precedence-bulk.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.AutoReply)
		eq(t, "AutoReason", m.AutoReason, "Precedence: bulk")
	}},
	{"list-id-newsletter.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.AutoReply)
		eq(t, "AutoReason", m.AutoReason, "List-Id present")
	}},
	{"list-unsubscribe-only.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.AutoReply)
		eq(t, "AutoReason", m.AutoReason, "List-Unsubscribe present")
	}},
	{"vacation-subject-nl.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.AutoReply)
		eq(t, "AutoReason", m.AutoReason, `subject starts with "afwezig"`)
	}},
	{"vacation-subject-nl-niet-aanwezig.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.AutoReply)
		eq(t, "AutoReason", m.AutoReason, `subject starts with "niet aanwezig"`)
	}},
	{"vacation-subject-en.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.AutoReply)
		eq(t, "AutoReason", m.AutoReason, `subject starts with "out of office"`)
		eq(t, "Language", m.Language, klachtdesk.LanguageEnglish)
	}},
	{"vacation-subject-automatic-reply.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.AutoReply)
		eq(t, "AutoReason", m.AutoReason, `subject starts with "automatic reply"`)
	}},
	{"complaint-vakantie.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		// A complaint about a holiday is not a vacation notice.
		eq(t, "Auto", m.Auto, klachtdesk.NotAuto)
		clean(t, m)
	}},
	{"bounce-postfix-dsn-rfc822.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.Bounce)
		eq(t, "AutoReason", m.AutoReason, "Content-Type: multipart/report; report-type=delivery-status")
		eq(t, "NullSender", m.NullSender, true)
		eq(t, "ReturnPath", m.ReturnPath, "")
		same(t, "From", m.From, addr("Mail Delivery System", "MAILER-DAEMON@mx.bedrijf.nl"))
		same(t, "BounceOf", m.BounceOf, []string{"KL-2026-0100.ack@bedrijf.nl"})
		same(t, "BouncedRecipients", m.BouncedRecipients, []string{"onbekend@example.nl"})
		eq(t, "Forwarded", m.Forwarded == nil, true)
		same(t, "Attachments", meta(m.Attachments), []klachtdesk.MailPart{
			{Filename: "attachment-1.txt", ContentType: "message/delivery-status"},
			{Filename: "attachment-2.eml", ContentType: "message/rfc822"},
		})
		clean(t, m)
	}},
	{"bounce-postfix-dsn-headers.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.Bounce)
		same(t, "BounceOf", m.BounceOf, []string{"KL-2026-0101.letter@bedrijf.nl"})
		same(t, "BouncedRecipients", m.BouncedRecipients, []string{"vol@example.com"})
		clean(t, m)
	}},
	{"bounce-exchange-ndr-nl.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.Bounce)
		eq(t, "NullSender", m.NullSender, false)
		same(t, "BounceOf", m.BounceOf, []string{"KL-2026-0102.letter@bedrijf.nl"})
		same(t, "BouncedRecipients", m.BouncedRecipients, []string{"h.dejong@klant.example.nl"})
		eq(t, "NewText", m.NewText, "Uw bericht is niet bezorgd bij h.dejong@klant.example.nl omdat het adres niet is gevonden.")
		clean(t, m)
	}},
	{"bounce-null-sender.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.Bounce)
		eq(t, "AutoReason", m.AutoReason, "Return-Path: <> (null sender)")
		eq(t, "NullSender", m.NullSender, true)
		eq(t, "BounceOf", len(m.BounceOf), 0)
	}},
	{"bounce-exim-mailer-daemon.eml", func(t *testing.T, m *klachtdesk.InboundMail) {
		eq(t, "Auto", m.Auto, klachtdesk.Bounce)
		eq(t, "AutoReason", m.AutoReason, `From mailer-daemon with subject "mail delivery failed"`)
		same(t, "BounceOf", m.BounceOf, []string{"KL-2026-0103.letter@bedrijf.nl"})
		same(t, "BouncedRecipients", m.BouncedRecipients, []string{"piet@oud-domein.example"})
	}},
}

func TestParseFixtures(t *testing.T) {
	for _, tt := range fixtureTests {
		t.Run(tt.file, func(t *testing.T) {
			m, raw := parseFile(t, tt.file)
			checkInvariants(t, raw, mailparse.Options{}, m)
			tt.want(t, m)
		})
	}
}

// TestFixturesCovered makes sure every fixture has its assertions.
func TestFixturesCovered(t *testing.T) {
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil {
		t.Fatal(err)
	}
	tested := map[string]bool{}
	for _, tt := range fixtureTests {
		tested[tt.file] = true
	}
	for _, f := range files {
		if !tested[filepath.Base(f)] {
			t.Errorf("fixture %s has no test", f)
		}
	}
}

// checkInvariants asserts what must hold for any input.
func checkInvariants(t testing.TB, raw []byte, opt mailparse.Options, m *klachtdesk.InboundMail) {
	t.Helper()
	var strs []string
	strs = append(strs, m.MessageID, m.From.Name, m.From.Email, m.ReturnPath, m.Subject, m.Text, m.NewText, m.Quoted, m.HTML, m.AutoReason, m.Fingerprint, string(m.Language), string(m.Auto))
	strs = append(strs, m.InReplyTo...)
	strs = append(strs, m.References...)
	strs = append(strs, m.BounceOf...)
	strs = append(strs, m.BouncedRecipients...)
	strs = append(strs, m.Degraded...)
	for _, a := range m.To {
		strs = append(strs, a.Name, a.Email)
	}
	for _, a := range m.Attachments {
		strs = append(strs, a.Filename, a.ContentType, a.ContentID)
	}
	if m.Forwarded != nil {
		strs = append(strs, m.Forwarded.Name, m.Forwarded.Email)
	}
	for _, s := range strs {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			t.Fatalf("invalid string %q", s)
		}
	}
	// The domain's cleaning rule holds for every string: lines and tabs
	// only in the bodies and the HTML.
	for i, s := range strs {
		multiline := i >= 5 && i <= 8 // Text, NewText, Quoted, HTML
		if !klachtdesk.IsClean(s, multiline) {
			t.Fatalf("string %q is not clean (multiline %v)", s, multiline)
		}
	}
	if len(m.Fingerprint) != 64 || strings.Trim(m.Fingerprint, "0123456789abcdef") != "" {
		t.Fatalf("Fingerprint = %q", m.Fingerprint)
	}
	if m.Fingerprint != mailparse.Fingerprint(raw) {
		t.Fatalf("Fingerprint differs from Fingerprint(raw)")
	}
	if m.Language != klachtdesk.LanguageDutch && m.Language != klachtdesk.LanguageEnglish {
		t.Fatalf("Language = %q", m.Language)
	}
	if m.Forwarded != nil && !strings.Contains(m.Forwarded.Email, "@") {
		t.Fatalf("Forwarded = %+v", m.Forwarded)
	}
	if strings.TrimSpace(m.NewText) != m.NewText {
		t.Fatalf("NewText not trimmed: %q", m.NewText)
	}
	again := mailparse.Parse(raw, opt)
	if d := cmp.Diff(m, again); d != "" {
		t.Fatalf("Parse is not deterministic:\n%s", d)
	}
}
