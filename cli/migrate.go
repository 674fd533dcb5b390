package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// DataMigration moves the installation in the data folder from into the
// empty PostgreSQL database at the URL to, telling progress how far it is
// (rows and blob files of all tables together). cmd/klachtdesk hands in the
// store's; its errors are recognised through the interfaces below.
type DataMigration func(ctx context.Context, from, to string, progress func(table string, done, total int64)) (MigrateReport, error)

// MigrateReport is what migrate-data verified on arrival.
type MigrateReport interface {
	// TableCounts are the tables and their rows, equal on both sides.
	TableCounts() (names []string, rows []int64)
	// BlobFileCount is the number of files of the source's blob store,
	// now stored on the target.
	BlobFileCount() int64
	// AuditHead is the verified trail of the target: its events and its
	// head "ID:HASH", the source's ("" when empty).
	AuditHead() (events int64, anchor string)
	// WasResumed is true when the run went on from an interrupted one.
	WasResumed() bool
	// InstantsTruncated counts the instants an older klachtdesk wrote
	// with digits beyond the microsecond, cut to it on PostgreSQL.
	InstantsTruncated() int64
}

// The refusals and failures of the store's copier that the operator must
// act on; cli does not import the store: it recognises them by these
// methods.
type (
	copyRefusal interface {
		CopyRefusal() (kind string, args []any)
	}
	copyMismatch interface{ CopyMismatch() string }
	copyOpen     interface{ CopyOpenTarget() bool }
)

// refusalTexts are the messages of the copier's refusals by kind.
var refusalTexts = map[string]*Text{
	"not_empty":     mMigrateNotEmpty,
	"foreign_table": mMigrateForeign,
	"other_source":  mMigrateOtherSource,
	"schema":        mMigrateSchema,
	"unknown_table": mMigrateUnknownTable,
	"broken_source": mMigrateBrokenSource,
	"not_sqlite":    mMigrateNotSQLite,
}

func (a *App) migrateDataCommand() *Command {
	return &Command{
		Name:     "migrate-data",
		Synopsis: hMigrateData,
		Usage:    hMigrateDataUsage,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.StringVar(&a.opts.migrate.from, "from", "", a.tr(fMigrateFrom))
			fs.StringVar(&a.opts.migrate.to, "to", "", a.tr(fMigrateTo))
		},
		CheckArgs: func(args []string) error {
			if len(args) > 0 {
				return a.Usagef(mNoArguments, "migrate-data", strings.Join(args, " "), "migrate-data")
			}
			if a.opts.migrate.from == "" || a.opts.migrate.to == "" {
				return a.Usagef(mMigrateNeeds)
			}
			return checkPostgresURL(a, a.opts.migrate.to)
		},
		Run: a.runMigrateData,
	}
}

// checkPostgresURL refuses a --to that is not a PostgreSQL URL with a host
// and a database, naming what is wrong and never the password.
func checkPostgresURL(a *App, to string) error {
	u, err := url.Parse(to)
	if err != nil {
		return a.Usagef(mMigrateBadURL, redactURL(to), a.Sprintf(mURLUnreadable))
	}
	switch {
	case u.Scheme != "postgres" && u.Scheme != "postgresql":
		return a.Usagef(mMigrateBadURL, redactURL(to), a.Sprintf(mURLScheme))
	case u.Host == "" && u.Query().Get("host") == "":
		return a.Usagef(mMigrateBadURL, redactURL(to), a.Sprintf(mURLNoHost))
	case strings.Trim(u.Path, "/") == "" && u.Query().Get("dbname") == "":
		return a.Usagef(mMigrateBadURL, redactURL(to), a.Sprintf(mURLNoDatabase))
	}
	return nil
}

// redactURL returns a database URL without its password.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		if scheme, _, ok := strings.Cut(s, "://"); ok {
			return scheme + "://…"
		}
		return "…"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.Redacted()
}

