package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// Moving an installation (klachtdesk migrate-data). Every row of every
// table of a SQLite store, and every file of its blob store, is copied into
// an empty store at the same schema version (PostgreSQL, or another SQLite
// store in tests), as values, in primary-key order, in batches. Events go
// across byte for byte, so the chain's hashes and its head stay the same.
//
// A copy can be interrupted and run again: the target holds a progress
// marker table (copyMarkerTable) naming the source and, per table, the key
// of the last row copied, written in the transaction of each batch. A
// target with rows but without the marker, or with another source's
// marker, is refused before anything is written. On arrival the row counts
// and the audit chain's head are compared with the source, and the marker
// is dropped.

// copyTables is every table of the schema, in the order the copy fills
// them: each after the tables its foreign keys name. A table the source
// has and this list lacks stops the copy before it starts: a migration
// that adds a table adds it here (TestDataCopy_WholeInstallation copies a store at the newest schema).
var copyTables = []string{
	"users", "complainants", "reference_counters",
	"complaints", "complaint_concerned", "complaint_keys",
	"settings", "settings_changes",
	"messages", "attachments", "blobs",
	"events", "audit_head",
	"inbound", "mail_addresses", "outbox", "imap_state", "mailbox_leases",
}

// copySeeded are the tables the migrations fill with a row of their own;
// the copy overwrites those rows.
var copySeeded = map[string]bool{"audit_head": true}

// copyMarkerTable is the progress marker in the target; copyBlobFiles names
// the blob store's files in it and in the progress.
const (
	copyMarkerTable = "migrate_data_progress"
	copyBlobFiles   = "blob files"
	copySourceKey   = "@source"
)

// DataCopy copies a whole installation into an empty store.
type DataCopy struct {
	// From is the source, opened ReadOnly on SQLite; To the target, open
	// and migrated.
	From, To *DB
	// Batch is the number of rows per target transaction (500 when 0).
	Batch int
	// Progress, when set, is told after every batch how far the copy is.
	Progress func(CopyProgress)

	truncated int64 // instants cut to the microsecond
}

// CopyProgress is how far a copy is: rows (and blob files) of all tables
// together.
type CopyProgress struct {
	Table       string // the table being copied, or "blob files"
	Done, Total int64
}

// CopyReport is what a finished copy found on arrival.
type CopyReport struct {
	// Tables are the row counts, equal on both sides, in copy order.
	Tables []TableRows
	// BlobFiles is the number of files of the source's blob store, each
	// now stored on the target.
	BlobFiles int64
	// Audit is the verified chain of the target; its head is the
	// source's.
	Audit *klachtdesk.AuditReport
	// Resumed is true when the copy went on from an interrupted one.
	Resumed bool
	// TruncatedInstants counts the instants with digits beyond the
	// microsecond (written by a klachtdesk before instants were kept to
	// the microsecond) cut to it for a target that keeps no more
	// (PostgreSQL's timestamptz), in this run. Events keep theirs: their
	// instant is text on every database.
	TruncatedInstants int64
}

// TableRows is the row count of a table.
type TableRows struct {
	Name string
	Rows int64
}

// CopyRefusedError is a copy's refusal to start; nothing was written to
// the target. Kind is one of the CopyRefused… constants; Args are the
// values its message names, in the order listed there.
type CopyRefusedError struct {
	Kind string
	Args []any
	msg  string
}

// Kinds of CopyRefusedError, with the Args each carries.
const (
	CopyRefusedNotEmpty     = "not_empty"     // table, rows
	CopyRefusedForeign      = "foreign_table" // table
	CopyRefusedOtherSource  = "other_source"  // the source named by the target's marker
	CopyRefusedSchema       = "schema"        // source version, target version
	CopyRefusedUnknownTable = "unknown_table" // table
	CopyRefusedBrokenSource = "broken_source" // event ID, reason
	CopyRefusedNotSQLite    = "not_sqlite"    // (none)
)

func (e *CopyRefusedError) Error() string { return e.msg }

// CopyRefusal returns the kind of the refusal and the values its message
// names; the command line reads them through an interface.
func (e *CopyRefusedError) CopyRefusal() (string, []any) { return e.Kind, e.Args }

func refuse(kind, format string, args ...any) *CopyRefusedError {
	return &CopyRefusedError{Kind: kind, Args: args, msg: "migrate data: " + fmt.Sprintf(format, args...)}
}

// CopyVerifyError is a copy that arrived different from its source: the
// counts or the chain's head differ. The target keeps its marker.
type CopyVerifyError struct{ What string }

