package cli

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// fakeOutbox is the outbox behind letter retry: failed letters by ID.
type fakeOutbox struct {
	failed map[int64]*klachtdesk.RequeuedLetter
	queued []int64
}

func (o *fakeOutbox) ClaimLetters(context.Context, int, time.Duration) ([]*klachtdesk.OutgoingLetter, error) {
	return nil, nil
}
func (o *fakeOutbox) LetterSent(context.Context, int64) error                     { return nil }
func (o *fakeOutbox) LetterRetry(context.Context, int64, string, time.Time) error { return nil }
func (o *fakeOutbox) LetterFailed(context.Context, int64, string) error           { return nil }

func (o *fakeOutbox) RequeueLetter(ctx context.Context, id int64) (*klachtdesk.RequeuedLetter, error) {
	l := o.failed[id]
	if l == nil {
		return nil, klachtdesk.Errorf(klachtdesk.ECONFLICT, "letter %d did not fail: it is sent", id)
	}
	delete(o.failed, id)
	o.queued = append(o.queued, id)
	return l, nil
}

func (o *fakeOutbox) RequeueFailedLetters(ctx context.Context) ([]*klachtdesk.RequeuedLetter, error) {
	var out []*klachtdesk.RequeuedLetter
	for _, id := range []int64{3, 7} {
		if l, err := o.RequeueLetter(ctx, id); err == nil {
			out = append(out, l)
		}
	}
	return out, nil
}

func newFakeOutbox() *fakeOutbox {
	return &fakeOutbox{failed: map[int64]*klachtdesk.RequeuedLetter{
		3: {ID: 3, Reference: "KL-2026-000001", Kind: klachtdesk.LetterAcknowledgement, Reason: "550 5.7.1 relaying denied"},
		7: {ID: 7, Reference: "KL-2026-000002", Kind: klachtdesk.LetterAcknowledgement, Reason: "550 5.1.1 no such user\r\n"},
	}}
}

func runLetter(t *testing.T, o *fakeOutbox, lang Language, args ...string) result {
	t.Helper()
	a, _, _ := newTestApp(sampleStore(), "")
	a.Lang = lang
	a.OutboxService = o
	return execute(t, a, args...)
}

func TestLetterRetry(t *testing.T) {
	o := newFakeOutbox()
	r := runLetter(t, o, English, "letter", "retry", "#3")
	if r.code != 0 || r.stdout != "letter 3 (KL-2026-000001, acknowledgement) queued again; it had failed: 550 5.7.1 relaying denied\n" {
		t.Errorf("letter retry 3 = %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runLetter(t, o, Dutch, "letter", "retry", "3")
	if r.code != 1 || !strings.Contains(r.stderr, "letter 3 did not fail") {
		t.Errorf("second retry = %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = runLetter(t, o, Dutch, "letter", "retry", "--all-failed")
	if r.code != 0 || r.stdout != "brief 7 (KL-2026-000002, acknowledgement) staat weer in de wachtrij; mislukt was: 550 5.1.1 no such user\n" {
		t.Errorf("retry --all-failed = %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := runLetter(t, o, English, "letter", "retry", "--all-failed"); r.code != 0 || r.stdout != "no failed letters\n" {
		t.Errorf("nothing failed = %d %q", r.code, r.stdout)
	}
	if r := runLetter(t, newFakeOutbox(), English, "letter", "retry", "--all-failed", "--json"); r.code != 0 || strings.Count(r.stdout, "\n") != 2 ||
		!strings.Contains(r.stdout, `{"id":3,"reference":"KL-2026-000001","kind":"acknowledgement","reason":"550 5.7.1 relaying denied"}`) {
		t.Errorf("--json = %d %q", r.code, r.stdout)
	}
	for _, args := range [][]string{{"letter", "retry"}, {"letter", "retry", "3", "--all-failed"}, {"letter", "retry", "x"}, {"letter"}} {
		if r := runLetter(t, newFakeOutbox(), English, args...); r.code != 2 {
			t.Errorf("%q: exit %d, want a usage error: %q", args, r.code, r.stderr)
		}
	}
	if r := runLetter(t, newFakeOutbox(), Dutch, "letter", "retry", "3", "--all-failed"); !strings.Contains(r.stderr, "geef één briefnummer of --all-failed") {
		t.Errorf("Dutch usage error = %q", r.stderr)
	}
}

// TestShow_FailedLetterID: show names the failed letter's number and the
// command that sends it again, in text; JSON carries the number.
func TestShow_FailedLetterID(t *testing.T) {
	s := sampleStore()
	for _, m := range s.messages["KL-2026-000001"] {
		if m.Delivery != nil {
			m.Delivery.ID = 12
		}
	}
	out := mustRun(t, s, "show", "KL-2026-000001")
	if !strings.Contains(out, "[letter failed: 550 no such user; to send it again: klachtdesk letter retry 12]") {
		t.Errorf("show:\n%s", out)
	}
	if r := dutch(t, s, "", "show", "KL-2026-000001"); !strings.Contains(r.stdout, "opnieuw versturen: klachtdesk letter retry 12]") {
		t.Errorf("show in Dutch:\n%s", r.stdout)
	}
	if out := mustRun(t, s, "show", "KL-2026-000001", "--json"); !regexp.MustCompile(`"delivery": \{\s+"id": 12,\s+"state": "failed"`).MatchString(out) {
		t.Errorf("show --json:\n%s", out)
	}
}

// TestComplaintList_LetterFailed: the register flags a complaint whose
// letter failed.
func TestComplaintList_LetterFailed(t *testing.T) {
	s := sampleStore()
	s.complaints[0].LetterFailed = true
	out := mustRun(t, s, "complaint", "list")
	if !strings.Contains(out, "overdue,letter_failed") {
		t.Errorf("register:\n%s", out)
	}
	if out := mustRun(t, s, "complaint", "list", "--json"); !strings.Contains(out, `"flags":["overdue","letter_failed"]`) {
		t.Errorf("register --json:\n%s", out)
	}
}