func (a *App) runMigrateData(ctx context.Context) error {
	from := a.opts.migrate.from
	if fi, err := os.Stat(from); err != nil || !fi.IsDir() {
		return a.Errorf(mMigrateNotDataDir, from)
	}
	if _, err := os.Stat(filepath.Join(from, "klachtdesk.db")); err != nil {
		return a.Errorf(mMigrateNotDataDir, from)
	}
	progress := a.migrateProgress()
	res, err := a.MigrateData(ctx, from, a.opts.migrate.to, progress.step)
	progress.finish()
	if err != nil {
		return a.migrateError(ctx, err)
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, a.Sprintf(mMigrateTableHead))
	names, counts := res.TableCounts()
	var rows int64
	for i, name := range names {
		fmt.Fprintf(tw, "%s\t%d\n", name, counts[i])
		rows += counts[i]
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if res.WasResumed() {
		a.printf(a.Stdout, mMigrateResumed)
	}
	if n := res.InstantsTruncated(); n > 0 {
		a.printf(a.Stdout, mMigrateTruncated, n)
	}
	a.printf(a.Stdout, mMigrateDone, rows, len(names), res.BlobFileCount(), redactURL(a.opts.migrate.to))
	events, anchor := res.AuditHead()
	a.printf(a.Stdout, mAuditIntact, events)
	if anchor == "" {
		return nil
	}
	return a.printf(a.Stdout, mAnchor, anchor)
}

// migrateError is the one line of a failed migrate-data.
func (a *App) migrateError(ctx context.Context, err error) error {
	var refused copyRefusal
	var mismatch copyMismatch
	var open copyOpen
	var owned ownedFolder
	switch {
	case ctx.Err() != nil:
		return a.Errorf(mMigrateInterrupted)
	case errors.As(err, &refused):
		kind, args := refused.CopyRefusal()
		if t := refusalTexts[kind]; t != nil {
			return a.Errorf(t, args...)
		}
	case errors.As(err, &mismatch):
		return a.Errorf(mMigrateMismatch, mismatch.CopyMismatch())
	case errors.As(err, &owned):
		return a.Errorf(mDataDirOwned, owned.OwnedFolder(), owned.OwnerPID())
	case errors.As(err, &open) && open.CopyOpenTarget():
		return a.Errorf(mMigrateOpenTarget, redactURL(a.opts.migrate.to), err)
	case errors.As(err, &open):
		return a.Errorf(mMigrateOpenSource, a.opts.migrate.from, err)
	}
	return a.Errorf(mMigrateFailed, err)
}

// migrateBar shows migrate-data's progress: one line rewritten on a
// terminal, a plain line per table otherwise.
type migrateBar struct {
	a        *App
	w        io.Writer
	terminal bool
	table    string
	drawn    time.Time
}

func (a *App) migrateProgress() *migrateBar {
	return &migrateBar{a: a, w: a.Stderr, terminal: a.stderrIsTerminal()}
}

func (b *migrateBar) step(table string, done, total int64) {
	if !b.terminal {
		if table != b.table {
			b.table = table
			b.a.printf(b.w, mMigrateTable, table, percent(done, total))
		}
		return
	}
	if now := time.Now(); now.Sub(b.drawn) >= 100*time.Millisecond || done == total || table != b.table {
		b.drawn, b.table = now, table
		const width = 30
		filled := width
		if total > 0 {
			filled = int(min(width, done*width/total))
		}
		fmt.Fprintf(b.w, "\r[%s%s] %3d%%  %d/%d  %-20s", strings.Repeat("#", filled), strings.Repeat(".", width-filled),
			percent(done, total), done, total, table)
	}
}

func (b *migrateBar) finish() {
	if b.terminal && b.table != "" {
		fmt.Fprintln(b.w)
	}
}

// percent is done of total in whole percents (100 for nothing to do).
func percent(done, total int64) int64 {
	if total <= 0 {
		return 100
	}
	return done * 100 / total
}