func (e *CopyVerifyError) Error() string { return "migrate data: verify on arrival: " + e.What }

// CopyMismatch returns what differs; the command line reads it through an
// interface.
func (e *CopyVerifyError) CopyMismatch() string { return e.What }

// copyTable is a table as the copy reads and writes it.
type copyTable struct {
	name  string
	cols  []string  // every column, in the source's order
	key   []string  // the primary key's columns, in order
	kinds []colKind // how each column is written on the target
}

// colKind is how a value is written to a target column.
type colKind int

const (
	colAsIs    colKind = iota // as read
	colInstant                // stored text → time.Time (PostgreSQL timestamptz)
	colText                   // bytes → string
)

// copyState is the progress of one table, as the marker keeps it.
type copyState struct {
	Last []any `json:"last,omitempty"` // key of the last row copied; nil: none yet
	Rows int64 `json:"rows"`
	Done bool  `json:"done,omitempty"`
}

// Run copies From into To, verifies the result and drops the marker. It
// refuses with a *CopyRefusedError, writing nothing, a target that is not
// empty (unless it holds this source's marker: then it resumes), a source
// at another schema version, a source with a table this build does not
// know, and a source whose audit trail is broken.
func (c *DataCopy) Run(ctx context.Context) (report *CopyReport, err error) {
	defer func() {
		// A statement cut short by the cancellation fails with the
		// driver's own error; say that it was cancelled.
		if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w: %w", ctx.Err(), err)
		}
	}()
	if c.Batch <= 0 {
		c.Batch = 500
	}
	src, dst := c.From, c.To
	if src.dialect != dialectSQLite || src.path == "" {
		return nil, refuse(CopyRefusedNotSQLite, "the source must be a SQLite data folder")
	}
	if src.dataDir != "" && src.dataDir == dst.dataDir && dst.dialect == dialectSQLite {
		return nil, errors.New("migrate data: source and target are the same data folder")
	}
	// No serve may write the source while it is copied.
	if ok, _ := folderWritable(src.dataDir); ok {
		owner, err := lockOwner(src.dataDir)
		if err != nil {
			return nil, err
		}
		defer owner.Close()
	}
	sv, err := src.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	dv, err := dst.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if sv != dv {
		return nil, refuse(CopyRefusedSchema, "the source is at schema version %d and the target at %d", sv, dv)
	}
	tables, err := copyTablesOf(ctx, src, dst)
	if err != nil {
		return nil, err
	}
	srcAudit, err := NewAuditService(src).VerifyAudit(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate data: verify the source's audit trail: %w", err)
	}
	if srcAudit.Break != nil {
		return nil, refuse(CopyRefusedBrokenSource, "the source's audit trail is broken at event %d: %s", srcAudit.Break.EventID, srcAudit.Break.Reason)
	}
	identity, err := sourceIdentity(ctx, src)
	if err != nil {
		return nil, err
	}
	states, resumed, err := c.claimTarget(ctx, tables, identity)
	if err != nil {
		return nil, err
	}
	if resumed {
		if err := c.cleanResumed(ctx, tables, states); err != nil {
			return nil, err
		}
	}
	counts, total, err := c.countSource(ctx, tables)
	if err != nil {
		return nil, err
	}
	files, err := src.blobFiles()
	if err != nil {
		return nil, err
	}
	total += int64(len(files))
	var done int64
	for _, st := range states {
		done += st.Rows
	}
	for _, t := range tables {
		if states[t.name].Done {
			continue
		}
		if err := c.copyRows(ctx, t, states, &done, total); err != nil {
			return nil, err
		}
	}
	if err := c.copyBlobFiles(ctx, files, states, &done, total); err != nil {
		return nil, err
	}
	if err := dst.resetSequences(ctx); err != nil {
		return nil, err
	}
	report, err = c.verify(ctx, tables, counts, files, srcAudit)
	if err != nil {
		return nil, err
	}
	report.Resumed, report.TruncatedInstants = resumed, c.truncated
	if _, err := dst.db.ExecContext(ctx, `DROP TABLE `+copyMarkerTable); err != nil {
		return nil, fmt.Errorf("migrate data: drop the progress marker: %w", err)
	}
	return report, nil
}

