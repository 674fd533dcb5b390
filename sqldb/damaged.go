package sqldb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// A damaged database. SQLite answers most queries on a file with damaged
// pages until one of them touches such a page; writing on would spread the
// damage. So a process that writes refuses such a file at start, and the
// operator restores the last backup (README, Operations, Restore).

// DamagedError is Open's error for a database SQLite reports as malformed
// (SQLITE_CORRUPT, SQLITE_NOTADB, or a failing integrity check).
type DamagedError struct {
	Path   string // the database file
	Detail string // what SQLite reported
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("database %s is damaged: %s", e.Path, e.Detail)
}

// DamagedFile returns the damaged database file; the command line reads it
// through an interface, without importing sqldb.
func (e *DamagedError) DamagedFile() string { return e.Path }

// isCorrupt reports whether err is SQLite saying that the file is damaged
// or not a database, by result code.
func isCorrupt(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return true
	}
	return false
}

// damaged returns err as a *DamagedError when SQLite reports a damaged
// file, else err.
func (db *DB) damaged(err error) error {
	if err != nil && isCorrupt(err) {
		return &DamagedError{Path: db.path, Detail: err.Error()}
	}
	return err
}

// quickCheck runs SQLite's PRAGMA quick_check: every page of every table
// and index read and checked for structure (not that indexes match their
// tables, which integrity_check adds at several times the cost). It
// returns SQLite's complaints, none when the file is sound.
func (db *DB) quickCheck(ctx context.Context) ([]string, error) {
	if db.dialect == dialectPostgres {
		// PostgreSQL checks its pages itself (data checksums, when the
		// cluster has them); amcheck is the operator's deeper tool.
		return nil, nil
	}
	rows, err := db.db.QueryContext(ctx, `PRAGMA quick_check(100)`)
	if err != nil {
		if isCorrupt(err) {
			return []string{err.Error()}, nil
		}
		return nil, fmt.Errorf("quick_check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, fmt.Errorf("quick_check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		if isCorrupt(err) {
			return append(problems, err.Error()), nil
		}
		return nil, fmt.Errorf("quick_check: %w", err)
	}
	return problems, nil
}

// fullCheckMaxSize is the largest database file checkNotDamaged runs the
// full quick_check on at every start of a writing command: about 0.2 s.
// quick_check reads every page, 3.4 s for a database of 50,000 mails (1
// GiB, docs/benchmarks.md), too slow for every import; a larger file gets
// the cheap check, and audit verify runs the full one.
var fullCheckMaxSize int64 = 64 << 20

// checkNotDamaged refuses a damaged database before anything writes to
// it: the full quick_check on a file up to fullCheckMaxSize, else the
// cheap check (the header, the schema, and the first and last rows of
// every table, which read the root pages and the pages on the way to
// both ends). The cheap check does not see a damaged page in the middle of
// a large file; audit verify does.
func (db *DB) checkNotDamaged(ctx context.Context) error {
	var problems []string
	var err error
	if fi, serr := os.Stat(db.path); serr == nil && fi.Size() > fullCheckMaxSize {
		problems, err = db.cheapCheck(ctx)
	} else {
		problems, err = db.quickCheck(ctx)
	}
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		detail := problems[0]
		if len(problems) > 1 {
			detail += fmt.Sprintf(" (and %d more)", len(problems)-1)
		}
		return &DamagedError{Path: db.path, Detail: strings.Join(strings.Fields(detail), " ")}
	}
	return nil
}

// cheapCheck reads the schema and the first and last row of every table;
// SQLite reports a damaged page it meets on the way.
func (db *DB) cheapCheck(ctx context.Context) ([]string, error) {
	corrupt := func(err error) ([]string, error) {
		if isCorrupt(err) {
			return []string{err.Error()}, nil
		}
		return nil, fmt.Errorf("check database: %w", err)
	}
	rows, err := db.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' AND sql NOT LIKE '%WITHOUT ROWID%'`)
	if err != nil {
		return corrupt(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return corrupt(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return corrupt(err)
	}
	for _, t := range tables {
		for _, order := range []string{"", " DESC"} {
			var n int
			q := `SELECT COUNT(*) FROM (SELECT * FROM "` + strings.ReplaceAll(t, `"`, `""`) + `" ORDER BY rowid` + order + ` LIMIT 1)`
			if err := db.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
				return corrupt(err)
			}
		}
	}
	return nil, nil
}
