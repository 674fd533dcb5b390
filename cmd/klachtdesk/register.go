package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/klachtdesk/klachtdesk"
)

// complaintListCommand prints the complaints register.
var complaintListCommand = &command{
	name:     "complaint list",
	synopsis: "print the complaints register, newest first",
	usage: `Usage: klachtdesk complaint list [--state STATE] [--open|--closed] [--limit N] [--json]

Prints the complaints register (klachtenregister), newest first: reference,
date of receipt, state, kind and subtype, route, the date the answer is due
while it is still owed (the promised date when extended), flags and
complainant. --json prints one
JSON object per line with the same facts and every deadline.
`,
	flags: func(m *Main, fs *flag.FlagSet) {
		fs.StringVar(&m.opts.list.state, "state", "", "only complaints in this state")
		fs.BoolVar(&m.opts.list.open, "open", false, "only open complaints")
		fs.BoolVar(&m.opts.list.closed, "closed", false, "only closed and anonymised complaints")
		fs.IntVar(&m.opts.list.limit, "limit", 50, "at most N complaints (0: all)")
		fs.BoolVar(&m.opts.json, "json", false, "one JSON object per line")
	},
	store: storeRead,
	run: func(m *Main, ctx context.Context) error {
		o := m.opts.list
		filter := klachtdesk.ComplaintFilter{Limit: o.limit}
		switch {
		case o.limit < 0:
			return usagef("--limit must be 0 or more")
		case o.open && o.closed:
			return usagef("--open and --closed exclude each other")
		case o.open || o.closed:
			open := o.open
			filter.Open = &open
		}
		if o.state != "" {
			filter.State = klachtdesk.State(o.state)
			if !filter.State.Valid() {
				names := make([]string, len(klachtdesk.States))
				for i, s := range klachtdesk.States {
					names[i] = string(s)
				}
				return usagef("--state must be one of %s, not %q", strings.Join(names, ", "), o.state)
			}
		}
		settings, err := m.SettingsService.Settings(ctx)
		if err != nil {
			return err
		}
		today := klachtdesk.DateOf(m.DB.Now(), settings.Location())
		list, total, err := m.ComplaintService.FindComplaints(ctx, filter)
		if err != nil {
			return err
		}
		if m.opts.json {
			enc := json.NewEncoder(m.Stdout)
			for _, c := range list {
				if err := enc.Encode(registerLine(c, today)); err != nil {
					return err
				}
			}
			return nil
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "REFERENCE\tRECEIVED\tSTATE\tKIND\tROUTE\tDUE\tFLAGS\tCOMPLAINANT")
		for _, c := range list {
			l := registerLine(c, today)
			state := string(c.State)
			if c.CloseReason != "" {
				state += " (" + string(c.CloseReason) + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s/%s\t%s\t%s\t%s\t%s\n", c.Reference, c.ReceiptDate, state, c.Kind, c.Subtype,
				c.Route, dash(l.Due.String()), dash(strings.Join(l.Flags, ",")), dash(oneLine(l.Complainant)))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if len(list) < total {
			_, err = fmt.Fprintf(m.Stdout, "(%d of %d complaints; --limit 0 shows all)\n", len(list), total)
		}
		return err
	},
}

// registerEntry is one line of the register in --json form.
type registerEntry struct {
	Reference   string                 `json:"reference"`
	ReceiptDate klachtdesk.Date        `json:"receipt_date"`
	State       klachtdesk.State       `json:"state"`
	CloseReason klachtdesk.CloseReason `json:"close_reason,omitempty"`
	Kind        klachtdesk.Kind        `json:"kind"`
	Subtype     string                 `json:"subtype"`
	Route       klachtdesk.Route       `json:"route"`
	Channel     klachtdesk.Channel     `json:"channel"`
	Finding     klachtdesk.Finding     `json:"finding,omitempty"`
	Due         klachtdesk.Date        `json:"due"`
	Flags       []string               `json:"flags"`
	Complainant string                 `json:"complainant"`
}

// registerLine gathers what the register shows of c on local date today.
func registerLine(c *klachtdesk.Complaint, today klachtdesk.Date) registerEntry {
	flags := []string{}
	for _, f := range []struct {
		on   bool
		name string
	}{
		{c.IsOverdue(today), "overdue"}, {c.Extended, "extended"}, {c.Escalated, "escalated"},
		{c.LateNotice, "late_notice"}, {c.LegalHold, "legal_hold"},
	} {
		if f.on {
			flags = append(flags, f.name)
		}
	}
	e := registerEntry{
		Reference: c.Reference, ReceiptDate: c.ReceiptDate, State: c.State, CloseReason: c.CloseReason,
		Kind: c.Kind, Subtype: c.Subtype, Route: c.Route, Channel: c.Channel, Finding: c.Finding, Flags: flags,
	}
	if c.AwaitsAnswer() {
		e.Due = c.EffectiveDue()
	}
	if c.Complainant != nil {
		e.Complainant = c.Complainant.Name
		if e.Complainant == "" {
			e.Complainant = c.Complainant.Email
		}
	}
	return e
}