// copyTablesOf reads the tables of the source's schema, in copy order, and
// checks that the target has each with the same columns.
func copyTablesOf(ctx context.Context, src, dst *DB) ([]*copyTable, error) {
	names, err := src.tableNames(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if !slices.Contains(copyTables, n) {
			return nil, refuse(CopyRefusedUnknownTable, "the source has a table this klachtdesk cannot copy: %s", n)
		}
	}
	var out []*copyTable
	for _, name := range copyTables {
		if !slices.Contains(names, name) {
			return nil, fmt.Errorf("migrate data: the source has no table %s", name)
		}
		t := &copyTable{name: name}
		if t.cols, t.key, err = src.sqliteColumns(ctx, name); err != nil {
			return nil, err
		}
		if len(t.key) == 0 {
			return nil, fmt.Errorf("migrate data: table %s has no primary key to copy it in order", name)
		}
		kinds, err := dst.columnKinds(ctx, name)
		if err != nil {
			return nil, err
		}
		for _, col := range t.cols {
			k, ok := kinds[col]
			if !ok {
				return nil, fmt.Errorf("migrate data: the target's table %s has no column %s", name, col)
			}
			t.kinds = append(t.kinds, k)
		}
		if len(kinds) != len(t.cols) {
			return nil, fmt.Errorf("migrate data: the target's table %s has %d columns, the source's %d", name, len(kinds), len(t.cols))
		}
		out = append(out, t)
	}
	return out, nil
}

// tableNames returns the tables of the schema but goose's and the copy's
// own.
func (db *DB) tableNames(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`
	if db.dialect == dialectPostgres {
		q = `SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename`
	}
	rows, err := db.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("migrate data: list tables: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("migrate data: list tables: %w", err)
		}
		if n != "goose_db_version" && n != copyMarkerTable {
			names = append(names, n)
		}
	}
	return names, rows.Err()
}

// sqliteColumns returns the columns of a SQLite table and its primary key.
func (db *DB) sqliteColumns(ctx context.Context, table string) (cols, key []string, err error) {
	rows, err := db.db.QueryContext(ctx, `SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, nil, fmt.Errorf("migrate data: columns of %s: %w", table, err)
	}
	defer rows.Close()
	pk := map[int]string{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return nil, nil, fmt.Errorf("migrate data: columns of %s: %w", table, err)
		}
		cols = append(cols, name)
		if n > 0 {
			pk[n] = name
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("migrate data: columns of %s: %w", table, err)
	}
	for i := 1; i <= len(pk); i++ {
		key = append(key, pk[i])
	}
	return cols, key, nil
}

