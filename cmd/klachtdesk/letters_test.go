package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeNamesMissingOrganisationDetails: serve says at start, in one
// line, which organisation settings are unset, and nothing once they are.
func TestServeNamesMissingOrganisationDetails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	m, _, stderr, cancel := startServe(t, dir)
	var lines []string
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "organisation details missing") {
			lines = append(lines, line)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "organisatiegegevens ontbreken") ||
		!strings.Contains(lines[0], "org.complaint_email, org.postal_address") || strings.Contains(lines[0], "org.name") {
		t.Errorf("start log names the missing details in %d lines: %q\n%s", len(lines), lines, stderr)
	}
	for key, value := range map[string]string{"org.complaint_email": "klachten@actwebservice.nl", "org.postal_address": "Postbus 1234, 3500 AB Utrecht"} {
		if _, err := m.SettingsService.SetSetting(context.Background(), key, value); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	m.Wait()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	m2, _, stderr2, cancel2 := startServe(t, dir)
	defer func() {
		cancel2()
		m2.Wait()
		m2.Close()
	}()
	if strings.Contains(stderr2.String(), "organisation details missing") {
		t.Errorf("the details are set, yet:\n%s", stderr2)
	}
}

// TestDemoWritesNoLetters: demo complainants are made up, so the demo's
// actions queue no letter that an SMTP server configured later would send.
func TestDemoWritesNoLetters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	mustRun(t, "", "demo", "--count", "8", "--seed", "3", "--data", dir)
	db, err := sql.Open("sqlite", filepath.Join(dir, "klachtdesk.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var letters, events int
	if err := db.QueryRow(`SELECT COUNT(*), (SELECT COUNT(*) FROM events) FROM outbox`).Scan(&letters, &events); err != nil {
		t.Fatal(err)
	}
	if letters != 0 || events == 0 {
		t.Errorf("demo wrote %d letters (%d events)", letters, events)
	}
}
