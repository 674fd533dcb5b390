// Package sqldb is Klachtdesk's store: the implementations of the service
// interfaces of package klachtdesk on SQLite (and, later, PostgreSQL through
// the same code). Each public method opens one transaction in which it loads,
// calls the domain rule, writes the change and appends its audit event.
package sqldb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/pressly/goose/v3"
)

// migrationsFS holds one folder of migrations per dialect, with the same
// file names in each.
//
//go:embed migrations/*/*.sql
var migrationsFS embed.FS

// DB is the database connection, the blob store beside it and the clock.
type DB struct {
	// Now returns the current time; every instant the store writes comes
	// from it, never from the database. Defaults to time.Now.
	Now func() time.Time

	// ReadOnly, set before Open, opens the database for reading only: no
	// migration runs, nothing is created in the data folder (but for the
	// anchor log, when the folder is writable: anchor.go), and every
	// write is refused with ErrReadOnly. For the commands that only read,
	// which then work on a restored backup or a read-only mount too.
	ReadOnly bool

	// Exclusive, set before Open, makes this process the owner of the
	// data folder until Close (serve): Open refuses at once, with an
	// *OwnedError, when another process owns it. Processes that are not
	// exclusive (import, fetch) work beside the owner (lock.go).
	Exclusive bool

	// StoreError, when set, is told the kind of every failure of the
	// store itself (disk_full, read_only, io, busy, other) as it is met,
	// for the store-error metric. It must not block.
	StoreError func(kind string)

	// MaxConns, set before Open, bounds the connection pool on
	// PostgreSQL (DefaultMaxConns when 0). SQLite's pool is unbounded.
	MaxConns int

	// owner is the held owner lock of an Exclusive DB.
	owner *os.File

	db      *sql.DB
	dsn     string
	dataDir string
	path    string // SQLite file, "" for PostgreSQL
	dialect dialect
	blobs   *blobStore
	goose   *goose.Provider

	// stmts caches the prepared statements of the services' fixed SQL,
	// by query text: parsing SQL was a third of the cost of a write.
	stmts  sync.Map // string → *sql.Stmt
	nstmts atomic.Int64

	settings settingsCache

	// beforeComplaintUpdate, when set (by tests only), runs inside Act
	// between loading and updating the complaint.
	beforeComplaintUpdate func(ctx context.Context, tx *Tx, complaintID int64) error
}

// NewDB returns a DB for the data directory and DSN; Open connects. An empty
// dsn means the SQLite file <dataDir>/klachtdesk.db; a DSN starting with
// postgres:// or postgresql:// selects PostgreSQL.
func NewDB(dataDir, dsn string) *DB {
	db := &DB{
		Now:     time.Now,
		dsn:     dsn,
		dataDir: dataDir,
		blobs:   &blobStore{dir: filepath.Join(dataDir, "blobs")},
	}
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db.dialect = dialectPostgres
	default:
		db.dialect = dialectSQLite
		db.path = sqlitePath(dataDir, dsn)
	}
	return db
}

// Path returns the SQLite database file ("" on PostgreSQL).
func (db *DB) Path() string { return db.path }

// DSN returns the DSN the DB was made with: "" for the SQLite file in the
// data folder, else as given. It may hold a password: log Name instead.
func (db *DB) DSN() string { return db.dsn }

// unavailable marks a failure of the store itself as EUNAVAILABLE
// (dialect.storeFailure) and counts it by kind through StoreError.
func (db *DB) unavailable(err error) error {
	kind, out := db.dialect.storeFailure(err)
	if kind != "" && db.StoreError != nil {
		db.StoreError(kind)
	}
	return out
}

// Name names the database for a log line: the SQLite file, or the URL's
// scheme alone, without host, user or password.
func (db *DB) Name() string {
	if db.path != "" {
		return db.path
	}
	if scheme, _, ok := strings.Cut(db.dsn, "://"); ok {
		return scheme + "://…"
	}
	return "database"
}