// columnKinds returns how each column of a target table is written. SQLite
// stores what it reads; PostgreSQL keeps instants as timestamptz.
func (db *DB) columnKinds(ctx context.Context, table string) (map[string]colKind, error) {
	kinds := map[string]colKind{}
	if db.dialect == dialectSQLite {
		cols, _, err := db.sqliteColumns(ctx, table)
		for _, c := range cols {
			kinds[c] = colAsIs
		}
		return kinds, err
	}
	rows, err := db.db.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1`, table)
	if err != nil {
		return nil, fmt.Errorf("migrate data: columns of %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, fmt.Errorf("migrate data: columns of %s: %w", table, err)
		}
		switch typ {
		case "timestamp with time zone":
			kinds[name] = colInstant
		case "text", "character varying", "date":
			kinds[name] = colText
		default:
			kinds[name] = colAsIs
		}
	}
	return kinds, rows.Err()
}

// sourceIdentity names the source in the target's marker: its data folder
// and the hash of its first event, so that a copy resumes only from the
// installation it started from.
func sourceIdentity(ctx context.Context, src *DB) (string, error) {
	dir, err := filepath.Abs(src.dataDir)
	if err != nil {
		return "", fmt.Errorf("migrate data: %w", err)
	}
	var first string
	err = src.db.QueryRowContext(ctx, `SELECT hash FROM events ORDER BY id LIMIT 1`).Scan(&first)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("migrate data: read the first event: %w", err)
	}
	return dir + " " + first, nil
}

// claimTarget checks that the target is empty and writes the marker, or
// reads the marker of this source's interrupted copy.
func (c *DataCopy) claimTarget(ctx context.Context, tables []*copyTable, identity string) (map[string]*copyState, bool, error) {
	dst := c.To
	states := map[string]*copyState{}
	for _, t := range tables {
		states[t.name] = &copyState{}
	}
	states[copyBlobFiles] = &copyState{}
	names, err := dst.tableNames(ctx)
	if err != nil {
		return nil, false, err
	}
	if marker, err := dst.hasMarker(ctx); err != nil {
		return nil, false, err
	} else if marker {
		rows, err := dst.db.QueryContext(ctx, `SELECT name, value FROM `+copyMarkerTable)
		if err != nil {
			return nil, false, fmt.Errorf("migrate data: read the progress marker: %w", err)
		}
		defer rows.Close()
		var source string
		for rows.Next() {
			var name, value string
			if err := rows.Scan(&name, &value); err != nil {
				return nil, false, fmt.Errorf("migrate data: read the progress marker: %w", err)
			}
			if name == copySourceKey {
				source = value
				continue
			}
			if st, ok := states[name]; ok {
				if err := decodeState(value, st); err != nil {
					return nil, false, fmt.Errorf("migrate data: progress marker of %s: %w", name, err)
				}
			}
		}
		if err := rows.Err(); err != nil {
			return nil, false, fmt.Errorf("migrate data: read the progress marker: %w", err)
		}
		if source != identity {
			dir, _, _ := strings.Cut(source, " ")
			return nil, false, refuse(CopyRefusedOtherSource, "the target holds a copy of another installation (%s)", dir)
		}
		return states, true, nil
	}
	for _, n := range names {
		if !slices.Contains(copyTables, n) && !slices.Contains(postgresBlobTables, n) {
			return nil, false, refuse(CopyRefusedForeign, "the target is not empty: it holds a table %s that is not Klachtdesk's", n)
		}
	}
	for _, t := range tables {
		var n int64
		q := `SELECT COUNT(*) FROM ` + quoteIdent(t.name)
		if copySeeded[t.name] {
			q = `SELECT COUNT(*) FROM audit_head WHERE last_event_id <> 0`
		}
		if err := dst.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return nil, false, fmt.Errorf("migrate data: count the target's %s: %w", t.name, err)
		}
		if n > 0 {
			return nil, false, refuse(CopyRefusedNotEmpty, "the target is not empty: table %s holds %d rows", t.name, n)
		}
	}
	if n, err := dst.storedBlobFiles(); err != nil {
		return nil, false, err
	} else if n > 0 {
		return nil, false, refuse(CopyRefusedNotEmpty, "the target is not empty: table %s holds %d rows", copyBlobFiles, n)
	}
	tx, err := dst.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, fmt.Errorf("migrate data: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE `+copyMarkerTable+` (name TEXT PRIMARY KEY, value TEXT NOT NULL)`); err != nil {
		return nil, false, fmt.Errorf("migrate data: create the progress marker: %w", err)
	}
	if _, err := tx.ExecContext(ctx, dst.dialect.rebind(`INSERT INTO `+copyMarkerTable+` (name, value) VALUES (?, ?)`), copySourceKey, identity); err != nil {
		return nil, false, fmt.Errorf("migrate data: create the progress marker: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, false, fmt.Errorf("migrate data: create the progress marker: %w", err)
	}
	return states, false, nil
}

// hasMarker reports whether the target holds a progress marker.
func (db *DB) hasMarker(ctx context.Context) (bool, error) {
	// tableNames leaves the marker out; look for it by name.
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if db.dialect == dialectPostgres {
		q = `SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = $1`
	}
	var n int
	if err := db.db.QueryRowContext(ctx, q, copyMarkerTable).Scan(&n); err != nil {
		return false, fmt.Errorf("migrate data: look for the progress marker: %w", err)
	}
	return n > 0, nil
}

// decodeState reads a table's progress from the marker; key values come
// back as int64 or string.
func decodeState(value string, st *copyState) error {
	d := json.NewDecoder(strings.NewReader(value))
	d.UseNumber()
	if err := d.Decode(st); err != nil {
		return err
	}
	for i, v := range st.Last {
		if n, ok := v.(json.Number); ok {
			id, err := n.Int64()
			if err != nil {
				return fmt.Errorf("key %s: %w", n, err)
			}
			st.Last[i] = id
		}
	}
	return nil
}

// cleanResumed removes from the target the rows of unfinished tables past
// the last one the copy wrote: opening the target may have written some
// (a key for every complaint that has none yet, before its key was
// copied), and the copy writes them as the source has them.
func (c *DataCopy) cleanResumed(ctx context.Context, tables []*copyTable, states map[string]*copyState) error {
	dst := c.To
	for _, t := range tables {
		st := states[t.name]
		if st.Done || copySeeded[t.name] {
			continue
		}
		where, args := "", []any(nil)
		if st.Last != nil {
			where, args = " WHERE "+keyAfter(t.key), st.Last
		}
		if t.name == "events" {
			// Append-only: nothing but the copy writes events.
			var n int64
			if err := dst.db.QueryRowContext(ctx, dst.dialect.rebind(`SELECT COUNT(*) FROM events`+where), args...).Scan(&n); err != nil {
				return fmt.Errorf("migrate data: %w", err)
			}
			if n > 0 {
				return fmt.Errorf("migrate data: the target holds %d events the copy did not write", n)
			}
			continue
		}
		if _, err := dst.db.ExecContext(ctx, dst.dialect.rebind(`DELETE FROM `+quoteIdent(t.name)+where), args...); err != nil {
			return fmt.Errorf("migrate data: resume %s: %w", t.name, err)
		}
	}
	return nil
}

