package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/intake"
	"github.com/klachtdesk/klachtdesk/letter"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// importCommand takes mail from files.
var importCommand = &command{
	name:     "import",
	synopsis: "register mail from .eml files, mbox files and Maildir folders",
	usage: `Usage: klachtdesk import [--json] [--batch N] PATH...

Reads every mail in the PATHs (.eml files, mbox files, Maildir folders, and
folders holding these) and takes each as intake does: a new complaint with
its acknowledgement queued, a reply to a known complaint, an auto-reply or
bounce (recorded, no complaint, no letter), a duplicate of a mail taken
before, or rejected (kept in quarantine with the reason).

Every mail is durably stored before it is reported, so an interrupted
import can simply be run again: mails already taken are duplicates.

On a terminal a progress bar shows on standard error, and a summary follows
at the end. With --json, standard output has one line per mail:
  {"source":"PATH[#N]","outcome":"new|reply|auto_reply|bounce|duplicate|rejected|error","reference":"KL-…","reason":"…"}
Exit status 1 when a mail could not be read or stored.
`,
	flags: func(m *Main, fs *flag.FlagSet) {
		fs.BoolVar(&m.opts.json, "json", false, "print one JSON line per mail")
		fs.IntVar(&m.opts.batch, "batch", 50, "mails per transaction (`N`, 1–1000)")
	},
	args: func(m *Main, args []string) error {
		if len(args) == 0 {
			return usagef("import needs at least one PATH")
		}
		if m.opts.batch < 1 || m.opts.batch > 1000 {
			return usagef("--batch must be 1–1000, not %d", m.opts.batch)
		}
		return nil
	},
	store: storeWrite,
	run:   runImport,
}

func runImport(m *Main, ctx context.Context) error {
	for _, p := range m.Args {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("cannot read %s: %w", p, pathCause(err))
		}
	}
	var bar *progressBar
	if isTerminal(m.Stderr) {
		total, err := intake.CountFiles(ctx, m.Args)
		if err != nil {
			return err
		}
		bar = &progressBar{w: m.Stderr, total: total, started: time.Now()}
	}

	items := make(chan intake.Item, 64)
	readErr := make(chan error, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(items)
		readErr <- intake.ReadFiles(ctx, m.Args, items)
	}()

	counts := map[klachtdesk.Outcome]int{}
	enc := json.NewEncoder(m.Stdout)
	var writeErr error
	p := &intake.Pipeline{Store: m.IntakeService, Batch: m.opts.batch, Prestore: m.IntakeService.StoreLarge}
	runErr := p.Run(ctx, items, func(r intake.Result) {
		counts[r.Outcome]++
		if m.opts.json && writeErr == nil {
			writeErr = enc.Encode(r)
		}
		if bar != nil {
			bar.step(counts)
		}
	})
	cancel()
	if err := <-readErr; err != nil && runErr == nil && ctx.Err() == nil {
		runErr = err
	}
	if bar != nil {
		bar.finish()
	}
	summary := importSummary(counts)
	if m.opts.json {
		fmt.Fprintln(m.Stderr, summary)
	} else {
		fmt.Fprintln(m.Stdout, summary)
	}
	if runErr != nil {
		return fmt.Errorf("import stopped: %w", runErr)
	}
	if writeErr != nil {
		return writeErr
	}
	if counts[klachtdesk.OutcomeError] > 0 {
		return &exitError{code: 1, silent: true}
	}
	return nil
}

var outcomeOrder = []klachtdesk.Outcome{
	klachtdesk.OutcomeNew, klachtdesk.OutcomeReply, klachtdesk.OutcomeAutoReply, klachtdesk.OutcomeBounce,
	klachtdesk.OutcomeDuplicate, klachtdesk.OutcomeRejected, klachtdesk.OutcomeError,
}

// importSummary is the line printed at the end: Dutch first, English second.
func importSummary(counts map[klachtdesk.Outcome]int) string {
	total := 0
	parts := make([]string, 0, len(outcomeOrder))
	for _, o := range outcomeOrder {
		total += counts[o]
		parts = append(parts, fmt.Sprintf("%s %d", o, counts[o]))
	}
	return fmt.Sprintf("%d e-mails verwerkt / %d mails processed: %s", total, total, strings.Join(parts, ", "))
}

// progressBar draws one line on a terminal.
type progressBar struct {
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
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d  %.0f/s  new %d  reply %d  dup %d  err %d ",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), b.done, b.total, rate,
		counts[klachtdesk.OutcomeNew], counts[klachtdesk.OutcomeReply], counts[klachtdesk.OutcomeDuplicate], counts[klachtdesk.OutcomeError])
}

func (b *progressBar) finish() { fmt.Fprintln(b.w) }

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// newIntakeService is the intake of the program's store.
func newIntakeService(db *sqldb.DB, own []string) *sqldb.IntakeService {
	in := sqldb.NewIntakeService(db)
	in.Letters = letter.Writer{}
	in.Own = own
	return in
}
