package outbox_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/internal/storetest"
	"github.com/klachtdesk/klachtdesk/internal/testpeer"
	"github.com/klachtdesk/klachtdesk/mailsend"
	"github.com/klachtdesk/klachtdesk/outbox"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// clock is a settable clock for the store and the worker.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// setup registers n complaints by mail, each queueing an acknowledgement.
func setup(t *testing.T, n int) (*sqldb.DB, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	db := sqldb.NewDB(t.TempDir(), storetest.DSN(t))
	db.Now = clk.Now
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	setOrganisation(t, db)
	in := sqldb.NewIntakeService(db)
	in.Letters = testWriter{subject: "Ontvangstbevestiging van uw klacht", text: "Wij hebben uw klacht ontvangen."}
	for i := range n {
		from := fmt.Sprintf("klant%d@example.nl", i)
		sum := sha256.Sum256([]byte(from))
		m := &klachtdesk.InboundMail{MessageID: fmt.Sprintf("m%d@x", i), From: klachtdesk.Address{Name: "Klant", Email: from},
			Subject: "Klacht", Text: "Tekst", NewText: "Tekst", Language: klachtdesk.LanguageDutch, Fingerprint: hex.EncodeToString(sum[:])}
		if _, err := in.Take(context.Background(), "test", clk.Now(), []byte("raw"+from), m); err != nil {
			t.Fatal(err)
		}
	}
	return db, clk
}

// testWriter writes every letter with one subject (and the reference tag)
// and one text.
type testWriter struct{ subject, text string }

func (w testWriter) WriteLetter(l klachtdesk.Letter, c *klachtdesk.Complaint, s klachtdesk.Settings) (string, string, error) {
	return w.subject + " [" + c.Reference + "]", w.text, nil
}

// setOrganisation fills in the organisation's details: until then no
// letter leaves.
func setOrganisation(t *testing.T, db *sqldb.DB) {
	t.Helper()
	for key, value := range map[string]string{"org.complaint_email": "klachten@actwebservice.nl", "org.postal_address": "Postbus 1234, 3500 AB Utrecht"} {
		if _, err := sqldb.NewSettingsService(db).SetSetting(context.Background(), key, value); err != nil {
			t.Fatal(err)
		}
	}
}

