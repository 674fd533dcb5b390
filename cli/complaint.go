package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// complaintFlags are the flags of "complaint add".
type complaintFlags struct {
	json                                     bool
	channel, received, discovered            string
	name, email, address, phone, customerNum string
	consumer, business                       bool
	lang, kind, subtype, severity            string
	subject, text, remedy, productRef        string
	informal, concerned                      string
}

func (a *App) complaintAddCommand() *Command {
	return &Command{
		Name:     "complaint add",
		Synopsis: hComplaintAdd,
		Usage:    hComplaintAddUsage,
		DefineFlags: func(fs *flag.FlagSet) {
			f := &a.opts.complaint
			fs.BoolVar(&f.json, "json", false, a.tr(fComplaintJSON))
			fs.StringVar(&f.channel, "channel", "", a.tr(fChannel))
			fs.StringVar(&f.received, "received", "", a.tr(fReceived))
			fs.StringVar(&f.name, "name", "", a.tr(fName))
			fs.StringVar(&f.email, "email", "", a.tr(fEmail))
			fs.StringVar(&f.address, "address", "", a.tr(fAddress))
			fs.StringVar(&f.phone, "phone", "", a.tr(fPhone))
			fs.StringVar(&f.customerNum, "customer-number", "", a.tr(fCustomerNum))
			fs.BoolVar(&f.consumer, "consumer", false, a.tr(fConsumer))
			fs.BoolVar(&f.business, "business", false, a.tr(fBusiness))
			fs.StringVar(&f.lang, "lang", "", a.tr(fLang))
			fs.StringVar(&f.kind, "kind", "", a.tr(fKind))
			fs.StringVar(&f.subtype, "subtype", "", a.tr(fSubtype))
			fs.StringVar(&f.subject, "subject", "", a.tr(fSubject))
			fs.StringVar(&f.text, "text", "", a.tr(fText))
			fs.StringVar(&f.remedy, "remedy", "", a.tr(fRemedy))
			fs.StringVar(&f.productRef, "product-ref", "", a.tr(fProductRef))
			fs.StringVar(&f.discovered, "discovered", "", a.tr(fDiscovered))
			fs.StringVar(&f.severity, "severity", "", a.tr(fSeverity))
			fs.StringVar(&f.informal, "informal-contact", "", a.tr(fInformal))
			fs.StringVar(&f.concerned, "concerned", "", a.tr(fConcerned))
		},
		CheckArgs: func(args []string) error {
			if len(args) == 1 && args[0] == "-" {
				a.opts.complaint.json = true
				return nil
			}
			if len(args) > 0 {
				return a.Usagef(mAddArgs, args[0])
			}
			return nil
		},
		Store: StoreWrite,
		Run:   a.runComplaintAdd,
	}
}

func (a *App) runComplaintAdd(ctx context.Context) error {
	settings, err := a.SettingsService.Settings(ctx)
	if err != nil {
		return a.Errorf(mReadSettings, err)
	}
	f := &a.opts.complaint
	var n *klachtdesk.NewComplaint
	useJSON := f.json || (!a.complaintFlagsGiven() && !a.stdinIsTerminal())
	switch {
	case useJSON && a.complaintFlagsGiven():
		return a.Usagef(mFlagsAndJSON)
	case useJSON:
		if n, err = a.readNewComplaintJSON(settings.Location()); err != nil {
			return err
		}
	case !a.complaintFlagsGiven():
		return a.Usagef(mNoComplaint)
	default:
		if n, err = a.newComplaint(f, settings); err != nil {
			return err
		}
	}
	if n.ReceivedAt.IsZero() {
		n.ReceivedAt = a.Now()
	}
	if n.Complainant.Language == "" {
		n.Complainant.Language = settings.DefaultLanguage
	}
	if f.concerned != "" {
		for _, name := range strings.Split(f.concerned, ",") {
			u, err := a.UserService.FindUserByUsername(ctx, strings.TrimSpace(name))
			if err != nil {
				return a.Errorf(mConcerned, strings.TrimSpace(name), err)
			}
			n.ConcernedEmployees = append(n.ConcernedEmployees, u.ID)
		}
	}
	c, err := a.ComplaintService.CreateComplaint(ctx, n)
	if err != nil {
		return a.Errorf(mRegister, err)
	}
	// Say what registering did beyond the reference: an archive complaint
	// overdue at once, an acknowledgement term already over, a late
	// notice, a complainant nobody can answer yet.
	for _, n := range klachtdesk.RegistrationNotes(c, klachtdesk.DateOf(a.Now(), settings.Location())) {
		a.printf(a.Stderr, mRegistrationNote, c.Reference, n.In(a.domainLanguage()))
	}
	_, err = fmt.Fprintln(a.Stdout, c.Reference)
	return err
}

// complaintFlagsGiven reports whether any flag describing a complaint was
// given on the command line.
func (a *App) complaintFlagsGiven() bool {
	f := a.opts.complaint
	for _, v := range []string{f.channel, f.received, f.name, f.email, f.address, f.phone, f.customerNum,
		f.lang, f.kind, f.subtype, f.subject, f.text, f.remedy, f.productRef, f.discovered, f.severity, f.informal, f.concerned} {
		if v != "" {
			return true
		}
	}
	return f.consumer || f.business
}

