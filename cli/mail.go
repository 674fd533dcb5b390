package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/klachtdesk/klachtdesk"
)

func (a *App) importCommand() *Command {
	return &Command{
		Name:     "import",
		Synopsis: hImport,
		Usage:    hImportUsage,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.BoolVar(&a.opts.json, "json", false, a.tr(fJSONPerMail))
			fs.IntVar(&a.opts.batch, "batch", 50, a.tr(fBatch))
		},
		CheckArgs: func(args []string) error {
			if len(args) == 0 {
				return a.Usagef(mImportNeedsPath)
			}
			if a.opts.batch < 1 || a.opts.batch > 1000 {
				return a.Usagef(mBatch, a.opts.batch)
			}
			return nil
		},
		Store: StoreWrite,
		Run:   a.runImport,
	}
}

func (a *App) runImport(ctx context.Context) error {
	for _, p := range a.Args {
		if _, err := os.Stat(p); err != nil {
			return a.Errorf(mCannotRead, p, PathCause(err))
		}
	}
	var bar *progressBar
	if a.stderrIsTerminal() {
		total, err := a.Mail.CountFiles(ctx, a.Args)
		if err != nil {
			return err
		}
		bar = &progressBar{a: a, w: a.Stderr, total: total, started: time.Now()}
	}
	counts := map[klachtdesk.Outcome]int{}
	enc := json.NewEncoder(a.Stdout)
	var writeErr error
	runErr := a.Mail.ImportFiles(ctx, a.Args, a.opts.batch, func(r MailResult) {
		counts[r.Outcome]++
		if a.opts.json && writeErr == nil {
			writeErr = enc.Encode(r)
		}
		if bar != nil {
			bar.step(counts)
		}
	})
	if bar != nil {
		bar.finish()
	}
	summary := a.mailSummary(counts)
	if a.opts.json {
		fmt.Fprintln(a.Stderr, summary)
	} else {
		fmt.Fprintln(a.Stdout, summary)
	}
	if runErr != nil {
		return a.Errorf(mImportStopped, runErr)
	}
	if writeErr != nil {
		return writeErr
	}
	if counts[klachtdesk.OutcomeError] > 0 {
		return &exitError{code: 1, silent: true}
	}
	return nil
}

// PathCause strips the operation and path from a *fs.PathError, which the
// message around it already names.
func PathCause(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

var outcomeOrder = []klachtdesk.Outcome{
	klachtdesk.OutcomeNew, klachtdesk.OutcomeReply, klachtdesk.OutcomeAutoReply, klachtdesk.OutcomeBounce,
	klachtdesk.OutcomeDuplicate, klachtdesk.OutcomeRejected, klachtdesk.OutcomeError,
}

// mailSummary is the line printed after taking mail.
func (a *App) mailSummary(counts map[klachtdesk.Outcome]int) string {
	total := 0
	parts := make([]string, 0, len(outcomeOrder))
	for _, o := range outcomeOrder {
		total += counts[o]
		name := string(o)
		if t := outcomeLabels[name]; t != nil {
			name = a.Sprintf(t)
		}
		parts = append(parts, fmt.Sprintf("%s %d", name, counts[o]))
	}
	return a.Sprintf(mMailSummary, total, strings.Join(parts, ", "))
}

// progressBar draws one line on a terminal.
type progressBar struct {
	a       *App
	w       io.Writer
	total   int
	done    int
	started time.Time
	drawn   time.Time
}

func (b *progressBar) step(counts map[klachtdesk.Outcome]int) {
	b.done++
	if now := time.Now(); now.Sub(b.drawn) >= 100*time.Millisecond || b.done == b.total {
		b.drawn = now
		b.draw(counts)
	}
}

func (b *progressBar) draw(counts map[klachtdesk.Outcome]int) {
	const width = 30
	filled := width
	if b.total > 0 {
		filled = min(width, b.done*width/b.total)
	}
	rate := float64(b.done) / max(time.Since(b.started).Seconds(), 0.001)
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d  %.0f/s  %s ",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), b.done, b.total, rate,
		b.a.Sprintf(mProgress, counts[klachtdesk.OutcomeNew], counts[klachtdesk.OutcomeReply], counts[klachtdesk.OutcomeDuplicate], counts[klachtdesk.OutcomeError]))
}

