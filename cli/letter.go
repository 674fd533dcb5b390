package cli

import (
	"context"
	"encoding/json"
	"flag"

	"github.com/klachtdesk/klachtdesk"
)

func (a *App) letterRetryCommand() *Command {
	return &Command{
		Name:     "letter retry",
		Synopsis: hLetterRetry,
		Usage:    hLetterRetryUsage,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.BoolVar(&a.opts.allFailed, "all-failed", false, a.tr(fAllFailed))
			fs.BoolVar(&a.opts.json, "json", false, a.tr(fLetterJSON))
		},
		CheckArgs: func(args []string) error {
			if a.opts.allFailed {
				if len(args) != 0 {
					return a.Usagef(mLetterIDOrAll)
				}
				return nil
			}
			return a.numberArg(mWhatLetter, "klachtdesk show")(args)
		},
		Store: StoreRead,
		Run:   a.runLetterRetry,
	}
}

func (a *App) runLetterRetry(ctx context.Context) error {
	var letters []*klachtdesk.RequeuedLetter
	if a.opts.allFailed {
		var err error
		if letters, err = a.OutboxService.RequeueFailedLetters(ctx); err != nil {
			return err
		}
	} else {
		l, err := a.OutboxService.RequeueLetter(ctx, a.opts.id)
		if err != nil {
			return err
		}
		letters = append(letters, l)
	}
	if a.opts.json {
		enc := json.NewEncoder(a.Stdout)
		for _, l := range letters {
			if err := enc.Encode(l); err != nil {
				return err
			}
		}
		return nil
	}
	if len(letters) == 0 {
		return a.printf(a.Stdout, mNoFailedLetters)
	}
	for _, l := range letters {
		if err := a.printf(a.Stdout, mLetterRequeued, l.ID, l.Reference, l.Kind, OneLine(l.Reason)); err != nil {
			return err
		}
	}
	return nil
}
