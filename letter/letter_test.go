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

// complaintFor returns complaint(lang) as it stands when a letter of kind
// k is written: for a letter an action causes, after that action. For the
// acknowledgement and the reply letter it is complaint(lang) itself.
func complaintFor(k klachtdesk.LetterKind, lang klachtdesk.Language) *klachtdesk.Complaint {
	c := complaint(lang)
	en := lang == klachtdesk.LanguageEnglish
	switch k {
	case klachtdesk.LetterInfoRequest:
		c.State = klachtdesk.StateAwaitingInfo
	case klachtdesk.LetterNotAdmissible:
		c.State, c.CloseReason, c.CloseNote = klachtdesk.StateClosed, klachtdesk.CloseNotAdmissible, "out_of_scope"
		c.ClosedAt = time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)
		c.RetentionUntil = klachtdesk.Deadline{Date: klachtdesk.MustParseDate("2028-11-27")}
	case klachtdesk.LetterReferral:
		c.CustomerType, c.Complainant.Type = klachtdesk.Consumer, klachtdesk.Consumer
		c.Kind, c.Subtype, c.Route = klachtdesk.KindProduct, "defect", klachtdesk.RouteMediator
		c.State, c.ReferredAt = klachtdesk.StateReferred, time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)
	case klachtdesk.LetterExtension:
		c.State, c.Extended = klachtdesk.StateInTreatment, true
		c.ExtensionReason = "Wij wachten op het rapport van de monteur die uw aansluiting heeft onderzocht."
		if en {
			c.ExtensionReason = "We are waiting for the report of the engineer who examined your connection."
		}
		c.PromisedDate = klachtdesk.Deadline{Date: klachtdesk.MustParseDate("2026-12-23"), Rule: "r1.s0"}
	case klachtdesk.LetterDecision:
		decide(c, en)
	case klachtdesk.LetterClosing:
		decide(c, en)
		c.State, c.CloseReason = klachtdesk.StateClosed, klachtdesk.CloseAccepted
		c.ClosedAt = time.Date(2026, 12, 10, 11, 0, 0, 0, time.UTC)
		c.RetentionUntil = klachtdesk.Deadline{Date: klachtdesk.MustParseDate("2028-12-10")}
	}
	return c
}

// decide records a partly founded decision on c, answered on Friday
// 4 December 2026, with its reaction term.
func decide(c *klachtdesk.Complaint, en bool) {
	c.State, c.Finding = klachtdesk.StateAnswered, klachtdesk.FindingPartlyFounded
	c.Motivation = "Onze helpdesk was op 23 en 24 november door een storing in de telefooncentrale slecht bereikbaar.\n\nUw terugbelverzoek is daarna niet doorgegeven. Dat had niet mogen gebeuren.\nDat u drie dagen geen verbinding had, lag aan een storing bij de netbeheerder."
	c.SettlementType = "service_credit"
	c.Settlement = "Wij crediteren één maand abonnementskosten op uw volgende factuur."
	if en {
		c.Motivation = "Our helpdesk was hard to reach on 23 and 24 November because of a fault in the telephone exchange.\n\nYour request to be called back was not passed on afterwards. That should not have happened.\nThat you had no connection for three days was due to a fault at the network operator."
		c.Settlement = "We will credit one month's subscription on your next invoice."
	}
	c.AnsweredAt = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	c.ReactionDue = klachtdesk.Deadline{Date: klachtdesk.MustParseDate("2026-12-18"), Rule: "r1.s0"}
}

// question is the question of the request for information in lang.
func question(lang klachtdesk.Language) string {
	if lang == klachtdesk.LanguageEnglish {
		return "Which telephone number did you call, and at what times?\nDo you still have the confirmation e-mail of your call-back request?"
	}
	return "Welk telefoonnummer belde u, en op welke tijden?\nHeeft u de bevestiging van uw terugbelverzoek nog?"
}

// render renders a letter as the store asks for it: a request for
// information with its question (in the complaint's language, or lang).
func render(k klachtdesk.LetterKind, c *klachtdesk.Complaint, s klachtdesk.Settings, lang klachtdesk.Language) (*letter.Letter, error) {
	l := klachtdesk.Letter{Kind: k}
	if k == klachtdesk.LetterInfoRequest {
		ql := lang
		if ql == "" {
			ql = c.Language
		}
		l.Note = question(ql)
	}
	return letter.RenderLetter(l, c, s, lang)
}

