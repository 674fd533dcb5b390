package sqldb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/klachtdesk/klachtdesk"
)

func TestDialect_Rebind(t *testing.T) {
	tests := []struct {
		query, want string
	}{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT * FROM t WHERE a = ? AND b IN (?, ?)`, `SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)`},
		{`SELECT '?', "a?b", ? FROM t`, `SELECT '?', "a?b", $1 FROM t`},
		{`SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
		{"SELECT ? -- what?\n, ?", "SELECT $1 -- what?\n, $2"},
		{`INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO UPDATE SET a = excluded.a RETURNING a`, `INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO UPDATE SET a = excluded.a RETURNING a`},
		{`SELECT 'unterminated ?`, `SELECT 'unterminated ?`},
	}
	for _, tt := range tests {
		if got := dialectPostgres.rebind(tt.query); got != tt.want {
			t.Errorf("rebind(%q) = %q, want %q", tt.query, got, tt.want)
		}
		if got := dialectSQLite.rebind(tt.query); got != tt.query {
			t.Errorf("SQLite rebind(%q) = %q, want it unchanged", tt.query, got)
		}
	}
}

func TestDialect_LimitOffset(t *testing.T) {
	tests := []struct {
		d             dialect
		limit, offset int
		want          string
	}{
		{dialectSQLite, 0, 0, ""},
		{dialectSQLite, 10, 0, " LIMIT 10"},
		{dialectSQLite, 10, 20, " LIMIT 10 OFFSET 20"},
		{dialectSQLite, 0, 20, " LIMIT -1 OFFSET 20"},
		{dialectPostgres, 0, 20, " LIMIT ALL OFFSET 20"},
	}
	for _, tt := range tests {
		if got := tt.d.limitOffset(tt.limit, tt.offset); got != tt.want {
			t.Errorf("%s limitOffset(%d, %d) = %q, want %q", tt.d, tt.limit, tt.offset, got, tt.want)
		}
	}
}

// Constraint errors are classified by the driver's extended result code.
func TestDialect_Classify(t *testing.T) {
	db := NewDB(t.TempDir(), "")
	db.Now = func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	if err := db.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		name string
		stmt string
		want constraint
	}{
		{"unique", `INSERT INTO settings (key, value) VALUES ('a', '1'), ('a', '2')`, constraintUnique},
		{"primary key", `INSERT INTO audit_head (id, last_event_id, last_hash) VALUES (1, 0, '')`, constraintUnique},
		{"foreign key", `INSERT INTO complaint_concerned (complaint_id, user_id) VALUES (1, 1)`, constraintForeignKey},
		{"check", `INSERT INTO audit_head (id, last_event_id, last_hash) VALUES (2, 0, '')`, constraintCheck},
		{"not null", `INSERT INTO settings (key, value) VALUES ('b', NULL)`, constraintCheck},
		{"trigger", `INSERT INTO events (id, kind, actor_id, actor, at, before, after, prev_hash, hash)
			VALUES (1, 'x', 0, 'system', '', '{}', '{}', '', ''); DELETE FROM events`, constraintTrigger},
		{"syntax", `SELEKT 1`, constraintNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			_, err = tx.ExecContext(ctx, tt.stmt)
			if err == nil {
				t.Fatal("no error")
			}
			if got := db.dialect.classify(err); got != tt.want {
				t.Errorf("classify(%v) = %d, want %d", err, got, tt.want)
			}
		})
	}
	if got := db.dialect.classify(nil); got != constraintNone {
		t.Errorf("classify(nil) = %d", got)
	}
}