func (b *progressBar) finish() { fmt.Fprintln(b.w) }

func (a *App) fetchCommand() *Command {
	return &Command{
		Name:     "fetch",
		Synopsis: hFetch,
		Usage:    hFetchUsage,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.BoolVar(&a.opts.once, "once", false, a.tr(fOnceFetch))
			fs.BoolVar(&a.opts.reconcile, "reconcile", false, a.tr(fReconcile))
			fs.BoolVar(&a.opts.json, "json", false, a.tr(fJSONPerMail))
		},
		Store:  StoreWrite,
		Config: ConfigMail,
		Run:    a.runFetch,
	}
}

func (a *App) runFetch(ctx context.Context) error {
	enc := json.NewEncoder(a.Stdout)
	counts := map[klachtdesk.Outcome]int{}
	report := func(r MailResult) {
		counts[r.Outcome]++
		if a.opts.json {
			enc.Encode(r)
		}
	}
	if a.opts.reconcile {
		n, err := a.Mail.Reconcile(ctx, report)
		if errors.Is(err, ErrNoMailbox) {
			return a.Usagef(mNoMailbox)
		}
		fmt.Fprintln(a.Stderr, a.mailSummary(counts))
		if err != nil {
			return a.Errorf(mReconcileStopped, n, err)
		}
		return a.printf(a.Stderr, mReconciled, n)
	}
	err := a.Mail.Fetch(ctx, a.opts.once, report)
	if errors.Is(err, ErrNoMailbox) {
		return a.Usagef(mNoMailbox)
	}
	if a.opts.once {
		fmt.Fprintln(a.Stderr, a.mailSummary(counts))
	}
	return err
}

func (a *App) deliverCommand() *Command {
	return &Command{
		Name:     "deliver",
		Synopsis: hDeliver,
		Usage:    hDeliverUsage,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.BoolVar(&a.opts.once, "once", false, a.tr(fOnceDeliver))
		},
		Store:  StoreWrite,
		Config: ConfigMail,
		Run: func(ctx context.Context) error {
			st, err := a.Mail.Deliver(ctx, a.opts.once)
			if errors.Is(err, ErrNoSMTP) {
				return a.Usagef(mNoSMTP)
			}
			if err != nil || !a.opts.once {
				return err
			}
			return a.printf(a.Stdout, mDelivered, st.Sent, st.Retried, st.Failed)
		},
	}
}

// numberArg returns the argument check of a command that takes one number
// (of a what, as lister prints it: #12) into a.opts.id.
func (a *App) numberArg(what *Text, lister string) func(args []string) error {
	return func(args []string) error {
		if len(args) != 1 {
			return a.Usagef(mGiveNumber, a.Sprintf(what), lister)
		}
		id, err := strconv.ParseInt(strings.TrimPrefix(args[0], "#"), 10, 64)
		if err != nil || id < 1 {
			return a.Usagef(mNotNumber, args[0], a.Sprintf(what))
		}
		a.opts.id = id
		return nil
	}
}

func (a *App) messageAcceptCommand() *Command {
	return &Command{
		Name:      "message accept",
		Synopsis:  hMessageAccept,
		Usage:     hMessageAcceptUsage,
		CheckArgs: a.numberArg(mWhatMessage, "klachtdesk show"),
		Store:     StoreRead,
		Run: func(ctx context.Context) error {
			if err := a.MessageReview.AcceptMessage(ctx, a.opts.id); err != nil {
				return err
			}
			return a.printf(a.Stdout, mAccepted, a.opts.id)
		},
	}
}

