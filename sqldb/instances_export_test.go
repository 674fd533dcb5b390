package sqldb

import (
	"context"
	"testing"
	"time"
)

// OpenTwin opens a second DB on db's database, as a second serve instance
// does (SQLite: the same file; PostgreSQL: the same URL and schema), with
// db's clock. It is closed when the test ends.
func OpenTwin(tb testing.TB, db *DB) *DB {
	tb.Helper()
	twin := NewDB(db.dataDir, db.dsn)
	twin.Now = func() time.Time { return db.Now() }
	if err := twin.Open(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { twin.Close() })
	return twin
}
