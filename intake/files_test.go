package intake_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klachtdesk/klachtdesk/intake"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, paths ...string) []intake.Item {
	t.Helper()
	items := make(chan intake.Item)
	errc := make(chan error, 1)
	go func() {
		defer close(items)
		errc <- intake.ReadFiles(context.Background(), paths, items)
	}()
	var out []intake.Item
	for it := range items {
		out = append(out, it)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.eml"), "Subject: a\r\n\r\nA\r\n")
	writeFile(t, filepath.Join(dir, "notes.txt"), "not mail")
	writeFile(t, filepath.Join(dir, "export.mbox"),
		"From jan@example.nl Mon Mar  2 08:00:00 2026\nSubject: one\n\nFirst.\n>From the start, quoted.\n>>From twice quoted.\n\n"+
			"From piet@example.nl Mon Mar  2 09:00:00 2026\nSubject: two\n\nSecond.\nFrom inside a paragraph\n\n")
	writeFile(t, filepath.Join(dir, "Maildir", "cur", "1.host:2,S"), "Subject: cur\n\nC\n")
	writeFile(t, filepath.Join(dir, "Maildir", "new", "2.host"), "Subject: new\n\nN\n")
	writeFile(t, filepath.Join(dir, "Maildir", "tmp", "3.host"), "Subject: tmp\n\nT\n")
	writeFile(t, filepath.Join(dir, "Maildir", ".Archief", "cur", "4.host:2,S"), "Subject: archived\n\nA\n")

	items := readAll(t, dir)
	var subjects []string
	for _, it := range items {
		if it.Err != nil {
			t.Errorf("%s: %v", it.Source, it.Err)
		}
		subject, _, _ := strings.Cut(strings.TrimPrefix(string(it.Raw), "Subject: "), "\n")
		subjects = append(subjects, strings.TrimSpace(subject))
	}
	want := []string{"cur", "new", "archived", "a", "one", "two"}
	if !slices.Equal(subjects, want) {
		t.Errorf("subjects = %q, want %q", subjects, want)
	}
	one := string(items[4].Raw)
	if one != "Subject: one\n\nFirst.\nFrom the start, quoted.\n>From twice quoted.\n" {
		t.Errorf("mbox mail one = %q", one)
	}
	if two := string(items[5].Raw); !strings.Contains(two, "\nFrom inside a paragraph\n") || !strings.HasSuffix(items[5].Source, "export.mbox#2") {
		t.Errorf("mbox mail two = %q (%s)", two, items[5].Source)
	}
	n, err := intake.CountFiles(context.Background(), []string{dir})
	if err != nil || n != len(items) {
		t.Errorf("CountFiles = %d, %v; want %d", n, err, len(items))
	}
}

func TestReadFiles_Problems(t *testing.T) {
	dir := t.TempDir()
	if _, err := os.Stat(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("setup")
	}
	items := make(chan intake.Item, 10)
	if err := intake.ReadFiles(context.Background(), []string{filepath.Join(dir, "missing")}, items); err == nil {
		t.Error("a missing path is an error")
	}
	// An unreadable file is an item with its error, not the end of the run.
	p := filepath.Join(dir, "locked.eml")
	writeFile(t, p, "Subject: x\n\nx\n")
	if os.Getuid() != 0 {
		os.Chmod(p, 0)
		got := readAll(t, dir)
		if len(got) != 1 || got[0].Err == nil {
			t.Errorf("unreadable file: %+v", got)
		}
	}
	// An mbox with text before its first separator is one mail.
	writeFile(t, filepath.Join(dir, "odd.mbox"), "Subject: no separator\n\nbody\n")
	got := readAll(t, filepath.Join(dir, "odd.mbox"))
	if len(got) != 1 || !strings.HasPrefix(string(got[0].Raw), "Subject: no separator") {
		t.Errorf("mbox without separator: %+v", got)
	}
	// CRLF mbox.
	writeFile(t, filepath.Join(dir, "crlf.mbox"), "From a@b Mon Mar  2 08:00:00 2026\r\nSubject: a\r\n\r\nA\r\n\r\nFrom b@c Mon Mar  2 08:00:00 2026\r\nSubject: b\r\n\r\nB\r\n")
	got = readAll(t, filepath.Join(dir, "crlf.mbox"))
	if len(got) != 2 || string(got[0].Raw) != "Subject: a\r\n\r\nA\r\n" || string(got[1].Raw) != "Subject: b\r\n\r\nB\r\n" {
		t.Errorf("CRLF mbox: %q", got)
	}
}
