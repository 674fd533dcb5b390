package sqldb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/klachtdesk/klachtdesk"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is the one place where SQLite and PostgreSQL differ at run time:
// placeholders, LIMIT without a bound, the goose dialect, and the driver
// codes that classify errors. Everything else is written once.
type dialect int

const (
	dialectSQLite dialect = iota
	dialectPostgres
)

// String names the dialect as the migrations folder does.
func (d dialect) String() string {
	if d == dialectPostgres {
		return "postgres"
	}
	return "sqlite"
}

func (d dialect) gooseDialect() goose.Dialect {
	if d == dialectPostgres {
		return goose.DialectPostgres
	}
	return goose.DialectSQLite3
}

// rebind rewrites the ? placeholders of query as $1, $2 … for PostgreSQL.
// Question marks inside quoted strings, quoted identifiers and comments are
// left alone.
func (d dialect) rebind(query string) string {
	if d != dialectPostgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		switch ch := query[i]; ch {
		case '\'', '"':
			j := i + 1
			for j < len(query) {
				if query[j] == ch {
					if j+1 < len(query) && query[j+1] == ch { // doubled quote
						j += 2
						continue
					}
					break
				}
				j++
			}
			end := min(j+1, len(query))
			b.WriteString(query[i:end])
			i = end - 1
		case '-':
			if i+1 < len(query) && query[i+1] == '-' {
				j := strings.IndexByte(query[i:], '\n')
				if j < 0 {
					j = len(query) - i
				}
				b.WriteString(query[i : i+j])
				i += j - 1
				continue
			}
			b.WriteByte(ch)
		case '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(ch)
		}
	}
	return b.String()
}

// limitOffset returns the LIMIT/OFFSET clause of a page; limit 0 means no
// limit. SQLite needs a LIMIT before any OFFSET, PostgreSQL spells "no
// limit" LIMIT ALL.
func (d dialect) limitOffset(limit, offset int) string {
	switch {
	case limit > 0 && offset > 0:
		return fmt.Sprintf(" LIMIT %d OFFSET %d", limit, offset)
	case limit > 0:
		return fmt.Sprintf(" LIMIT %d", limit)
	case offset > 0 && d == dialectPostgres:
		return fmt.Sprintf(" LIMIT ALL OFFSET %d", offset)
	case offset > 0:
		return fmt.Sprintf(" LIMIT -1 OFFSET %d", offset)
	}
	return ""
}

// lockRows is the locking hint of a SELECT whose rows the transaction goes
// on to update. SQLite needs none: every read-write transaction holds the
// write lock from its start (_txlock=immediate).
func (d dialect) lockRows() string {
	if d == dialectPostgres {
		return " FOR UPDATE"
	}
	return ""
}

// skipLocked is the locking hint of a SELECT that claims work rows (the
// outbox), aliased o: rows another transaction holds are passed over instead
// of waited for, so that two instances never claim the same row. SQLite needs
// none: one writer at a time.
func (d dialect) skipLocked() string {
	if d == dialectPostgres {
		return " FOR UPDATE OF o SKIP LOCKED"
	}
	return ""
}

// constraint is the kind of integrity constraint an error reports.
type constraint int

const (
	constraintNone constraint = iota
	constraintUnique
	constraintForeignKey
	constraintCheck
	constraintTrigger // a trigger refused the statement (events are append-only)
)

// classify returns the constraint err reports, by driver code, never by
// message text: SQLite's extended result codes, PostgreSQL's SQLSTATE.
func (d dialect) classify(err error) constraint {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case pgUniqueViolation:
			return constraintUnique
		case "23503": // foreign_key_violation
			return constraintForeignKey
		case "23514", "23502": // check_violation, not_null_violation
			return constraintCheck
		case "P0001": // raise_exception: the append-only trigger
			return constraintTrigger
		}
		return constraintNone
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return constraintNone
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return constraintUnique
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return constraintForeignKey
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return constraintCheck
	case sqlite3.SQLITE_CONSTRAINT_TRIGGER:
		return constraintTrigger
	}
	return constraintNone
}

// unavailable returns err marked as a failure of the store itself, not of
// the request: klachtdesk.EUNAVAILABLE, with err still in the chain for
// errors.Is and errors.As. Recognised by driver code and errno, never by
// message text: SQLite's full disk, read-only file, I/O error, lock still
// held after busy_timeout, file that cannot be opened and out of memory;
// and file writes (the blob store) failing with ENOSPC, EDQUOT, EROFS or
// EIO. Any other error is returned as it is.
func (d dialect) unavailable(err error) error {
	_, out := d.storeFailure(err)
	return out
}

