package intake_test

import (
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/intake"
	"github.com/klachtdesk/klachtdesk/internal/storetest"
	"github.com/klachtdesk/klachtdesk/internal/testpeer"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// instanceStore is one instance's store: it counts the batches the
// instance took, and once dead it no longer gives its lease up, as a
// process killed with -9 does not.
type instanceStore struct {
	intake.MailboxStore
	takes atomic.Int64
	dead  atomic.Bool
}

func (s *instanceStore) TakeMails(ctx context.Context, in []klachtdesk.IncomingMail) ([]*klachtdesk.IntakeResult, error) {
	s.takes.Add(1)
	return s.MailboxStore.TakeMails(ctx, in)
}

func (s *instanceStore) ReleaseMailbox(ctx context.Context, mailbox, holder string) error {
	if s.dead.Load() {
		return nil
	}
	return s.MailboxStore.ReleaseMailbox(ctx, mailbox, holder)
}

// instance is an IMAPSource running as one of several instances on one
// database.
type instance struct {
	src   *intake.IMAPSource
	store *instanceStore
	logs  *logBuffer
	stop  context.CancelFunc
	done  chan struct{}
}

func startInstance(t *testing.T, db *sqldb.DB, mb intake.Mailbox, holder string) *instance {
	t.Helper()
	in := sqldb.NewIntakeService(db)
	in.Letters = testWriter{}
	x := &instance{store: &instanceStore{MailboxStore: in}, logs: &logBuffer{}, done: make(chan struct{})}
	x.src = &intake.IMAPSource{Mailbox: mb, Store: x.store, Holder: holder, Backoff: 20 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(x.logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	x.stop = cancel
	go func() {
		defer close(x.done)
		x.src.Run(ctx)
	}()
	t.Cleanup(x.halt)
	return x
}

// halt stops the instance and waits for it.
func (x *instance) halt() {
	x.stop()
	<-x.done
}

// TestIMAPSource_OneInstancePolls runs two instances on one database and
// one mailbox: one polls, the other waits and says so once; when the first
// dies without giving up its lease, the second takes over once the lease
// expired; every mail is registered once. A clean stop gives the lease up.
func TestIMAPSource_OneInstancePolls(t *testing.T) {
	d := testpeer.StartDovecot(t)
	dir, dsn := t.TempDir(), storetest.DSN(t)
	var dbs []*sqldb.DB
	for range 2 {
		db := sqldb.NewDB(dir, dsn)
		if err := db.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	mb := mailbox(t, d)
	// A lease of 3 s: long enough that a loaded machine does not let it
	// lapse while its holder polls, which would let both poll (the
	// intake log's fingerprints would still take each mail once).
	mb.PollInterval = intake.Duration(time.Second)
	mb.LeaseInterval = intake.Duration(time.Second)

	a := startInstance(t, dbs[0], mb, "host-a/1/aa")
	waitFor(t, 10*time.Second, "the first instance polling", func() bool { return !a.src.Status().LastPoll.IsZero() })
	b := startInstance(t, dbs[1], mb, "host-b/2/bb")
	for i := range 5 {
		d.Deliver(t, "INBOX", complaintMail(i))
	}
	waitFor(t, 20*time.Second, "5 mails taken", func() bool { return countComplaints(t, dbs[1]) == 5 })
	const waits = "another instance polls this mailbox"
	waitFor(t, 10*time.Second, "the second instance saying it waits", func() bool { return strings.Contains(b.logs.String(), waits) })
	if n := b.store.takes.Load(); n != 0 {
		t.Errorf("the waiting instance took %d batches", n)
	}
	if a.store.takes.Load() == 0 {
		t.Error("the holder took nothing")
	}
	if st := b.src.Status(); st.LastPoll.IsZero() || st.LastError != "" {
		t.Errorf("status of the waiting instance: %+v; want polled (by the holder), no error", st)
	}

	// The holder dies: it stops without giving its lease up. The other
	// takes over when the lease expires (3 × 1 s).
	a.store.dead.Store(true)
	a.halt()
	for i := 5; i < 10; i++ {
		d.Deliver(t, "INBOX", complaintMail(i))
	}
	waitFor(t, 20*time.Second, "the mails after the takeover taken", func() bool { return countComplaints(t, dbs[0]) == 10 })
	if n := b.store.takes.Load(); n == 0 {
		t.Error("the second instance took nothing after the takeover")
	}
	logs := b.logs.String()
	if k := strings.Count(logs, waits); k != 1 {
		t.Errorf("the waiting instance said %d times that another polls, want once:\n%s", k, logs)
	}
	if !strings.Contains(logs, "this instance polls the mailbox now") {
		t.Errorf("no log line of the takeover:\n%s", logs)
	}
	if rows := intakeLog(t, dbs[0], dsn); rows["new"] != 10 || len(rows) != 1 {
		t.Errorf("intake log: %v, want 10 new mails, each once", rows)
	}
	if d.Count(t, "INBOX") != 0 || d.Count(t, "Klachtdesk-Verwerkt") != 10 {
		t.Errorf("INBOX %d, processed %d", d.Count(t, "INBOX"), d.Count(t, "Klachtdesk-Verwerkt"))
	}

	// A clean stop gives the lease up: another takes it at once.
	b.halt()
	if _, held, err := sqldb.NewIntakeService(dbs[0]).LeaseMailbox(context.Background(), mb.Name(), "host-c/3/cc", time.Hour); err != nil || !held {
		t.Errorf("after a clean stop the lease is not free: held %v, %v", held, err)
	}
}

// intakeLog counts the intake log's rows by outcome, on either backend.
// dsn is the database's DSN, "" for the SQLite file.
func intakeLog(t *testing.T, db *sqldb.DB, dsn string) map[string]int {
	t.Helper()
	driver := "pgx"
	if dsn == "" {
		driver, dsn = "sqlite", db.Path()
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT outcome, COUNT(*) FROM inbound GROUP BY outcome`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var o string
		var n int
		if err := rows.Scan(&o, &n); err != nil {
			t.Fatal(err)
		}
		out[o] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// lostLeaseStore is a store in which another instance takes the lease
// while lost is set, as when this one stalled past its expiry.
type lostLeaseStore struct {
	intake.MailboxStore
	mu    sync.Mutex
	lost  bool
	takes int
}

func (s *lostLeaseStore) LeaseMailbox(ctx context.Context, mailbox, holder string, ttl time.Duration) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lost {
		return "host-z/9/zz", false, nil
	}
	return s.MailboxStore.LeaseMailbox(ctx, mailbox, holder, ttl)
}

func (s *lostLeaseStore) TakeMails(ctx context.Context, in []klachtdesk.IncomingMail) ([]*klachtdesk.IntakeResult, error) {
	s.mu.Lock()
	s.takes++
	s.mu.Unlock()
	return s.MailboxStore.TakeMails(ctx, in)
}

// TestIMAPSource_LeaseLost: an instance whose lease another took stops
// polling at once, says so, and polls again once it gets the lease back.
func TestIMAPSource_LeaseLost(t *testing.T) {
	d := testpeer.StartDovecot(t)
	db, in := openStore(t)
	store := &lostLeaseStore{MailboxStore: in}
	mb := mailbox(t, d)
	mb.PollInterval = intake.Duration(100 * time.Millisecond)
	mb.LeaseInterval = intake.Duration(50 * time.Millisecond)
	logs := &logBuffer{}
	src := &intake.IMAPSource{Mailbox: mb, Store: store, Logger: slog.New(slog.NewTextHandler(logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); src.Run(ctx) }()
	defer func() { cancel(); <-done }()

	d.Deliver(t, "INBOX", complaintMail(1))
	waitFor(t, 20*time.Second, "the first mail taken", func() bool { return countComplaints(t, db) == 1 })
	store.mu.Lock()
	store.lost = true
	store.mu.Unlock()
	waitFor(t, 10*time.Second, "a log line about the lease taken over", func() bool {
		return strings.Contains(logs.String(), "another instance took over the mailbox")
	})
	store.mu.Lock()
	takes := store.takes
	store.mu.Unlock()
	d.Deliver(t, "INBOX", complaintMail(2))
	// Several lease intervals pass; nothing may be taken meanwhile.
	waitFor(t, 10*time.Second, "the instance waiting", func() bool {
		return strings.Contains(logs.String(), "another instance polls this mailbox")
	})
	store.mu.Lock()
	if store.takes != takes || countComplaints(t, db) != 1 {
		t.Errorf("an instance without the lease took mail: %d batches, %d complaints", store.takes-takes, countComplaints(t, db))
	}
	store.lost = false
	store.mu.Unlock()
	waitFor(t, 20*time.Second, "the second mail taken once the lease is back", func() bool { return countComplaints(t, db) == 2 })
}
