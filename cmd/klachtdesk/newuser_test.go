package main

import (
	"strings"
	"testing"
)

// TestNewUserRoughEdges: what a new user hit on a fresh clone (issue 10),
// each through the whole program.
func TestNewUserRoughEdges(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "", "migrate", "--data", dir)
	add := func(extra ...string) result {
		args := append([]string{"complaint", "add", "--data", dir, "--channel", "letter", "--consumer",
			"--kind", "service", "--subtype", "communication", "--subject", "Geen antwoord", "--text", "Niemand belt terug."}, extra...)
		return run(t, nil, "", args...)
	}

	t.Run("archive registration says what it did", func(t *testing.T) {
		r := add("--received", "1999-01-04", "--name", "Jan de Vries", "--email", "jan@example.nl")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		ref := strings.TrimSpace(r.stdout)
		if !strings.HasPrefix(ref, "KL-1999-") {
			t.Fatalf("stdout = %q, want a 1999 reference alone", r.stdout)
		}
		for _, want := range []string{ref, "overdue at once", "1999-01-18", "acknowledgement term ended"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
			}
		}
		// The same in Dutch when the user speaks Dutch.
		r = run(t, map[string]string{"LANG": "nl_NL.UTF-8"}, "", "complaint", "add", "--data", dir, "--channel", "letter", "--consumer",
			"--kind", "service", "--subtype", "communication", "--text", "Oud.", "--received", "1999-02-01", "--name", "Piet", "--email", "piet@example.nl")
		if r.code != 0 || !strings.Contains(r.stderr, "waarschuwing:") || !strings.Contains(r.stderr, "meteen te laat") {
			t.Errorf("Dutch registration notes: exit %d\n%s", r.code, r.stderr)
		}
	})

	t.Run("references as typed", func(t *testing.T) {
		ref := strings.TrimSpace(add("--name", "Jan de Vries", "--email", "jan@example.nl").stdout)
		out := mustRun(t, "", "show", "  "+strings.ToLower(ref)+" ", "--data", dir)
		if !strings.Contains(out, ref) {
			t.Errorf("show %s:\n%s", strings.ToLower(ref), out)
		}
	})

	t.Run("empty name refused", func(t *testing.T) {
		checkOneLine(t, add("--name", "   ", "--email", "jan@example.nl"), 1, "complainant.name")
	})

	t.Run("unreachable complainant kept with a warning", func(t *testing.T) {
		r := add("--name", "Anoniem")
		if r.code != 0 || !strings.Contains(r.stderr, "neither an e-mail nor a postal address") {
			t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
		}
		out := mustRun(t, "", "show", strings.TrimSpace(r.stdout), "--data", dir)
		if !strings.Contains(out, "Warning") || !strings.Contains(out, "find one, or nobody can answer the complaint") {
			t.Errorf("show lacks the warning:\n%s", out)
		}
	})

	t.Run("control bytes and terminal escapes never reach the terminal", func(t *testing.T) {
		r := add("--name", "Jan\x1b[31m de\x00 Vries\x1b]0;pwned\x07", "--email", "jan@example.nl", "--subject", "Rood\x1b[2J\x00")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		ref := strings.TrimSpace(r.stdout)
		for _, args := range [][]string{{"show", ref}, {"complaint", "list"}, {"show", ref, "--json"}} {
			out := mustRun(t, "", append(args, "--data", dir)...)
			if strings.ContainsAny(out, "\x00\x1b\x07") {
				t.Errorf("%s prints control bytes: %q", strings.Join(args, " "), out)
			}
		}
		if out := mustRun(t, "", "show", ref, "--data", dir); !strings.Contains(out, "Jan de Vries") {
			t.Errorf("show lost the name's text:\n%s", out)
		}
	})
}
