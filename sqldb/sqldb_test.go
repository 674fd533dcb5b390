package sqldb_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
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

// testNow is the fixed clock of MustOpenDB: Monday 2 March 2026, 10:00 in
// Amsterdam.
var testNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// TestMain runs the whole suite on SQLite, then again on PostgreSQL when
// KLACHTDESK_TEST_POSTGRES names a server (storetest.Main).
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// MustOpenDB returns an open, migrated database in a fresh temporary
// directory whose clock stands still at testNow; tests that need time to
// pass set db.Now to a Clock's Now. It is closed when the test ends.
//
// Every test in this package goes through this helper, so the whole suite
// runs on whichever backend storetest runs it on: the SQLite file in the
// data folder, or a PostgreSQL schema of the test's own.
func MustOpenDB(tb testing.TB) *sqldb.DB {
	tb.Helper()
	db := sqldb.NewDB(tb.TempDir(), storetest.DSN(tb))
	db.Now = func() time.Time { return testNow }
	if err := db.Open(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { MustCloseDB(tb, db) })
	return db
}

// MustCloseDB closes db; closing twice is harmless.
func MustCloseDB(tb testing.TB, db *sqldb.DB) {
	tb.Helper()
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
}

// Clock is a settable clock safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// newComplaint returns a valid new service complaint received at t.
func newComplaint(t time.Time, email string) *klachtdesk.NewComplaint {
	return &klachtdesk.NewComplaint{
		Channel:    klachtdesk.ChannelEmail,
		ReceivedAt: t,
		Complainant: klachtdesk.Complainant{
			Name: "Jan Jansen", Email: email, Type: klachtdesk.Consumer, Language: klachtdesk.LanguageDutch,
		},
		Kind:        klachtdesk.KindService,
		Subtype:     "communication",
		Subject:     "Geen reactie",
		Description: "Ik heb drie keer gebeld en niemand belt terug.",
	}
}

// mustCreateComplaint registers a complaint as the system.
func mustCreateComplaint(tb testing.TB, db *sqldb.DB, n *klachtdesk.NewComplaint) *klachtdesk.Complaint {
	tb.Helper()
	c, err := sqldb.NewComplaintService(db).CreateComplaint(context.Background(), n)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// mustCreateUser creates an active user with the given role.
func mustCreateUser(tb testing.TB, db *sqldb.DB, username string, role klachtdesk.Role) *klachtdesk.User {
	tb.Helper()
	u := &klachtdesk.User{Username: username, Name: strings.ToUpper(username[:1]) + username[1:], Role: role, Active: true}
	if err := sqldb.NewUserService(db).CreateUser(context.Background(), u, "correct horse battery staple"); err != nil {
		tb.Fatal(err)
	}
	return u
}

// mustCreateInactiveUser creates a handler who is not active.
func mustCreateInactiveUser(tb testing.TB, db *sqldb.DB, username string) *klachtdesk.User {
	tb.Helper()
	u := &klachtdesk.User{Username: username, Role: klachtdesk.RoleHandler}
	if err := sqldb.NewUserService(db).CreateUser(context.Background(), u, "correct horse battery staple"); err != nil {
		tb.Fatal(err)
	}
	return u
}

// as returns a context acting as u.
func as(u *klachtdesk.User) context.Context {
	return klachtdesk.NewContextWithUser(context.Background(), u)
}

// sqliteOnly skips a test of what only SQLite has (its file, its pragmas,
// its folder locks) when the suite runs on PostgreSQL.
func sqliteOnly(tb testing.TB) {
	tb.Helper()
	if storetest.Postgres() {
		tb.Skip("SQLite only: this tests the database file and its folder")
	}
}

// rawConn is the database opened directly, behind the store's back, for
// counting rows and for tampering. Its statements are written with ?
// placeholders, rebound for the backend.
type rawConn struct{ *sql.DB }

func (r rawConn) Exec(q string, args ...any) (sql.Result, error) {
	if storetest.Postgres() && strings.HasPrefix(q, "DROP TRIGGER ") && !strings.Contains(q, " ON ") {
		q += " ON events" // PostgreSQL names the table; only events have triggers
	}
	return r.DB.Exec(storetest.Rebind(q), args...)
}

func (r rawConn) Query(q string, args ...any) (*sql.Rows, error) {
	return r.DB.Query(storetest.Rebind(q), args...)
}

func (r rawConn) QueryRow(q string, args ...any) *sql.Row {
	return r.DB.QueryRow(storetest.Rebind(q), args...)
}

// rawDB opens the database directly, behind the store's back.
func rawDB(tb testing.TB, db *sqldb.DB) rawConn {
	tb.Helper()
	driver, dsn := "sqlite", db.Path()+"?_pragma=busy_timeout(10000)"
	if db.IsPostgres() {
		driver, dsn = "pgx", db.DSN()
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	return rawConn{raw}
}

// count returns the number of rows of table.
func count(tb testing.TB, raw rawConn, table string) int {
	tb.Helper()
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// wantCode fails the test unless err carries the domain error code want.
func wantCode(tb testing.TB, err error, want string) {
	tb.Helper()
	if got := klachtdesk.ErrorCode(err); got != want {
		tb.Fatalf("error code = %q, want %q (err: %v)", got, want, err)
	}
}

func TestDB_Open(t *testing.T) {
	t.Run("migrates and reopens", func(t *testing.T) {
		sqliteOnly(t)
		dir := t.TempDir()
		db := sqldb.NewDB(dir, "")
		if got, want := db.Path(), filepath.Join(dir, "klachtdesk.db"); got != want {
			t.Errorf("Path() = %q, want %q", got, want)
		}
		ctx := context.Background()
		if err := db.Open(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.Ping(ctx); err != nil {
			t.Fatal(err)
		}
		v, err := db.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := fs.Glob(sqldb.MigrationsFS, "migrations/sqlite/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		if v != int64(len(entries)) || v < 4 {
			t.Errorf("SchemaVersion() = %d, want %d (one per migration file)", v, len(entries))
		}
		mustCreateComplaint(t, db, newComplaint(time.Now().Add(-time.Hour), "a@example.org"))
		MustCloseDB(t, db)

		// Opening again runs no migration twice and keeps the data.
		db = sqldb.NewDB(dir, "")
		if err := db.Open(ctx); err != nil {
			t.Fatal(err)
		}
		defer MustCloseDB(t, db)
		_, total, err := sqldb.NewComplaintService(db).FindComplaints(ctx, klachtdesk.ComplaintFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 {
			t.Errorf("after reopening, %d complaints, want 1", total)
		}
	})

	t.Run("data directory not writable", func(t *testing.T) {
		sqliteOnly(t)
		// A regular file where the directory should be fails even for root,
		// which permission bits would not.
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		db := sqldb.NewDB(filepath.Join(file, "data"), "")
		err := db.Open(context.Background())
		if err == nil || !strings.Contains(err.Error(), "data directory") {
			t.Fatalf("Open() = %v, want a data directory error", err)
		}
		if errors.Unwrap(err) == nil {
			t.Errorf("Open() error %v wraps nothing", err)
		}
	})

	t.Run("pragmas", func(t *testing.T) {
		sqliteOnly(t)
		db := MustOpenDB(t)
		tx, err := db.BeginTx(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "synchronous": "2", "busy_timeout": "10000",
			"cache_size": "-32768", "wal_autocheckpoint": "8192", "journal_size_limit": "67108864"} {
			var got string
			if err := tx.QueryRowContext(context.Background(), "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
			}
		}
	})
}
