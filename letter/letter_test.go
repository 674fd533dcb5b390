package letter_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/letter"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

const ref = "KL-2026-000042"

// settings are the organisation's details with the placeholders filled in.
func settings() klachtdesk.Settings {
	s := klachtdesk.DefaultSettings()
	s.OrgName = "ACT Webservice"
	s.ComplaintEmail = "klachten@actwebservice.nl"
	s.PostalAddress = "Postbus 1234\n3500 AB Utrecht"
	return s
}

// complaint returns a service complaint from a named business customer,
// received on Wednesday 25 November 2026 and acknowledged.
func complaint(lang klachtdesk.Language) *klachtdesk.Complaint {
	receipt := klachtdesk.MustParseDate("2026-11-25")
	return &klachtdesk.Complaint{
		Reference:    ref,
		State:        klachtdesk.StateAcknowledged,
		Channel:      klachtdesk.ChannelEmail,
		ReceivedAt:   time.Date(2026, 11, 25, 9, 14, 0, 0, time.UTC),
		ReceiptDate:  receipt,
		Language:     lang,
		CustomerType: klachtdesk.Business,
		Complainant: &klachtdesk.Complainant{
			Name: "Jan de Vries", Email: "jan@example.nl",
			Type: klachtdesk.Business, Language: lang,
		},
		Kind:      klachtdesk.KindService,
		Subtype:   "reachability",
		Subject:   "Helpdesk telefonisch onbereikbaar",
		AnswerDue: klachtdesk.Deadline{Date: receipt.AddDays(14), Rule: "r1.s0"},
		Route:     klachtdesk.RouteInternal,
	}
}

// variants are the complaints the golden files are written for.
var variants = []struct {
	name  string
	kinds []letter.Kind // nil: every kind
	edit  func(c *klachtdesk.Complaint)
}{
	{name: "name", edit: func(*klachtdesk.Complaint) {}},
	{name: "noname", edit: func(c *klachtdesk.Complaint) {
		c.Complainant.Name = ""
		c.Subject = ""
	}},
	{name: "consumer_product", edit: func(c *klachtdesk.Complaint) {
		c.CustomerType, c.Complainant.Type = klachtdesk.Consumer, klachtdesk.Consumer
		c.Kind, c.Subtype, c.Subject = klachtdesk.KindProduct, "defect", "Laptop start niet op"
		c.Route = klachtdesk.RouteMediator
		c.Complainant.Name = "Fatima el Amrani"
	}},
	// A consumer's product complaint after its referral, for the reply letter.
	{name: "consumer_product_referred", kinds: []letter.Kind{letter.ReplyReceived}, edit: func(c *klachtdesk.Complaint) {
		c.CustomerType, c.Complainant.Type = klachtdesk.Consumer, klachtdesk.Consumer
		c.Kind, c.Subtype = klachtdesk.KindProduct, "defect"
		c.Route = klachtdesk.RouteMediator
		c.State = klachtdesk.StateReferred
	}},
	// A complaint sent by post by someone without an e-mail address.
	{name: "post", edit: func(c *klachtdesk.Complaint) {
		c.Channel = klachtdesk.ChannelLetter
		c.Complainant.Email = ""
		c.Complainant.PostalAddress = "Dorpsstraat 1, 1234 AB Ergens"
	}},
	{name: "extended", kinds: []letter.Kind{letter.ReplyReceived}, edit: func(c *klachtdesk.Complaint) {
		c.State = klachtdesk.StateInTreatment
		c.Extended = true
		c.PromisedDate = klachtdesk.Deadline{Date: klachtdesk.MustParseDate("2027-01-06")}
	}},
	{name: "answered", kinds: []letter.Kind{letter.ReplyReceived}, edit: func(c *klachtdesk.Complaint) {
		c.State = klachtdesk.StateAnswered
	}},
	{name: "closed", kinds: []letter.Kind{letter.ReplyReceived}, edit: func(c *klachtdesk.Complaint) {
		c.State = klachtdesk.StateClosed
		c.CloseReason = klachtdesk.CloseAccepted
	}},
}