// newComplaint builds a new complaint from the flags.
func (a *App) newComplaint(f *complaintFlags, s klachtdesk.Settings) (*klachtdesk.NewComplaint, error) {
	n := &klachtdesk.NewComplaint{
		Channel: klachtdesk.Channel(f.channel),
		Complainant: klachtdesk.Complainant{
			Name:           f.name,
			Email:          f.email,
			PostalAddress:  f.address,
			Phone:          f.phone,
			CustomerNumber: f.customerNum,
			Language:       klachtdesk.Language(f.lang),
		},
		Kind:            klachtdesk.Kind(f.kind),
		Subtype:         f.subtype,
		Subject:         f.subject,
		Description:     f.text,
		RemedySought:    f.remedy,
		ProductRef:      f.productRef,
		Severity:        klachtdesk.Severity(f.severity),
		InformalContact: f.informal,
	}
	switch {
	case f.consumer && f.business:
		return nil, a.Usagef(mConsumerAndBiz)
	case f.consumer:
		n.Complainant.Type = klachtdesk.Consumer
	case f.business:
		n.Complainant.Type = klachtdesk.Business
	default:
		return nil, a.Usagef(mNoCustomerType)
	}
	if f.received != "" {
		t, err := a.parseReceived("--received", f.received, s.Location())
		if err != nil {
			return nil, err
		}
		n.ReceivedAt = t
	}
	if f.discovered != "" {
		d, err := klachtdesk.ParseDate(f.discovered)
		if err != nil {
			return nil, err
		}
		n.Discovered = d
	}
	return n, nil
}

// parseReceived reads the value s of field name: an RFC 3339 instant, or a
// date meaning noon in loc (a letter is recorded by its delivery day, not
// its hour).
func (a *App) parseReceived(name, s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := klachtdesk.ParseDate(s); err == nil {
		return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, loc), nil
	}
	return time.Time{}, klachtdesk.Errorf(klachtdesk.EINVALID, "%s", a.Sprintf(mBadReceived, name, s))
}

// complaintListCommand prints the complaints register.
func (a *App) complaintListCommand() *Command {
	return &Command{
		Name:     "complaint list",
		Synopsis: hComplaintList,
		Usage:    hComplaintListUsage,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.StringVar(&a.opts.list.state, "state", "", a.tr(fState))
			fs.BoolVar(&a.opts.list.open, "open", false, a.tr(fOpen))
			fs.BoolVar(&a.opts.list.closed, "closed", false, a.tr(fClosed))
			fs.IntVar(&a.opts.list.limit, "limit", 50, a.tr(fLimit))
			fs.BoolVar(&a.opts.json, "json", false, a.tr(fJSONLines))
		},
		Store: StoreReadOnly,
		Run:   a.runComplaintList,
	}
}

func (a *App) runComplaintList(ctx context.Context) error {
	filter, err := a.registerFilter()
	if err != nil {
		return err
	}
	settings, err := a.SettingsService.Settings(ctx)
	if err != nil {
		return err
	}
	today := klachtdesk.DateOf(a.Now(), settings.Location())
	list, total, err := a.ComplaintService.FindComplaints(ctx, filter)
	if err != nil {
		return err
	}
	if a.opts.json {
		enc := json.NewEncoder(a.Stdout)
		for _, c := range list {
			if err := enc.Encode(registerLine(c, today)); err != nil {
				return err
			}
		}
		return nil
	}
	return a.writeRegister(a.Stdout, list, total, today)
}

// registerFilter is the filter the flags of complaint list ask for.
func (a *App) registerFilter() (klachtdesk.ComplaintFilter, error) {
	o := a.opts.list
	filter := klachtdesk.ComplaintFilter{Limit: o.limit}
	switch {
	case o.limit < 0:
		return filter, a.Usagef(mLimit)
	case o.open && o.closed:
		return filter, a.Usagef(mOpenClosed)
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
			return filter, a.Usagef(mBadState, strings.Join(names, ", "), o.state)
		}
	}
	return filter, nil
}

// writeRegister prints the register table of complaint list: list is a page
// of total complaints.
func (a *App) writeRegister(w io.Writer, list []*klachtdesk.Complaint, total int, today klachtdesk.Date) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, a.Sprintf(mRegisterHeader))
	for _, c := range list {
		l := registerLine(c, today)
		state := string(c.State)
		if c.CloseReason != "" {
			state += " (" + string(c.CloseReason) + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s/%s\t%s\t%s\t%s\t%s\n", c.Reference, c.ReceiptDate, state, c.Kind, c.Subtype,
			c.Route, dash(l.Due.String()), dash(strings.Join(l.Flags, ",")), dash(OneLine(l.Complainant)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(list) < total {
		return a.printf(w, mRegisterCut, len(list), total)
	}
	return nil
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
		{c.LateNotice, "late_notice"}, {c.LegalHold, "legal_hold"}, {c.LetterFailed, "letter_failed"},
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
