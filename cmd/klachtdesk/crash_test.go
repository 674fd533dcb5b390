package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk/internal/mailgen"
	"github.com/klachtdesk/klachtdesk/internal/storetest"
	"github.com/klachtdesk/klachtdesk/internal/testpeer"
)

// childEnv makes the test binary run the program instead of the tests, so
// that crash tests can kill a real process without building one.
const childEnv = "KLACHTDESK_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(NewMain().Execute(context.Background(), os.Args[1:]))
	}
	os.Exit(m.Run())
}

// child returns the program as a process with args.
func child(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	return cmd
}

// crashRuns is the number of kill -9 injections of a crash test:
// KLACHTDESK_CRASH_RUNS, or def.
func crashRuns(t *testing.T, def int) int {
	if s := os.Getenv("KLACHTDESK_CRASH_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("KLACHTDESK_CRASH_RUNS=%q is not a positive number", s)
		}
		return n
	}
	return def
}

// intakeState is what a data folder holds after intake, for comparing a
// crashed-and-resumed run with a clean one.
type intakeState struct {
	inbound    int            // mails recorded
	outcomes   map[string]int // per outcome
	complaints int
	letters    int
}

func readIntakeState(t *testing.T, dataDir string) intakeState {
	t.Helper()
	return readIntakeStateOf(t, dataDir, "")
}

