package sqldb_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/internal/storetest"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// postgresOnly skips a test of PostgreSQL itself in the SQLite pass.
func postgresOnly(tb testing.TB) {
	tb.Helper()
	if !storetest.Postgres() {
		tb.Skip("PostgreSQL only: runs in the suite's PostgreSQL pass")
	}
}

// Bad database URLs and servers: one clear line each, nothing written, and
// never the password.
func TestOpenPostgres_BadInput(t *testing.T) {
	postgresOnly(t)
	for _, tt := range []struct {
		name, dsn, want string
	}{
		{"malformed URL", "postgres://klachtdesk:geheim@[::1", "is not valid"},
		{"bad option", "postgres://klachtdesk:geheim@127.0.0.1/test?sslmode=sometimes", "sslmode is invalid"},
		{"unreachable server", "postgres://klachtdesk:geheim@127.0.0.1:1/test?connect_timeout=5", "cannot be reached"},
		{"unknown host", "postgres://klachtdesk:geheim@host.invalid/test?connect_timeout=5", "is not known"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := sqldb.NewDB(t.TempDir(), tt.dsn)
			err := db.Open(context.Background())
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if msg := err.Error(); !strings.Contains(msg, tt.want) || strings.Contains(msg, "geheim") || strings.Contains(msg, "\n") {
				t.Errorf("Open = %q, want one line saying %q, without the password", msg, tt.want)
			}
		})
	}
}

// A role that may log in but not create tables is told what to grant, and
// the failed first start leaves no table behind.
func TestOpenPostgres_RoleWithoutRights(t *testing.T) {
	postgresOnly(t)
	dsn := storetest.FreshSchema(t)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [4]byte
	rand.Read(b[:])
	role := "kd_noright_" + hex.EncodeToString(b[:])
	var schema string
	if err := admin.QueryRow(`SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`CREATE ROLE ` + role + ` LOGIN`, `GRANT USAGE ON SCHEMA ` + schema + ` TO ` + role} {
		if _, err := admin.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		admin.Exec(`REVOKE ALL ON SCHEMA ` + schema + ` FROM ` + role)
		admin.Exec(`DROP ROLE ` + role)
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	db := sqldb.NewDB(t.TempDir(), u.String())
	err = db.Open(context.Background())
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded for a role that cannot create tables")
	}
	if !strings.Contains(err.Error(), "lacks a privilege") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Open = %q, want one line naming the missing privilege", err)
	}
	var tables int
	if err := admin.QueryRow(`SELECT COUNT(*) FROM pg_tables WHERE schemaname = $1`, schema).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("the failed start left %d tables", tables)
	}
}

// Reopening migrates nothing twice and keeps the data; instants and dates
// come back as they were written, whatever the session's time zone.
func TestOpenPostgres_Reopen(t *testing.T) {
	postgresOnly(t)
	dsn := storetest.FreshSchema(t)
	ctx := context.Background()
	open := func() *sqldb.DB {
		db := sqldb.NewDB(t.TempDir(), dsn)
		db.Now = func() time.Time { return testNow }
		if err := db.Open(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	received := time.Date(2026, 3, 1, 23, 30, 15, 123456000, time.FixedZone("CET", 3600))
	c := mustCreateComplaint(t, db, newComplaint(received, "a@example.org"))
	MustCloseDB(t, db)

	db = open()
	defer MustCloseDB(t, db)
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v < 7 {
		t.Errorf("schema version %d", v)
	}
	got, err := sqldb.NewComplaintService(db).FindComplaintByReference(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if !got.ReceivedAt.Equal(received) || got.ReceivedAt.Location() != time.UTC {
		t.Errorf("received at %v, want %v in UTC", got.ReceivedAt, received.UTC())
	}
	if got.ReceiptDate != klachtdesk.MustParseDate("2026-03-01") || got.AnswerDue != c.AnswerDue {
		t.Errorf("receipt date %v, due %v; want 2026-03-01, %v", got.ReceiptDate, got.AnswerDue, c.AnswerDue)
	}
}
