package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/klachtdesk/klachtdesk"
)

// TestCatalogue: every message of the command line has both languages,
// taking the same arguments.
func TestCatalogue(t *testing.T) {
	if len(Messages()) < 100 {
		t.Fatalf("only %d messages in the catalogue", len(Messages()))
	}
	for _, m := range Messages() {
		if err := m.Check(); err != nil {
			t.Error(err)
		}
	}
	for _, bad := range []*Text{{EN: "x %s", NL: ""}, {EN: "%d of %s", NL: "%s van %d"}, {EN: "%s", NL: "geen"}} {
		if bad.Check() == nil {
			t.Errorf("Check(%q / %q) = nil, want an error", bad.EN, bad.NL)
		}
	}
}

func TestLanguageChoice(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Language
		ok   bool
	}{
		{"nl", Dutch, true}, {"NL", Dutch, true}, {"nl_NL.UTF-8", Dutch, true}, {"nl-BE", Dutch, true},
		{"en", English, true}, {"en_GB.UTF-8", English, true}, {"de", English, false}, {"", English, false}, {"C", English, false},
	} {
		if got, ok := ParseLanguage(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ParseLanguage(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	for _, tt := range []struct {
		lcAll, lcMessages, lang string
		want                    Language
	}{
		{"", "", "", English},
		{"", "", "nl_NL.UTF-8", Dutch},
		{"", "", "en_US.UTF-8", English},
		{"", "nl_NL.UTF-8", "en_US.UTF-8", Dutch},
		{"C.UTF-8", "nl_NL.UTF-8", "nl_NL.UTF-8", English}, // LC_ALL overrides the others
		{"nl_BE.UTF-8", "", "en_US.UTF-8", Dutch},
	} {
		if got := LocaleLanguage(tt.lcAll, tt.lcMessages, tt.lang); got != tt.want {
			t.Errorf("LocaleLanguage(%q, %q, %q) = %v, want %v", tt.lcAll, tt.lcMessages, tt.lang, got, tt.want)
		}
	}
}

// dutch runs one command on a Dutch command line over s.
func dutch(t *testing.T, s *fakeStore, stdin string, args ...string) result {
	t.Helper()
	a, _, _ := newTestApp(s, stdin)
	a.Lang = Dutch
	return execute(t, a, args...)
}

func TestDutch(t *testing.T) {
	r := dutch(t, sampleStore(), "", "show", "KL-2026-000001")
	matchAll(t, "show in Dutch", r.stdout,
		`(?m)^Kenmerk:\s+KL-2026-000001$`, `(?m)^Kenmerken:\s+TERMIJN OVERSCHREDEN$`,
		`(?m)^Kanaal:\s+email, ontvangen 2026-04-13 10:15 \(datum van ontvangst 2026-04-13\)$`,
		`(?m)^Klager:\s+Jan de Vries <jan@example.nl>, consumer, nl$`, `(?m)^Onbestelbaar:\s+ONBESTELBAAR sinds 2026-04-20 11:00`,
		`(?m)^Klachtbehandelaar:\s+alice$`, `(?m)^Betrokken:\s+kevin$`, `(?m)^Gevraagde oplossing: Reparatie$`,
		`(?m)^Termijnen:$`, `(?m)^  uiterste antwoorddatum\s+2026-04-27\s+regel r1\.s0$`, `(?m)^  interne streefdatum\s+2026-04-24`,
		`(?m)^Gebeurtenissen \(Europe/Amsterdam\):$`, `\(geregistreerd\)`, `(?m)^Berichten:$`,
		`AFZENDER NIET GECONTROLEERD: klachtdesk message accept\|split 8`, `brief failed: 550`, `bijlagen: foto.jpg`,
	)
	for _, english := range []string{"Reference:", "Deadlines:", "answer_due", "UNDELIVERABLE", "attachments:"} {
		if strings.Contains(r.stdout, english) {
			t.Errorf("Dutch show has %q:\n%s", english, r.stdout)
		}
	}
	if r := dutch(t, sampleStore(), "", "complaint", "list"); !strings.HasPrefix(r.stdout, "KENMERK") {
		t.Errorf("Dutch register: %q", r.stdout)
	}
	if r := dutch(t, sampleStore(), "", "user", "list"); !strings.HasPrefix(r.stdout, "GEBRUIKERSNAAM") || !strings.Contains(r.stdout, " ja ") {
		t.Errorf("Dutch user list: %q", r.stdout)
	}
	if r := dutch(t, newFakeStore(), "", "quarantine", "list"); r.stdout != "geen e-mails in quarantaine\n" {
		t.Errorf("Dutch empty quarantine: %q", r.stdout)
	}
	// The command line's own errors are Dutch; a domain message stays as
	// the root package words it.
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"complaint", "list", "--limit", "-1"}, 2, "klachtdesk: --limit moet 0 of meer zijn\n"},
		{[]string{"show", "--colour"}, 2, "klachtdesk: show: onbekende optie: -colour ('klachtdesk show -h' toont het gebruik)\n"},
		{[]string{"frobnicate"}, 2, `klachtdesk: onbekende opdracht "frobnicate" ('klachtdesk -h' toont de opdrachten)` + "\n"},
		{[]string{"show"}, 2, "klachtdesk: show heeft REFERENCE nodig ('klachtdesk show -h' toont het gebruik)\n"},
		{[]string{"settings", "set", "answer.term_days", "-5"}, 1, `klachtdesk: setting answer.term_days must be a whole number from 1 to 90, not "-5"` + "\n"},
		{[]string{"settings", "set", "org.complaint_email", "x"}, 1, "klachtdesk: instelling org.complaint_email: "},
		{[]string{"show", "KL-2026-999999"}, 1, "klachtdesk: complaint KL-2026-999999 not found\n"},
	} {
		r := dutch(t, sampleStore(), "", tt.args...)
		if r.code != tt.code || !strings.HasPrefix(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d, %q", tt.args, r.code, r.stderr, tt.code, tt.want)
		}
	}
	if r := dutch(t, newFakeStore(), "{", "complaint", "add"); !strings.Contains(r.stderr, "geen geldige JSON: het object houdt op") {
		t.Errorf("Dutch JSON error: %q", r.stderr)
	}
}

