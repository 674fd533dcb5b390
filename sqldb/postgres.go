package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgreSQL. The store runs on it through pgx's database/sql adapter, so
// that every query is the same text as on SQLite (with ? rebound to $n,
// dialect.go). What differs is how the database is reached and locked:
//
//   - several `klachtdesk serve` instances may use one database: there is no
//     owner lock on a folder, and migrations are serialised with an
//     advisory lock instead of a lock file;
//   - every read-write transaction takes the audit head's row lock as its
//     first statement (Tx.lockWriter). Every change appends to the one
//     hash chain, whose head is a serialisation point anyway; taking it
//     first makes PostgreSQL's READ COMMITTED writers run one after the
//     other, as SQLite's BEGIN IMMEDIATE does, so that each sees what the
//     one before it committed and none can deadlock another.
//   - pgx keeps prepared statements per connection itself, so the store's
//     own statement cache is off (it would borrow a second connection from
//     a bounded pool while a transaction holds one).

// MinPostgresVersion is the oldest PostgreSQL the store runs on, as
// server_version_num: 13, the oldest release its project still supported
// when this was written.
const MinPostgresVersion = 130000

// DefaultMaxConns is the connection pool's size per instance when the
// operator sets none (--db-max-conns).
const DefaultMaxConns = 10

// postgresConfig parses a postgres:// URL into pgx's configuration, with a
// message that never repeats the password.
func postgresConfig(dsn string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("the database URL %s is not valid: %s", redactURL(dsn), parseReason(err))
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	return cfg, nil
}

// parseReason is pgx's reason for refusing a URL, without the URL itself
// (which pgx quotes, password included, in some of its messages).
func parseReason(err error) string {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) && pe.Unwrap() != nil {
		return pe.Unwrap().Error()
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// redactURL returns a postgres:// URL with its password replaced by ***.
func redactURL(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return "(not a URL)"
	}
	auth, host, ok := strings.Cut(rest, "@")
	if !ok {
		return dsn
	}
	if user, _, hasPass := strings.Cut(auth, ":"); hasPass {
		auth = user + ":***"
	}
	return scheme + "://" + auth + "@" + host
}

// openPostgres connects to the database, checks the server's version and
// sizes the pool. readOnly makes every transaction of every connection
// read-only (default_transaction_read_only), a second guard beside
// DB.ReadOnly.
func openPostgres(ctx context.Context, dsn string, maxConns int, readOnly bool) (*sql.DB, error) {
	cfg, err := postgresConfig(dsn)
	if err != nil {
		return nil, err
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	// Instants are handed in and read as UTC; the session's zone only
	// matters to text the server formats, which the store never reads.
	cfg.RuntimeParams["timezone"] = "UTC"
	if readOnly {
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
	}
	db := stdlib.OpenDB(*cfg)
	if maxConns <= 0 {
		maxConns = DefaultMaxConns
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	where := cfg.Host + ":" + strconv.Itoa(int(cfg.Port)) + "/" + cfg.Database
	var version int
	if err := db.QueryRowContext(ctx, `SELECT current_setting('server_version_num')::integer`).Scan(&version); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %s", where, connectReason(err))
	}
	if err := checkPostgresVersion(version); err != nil {
		db.Close()
		return nil, fmt.Errorf("PostgreSQL at %s: %w", where, err)
	}
	return db, nil
}

// checkPostgresVersion refuses a server older than MinPostgresVersion.
func checkPostgresVersion(num int) error {
	if num < MinPostgresVersion {
		return fmt.Errorf("the server runs PostgreSQL %s and Klachtdesk needs %d or newer", versionText(num), MinPostgresVersion/10000)
	}
	return nil
}

// versionText writes server_version_num as people do: 150019 is 15.19,
// 90624 is 9.6.24.
func versionText(num int) string {
	if num >= 100000 {
		return fmt.Sprintf("%d.%d", num/10000, num%10000)
	}
	return fmt.Sprintf("%d.%d.%d", num/10000, num/100%100, num%100)
}

// connectReason says in one line why a connection failed: the server's own
// message (a role that may not log in, a database that does not exist) or
// the network's (refused, no such host, timeout).
func connectReason(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Message + " (SQLSTATE " + pe.Code + ")"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "no answer in time (is the host and port right, and does a firewall let it through?)"
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return "the server cannot be reached: " + oe.Err.Error()
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		return "the host " + de.Name + " is not known"
	}
	return err.Error()
}

// lockMigrationsPostgres holds a session advisory lock, keyed by the
// schema, while migrations run: two instances started together take turns,
// and the second finds nothing left to do.
func lockMigrationsPostgres(ctx context.Context, db *sql.DB) (unlock func(), err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	const key = `hashtext('klachtdesk.migrate:' || current_schema())`
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+key+`)`); err != nil {
		conn.Close()
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	return func() {
		conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(`+key+`)`)
		conn.Close()
	}, nil
}

// lockWriter takes the writers' lock of a read-write transaction on
// PostgreSQL: the audit head's row (see the package comment above).
func (tx *Tx) lockWriter(ctx context.Context) error {
	if tx.db.dialect != dialectPostgres || tx.readOnly {
		return nil
	}
	if _, err := tx.tx.ExecContext(ctx, `SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE`); err != nil {
		return tx.db.unavailable(fmt.Errorf("begin transaction: %w", err))
	}
	return nil
}

// privilegeError says what to do when the role lacks a privilege
// (SQLSTATE 42501) the store needs: to create its tables at the first
// start, then to read and write them. Other errors are returned as they are.
func privilegeError(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42501" {
		return err
	}
	return fmt.Errorf("the database role lacks a privilege Klachtdesk needs: %s; "+
		"let the role own the database (or its schema), so that it can create and change its tables (README, Running on PostgreSQL): %w", pe.Message, err)
}