func TestRenderGolden(t *testing.T) {
	for _, k := range letter.Kinds {
		for _, lang := range letter.Languages {
			for _, v := range variants {
				if v.kinds != nil && !contains(v.kinds, k) {
					continue
				}
				name := string(k) + "_" + string(lang) + "_" + v.name
				t.Run(name, func(t *testing.T) {
					c := complaint(lang)
					v.edit(c)
					l, err := letter.Render(k, c, settings(), "")
					if err != nil {
						t.Fatal(err)
					}
					if l.Kind != k || l.Language != lang {
						t.Errorf("letter is %s/%s, want %s/%s", l.Kind, l.Language, k, lang)
					}
					got := "Subject: " + l.Subject + "\n\n" + l.Text
					path := filepath.Join("testdata", name+".golden")
					if *update {
						if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
							t.Fatal(err)
						}
					}
					want, err := os.ReadFile(path)
					if err != nil {
						t.Fatalf("%v (run go test ./letter/ -update to write it)", err)
					}
					if got != string(want) {
						t.Errorf("letter differs from %s (rerun with -update after checking):\n--- got\n%s\n--- want\n%s", path, got, want)
					}
					checkText(t, l)
				})
			}
		}
	}
}

// checkText checks what every letter must be: a one-line subject with the
// reference tag, LF-only text wrapped at letter.Width unless a line is one
// long word, ending in one newline.
func checkText(t *testing.T, l *letter.Letter) {
	t.Helper()
	if strings.ContainsAny(l.Subject, "\r\n") {
		t.Errorf("subject %q contains a line break", l.Subject)
	}
	if !strings.Contains(l.Subject, letter.SubjectTag(ref)) {
		t.Errorf("subject %q lacks the tag %s", l.Subject, letter.SubjectTag(ref))
	}
	if strings.Contains(l.Text, "\r") {
		t.Errorf("text contains CR")
	}
	if !strings.HasSuffix(l.Text, "\n") || strings.HasSuffix(l.Text, "\n\n") {
		t.Errorf("text does not end in exactly one newline")
	}
	if strings.Contains(l.Text, "\n\n\n") {
		t.Errorf("text has more than one blank line in a row")
	}
	for i, line := range strings.Split(l.Text, "\n") {
		if n := utf8.RuneCountInString(line); n > letter.Width && strings.Contains(strings.TrimSpace(line), " ") {
			t.Errorf("line %d has %d characters: %q", i+1, n, line)
		}
		if strings.TrimRight(line, " ") != line {
			t.Errorf("line %d ends in a space: %q", i+1, line)
		}
	}
	if strings.Contains(l.Text, "\u00a0") {
		t.Errorf("text contains a non-breaking space")
	}
}

// unwrap joins the wrapped lines of a letter, so that a test can look for a
// sentence wherever the line breaks fall.
func unwrap(text string) string { return strings.Join(strings.Fields(text), " ") }

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func TestSubjectTag(t *testing.T) {
	tests := []struct{ ref, want string }{
		{"KL-2026-000042", "[KL-2026-000042]"},
		{"KL-2027-999999", "[KL-2027-999999]"},
		{"KL-2026-000042\r\nBcc: evil@example.com", "[KL-2026-000042 Bcc: evil@example.com]"},
		{"", "[]"},
	}
	for _, tt := range tests {
		if got := letter.SubjectTag(tt.ref); got != tt.want {
			t.Errorf("SubjectTag(%q) = %q, want %q", tt.ref, got, tt.want)
		}
	}
}

func TestRenderSubjectCarriesTag(t *testing.T) {
	refs := []string{"KL-2026-000001", "KL-2026-000042", "KL-2031-999999"}
	for _, k := range letter.Kinds {
		for _, lang := range letter.Languages {
			for _, r := range refs {
				for _, v := range variants {
					c := complaint(lang)
					v.edit(c)
					c.Reference = r
					l, err := letter.Render(k, c, settings(), lang)
					if err != nil {
						t.Fatalf("%s/%s/%s: %v", k, lang, r, err)
					}
					if tag := "[" + r + "]"; !strings.Contains(l.Subject, tag) {
						t.Errorf("%s/%s: subject %q lacks %s", k, lang, l.Subject, tag)
					}
					if !strings.Contains(l.Text, r) {
						t.Errorf("%s/%s: text lacks the reference %s", k, lang, r)
					}
				}
			}
		}
	}
}

