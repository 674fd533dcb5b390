package sqldb_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// dataFolderWithComplaints makes a data folder holding n complaints (one
// with an attachment-sized mail in the blob store), closed cleanly.
func dataFolderWithComplaints(t *testing.T, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	db := sqldb.NewDB(dir, "")
	db.Now = func() time.Time { return testNow }
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), fmt.Sprintf("k%d@example.org", i)))
	}
	big := mail("groot@example.org", "big@mail.example", "Grote mail", strings.Repeat("Lange klacht. ", 20_000))
	mustTake(t, newIntake(db), big, testNow.Add(-time.Hour))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// freeze makes every folder under dir mode 0555 and every file 0444, as a
// restored backup or a read-only mount looks, and undoes it when the test
// ends so that the temporary folder can be removed.
func freeze(t *testing.T, dir string) {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, p)
			return nil
		}
		return os.Chmod(p, 0o444)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := os.Chmod(dirs[i], 0o555); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, d := range dirs {
			os.Chmod(d, 0o755)
		}
	})
}

// snapshot lists every file under dir with its mode and SHA-256, and every
// folder with its mode and modification time.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			lines = append(lines, fmt.Sprintf("%s/ %v %s", rel, fi.Mode(), fi.ModTime().Format(time.RFC3339Nano)))
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("%s %v %d %s", rel, fi.Mode(), fi.Size(), hex.EncodeToString(h.Sum(nil))))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func openReadOnly(t *testing.T, dir string) *sqldb.DB {
	t.Helper()
	db := sqldb.NewDB(dir, "")
	db.ReadOnly = true
	db.Now = func() time.Time { return testNow }
	if err := db.Open(context.Background()); err != nil {
		t.Fatalf("open read-only: %v", err)
	}
	return db
}

