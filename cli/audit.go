package cli

import (
	"context"
	"flag"
	"fmt"
	"runtime"

	"github.com/klachtdesk/klachtdesk"
)

func (a *App) versionCommand() *Command {
	return &Command{
		Name:     "version",
		Synopsis: "print the version of klachtdesk and of Go",
		Usage: `Usage: klachtdesk version

Prints the version of klachtdesk (set at build time) and the Go version it
was built with.
`,
		Run: func(ctx context.Context) error {
			_, err := fmt.Fprintf(a.Stdout, "klachtdesk %s (%s %s/%s)\n", a.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}

func (a *App) migrateCommand() *Command {
	return &Command{
		Name:     "migrate",
		Synopsis: "create or upgrade the database and print its schema version",
		Usage: `Usage: klachtdesk migrate [flags]

Creates the data folder and the database when missing, runs every pending
migration and prints the schema version. serve does the same at start.
`,
		Store: StoreWrite,
		Run: func(ctx context.Context) error {
			v, err := a.Schema.SchemaVersion(ctx)
			if err != nil {
				return a.Errorf(mReadSchema, err)
			}
			err = a.printf(a.Stdout, mSchemaVersion, v)
			return err
		},
	}
}

func (a *App) auditVerifyCommand() *Command {
	return &Command{
		Name:     "audit verify",
		Synopsis: "check that the audit trail is intact",
		Usage: `Usage: klachtdesk audit verify [flags]

Walks the hash-chained audit trail from its first event and checks every
row. Prints "audit trail intact: N events" and the chain's head as
"anchor: ID:HASH" and exits 0, or "audit trail BROKEN at event ID: REASON"
and exits 1.

A chain proves every row against the rows before it, but not against a
rewrite of the whole trail. Record the anchor outside Klachtdesk now and
then (a ticket, a mail to the auditor); --anchor ID:HASH then also checks
that event ID still has that hash, so nothing up to it was rewritten.
`,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.StringVar(&a.opts.anchor, "anchor", "", "also check a recorded anchor `ID:HASH`")
		},
		Store: StoreReadOnly,
		Run:   a.runAuditVerify,
	}
}

func (a *App) runAuditVerify(ctx context.Context) error {
	var anchorID int64
	var anchorHash string
	if a.opts.anchor != "" {
		var err error
		if anchorID, anchorHash, err = klachtdesk.ParseAnchor(a.opts.anchor); err != nil {
			return err
		}
	}
	report, err := a.AuditService.VerifyAudit(ctx)
	if err != nil {
		return a.Errorf(mVerifyAudit, err)
	}
	if report.Break != nil {
		a.printf(a.Stdout, mAuditBroken, report.Break.EventID, OneLine(report.Break.Reason))
		return &exitError{code: 1, silent: true}
	}
	if anchorID != 0 {
		hash, err := a.AuditService.EventHash(ctx, anchorID)
		if klachtdesk.ErrorCode(err) == klachtdesk.ENOTFOUND || err == nil && hash != anchorHash {
			a.printf(a.Stdout, mAnchorMismatch, anchorID)
			return &exitError{code: 1, silent: true}
		} else if err != nil {
			return err
		}
	}
	if err := a.printf(a.Stdout, mAuditIntact, report.Events); err != nil || report.LastID == 0 {
		return err
	}
	err = a.printf(a.Stdout, mAnchor, report.Anchor())
	return err
}