func TestRenderHostileValues(t *testing.T) {
	long := strings.Repeat("Bartholomeus ", 40)
	tests := []struct {
		name, complainant, subject string
		wantGreetingNL             string
	}{
		{"header injection in name", "Jan\r\nBcc: everyone\r\n\r\nX-Evil: 1", "Hallo", "Beste Jan Bcc: everyone X-Evil: 1,"},
		{"header injection with an address in name", "Jan\r\nBcc: evil@example.com", "Hallo", "Geachte heer, mevrouw,"},
		{"header injection in subject", "Jan", "Klacht\r\nBcc: evil@example.com\r\n\r\nbody", "Beste Jan,"},
		{"bare LF and CR", "Jan\nTo: someone\rCc: other", "a\nb\rc", "Beste Jan To: someone Cc: other,"},
		{"unicode line separators", "Jan\u2028Bcc: x\u0085X-Evil: 1", "Onderwerp\u2029Bcc: y", "Beste Jan Bcc: x X-Evil: 1,"},
		{"control and bidi characters", "J\x00a\x1bn\u202e", "x\x07y", "Beste Jan,"},
		{"invalid UTF-8", "Jan\xff\xfe", "s\xc3", "Beste Jan,"},
		{"long name", long, strings.Repeat("lang ", 200), "Beste " + strings.TrimSpace(strings.Repeat("Bartholomeus ", 4)) + ","},
		{"e-mail address as name", "jan@example.nl", "", "Geachte heer, mevrouw,"},
		{"only white space", " \r\n\t ", "\r\n", "Geachte heer, mevrouw,"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range letter.Kinds {
				for _, lang := range letter.Languages {
					c := complaint(lang)
					c.Complainant.Name = tt.complainant
					c.Subject = tt.subject
					l, err := letter.Render(k, c, settings(), lang)
					if err != nil {
						t.Fatal(err)
					}
					checkText(t, l)
					for _, line := range strings.Split(l.Text, "\n") {
						for _, h := range []string{"Bcc:", "To:", "Cc:", "X-Evil:"} {
							if strings.HasPrefix(line, h) {
								t.Errorf("%s/%s: a line of the text starts with %q: %q", k, lang, h, line)
							}
						}
					}
					greeting, _, _ := strings.Cut(l.Text, "\n")
					if utf8.RuneCountInString(greeting) > len("Beste ,")+60 {
						t.Errorf("%s/%s: greeting not cut: %q", k, lang, greeting)
					}
					if lang == klachtdesk.LanguageDutch && greeting != tt.wantGreetingNL {
						t.Errorf("%s: greeting = %q, want %q", k, greeting, tt.wantGreetingNL)
					}
					for _, line := range strings.Split(l.Text, "\n") {
						if rest, ok := strings.CutPrefix(line, "Onderwerp: "); ok && utf8.RuneCountInString(rest) > 64 {
							t.Errorf("subject line not cut: %d characters", utf8.RuneCountInString(rest))
						}
					}
				}
			}
		})
	}
}

