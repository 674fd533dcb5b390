package cli

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"runtime"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

func (a *App) versionCommand() *Command {
	return &Command{
		Name:     "version",
		Synopsis: hVersion,
		Usage:    hVersionUsage,
		Run: func(ctx context.Context) error {
			_, err := fmt.Fprintf(a.Stdout, "klachtdesk %s (%s %s/%s)\n", a.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}

func (a *App) migrateCommand() *Command {
	return &Command{
		Name:     "migrate",
		Synopsis: hMigrate,
		Usage:    hMigrateUsage,
		Store:    StoreWrite,
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
		Synopsis: hAuditVerify,
		Usage:    hAuditVerifyUsage,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.StringVar(&a.opts.anchor, "anchor", "", a.tr(fAnchor))
			fs.BoolVar(&a.opts.acceptRestore, "accept-restore", false, a.tr(fAcceptRestore))
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
	lost, err := a.checkLastAnchor(ctx)
	if err != nil {
		return err
	}
	damaged, err := a.checkStore(ctx)
	if err != nil {
		return err
	}
	if lost && !a.opts.acceptRestore || damaged {
		return &exitError{code: 1, silent: true}
	}
	if err := a.printf(a.Stdout, mAuditIntact, report.Events); err != nil || report.LastID == 0 {
		return err
	}
	if err := a.printf(a.Stdout, mAnchor, report.Anchor()); err != nil {
		return err
	}
	return a.recordAnchor(ctx, report, lost)
}

// checkLastAnchor compares the trail with the last anchor of the anchor
// log and prints what it finds wrong; lost is true when the trail no longer
// holds the anchor.
func (a *App) checkLastAnchor(ctx context.Context) (lost bool, err error) {
	last, err := a.AuditService.LastAnchor(ctx)
	if err != nil {
		return false, a.Errorf(mReadAnchor, err)
	} else if last == nil {
		return false, nil
	}
	at := last.At.In(time.Local).Format("2006-01-02 15:04")
	hash, err := a.AuditService.EventHash(ctx, last.EventID)
	switch {
	case klachtdesk.ErrorCode(err) == klachtdesk.ENOTFOUND:
		a.printf(a.Stdout, mAnchorLost, last.EventID, at)
		return true, nil
	case err != nil:
		return false, a.Errorf(mVerifyAudit, err)
	case hash != last.Hash:
		a.printf(a.Stdout, mAnchorRewritten, last.EventID, at, last.Hash)
		return true, nil
	}
	return false, nil
}

// recordAnchor appends the verified head to the anchor log: as the
// accepted head after a restore when the last anchor was lost. A folder
// the command may not write in gets no anchor, which is no failure.
func (a *App) recordAnchor(ctx context.Context, report *klachtdesk.AuditReport, lost bool) error {
	source := klachtdesk.AnchorVerify
	if lost {
		source = klachtdesk.AnchorAccepted
	}
	anchor, err := a.AuditService.RecordAnchor(ctx, report, source)
	if err != nil {
		return a.printf(a.Stderr, mAnchorNotRecorded, OneLine(message(err)))
	}
	if lost {
		return a.printf(a.Stdout, mAnchorAccepted, anchor)
	}
	return a.printf(a.Stderr, mAnchorRecorded, filepath.Join(a.DataDir, klachtdesk.AnchorLogName))
}

// checkStore checks the stored files and the database file and prints
// each problem; damaged is true when there is one.
func (a *App) checkStore(ctx context.Context) (damaged bool, err error) {
	check, err := a.AuditService.CheckStore(ctx)
	if err != nil {
		return false, a.Errorf(mCheckStore, err)
	}
	if check.OK() {
		return false, a.printf(a.Stderr, mStoreSound, check.Blobs)
	}
	for _, line := range check.Integrity {
		a.printf(a.Stdout, mDatabaseDamaged, OneLine(line))
	}
	for _, p := range check.Problems {
		state := a.Sprintf(mBlobChanged)
		if p.Missing {
			state = a.Sprintf(mBlobMissing)
		}
		if len(p.Uses) == 0 {
			a.printf(a.Stdout, mBlobUnreferenced, state, p.SHA256)
		}
		for _, u := range p.Uses {
			switch u.Kind {
			case klachtdesk.BlobAttachment:
				a.printf(a.Stdout, mBlobAttachment, u.Filename, u.Reference, u.MessageID, state, p.SHA256)
			case klachtdesk.BlobMessageRaw:
				a.printf(a.Stdout, mBlobMessageRaw, u.MessageID, u.Reference, state, p.SHA256)
			default:
				a.printf(a.Stdout, mBlobInboundRaw, u.InboundID, dash(u.Reference), state, p.SHA256)
			}
		}
	}
	return true, a.printf(a.Stdout, mStoreBroken, len(check.Problems), len(check.Integrity))
}
