package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/klachtdesk/klachtdesk"
)

// DemoResult is what the demo generator made, as demo prints it.
type DemoResult struct {
	Complaints   int
	States       map[klachtdesk.State]int
	CloseReasons map[klachtdesk.CloseReason]int
	// Complaints with each flag, and per language and customer type.
	Extended, Escalated, Overdue, LegalHold, LateNotice int
	Dutch, English, Business                            int
	// Usernames are the demo's staff users; Password is theirs.
	Usernames []string
	Password  string
}

// Demo fills an empty store with count (1 to its MaxCount) realistic
// complaints from seed,
// creating the first administrator (through atStart, in the generator's
// simulated time) and staff users with password. cmd/klachtdesk builds it
// from internal/demo and the store.
type Demo struct {
	// MaxCount bounds --count: the demo is for trying Klachtdesk out, not
	// a load test.
	MaxCount int
	Generate func(ctx context.Context, count int, seed uint64, password string, atStart func(context.Context) error) (*DemoResult, error)
}

func (a *App) demoCommand() *Command {
	return &Command{
		Name:     "demo",
		Synopsis: hDemo,
		Usage:    hDemoUsage,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.IntVar(&a.opts.count, "count", 300, a.tr(fCount))
			fs.Uint64Var(&a.opts.seed, "seed", 1, a.tr(fSeed))
		},
		Store: StoreWrite,
		Run:   a.runDemo,
	}
}

// runDemo checks the store is empty (to name the data folder when it
// refuses), runs the generator and prints what it made.
func (a *App) runDemo(ctx context.Context) error {
	if a.opts.count < 1 || a.opts.count > a.Demo.MaxCount {
		return a.Usagef(mDemoCount, a.Demo.MaxCount, a.opts.count)
	}
	if _, total, err := a.ComplaintService.FindComplaints(ctx, klachtdesk.ComplaintFilter{Limit: 1}); err != nil {
		return a.Errorf(mCountComplaints, err)
	} else if total > 0 {
		return a.Errorf(mDemoNotEmpty, a.DataDir, total)
	}
	res, err := a.Demo.Generate(ctx, a.opts.count, a.opts.seed, GeneratePassword(20), func(ctx context.Context) error {
		// Demo users would make the first serve skip creating the
		// administrator; create it now, as serve would have.
		return a.BootstrapAdmin(ctx, "", a.DataDir)
	})
	if err != nil {
		return err
	}
	return a.demoSummary(res)
}

// demoSummary prints what the demo made.
func (a *App) demoSummary(res *DemoResult) error {
	a.printf(a.Stdout, mDemoMade, res.Complaints, a.opts.seed)
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, a.Sprintf(mDemoStates))
	for _, s := range klachtdesk.States {
		fmt.Fprintf(tw, "%s\t%d\n", s, res.States[s])
	}
	fmt.Fprintln(tw, "\n"+a.Sprintf(mDemoReasons))
	for _, r := range []klachtdesk.CloseReason{klachtdesk.CloseAccepted, klachtdesk.CloseNoResponse, klachtdesk.CloseExternalOutcome,
		klachtdesk.CloseReferralLapsed, klachtdesk.CloseNotAdmissible, klachtdesk.CloseWithdrawn} {
		fmt.Fprintf(tw, "%s\t%d\n", r, res.CloseReasons[r])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	a.printf(a.Stdout, mDemoFlags, res.Extended, res.Escalated, res.Overdue, res.LegalHold, res.LateNotice)
	a.printf(a.Stdout, mDemoLanguages, res.Dutch, res.English, res.Business)
	return a.printf(a.Stdout, mDemoUsers, strings.Join(res.Usernames, ", "), res.Password)
}