// countSource counts the source's rows per table, in one snapshot.
func (c *DataCopy) countSource(ctx context.Context, tables []*copyTable) (map[string]int64, int64, error) {
	tx, err := c.From.beginRead(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	counts := map[string]int64{}
	var total int64
	for _, t := range tables {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteIdent(t.name)).Scan(&n); err != nil {
			return nil, 0, fmt.Errorf("migrate data: count %s: %w", t.name, err)
		}
		counts[t.name] = n
		total += n
	}
	return counts, total, nil
}

// maxParams bounds the placeholders of one INSERT (SQLite allows 32766).
const maxParams = 30000

// copyRows copies a table from where its marker stands, batch by batch,
// each batch in one target transaction with the marker.
func (c *DataCopy) copyRows(ctx context.Context, t *copyTable, states map[string]*copyState, done *int64, total int64) error {
	st := states[t.name]
	cols := make([]string, len(t.cols))
	for i, col := range t.cols {
		cols[i] = quoteIdent(col)
	}
	keyIdx := make([]int, len(t.key))
	for i, k := range t.key {
		keyIdx[i] = slices.Index(t.cols, k)
	}
	order := make([]string, len(t.key))
	for i, k := range t.key {
		order[i] = quoteIdent(k)
	}
	sel := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + quoteIdent(t.name)
	perInsert := max(1, min(c.Batch, maxParams/len(cols)))
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		q, args := sel, []any(nil)
		if st.Last != nil {
			q, args = q+` WHERE `+keyAfter(t.key), st.Last
		}
		q += ` ORDER BY ` + strings.Join(order, ", ") + fmt.Sprintf(` LIMIT %d`, c.Batch)
		batch, err := c.readBatch(ctx, q, args, len(cols))
		if err != nil {
			return fmt.Errorf("migrate data: read %s: %w", t.name, err)
		}
		if len(batch) == 0 {
			st.Done = true
			return c.writeBatch(ctx, t, nil, 0, st)
		}
		for _, row := range batch {
			for i, k := range t.kinds {
				var cut bool
				if row[i], cut, err = targetValue(k, row[i]); err != nil {
					return fmt.Errorf("migrate data: %s.%s: %w", t.name, t.cols[i], err)
				} else if cut {
					c.truncated++
				}
			}
		}
		last := batch[len(batch)-1]
		key := make([]any, len(keyIdx))
		for i, j := range keyIdx {
			key[i] = markerValue(last[j])
		}
		next := &copyState{Last: key, Rows: st.Rows + int64(len(batch))}
		if err := c.writeBatch(ctx, t, batch, perInsert, next); err != nil {
			return err
		}
		*st = *next
		*done += int64(len(batch))
		if c.Progress != nil {
			c.Progress(CopyProgress{Table: t.name, Done: *done, Total: total})
		}
	}
}

// readBatch reads one batch of rows from the source, as values.
func (c *DataCopy) readBatch(ctx context.Context, q string, args []any, ncols int) ([][]any, error) {
	tx, err := c.From.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		row := make([]any, ncols)
		ptrs := make([]any, ncols)
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// writeBatch inserts rows into the target and moves the table's marker to
// st, in one transaction.
func (c *DataCopy) writeBatch(ctx context.Context, t *copyTable, batch [][]any, perInsert int, st *copyState) error {
	dst := c.To
	tx, err := dst.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate data: write %s: %w", t.name, err)
	}
	defer tx.Rollback()
	cols := make([]string, len(t.cols))
	for i, col := range t.cols {
		cols[i] = quoteIdent(col)
	}
	head := `INSERT INTO ` + quoteIdent(t.name) + ` (` + strings.Join(cols, ", ") + `) VALUES `
	tail := ""
	if copySeeded[t.name] {
		sets := make([]string, 0, len(cols))
		for i, col := range cols {
			if !slices.Contains(t.key, t.cols[i]) {
				sets = append(sets, col+" = excluded."+col)
			}
		}
		keys := make([]string, len(t.key))
		for i, k := range t.key {
			keys[i] = quoteIdent(k)
		}
		tail = ` ON CONFLICT (` + strings.Join(keys, ", ") + `) DO UPDATE SET ` + strings.Join(sets, ", ")
	}
	row := "(" + placeholders(len(cols)) + ")"
	for len(batch) > 0 {
		n := min(perInsert, len(batch))
		args := make([]any, 0, n*len(cols))
		for _, r := range batch[:n] {
			args = append(args, r...)
		}
		q := head + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") + tail
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("migrate data: write %s: %w", t.name, err)
		}
		batch = batch[n:]
	}
	if err := setMarker(ctx, tx, t.name, st); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate data: write %s: %w", t.name, err)
	}
	return nil
}