// Open checks the data directory, connects, and runs the embedded
// migrations forward to the newest version. With ReadOnly it only connects
// and checks the schema version (see readonly.go).
func (db *DB) Open(ctx context.Context) (err error) {
	if db.dialect == dialectPostgres {
		return db.openPostgres(ctx)
	}
	if db.ReadOnly {
		return db.openReadOnly(ctx)
	}
	if db.dataDir == "" {
		return errors.New("open database: data directory required")
	}
	if err := checkWritableDir(db.dataDir); err != nil {
		return err
	}
	if db.Exclusive {
		if db.owner, err = lockOwner(db.dataDir); err != nil {
			return err
		}
		defer func() {
			if err != nil {
				db.owner.Close()
				db.owner = nil
			}
		}()
	}
	if err := db.blobs.init(); err != nil {
		return err
	}
	// Migrations run in one process at a time; the others wait, then
	// find nothing left to do.
	unlock, err := lockMigrations(db.dataDir)
	if err != nil {
		return err
	}
	defer unlock()
	if db.db, err = openSQLite(ctx, db.path, db.dsn); err != nil {
		return db.damaged(err)
	}
	defer func() {
		if err != nil {
			db.db.Close()
			db.db = nil
		}
	}()
	if err := db.checkNotDamaged(ctx); err != nil {
		return err
	}
	if err := db.migrate(ctx); err != nil {
		return db.damaged(err) // a damaged page the cheap check did not reach
	}
	if err := db.addMissingComplaintKeys(ctx); err != nil {
		return db.damaged(fmt.Errorf("open database: %w", err))
	}
	return nil
}

// openPostgres is Open on PostgreSQL: no data folder is owned (several
// instances share the database), migrations run under an advisory lock.
func (db *DB) openPostgres(ctx context.Context) (err error) {
	if db.db, err = openPostgres(ctx, db.dsn, db.MaxConns, db.ReadOnly); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			db.db.Close()
			db.db = nil
		}
	}()
	if db.ReadOnly {
		db.blobs.readOnly = true
		return db.checkSchema(ctx)
	}
	if db.dataDir != "" {
		if err := checkWritableDir(db.dataDir); err != nil {
			return err
		}
		if err := db.blobs.init(); err != nil {
			return err
		}
	}
	unlock, err := lockMigrationsPostgres(ctx, db.db)
	if err != nil {
		return db.unavailable(err)
	}
	defer unlock()
	if err := db.migrate(ctx); err != nil {
		return privilegeError(err)
	}
	if err := db.addMissingComplaintKeys(ctx); err != nil {
		return privilegeError(fmt.Errorf("open database: %w", err))
	}
	return nil
}

// checkWritableDir creates dir if needed and proves a file can be written in
// it, so that a read-only mount fails at start with a clear message instead
// of at the first complaint.
func checkWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("data directory %s cannot be created: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".klachtdesk-write-check-*")
	if err != nil {
		return fmt.Errorf("data directory %s is not writable: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("data directory %s is not writable: %w", dir, err)
	}
	return nil
}

// migrate runs the embedded migrations of the dialect with goose. goose
// writes nothing to stdout: its logger is slog's, and with verbose off it
// does not log at all.
func (db *DB) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrationsFS, "migrations/"+db.dialect.String())
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(db.dialect.gooseDialect(), db.db, fsys,
		goose.WithSlog(slog.Default()),
		goose.WithVerbose(false),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	db.goose = p
	return nil
}

// Close closes the database connection and gives up the ownership of
// the data folder.
func (db *DB) Close() error {
	if db.owner != nil {
		defer func() { db.owner.Close(); db.owner = nil }()
	}
	if db.db == nil {
		return nil
	}
	db.stmts.Range(func(q, s any) bool {
		s.(*sql.Stmt).Close()
		db.stmts.Delete(q)
		return true
	})
	err := db.db.Close()
	db.db = nil
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if db.db == nil {
		return errors.New("ping database: not open")
	}
	if err := db.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// SchemaVersion returns the version of the newest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	if db.goose == nil {
		return 0, errors.New("schema version: database not open")
	}
	v, err := db.goose.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// Tx is a transaction that carries the instant it started at, the only
// "now" of everything it writes, and rebinds placeholders for the dialect.
type Tx struct {
	tx   *sql.Tx
	db   *DB
	now  time.Time
	keys complaintKeys // complaint keys read or made in this transaction
	// head is the audit chain's head as this transaction moved it.
	head struct {
		loaded, dirty bool
		id            int64
		hash          string
	}
	// created is the complaint this transaction registered last.
	created int64
	// numbers are the reference counters this transaction hands out from.
	numbers map[int]*counter
	// stmts are the cached statements bound to this transaction.
	stmts map[string]*sql.Stmt
	// readOnly is set for a transaction that only reads.
	readOnly bool
}

// BeginTx starts a transaction. On SQLite a read-write transaction takes the
// write lock at once (_txlock=immediate), so its reads cannot go stale; pass
// &sql.TxOptions{ReadOnly: true} for one that only reads. A DB opened
// ReadOnly refuses any other with ErrReadOnly.
func (db *DB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	if db.db == nil {
		return nil, errors.New("begin transaction: database not open")
	}
	if db.ReadOnly && (opts == nil || !opts.ReadOnly) {
		return nil, ErrReadOnly
	}
	sqlTx, err := db.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, db.unavailable(fmt.Errorf("begin transaction: %w", err))
	}
	// Instants are kept to the microsecond, PostgreSQL's precision, on
	// both databases: an instant reads back as it was written.
	tx := &Tx{tx: sqlTx, db: db, now: db.Now().UTC().Truncate(time.Microsecond), readOnly: opts != nil && opts.ReadOnly}
	if err := tx.lockWriter(ctx); err != nil {
		sqlTx.Rollback()
		return nil, err
	}
	return tx, nil
}