// storeFailure is unavailable, also returning first the kind of the failure as the
// store-error metric counts it (klachtdesk.StoreFailure…); ""
// when err is no failure of the store itself or was classified before.
func (d dialect) storeFailure(err error) (kind string, out error) {
	if err == nil || klachtdesk.ErrorCode(err) == klachtdesk.EUNAVAILABLE {
		return "", err
	}
	why := ""
	var se *sqlite.Error
	var pe *pgconn.PgError
	var errno syscall.Errno
	var ne net.Error
	switch {
	case errors.As(err, &pe):
		why, kind = postgresFailure(pe.Code)
	case d == dialectPostgres && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) &&
		(errors.Is(err, driver.ErrBadConn) || errors.As(err, &ne)):
		// The connection to the server broke or could not be made.
		why, kind = "the database server cannot be reached", klachtdesk.StoreFailureConnection
	case errors.As(err, &se):
		switch se.Code() & 0xff { // the primary code of an extended one
		case sqlite3.SQLITE_FULL:
			why, kind = "the disk is full", klachtdesk.StoreFailureDiskFull
		case sqlite3.SQLITE_READONLY:
			why, kind = "the database is read-only", klachtdesk.StoreFailureReadOnly
		case sqlite3.SQLITE_IOERR:
			why, kind = "an I/O error", klachtdesk.StoreFailureIO
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			why, kind = "the database is locked by another process", klachtdesk.StoreFailureBusy
		case sqlite3.SQLITE_CANTOPEN:
			why, kind = "the database file cannot be opened", klachtdesk.StoreFailureOther
		case sqlite3.SQLITE_NOMEM:
			why, kind = "out of memory", klachtdesk.StoreFailureOther
		}
	case errors.As(err, &errno):
		switch errno {
		case syscall.ENOSPC, syscall.EDQUOT:
			why, kind = "the disk is full", klachtdesk.StoreFailureDiskFull
		case syscall.EROFS:
			why, kind = "the file system is read-only", klachtdesk.StoreFailureReadOnly
		case syscall.EIO:
			why, kind = "an I/O error", klachtdesk.StoreFailureIO
		}
	}
	if why == "" {
		return "", err
	}
	return kind, fmt.Errorf("%w: %w", klachtdesk.Errorf(klachtdesk.EUNAVAILABLE, "the store cannot write now (%s); try again later", why), err)
}

// retryable reports whether err ended a transaction that may simply be run
// again: on PostgreSQL a serialization failure or a deadlock, both of which
// roll the transaction back (retryTx). SQLite has neither: one writer at a
// time, and a busy database waits in busy_timeout.
func (d dialect) retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == pgSerializationFailure || pe.Code == pgDeadlockDetected)
}

// SQLSTATEs the store reacts to by name.
const (
	pgUniqueViolation      = "23505"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
)

// postgresFailure names a PostgreSQL error that is a failure of the
// database itself rather than of the request, by SQLSTATE class and code:
// the disk full, the server read-only (a standby) or shutting down, the
// connection lost, a lock not granted in time. Serialization failures and
// deadlocks count as busy: the work can simply be tried again (the intake
// and outbox loops do so on EUNAVAILABLE). "" for any other error.
func postgresFailure(code string) (why, kind string) {
	switch {
	case code == "53100": // disk_full
		return "the disk is full", klachtdesk.StoreFailureDiskFull
	case code == "53200": // out_of_memory
		return "out of memory", klachtdesk.StoreFailureOther
	case code == "53300": // too_many_connections
		return "the server has no connection left", klachtdesk.StoreFailureBusy
	case code == "25006": // read_only_sql_transaction
		return "the database is read-only", klachtdesk.StoreFailureReadOnly
	case code == "58030": // io_error
		return "an I/O error", klachtdesk.StoreFailureIO
	case code == pgSerializationFailure, code == pgDeadlockDetected, code == "55P03": // lock_not_available
		return "another transaction holds what this one needs", klachtdesk.StoreFailureBusy
	case strings.HasPrefix(code, "08"): // connection_exception
		return "the connection to the database server failed", klachtdesk.StoreFailureConnection
	case strings.HasPrefix(code, "57P"): // admin_shutdown, crash_shutdown, cannot_connect_now
		return "the database server is shutting down or starting", klachtdesk.StoreFailureConnection
	}
	return "", ""
}