func (a *App) messageSplitCommand() *Command {
	return &Command{
		Name:      "message split",
		Synopsis:  hMessageSplit,
		Usage:     hMessageSplitUsage,
		CheckArgs: a.numberArg(mWhatMessage, "klachtdesk show"),
		Store:     StoreRead,
		Run: func(ctx context.Context) error {
			c, err := a.MessageReview.SplitMessage(ctx, a.opts.id)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.Stdout, "%s\n", c.Reference)
			return err
		},
	}
}

func (a *App) quarantineListCommand() *Command {
	return &Command{
		Name:     "quarantine list",
		Synopsis: hQuarantineList,
		Usage:    hQuarantineListUsage,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.IntVar(&a.opts.list.limit, "limit", 50, a.tr(fQuarLimit))
			fs.BoolVar(&a.opts.json, "json", false, a.tr(fJSONLines))
		},
		Store: StoreReadOnly,
		Run: func(ctx context.Context) error {
			if a.opts.list.limit < 0 {
				return a.Usagef(mLimit)
			}
			list, err := a.QuarantineService.QuarantinedMails(ctx, a.opts.list.limit)
			if err != nil {
				return err
			}
			if a.opts.json {
				enc := json.NewEncoder(a.Stdout)
				for _, q := range list {
					if err := enc.Encode(q); err != nil {
						return err
					}
				}
				return nil
			}
			return a.writeQuarantine(a.Stdout, list)
		},
	}
}

// writeQuarantine prints the table of quarantine list.
func (a *App) writeQuarantine(w io.Writer, list []*klachtdesk.QuarantinedMail) error {
	if len(list) == 0 {
		return a.printf(w, mNoQuarantine)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, a.Sprintf(mQuarantineHead))
	for _, q := range list {
		fmt.Fprintf(tw, "#%d\t%s\t%s\t%s\t%s\t%s\n", q.ID, q.TakenAt.Format("2006-01-02 15:04"), q.Outcome,
			dash(ellipsize(OneLine(q.From), 40)), dash(ellipsize(OneLine(q.Subject), 50)), dash(OneLine(q.Reason)))
	}
	return tw.Flush()
}

func (a *App) quarantineShowCommand() *Command {
	return &Command{
		Name:      "quarantine show",
		Synopsis:  hQuarantineShow,
		Usage:     hQuarantineShowUsage,
		CheckArgs: a.numberArg(mWhatQuarantine, "klachtdesk quarantine list"),
		Store:     StoreReadOnly,
		Run: func(ctx context.Context) error {
			rc, err := a.QuarantineService.OpenQuarantinedMail(ctx, a.opts.id)
			if err != nil {
				return err
			}
			defer rc.Close()
			_, err = io.Copy(a.Stdout, rc)
			return err
		},
	}
}

func (a *App) quarantineRetryCommand() *Command {
	return &Command{
		Name:     "quarantine retry",
		Synopsis: hQuarantineRetry,
		Usage:    hQuarantineRetryUsage,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.BoolVar(&a.opts.json, "json", false, a.tr(fRetryJSON))
		},
		CheckArgs: a.numberArg(mWhatQuarantine, "klachtdesk quarantine list"),
		Store:     StoreRead,
		Run: func(ctx context.Context) error {
			r, err := a.Mail.RetryQuarantined(ctx, a.opts.id)
			if err != nil {
				return err
			}
			res := MailResult{Source: fmt.Sprintf("quarantine #%d", a.opts.id), IntakeResult: *r}
			if a.opts.json {
				return json.NewEncoder(a.Stdout).Encode(res)
			}
			_, err = fmt.Fprintf(a.Stdout, "%s: %s %s %s\n", res.Source, res.Outcome, dash(res.Reference), res.Reason)
			return err
		},
	}
}

// ellipsize shortens s to at most n runes for a table column, marking the cut.
func ellipsize(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
