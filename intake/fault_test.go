package intake_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/intake"
	"github.com/klachtdesk/klachtdesk/internal/storetest"
	"github.com/klachtdesk/klachtdesk/internal/testpeer"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// stallProxy passes TCP bytes between intake and the server until it is
// paused: then it holds every byte, in both directions, and keeps the
// sockets open, as a server or network that stops answering does.
type stallProxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	paused bool
	resume chan struct{} // closed when a pause ends
	conns  []net.Conn
}

func startStallProxy(t *testing.T, target string) *stallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{ln: ln, target: target, resume: make(chan struct{})}
	close(p.resume)
	t.Cleanup(p.close)
	go p.accept()
	return p
}

func (p *stallProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		go p.pipe(c, s)
		go p.pipe(s, c)
	}
}

// pipe copies src to dst, holding what it read while paused.
func (p *stallProxy) pipe(src, dst net.Conn) {
	defer src.Close()
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			resume := p.resume
			p.mu.Unlock()
			<-resume
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *stallProxy) pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.paused {
		p.paused, p.resume = true, make(chan struct{})
	}
}

func (p *stallProxy) unpause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused {
		p.paused = false
		close(p.resume)
	}
}

func (p *stallProxy) close() {
	p.ln.Close()
	p.unpause()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

func (p *stallProxy) port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// logBuffer collects log output for assertions, safe for concurrent use.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(b)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// inboundRows counts the intake log's rows by outcome.
func inboundRows(t *testing.T, db *sqldb.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	raw := rawStore(t, db)
	defer raw.Close()
	rows, err := raw.Query(`SELECT outcome, COUNT(*) FROM inbound GROUP BY outcome`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var o string
		var n int
		if err := rows.Scan(&o, &n); err != nil {
			t.Fatal(err)
		}
		out[o] = n
	}
	return out
}

// TestIMAPSource_Stall stops the connection between intake and Dovecot
// while keeping it open: intake must say so, drop it, reconnect once bytes
// pass again, take the mails that arrived meanwhile exactly once, and stop
// at once when cancelled while stalled.
func TestIMAPSource_Stall(t *testing.T) {
	d := testpeer.StartDovecot(t)
	db, store := openStore(t)
	proxy := startStallProxy(t, d.Addr)
	mb := mailbox(t, d)
	mb.Port = proxy.port()
	mb.PollInterval = intake.Duration(300 * time.Millisecond)
	mb.Timeout = intake.Duration(400 * time.Millisecond)
	mb.KeepAlive = intake.Duration(200 * time.Millisecond)
	logs := &logBuffer{}
	src := &intake.IMAPSource{Mailbox: mb, Store: store, Backoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(logs, nil))}
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

	for i := range 3 {
		d.Deliver(t, "INBOX", complaintMail(i))
	}
	waitFor(t, 20*time.Second, "the first three mails taken", func() bool { return countComplaints(t, db) == 3 })
	if st := src.Status(); st.LastPoll.IsZero() || st.LastTaken.IsZero() || st.LastError != "" || st.Mailbox != mb.Name() {
		t.Errorf("status while healthy: %+v", st)
	}

	// The server stops answering; mail keeps arriving.
	proxy.pause()
	stalledAt := time.Now()
	for i := 3; i < 8; i++ {
		d.Deliver(t, "INBOX", complaintMail(i))
	}
	waitFor(t, 10*time.Second, "a log line about the stall", func() bool {
		return strings.Contains(logs.String(), "IMAP connection stalled") && strings.Contains(logs.String(), "mailbox="+mb.Name())
	})
	if st := src.Status(); st.LastError == "" || st.LastPoll.After(stalledAt) {
		t.Errorf("status while stalled: %+v", st)
	}
	if n := countComplaints(t, db); n != 3 {
		t.Fatalf("%d complaints while stalled", n)
	}

	// Bytes pass again: intake reconnects and takes each waiting mail once.
	proxy.unpause()
	waitFor(t, 20*time.Second, "the mails that arrived during the stall taken", func() bool {
		return d.Count(t, "Klachtdesk-Verwerkt") == 8 && d.Count(t, "INBOX") == 0
	})
	if n, rows := countComplaints(t, db), inboundRows(t, db); n != 8 || rows["new"] != 8 || len(rows) != 1 {
		t.Errorf("after the stall: %d complaints, intake log %v; want 8 new, nothing else", n, rows)
	}
	waitFor(t, 5*time.Second, "status healthy again", func() bool { st := src.Status(); return st.LastError == "" && st.LastPoll.After(stalledAt) })

	// Stalled again, shutdown must not wait for the server.
	proxy.pause()
	time.Sleep(300 * time.Millisecond) // in IDLE, or in a command the server will not answer
	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return within 2 s of cancel while the server was stalled")
	}
}

