package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/klachtdesk/klachtdesk"
	"github.com/pressly/goose/v3"
)

// Read-only use. The commands that only read (complaint list, show, audit
// verify, …) must work on a data folder nobody may write: a restored
// backup, a copy on a read-only mount. Such an open runs no migration,
// creates nothing in the folder, and refuses every write with ErrReadOnly.
//
// SQLite's own read-only mode (mode=ro) is not enough on its own: a
// database in WAL mode needs its -shm file, which SQLite creates beside the
// database, and without it a read-only folder refuses even to be read
// (SQLITE_READONLY_DIRECTORY; run as root, SQLite creates the files
// regardless of the folder's permissions). So the open is chosen by what
// the folder holds:
//
//   - a folder a writer may use (writable): mode=ro, beside a server that
//     may be writing; SQLite's shared memory keeps the reader consistent;
//   - a read-only folder with a -shm file: mode=ro, which reads it;
//   - a read-only folder without -shm and without a -wal holding frames:
//     immutable=1. The database file then holds every commit, and no writer
//     can work in a folder without creating the -wal and -shm files first:
//     nothing can change under the reader, which is when SQLite's docs
//     call immutable safe;
//   - a read-only folder with a -wal holding frames and no -shm: refused
//     with an error that says what to do, because reading those commits
//     needs a -shm file that only a writable folder can hold.

// ErrReadOnly is the error (possibly wrapped) of every write to a database
// opened with DB.ReadOnly.
var ErrReadOnly = &klachtdesk.Error{Code: klachtdesk.EFORBIDDEN,
	Message: "de database is alleen-lezen geopend: deze opdracht kan niets wijzigen / the database is open read-only: this command cannot change anything"}

// readOnlyMode is how a read-only SQLite open reads the database file.
type readOnlyMode string

const (
	readOnlyShared    readOnlyMode = "mode=ro"     // beside writers, through the -shm file
	readOnlyImmutable readOnlyMode = "immutable=1" // nothing can change: no locks, no -shm
)

// readOnlyModeFor chooses how to open the database at path read-only by
// what its folder holds (see above). folderWritable tells whether a writer
// could work in the folder.
func readOnlyModeFor(path string, folderWritable bool) (readOnlyMode, error) {
	if folderWritable {
		return readOnlyShared, nil
	}
	if fileExists(path + "-shm") {
		return readOnlyShared, nil
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return "", fmt.Errorf("database %s: its write-ahead log (%s-wal) holds changes not yet in the database file, "+
			"and SQLite cannot read them in a read-only folder without its %s-shm file: "+
			"copy the data folder to a writable place and open it there once (klachtdesk migrate), or make the folder writable",
			path, filepath.Base(path), filepath.Base(path))
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("database %s: %w", path, err)
	}
	return readOnlyImmutable, nil
}

// folderWritable reports whether files can be created in dir. A folder
// whose permissions let nobody write counts as read-only even for root,
// who could write there anyway: no Klachtdesk server writes in it. Else a
// file is created and removed again to find out (a read-only mount, a
// folder of another user).
func folderWritable(dir string) (bool, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return false, fmt.Errorf("data directory %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return false, fmt.Errorf("data directory %s is not a directory", dir)
	}
	if fi.Mode().Perm()&0o222 == 0 {
		return false, nil
	}
	f, err := os.CreateTemp(dir, ".klachtdesk-write-check-*")
	if err != nil {
		return false, nil
	}
	name := f.Name()
	f.Close()
	return true, os.Remove(name)
}

// sqliteReadOnlyDSN returns the DSN that opens the file at path read-only
// in mode, with the pragmas a reader needs (query_only as a second guard),
// keeping any options the operator's DSN had. It is a URI, so that SQLite
// reads mode and immutable.
func sqliteReadOnlyDSN(path, dsn string, mode readOnlyMode) string {
	// In a URI, ? and # end the path and % escapes.
	uri := "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path) + "?" + string(mode)
	if _, query, _ := strings.Cut(dsn, "?"); query != "" {
		uri += "&" + query
	}
	return uri + "&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=cache_size(-32768)&_pragma=query_only(1)"
}

// openReadOnly is Open for a DB with ReadOnly set: it checks that the
// database exists and is at this build's schema version, and writes
// nothing, neither in the database nor in its folder.
func (db *DB) openReadOnly(ctx context.Context) (err error) {
	if db.dataDir == "" {
		return errors.New("open database: data directory required")
	}
	if _, err := os.Stat(db.dataDir); err != nil {
		return fmt.Errorf("data directory %s: %w", db.dataDir, err)
	}
	if fi, err := os.Stat(db.path); err != nil {
		return fmt.Errorf("open database read-only: %w", err)
	} else if fi.IsDir() {
		return fmt.Errorf("open database read-only: %s is a directory", db.path)
	}
	writable, err := folderWritable(filepath.Dir(db.path))
	if err != nil {
		return err
	}
	mode, err := readOnlyModeFor(db.path, writable)
	if err != nil {
		return err
	}
	if db.db, err = sql.Open("sqlite", sqliteReadOnlyDSN(db.path, db.dsn, mode)); err != nil {
		return fmt.Errorf("open sqlite %s read-only: %w", db.path, err)
	}
	defer func() {
		if err != nil {
			db.db.Close()
			db.db = nil
		}
	}()
	db.blobs.readOnly = true
	return db.checkSchema(ctx)
}

// checkSchema checks, without writing, that the database's migrations are
// those of this build: reading a database an older build left behind
// would fail on missing columns instead of saying why.
func (db *DB) checkSchema(ctx context.Context) error {
	var n int
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`
	if db.dialect == dialectPostgres {
		q = `SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'goose_db_version'`
	}
	if err := db.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return fmt.Errorf("open database %s read-only: %w", db.Name(), err)
	}
	if n == 0 {
		return fmt.Errorf("open database %s read-only: it has no schema version (not a Klachtdesk database, or never migrated): run 'klachtdesk migrate' where it may be written", db.Name())
	}
	fsys, err := fs.Sub(migrationsFS, "migrations/"+db.dialect.String())
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(db.dialect.gooseDialect(), db.db, fsys,
		goose.WithSlog(slog.Default()), goose.WithVerbose(false), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("schema version of %s: %w", db.Name(), err)
	}
	if current < target {
		return fmt.Errorf("database %s is at schema version %d and this klachtdesk needs %d: run 'klachtdesk migrate' where it may be written, then read it again",
			db.Name(), current, target)
	}
	db.goose = p
	return nil
}