// readIntakeStateOf is readIntakeState of the store at dsn: the SQLite file
// in dataDir when dsn is "", else the PostgreSQL database it names. On
// PostgreSQL every blob is in the database, and audit verify checks each.
func readIntakeStateOf(t *testing.T, dataDir, dsn string) intakeState {
	t.Helper()
	driver, source := "sqlite", filepath.Join(dataDir, "klachtdesk.db")+"?mode=ro&_pragma=busy_timeout(10000)"
	if dsn != "" {
		driver, source = "pgx", dsn
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st := intakeState{outcomes: map[string]int{}}
	for _, q := range []struct {
		sql string
		dst *int
	}{
		{`SELECT COUNT(*) FROM inbound`, &st.inbound},
		{`SELECT COUNT(*) FROM complaints`, &st.complaints},
		{`SELECT COUNT(*) FROM outbox`, &st.letters},
	} {
		if err := db.QueryRow(q.sql).Scan(q.dst); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	rows, err := db.Query(`SELECT outcome, COUNT(*) FROM inbound GROUP BY outcome`)
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
		st.outcomes[o] = n
	}
	// Every recorded mail's raw bytes are stored, and every complaint
	// came from exactly one recorded mail.
	var missing, orphans, doubled int
	rows, err = db.Query(`SELECT raw_sha256 FROM inbound i WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = i.raw_sha256)`)
	if err != nil {
		t.Fatal(err)
	}
	for dsn == "" && rows.Next() {
		var sum string
		if err := rows.Scan(&sum); err != nil {
			t.Fatal(err)
		}
		// Large contents are files of the blob store.
		if _, err := os.Stat(filepath.Join(dataDir, "blobs", sum[:2], sum[2:4], sum)); err != nil {
			missing++
		}
	}
	rows.Close()
	if err := db.QueryRow(`SELECT COUNT(*) FROM complaints c WHERE NOT EXISTS (SELECT 1 FROM inbound i WHERE i.complaint_id = c.id AND i.outcome = 'new')`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM (SELECT complaint_id FROM inbound WHERE outcome = 'new' GROUP BY complaint_id HAVING COUNT(*) > 1) AS d`).Scan(&doubled); err != nil {
		t.Fatal(err)
	}
	if missing+orphans+doubled > 0 {
		t.Errorf("%s: %d mails without raw bytes, %d complaints without their mail, %d complaints from two mails", dataDir, missing, orphans, doubled)
	}
	return st
}

// verifyAudit runs audit verify on dataDir.
func verifyAudit(t *testing.T, dataDir string, db ...string) {
	t.Helper()
	out, err := child(append([]string{"audit", "verify", "--data", dataDir}, dbFlag(db...)...)...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "audit trail intact") {
		t.Errorf("audit verify on %s: %v\n%s", dataDir, err, out)
	}
}

// dbFlag returns the --db flag of a child for the DSN in db, if any.
func dbFlag(db ...string) []string {
	if len(db) == 0 || db[0] == "" {
		return nil
	}
	return []string{"--db", db[0]}
}

// killAfter starts cmd, kills it with SIGKILL after d (unless it ended
// before) and reports whether the kill hit a running process.
func killAfter(t *testing.T, cmd *exec.Cmd, d time.Duration) bool {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return false
	case <-time.After(d):
		cmd.Process.Signal(syscall.SIGKILL)
		select {
		case <-done:
		case <-time.After(hangGuard):
			t.Fatal("killed child did not end")
		}
		return true
	}
}

// TestCrashImport kills imports of 300 mails at random moments with
// SIGKILL and resumes each: afterwards every mail is recorded exactly once
// with its raw bytes, the outcomes equal those of an uninterrupted import,
// and the audit trail verifies.
func TestCrashImport(t *testing.T) {
	if testing.Short() {
		t.Skip("crash injection is not short")
	}
	crashImport(t, crashRuns(t, 80), func(testing.TB) string { return "" })
}

// TestCrashImportPostgres is TestCrashImport on PostgreSQL, each run in a
// schema of its own: fewer runs, for a schema costs a second to make.
func TestCrashImportPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("crash injection is not short")
	}
	storetest.ServerURL(t)
	crashImport(t, crashRuns(t, 10), storetest.FreshSchema)
}

// crashImport kills imports at random moments, runs times, each into the
// store at newDSN(t) ("" for SQLite in the run's data folder).
func crashImport(t *testing.T, runs int, newDSN func(testing.TB) string) {
	// 290 mails with noise, and 10 with a 200 KB attachment, whose
	// contents go to files of the blob store rather than the database.
	mails := mailgen.Generate(290, mailgen.Options{Seed: 42, Noise: true})
	mails = append(mails, mailgen.Generate(10, mailgen.Options{Seed: 43, AttachmentShare: 1, AttachmentSize: 200 << 10,
		Start: time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)})...)
	src := t.TempDir()
	// Half the mails as .eml files, half in one mbox.
	for i, m := range mails[:150] {
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("%03d.eml", i)), m.Raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(src, "zz-rest.mbox"), mailgen.Mbox(mails[150:]), 0o600); err != nil {
		t.Fatal(err)
	}

	// The reference: one uninterrupted import.
	refDir, refDSN := filepath.Join(t.TempDir(), "ref"), newDSN(t)
	start := time.Now()
	if out, err := child(append([]string{"import", "--data", refDir, src}, dbFlag(refDSN)...)...).CombinedOutput(); err != nil {
		t.Fatalf("reference import: %v\n%s", err, out)
	}
	full := time.Since(start)
	want := readIntakeStateOf(t, refDir, refDSN)
	if want.inbound != 300-countKind(mails, mailgen.Duplicate) || want.complaints == 0 {
		t.Fatalf("reference import recorded %+v", want)
	}

	rng := rand.New(rand.NewPCG(7, 11))
	hits := 0
	for run := range runs {
		dir, dsn := filepath.Join(t.TempDir(), "data"), newDSN(t)
		batch := []string{"1", "10", "50"}[run%3]
		delay := time.Duration(rng.Int64N(int64(full)))
		args := append([]string{"import", "--data", dir, "--batch", batch}, dbFlag(dsn)...)
		if killAfter(t, child(append(args, src)...), delay) {
			hits++
		}
		if out, err := child(append(args, src)...).CombinedOutput(); err != nil {
			t.Fatalf("run %d: resume after a kill at %s: %v\n%s", run, delay, err, out)
		}
		got := readIntakeStateOf(t, dir, dsn)
		if got.inbound != want.inbound || got.complaints != want.complaints || got.letters != want.letters || fmt.Sprint(got.outcomes) != fmt.Sprint(want.outcomes) {
			t.Errorf("run %d (batch %s, killed after %s): got %+v, want %+v", run, batch, delay, got, want)
		}
		verifyAudit(t, dir, dsn)
	}
	t.Logf("%d runs, %d kills hit a running import (a full import takes %s)", runs, hits, full.Round(time.Millisecond))
	if hits < runs/2 {
		t.Errorf("only %d of %d kills hit a running import", hits, runs)
	}
}

func countKind(mails []mailgen.Mail, k mailgen.Kind) int {
	n := 0
	for _, m := range mails {
		if m.Kind == k {
			n++
		}
	}
	return n
}

// TestCrashIMAP kills IMAP intake (klachtdesk fetch) at random moments while
// it takes mail from a real Dovecot, and resumes it: every mail is taken
// exactly once, moved out of the inbox only after its commit, its raw bytes
// stored, and the audit trail verifies.
func TestCrashIMAP(t *testing.T) {
	if testing.Short() {
		t.Skip("crash injection is not short")
	}
	runs := crashRuns(t, 30)
	d := testpeer.StartDovecot(t)
	host, port := hostPort(t, d.Addr)
	cfg := writeMailConfig(t, map[string]any{"imap": []map[string]any{{
		"host": host, "port": port, "tls": "none", "username": d.User, "password": d.Password,
	}}})
	dir := filepath.Join(t.TempDir(), "data")
	rng := rand.New(rand.NewPCG(13, 17))
	const perRun = 40
	total, hits := 0, 0
	full := 300 * time.Millisecond // how long a fetch of one run's mail takes; measured below
	for run := range runs {
		for _, m := range mailgen.Generate(perRun, mailgen.Options{Seed: uint64(1000 + run), Start: time.Date(2026, 3, 2, 8, run, 0, 0, time.UTC)}) {
			d.Deliver(t, "INBOX", m.Raw)
		}
		total += perRun
		if killAfter(t, child("fetch", "--once", "--data", dir, "--mail-config", cfg), time.Duration(rng.Int64N(int64(full)))) {
			hits++
		} else {
			// The kill came too late: the next run's mails are taken by
			// a fetch that is killed sooner.
			full = full * 3 / 4
		}
		start := time.Now()
		if out, err := child("fetch", "--once", "--data", dir, "--mail-config", cfg).CombinedOutput(); err != nil {
			t.Fatalf("run %d: resume: %v\n%s", run, err, out)
		}
		if run == 0 {
			full = max(full, time.Since(start))
		}
		st := readIntakeState(t, dir)
		if st.inbound != total || st.complaints != total || d.Count(t, "INBOX") != 0 || d.Count(t, "Klachtdesk-Verwerkt") != total {
			t.Fatalf("run %d: %d mails delivered; store %+v, INBOX %d, processed %d",
				run, total, st, d.Count(t, "INBOX"), d.Count(t, "Klachtdesk-Verwerkt"))
		}
		verifyAudit(t, dir)
	}
	t.Logf("%d runs, %d kills hit a running fetch", runs, hits)
	if hits < runs/2 {
		t.Errorf("only %d of %d kills hit a running fetch", hits, runs)
	}
}