func TestBootstrapAdmin(t *testing.T) {
	for _, tt := range []struct {
		lang      Language
		want, not []string
	}{
		{English, []string{"Klachtdesk has started for the first time.", "URL:        http://localhost:8080/", "User:       admin",
			"Password:   ", "not shown again", "Change it with: klachtdesk user passwd admin"}, []string{"Wachtwoord", "Gebruiker", "gestart"}},
		{Dutch, []string{"Klachtdesk is voor het eerst gestart.", "Adres:      http://localhost:8080/", "Gebruiker:  admin",
			"Wachtwoord: ", "niet opnieuw getoond", "Wijzig het met: klachtdesk user passwd admin"}, []string{"Password", "User:", "started"}},
	} {
		s := newFakeStore()
		a, stdout, _ := newTestApp(s, "")
		a.Lang = tt.lang
		if err := a.BootstrapAdmin(context.Background(), "http://localhost:8080/", ""); err != nil {
			t.Fatal(err)
		}
		out := stdout.String()
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v banner lacks %q:\n%s", tt.lang, w, out)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(out, n) {
				t.Errorf("%v banner has %q:\n%s", tt.lang, n, out)
			}
		}
		if len(s.users) != 1 || s.users[0].Username != "admin" || s.users[0].Role != klachtdesk.RoleAdmin {
			t.Errorf("users = %+v", s.users)
		}
		// Once there is a user, nothing is created or printed.
		stdout.Reset()
		if err := a.BootstrapAdmin(context.Background(), "http://localhost:8080/", ""); err != nil || stdout.Len() != 0 || len(s.users) != 1 {
			t.Errorf("second bootstrap: %v, %q, %d users", err, stdout, len(s.users))
		}
	}
	a, stdout, _ := newTestApp(newFakeStore(), "")
	a.BootstrapAdmin(context.Background(), "", "/srv/klachtdesk")
	if !strings.Contains(stdout.String(), "Start:      klachtdesk serve --data /srv/klachtdesk") {
		t.Errorf("banner without a URL:\n%s", stdout)
	}
}