// beginRead starts a read-only transaction: one consistent snapshot.
func (db *DB) beginRead(ctx context.Context) (*Tx, error) {
	return db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
}

// ExecContext executes a statement written with ? placeholders.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(tx.stmtContext(ctx), tx.db.dialect.rebind(query), args...)
}

// QueryContext runs a query written with ? placeholders.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(tx.stmtContext(ctx), tx.db.dialect.rebind(query), args...)
}

// QueryRowContext runs a query written with ? placeholders that returns at
// most one row.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(tx.stmtContext(ctx), tx.db.dialect.rebind(query), args...)
}

// maxPrepared bounds the statement cache; the fixed SQL of the services
// needs far fewer.
const maxPrepared = 256

// stmt returns query (already rebound) prepared for this transaction,
// preparing it once for the database and reusing it on every connection; nil
// when the cache is full. The first preparation borrows a second connection
// from the pool, which is why the pool has no connection limit.
func (tx *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	db := tx.db
	if db.dialect == dialectPostgres {
		return nil, nil // pgx caches prepared statements per connection
	}
	s, ok := db.stmts.Load(query)
	if !ok {
		if db.nstmts.Load() >= maxPrepared {
			return nil, nil
		}
		prepared, err := db.db.PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		if s, ok = db.stmts.LoadOrStore(query, prepared); ok {
			prepared.Close()
		} else {
			db.nstmts.Add(1)
		}
	}
	// The transaction's copy is closed with the transaction; the prepared
	// statement stays cached on the connection. A batch runs the same
	// statements many times: bind each once per transaction.
	if ts, ok := tx.stmts[query]; ok {
		return ts, nil
	}
	ts := tx.tx.StmtContext(ctx, s.(*sql.Stmt))
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = ts
	return ts, nil
}

// stmtContext is the context a statement of tx runs with. The statements of
// a write transaction are short and the transaction as a whole still ends
// with its context; not tying each one to it saves the driver a goroutine
// per statement, which is most of a simple insert's cost.
func (tx *Tx) stmtContext(ctx context.Context) context.Context {
	if tx.readOnly {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

// exec is ExecContext for the fixed SQL of the services: prepared once. A
// failure of the store itself (disk full, …) is EUNAVAILABLE.
func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := tx.execStmt(ctx, query, args...)
	return res, tx.db.unavailable(err)
}

func (tx *Tx) execStmt(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = tx.stmtContext(ctx)
	q := tx.db.dialect.rebind(query)
	s, err := tx.stmt(ctx, q)
	if err != nil {
		return nil, err
	} else if s == nil {
		return tx.tx.ExecContext(ctx, q, args...)
	}
	return s.ExecContext(ctx, args...)
}

// query is QueryContext for the fixed SQL of the services: prepared once.
func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = tx.stmtContext(ctx)
	q := tx.db.dialect.rebind(query)
	s, err := tx.stmt(ctx, q)
	if err != nil {
		return nil, err
	} else if s == nil {
		return tx.tx.QueryContext(ctx, q, args...)
	}
	return s.QueryContext(ctx, args...)
}

