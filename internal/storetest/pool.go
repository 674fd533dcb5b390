package storetest

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
)

// Creating a schema and migrating it costs PostgreSQL a second of DDL (on
// a busy 2-core machine), more than most tests themselves. So a schema a
// test is done with goes back to a pool, emptied, when it is still as the
// migrations left it; the next test's store finds it migrated and empty.
// A schema that a test changed (a dropped trigger, a missing table, another
// schema version) is dropped instead.

var pool struct {
	sync.Mutex
	free []string // schemas ready for a test
	// shape is what a sound schema looks like: its newest migration, its
	// number of tables and of triggers, read from the first schema
	// returned; "" until then.
	shape string
}

// pooledSchema returns a URL of an empty, migrated schema from the pool, or
// of a fresh one; the schema returns to the pool when tb ends, if sound.
func pooledSchema(tb testing.TB) string {
	tb.Helper()
	base := ServerURL(tb)
	pool.Lock()
	var schema string
	if n := len(pool.free); n > 0 {
		schema, pool.free = pool.free[n-1], pool.free[:n-1]
	}
	pool.Unlock()
	if schema == "" {
		schema = createSchema(tb, base)
	}
	tb.Cleanup(func() { release(tb, base, schema) })
	return WithSchema(tb, base, schema)
}

// release empties schema and puts it back in the pool if it is still as the
// migrations left it; otherwise it drops it.
func release(tb testing.TB, base, schema string) {
	ctx := context.Background()
	db, err := sql.Open("pgx", WithSchema(tb, base, schema))
	if err != nil {
		tb.Errorf("release schema %s: %v", schema, err)
		return
	}
	defer db.Close()
	if !reset(ctx, db, schema) {
		if _, err := db.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
		return
	}
	pool.Lock()
	pool.free = append(pool.free, schema)
	pool.Unlock()
}

// reset empties a sound schema's tables (all but the migrations' own) and
// puts back the one row the migrations insert, the audit head. It reports
// false for a schema that is not sound, or when it could not be reset.
func reset(ctx context.Context, db *sql.DB, schema string) bool {
	var shape string
	err := db.QueryRowContext(ctx, `SELECT
		(SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version) || '/' ||
		(SELECT COUNT(*) FROM pg_tables WHERE schemaname = $1) || '/' ||
		(SELECT COUNT(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
			JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal)`, schema).Scan(&shape)
	if err != nil || strings.HasPrefix(shape, "0/") {
		return false // never migrated, or not readable
	}
	pool.Lock()
	if pool.shape == "" {
		pool.shape = shape
	}
	sound := shape == pool.shape
	pool.Unlock()
	if !sound {
		return false
	}
	rows, err := db.QueryContext(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'goose_db_version'`, schema)
	if err != nil {
		return false
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return false
		}
		tables = append(tables, schema+"."+t)
	}
	rows.Close()
	if rows.Err() != nil || len(tables) == 0 {
		return false
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false
	}
	defer tx.Rollback()
	for _, q := range []string{
		`SET LOCAL lock_timeout = '5s'`,
		// The trail's append-only triggers refuse TRUNCATE; a replica
		// session fires no ordinary trigger.
		`SET LOCAL session_replication_role = replica`,
		`TRUNCATE ` + strings.Join(tables, ", ") + ` RESTART IDENTITY CASCADE`,
		`INSERT INTO ` + schema + `.audit_head (id, last_event_id, last_hash) VALUES (1, 0, '')`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return false
		}
	}
	return tx.Commit() == nil
}

// createSchema creates a new, empty schema on the server.
func createSchema(tb testing.TB, base string) string {
	tb.Helper()
	schema := newSchemaName()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("PostgreSQL at %s: %v", base, err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("PostgreSQL at %s: create schema: %v", base, err)
	}
	return schema
}
