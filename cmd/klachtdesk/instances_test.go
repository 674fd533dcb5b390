package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/internal/mailgen"
	"github.com/klachtdesk/klachtdesk/internal/storetest"
	"github.com/klachtdesk/klachtdesk/internal/testpeer"
)

// Several instances on one database ("Two instances, one database"): the
// mails of one Dovecot mailbox are registered, and their acknowledgements
// delivered to the SMTP test peer, by two processes at once, one of which
// may be killed with -9 half-way. On PostgreSQL these are two serve
// processes on one fresh database; on SQLite, where one serve owns the data
// folder, a serve and a fetch beside it share the mailbox.

// instancesMails is how many complaint mails the two instances share.
const instancesMails = 1000

// instancesGuard bounds the wait for the two instances to finish.
const instancesGuard = 100 * time.Second

// instanceProc is one running klachtdesk process of the test.
type instanceProc struct {
	name string
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
}

// startProc starts the program with args, logging to a buffer; it is
// stopped with SIGTERM, if still running, when the test ends.
func startProc(t *testing.T, name string, args ...string) *instanceProc {
	t.Helper()
	p := &instanceProc{name: name, cmd: child(args...), out: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(hangGuard):
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("log of %s (%s):\n%s", p.name, strings.Join(args, " "), tail(p.out.String(), 3000))
		}
	})
	return p
}