func TestRenderHostileSettings(t *testing.T) {
	s := settings()
	s.OrgName = "ACT\r\nBcc: evil@example.com"
	s.PostalAddress = "Postbus 1\r\n\r\n3500 AB Utrecht\r\n"
	l, err := letter.Render(letter.Acknowledgement, complaint(klachtdesk.LanguageDutch), s, "")
	if err != nil {
		t.Fatal(err)
	}
	checkText(t, l)
	if !strings.Contains(l.Text, "\nACT Bcc: evil@example.com\n") {
		t.Errorf("organisation name not on one line:\n%s", l.Text)
	}
	if !strings.Contains(l.Text, "\nPostadres: Postbus 1, 3500 AB Utrecht\n") {
		t.Errorf("postal address not on one line:\n%s", l.Text)
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name string
		kind letter.Kind
		lang klachtdesk.Language
		edit func(c *klachtdesk.Complaint)
	}{
		{name: "unknown kind", kind: "decision", lang: klachtdesk.LanguageDutch},
		{name: "empty kind", kind: "", lang: klachtdesk.LanguageDutch},
		{name: "unknown language", kind: letter.Acknowledgement, lang: "de"},
		{name: "unknown complaint language", kind: letter.ReplyReceived, edit: func(c *klachtdesk.Complaint) { c.Language = "fr" }},
		{name: "no reference", kind: letter.Acknowledgement, lang: klachtdesk.LanguageEnglish, edit: func(c *klachtdesk.Complaint) { c.Reference = "" }},
		{name: "injected reference", kind: letter.Acknowledgement, lang: klachtdesk.LanguageEnglish, edit: func(c *klachtdesk.Complaint) { c.Reference = ref + "\r\nBcc: x@example.com" }},
		{name: "acknowledgement without answer due", kind: letter.Acknowledgement, lang: klachtdesk.LanguageDutch, edit: func(c *klachtdesk.Complaint) { c.AnswerDue = klachtdesk.Deadline{} }},
		{name: "acknowledgement without receipt", kind: letter.Acknowledgement, lang: klachtdesk.LanguageDutch, edit: func(c *klachtdesk.Complaint) {
			c.ReceiptDate, c.ReceivedAt = klachtdesk.Date{}, time.Time{}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := complaint(klachtdesk.LanguageDutch)
			if tt.edit != nil {
				tt.edit(c)
			}
			l, err := letter.Render(tt.kind, c, settings(), tt.lang)
			if code := klachtdesk.ErrorCode(err); code != klachtdesk.EINVALID {
				t.Errorf("error code = %q (%v), want %q", code, err, klachtdesk.EINVALID)
			}
			if l != nil {
				t.Errorf("got a letter with the error")
			}
		})
	}
	t.Run("nil complaint", func(t *testing.T) {
		if _, err := letter.Render(letter.Acknowledgement, nil, settings(), ""); klachtdesk.ErrorCode(err) != klachtdesk.EINVALID {
			t.Errorf("error = %v, want EINVALID", err)
		}
	})
	t.Run("settings without organisation", func(t *testing.T) {
		s := settings()
		s.OrgName = " "
		if _, err := letter.Render(letter.Acknowledgement, complaint(klachtdesk.LanguageDutch), s, ""); klachtdesk.ErrorCode(err) != klachtdesk.EINVALID {
			t.Errorf("error = %v, want EINVALID", err)
		}
	})
}

func TestRenderLanguage(t *testing.T) {
	tests := []struct {
		name            string
		lang, complaint klachtdesk.Language
		defaultLang     klachtdesk.Language
		want            klachtdesk.Language
	}{
		{"complaint's language", "", klachtdesk.LanguageEnglish, klachtdesk.LanguageDutch, klachtdesk.LanguageEnglish},
		{"asked language wins", klachtdesk.LanguageDutch, klachtdesk.LanguageEnglish, klachtdesk.LanguageEnglish, klachtdesk.LanguageDutch},
		{"organisation default", "", "", klachtdesk.LanguageEnglish, klachtdesk.LanguageEnglish},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := settings()
			s.DefaultLanguage = tt.defaultLang
			c := complaint(tt.complaint)
			l, err := letter.Render(letter.Acknowledgement, c, s, tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			if l.Language != tt.want {
				t.Errorf("language = %q, want %q", l.Language, tt.want)
			}
			wantSubject := map[klachtdesk.Language]string{
				klachtdesk.LanguageDutch:   "Ontvangstbevestiging van uw klacht [" + ref + "]",
				klachtdesk.LanguageEnglish: "Acknowledgement of receipt of your complaint [" + ref + "]",
			}[tt.want]
			if l.Subject != wantSubject {
				t.Errorf("subject = %q, want %q", l.Subject, wantSubject)
			}
		})
	}
}

