package cli

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/klachtdesk/klachtdesk"
)

// fakeMail reports a fixed list of results for any import or fetch.
type fakeMail struct {
	results []MailResult
	stats   DeliveryStats
	err     error // of Fetch and Deliver
}

func (f *fakeMail) CountFiles(ctx context.Context, paths []string) (int, error) {
	return len(f.results), nil
}

func (f *fakeMail) ImportFiles(ctx context.Context, paths []string, batch int, report func(MailResult)) error {
	for _, r := range f.results {
		report(r)
	}
	return nil
}

func (f *fakeMail) Fetch(ctx context.Context, once bool, report func(MailResult)) error {
	if f.err != nil {
		return f.err
	}
	return f.ImportFiles(ctx, nil, 0, report)
}

func (f *fakeMail) Deliver(ctx context.Context, once bool) (DeliveryStats, error) {
	return f.stats, f.err
}

func (f *fakeMail) RetryQuarantined(ctx context.Context, id int64) (*klachtdesk.IntakeResult, error) {
	return &klachtdesk.IntakeResult{Outcome: klachtdesk.OutcomeNew, Reference: "KL-2026-000009"}, nil
}

func (f *fakeMail) Reconcile(ctx context.Context, report func(MailResult)) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	return len(f.results), f.ImportFiles(ctx, nil, 0, report)
}

func newMailApp(lang Language, m *fakeMail) *App {
	a, _, _ := newTestApp(newFakeStore(), "")
	a.Lang, a.Mail = lang, m
	return a
}

func TestMailSummaries(t *testing.T) {
	m := &fakeMail{results: []MailResult{
		{Source: "a.eml", IntakeResult: klachtdesk.IntakeResult{Outcome: klachtdesk.OutcomeNew, Reference: "KL-2026-000001"}},
		{Source: "b.eml", IntakeResult: klachtdesk.IntakeResult{Outcome: klachtdesk.OutcomeRejected, Reason: "no sender"}},
	}, stats: DeliveryStats{Sent: 3, Retried: 1}}
	dir := t.TempDir()

	r := execute(t, newMailApp(English, m), "import", dir)
	if r.code != 0 || r.stdout != "2 mails processed: new 1, reply 0, auto_reply 0, bounce 0, duplicate 0, rejected 1, error 0\n" {
		t.Errorf("import: %+v", r)
	}
	r = execute(t, newMailApp(Dutch, m), "import", dir)
	want := "2 e-mails verwerkt: nieuw 1, reactie 0, automatisch antwoord 0, onbestelbaar-melding 0, dubbel 0, geweigerd 1, fout 0\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("Dutch import: %+v", r)
	}
	// --json: one line per mail on standard output, the summary on
	// standard error; the JSON does not change with the language.
	r = execute(t, newMailApp(Dutch, m), "import", "--json", dir)
	var line MailResult
	if err := json.Unmarshal([]byte(strings.Split(r.stdout, "\n")[1]), &line); err != nil || line.Source != "b.eml" ||
		line.Outcome != klachtdesk.OutcomeRejected || line.Reason != "no sender" || r.stderr != want {
		t.Errorf("import --json: %+v (%v)", r, err)
	}
	r = execute(t, newMailApp(English, m), "import", dir+"/missing")
	if r.code != 1 || !strings.Contains(r.stderr, "cannot read "+dir+"/missing: no such file or directory") {
		t.Errorf("import of a missing path: %+v", r)
	}

	if r := execute(t, newMailApp(English, m), "fetch", "--once"); r.stderr != "2 mails processed: new 1, reply 0, auto_reply 0, bounce 0, duplicate 0, rejected 1, error 0\n" {
		t.Errorf("fetch --once: %+v", r)
	}
	if r := execute(t, newMailApp(English, m), "deliver", "--once"); r.stdout != "sent 3, retry later 1, failed 0\n" {
		t.Errorf("deliver --once: %+v", r)
	}
	if r := execute(t, newMailApp(Dutch, m), "deliver", "--once"); r.stdout != "verzonden 3, later opnieuw 1, mislukt 0\n" {
		t.Errorf("Dutch deliver --once: %+v", r)
	}
	if r := execute(t, newMailApp(English, m), "quarantine", "retry", "#4"); r.stdout != "quarantine #4: new KL-2026-000009 \n" {
		t.Errorf("quarantine retry: %+v", r)
	}

	// A configuration without mailboxes or SMTP server is a usage error.
	none := &fakeMail{err: ErrNoMailbox}
	if r := execute(t, newMailApp(English, none), "fetch"); r.code != 2 || !strings.Contains(r.stderr, "at least one IMAP mailbox") {
		t.Errorf("fetch without mailboxes: %+v", r)
	}
	none.err = ErrNoSMTP
	if r := execute(t, newMailApp(Dutch, none), "deliver", "--once"); r.code != 2 || !strings.Contains(r.stderr, "deliver heeft --mail-config nodig") {
		t.Errorf("deliver without SMTP: %+v", r)
	}
	none.err = errors.New("imap.example.nl: connection refused")
	if r := execute(t, newMailApp(English, none), "fetch", "--once"); r.code != 1 || !strings.Contains(r.stderr, "connection refused") {
		t.Errorf("fetch failing: %+v", r)
	}
}

func TestFetchReconcile(t *testing.T) {
	m := &fakeMail{results: []MailResult{
		{Source: "imap:klachten@imap.example.nl:993/Klachtdesk-Verwerkt uid 7 (reconciled)", IntakeResult: klachtdesk.IntakeResult{Outcome: klachtdesk.OutcomeNew, Reference: "KL-2026-000031"}},
	}}
	r := execute(t, newMailApp(English, m), "fetch", "--reconcile")
	want := "1 mails processed: new 1, reply 0, auto_reply 0, bounce 0, duplicate 0, rejected 0, error 0\n" +
		"reconciled: 1 mails of the processed folders were not in the store and are taken now\n"
	if r.code != 0 || r.stderr != want {
		t.Errorf("fetch --reconcile: %+v", r)
	}
	r = execute(t, newMailApp(Dutch, m), "fetch", "--reconcile", "--json")
	var line MailResult
	if err := json.Unmarshal([]byte(r.stdout), &line); err != nil || line.Reference != "KL-2026-000031" ||
		!strings.Contains(r.stderr, "bijgewerkt: 1 e-mails uit de verwerkt-mappen stonden niet in de opslag") {
		t.Errorf("Dutch fetch --reconcile --json: %+v (%v)", r, err)
	}
	none := &fakeMail{err: ErrNoMailbox}
	if r := execute(t, newMailApp(English, none), "fetch", "--reconcile"); r.code != 2 || !strings.Contains(r.stderr, "at least one IMAP mailbox") {
		t.Errorf("fetch --reconcile without mailboxes: %+v", r)
	}
	none.err = errors.New("imap.example.nl: connection refused")
	if r := execute(t, newMailApp(Dutch, none), "fetch", "--reconcile"); r.code != 1 || !strings.Contains(r.stderr, "bijwerken gestopt na 0 opgenomen e-mails") ||
		!strings.Contains(r.stderr, "connection refused") {
		t.Errorf("fetch --reconcile failing: %+v", r)
	}
}