// variants are the complaints the golden files are written for.
var variants = []struct {
	name  string
	kinds []klachtdesk.LetterKind // nil: every kind
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
	{name: "consumer_product_referred", kinds: []klachtdesk.LetterKind{klachtdesk.LetterReplyReceived}, edit: func(c *klachtdesk.Complaint) {
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
	{name: "extended", kinds: []klachtdesk.LetterKind{klachtdesk.LetterReplyReceived}, edit: func(c *klachtdesk.Complaint) {
		c.State = klachtdesk.StateInTreatment
		c.Extended = true
		c.PromisedDate = klachtdesk.Deadline{Date: klachtdesk.MustParseDate("2027-01-06")}
	}},
	{name: "answered", kinds: []klachtdesk.LetterKind{klachtdesk.LetterReplyReceived}, edit: func(c *klachtdesk.Complaint) {
		c.State = klachtdesk.StateAnswered
	}},
	{name: "closed", kinds: []klachtdesk.LetterKind{klachtdesk.LetterReplyReceived}, edit: func(c *klachtdesk.Complaint) {
		c.State = klachtdesk.StateClosed
		c.CloseReason = klachtdesk.CloseAccepted
	}},
	// The letters an action causes, in the cases their text differs.
	{name: "duplicate", kinds: []klachtdesk.LetterKind{klachtdesk.LetterNotAdmissible}, edit: func(c *klachtdesk.Complaint) {
		c.CloseNote = "duplicate"
	}},
	{name: "not_a_complaint", kinds: []klachtdesk.LetterKind{klachtdesk.LetterNotAdmissible}, edit: func(c *klachtdesk.Complaint) {
		c.CloseNote = "not_a_complaint"
	}},
	// Referral timing after_decision: decided in-house, then referred.
	{name: "after_decision", kinds: []klachtdesk.LetterKind{klachtdesk.LetterReferral}, edit: func(c *klachtdesk.Complaint) {
		c.AnsweredAt = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
		c.ExternalRef = "IW-2026-0815"
	}},
	{name: "consent", kinds: []klachtdesk.LetterKind{klachtdesk.LetterExtension}, edit: func(c *klachtdesk.Complaint) {
		c.ExtensionConsent = true
	}},
	// A consumer whose complaint stays unresolved: the ADR paragraph.
	{name: "consumer_unfounded", kinds: []klachtdesk.LetterKind{klachtdesk.LetterDecision}, edit: func(c *klachtdesk.Complaint) {
		c.CustomerType, c.Complainant.Type = klachtdesk.Consumer, klachtdesk.Consumer
		c.Finding, c.SettlementType, c.Settlement = klachtdesk.FindingUnfounded, "", ""
	}},
	{name: "founded", kinds: []klachtdesk.LetterKind{klachtdesk.LetterDecision}, edit: func(c *klachtdesk.Complaint) {
		c.CustomerType, c.Complainant.Type = klachtdesk.Consumer, klachtdesk.Consumer
		c.Finding, c.SettlementType = klachtdesk.FindingFounded, "refund"
	}},
	{name: "no_response", kinds: []klachtdesk.LetterKind{klachtdesk.LetterClosing}, edit: func(c *klachtdesk.Complaint) {
		c.CloseReason = klachtdesk.CloseNoResponse
	}},
	{name: "external_outcome", kinds: []klachtdesk.LetterKind{klachtdesk.LetterClosing}, edit: func(c *klachtdesk.Complaint) {
		c.CloseReason, c.ExternalOutcome = klachtdesk.CloseExternalOutcome, "Schikking: vervanging van de laptop en vergoeding van de verzendkosten."
		c.ReferredAt, c.AnsweredAt = time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC), time.Time{}
	}},
	{name: "referral_lapsed", kinds: []klachtdesk.LetterKind{klachtdesk.LetterClosing}, edit: func(c *klachtdesk.Complaint) {
		c.CloseReason = klachtdesk.CloseReferralLapsed
		c.ReferredAt, c.AnsweredAt = time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC), time.Time{}
	}},
	{name: "withdrawn", kinds: []klachtdesk.LetterKind{klachtdesk.LetterClosing}, edit: func(c *klachtdesk.Complaint) {
		c.CloseReason = klachtdesk.CloseWithdrawn
		c.LegalHold = true
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
					c := complaintFor(k, lang)
					v.edit(c)
					l, err := render(k, c, settings(), "")
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
					c := complaintFor(k, lang)
					v.edit(c)
					c.Reference = r
					l, err := render(k, c, settings(), lang)
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
					c := complaintFor(k, lang)
					c.Complainant.Name = tt.complainant
					c.Subject = tt.subject
					l, err := render(k, c, settings(), lang)
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
	l, err := letter.Render(klachtdesk.LetterAcknowledgement, complaint(klachtdesk.LanguageDutch), s, "")
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
		kind klachtdesk.LetterKind
		lang klachtdesk.Language
		edit func(c *klachtdesk.Complaint)
	}{
		{name: "unknown kind", kind: "decision", lang: klachtdesk.LanguageDutch},
		{name: "empty kind", kind: "", lang: klachtdesk.LanguageDutch},
		{name: "unknown language", kind: klachtdesk.LetterAcknowledgement, lang: "de"},
		{name: "unknown complaint language", kind: klachtdesk.LetterReplyReceived, edit: func(c *klachtdesk.Complaint) { c.Language = "fr" }},
		{name: "no reference", kind: klachtdesk.LetterAcknowledgement, lang: klachtdesk.LanguageEnglish, edit: func(c *klachtdesk.Complaint) { c.Reference = "" }},
		{name: "injected reference", kind: klachtdesk.LetterAcknowledgement, lang: klachtdesk.LanguageEnglish, edit: func(c *klachtdesk.Complaint) { c.Reference = ref + "\r\nBcc: x@example.com" }},
		{name: "acknowledgement without answer due", kind: klachtdesk.LetterAcknowledgement, lang: klachtdesk.LanguageDutch, edit: func(c *klachtdesk.Complaint) { c.AnswerDue = klachtdesk.Deadline{} }},
		{name: "acknowledgement without receipt", kind: klachtdesk.LetterAcknowledgement, lang: klachtdesk.LanguageDutch, edit: func(c *klachtdesk.Complaint) {
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
		if _, err := letter.Render(klachtdesk.LetterAcknowledgement, nil, settings(), ""); klachtdesk.ErrorCode(err) != klachtdesk.EINVALID {
			t.Errorf("error = %v, want EINVALID", err)
		}
	})
	t.Run("settings without organisation", func(t *testing.T) {
		s := settings()
		s.OrgName = " "
		if _, err := letter.Render(klachtdesk.LetterAcknowledgement, complaint(klachtdesk.LanguageDutch), s, ""); klachtdesk.ErrorCode(err) != klachtdesk.EINVALID {
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
			l, err := letter.Render(klachtdesk.LetterAcknowledgement, c, s, tt.lang)
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
				l, err := letter.Render(klachtdesk.LetterAcknowledgement, c, s, lang)
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
			l, err := letter.Render(klachtdesk.LetterAcknowledgement, c, settings(), lang)
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
			c := complaintFor(k, lang)
			c.Channel, c.Complainant.Email = klachtdesk.ChannelLetter, ""
			l, err := render(k, c, s, lang)
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
		l, err := letter.Render(klachtdesk.LetterReplyReceived, c, settings(), "")
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

// TestDecisionADR checks the ADR information duty: a decision letter to a
// consumer whose complaint stays unresolved names the mediator and how to
// reach it; no other decision letter does, and no letter ever names the
// EU ODR platform.
func TestDecisionADR(t *testing.T) {
	s := settings()
	tests := []struct {
		customer klachtdesk.CustomerType
		finding  klachtdesk.Finding
		want     bool
	}{
		{klachtdesk.Consumer, klachtdesk.FindingUnfounded, true},
		{klachtdesk.Consumer, klachtdesk.FindingPartlyFounded, true},
		{klachtdesk.Consumer, klachtdesk.FindingFounded, false},
		{klachtdesk.Business, klachtdesk.FindingUnfounded, false},
		{klachtdesk.Business, klachtdesk.FindingPartlyFounded, false},
	}
	for _, tt := range tests {
		for _, lang := range letter.Languages {
			c := complaintFor(klachtdesk.LetterDecision, lang)
			c.CustomerType, c.Finding = tt.customer, tt.finding
			l, err := letter.Render(klachtdesk.LetterDecision, c, s, "")
			if err != nil {
				t.Fatal(err)
			}
			text := unwrap(l.Text)
			// Only the ADR paragraph of a decision letter gives the URL.
			if got := strings.Contains(text, s.MediatorName) && strings.Contains(text, s.MediatorURL); got != tt.want {
				t.Errorf("%s, %s %s: ADR paragraph = %v, want %v:\n%s", lang, tt.customer, tt.finding, got, tt.want, l.Text)
			}
		}
	}
	for _, k := range letter.Kinds {
		for _, lang := range letter.Languages {
			for _, v := range variants {
				c := complaintFor(k, lang)
				v.edit(c)
				l, err := render(k, c, s, lang)
				if err != nil {
					t.Fatal(err)
				}
				for _, bad := range []string{"ODR", "ec.europa.eu", "Online Dispute", "online geschillenbeslechting"} {
					if strings.Contains(unwrap(l.Text), bad) {
						t.Errorf("%s/%s/%s names the EU ODR platform (%q)", k, lang, v.name, bad)
					}
				}
			}
		}
	}
}

// TestLetterContents checks that each letter an action causes says what
// the procedure requires of it.
func TestLetterContents(t *testing.T) {
	s := settings()
	tests := []struct {
		kind klachtdesk.LetterKind
		want map[klachtdesk.Language][]string
	}{
		{klachtdesk.LetterInfoRequest, map[klachtdesk.Language][]string{
			"nl": {"Welk telefoonnummer belde u, en op welke tijden?", "uiterlijk op 9 december 2026"},
			"en": {"Which telephone number did you call, and at what times?", "no later than 9 December 2026"},
		}},
		{klachtdesk.LetterNotAdmissible, map[klachtdesk.Language][]string{
			"nl": {"niet-ontvankelijk", "buiten onze klachtenregeling"},
			"en": {"not admissible", "outside our complaints procedure"},
		}},
		{klachtdesk.LetterReferral, map[klachtdesk.Language][]string{
			"nl": {"ICTWaarborg", "https://extranet.ictwaarborg.nl/contact/bemiddeling", "onafhankelijk bemiddelaar"},
			"en": {"ICTWaarborg", "https://extranet.ictwaarborg.nl/contact/bemiddeling", "independent mediator"},
		}},
		{klachtdesk.LetterExtension, map[klachtdesk.Language][]string{
			"nl": {"rapport van de monteur", "Toegezegde datum: 23 december 2026", "uiterlijk op 23 december 2026", "9 december 2026"},
			"en": {"report of the engineer", "Promised date: 23 December 2026", "no later than 23 December 2026", "9 December 2026"},
		}},
		{klachtdesk.LetterDecision, map[klachtdesk.Language][]string{
			"nl": {"deels gegrond", "Motivering", "telefooncentrale", "Afwikkeling: tegoed", "één maand abonnementskosten", "uiterlijk op 18 december 2026"},
			"en": {"partly founded", "Reasons", "telephone exchange", "Settlement: service credit", "one month's subscription", "no later than 18 December 2026"},
		}},
		{klachtdesk.LetterClosing, map[klachtdesk.Language][]string{
			"nl": {"Wij sluiten uw klacht daarom af", "10 december 2026", "binnen 30 dagen"},
			"en": {"closing your complaint", "10 December 2026", "within 30 days"},
		}},
	}
	for _, tt := range tests {
		for _, lang := range letter.Languages {
			l, err := render(tt.kind, complaintFor(tt.kind, lang), s, lang)
			if err != nil {
				t.Fatal(err)
			}
			text := unwrap(l.Text)
			for _, w := range tt.want[lang] {
				if !strings.Contains(text, w) {
					t.Errorf("%s/%s lacks %q:\n%s", tt.kind, lang, w, l.Text)
				}
			}
		}
	}
}

// TestLetterNeeds checks that a letter the complaint cannot fill is refused
// rather than sent half written.
func TestLetterNeeds(t *testing.T) {
	tests := []struct {
		name string
		l    klachtdesk.Letter
		edit func(c *klachtdesk.Complaint, s *klachtdesk.Settings)
	}{
		{"request without question", klachtdesk.Letter{Kind: klachtdesk.LetterInfoRequest, Note: " \r\n\t"}, nil},
		{"not admissible without reason", klachtdesk.Letter{Kind: klachtdesk.LetterNotAdmissible}, func(c *klachtdesk.Complaint, _ *klachtdesk.Settings) { c.CloseNote = "" }},
		{"spam is not answered", klachtdesk.Letter{Kind: klachtdesk.LetterNotAdmissible}, func(c *klachtdesk.Complaint, _ *klachtdesk.Settings) { c.CloseNote = "spam" }},
		{"referral without mediator", klachtdesk.Letter{Kind: klachtdesk.LetterReferral}, func(_ *klachtdesk.Complaint, s *klachtdesk.Settings) { s.MediatorURL = "" }},
		{"extension without promised date", klachtdesk.Letter{Kind: klachtdesk.LetterExtension}, func(c *klachtdesk.Complaint, _ *klachtdesk.Settings) { c.PromisedDate = klachtdesk.Deadline{} }},
		{"extension without reason", klachtdesk.Letter{Kind: klachtdesk.LetterExtension}, func(c *klachtdesk.Complaint, _ *klachtdesk.Settings) { c.ExtensionReason = "\n" }},
		{"decision without finding", klachtdesk.Letter{Kind: klachtdesk.LetterDecision}, func(c *klachtdesk.Complaint, _ *klachtdesk.Settings) { c.Finding = "" }},
		{"decision without motivation", klachtdesk.Letter{Kind: klachtdesk.LetterDecision}, func(c *klachtdesk.Complaint, _ *klachtdesk.Settings) { c.Motivation = " " }},
		{"founded without settlement", klachtdesk.Letter{Kind: klachtdesk.LetterDecision}, func(c *klachtdesk.Complaint, _ *klachtdesk.Settings) {
			c.Finding, c.Settlement = klachtdesk.FindingFounded, ""
		}},
		{"closing a not admissible complaint", klachtdesk.Letter{Kind: klachtdesk.LetterClosing}, func(c *klachtdesk.Complaint, _ *klachtdesk.Settings) { c.CloseReason = klachtdesk.CloseNotAdmissible }},
		{"closing an open complaint", klachtdesk.Letter{Kind: klachtdesk.LetterClosing}, func(c *klachtdesk.Complaint, _ *klachtdesk.Settings) { c.CloseReason = "" }},
		{"unknown kind", klachtdesk.Letter{Kind: "verdict"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, lang := range letter.Languages {
				c, s := complaintFor(tt.l.Kind, lang), settings()
				if tt.edit != nil {
					tt.edit(c, &s)
				}
				l, err := letter.RenderLetter(tt.l, c, s, "")
				if klachtdesk.ErrorCode(err) != klachtdesk.EINVALID || l != nil {
					t.Errorf("%s: %v, %v; want EINVALID", lang, l, err)
				}
				if subject, text, err := (letter.Writer{}).WriteLetter(tt.l, c, s); klachtdesk.ErrorCode(err) != klachtdesk.EINVALID || subject != "" || text != "" {
					t.Errorf("%s: Writer: %q, %q, %v; want EINVALID", lang, subject, text, err)
				}
			}
		})
	}
}

// TestWriter checks that the Writer the store uses writes what RenderLetter
// writes, in the complaint's language.
func TestWriter(t *testing.T) {
	for _, k := range letter.Kinds {
		for _, lang := range letter.Languages {
			c := complaintFor(k, lang)
			want, err := render(k, c, settings(), "")
			if err != nil {
				t.Fatal(err)
			}
			l := klachtdesk.Letter{Kind: k}
			if k == klachtdesk.LetterInfoRequest {
				l.Note = question(lang)
			}
			subject, text, err := (letter.Writer{}).WriteLetter(l, c, settings())
			if err != nil || subject != want.Subject || text != want.Text || want.Language != lang {
				t.Errorf("%s/%s: WriteLetter = %q, %v; want %q in %s", k, lang, subject, err, want.Subject, want.Language)
			}
		}
	}
}

// TestHostileStaffText checks the texts staff write (a question, a
// motivation): their lines stay, control characters and runs of blank
// lines go, and the letter keeps its shape.
func TestHostileStaffText(t *testing.T) {
	c := complaintFor(klachtdesk.LetterDecision, klachtdesk.LanguageDutch)
	c.Motivation = "\r\n\r\nEerste regel\x00\x1b[31m rood\r\n\r\n\r\n\u202eTweede\u2028derde\tregel  \n" + strings.Repeat("lang ", 100)
	l, err := letter.RenderLetter(klachtdesk.Letter{Kind: klachtdesk.LetterInfoRequest, Note: "Vraag één?\rVraag twee?\u2029Vraag drie?"}, c, settings(), "")
	if err != nil {
		t.Fatal(err)
	}
	checkText(t, l)
	if !strings.Contains(l.Text, "\nVraag één?\nVraag twee?\n\nVraag drie?\n") {
		t.Errorf("question lines not kept:\n%s", l.Text)
	}
	d, err := letter.Render(klachtdesk.LetterDecision, c, settings(), "")
	if err != nil {
		t.Fatal(err)
	}
	checkText(t, d)
	if !strings.Contains(d.Text, "\nMotivering\nEerste regel[31m rood\n\nTweede\nderde regel\nlang lang") || strings.ContainsAny(d.Text, "\x00\x1b\u202e\u2028\t") {
		t.Errorf("motivation not made safe:\n%q", d.Text)
	}
}