func worker(t *testing.T, db *sqldb.DB, clk *clock, srv *testpeer.SMTPServer) *outbox.Worker {
	t.Helper()
	host, port, _ := strings.Cut(srv.Addr, ":")
	var p int
	fmt.Sscan(port, &p)
	s, err := mailsend.New(mailsend.Config{Host: host, Port: p, TLS: "none", From: "klachten@example.org", HelloName: "localhost", Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &outbox.Worker{
		Outbox: sqldb.NewOutboxService(db),
		Send: func(ctx context.Context, l *klachtdesk.OutgoingLetter) error {
			return s.Send(ctx, mailsend.Letter{MessageID: l.MessageID, To: l.To, Subject: l.Subject, Text: l.Text,
				Headers: map[string]string{"Auto-Submitted": "auto-replied"}})
		},
		Permanent: mailsend.Permanent,
		Now:       clk.Now,
		Jitter:    func() float64 { return 0.5 },
	}
}

func deliveries(t *testing.T, db *sqldb.DB, ref string) []*klachtdesk.Delivery {
	t.Helper()
	msgs, err := sqldb.NewMessageService(db).ComplaintMessages(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	var out []*klachtdesk.Delivery
	for _, m := range msgs {
		if m.Delivery != nil {
			out = append(out, m.Delivery)
		}
	}
	return out
}

func TestWorker(t *testing.T) {
	db, clk := setup(t, 3)
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	w := worker(t, db, clk, srv)
	ctx := context.Background()

	srv.FailNext("klant1@example.nl", 1, 451) // temporary: retried
	srv.FailNext("klant2@example.nl", 1, 550) // permanent: failed on the complaint
	st, err := w.DeliverDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st != (outbox.Stats{Sent: 1, Retried: 1, Failed: 1}) {
		t.Fatalf("first pass = %+v", st)
	}
	// Nothing is due until the backoff has passed.
	if st, _ := w.DeliverDue(ctx); st != (outbox.Stats{}) {
		t.Errorf("second pass before the backoff = %+v", st)
	}
	clk.Advance(2 * time.Minute)
	if st, err := w.DeliverDue(ctx); err != nil || st != (outbox.Stats{Sent: 1}) {
		t.Errorf("after the backoff = %+v, %v", st, err)
	}
	got := srv.Messages()
	if len(got) != 2 {
		t.Fatalf("server received %d letters", len(got))
	}
	for _, m := range got {
		if !strings.HasPrefix(m.MessageID, "kl-2026-") || !strings.Contains(string(m.Data), "Auto-Submitted: auto-replied") {
			t.Errorf("received %s: %.300s", m.MessageID, m.Data)
		}
	}
	if d := deliveries(t, db, "KL-2026-000003"); len(d) != 1 || d[0].State != klachtdesk.LetterFailed || !strings.Contains(d[0].Reason, "550") {
		t.Errorf("permanent failure on the complaint: %+v", d[0])
	}
	if d := deliveries(t, db, "KL-2026-000002"); d[0].State != klachtdesk.LetterSent || d[0].Attempts != 2 || d[0].SentAt.IsZero() {
		t.Errorf("retried letter: %+v", d[0])
	}
	events, err := sqldb.NewComplaintService(db).ComplaintEvents(ctx, "KL-2026-000003")
	if err != nil {
		t.Fatal(err)
	}
	if last := events[len(events)-1]; last.Kind != klachtdesk.EventLetterFailed {
		t.Errorf("last event of the failed letter's complaint = %s", last.Kind)
	}
}

func TestWorker_GivesUpAndLeases(t *testing.T) {
	db, clk := setup(t, 1)
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	w := worker(t, db, clk, srv)
	ctx := context.Background()
	srv.FailNext("", 1000, 421)
	for range 200 {
		if _, err := w.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Hour)
	}
	d := deliveries(t, db, "KL-2026-000001")
	if d[0].State != klachtdesk.LetterFailed || !strings.Contains(d[0].Reason, "not delivered within 72h") {
		t.Errorf("after 200 hours of 4xx: %+v", d[0])
	}

	// A claimed letter is not claimed again within its lease.
	db2, clk2 := setup(t, 1)
	ob := sqldb.NewOutboxService(db2)
	first, err := ob.ClaimLetters(ctx, 10, 5*time.Minute)
	if err != nil || len(first) != 1 {
		t.Fatalf("claim = %d, %v", len(first), err)
	}
	if again, _ := ob.ClaimLetters(ctx, 10, 5*time.Minute); len(again) != 0 {
		t.Error("a leased letter was claimed twice")
	}
	clk2.Advance(6 * time.Minute)
	again, err := ob.ClaimLetters(ctx, 10, 5*time.Minute)
	if err != nil || len(again) != 1 || again[0].MessageID != first[0].MessageID || again[0].Attempts != 2 {
		t.Errorf("after the lease: %+v, %v", again, err)
	}
}

func TestRetryDelay(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 8: 2 * time.Hour, 50: 2 * time.Hour} {
		if got := klachtdesk.RetryDelay(attempt, 0.5); got != want {
			t.Errorf("RetryDelay(%d) = %s, want %s", attempt, got, want)
		}
	}
	if lo, hi := klachtdesk.RetryDelay(1, 0), klachtdesk.RetryDelay(1, 0.999); lo != 48*time.Second || hi < 71*time.Second || hi > 72*time.Second {
		t.Errorf("jitter range %s–%s", lo, hi)
	}
}

func TestWorker_Run(t *testing.T) {
	db, clk := setup(t, 2)
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	w := worker(t, db, clk, srv)
	w.Interval = time.Hour // only Wake or a pass that sent something runs the next pass
	wake := make(chan struct{}, 1)
	w.Wake = wake
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for len(srv.Messages()) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("Run delivered %d of 2 letters", len(srv.Messages()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	// A third complaint; Wake brings its letter out without waiting an hour.
	in := sqldb.NewIntakeService(db)
	in.Letters = testWriter{subject: "Ontvangstbevestiging", text: "Ontvangen."}
	m := &klachtdesk.InboundMail{MessageID: "w3@x", From: klachtdesk.Address{Email: "derde@example.nl"}, Subject: "Klacht",
		Text: "T", NewText: "T", Language: klachtdesk.LanguageDutch, Fingerprint: strings.Repeat("ab", 32)}
	if _, err := in.Take(context.Background(), "test", clk.Now(), []byte("raw3"), m); err != nil {
		t.Fatal(err)
	}
	wake <- struct{}{}
	for len(srv.Messages()) < 3 {
		if time.Now().After(deadline) {
			t.Fatal("Wake did not bring the third letter out")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v after cancel", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not stop after cancel")
	}
}

// TestWorker_Drain: deliver --once takes the letters due in several
// claims, not just the first batch, and stops when none is due; a letter
// that failed temporarily waits for its next attempt.
func TestWorker_Drain(t *testing.T) {
	db, clk := setup(t, 7)
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	srv.FailNext("klant4@example.nl", 1, 451)
	srv.FailNext("klant5@example.nl", 1, 550)
	w := worker(t, db, clk, srv)
	w.Batch = 2
	st, err := w.Drain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := (outbox.Stats{Sent: 5, Retried: 1, Failed: 1}); st != want {
		t.Errorf("Drain = %+v, want %+v", st, want)
	}
	if n := len(srv.Messages()); n != 5 {
		t.Errorf("server received %d letters, want 5", n)
	}
	if st, err := w.Drain(context.Background()); err != nil || st != (outbox.Stats{}) {
		t.Errorf("second Drain = %+v, %v; want nothing due", st, err)
	}
}

// logRecords collects the worker's log records.
type logRecords struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecords) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}
func (h *logRecords) WithAttrs([]slog.Attr) slog.Handler { return h } // the tests read the messages only
func (h *logRecords) WithGroup(string) slog.Handler      { return h }

// errors returns the error records with their attributes as text.
func (h *logRecords) errors() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.records {
		if r.Level >= slog.LevelError {
			s := r.Message
			r.Attrs(func(a slog.Attr) bool { s += " " + a.String(); return true })
			out = append(out, s)
		}
	}
	return out
}