// setMarker records a table's progress in the marker.
func setMarker(ctx context.Context, tx *Tx, name string, st *copyState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("migrate data: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+copyMarkerTable+` (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, string(b)); err != nil {
		return fmt.Errorf("migrate data: progress marker of %s: %w", name, err)
	}
	return nil
}

// keyAfter is the condition "the row's key is past ?…" of a key.
func keyAfter(key []string) string {
	cols := make([]string, len(key))
	for i, k := range key {
		cols[i] = quoteIdent(k)
	}
	if len(key) == 1 {
		return cols[0] + " > ?"
	}
	return "(" + strings.Join(cols, ", ") + ") > (" + placeholders(len(key)) + ")"
}

// markerValue is a key value as the marker keeps it: int64 or string.
func markerValue(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}

// targetValue converts a value read from the source for a target column;
// cut reports an instant cut to the microsecond.
func targetValue(k colKind, v any) (out any, cut bool, err error) {
	if v == nil {
		return nil, false, nil
	}
	switch k {
	case colText:
		if b, ok := v.([]byte); ok {
			return string(b), false, nil
		}
	case colInstant:
		s, _, err := textValue(v)
		if err != nil {
			return nil, false, err
		}
		t, err := time.Parse(timeLayout, s)
		if err != nil {
			return nil, false, fmt.Errorf("stored instant %q: %w", s, err)
		}
		us := t.Truncate(time.Microsecond)
		return us, !us.Equal(t), nil
	}
	return v, false, nil
}

