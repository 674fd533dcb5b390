package sqldb_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/internal/storetest"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// openAt opens the store in dir, with the test clock.
func openAt(t *testing.T, dir string, exclusive bool) (*sqldb.DB, error) {
	t.Helper()
	db := sqldb.NewDB(dir, "")
	db.Now = func() time.Time { return testNow }
	db.Exclusive = exclusive
	if err := db.Open(context.Background()); err != nil {
		return nil, err
	}
	t.Cleanup(func() { db.Close() })
	return db, nil
}

// One process owns a data folder (serve): a second owner is refused at
// once, naming the owner; a process that does not own it (import) works
// beside the owner; once the owner closes, another may own the folder.
func TestOpen_OwnerLock(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	owner, err := openAt(t, dir, true)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = openAt(t, dir, true)
	var owned *sqldb.OwnedError
	if !errors.As(err, &owned) {
		t.Fatalf("second owner: err = %v, want *OwnedError", err)
	}
	if owned.PID != os.Getpid() || owned.Dir != dir {
		t.Errorf("OwnedError = %+v, want PID %d and folder %s", owned, os.Getpid(), dir)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the second owner waited %v; it must be refused at once", d)
	}

	beside, err := openAt(t, dir, false)
	if err != nil {
		t.Fatalf("a writer beside the owner: %v", err)
	}
	mustCreateComplaint(t, beside, newComplaint(testNow, "beside@example.org"))
	mustCreateComplaint(t, owner, newComplaint(testNow, "owner@example.org"))
	if n := countQuery(t, owner, `SELECT COUNT(*) FROM complaints`); n != 2 {
		t.Errorf("%d complaints, want 2", n)
	}

	MustCloseDB(t, owner)
	again, err := openAt(t, dir, true)
	if err != nil {
		t.Fatalf("owner after the first closed: %v", err)
	}
	MustCloseDB(t, again)
}

// Migrations run in one process at a time: many stores opened together on
// a new folder all end at the newest schema, none failing half-way.
func TestOpen_MigrationsSerialised(t *testing.T) {
	for run := range 5 {
		dir := filepath.Join(t.TempDir(), fmt.Sprint("data", run))
		dsn := storetest.DSN(t) // a fresh schema on PostgreSQL
		var wg sync.WaitGroup
		errs := make(chan error, 6)
		for range 6 {
			wg.Go(func() {
				db := sqldb.NewDB(dir, dsn)
				if err := db.Open(context.Background()); err != nil {
					errs <- err
					return
				}
				errs <- db.Close()
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("run %d: %v", run, err)
			}
		}
	}
}

// damagePage overwrites page n (0-based) of the SQLite file with garbage.
func damagePage(t *testing.T, path string, n int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, 4096), n*4096); err != nil {
		t.Fatal(err)
	}
}

