package intake_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/intake"
	"github.com/klachtdesk/klachtdesk/internal/storetest"
	"github.com/klachtdesk/klachtdesk/internal/testpeer"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

func openStore(t *testing.T) (*sqldb.DB, *sqldb.IntakeService) {
	t.Helper()
	db := sqldb.NewDB(t.TempDir(), storetest.DSN(t))
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	in := sqldb.NewIntakeService(db)
	in.Letters = testWriter{}
	return db, in
}

// rawStore opens the store's database directly, behind its back, for
// counting rows: the SQLite file, or the PostgreSQL schema of the test.
func rawStore(t *testing.T, db *sqldb.DB) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite", db.Path()
	if dsn == "" {
		driver, dsn = "pgx", db.DSN()
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// testWriter writes every letter as a one-line acknowledgement.
type testWriter struct{}

func (testWriter) WriteLetter(l klachtdesk.Letter, c *klachtdesk.Complaint, s klachtdesk.Settings) (string, string, error) {
	return "Ontvangstbevestiging [" + c.Reference + "]", "Ontvangen.", nil
}

func mailbox(t *testing.T, d *testpeer.Dovecot) intake.Mailbox {
	t.Helper()
	host, port, err := net.SplitHostPort(d.Addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	mb := intake.Mailbox{Host: host, Port: p, TLS: "none", Username: d.User, Password: d.Password}
	if err := mb.Check(); err != nil {
		t.Fatal(err)
	}
	return mb
}

func complaintMail(i int) []byte {
	return fmt.Appendf(nil, "From: Klant %d <klant%d@example.nl>\r\nTo: klachten@example.org\r\nSubject: Klacht %d\r\n"+
		"Date: Mon, 2 Mar 2026 09:%02d:00 +0100\r\nMessage-ID: <imap-%d@example.nl>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Mijn klacht nummer %d: de monteur is niet gekomen.\r\n", i, i, i, i%60, i, i)
}

func countComplaints(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	_, n, err := sqldb.NewComplaintService(db).FindComplaints(context.Background(), klachtdesk.ComplaintFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestIMAPSource(t *testing.T) {
	d := testpeer.StartDovecot(t)
	db, store := openStore(t)
	ctx := context.Background()
	for i := range 5 {
		d.Deliver(t, "INBOX", complaintMail(i))
	}
	var results []intake.Result
	src := &intake.IMAPSource{Mailbox: mailbox(t, d), Store: store, Report: func(r intake.Result) { results = append(results, r) }}
	defer src.Close()

	// First fetch: every mail registered, then moved out of the inbox,
	// never marked read by the fetch.
	n, err := src.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 || countComplaints(t, db) != 5 {
		t.Fatalf("first sync took %d mails, %d complaints", n, countComplaints(t, db))
	}
	if in, done := d.Count(t, "INBOX"), d.Count(t, "Klachtdesk-Verwerkt"); in != 0 || done != 5 {
		t.Errorf("after the first sync: INBOX %d, processed %d", in, done)
	}
	if seen := d.Seen(t, "Klachtdesk-Verwerkt"); seen != 0 {
		t.Errorf("%d mails marked read: the fetch must peek", seen)
	}
	for _, r := range results {
		if r.Outcome != klachtdesk.OutcomeNew || !r.Taken {
			t.Errorf("result %+v", r)
		}
	}

	// Restart: a new source on the same store resumes.
	d.Deliver(t, "INBOX", complaintMail(5))
	src.Close()
	src2 := &intake.IMAPSource{Mailbox: mailbox(t, d), Store: store}
	defer src2.Close()
	if n, err := src2.Sync(ctx); err != nil || n != 1 {
		t.Fatalf("resume took %d, %v", n, err)
	}

	// UIDVALIDITY change: the folder is read again, nothing doubled. Put
	// mails already taken back into the inbox, as a restored server would.
	src2.Close()
	for i := range 3 {
		d.Deliver(t, "INBOX", complaintMail(i))
	}
	d.Deliver(t, "INBOX", complaintMail(6))
	d.SetUIDValidity(t, "INBOX", 777)
	var again []intake.Result
	src3 := &intake.IMAPSource{Mailbox: mailbox(t, d), Store: store, Report: func(r intake.Result) { again = append(again, r) }}
	defer src3.Close()
	if n, err := src3.Sync(ctx); err != nil || n != 4 {
		t.Fatalf("after UIDVALIDITY change took %d, %v", n, err)
	}
	dups := 0
	for _, r := range again {
		if r.Outcome == klachtdesk.OutcomeDuplicate {
			dups++
		}
	}
	if dups != 3 || countComplaints(t, db) != 7 {
		t.Errorf("after UIDVALIDITY change: %d duplicates, %d complaints; want 3 and 7", dups, countComplaints(t, db))
	}
	if v, _, err := store.MailboxState(ctx, src3.Mailbox.Name()); err != nil || v != 777 {
		t.Errorf("stored UIDVALIDITY = %d, %v", v, err)
	}
	if d.Count(t, "INBOX") != 0 {
		t.Errorf("INBOX keeps %d mails", d.Count(t, "INBOX"))
	}
}

// The store intake reads IMAP mailboxes into.
var _ intake.MailboxStore = (*sqldb.IntakeService)(nil)

// failingStore refuses to take mail, as a database that is down does.
type failingStore struct{ intake.MailboxStore }

func (failingStore) TakeMails(context.Context, []klachtdesk.IncomingMail) ([]*klachtdesk.IntakeResult, error) {
	return nil, klachtdesk.Errorf(klachtdesk.EINTERNAL, "database is locked")
}

func (failingStore) Quarantine(context.Context, klachtdesk.IncomingMail, string) error {
	return klachtdesk.Errorf(klachtdesk.EINTERNAL, "database is locked")
}

func TestIMAPSource_MoveOnlyAfterCommit(t *testing.T) {
	d := testpeer.StartDovecot(t)
	_, store := openStore(t)
	ctx := context.Background()
	d.Deliver(t, "INBOX", complaintMail(1))
	src := &intake.IMAPSource{Mailbox: mailbox(t, d), Store: failingStore{store}}
	defer src.Close()
	if _, err := src.Sync(ctx); err == nil {
		t.Fatal("a store that fails must fail the sync")
	}
	if d.Count(t, "INBOX") != 1 || d.Seen(t, "INBOX") != 0 {
		t.Errorf("a mail the store did not take left the inbox or was marked read: INBOX %d, seen %d", d.Count(t, "INBOX"), d.Seen(t, "INBOX"))
	}
	// With the store back, the same mail is taken and moved.
	src2 := &intake.IMAPSource{Mailbox: mailbox(t, d), Store: store}
	defer src2.Close()
	if n, err := src2.Sync(ctx); err != nil || n != 1 || d.Count(t, "INBOX") != 0 {
		t.Errorf("after recovery: took %d, %v; INBOX %d", n, err, d.Count(t, "INBOX"))
	}
}

func TestIMAPSource_FlagModeAndPoison(t *testing.T) {
	d := testpeer.StartDovecot(t)
	db, store := openStore(t)
	ctx := context.Background()
	d.Deliver(t, "INBOX", complaintMail(1))
	d.Deliver(t, "INBOX", []byte("\x00\x01\x02 not a mail at all \xff\xfe"))
	d.Deliver(t, "INBOX", complaintMail(2))
	mb := mailbox(t, d)
	mb.Processed = "-"
	src := &intake.IMAPSource{Mailbox: mb, Store: store}
	defer src.Close()
	if n, err := src.Sync(ctx); err != nil || n != 3 {
		t.Fatalf("took %d, %v", n, err)
	}
	// Flag mode: the mails stay, flagged read; the junk did not block the
	// mail behind it.
	if d.Count(t, "INBOX") != 3 || d.Seen(t, "INBOX") != 3 {
		t.Errorf("flag mode: INBOX %d, seen %d", d.Count(t, "INBOX"), d.Seen(t, "INBOX"))
	}
	if countComplaints(t, db) < 2 {
		t.Errorf("complaints = %d", countComplaints(t, db))
	}
	// A second sync reads nothing again.
	if n, err := src.Sync(ctx); err != nil || n != 0 {
		t.Errorf("second sync took %d, %v", n, err)
	}
}

func TestIMAPSource_IdleWakes(t *testing.T) {
	d := testpeer.StartDovecot(t)
	db, store := openStore(t)
	mb := mailbox(t, d)
	mb.PollInterval = intake.Duration(time.Minute) // IDLE must wake it long before
	src := &intake.IMAPSource{Mailbox: mb, Store: store}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		src.Run(ctx)
	}()
	defer func() {
		cancel()
		<-done
	}()
	// Let the first check pass first, so that only IDLE can bring the
	// mail in before the one-minute poll.
	time.Sleep(500 * time.Millisecond)
	d.Deliver(t, "INBOX", complaintMail(1))
	deadline := time.Now().Add(30 * time.Second)
	for countComplaints(t, db) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the running source did not take a new mail within 30 s (IDLE)")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// poisonStore refuses mails whose subject says "gif", as a store does for a
// mail it cannot take (a domain error), and fails every mail three times
// whose subject says "vast" (a mail that keeps failing on its own).
type poisonStore struct {
	*sqldb.IntakeService
	stuck int
}

func (p *poisonStore) TakeMails(ctx context.Context, in []klachtdesk.IncomingMail) ([]*klachtdesk.IntakeResult, error) {
	for _, m := range in {
		switch {
		case strings.Contains(m.Mail.Subject, "gif"):
			return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "cannot register this mail")
		case strings.Contains(m.Mail.Subject, "vast"):
			p.stuck++
			return nil, klachtdesk.Errorf(klachtdesk.EINTERNAL, "disk I/O error")
		}
	}
	return p.IntakeService.TakeMails(ctx, in)
}

func TestIMAPSource_Poison(t *testing.T) {
	d := testpeer.StartDovecot(t)
	db, store := openStore(t)
	ctx := context.Background()
	d.Deliver(t, "INBOX", complaintMail(1))
	d.Deliver(t, "INBOX", []byte("From: a@example.nl\r\nSubject: gif\r\nMessage-ID: <p1@x>\r\n\r\nx\r\n"))
	d.Deliver(t, "INBOX", []byte("From: b@example.nl\r\nSubject: vast\r\nMessage-ID: <p2@x>\r\n\r\ny\r\n"))
	d.Deliver(t, "INBOX", complaintMail(2))
	ps := &poisonStore{IntakeService: store}
	src := &intake.IMAPSource{Mailbox: mailbox(t, d), Store: ps}
	defer src.Close()
	// The mail that keeps failing stops a sync (the store may be down)
	// until it failed three times; then it is quarantined too.
	var err error
	for range 3 {
		if _, err = src.Sync(ctx); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("after three failures of one mail: %v", err)
	}
	// Once in the batch of the first sync, whose failure names no mail;
	// then three times on its own, after which it is quarantined.
	if ps.stuck != 1+3 {
		t.Errorf("the stuck mail was tried %d times, want 4 (one batch, three on its own)", ps.stuck)
	}
	if in, q, done := d.Count(t, "INBOX"), d.Count(t, "Klachtdesk-Quarantaine"), d.Count(t, "Klachtdesk-Verwerkt"); in != 0 || q != 2 || done != 2 {
		t.Errorf("INBOX %d, quarantine %d, processed %d; want 0, 2, 2", in, q, done)
	}
	if countComplaints(t, db) != 2 {
		t.Errorf("complaints = %d: the mails behind the poison must be taken", countComplaints(t, db))
	}
	// The quarantine keeps both with their reasons.
	raw := rawStore(t, db)
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM inbound WHERE outcome = 'error' AND reason <> ''`).Scan(&n); err != nil || n != 2 {
		t.Errorf("quarantined rows = %d, %v", n, err)
	}
}

// countingStore counts the store's transactions.
type countingStore struct {
	*sqldb.IntakeService
	calls, mails int
}

func (c *countingStore) TakeMails(ctx context.Context, in []klachtdesk.IncomingMail) ([]*klachtdesk.IntakeResult, error) {
	c.calls++
	c.mails += len(in)
	return c.IntakeService.TakeMails(ctx, in)
}

// TestIMAPSource_Batches checks that a backlog is fetched and taken in
// batches (a few transactions, not one per mail), that the bytes held at
// once stay bounded, and that the mailbox state ends past the last mail.
func TestIMAPSource_Batches(t *testing.T) {
	d := testpeer.StartDovecot(t)
	db, store := openStore(t)
	ctx := context.Background()
	const total = 120
	for i := range total {
		d.Deliver(t, "INBOX", complaintMail(i))
	}
	cs := &countingStore{IntakeService: store}
	src := &intake.IMAPSource{Mailbox: mailbox(t, d), Store: cs}
	defer src.Close()
	if n, err := src.Sync(ctx); err != nil || n != total {
		t.Fatalf("sync took %d, %v", n, err)
	}
	if countComplaints(t, db) != total || d.Count(t, "Klachtdesk-Verwerkt") != total || d.Count(t, "INBOX") != 0 {
		t.Fatalf("complaints %d, processed %d, inbox %d", countComplaints(t, db), d.Count(t, "Klachtdesk-Verwerkt"), d.Count(t, "INBOX"))
	}
	if cs.mails != total || cs.calls > total/10 {
		t.Errorf("%d mails in %d transactions: want batches", cs.mails, cs.calls)
	}
	validity, last, err := store.MailboxState(ctx, src.Mailbox.Name())
	if err != nil || validity == 0 || last != total {
		t.Errorf("mailbox state = %d, %d, %v; want the last UID %d", validity, last, err, total)
	}

	// A small byte budget: fetched a few mails at a time, all taken.
	for i := range 10 {
		d.Deliver(t, "INBOX", complaintMail(total+i))
	}
	size := int64(len(complaintMail(total)))
	cs.calls, cs.mails = 0, 0
	small := &intake.IMAPSource{Mailbox: mailbox(t, d), Store: cs, FetchBytes: 2*size + size/2}
	defer small.Close()
	if n, err := small.Sync(ctx); err != nil || n != 10 {
		t.Fatalf("sync with a small budget took %d, %v", n, err)
	}
	if cs.mails != 10 || cs.calls < 5 {
		t.Errorf("with room for two mails at a time: %d mails in %d transactions", cs.mails, cs.calls)
	}
}