// TestDB_ReadOnly_FrozenFolder: a data folder whose folders are 0555 and
// files 0444 (a restored backup) opens read-only: the read commands' calls
// work, every write is refused with ErrReadOnly, and afterwards not one
// byte, file or folder has changed: no -wal or -shm file, no migration.
func TestDB_ReadOnly_FrozenFolder(t *testing.T) {
	sqliteOnly(t)
	dir := dataFolderWithComplaints(t, 3)
	freeze(t, dir)
	before := snapshot(t, dir)
	if strings.Contains(before, "-wal") || strings.Contains(before, "-shm") {
		t.Fatalf("a cleanly closed database left its WAL files:\n%s", before)
	}

	db := openReadOnly(t, dir)
	ctx := context.Background()
	complaints := sqldb.NewComplaintService(db)
	cs, total, err := complaints.FindComplaints(ctx, klachtdesk.ComplaintFilter{})
	if err != nil || total != 4 || len(cs) != 4 {
		t.Fatalf("complaint list: %d of %d, %v", len(cs), total, err)
	}
	if c, err := complaints.FindComplaintByReference(ctx, "kl-2026-000001"); err != nil || c.Complainant == nil {
		t.Errorf("show: %v, %v", c, err)
	}
	if _, err := sqldb.NewMessageService(db).ComplaintMessages(ctx, "KL-2026-000004"); err != nil {
		t.Errorf("messages: %v", err)
	}
	if report, err := sqldb.NewAuditService(db).VerifyAudit(ctx); err != nil || report.Break != nil || report.Events == 0 {
		t.Errorf("audit verify: %+v, %v", report, err)
	}
	if _, err := sqldb.NewSettingsService(db).Settings(ctx); err != nil {
		t.Errorf("settings get: %v", err)
	}
	if v, err := db.SchemaVersion(ctx); err != nil || v < 6 {
		t.Errorf("schema version %d, %v", v, err)
	}

	writes := map[string]error{}
	_, writes["complaint add"] = complaints.CreateComplaint(ctx, newComplaint(testNow.Add(-time.Hour), "nieuw@example.org"))
	_, writes["act"] = complaints.Act(ctx, "KL-2026-000001", klachtdesk.Acknowledge{})
	big := mail("ander@example.org", "big2@mail.example", "Nog een grote mail", strings.Repeat("Andere klacht. ", 20_000))
	_, writes["intake"] = newIntake(db).Take(ctx, "test", testNow, raw(big), big)
	_, writes["settings set"] = sqldb.NewSettingsService(db).SetSetting(ctx, "answer.term_days", "21")
	for what, err := range writes {
		if !errors.Is(err, sqldb.ErrReadOnly) || klachtdesk.ErrorCode(err) != klachtdesk.EFORBIDDEN ||
			!strings.Contains(klachtdesk.ErrorMessage(err), "read-only") || !strings.Contains(klachtdesk.ErrorMessage(err), "alleen-lezen") {
			t.Errorf("%s on a read-only database: %v, want ErrReadOnly", what, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("the read-only open changed the folder:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestDB_ReadOnly_BesideWriter: on a folder a server is writing in, a
// read-only open reads through the write-ahead log (mode=ro), sees what the
// writer commits, and still writes nothing.
func TestDB_ReadOnly_BesideWriter(t *testing.T) {
	w := MustOpenDB(t)
	ctx := context.Background()
	mustCreateComplaint(t, w, newComplaint(testNow.Add(-time.Hour), "a@example.org"))
	r := sqldb.NewDB(w.DataDir(), w.DSN())
	r.ReadOnly = true
	if err := r.Open(ctx); err != nil {
		t.Fatalf("open read-only: %v", err)
	}
	defer r.Close()
	count := func() int {
		t.Helper()
		_, n, err := sqldb.NewComplaintService(r).FindComplaints(ctx, klachtdesk.ComplaintFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 1 {
		t.Fatalf("reader sees %d complaints, want 1", n)
	}
	mustCreateComplaint(t, w, newComplaint(testNow.Add(-time.Hour), "b@example.org"))
	if n := count(); n != 2 {
		t.Errorf("after the writer's commit the reader sees %d complaints, want 2", n)
	}
	if _, err := sqldb.NewComplaintService(r).CreateComplaint(ctx, newComplaint(testNow, "c@example.org")); !errors.Is(err, sqldb.ErrReadOnly) {
		t.Errorf("write through the reader: %v", err)
	}
}

// TestDB_ReadOnly_Refusals: a read-only open creates nothing that is
// missing and says why it cannot read.
func TestDB_ReadOnly_Refusals(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	t.Run("no data folder", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "missing")
		db := sqldb.NewDB(dir, "")
		db.ReadOnly = true
		if err := db.Open(ctx); err == nil || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open = %v, want not exist", err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the read-only open created %s", dir)
		}
	})
	t.Run("no database in the folder", func(t *testing.T) {
		dir := t.TempDir()
		db := sqldb.NewDB(dir, "")
		db.ReadOnly = true
		if err := db.Open(ctx); err == nil || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open = %v, want not exist", err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("the read-only open created %v", entries)
		}
	})
	t.Run("migrations pending", func(t *testing.T) {
		dir := dataFolderWithComplaints(t, 1)
		raw, err := sqldbRaw(filepath.Join(dir, "klachtdesk.db"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`DELETE FROM goose_db_version WHERE version_id = (SELECT MAX(version_id) FROM goose_db_version)`); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		freeze(t, dir)
		before := snapshot(t, dir)
		db := sqldb.NewDB(dir, "")
		db.ReadOnly = true
		if err := db.Open(ctx); err == nil || !strings.Contains(err.Error(), "klachtdesk migrate") {
			t.Errorf("Open = %v, want an error that says to migrate", err)
		}
		if after := snapshot(t, dir); after != before {
			t.Errorf("the refused open changed the folder:\n%s\n%s", before, after)
		}
	})
	t.Run("uncheckpointed log in a read-only folder", func(t *testing.T) {
		dir := dataFolderWithComplaints(t, 1)
		// A copy taken while a server ran: the database file, and a WAL
		// holding a commit that is not in it yet, without the -shm file.
		path := filepath.Join(dir, "klachtdesk.db")
		raw, err := sqldbRaw(path + "?_pragma=journal_mode(WAL)&_pragma=wal_autocheckpoint(0)")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`INSERT INTO reference_counters (year, last) VALUES (1999, 1)`); err != nil {
			t.Fatal(err)
		}
		copyDir := filepath.Join(t.TempDir(), "copy")
		if err := os.Mkdir(copyDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"klachtdesk.db", "klachtdesk.db-wal"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(copyDir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		raw.Close()
		freeze(t, copyDir)
		before := snapshot(t, copyDir)
		db := sqldb.NewDB(copyDir, "")
		db.ReadOnly = true
		if err := db.Open(ctx); err == nil || !strings.Contains(err.Error(), "-shm") || !strings.Contains(err.Error(), "writable") {
			t.Errorf("Open = %v, want an error naming the missing -shm file and what to do", err)
		}
		if after := snapshot(t, copyDir); after != before {
			t.Errorf("the refused open changed the folder:\n%s\n%s", before, after)
		}
	})
}

// sqldbRaw opens a database file behind the store's back.
func sqldbRaw(dsn string) (*sql.DB, error) { return sql.Open("sqlite", dsn) }
