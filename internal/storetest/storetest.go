// Package storetest runs a package's tests on both of the store's
// backends: SQLite always, and PostgreSQL when KLACHTDESK_TEST_POSTGRES
// names a server (a URL such as
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable). Each test that
// opens a store gets a PostgreSQL schema of its own, dropped when it ends,
// so that tests in parallel never see each other's rows.
//
// Only tests import this package.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// EnvPostgres names the variable that enables the PostgreSQL runs.
const EnvPostgres = "KLACHTDESK_TEST_POSTGRES"

// postgres is set while Main runs the tests on PostgreSQL.
var postgres atomic.Bool

// Postgres reports whether the tests now run on PostgreSQL.
func Postgres() bool { return postgres.Load() }

// Backend names the backend the tests now run on, for messages.
func Backend() string {
	if Postgres() {
		return "postgres"
	}
	return "sqlite"
}

// Main runs the package's tests on SQLite, then again on PostgreSQL when
// KLACHTDESK_TEST_POSTGRES is set, and returns the exit code for os.Exit.
// In CI (CI set) a missing variable fails the run: a green run must not
// hide that PostgreSQL was never tested. A fuzzing run fuzzes once, on
// SQLite, and a -short run stays on SQLite.
func Main(m *testing.M) int {
	code := m.Run()
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" {
		return code
	}
	if testing.Short() {
		// -short (the -race run in CI) stays on SQLite: the full run
		// covers PostgreSQL.
		return code
	}
	if os.Getenv(EnvPostgres) == "" {
		if os.Getenv("CI") != "" {
			fmt.Fprintf(os.Stderr, "FAIL: %s is not set: the tests did not run on PostgreSQL (CI requires it)\n", EnvPostgres)
			return 1
		}
		fmt.Fprintf(os.Stderr, "note: the tests ran on SQLite only; set %s=postgres://… to run them on PostgreSQL too\n", EnvPostgres)
		return code
	}
	fmt.Printf("=== the same tests on PostgreSQL (%s)\n", EnvPostgres)
	postgres.Store(true)
	defer postgres.Store(false)
	if code2 := m.Run(); code == 0 {
		code = code2
	}
	return code
}

// ServerURL returns the PostgreSQL server's URL from KLACHTDESK_TEST_POSTGRES;
// without it the test fails in CI and is skipped elsewhere, naming the
// variable.
func ServerURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(EnvPostgres)
	if u == "" {
		if os.Getenv("CI") != "" {
			tb.Fatalf("%s is not set: this test needs PostgreSQL (CI requires it)", EnvPostgres)
		}
		tb.Skipf("set %s=postgres://… to run this test on PostgreSQL", EnvPostgres)
	}
	return u
}

// DSN returns the DSN a test's store opens: "" (the SQLite file in the
// data folder) on SQLite, else a PostgreSQL schema of the test's own: an
// empty one from the pool (see pool.go) or, when the pool has none, a new
// one (FreshSchema).
func DSN(tb testing.TB) string {
	tb.Helper()
	if !Postgres() {
		return ""
	}
	return pooledSchema(tb)
}

// FreshSchema creates a schema of its own on the server of
// KLACHTDESK_TEST_POSTGRES and returns a URL whose connections use it;
// the schema is dropped when tb ends.
func FreshSchema(tb testing.TB) string {
	tb.Helper()
	base := ServerURL(tb)
	schema := createSchema(tb, base)
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return WithSchema(tb, base, schema)
}

// newSchemaName returns a random schema name.
func newSchemaName() string {
	var b [6]byte
	rand.Read(b[:])
	return "kt_" + hex.EncodeToString(b[:])
}

// WithSchema returns base with search_path set to schema.
func WithSchema(tb testing.TB, base, schema string) string {
	tb.Helper()
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	// A test's commits need not survive a crash of the server itself
	// (a crash of the klachtdesk process loses nothing either way), and
	// waiting for each fsync made the suite several times slower.
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

// Rebind rewrites a test's own SQL, written with ? placeholders, for the
// backend the tests run on (PostgreSQL numbers them: $1, $2 …). Tests only
// use it on simple statements without ? in literals.
func Rebind(query string) string {
	if !Postgres() {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