// quoteIdent quotes a table or column name for both databases.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// blobFiles returns the SHA-256 of every file of the blob store, in order.
func (db *DB) blobFiles() ([]string, error) {
	var sums []string
	err := filepath.WalkDir(db.blobs.dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == db.blobs.dir {
			return fs.SkipAll
		}
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == db.blobs.tmpDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p, err := db.blobs.path(d.Name()); err == nil && p == path {
			sums = append(sums, d.Name())
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("migrate data: list the blob store %s: %w", db.blobs.dir, err)
	}
	return sums, nil
}

// blobRowSums returns the SHA-256 of every row of the blobs table.
func (db *DB) blobRowSums(ctx context.Context) ([]string, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT sha256 FROM blobs ORDER BY sha256`)
	if err != nil {
		return nil, fmt.Errorf("migrate data: list blobs: %w", err)
	}
	defer rows.Close()
	var sums []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("migrate data: list blobs: %w", err)
		}
		sums = append(sums, s)
	}
	return sums, rows.Err()
}

// storedBlobFiles counts the blob store's files of a SQLite store (on
// PostgreSQL blobs live in the database, counted with their table).
func (db *DB) storedBlobFiles() (int64, error) {
	if db.dialect != dialectSQLite {
		return 0, nil
	}
	sums, err := db.blobFiles()
	return int64(len(sums)), err
}

// blobMarkerEvery is how many blob files are copied between two updates
// of their marker.
const blobMarkerEvery = 100

// copyBlobFiles stores every file of the source's blob store on the
// target, checking each against its name.
func (c *DataCopy) copyBlobFiles(ctx context.Context, files []string, states map[string]*copyState, done *int64, total int64) error {
	st := states[copyBlobFiles]
	if st.Done {
		return nil
	}
	last := ""
	if len(st.Last) == 1 {
		last, _ = st.Last[0].(string)
	}
	mark := func(ctx context.Context, s *copyState) error {
		tx, err := c.To.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate data: %w", err)
		}
		defer tx.Rollback()
		if err := setMarker(ctx, tx, copyBlobFiles, s); err != nil {
			return err
		}
		return tx.Commit()
	}
	n := 0
	for _, sum := range files {
		if sum <= last {
			continue
		}
		if err := ctx.Err(); err != nil {
			// Keep what was copied since the last mark.
			return errors.Join(err, mark(context.WithoutCancel(ctx), st))
		}
		if err := c.copyBlobFile(ctx, sum); err != nil {
			return err
		}
		st.Last, st.Rows = []any{sum}, st.Rows+1
		*done++
		if n++; n%blobMarkerEvery == 0 {
			if err := mark(ctx, st); err != nil {
				return err
			}
		}
		if c.Progress != nil {
			c.Progress(CopyProgress{Table: copyBlobFiles, Done: *done, Total: total})
		}
	}
	st.Done = true
	return mark(context.WithoutCancel(ctx), st)
}

// copyBlobFile stores one blob file of the source on the target.
func (c *DataCopy) copyBlobFile(ctx context.Context, sum string) error {
	f, err := c.From.blobs.openLarge(ctx, nil, sum)
	if err != nil {
		return fmt.Errorf("migrate data: %w", err)
	}
	defer f.Close()
	got, _, err := c.To.putBlobContent(ctx, f)
	if err != nil {
		return fmt.Errorf("migrate data: copy blob %s: %w", sum, err)
	}
	if got != sum {
		return fmt.Errorf("migrate data: blob file %s of the source is damaged: its content has SHA-256 %s (run klachtdesk audit verify on the source)", sum, got)
	}
	return nil
}

// putBlobContent stores r's content on db where db keeps blob contents
// (DB.putBlob: the file store on SQLite, chunks in the database on
// PostgreSQL) and returns its SHA-256 and size.
func (db *DB) putBlobContent(ctx context.Context, r io.Reader) (sum string, size int64, err error) {
	return db.putBlob(ctx, r)
}

// resetSequences moves PostgreSQL's identity sequences past the copied
// rows, so that the next row gets a new ID. SQLite takes the next ID from
// the table itself.
func (db *DB) resetSequences(ctx context.Context) error {
	if db.dialect != dialectPostgres {
		return nil
	}
	rows, err := db.db.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`)
	if err != nil {
		return fmt.Errorf("migrate data: find identity columns: %w", err)
	}
	type column struct{ table, name string }
	var cols []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.table, &c.name); err != nil {
			rows.Close()
			return fmt.Errorf("migrate data: find identity columns: %w", err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("migrate data: find identity columns: %w", err)
	}
	for _, c := range cols {
		q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence($1, $2), m) FROM (SELECT MAX(%s) AS m FROM %s) t WHERE m IS NOT NULL`,
			quoteIdent(c.name), quoteIdent(c.table))
		if _, err := db.db.ExecContext(ctx, q, quoteIdent(c.table), c.name); err != nil {
			return fmt.Errorf("migrate data: reset the sequence of %s.%s: %w", c.table, c.name, err)
		}
	}
	return nil
}

// verify compares the target with the source: row counts, blob files and
// the audit chain's head.
func (c *DataCopy) verify(ctx context.Context, tables []*copyTable, counts map[string]int64, files []string, srcAudit *klachtdesk.AuditReport) (*CopyReport, error) {
	dst := c.To
	report := &CopyReport{}
	var diffs []string
	// Every blob of the source, in its blobs table or its files, must be
	// stored on the target; where the target keeps the files in its blobs
	// table too, that table holds them all, each once.
	sums, err := c.From.blobRowSums(ctx)
	if err != nil {
		return nil, err
	}
	inRows := map[string]bool{}
	for _, s := range sums {
		inRows[s] = true
	}
	for _, f := range files {
		if !inRows[f] {
			sums = append(sums, f)
		}
	}
	for _, t := range tables {
		var n int64
		if err := dst.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteIdent(t.name)).Scan(&n); err != nil {
			return nil, fmt.Errorf("migrate data: count the target's %s: %w", t.name, err)
		}
		want := counts[t.name]
		if t.name == "blobs" && dst.dialect != dialectSQLite {
			// Where the target keeps the blob store's files in the database
			// (blobs, or a table of large contents), their number depends
			// on where it puts them: every blob is checked below instead.
			want = n
		}
		if n != want {
			diffs = append(diffs, fmt.Sprintf("table %s has %d rows on the target, want %d", t.name, n, want))
		}
		report.Tables = append(report.Tables, TableRows{Name: t.name, Rows: n})
	}
	for _, sum := range sums {
		ok, err := dst.BlobStored(ctx, sum)
		if err != nil {
			return nil, fmt.Errorf("migrate data: %w", err)
		}
		if !ok {
			diffs = append(diffs, fmt.Sprintf("blob %s is missing on the target", sum))
			break
		}
	}
	report.BlobFiles = int64(len(files))
	audit, err := NewAuditService(dst).VerifyAudit(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate data: verify the target's audit trail: %w", err)
	}
	switch {
	case audit.Break != nil:
		diffs = append(diffs, fmt.Sprintf("the target's audit trail is broken at event %d: %s", audit.Break.EventID, audit.Break.Reason))
	case audit.LastID != srcAudit.LastID || audit.LastHash != srcAudit.LastHash:
		diffs = append(diffs, fmt.Sprintf("the audit trail ends at %s on the source and at %s on the target", srcAudit.Anchor(), audit.Anchor()))
	}
	if len(diffs) > 0 {
		return nil, &CopyVerifyError{What: strings.Join(diffs, "; ")}
	}
	report.Audit = audit
	return report, nil
}

// CopyOpenError is MigrateData's failure to open its source or its target.
type CopyOpenError struct {
	Target bool // the target; else the source
	Err    error
}

func (e *CopyOpenError) Error() string { return e.Err.Error() }
func (e *CopyOpenError) Unwrap() error { return e.Err }

// CopyOpenTarget reports whether the target failed to open (else the
// source); the command line reads it through an interface.
func (e *CopyOpenError) CopyOpenTarget() bool { return e.Target }

// MigrateData moves the installation in the SQLite data folder from into
// the empty database at the URL to (klachtdesk migrate-data): it opens the
// source read-only and the target migrated to the newest schema, and runs
// a DataCopy between them. progress is told how far the copy is.
func MigrateData(ctx context.Context, from, to string, progress func(table string, done, total int64)) (*CopyReport, error) {
	src := NewDB(from, "")
	src.ReadOnly = true
	if err := src.Open(ctx); err != nil {
		return nil, &CopyOpenError{Err: err}
	}
	defer src.Close()
	if err := checkTargetBeforeOpen(ctx, to); err != nil {
		return nil, err
	}
	// The target keeps no files: on PostgreSQL blobs live in the database.
	dst := NewDB("", to)
	if err := dst.Open(ctx); err != nil {
		return nil, &CopyOpenError{Target: true, Err: err}
	}
	defer dst.Close()
	c := &DataCopy{From: src, To: dst}
	if progress != nil {
		c.Progress = func(p CopyProgress) { progress(p.Table, p.Done, p.Total) }
	}
	return c.Run(ctx)
}

// checkTargetBeforeOpen refuses, before opening the target runs its
// migrations, a PostgreSQL database that holds tables of something else:
// nothing may be written into it. An empty database, one Klachtdesk
// migrated (the copy then checks that its tables are empty) and the target
// of an interrupted copy are opened.
func checkTargetBeforeOpen(ctx context.Context, dsn string) error {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return nil
	}
	raw, err := openPostgres(ctx, dsn, 1, true)
	if err != nil {
		return &CopyOpenError{Target: true, Err: err}
	}
	defer raw.Close()
	// pg_tables lists every table, also those the role may not read.
	rows, err := raw.QueryContext(ctx, `SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)
	if err != nil {
		return &CopyOpenError{Target: true, Err: privilegeError(err)}
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return &CopyOpenError{Target: true, Err: err}
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return &CopyOpenError{Target: true, Err: err}
	}
	if len(names) == 0 || slices.Contains(names, "goose_db_version") || slices.Contains(names, copyMarkerTable) {
		return nil
	}
	return refuse(CopyRefusedForeign, "the target is not empty: it holds a table %s that is not Klachtdesk's", names[0])
}

// TableCounts returns the tables copied and their rows, in copy order.
func (r *CopyReport) TableCounts() (names []string, rows []int64) {
	for _, t := range r.Tables {
		names, rows = append(names, t.Name), append(rows, t.Rows)
	}
	return names, rows
}

// BlobFileCount returns the number of blob files copied.
func (r *CopyReport) BlobFileCount() int64 { return r.BlobFiles }

// AuditHead returns the number of events of the target's verified trail
// and its head, "ID:HASH" ("" for an empty trail).
func (r *CopyReport) AuditHead() (events int64, anchor string) {
	if r.Audit == nil || r.Audit.LastID == 0 {
		return 0, ""
	}
	return r.Audit.Events, r.Audit.Anchor()
}

// InstantsTruncated returns TruncatedInstants.
func (r *CopyReport) InstantsTruncated() int64 { return r.TruncatedInstants }

// WasResumed reports whether the copy went on from an interrupted one.
func (r *CopyReport) WasResumed() bool { return r.Resumed }

// postgresBlobTables are Klachtdesk's tables that only PostgreSQL has (the
// large contents, blob_postgres.go): a target holds them, a source not.
var postgresBlobTables = []string{"large_blobs", "large_blob_chunks"}