// queryRow is QueryRowContext for the fixed SQL of the services: prepared
// once. A preparation error surfaces from Scan, as with QueryRowContext.
func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = tx.stmtContext(ctx)
	q := tx.db.dialect.rebind(query)
	s, err := tx.stmt(ctx, q)
	if err != nil || s == nil {
		return tx.tx.QueryRowContext(ctx, q, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// insert runs an INSERT of one row (written without RETURNING) and returns
// the row's id. SQLite reports it without a result set, which spares the
// driver a row cursor and its watcher goroutine; PostgreSQL returns it.
func (tx *Tx) insert(ctx context.Context, query string, args ...any) (int64, error) {
	if tx.db.dialect == dialectPostgres {
		var id int64
		err := tx.queryRow(ctx, query+" RETURNING id", args...).Scan(&id)
		return id, err
	}
	res, err := tx.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// Commit writes the audit chain's head, if events were appended, and the
// reference counters handed out from, and commits the transaction.
func (tx *Tx) Commit() error {
	if err := flushAuditHead(context.Background(), tx); err != nil {
		return err
	}
	if err := flushNumbers(context.Background(), tx); err != nil {
		return err
	}
	if err := tx.tx.Commit(); err != nil {
		return tx.db.unavailable(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// Rollback aborts the transaction; after Commit it is a no-op, so it can be
// deferred.
func (tx *Tx) Rollback() error {
	if err := tx.tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("rollback: %w", err)
	}
	return nil
}

// Now returns the instant the transaction started at.
func (tx *Tx) Now() time.Time { return tx.now }

// timeLayout stores instants as fixed-width UTC text, so that string order is
// time order on every database.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// formatTime returns t as stored: to the microsecond, PostgreSQL's
// precision, on both databases, so that an instant reads back the same
// from either. (Trail events written before this keep their nanoseconds:
// rows are never rewritten, and the chain hashes the instant as read.)
func formatTime(t time.Time) string { return t.UTC().Truncate(time.Microsecond).Format(timeLayout) }

// nullTime returns t as stored, or NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

// nullDate returns d as stored ("YYYY-MM-DD"), or NULL for the zero date.
func nullDate(d klachtdesk.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// nullID returns NULL for the zero ID, which foreign keys need.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// boolInt stores a boolean as 0 or 1, which both databases speak.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// instantDest scans a stored instant (NULL is the zero time).
type instantDest struct{ t *time.Time }

func (d instantDest) Scan(v any) error {
	if t, ok := v.(time.Time); ok { // PostgreSQL's timestamptz
		*d.t = t.UTC()
		return nil
	}
	s, ok, err := textValue(v)
	if err != nil || !ok {
		*d.t = time.Time{}
		return err
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return fmt.Errorf("stored instant %q: %w", s, err)
	}
	*d.t = t
	return nil
}

// dateDest scans a stored date (NULL is the zero date).
type dateDest struct{ d *klachtdesk.Date }

func (d dateDest) Scan(v any) error {
	if t, ok := v.(time.Time); ok { // PostgreSQL's date
		*d.d = klachtdesk.NewDate(t.Year(), t.Month(), t.Day())
		return nil
	}
	s, ok, err := textValue(v)
	if err != nil || !ok {
		*d.d = klachtdesk.Date{}
		return err
	}
	date, err := klachtdesk.ParseDate(s)
	if err != nil {
		return fmt.Errorf("stored date %q: %w", s, err)
	}
	*d.d = date
	return nil
}

// boolDest scans a stored 0/1 integer.
type boolDest struct{ b *bool }

func (d boolDest) Scan(v any) error {
	switch v := v.(type) {
	case int64:
		*d.b = v != 0
	case int32:
		*d.b = v != 0
	case bool:
		*d.b = v
	case nil:
		*d.b = false
	default:
		return fmt.Errorf("stored boolean: unexpected %T", v)
	}
	return nil
}

// idDest scans a nullable ID (NULL is 0).
type idDest struct{ id *int64 }

func (d idDest) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*d.id = n.Int64
	return nil
}

func textValue(v any) (string, bool, error) {
	switch v := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return v, true, nil
	case []byte:
		return string(v), true, nil
	}
	return "", false, fmt.Errorf("stored text: unexpected %T", v)
}

// actor returns the acting user: the user in ctx, or the system when there
// is none. An inactive user is refused with EUNAUTHORIZED.
func actor(ctx context.Context) (*klachtdesk.User, error) {
	u := klachtdesk.UserFromContext(ctx)
	if u == nil {
		return klachtdesk.SystemUser, nil
	}
	if !u.Active {
		return nil, klachtdesk.Errorf(klachtdesk.EUNAUTHORIZED, "user %s is not active", u.Username)
	}
	return u, nil
}

// writer returns the acting user if they may change complaints: a viewer
// reads only.
func writer(ctx context.Context) (*klachtdesk.User, error) {
	u, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if u.Role == klachtdesk.RoleViewer {
		return nil, klachtdesk.Errorf(klachtdesk.EFORBIDDEN, "user %s has the viewer role and cannot change complaints", u.Username)
	}
	return u, nil
}

// admin returns the acting user if they may change settings and users.
func admin(ctx context.Context, what string) (*klachtdesk.User, error) {
	u, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if u.Role != klachtdesk.RoleAdmin {
		return nil, klachtdesk.Errorf(klachtdesk.EFORBIDDEN, "only an administrator can %s", what)
	}
	return u, nil
}

// accessClause is the conflict-of-interest rule in SQL: a condition on the
// complaint aliased c that hides it from a user it is about. The system (no
// user, or ID 0) sees everything.
func accessClause(u *klachtdesk.User) (string, []any) {
	if u == nil || u.ID == 0 {
		return "", nil
	}
	return ` AND NOT EXISTS (SELECT 1 FROM complaint_concerned cc WHERE cc.complaint_id = c.id AND cc.user_id = ?)`, []any{u.ID}
}

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
