package sqldb

import (
	"context"
	"testing"
	"time"
)

// SetBeforeComplaintUpdate installs f to run inside Act between loading and
// updating the complaint, so that a test can play a concurrent writer.
func SetBeforeComplaintUpdate(db *DB, f func(ctx context.Context, tx *Tx, complaintID int64) error) {
	db.beforeComplaintUpdate = f
}

// SetAuditPageSize makes VerifyAudit read n events at a time until the test
// ends.
func SetAuditPageSize(tb testing.TB, n int) {
	old := auditPageSize
	auditPageSize = n
	tb.Cleanup(func() { auditPageSize = old })
}

// MigrationsFS exposes the embedded migrations to the tests.
var MigrationsFS = migrationsFS

// SetFullCheckMaxSize makes Open run the full quick_check only on files up
// to n bytes until the test ends.
func SetFullCheckMaxSize(tb testing.TB, n int64) {
	old := fullCheckMaxSize
	fullCheckMaxSize = n
	tb.Cleanup(func() { fullCheckMaxSize = old })
}

// SetWritableTimeout makes Writable wait at most d for the write lock
// until the test ends.
func SetWritableTimeout(tb testing.TB, d time.Duration) {
	old := writableTimeout
	writableTimeout = d
	tb.Cleanup(func() { writableTimeout = old })
}

// IsPostgres reports whether db runs on PostgreSQL.
func (db *DB) IsPostgres() bool { return db.dialect == dialectPostgres }

// DataDir returns the data folder the DB was made with.
func (db *DB) DataDir() string { return db.dataDir }
