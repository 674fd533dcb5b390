package sqldb_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// Several serve instances on one database: each test opens a second DB on
// the database of MustOpenDB (sqldb.OpenTwin: the same SQLite file, or the
// same PostgreSQL schema), as a second process has, and works on both at
// once.

// TestMailboxLease: one holder at a time, renewed by its holder, taken over
// once it expired, given up on release; time is the store's clock.
func TestMailboxLease(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(testNow)
	db.Now = clock.Now
	a, b := sqldb.NewIntakeService(db), sqldb.NewIntakeService(sqldb.OpenTwin(t, db))
	ctx := context.Background()
	const mb, ttl = "klachten@imap.example:993/INBOX", 30 * time.Second

	lease := func(s *sqldb.IntakeService, holder string) (string, bool) {
		t.Helper()
		current, held, err := s.LeaseMailbox(ctx, mb, holder, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return current, held
	}
	if cur, held := lease(a, "host-a/1/aa"); !held || cur != "host-a/1/aa" {
		t.Fatalf("free lease: held %v by %q", held, cur)
	}
	if cur, held := lease(b, "host-b/2/bb"); held || cur != "host-a/1/aa" {
		t.Errorf("lease held by a: b got it (%v), holder %q", held, cur)
	}
	// The holder renews; the other still waits after the first term.
	clock.Advance(20 * time.Second)
	if _, held := lease(a, "host-a/1/aa"); !held {
		t.Error("renewal by the holder refused")
	}
	clock.Advance(20 * time.Second)
	if _, held := lease(b, "host-b/2/bb"); held {
		t.Error("b took a lease that a renewed 20 s ago")
	}
	// a dies: its lease expires, and b takes over.
	clock.Advance(ttl)
	if cur, held := lease(b, "host-b/2/bb"); !held || cur != "host-b/2/bb" {
		t.Fatalf("expired lease: b held %v, holder %q", held, cur)
	}
	if cur, held := lease(a, "host-a/1/aa"); held || cur != "host-b/2/bb" {
		t.Errorf("a came back: held %v, holder %q", held, cur)
	}
	// a releasing what it no longer holds leaves b's lease alone.
	if err := a.ReleaseMailbox(ctx, mb, "host-a/1/aa"); err != nil {
		t.Fatal(err)
	}
	if _, held := lease(a, "host-a/1/aa"); held {
		t.Error("a release by a non-holder ended b's lease")
	}
	// b stops cleanly: a takes over at once.
	if err := b.ReleaseMailbox(ctx, mb, "host-b/2/bb"); err != nil {
		t.Fatal(err)
	}
	if _, held := lease(a, "host-a/1/aa"); !held {
		t.Error("a released lease was not free")
	}
	// Another mailbox has a lease of its own.
	if _, held, err := b.LeaseMailbox(ctx, "other@imap.example:993/INBOX", "host-b/2/bb", ttl); err != nil || !held {
		t.Errorf("second mailbox: held %v, %v", held, err)
	}
	if _, _, err := a.LeaseMailbox(ctx, mb, "", ttl); klachtdesk.ErrorCode(err) != klachtdesk.EINVALID {
		t.Errorf("empty holder: %v, want EINVALID", err)
	}
	viewer := mustCreateUser(t, db, "kijker", klachtdesk.RoleViewer)
	if _, _, err := a.LeaseMailbox(as(viewer), mb, "host-v/3/cc", ttl); klachtdesk.ErrorCode(err) != klachtdesk.EFORBIDDEN {
		t.Errorf("viewer: %v, want EFORBIDDEN", err)
	}
}

// TestMailboxLease_Contended: many takers on two instances at once, only
// one of them gets a free lease.
func TestMailboxLease_Contended(t *testing.T) {
	db := MustOpenDB(t)
	dbs := []*sqldb.DB{db, sqldb.OpenTwin(t, db)}
	const takers = 16
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		won  []string
		errs []error
	)
	for i := range takers {
		s := sqldb.NewIntakeService(dbs[i%2])
		holder := fmt.Sprintf("host-%d/%d/x", i%2, i)
		wg.Go(func() {
			_, held, err := s.LeaseMailbox(context.Background(), "INBOX", holder, time.Minute)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			} else if held {
				won = append(won, holder)
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 || len(won) != 1 {
		t.Errorf("%d takers at once: lease held by %v, errors %v; want exactly one holder", takers, won, errs)
	}
}

// TestMailboxState_Forward: the UID state moves forward only, within one
// UIDVALIDITY, so that an instance that stalled past its lease cannot take
// back the progress of the one that took over; a new UIDVALIDITY resets it.
func TestMailboxState_Forward(t *testing.T) {
	db := MustOpenDB(t)
	a, b := sqldb.NewIntakeService(db), sqldb.NewIntakeService(sqldb.OpenTwin(t, db))
	ctx := context.Background()
	const mb = "jan@imap.example/INBOX"
	for _, step := range []struct {
		s                *sqldb.IntakeService
		validity, uid    uint32
		wantVal, wantUID uint32
	}{
		{a, 7, 10, 7, 10},
		{b, 7, 50, 7, 50},
		{a, 7, 20, 7, 50}, // a stalled: behind b
		{b, 8, 0, 8, 0},   // the server's UIDVALIDITY changed
		{a, 8, 3, 8, 3},
	} {
		if err := step.s.SetMailboxState(ctx, mb, step.validity, step.uid); err != nil {
			t.Fatal(err)
		}
		if v, u, err := b.MailboxState(ctx, mb); err != nil || v != step.wantVal || u != step.wantUID {
			t.Errorf("after %d/%d: state %d/%d %v, want %d/%d", step.validity, step.uid, v, u, err, step.wantVal, step.wantUID)
		}
	}
}

// TestTwoInstances_Registration registers complaints from two instances at
// once, by hand and by mail (with their acknowledgements and events):
// reference numbers 1..N without gap or double, and the audit trail one
// chain that verifies.
func TestTwoInstances_Registration(t *testing.T) {
	db := MustOpenDB(t)
	twin := sqldb.OpenTwin(t, db)
	setOrganisation(t, db)
	const perWorker, workers = 15, 4 // per instance: two by hand, two by mail
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers*perWorker)
	for i, d := range []*sqldb.DB{db, twin, db, twin} {
		cs, in := sqldb.NewComplaintService(d), newIntake(d)
		wg.Go(func() {
			for j := range perWorker {
				var err error
				if i < 2 {
					_, err = cs.CreateComplaint(context.Background(), newComplaint(testNow, fmt.Sprintf("klager%d-%d@example.nl", i, j)))
				} else {
					m := mail(fmt.Sprintf("mailer%d-%d@example.nl", i, j), fmt.Sprintf("m%d-%d@x", i, j), "Storing", fmt.Sprintf("Storing %d-%d.", i, j))
					_, err = in.Take(context.Background(), "test", testNow, raw(m), m)
				}
				if err != nil {
					errs <- fmt.Errorf("worker %d, complaint %d: %w", i, j, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	const n = workers * perWorker
	refs, _, err := sqldb.NewComplaintService(twin).FindComplaints(context.Background(), klachtdesk.ComplaintFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, 0, len(refs))
	for _, c := range refs {
		got = append(got, c.Reference)
	}
	sort.Strings(got)
	if len(got) != n {
		t.Fatalf("%d complaints registered, want %d", len(got), n)
	}
	for i, ref := range got {
		want, err := klachtdesk.FormatReference(testNow.Year(), i+1)
		if err != nil {
			t.Fatal(err)
		}
		if ref != want {
			t.Fatalf("reference %d is %s, want %s: a gap or a double (all: %v)", i+1, ref, want, got)
		}
	}
	for _, d := range []*sqldb.DB{db, twin} {
		report, err := sqldb.NewAuditService(d).VerifyAudit(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if report.Break != nil {
			t.Fatalf("audit chain broken: %+v", report.Break)
		}
		// created events for all, message_added and acknowledgements
		// for the mails, and the two settings changes.
		if min := int64(n + 2); report.Events < min {
			t.Errorf("audit verify saw %d events, want at least %d", report.Events, min)
		}
	}
	if k := countQuery(t, db, `SELECT COUNT(*) FROM outbox`); k != 2*perWorker {
		t.Errorf("outbox holds %d acknowledgements, want %d (one per mail)", k, 2*perWorker)
	}
}

// TestTwoInstances_Settings: a change made on one instance is in force on
// the other from its next transaction, though each caches the settings;
// changes made on both at once each get a revision of their own.
func TestTwoInstances_Settings(t *testing.T) {
	db := MustOpenDB(t)
	twin := sqldb.OpenTwin(t, db)
	ctx := context.Background()
	a, b := sqldb.NewSettingsService(db), sqldb.NewSettingsService(twin)
	// Both read, and cache, the defaults.
	for _, s := range []*sqldb.SettingsService{a, b} {
		if got, err := s.Settings(ctx); err != nil || got.OrgName != klachtdesk.DefaultSettings().OrgName {
			t.Fatalf("settings: %q, %v", got.OrgName, err)
		}
	}
	if _, err := a.SetSetting(ctx, "org.name", "Eerste B.V."); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Settings(ctx); err != nil || got.OrgName != "Eerste B.V." || got.Revision != 1 {
		t.Errorf("b after a's change: name %q revision %d, %v", got.OrgName, got.Revision, err)
	}
	// The change is used by b's work too: a complaint registered on b
	// after a change of the answer term on a gets the new term.
	if _, err := a.SetSetting(ctx, "answer.term_days", "20"); err != nil {
		t.Fatal(err)
	}
	c := mustCreateComplaint(t, twin, newComplaint(testNow, "jan@example.nl"))
	if want := fmt.Sprintf("r%d.s2", klachtdesk.RulesetVersion); c.AnswerDue.Rule != want {
		t.Errorf("complaint registered on b after revision 2 on a: deadline computed by rules %q, want %q", c.AnswerDue.Rule, want)
	}

	// Changes on both at once.
	const each = 10
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for i, s := range []*sqldb.SettingsService{a, b} {
		wg.Go(func() {
			for j := range each {
				if _, err := s.SetSetting(ctx, "org.name", fmt.Sprintf("Naam %d-%d B.V.", i, j)); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	ga, err := a.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gb, err := b.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ga.Revision != 2+2*each || gb.Revision != ga.Revision || ga.OrgName != gb.OrgName {
		t.Errorf("after %d changes on both: a at revision %d (%q), b at %d (%q); want both at %d, equal",
			2*each, ga.Revision, ga.OrgName, gb.Revision, gb.OrgName, 2+2*each)
	}
	if k := countQuery(t, db, `SELECT COUNT(DISTINCT revision) FROM settings_changes`); k != 2+2*each {
		t.Errorf("settings history holds %d revisions, want %d", k, 2+2*each)
	}
	report, err := sqldb.NewAuditService(db).VerifyAudit(ctx)
	if err != nil || report.Break != nil {
		t.Errorf("audit after concurrent settings changes: %+v, %v", report, err)
	}
}

// TestTwoInstances_Outbox: two instances claim from one outbox at once;
// every letter is claimed by one of them, and marked sent once. The letter
// of an instance that died is taken over when its lease ends.
func TestTwoInstances_Outbox(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(testNow)
	db.Now = clock.Now
	twin := sqldb.OpenTwin(t, db)
	setOrganisation(t, db)
	in := newIntake(db)
	const n = 40
	for i := range n {
		mustTake(t, in, mail(fmt.Sprintf("klager%d@example.nl", i), fmt.Sprintf("o%d@x", i), "Storing", fmt.Sprintf("Storing %d.", i)), testNow)
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		claimed = map[int64]int{}
		errs    []error
	)
	for _, d := range []*sqldb.DB{db, twin, db, twin} {
		out := sqldb.NewOutboxService(d)
		out.Letters = testWriter{}
		wg.Go(func() {
			for {
				letters, err := out.ClaimLetters(context.Background(), 3, time.Minute)
				if err == nil {
					for _, l := range letters {
						if err = out.LetterSent(context.Background(), l.ID); err != nil {
							break
						}
					}
				}
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				}
				for _, l := range letters {
					claimed[l.ID]++
				}
				mu.Unlock()
				if err != nil || len(letters) == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		t.Error(err)
	}
	if len(claimed) != n {
		t.Errorf("%d letters claimed, want %d", len(claimed), n)
	}
	for id, k := range claimed {
		if k != 1 {
			t.Errorf("letter %d claimed %d times", id, k)
		}
	}
	if k := countQuery(t, db, `SELECT COUNT(*) FROM outbox WHERE state = 'sent'`); k != n {
		t.Errorf("%d letters sent, want %d", k, n)
	}
	if k := countQuery(t, db, `SELECT COUNT(*) FROM events WHERE kind = 'letter_sent'`); k != n {
		t.Errorf("%d letter_sent events, want %d: one per letter", k, n)
	}

	// An instance claims a letter and dies; the other gets it only once
	// the lease ended, and a late report of the dead one changes nothing.
	mustTake(t, in, mail("laat@example.nl", "late@x", "Storing", "Nog een."), clock.Now())
	a, b := sqldb.NewOutboxService(db), sqldb.NewOutboxService(twin)
	first, err := a.ClaimLetters(context.Background(), 10, time.Minute)
	if err != nil || len(first) != 1 {
		t.Fatalf("claim: %d letters, %v", len(first), err)
	}
	if again, err := b.ClaimLetters(context.Background(), 10, time.Minute); err != nil || len(again) != 0 {
		t.Errorf("claimed while leased: %d letters, %v", len(again), err)
	}
	clock.Advance(time.Minute + time.Second)
	taken, err := b.ClaimLetters(context.Background(), 10, time.Minute)
	if err != nil || len(taken) != 1 || taken[0].ID != first[0].ID || taken[0].MessageID != first[0].MessageID || taken[0].Attempts != 2 {
		t.Fatalf("after the lease: %+v, %v; want letter %d again, same Message-ID, attempt 2", taken, err, first[0].ID)
	}
	for _, s := range []*sqldb.OutboxService{b, a} {
		if err := s.LetterSent(context.Background(), first[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	if k := countQuery(t, db, `SELECT COUNT(*) FROM events WHERE kind = 'letter_sent'`); k != n+1 {
		t.Errorf("%d letter_sent events, want %d: a letter is marked sent once", k, n+1)
	}
}

// TestTwoInstances_Requeue: a failed letter requeued on both instances at
// once is requeued once, with one event.
func TestTwoInstances_Requeue(t *testing.T) {
	db := MustOpenDB(t)
	twin := sqldb.OpenTwin(t, db)
	setOrganisation(t, db)
	mustTake(t, newIntake(db), mail("jan@example.nl", "q@x", "Storing", "Kapot."), testNow)
	out := sqldb.NewOutboxService(db)
	letters, err := out.ClaimLetters(context.Background(), 1, time.Minute)
	if err != nil || len(letters) != 1 {
		t.Fatalf("claim: %d, %v", len(letters), err)
	}
	if err := out.LetterFailed(context.Background(), letters[0].ID, "550 no such user"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	requeued := 0
	for _, d := range []*sqldb.DB{db, twin, db, twin} {
		s := sqldb.NewOutboxService(d)
		wg.Go(func() {
			if _, err := s.RequeueLetter(context.Background(), letters[0].ID); err == nil {
				mu.Lock()
				requeued++
				mu.Unlock()
			} else if klachtdesk.ErrorCode(err) != klachtdesk.ECONFLICT {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if requeued != 1 {
		t.Errorf("requeued %d times, want once", requeued)
	}
	if k := countQuery(t, db, `SELECT COUNT(*) FROM events WHERE kind = 'letter_requeued'`); k != 1 {
		t.Errorf("%d letter_requeued events, want 1", k)
	}
}