// TestWorker_RelaySuspected: a relay that refuses every letter with 550
// at RCPT is suspected, not the recipients: no letter is marked failed,
// one error is logged, the letters stay queued and one probe at a time
// tries the relay after a growing pause; once the relay accepts again,
// every letter is delivered exactly once.
func TestWorker_RelaySuspected(t *testing.T) {
	db, clk := setup(t, 5)
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	w := worker(t, db, clk, srv)
	logs := &logRecords{}
	w.Logger = slog.New(logs)
	ctx := context.Background()
	refs := []string{"KL-2026-000001", "KL-2026-000002", "KL-2026-000003", "KL-2026-000004", "KL-2026-000005"}

	// The relay refuses three recipients (the suspicion) and the first
	// probe, then accepts.
	srv.FailNext("", 4, 550)
	st, err := w.DeliverDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st != (outbox.Stats{Retried: 5}) {
		t.Errorf("first pass = %+v, want the five letters kept queued", st)
	}
	assertQueued := func(when string) {
		t.Helper()
		for _, ref := range refs {
			d := deliveries(t, db, ref)
			if len(d) != 1 || d[0].State != klachtdesk.LetterQueued {
				t.Errorf("%s: %s: %+v, want queued", when, ref, d[0])
			}
		}
		for _, ref := range refs[:3] {
			if d := deliveries(t, db, ref); !strings.HasPrefix(d[0].Reason, klachtdesk.LetterRelaySuspected) || !strings.Contains(d[0].Reason, "550") {
				t.Errorf("%s: %s: reason %q", when, ref, d[0].Reason)
			}
		}
	}
	assertQueued("after the suspicion")
	errs := logs.errors()
	if len(errs) != 1 || !strings.Contains(errs[0], "suspecting the relay") || !strings.Contains(errs[0], "550 \"5.1.1 Injected permanent failure") || !strings.Contains(errs[0], "check the SMTP relay") {
		t.Fatalf("error log = %q, want one error naming the reply and what to check", errs)
	}

	// Nothing leaves before the pause is over, and Drain stops at once.
	if st, err := w.Drain(ctx); err != nil || st != (outbox.Stats{}) {
		t.Errorf("Drain during the pause = %+v, %v", st, err)
	}
	// The first probe is refused: still queued, no new error, a longer pause.
	clk.Advance(klachtdesk.RelayProbeDelay(1))
	if st, err := w.DeliverDue(ctx); err != nil || st != (outbox.Stats{Retried: 1}) {
		t.Errorf("first probe = %+v, %v", st, err)
	}
	assertQueued("after the refused probe")
	clk.Advance(klachtdesk.RelayProbeDelay(1))
	if st, _ := w.DeliverDue(ctx); st != (outbox.Stats{}) {
		t.Errorf("second probe came before its pause: %+v", st)
	}
	if n := len(logs.errors()); n != 1 {
		t.Errorf("%d errors logged, want 1", n)
	}

	// The relay is fixed: the next probe goes through, and so does the rest.
	clk.Advance(klachtdesk.RelayProbeDelay(2))
	st, err = w.Drain(ctx)
	if err != nil || st != (outbox.Stats{Sent: 5}) {
		t.Fatalf("after the relay was fixed: %+v, %v", st, err)
	}
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.MessageID]++
	}
	if len(seen) != 5 {
		t.Errorf("the server received %d different letters, want 5: %v", len(seen), seen)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("letter %s received %d times", id, n)
		}
	}
	for _, ref := range refs {
		if d := deliveries(t, db, ref); d[0].State != klachtdesk.LetterSent {
			t.Errorf("%s: %+v, want sent", ref, d[0])
		}
		events, err := sqldb.NewComplaintService(db).ComplaintEvents(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if e.Kind == klachtdesk.EventLetterFailed {
				t.Errorf("%s has a letter_failed event", ref)
			}
		}
	}

	// Normal rules again: a refusal after an accepted letter fails at once.
	in := sqldb.NewIntakeService(db)
	in.Letters = testWriter{subject: "Ontvangstbevestiging", text: "Ontvangen."}
	m := &klachtdesk.InboundMail{MessageID: "r6@x", From: klachtdesk.Address{Email: "zesde@example.nl"}, Subject: "Klacht",
		Text: "T", NewText: "T", Language: klachtdesk.LanguageDutch, Fingerprint: strings.Repeat("cd", 32)}
	if _, err := in.Take(ctx, "test", clk.Now(), []byte("raw6"), m); err != nil {
		t.Fatal(err)
	}
	srv.FailNext("zesde@example.nl", 1, 550)
	if st, err := w.DeliverDue(ctx); err != nil || st != (outbox.Stats{Failed: 1}) {
		t.Errorf("refusal after the relay was cleared = %+v, %v; want failed", st, err)
	}
}

