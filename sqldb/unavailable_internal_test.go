package sqldb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/klachtdesk/klachtdesk"
	"modernc.org/sqlite"
)

// TestDialect_Unavailable checks that failures of the store itself are
// EUNAVAILABLE, keeping their cause, and that other errors are not.
func TestDialect_Unavailable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// A database that may not grow past its size: SQLite's own "database
	// or disk is full" (SQLITE_FULL), on every pooled connection.
	db := NewDB(dir, "file:"+filepath.Join(dir, "small.db")+"?_pragma=max_page_count(200)")
	if err := db.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	kinds := map[string]int{}
	db.StoreError = func(kind string) { kinds[kind]++ }

	write := func(stmt string) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.exec(ctx, stmt); err != nil {
			return err
		}
		return tx.Commit()
	}
	// Fill the database until it refuses.
	var full error
	for i := 0; i < 1000 && full == nil; i++ {
		full = write(fmt.Sprintf(`INSERT INTO settings (key, value) VALUES ('fill%d', hex(randomblob(8000)))`, i))
	}
	if got := klachtdesk.ErrorCode(full); got != klachtdesk.EUNAVAILABLE {
		t.Fatalf("full database: code %q (%v), want %q", got, full, klachtdesk.EUNAVAILABLE)
	}
	var se *sqlite.Error
	if !errors.As(full, &se) {
		t.Errorf("the SQLite error is lost from %v", full)
	}
	if !strings.Contains(klachtdesk.ErrorMessage(full), "disk is full") {
		t.Errorf("message %q does not say the disk is full", klachtdesk.ErrorMessage(full))
	}
	// The store-error metric is told, once per failure met.
	if kinds["disk_full"] != 1 || len(kinds) != 1 {
		t.Errorf("StoreError was told %v, want disk_full once", kinds)
	}

	// Not the store's failure: a constraint or a syntax error stays as it was.
	if err := write(`INSERT INTO settings (key, value) VALUES ('b', NULL)`); klachtdesk.ErrorCode(err) != klachtdesk.EINTERNAL {
		t.Errorf("constraint: code %q, want internal", klachtdesk.ErrorCode(err))
	}

	// A blob-store file write meeting a full or read-only file system.
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EROFS, syscall.EIO} {
		cause := &fs.PathError{Op: "write", Path: "blobs/tmp/blob-1", Err: errno}
		err := db.dialect.unavailable(fmt.Errorf("store blob: %w", cause))
		if klachtdesk.ErrorCode(err) != klachtdesk.EUNAVAILABLE || !errors.Is(err, errno) {
			t.Errorf("%v: code %q, errors.Is %v", errno, klachtdesk.ErrorCode(err), errors.Is(err, errno))
		}
		// Marked once, however often it passes.
		if again := db.dialect.unavailable(err); again != err {
			t.Errorf("%v marked twice: %v", errno, again)
		}
	}
	if err := db.dialect.unavailable(syscall.ENOENT); klachtdesk.ErrorCode(err) != klachtdesk.EINTERNAL {
		t.Errorf("ENOENT: code %q", klachtdesk.ErrorCode(err))
	}
	if db.dialect.unavailable(nil) != nil {
		t.Error("nil became an error")
	}
}

// TestDialect_UnavailableReadOnly checks SQLITE_READONLY through a
// connection that may only read.
func TestDialect_UnavailableReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db2 := NewDB(dir, "file:"+filepath.Join(dir, "ro.db"))
	if err := db2.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	tx, err := db2.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
	_, err = tx.exec(ctx, `INSERT INTO settings (key, value) VALUES ('x', 'y')`)
	if klachtdesk.ErrorCode(err) != klachtdesk.EUNAVAILABLE || !strings.Contains(klachtdesk.ErrorMessage(err), "read-only") {
		t.Errorf("read-only: code %q, message %q (%v)", klachtdesk.ErrorCode(err), klachtdesk.ErrorMessage(err), err)
	}
	// The connection goes back to the pool: let it write again.
	if _, err := tx.exec(ctx, `PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
}