// mountTmpfs mounts a small tmpfs at a new folder for the test. It skips
// the test when mounting is not allowed, unless CI is set.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mount a tmpfs (CI runs as root): %v: %s", err, out)
		}
		t.Skipf("cannot mount a tmpfs (needs root): %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file in dir until the file system is full.
func fill(t *testing.T, dir string) string {
	t.Helper()
	name := filepath.Join(dir, "filler")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill %s: %v", dir, err)
			}
			break
		}
	}
	for _, n := range []int{4096, 512, 1} { // the last pieces
		for {
			if _, err := f.Write(chunk[:n]); err != nil {
				break
			}
		}
	}
	return name
}

// TestIMAPSource_DiskFull fills the file system of the data folder while
// intake runs: intake pauses and says why, no mail is counted as failing or
// quarantined, none is lost, and once space is freed every mail is taken,
// with references in the order the mails came.
func TestIMAPSource_DiskFull(t *testing.T) {
	dataDir := mountTmpfs(t, "24m")
	d := testpeer.StartDovecot(t)
	db := sqldb.NewDB(dataDir, "")
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := sqldb.NewIntakeService(db)
	store.Letters = testWriter{}
	mb := mailbox(t, d)
	mb.PollInterval = intake.Duration(200 * time.Millisecond)
	logs := &logBuffer{}
	src := &intake.IMAPSource{Mailbox: mb, Store: store, Backoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(logs, nil))}
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

	const before, during = 3, 12
	for i := range before {
		d.Deliver(t, "INBOX", complaintMail(i))
	}
	waitFor(t, 20*time.Second, "the first mails taken", func() bool { return countComplaints(t, db) == before })

	filler := fill(t, dataDir)
	for i := before; i < before+during; i++ {
		d.Deliver(t, "INBOX", complaintMail(i))
	}
	waitFor(t, 20*time.Second, "a log line saying intake paused on the store", func() bool {
		return strings.Contains(logs.String(), "IMAP intake paused: the store cannot take mail now")
	})
	// Several rounds against the full disk: more than the three failures
	// that would quarantine a mail failing on its own.
	waitFor(t, 20*time.Second, "several rounds against the full disk", func() bool {
		return strings.Count(logs.String(), "IMAP intake paused") >= 5
	})
	if !strings.Contains(src.Status().LastError, "disk is full") {
		t.Errorf("status while the disk is full: %+v", src.Status())
	}
	if q := d.Count(t, "Klachtdesk-Quarantaine"); q != 0 {
		t.Fatalf("%d healthy mails moved to the quarantine folder while the disk was full", q)
	}

	// Space again: intake resumes by itself.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	total := before + during
	waitFor(t, 30*time.Second, "every mail taken after the disk had room again", func() bool {
		return d.Count(t, "Klachtdesk-Verwerkt") == total && d.Count(t, "INBOX") == 0
	})
	if rows := inboundRows(t, db); rows["new"] != total || len(rows) != 1 {
		t.Errorf("intake log %v; want %d new, no error, no duplicate", rows, total)
	}
	if q := d.Count(t, "Klachtdesk-Quarantaine"); q != 0 {
		t.Errorf("%d mails in the quarantine folder", q)
	}
	// References in the order the mails came.
	raw := rawStore(t, db)
	defer raw.Close()
	rows, err := raw.Query(`SELECT i.subject, c.reference FROM inbound i JOIN complaints c ON c.id = i.complaint_id ORDER BY c.reference`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var subject, ref string
		if err := rows.Scan(&subject, &ref); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("Klacht %d", n); subject != want {
			t.Errorf("reference %s went to %q, want %q: references out of order", ref, subject, want)
		}
		n++
	}
	if n != total {
		t.Errorf("%d complaints with references, want %d", n, total)
	}
}