// TestWorker_RefusalsJudged: refusals held while no letter went through
// are judged as the recipients' when too few recipients share the reply:
// at the end of a Drain, after the window, or once the relay accepts a
// letter.
func TestWorker_RefusalsJudged(t *testing.T) {
	ctx := context.Background()
	t.Run("drain", func(t *testing.T) {
		db, clk := setup(t, 2)
		srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
		srv.FailNext("", 2, 550)
		w := worker(t, db, clk, srv)
		if st, err := w.Drain(ctx); err != nil || st != (outbox.Stats{Retried: 2, Failed: 2}) {
			t.Errorf("Drain = %+v, %v", st, err)
		}
		for _, ref := range []string{"KL-2026-000001", "KL-2026-000002"} {
			if d := deliveries(t, db, ref); d[0].State != klachtdesk.LetterFailed || !strings.Contains(d[0].Reason, "550") {
				t.Errorf("%s: %+v", ref, d[0])
			}
		}
	})
	t.Run("window and acceptance", func(t *testing.T) {
		db, clk := setup(t, 3)
		srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
		srv.FailNext("klant0@example.nl", 1, 550)
		srv.FailNext("klant1@example.nl", 1, 550)
		srv.FailNext("klant2@example.nl", 1, 451)
		w := worker(t, db, clk, srv)
		if st, err := w.DeliverDue(ctx); err != nil || st != (outbox.Stats{Retried: 3}) {
			t.Fatalf("first pass = %+v, %v", st, err)
		}
		// The temporary failure is retried and goes through: the
		// relay works, so the two refusals were the recipients'.
		clk.Advance(2 * time.Minute)
		if st, err := w.DeliverDue(ctx); err != nil || st != (outbox.Stats{Sent: 1, Failed: 2}) {
			t.Errorf("after the relay accepted a letter = %+v, %v", st, err)
		}
		db2, clk2 := setup(t, 1)
		srv2 := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
		srv2.FailNext("", 1, 550)
		w2 := worker(t, db2, clk2, srv2)
		if st, err := w2.DeliverDue(ctx); err != nil || st != (outbox.Stats{Retried: 1}) {
			t.Fatalf("held = %+v, %v", st, err)
		}
		clk2.Advance(klachtdesk.RelaySuspectWindow)
		if st, err := w2.DeliverDue(ctx); err != nil || st != (outbox.Stats{Failed: 1}) {
			t.Errorf("after the window = %+v, %v", st, err)
		}
		if d := deliveries(t, db2, "KL-2026-000001"); d[0].State != klachtdesk.LetterFailed {
			t.Errorf("after the window: %+v", d[0])
		}
	})
}
