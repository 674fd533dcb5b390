package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/internal/demo"
)

var demoCommand = &command{
	name:     "demo",
	synopsis: "fill an empty store with realistic demo complaints",
	usage: `Usage: klachtdesk demo [--count 300] [--seed 1]

Fills an empty store with about --count realistic complaints in Dutch and
English, spread over the last 30 months, in every state (received,
acknowledged, in_treatment, awaiting_info, answered, referred, closed with
each close reason, anonymised); some extended, escalated, overdue, under
legal hold or with a late notice. It creates a few handler users with Dutch
names (with one random password, printed) and makes some of them employees
concerned by complaints. On a store without users it first creates the
administrator and prints its credentials, as the first serve would have.

Every change goes through the procedure's rules and the audit trail, with
the store's clock set to a simulated time moving forward from 30 months ago.
The same --seed gives the same data (relative to today).

Demo data goes into an empty store only: when the store already holds
complaints, demo refuses and changes nothing. Use a new --data folder.
`,
	flags: func(m *Main, fs *flag.FlagSet) {
		fs.IntVar(&m.opts.count, "count", 300, "number of complaints")
		fs.Uint64Var(&m.opts.seed, "seed", 1, "seed of the random generator")
	},
	store: storeWrite,
	run:   (*Main).runDemo,
}

// runDemo fills the empty store with demo data (internal/demo) and prints
// what it made. It checks the store itself first, to name the data folder
// when it refuses.
func (m *Main) runDemo(ctx context.Context) error {
	if m.opts.count < 1 || m.opts.count > demo.MaxCount {
		return usagef("demo: --count must be from 1 to %d, not %d", demo.MaxCount, m.opts.count)
	}
	if _, total, err := m.ComplaintService.FindComplaints(ctx, klachtdesk.ComplaintFilter{Limit: 1}); err != nil {
		return fmt.Errorf("count complaints: %w", err)
	} else if total > 0 {
		return fmt.Errorf("the store in %s already holds %d complaints: demo data goes into an empty store only (use a new --data folder)", m.Config.DataDir, total)
	}
	// Demo complainants are made up: their complaints get no letters,
	// which a configured SMTP server would otherwise send one day.
	letters := m.ComplaintService.Letters
	m.ComplaintService.Letters = nil
	defer func() { m.ComplaintService.Letters = letters }()
	res, err := demo.Generate(ctx, demo.Store{
		Complaints: m.ComplaintService,
		Messages:   m.MessageService,
		Settings:   m.SettingsService,
		Users:      m.UserService,
		Now:        m.DB.Now,
		SetClock:   func(now func() time.Time) { m.DB.Now = now },
	}, demo.Options{
		Count:    m.opts.count,
		Seed:     m.opts.seed,
		Password: generatePassword(20),
		// Demo users would make the first serve skip creating the
		// administrator; create it now, as serve would have.
		AtStart: func(ctx context.Context) error { return m.bootstrapAdmin(ctx, "") },
	})
	if err != nil {
		return err
	}
	m.demoSummary(res)
	return nil
}

// demoSummary prints what the demo made.
func (m *Main) demoSummary(res *demo.Result) {
	fmt.Fprintf(m.Stdout, "demo: registered %d complaints (seed %d)\n\n", res.Complaints, m.opts.seed)
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATE\tCOMPLAINTS")
	for _, s := range klachtdesk.States {
		fmt.Fprintf(tw, "%s\t%d\n", s, res.States[s])
	}
	fmt.Fprintln(tw, "\nCLOSE REASON (closed and anonymised)\tCOMPLAINTS")
	for _, r := range []klachtdesk.CloseReason{klachtdesk.CloseAccepted, klachtdesk.CloseNoResponse, klachtdesk.CloseExternalOutcome,
		klachtdesk.CloseReferralLapsed, klachtdesk.CloseNotAdmissible, klachtdesk.CloseWithdrawn} {
		fmt.Fprintf(tw, "%s\t%d\n", r, res.CloseReasons[r])
	}
	tw.Flush()
	fmt.Fprintf(m.Stdout, "\nflags: %d extended, %d escalated, %d overdue, %d legal hold, %d late notice\n",
		res.Extended, res.Escalated, res.Overdue, res.LegalHold, res.LateNotice)
	fmt.Fprintf(m.Stdout, "languages: %d Dutch, %d English; %d business customers\n", res.Dutch, res.English, res.Business)
	fmt.Fprintf(m.Stdout, "demo users: %s\ndemo user password: %s\n", strings.Join(res.Usernames, ", "), res.Password)
}