// running reports whether the process has not exited.
func (p *instanceProc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// appendMails puts the mails into folder over IMAP, in one session:
// thousands of doveadm processes would take longer than the test.
func appendMails(t *testing.T, d *testpeer.Dovecot, folder string, mails []mailgen.Mail) {
	t.Helper()
	c, err := imapclient.DialInsecure(d.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(d.User, d.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	for i, m := range mails {
		cmd := c.Append(folder, int64(len(m.Raw)), nil)
		if _, err := cmd.Write(m.Raw); err != nil {
			t.Fatalf("append mail %d: %v", i, err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatalf("append mail %d: %v", i, err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatalf("append mail %d: %v", i, err)
		}
	}
	c.Logout().Wait()
}

// instancesBackend is the database the instances share: how to reach it
// from the command line and from the test.
type instancesBackend struct {
	name string
	// flags give instance i its data folder and the database.
	flags func(i int) []string
	// db reads the database behind the instances' back.
	db *sql.DB
	// second is the command of the second instance: serve, or fetch
	// where one serve owns the database (SQLite).
	second string
}

// sqliteInstances is one SQLite data folder: serve owns it, fetch works
// beside it.
func sqliteInstances(t *testing.T) *instancesBackend {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	b := &instancesBackend{name: "sqlite", second: "fetch", flags: func(int) []string { return []string{"--data", dir} }}
	mustRun(t, "", "migrate", "--data", dir)
	db, err := sql.Open("sqlite", filepath.Join(dir, "klachtdesk.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b.db = db
	return b
}

// postgresInstances is one fresh PostgreSQL schema shared by two serve
// processes, each with a data folder of its own, as on two machines.
func postgresInstances(t *testing.T) *instancesBackend {
	url := storetest.FreshSchema(t)
	dirs := []string{filepath.Join(t.TempDir(), "data-0"), filepath.Join(t.TempDir(), "data-1")}
	b := &instancesBackend{name: "postgres", second: "serve", flags: func(i int) []string { return []string{"--data", dirs[i], "--db", url} }}
	mustRun(t, "", "migrate", "--data", dirs[0], "--db", url)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b.db = db
	return b
}

// instancesRun is what one run of two instances did.
type instancesRun struct {
	elapsed              time.Duration
	deliveries, distinct int
	killed               string
}

// runInstances runs two instances over instancesMails mails in one
// mailbox and checks the outcome; with kill, the instance polling the
// mailbox is killed with -9 once about half the mails are registered.
func runInstances(t *testing.T, b *instancesBackend, kill bool) instancesRun {
	t.Helper()
	start := time.Now()
	d := testpeer.StartDovecot(t)
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	ihost, iport := hostPort(t, d.Addr)
	shost, sport := hostPort(t, srv.Addr)
	cfg := writeMailConfig(t, map[string]any{
		"imap": []map[string]any{{"host": ihost, "port": iport, "tls": "none", "username": d.User, "password": d.Password,
			"poll_interval": "1s", "lease_interval": "500ms"}},
		"smtp": map[string]any{"host": shost, "port": sport, "tls": "none", "from": "klachten@example.org", "hello_name": "localhost"},
	})
	for _, kv := range [][2]string{{"org.complaint_email", "klachten@actwebservice.nl"}, {"org.postal_address", "Postbus 1234, 3500 AB Utrecht"}} {
		mustRun(t, "", append([]string{"settings", "set", kv[0], kv[1]}, b.flags(0)...)...)
	}
	mails := mailgen.Generate(instancesMails, mailgen.Options{Seed: 12})
	appendMails(t, d, "INBOX", mails)

	// The second instance starts first, so that it takes the mailbox's
	// lease; the serve after it delivers at least.
	second := []string{b.second, "--mail-config", cfg, "--log-format", "json"}
	if b.second == "serve" {
		second = append(second, "--addr", "127.0.0.1:0")
	}
	procs := []*instanceProc{startProc(t, b.second+"-1", append(second, b.flags(1)...)...)}
	waitHolder(t, b, procs)
	procs = append(procs, startProc(t, "serve-0", append([]string{"serve", "--addr", "127.0.0.1:0", "--mail-config", cfg, "--log-format", "json"}, b.flags(0)...)...))

	run := instancesRun{}
	if kill {
		waitCount(t, b, procs, "half the mails registered", `SELECT COUNT(*) FROM complaints`, instancesMails/2)
		pid := leaseHolderPID(t, b)
		var victim *instanceProc
		for _, p := range procs {
			if p.cmd.Process.Pid == pid {
				victim = p
			}
		}
		if victim == nil {
			t.Fatalf("the mailbox's lease is held by process %d, which is none of the instances", pid)
		}
		if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-victim.done
		run.killed = victim.name
		// Letters the killed one claimed come back when their lease ends
		// (five minutes): let that time pass.
		if _, err := b.db.Exec(`UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000000000Z' WHERE state = 'queued'`); err != nil {
			t.Fatal(err)
		}
	}
	waitCount(t, b, procs, "every mail registered", `SELECT COUNT(*) FROM inbound`, instancesMails)
	waitCount(t, b, procs, "every letter sent", `SELECT COUNT(*) FROM outbox WHERE state = 'sent'`, instancesMails)
	run.elapsed = time.Since(start)

	// Every mail registered once, as a new complaint.
	if n := count(t, b, `SELECT COUNT(*) FROM inbound WHERE outcome = 'new'`); n != instancesMails {
		t.Errorf("%d mails registered as new complaints, want %d", n, instancesMails)
	}
	if n := count(t, b, `SELECT COUNT(DISTINCT fingerprint) FROM inbound`); n != instancesMails {
		t.Errorf("%d distinct mails in the intake log, want %d", n, instancesMails)
	}
	if n := d.Count(t, "Klachtdesk-Verwerkt"); n != instancesMails || d.Count(t, "INBOX") != 0 {
		t.Errorf("processed folder holds %d mails, INBOX %d; want %d and 0", n, d.Count(t, "INBOX"), instancesMails)
	}
	// References 000001–001000 of the year, no gap, no double.
	rows, err := b.db.Query(`SELECT reference FROM complaints ORDER BY reference`)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
	}
	rows.Close()
	if len(refs) != instancesMails {
		t.Fatalf("%d complaints, want %d", len(refs), instancesMails)
	}
	year := refs[0][3:7]
	for i, r := range refs {
		y, _ := strconv.Atoi(year)
		want, _ := klachtdesk.FormatReference(y, i+1)
		if r != want {
			t.Fatalf("reference %d is %s, want %s: a gap or a double", i+1, r, want)
		}
	}
	// Every letter marked sent once, and at the SMTP peer: each Message-ID
	// of ours, each letter there at least once (a letter the killed one had
	// handed over may come again, with the same Message-ID).
	if n := count(t, b, `SELECT COUNT(*) FROM events WHERE kind = 'letter_sent'`); n != instancesMails {
		t.Errorf("%d letter_sent events, want %d", n, instancesMails)
	}
	ours := map[string]bool{}
	rows, err = b.db.Query(`SELECT m.message_id FROM outbox o JOIN messages m ON m.id = o.message_row`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ours[id] = true
	}
	rows.Close()
	received := map[string]int{}
	msgs := srv.Messages()
	for _, m := range msgs {
		received[m.MessageID]++
		if !ours[m.MessageID] {
			t.Errorf("the SMTP peer received Message-ID %q, which is no letter of the outbox", m.MessageID)
		}
	}
	run.deliveries, run.distinct = len(msgs), len(received)
	if run.distinct != instancesMails {
		t.Errorf("%d distinct letters arrived, want %d", run.distinct, instancesMails)
	}
	if !kill && run.deliveries != instancesMails {
		t.Errorf("%d deliveries without a kill, want %d: a letter went out twice", run.deliveries, instancesMails)
	}
	// One chain.
	out := mustRun(t, "", append([]string{"audit", "verify"}, b.flags(0)...)...)
	t.Logf("audit verify: %s", strings.TrimSpace(out))
	// The instance that started second waited for the mailbox's lease,
	// and said so.
	if !kill && !strings.Contains(procs[1].out.String(), "another instance polls this mailbox") {
		t.Errorf("%s never waited for the mailbox's lease:\n%s", procs[1].name, tail(procs[1].out.String(), 2000))
	}
	return run
}

// waitHolder waits until one of procs holds the mailbox's lease.
func waitHolder(t *testing.T, b *instancesBackend, procs []*instanceProc) {
	t.Helper()
	waitCount(t, b, procs, "the mailbox's lease taken", `SELECT COUNT(*) FROM mailbox_leases`, 1)
}

// leaseHolderPID returns the process ID in the mailbox lease's holder
// (host/pid/random).
func leaseHolderPID(t *testing.T, b *instancesBackend) int {
	t.Helper()
	var holder string
	if err := b.db.QueryRow(`SELECT holder FROM mailbox_leases`).Scan(&holder); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(holder, "/")
	if len(parts) != 3 {
		t.Fatalf("lease holder %q is not host/pid/random", holder)
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil {
		t.Fatalf("lease holder %q: %v", holder, err)
	}
	return pid
}

// count runs a COUNT query on the shared database.
func count(t *testing.T, b *instancesBackend, query string) int {
	t.Helper()
	var n int
	if err := b.db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// waitCount waits until query counts at least want, while at least one of
// procs runs.
func waitCount(t *testing.T, b *instancesBackend, procs []*instanceProc, what, query string, want int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), instancesGuard)
	defer cancel()
	for {
		n := count(t, b, query)
		if n >= want {
			return
		}
		alive := 0
		for _, p := range procs {
			if p.running() {
				alive++
			}
		}
		if alive == 0 {
			t.Fatalf("%s: every instance exited, at %d of %d", what, n, want)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: not within %s, at %d of %d", what, instancesGuard, n, want)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestInstances_SQLite: serve and fetch share one SQLite data folder and one
// mailbox; the fetch holding the mailbox is killed half-way and serve takes
// the rest.
func TestInstances_SQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two instances over 1,000 mails")
	}
	for _, kill := range []bool{false, true} {
		t.Run(fmt.Sprintf("kill=%v", kill), func(t *testing.T) {
			r := runInstances(t, sqliteInstances(t), kill)
			t.Logf("sqlite, kill %v: %d mails in %s; %d deliveries, %d distinct letters; killed %q",
				kill, instancesMails, r.elapsed.Round(time.Millisecond), r.deliveries, r.distinct, r.killed)
		})
	}
}

// TestInstances_Postgres: two serve processes on one PostgreSQL database
// share one mailbox and one outbox; the one polling the mailbox is killed
// half-way and the other finishes. Runs when KLACHTDESK_TEST_POSTGRES is
// set; in CI its absence fails the test.
func TestInstances_Postgres(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two instances over 1,000 mails")
	}
	storetest.ServerURL(t)
	for _, kill := range []bool{false, true} {
		t.Run(fmt.Sprintf("kill=%v", kill), func(t *testing.T) {
			r := runInstances(t, postgresInstances(t), kill)
			t.Logf("postgres, kill %v: %d mails in %s; %d deliveries, %d distinct letters; killed %q",
				kill, instancesMails, r.elapsed.Round(time.Millisecond), r.deliveries, r.distinct, r.killed)
		})
	}
}
