package cli

import (
	"strings"
	"testing"
)

// TestHelpTexts: every command's help starts with its usage line in both
// languages, and every group has its sub-commands after a colon.
func TestHelpTexts(t *testing.T) {
	a, _, _ := newTestApp(newFakeStore(), "")
	for _, c := range a.Commands() {
		if c.Synopsis == nil || c.Usage == nil {
			t.Errorf("%s lacks a synopsis or usage", c.Name)
			continue
		}
		if !strings.HasPrefix(c.Usage.EN, "Usage: klachtdesk "+c.Name) || !strings.HasPrefix(c.Usage.NL, "Gebruik: klachtdesk "+c.Name) {
			t.Errorf("%s: usage starts %q / %q", c.Name, firstLine(c.Usage.EN), firstLine(c.Usage.NL))
		}
	}
	for name, help := range groups {
		var want []string
		for _, c := range a.Commands() {
			if sub, ok := strings.CutPrefix(c.Name, name+" "); ok {
				want = append(want, sub)
			}
		}
		for _, l := range []Language{English, Dutch} {
			if _, subs, _ := strings.Cut(help.In(l), ": "); subs != strings.Join(want, ", ") {
				t.Errorf("group %s in %v: %q does not end with its sub-commands %q", name, l, help.In(l), want)
			}
		}
	}
}

// help returns what "klachtdesk ARGS" prints for -h in language l.
func help(t *testing.T, l Language, args ...string) string {
	t.Helper()
	a, _, _ := newTestApp(newFakeStore(), "")
	a.Lang = l
	r := execute(t, a, args...)
	if r.code != 0 || r.stderr != "" || r.stdout == "" {
		t.Fatalf("%q in %v: %+v", args, l, r)
	}
	return r.stdout
}

// TestDutchHelp: in Dutch, -h prints the Dutch texts and no line of the
// English help but the examples both languages share.
func TestDutchHelp(t *testing.T) {
	shared := complaintJSON + showJSON + importJSON
	for _, args := range [][]string{{"-h"}, {"complaint", "add", "-h"}, {"user", "-h"}, {"user", "add", "-h"}, {"audit", "verify", "-h"}, {"demo", "-h"}} {
		en, nl := help(t, English, args...), help(t, Dutch, args...)
		for _, line := range strings.Split(en, "\n") {
			line = strings.TrimSpace(line)
			// A flag's own line ("-db URL") is the same in both.
			if len(strings.Fields(line)) < 2 || strings.HasPrefix(line, "-") || strings.Contains(shared, line) {
				continue
			}
			if strings.Contains(nl, line) {
				t.Errorf("Dutch %q has the English %q", args, line)
			}
		}
		for _, english := range []string{"Usage:", "Flags:", "Environment:", "(default", " the ", " of the "} {
			if strings.Contains(nl, english) {
				t.Errorf("Dutch %q has %q:\n%s", args, english, nl)
			}
		}
		if !strings.HasPrefix(nl, "Gebruik: klachtdesk ") {
			t.Errorf("Dutch %q starts %q", args, firstLine(nl))
		}
	}
	top := help(t, Dutch, "-h")
	matchAll(t, "Dutch -h", top, `(?m)^  complaint add\s+een schriftelijke klacht registreren; toont het kenmerk$`,
		`(?m)^  quarantine list\s+de e-mails tonen die de intake weigerde`, `Elke opdracht kent deze opties`, `Afsluitstatus: 0 gelukt`)
	add := help(t, Dutch, "complaint", "add", "-h")
	matchAll(t, "Dutch complaint add -h", add, `(?m)^Registreert een schriftelijke klacht`,
		`"received_at": "2026-11-20T10:15:00\+01:00"`, `(?m)^Opties:$`,
		`(?m)^  -name naam\n\s+naam van de klager$`, `(?m)^  -severity ernst\n\s+ernst: low, normal of high \(standaard normal\)$`,
		`(?m)^Omgeving: KLACHTDESK_DATA`)
	if r := dutch(t, newFakeStore(), "", "user"); !strings.Contains(r.stderr, "user heeft een subopdracht nodig: add, list, passwd") {
		t.Errorf("Dutch user without sub-command: %q", r.stderr)
	}
}