func TestFormatDate(t *testing.T) {
	tests := []struct {
		date   string
		nl, en string
	}{
		{"2026-01-01", "1 januari 2026", "1 January 2026"},
		{"2026-01-31", "31 januari 2026", "31 January 2026"},
		{"2026-02-01", "1 februari 2026", "1 February 2026"},
		{"2026-02-28", "28 februari 2026", "28 February 2026"},
		{"2028-02-29", "29 februari 2028", "29 February 2028"},
		{"2026-03-01", "1 maart 2026", "1 March 2026"},
		{"2026-04-30", "30 april 2026", "30 April 2026"},
		{"2026-05-05", "5 mei 2026", "5 May 2026"},
		{"2026-06-30", "30 juni 2026", "30 June 2026"},
		{"2026-07-01", "1 juli 2026", "1 July 2026"},
		{"2026-08-31", "31 augustus 2026", "31 August 2026"},
		{"2026-09-30", "30 september 2026", "30 September 2026"},
		{"2026-10-31", "31 oktober 2026", "31 October 2026"},
		{"2026-11-25", "25 november 2026", "25 November 2026"},
		{"2026-12-31", "31 december 2026", "31 December 2026"},
	}
	for _, tt := range tests {
		d := klachtdesk.MustParseDate(tt.date)
		if got := letter.FormatDate(d, klachtdesk.LanguageDutch); got != tt.nl {
			t.Errorf("FormatDate(%s, nl) = %q, want %q", tt.date, got, tt.nl)
		}
		if got := letter.FormatDate(d, klachtdesk.LanguageEnglish); got != tt.en {
			t.Errorf("FormatDate(%s, en) = %q, want %q", tt.date, got, tt.en)
		}
	}
	if got := letter.FormatDate(klachtdesk.Date{}, klachtdesk.LanguageDutch); got != "" {
		t.Errorf("FormatDate(zero) = %q, want \"\"", got)
	}
}

// TestRenderDatesAroundMonthBoundaries renders acknowledgements whose
// answer term crosses a month or year end, with answer_due computed by the
// domain rule, and checks both dates as the letter writes them.
func TestRenderDatesAroundMonthBoundaries(t *testing.T) {
	amsterdam, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		receivedAt   time.Time // the receipt date is left to Render when set
		receipt      string
		nlRec, nlDue string
		enRec, enDue string
	}{
		{"January into February", time.Time{}, "2026-01-31", "31 januari 2026", "14 februari 2026", "31 January 2026", "14 February 2026"},
		{"February into March", time.Time{}, "2026-02-20", "20 februari 2026", "6 maart 2026", "20 February 2026", "6 March 2026"},
		{"leap February into March", time.Time{}, "2028-02-20", "20 februari 2028", "5 maart 2028", "20 February 2028", "5 March 2028"},
		{"into leap day", time.Time{}, "2028-02-15", "15 februari 2028", "29 februari 2028", "15 February 2028", "29 February 2028"},
		{"year end", time.Time{}, "2026-12-25", "25 december 2026", "8 januari 2027", "25 December 2026", "8 January 2027"},
		{"last day of the month", time.Time{}, "2026-04-16", "16 april 2026", "30 april 2026", "16 April 2026", "30 April 2026"},
		// 23:30 UTC on 31 October is already 1 November in Amsterdam.
		{"local date of a late mail", time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC), "2026-11-01", "1 november 2026", "15 november 2026", "1 November 2026", "15 November 2026"},
		// 22:30 UTC on 30 June is 00:30 on 1 July in summer time.
		{"local date in summer time", time.Date(2026, 6, 30, 22, 30, 0, 0, time.UTC), "2026-07-01", "1 juli 2026", "15 juli 2026", "1 July 2026", "15 July 2026"},
	}
	s := settings()
	cal := klachtdesk.NewCalendar(s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			receipt := klachtdesk.MustParseDate(tt.receipt)
			for lang, want := range map[klachtdesk.Language][2]string{
				klachtdesk.LanguageDutch:   {"Datum van ontvangst: " + tt.nlRec, "uiterlijk op " + tt.nlDue + "."},
				klachtdesk.LanguageEnglish: {"Date of receipt: " + tt.enRec, "no later than " + tt.enDue + "."},
			} {
				c := complaint(lang)
				c.ReceiptDate = receipt
				if !tt.receivedAt.IsZero() {
					c.ReceivedAt, c.ReceiptDate = tt.receivedAt, klachtdesk.Date{}
					if got := klachtdesk.DateOf(tt.receivedAt, amsterdam); got != receipt {
						t.Fatalf("test case: %s is %s in Amsterdam, not %s", tt.receivedAt, got, receipt)
					}
				}
				c.AnswerDue = klachtdesk.Deadline{Date: klachtdesk.AnswerDue(receipt, s, cal)}
				l, err := letter.Render(letter.Acknowledgement, c, s, lang)
				if err != nil {
					t.Fatal(err)
				}
				text := unwrap(l.Text)
				for _, w := range want {
					if !strings.Contains(text, w) {
						t.Errorf("%s letter lacks %q:\n%s", lang, w, l.Text)
					}
				}
			}
		})
	}
}

