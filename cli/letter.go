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
		Synopsis: "put failed letters back in the outbox queue",
		Usage: `Usage: klachtdesk letter retry ID | --all-failed [--json]

Puts a failed letter (the number "klachtdesk show" prints beside it:
"klachtdesk letter retry 12"), or with --all-failed every failed letter,
back in the outbox queue, for instance once a misconfigured mail relay is
fixed or the complainant's address is corrected. The letter keeps its
Message-ID (a receiver that got it after all can tell the copy), its
attempts start again and it is given up only after another 72 hours. Its
complaint gets a letter_requeued event, and the register's letter_failed
flag goes. The letters leave with the next delivery: at once under serve,
else with "klachtdesk deliver". Administrators and handlers only.
`,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.BoolVar(&a.opts.allFailed, "all-failed", false, "every failed letter")
			fs.BoolVar(&a.opts.json, "json", false, "print each letter put back as a JSON object")
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
