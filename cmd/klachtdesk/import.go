package main

import (
	"context"

	"github.com/klachtdesk/klachtdesk/cli"
	"github.com/klachtdesk/klachtdesk/intake"
	"github.com/klachtdesk/klachtdesk/letter"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// CountFiles counts the mails in paths for import's progress bar.
func (x mailer) CountFiles(ctx context.Context, paths []string) (int, error) {
	return intake.CountFiles(ctx, paths)
}

// ImportFiles reads the mails in paths and takes them through intake's
// pipeline.
func (x mailer) ImportFiles(ctx context.Context, paths []string, batch int, report func(cli.MailResult)) error {
	items := make(chan intake.Item, 64)
	readErr := make(chan error, 1)
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(items)
		readErr <- intake.ReadFiles(rctx, paths, items)
	}()
	in := x.m.IntakeService
	p := &intake.Pipeline{Store: in, Batch: batch, Prestore: in.StoreLarge}
	runErr := p.Run(rctx, items, func(r intake.Result) { report(resultOf(r)) })
	cancel()
	if err := <-readErr; err != nil && runErr == nil && ctx.Err() == nil {
		runErr = err
	}
	return runErr
}

// newIntakeService is the intake of the program's store.
func newIntakeService(db *sqldb.DB, own []string) *sqldb.IntakeService {
	in := sqldb.NewIntakeService(db)
	in.Letters = letter.Writer{}
	in.Own = own
	return in
}