// TestAcknowledgementRoute checks the rule that matters most in M1: a
// consumer's product complaint is not promised in-house handling.
func TestAcknowledgementRoute(t *testing.T) {
	inHouse := map[klachtdesk.Language][]string{
		klachtdesk.LanguageDutch:   {"Wij beoordelen of uw klacht gegrond is", "Wij beantwoorden uw klacht", "afwikkelen", "volgens onze klachtenregeling:"},
		klachtdesk.LanguageEnglish: {"We assess whether your complaint is founded", "answer your complaint within", "settle"},
	}
	nextLetter := map[klachtdesk.Language]string{
		klachtdesk.LanguageDutch:   "In onze volgende brief leggen wij u uit welke route uw klacht volgt",
		klachtdesk.LanguageEnglish: "Our next letter will explain which route your complaint follows",
	}
	for _, lang := range letter.Languages {
		for _, mediator := range []bool{false, true} {
			c := complaint(lang)
			if mediator {
				c.Kind, c.CustomerType, c.Route = klachtdesk.KindProduct, klachtdesk.Consumer, ""
			}
			l, err := letter.Render(letter.Acknowledgement, c, settings(), lang)
			if err != nil {
				t.Fatal(err)
			}
			text := unwrap(l.Text)
			for _, p := range inHouse[lang] {
				if strings.Contains(text, p) == mediator {
					t.Errorf("%s, mediator route %v: contains %q = %v", lang, mediator, p, !mediator)
				}
			}
			if strings.Contains(text, nextLetter[lang]) != mediator {
				t.Errorf("%s, mediator route %v: next-letter sentence present = %v", lang, mediator, !mediator)
			}
			if mediator && !strings.Contains(text, "ICTWaarborg") {
				t.Errorf("%s: mediator route does not name the mediator", lang)
			}
		}
	}
}

// TestUnfilledPostalAddress checks that the seed's placeholder never
// reaches a complainant.
func TestUnfilledPostalAddress(t *testing.T) {
	s := klachtdesk.DefaultSettings() // postal address "[ADRESGEGEVENS]"
	for _, k := range letter.Kinds {
		for _, lang := range letter.Languages {
			c := complaint(lang)
			c.Channel, c.Complainant.Email = klachtdesk.ChannelLetter, ""
			l, err := letter.Render(k, c, s, lang)
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range []string{"[ADRESGEGEVENS]", "Postadres", "Postal address", "or a letter to", "of een brief naar"} {
				if strings.Contains(l.Text, bad) {
					t.Errorf("%s/%s contains %q:\n%s", k, lang, bad, l.Text)
				}
			}
		}
	}
}

// TestReplyReceivedDue checks that the reply letter names the current due
// date only while the complaint awaits its answer.
func TestReplyReceivedDue(t *testing.T) {
	tests := []struct {
		state    klachtdesk.State
		extended bool
		want     string // "" for no due date at all
	}{
		{klachtdesk.StateReceived, false, "9 december 2026"},
		{klachtdesk.StateInTreatment, false, "9 december 2026"},
		{klachtdesk.StateAwaitingInfo, true, "6 januari 2027"},
		{klachtdesk.StateAnswered, false, ""},
		{klachtdesk.StateReferred, false, ""},
		{klachtdesk.StateClosed, false, ""},
	}
	for _, tt := range tests {
		c := complaint(klachtdesk.LanguageDutch)
		c.State = tt.state
		if tt.extended {
			c.Extended = true
			c.PromisedDate = klachtdesk.Deadline{Date: klachtdesk.MustParseDate("2027-01-06")}
		}
		l, err := letter.Render(letter.ReplyReceived, c, settings(), "")
		if err != nil {
			t.Fatal(err)
		}
		text := unwrap(l.Text)
		has := strings.Contains(text, "uiterlijk op")
		if has != (tt.want != "") || tt.want != "" && !strings.Contains(text, "uiterlijk op "+tt.want) {
			t.Errorf("%s (extended %v): want due %q in:\n%s", tt.state, tt.extended, tt.want, l.Text)
		}
	}
}