// fullStore refuses registrations as a store whose disk is full does
// (EUNAVAILABLE), while the smaller write of a quarantine still fits, until
// it has room again.
type fullStore struct {
	*sqldb.IntakeService
	mu         sync.Mutex
	full       bool
	refused    int
	quarantine int
}

func (f *fullStore) TakeMails(ctx context.Context, in []klachtdesk.IncomingMail) ([]*klachtdesk.IntakeResult, error) {
	f.mu.Lock()
	full := f.full
	if full {
		f.refused++
	}
	f.mu.Unlock()
	if full {
		return nil, fmt.Errorf("commit: %w", klachtdesk.Errorf(klachtdesk.EUNAVAILABLE, "the store cannot write now (the disk is full); try again later"))
	}
	return f.IntakeService.TakeMails(ctx, in)
}

func (f *fullStore) Quarantine(ctx context.Context, in klachtdesk.IncomingMail, reason string) error {
	f.mu.Lock()
	f.quarantine++
	f.mu.Unlock()
	return f.IntakeService.Quarantine(ctx, in, reason)
}

// TestIMAPSource_StoreUnavailable: however often the store fails on its
// own account, no mail is counted against or quarantined, and once the
// store takes writes again the mails are taken in order.
func TestIMAPSource_StoreUnavailable(t *testing.T) {
	d := testpeer.StartDovecot(t)
	db, store := openStore(t)
	ctx := context.Background()
	fs := &fullStore{IntakeService: store, full: true}
	for i := range 4 {
		d.Deliver(t, "INBOX", complaintMail(i))
	}
	src := &intake.IMAPSource{Mailbox: mailbox(t, d), Store: fs}
	defer src.Close()
	for range 2 * 3 {
		_, err := src.Sync(ctx)
		if klachtdesk.ErrorCode(err) != klachtdesk.EUNAVAILABLE {
			t.Fatalf("sync against a full store: %v, want EUNAVAILABLE", err)
		}
	}
	if fs.refused < 6 || fs.quarantine != 0 || d.Count(t, "Klachtdesk-Quarantaine") != 0 || d.Count(t, "INBOX") != 4 {
		t.Fatalf("refused %d times, %d quarantined, quarantine folder %d, INBOX %d: a full store must count against no mail",
			fs.refused, fs.quarantine, d.Count(t, "Klachtdesk-Quarantaine"), d.Count(t, "INBOX"))
	}
	fs.mu.Lock()
	fs.full = false
	fs.mu.Unlock()
	if n, err := src.Sync(ctx); err != nil || n != 4 {
		t.Fatalf("with room again: took %d, %v", n, err)
	}
	if rows := inboundRows(t, db); rows["new"] != 4 || len(rows) != 1 {
		t.Errorf("intake log %v, want 4 new", rows)
	}
}