func TestPasswordHash(t *testing.T) {
	h1, err := hashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	h2, err := hashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if h1 == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	tests := []struct {
		password, hash string
		ok             bool
		err            bool
	}{
		{"correct horse battery staple", h1, true, false},
		{"correct horse battery staple", h2, true, false},
		{"correct horse battery stapler", h1, false, false},
		{"", h1, false, false},
		{"x", "plain", false, true},
		{"x", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", false, true},
		{"x", "$argon2id$v=19$m=0,t=1,p=1$AAAA$AAAA", false, true},
	}
	for _, tt := range tests {
		ok, err := verifyPassword(tt.password, tt.hash)
		if ok != tt.ok || (err != nil) != tt.err {
			t.Errorf("verifyPassword(%q, %q) = %v, %v; want %v, error %v", tt.password, tt.hash, ok, err, tt.ok, tt.err)
		}
	}
}

func TestDBName(t *testing.T) {
	if got := NewDB("/srv/kd", "").Name(); got != filepath.Join("/srv/kd", "klachtdesk.db") {
		t.Errorf("SQLite Name() = %q", got)
	}
	if got := NewDB("/srv/kd", "postgres://klachtdesk:geheim@db.example.nl/klachtdesk").Name(); got != "postgres://…" {
		t.Errorf("PostgreSQL Name() = %q, want the scheme alone", got)
	}
}

func TestCheckPostgresVersion(t *testing.T) {
	for num, want := range map[int]string{
		90624:  "the server runs PostgreSQL 9.6.24 and Klachtdesk needs 13 or newer",
		120022: "the server runs PostgreSQL 12.22 and Klachtdesk needs 13 or newer",
		130000: "",
		150019: "",
	} {
		err := checkPostgresVersion(num)
		if (err == nil) != (want == "") || (err != nil && err.Error() != want) {
			t.Errorf("checkPostgresVersion(%d) = %v, want %q", num, err, want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://kd:geheim@db.example.nl:5432/kd?sslmode=require": "postgres://kd:***@db.example.nl:5432/kd?sslmode=require",
		"postgres://kd@db.example.nl/kd":                             "postgres://kd@db.example.nl/kd",
		"postgresql://db.example.nl/kd":                              "postgresql://db.example.nl/kd",
		"not a url":                                                  "(not a URL)",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// PostgreSQL's errors are classified by SQLSTATE, never by message text.
func TestDialect_PostgresErrors(t *testing.T) {
	d := dialectPostgres
	wrap := func(code string) error {
		return fmt.Errorf("store: %w", &pgconn.PgError{Code: code, Message: "whatever the server says"})
	}
	for code, want := range map[string]constraint{
		"23505": constraintUnique, "23503": constraintForeignKey, "23514": constraintCheck,
		"23502": constraintCheck, "P0001": constraintTrigger, "42601": constraintNone,
	} {
		if got := d.classify(wrap(code)); got != want {
			t.Errorf("classify(%s) = %v, want %v", code, got, want)
		}
	}
	for code, want := range map[string]string{
		"53100": klachtdesk.StoreFailureDiskFull, "25006": klachtdesk.StoreFailureReadOnly,
		"40001": klachtdesk.StoreFailureBusy, "40P01": klachtdesk.StoreFailureBusy, "55P03": klachtdesk.StoreFailureBusy,
		"08006": klachtdesk.StoreFailureConnection, "57P01": klachtdesk.StoreFailureConnection,
		"58030": klachtdesk.StoreFailureIO, "23505": "", "42P01": "",
	} {
		err := wrap(code)
		kind, out := d.storeFailure(err)
		if kind != want {
			t.Errorf("storeFailure(%s) kind = %q, want %q", code, kind, want)
		}
		if unavailable := klachtdesk.ErrorCode(out) == klachtdesk.EUNAVAILABLE; unavailable != (want != "") || !errors.Is(out, err) {
			t.Errorf("storeFailure(%s) = %v: EUNAVAILABLE %v, want %v, and the cause kept", code, out, unavailable, want != "")
		}
	}
	// A deadline of the caller is not a failure of the database.
	if kind, _ := d.storeFailure(fmt.Errorf("query: %w", context.DeadlineExceeded)); kind != "" {
		t.Errorf("a context deadline counted as %q", kind)
	}
	if kind, _ := d.storeFailure(&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}); kind != klachtdesk.StoreFailureConnection {
		t.Errorf("a refused connection counted as %q", kind)
	}
}