// copyFile copies src to dst.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A database file with a damaged page is refused by a process that would
// write, without a byte of it changed; audit verify's quick_check names
// the damage; restoring the backup brings everything back.
func TestOpen_RefusesDamagedDatabase(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	db, err := openAt(t, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		mustCreateComplaint(t, db, newComplaint(testNow, fmt.Sprintf("c%d@example.org", i)))
	}
	MustCloseDB(t, db)
	path := filepath.Join(dir, "klachtdesk.db")
	backup := filepath.Join(t.TempDir(), "backup.db")
	copyFile(t, path, backup)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	damagePage(t, path, fi.Size()/4096/2)
	damaged, _ := os.ReadFile(path)

	_, err = openAt(t, dir, true)
	var de *sqldb.DamagedError
	if !errors.As(err, &de) || de.Path != path {
		t.Fatalf("open of a damaged database: err = %v, want *DamagedError for %s", err, path)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, damaged) {
		t.Error("the refused open changed the database file")
	}

	ro := sqldb.NewDB(dir, "")
	ro.ReadOnly = true
	if err := ro.Open(context.Background()); err != nil {
		t.Fatalf("read-only open of a damaged database (to read what is left): %v", err)
	}
	check, err := sqldb.NewAuditService(ro).CheckStore(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(check.Integrity) == 0 {
		t.Error("quick_check found nothing in a damaged database")
	}
	MustCloseDB(t, ro)

	copyFile(t, backup, path)
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	db, err = openAt(t, dir, true)
	if err != nil {
		t.Fatalf("open after the restore: %v", err)
	}
	if n := countQuery(t, db, `SELECT COUNT(*) FROM complaints`); n != 40 {
		t.Errorf("%d complaints after the restore, want 40", n)
	}
}

// Above the size for a full quick_check at every start, the cheap check
// still finds a damaged schema page.
func TestOpen_CheapCheck(t *testing.T) {
	sqliteOnly(t)
	sqldb.SetFullCheckMaxSize(t, 0)
	dir := t.TempDir()
	db, err := openAt(t, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	mustCreateComplaint(t, db, newComplaint(testNow, "c@example.org"))
	MustCloseDB(t, db)
	if _, err := openAt(t, dir, false); err != nil {
		t.Fatalf("cheap check of a sound database: %v", err)
	}
	path := filepath.Join(dir, "klachtdesk.db")
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(bytes.Repeat([]byte{0xA5}, 4096-100), 100) // page 1 after the header: the schema
	f.Close()
	_, err = openAt(t, dir, false)
	var de *sqldb.DamagedError
	if !errors.As(err, &de) {
		t.Fatalf("cheap check of a damaged schema page: err = %v, want *DamagedError", err)
	}
}

// The anchor log: every recorded head is a line; a restored older backup
// has lost the last anchor's event, which is reported (no new anchor is
// recorded over it) until the operator accepts the restore.
func TestAnchors_LostTail(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := openAt(t, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	audit := sqldb.NewAuditService(db)
	if a, err := audit.LastAnchor(ctx); err != nil || a != nil {
		t.Fatalf("LastAnchor of a new folder = %v, %v; want none", a, err)
	}
	fillAudit(t, db)
	first, err := audit.RecordAnchor(ctx, verify(t, db), klachtdesk.AnchorVerify)
	if err != nil {
		t.Fatal(err)
	}
	MustCloseDB(t, db)
	path := filepath.Join(dir, "klachtdesk.db")
	backup := filepath.Join(t.TempDir(), "backup.db")
	copyFile(t, path, backup)

	db, err = openAt(t, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	audit = sqldb.NewAuditService(db)
	mustCreateComplaint(t, db, newComplaint(testNow, "late@example.org"))
	report := verify(t, db)
	second, err := audit.RecordAnchor(ctx, report, klachtdesk.AnchorServe)
	if err != nil {
		t.Fatal(err)
	}
	if second.EventID <= first.EventID {
		t.Fatalf("second anchor %v not after the first %v", second, first)
	}
	if last, err := audit.LastAnchor(ctx); err != nil || *last != *second {
		t.Fatalf("LastAnchor = %v, %v; want %v", last, err, second)
	}
	MustCloseDB(t, db)

	// Restore yesterday's backup.
	copyFile(t, backup, path)
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	db, err = openAt(t, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	audit = sqldb.NewAuditService(db)
	report = verify(t, db)
	if report.Break != nil {
		t.Fatalf("the restored chain is self-consistent, yet: %+v", report.Break)
	}
	if _, err := audit.EventHash(ctx, second.EventID); klachtdesk.ErrorCode(err) != klachtdesk.ENOTFOUND {
		t.Errorf("EventHash of the lost anchor: %v, want ENOTFOUND", err)
	}
	_, err = audit.RecordAnchor(ctx, report, klachtdesk.AnchorServe)
	if klachtdesk.ErrorCode(err) != klachtdesk.ECONFLICT || !strings.Contains(err.Error(), "lost its tail") {
		t.Fatalf("anchor over a lost tail: %v, want ECONFLICT naming the lost tail", err)
	}
	if last, _ := audit.LastAnchor(ctx); *last != *second {
		t.Errorf("the refused anchor changed the log: last = %v", last)
	}

	// The operator accepts the restore; anchors go on from there.
	if _, err := audit.RecordAnchor(ctx, report, klachtdesk.AnchorAccepted); err != nil {
		t.Fatal(err)
	}
	mustCreateComplaint(t, db, newComplaint(testNow, "again@example.org"))
	if _, err := audit.RecordAnchor(ctx, verify(t, db), klachtdesk.AnchorServe); err != nil {
		t.Fatalf("anchor after the accepted restore: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, klachtdesk.AnchorLogName))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) != 4 {
		t.Errorf("anchor log holds %d lines, want 4:\n%s", len(lines), b)
	}
}

// A rewritten trail (consistent, every hash recomputed) no longer holds
// the last anchor's hash; a line cut short by a crash is skipped and does
// not swallow the next.
func TestAnchors_RewrittenAndTornLine(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	audit := sqldb.NewAuditService(db)
	fillAudit(t, db)
	a, err := audit.RecordAnchor(ctx, verify(t, db), klachtdesk.AnchorVerify)
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(db.DataDir(), klachtdesk.AnchorLogName)
	f, err := os.OpenFile(log, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("2026-03-02T09:00:00Z 99 abc")
	f.Close()
	if last, err := audit.LastAnchor(ctx); err != nil || *last != *a {
		t.Fatalf("LastAnchor with a torn last line = %v, %v; want %v", last, err, a)
	}
	if _, err := audit.RecordAnchor(ctx, verify(t, db), klachtdesk.AnchorVerify); err != nil {
		t.Fatal(err)
	}
	if last, err := audit.LastAnchor(ctx); err != nil || last.EventID != a.EventID || last.At != a.At {
		t.Fatalf("LastAnchor after a torn line = %v, %v", last, err)
	}

	// Rewrite the last event and re-seal it, as someone with the file could.
	tamper(t, db, `DROP TRIGGER events_no_update`)
	raw := rawDB(t, db)
	var e klachtdesk.Event
	var at, before, after string
	if err := raw.QueryRow(`SELECT id, COALESCE(complaint_id, 0), kind, actor_id, actor, at, before, after, prev_hash FROM events WHERE id = ?`, a.EventID).
		Scan(&e.ID, &e.ComplaintID, &e.Kind, &e.ActorID, &e.Actor, &at, &before, &after, &e.PrevHash); err != nil {
		t.Fatal(err)
	}
	e.At, _ = time.Parse("2006-01-02T15:04:05.000000000Z", at)
	e.Before, e.After, e.Actor = []byte(before), []byte(after), "mallory"
	e.Seal(e.PrevHash)
	tamper(t, db, fmt.Sprintf(`UPDATE events SET actor = 'mallory', hash = '%s' WHERE id = %d`, e.Hash, e.ID),
		fmt.Sprintf(`UPDATE audit_head SET last_hash = '%s'`, e.Hash))
	report := verify(t, db)
	if report.Break != nil {
		t.Fatalf("a consistent rewrite passes the chain alone, yet: %+v", report.Break)
	}
	_, err = audit.RecordAnchor(ctx, report, klachtdesk.AnchorServe)
	if klachtdesk.ErrorCode(err) != klachtdesk.ECONFLICT || !strings.Contains(err.Error(), "rewritten") {
		t.Fatalf("anchor over a rewritten trail: %v, want ECONFLICT naming the rewrite", err)
	}
}

// RunAnchors records an anchor at once and on every tick, logs it, and
// stops with its context.
func TestAnchors_Loop(t *testing.T) {
	db := MustOpenDB(t)
	fillAudit(t, db)
	var logged syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		sqldb.NewAuditService(db).RunAnchors(ctx, time.Millisecond, slogTo(&logged))
	}()
	log := filepath.Join(db.DataDir(), klachtdesk.AnchorLogName)
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(log)
		if strings.Count(string(b), "\n") >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("RunAnchors recorded too few anchors:\n%s", b)
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if !strings.Contains(logged.String(), "audit anchor") {
		t.Errorf("RunAnchors logged no anchor:\n%s", logged.String())
	}
}

// Every blob a row refers to is checked: a deleted attachment file and a
// changed one are named with their complaint, a changed raw mail in the
// blobs table with its inbound row; put back, the check is clean again.
func TestCheckStore_Blobs(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	audit := sqldb.NewAuditService(db)
	c := mustCreateComplaint(t, db, newComplaint(testNow, "jan@example.org"))
	err := sqldb.NewMessageService(db).AddMessage(ctx, c.Reference, &klachtdesk.Message{
		Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail, Text: "zie bijlagen",
	}, []klachtdesk.NewAttachment{
		{Filename: "factuur.pdf", ContentType: "application/pdf", Content: strings.NewReader("%PDF factuur")},
		{Filename: "foto.jpg", ContentType: "image/jpeg", Content: strings.NewReader("JFIF foto")},
	})
	if err != nil {
		t.Fatal(err)
	}
	in := newIntake(db)
	r := mustTake(t, in, mail("piet@example.org", "m1@example.org", "Klacht", "Mijn pakket kwam niet."), testNow)

	check, err := audit.CheckStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !check.OK() || check.Blobs < 3 {
		t.Fatalf("sound store: %+v", check)
	}

	dir := db.DataDir()
	blobFile := func(content string) string {
		sum := sha256Hex(content)
		return filepath.Join(dir, "blobs", sum[0:2], sum[2:4], sum)
	}
	pdf, jpg := blobFile("%PDF factuur"), blobFile("JFIF foto")
	pdfBytes, _ := os.ReadFile(pdf)
	if err := os.Remove(pdf); err != nil {
		t.Fatal(err)
	}
	jpgBytes, _ := os.ReadFile(jpg)
	flipped := bytes.Clone(jpgBytes)
	flipped[2] ^= 1
	if err := os.WriteFile(jpg, flipped, 0o600); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, db)
	var rawSum string
	if err := raw.QueryRow(`SELECT raw_sha256 FROM inbound WHERE complaint_id = (SELECT id FROM complaints WHERE reference = ?)`, r.Reference).Scan(&rawSum); err != nil {
		t.Fatal(err)
	}
	var rawData []byte
	if err := raw.QueryRow(`SELECT data FROM blobs WHERE sha256 = ?`, rawSum).Scan(&rawData); err != nil {
		t.Fatalf("the raw mail is not in the blobs table: %v", err)
	}
	if _, err := raw.Exec(`UPDATE blobs SET data = ? WHERE sha256 = ?`, append(bytes.Clone(rawData), 'x'), rawSum); err != nil {
		t.Fatal(err)
	}

	check, err = audit.CheckStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range check.Problems {
		for _, u := range p.Uses {
			state := "changed"
			if p.Missing {
				state = "missing"
			}
			got[fmt.Sprintf("%s %s %s %s", u.Kind, u.Reference, u.Filename, state)] = p.SHA256
		}
	}
	for _, want := range []string{
		klachtdesk.BlobAttachment + " " + c.Reference + " factuur.pdf missing",
		klachtdesk.BlobAttachment + " " + c.Reference + " foto.jpg changed",
		klachtdesk.BlobInboundRaw + " " + r.Reference + "  changed",
	} {
		if _, ok := got[want]; !ok {
			t.Errorf("CheckStore does not report %q; it reports %v", want, got)
		}
	}
	if len(check.Integrity) != 0 {
		t.Errorf("quick_check of a sound file: %v", check.Integrity)
	}

	// Restored from the backup, the store checks clean.
	os.WriteFile(pdf, pdfBytes, 0o600)
	os.WriteFile(jpg, jpgBytes, 0o600)
	if _, err := raw.Exec(`UPDATE blobs SET data = ? WHERE sha256 = ?`, rawData, rawSum); err != nil {
		t.Fatal(err)
	}
	if check, err = audit.CheckStore(ctx); err != nil || !check.OK() {
		t.Errorf("after the restore: %+v, %v", check, err)
	}
}

// syncBuffer is a bytes.Buffer safe for a logger in another goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// slogTo returns a logger writing text to w.
func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// sha256Hex returns the hex SHA-256 of s.
func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