// TestIMAPSource_QuarantineKeepsSenderAndSubject: a mail that keeps failing
// on its own is quarantined with the sender and subject it was parsed with.
func TestIMAPSource_QuarantineKeepsSenderAndSubject(t *testing.T) {
	d := testpeer.StartDovecot(t)
	db, store := openStore(t)
	ctx := context.Background()
	d.Deliver(t, "INBOX", []byte("From: Vaste Klant <vast@example.nl>\r\nSubject: vast\r\nMessage-ID: <v1@x>\r\n\r\ny\r\n"))
	src := &intake.IMAPSource{Mailbox: mailbox(t, d), Store: &poisonStore{IntakeService: store}}
	defer src.Close()
	var err error
	for range 3 {
		if _, err = src.Sync(ctx); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	admin := klachtdesk.NewContextWithUser(ctx, &klachtdesk.User{ID: 1, Username: "beheer", Role: klachtdesk.RoleAdmin, Active: true})
	list, err := store.QuarantinedMails(admin, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].From != "vast@example.nl" || list[0].Subject != "vast" || list[0].MessageID == "" {
		t.Errorf("quarantine = %+v; want the sender and subject", list)
	}
	if countComplaints(t, db) != 0 {
		t.Errorf("complaints = %d", countComplaints(t, db))
	}
}

// TestIMAPSource_Reconcile restores an older copy of the database, taken
// before a fetch: the mails of that fetch sit in the processed folder while
// the store lost them. Reconcile takes each of them back, once, and leaves
// the processed folder as it was.
func TestIMAPSource_Reconcile(t *testing.T) {
	if storetest.Postgres() {
		t.Skip("SQLite only: the restore here copies the database file back")
	}
	d := testpeer.StartDovecot(t)
	ctx := context.Background()
	dataDir := t.TempDir()
	dsn := storetest.DSN(t)
	open := func() (*sqldb.DB, *sqldb.IntakeService) {
		db := sqldb.NewDB(dataDir, dsn)
		if err := db.Open(ctx); err != nil {
			t.Fatal(err)
		}
		store := sqldb.NewIntakeService(db)
		store.Letters = testWriter{}
		return db, store
	}
	sync := func(store *sqldb.IntakeService, want int) {
		t.Helper()
		src := &intake.IMAPSource{Mailbox: mailbox(t, d), Store: store}
		defer src.Close()
		if n, err := src.Sync(ctx); err != nil || n != want {
			t.Fatalf("sync took %d, %v; want %d", n, err, want)
		}
	}
	for i := range 3 {
		d.Deliver(t, "INBOX", complaintMail(i))
	}
	db, store := open()
	sync(store, 3)
	db.Close() // the last connection checkpoints the WAL into the file
	dbFile := filepath.Join(dataDir, "klachtdesk.db")
	backup, err := os.ReadFile(dbFile)
	if err != nil {
		t.Fatal(err)
	}

	// Yesterday's backup was taken; today's mail came in.
	for i := 3; i < 7; i++ {
		d.Deliver(t, "INBOX", complaintMail(i))
	}
	db, store = open()
	sync(store, 4)
	db.Close()

	// The backup is restored.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dbFile + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(dbFile, backup, 0o600); err != nil {
		t.Fatal(err)
	}
	db, store = open()
	defer db.Close()
	if n := countComplaints(t, db); n != 3 {
		t.Fatalf("restored store holds %d complaints, want 3", n)
	}
	// A fetch does not find them: they left the inbox.
	sync(store, 0)

	var results []intake.Result
	src := &intake.IMAPSource{Mailbox: mailbox(t, d), Store: store, Report: func(r intake.Result) { results = append(results, r) }}
	defer src.Close()
	n, err := src.Reconcile(ctx)
	if err != nil || n != 4 {
		t.Fatalf("reconcile took %d, %v; want 4", n, err)
	}
	for _, r := range results {
		if r.Outcome != klachtdesk.OutcomeNew || !strings.Contains(r.Source, "Klachtdesk-Verwerkt") {
			t.Errorf("reconciled %+v", r)
		}
	}
	if c, rows := countComplaints(t, db), inboundRows(t, db); c != 7 || rows["new"] != 7 || len(rows) != 1 {
		t.Errorf("after reconcile: %d complaints, intake log %v; want 7 new", c, rows)
	}
	if done, in := d.Count(t, "Klachtdesk-Verwerkt"), d.Count(t, "INBOX"); done != 7 || in != 0 {
		t.Errorf("processed %d, inbox %d; want 7 and 0: reconcile moves nothing", done, in)
	}
	// Again: nothing left to take.
	if n, err := src.Reconcile(ctx); err != nil || n != 0 {
		t.Errorf("second reconcile took %d, %v", n, err)
	}
	if c := countComplaints(t, db); c != 7 {
		t.Errorf("%d complaints after a second reconcile", c)
	}

	// Flag mode: the taken mails stay in the folder, flagged.
	mb := mailbox(t, d)
	mb.Folder, mb.Processed, mb.Quarantine = "Vlag", "-", "Vlag-Q"
	d.Deliver(t, "Vlag", complaintMail(20))
	d.Deliver(t, "Vlag", complaintMail(21))
	flagged := &intake.IMAPSource{Mailbox: mb, Store: store}
	defer flagged.Close()
	if n, err := flagged.Sync(ctx); err != nil || n != 2 {
		t.Fatalf("flag-mode sync took %d, %v", n, err)
	}
	d.Deliver(t, "Vlag", complaintMail(22)) // not taken yet: not reconcile's
	if n, err := flagged.Reconcile(ctx); err != nil || n != 0 {
		t.Errorf("flag-mode reconcile took %d, %v; want 0", n, err)
	}
}
