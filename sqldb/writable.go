package sqldb

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// DefaultMinFree is the free space below which the store counts as full:
// room for a checkpoint of the write-ahead log (up to 32 MiB, sqlite.go)
// and a batch of mails.
const DefaultMinFree = 64 << 20

// writableTimeout bounds how long Writable waits for the database's write
// lock: a check that waits longer than a readiness probe is no answer.
var writableTimeout = 2 * time.Second

// Writable returns nil when the store takes writes now, else EUNAVAILABLE
// saying why. It runs on every readiness check, so it writes nothing that
// stays, and costs well under a millisecond (docs/benchmarks.md):
//
//   - a DB opened read-only takes no writes;
//   - the file system of the database and of the blob store (SQLite) has
//     at least MinFree left (statfs): SQLite reuses the pages of its write-ahead
//     log, so a write that is rolled back does not find a full disk;
//   - a block written to a file in the blob store's tmp folder (SQLite)
//     and removed again: a read-only folder or mount, a full disk, a quota;
//   - the database files are writable by this process (access(2), which
//     ignores what root may override only on a read-only mount);
//   - a write statement in a transaction that is rolled back: SQLite
//     refuses it when it opened the file read-only, and it waits for the
//     write lock at most writableTimeout.
func (s *HealthService) Writable(ctx context.Context) error {
	db := s.db
	unavailable := func(format string, args ...any) error {
		return klachtdesk.Errorf(klachtdesk.EUNAVAILABLE, "the store cannot be written: "+format, args...)
	}
	if db.db == nil {
		return unavailable("the database is not open")
	}
	if db.ReadOnly {
		return unavailable("the database is open read-only")
	}
	minFree := s.MinFree
	if minFree == 0 {
		minFree = DefaultMinFree
	}
	// On PostgreSQL the contents live in the database too (blob_postgres.go):
	// no folder of ours takes writes, and the write statement below
	// stands for them.
	var dirs []string
	if db.dialect == dialectSQLite {
		dirs = append(dirs, db.blobs.dir)
	}
	if db.path != "" && filepath.Dir(db.path) != db.dataDir {
		dirs = append(dirs, filepath.Dir(db.path))
	}
	for _, dir := range dirs {
		var st syscall.Statfs_t
		if err := syscall.Statfs(dir, &st); err != nil {
			return unavailable("%s: %v", dir, err)
		}
		if free := int64(st.Bavail) * st.Bsize; free < minFree {
			return unavailable("disk full: %s left on the file system of %s, less than %s", bytesText(free), dir, bytesText(minFree))
		}
	}
	if db.dialect == dialectSQLite {
		if err := probeWrite(db.blobs.tmpDir()); err != nil {
			if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
				return unavailable("disk full: %v", err)
			}
			return unavailable("read-only folder: %v", err)
		}
	}
	if db.path != "" {
		for _, p := range []string{filepath.Dir(db.path), db.path, db.path + "-wal", db.path + "-shm"} {
			if err := syscall.Access(p, 2 /* W_OK */); err != nil && !errors.Is(err, syscall.ENOENT) {
				return unavailable("%s is read-only: %v", p, err)
			}
		}
	}
	wctx, cancel := context.WithTimeout(ctx, writableTimeout)
	defer cancel()
	locked := func(err error) error {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return unavailable("locked: another writer has held the database for more than %v", writableTimeout)
		}
		return unavailable("%v", err)
	}
	tx, err := db.BeginTx(wctx, nil)
	if err != nil {
		return locked(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(wctx, `UPDATE audit_head SET last_event_id = last_event_id WHERE id = 1`); err != nil {
		return locked(err)
	}
	return nil
}

// probeWrite writes a block to a new file in dir and removes it.
func probeWrite(dir string) error {
	f, err := os.CreateTemp(dir, ".writable-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	block := make([]byte, 4096)
	rand.Read(block)
	if _, err := f.Write(block); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// bytesText writes a size for an operator.
func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n/1024)
}
