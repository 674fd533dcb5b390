package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// sqlitePragmas are set in the DSN so that every pooled connection gets them:
// WAL lets readers run beside the writer; foreign keys are off by default in
// SQLite; a writer waits up to 10 s for the lock instead of failing; FULL
// makes every commit durable (WAL fsynced); and every read-write transaction
// starts with BEGIN IMMEDIATE, so it never fails half-way when it upgrades
// from reading to writing. A 32 MiB page cache per connection (SQLite's
// default is 2 MiB) keeps the indexes a registration touches in memory, and
// checkpoints run every 8192 WAL pages (32 MiB) instead of every 1000, so
// that a page rewritten by many commits is copied to the database once;
// journal_size_limit shrinks the WAL file back to 64 MiB after a checkpoint
// of a larger one. Measured in docs/benchmarks.md.
const sqlitePragmas = "_pragma=busy_timeout(10000)" +
	"&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(FULL)" +
	"&_pragma=cache_size(-32768)" +
	"&_pragma=wal_autocheckpoint(8192)" +
	"&_pragma=journal_size_limit(67108864)" +
	"&_txlock=immediate"

// sqlitePath returns the database file a DSN names: the default file in the
// data directory, or a path (optionally "file:" and with query options).
func sqlitePath(dataDir, dsn string) string {
	if dsn == "" {
		return filepath.Join(dataDir, "klachtdesk.db")
	}
	path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	return path
}

// sqliteDSN returns the DSN for the file with our pragmas, keeping any
// options the operator's DSN already had.
func sqliteDSN(path, dsn string) string {
	_, query, _ := strings.Cut(dsn, "?")
	if query != "" {
		return path + "?" + query + "&" + sqlitePragmas
	}
	return path + "?" + sqlitePragmas
}

// openSQLite opens the database file and checks that the pragmas took.
func openSQLite(ctx context.Context, path, dsn string) (*sql.DB, error) {
	if err := checkWritableDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", sqliteDSN(path, dsn))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	var mode string
	if err := db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: journal mode is %q, not wal", path, mode)
	}
	return db, nil
}
