package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
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

var complaintAddCommand = &command{
	name:     "complaint add",
	synopsis: "register a written complaint; prints its reference",
	usage: `Usage: klachtdesk complaint add --channel email|letter|webform [flags]
       klachtdesk complaint add --json < complaint.json
       klachtdesk complaint add - < complaint.json

Registers a written complaint and prints its reference, and only that, on
standard output (a warning, such as a late notice, goes to standard error).
A complaint is given either as flags or as one JSON object on standard input
(with --json or "-", or when no complaint flags are given and standard input
is not a terminal).

--received is an RFC 3339 instant (2026-11-20T10:15:00+01:00) or a date
(2026-11-20, meaning noon in the organisation's time zone; for a letter, the
day it was delivered); it defaults to now. The language defaults to the
setting language.default. One of --consumer or --business is required.

The JSON object has the fields of the flags:
  {
    "channel": "email",
    "received_at": "2026-11-20T10:15:00+01:00",
    "complainant": {
      "name": "Jan de Vries", "email": "jan.devries@example.nl",
      "postal_address": "Dorpsstraat 1, 1234 AB Ergenshuizen",
      "phone": "06-12345678", "customer_number": "KN-100234",
      "type": "consumer", "language": "nl"
    },
    "kind": "product", "subtype": "defect",
    "subject": "Laptop start niet meer op",
    "description": "Sinds de laatste update start mijn laptop niet meer op.",
    "remedy_sought": "Reparatie of een vervangend exemplaar",
    "product_ref": "ProBook 450 G9, serienummer 5CD1234XYZ",
    "discovered": "2026-11-02",
    "severity": "normal",
    "informal_contact": "Eerst gebeld met de helpdesk op 3 november",
    "concerned_employees": [4]
  }
received_at defaults to now and complainant.language to language.default;
unknown fields are refused.

Kinds and subtypes: service (reachability, information, communication,
conduct, other) and product (defect, delivery, warranty_repair, software,
other).
`,
	flags: func(m *Main, fs *flag.FlagSet) {
		f := &m.opts.complaint
		fs.BoolVar(&f.json, "json", false, "read the complaint as JSON from standard input")
		fs.StringVar(&f.channel, "channel", "", "how it arrived: `email`, letter or webform")
		fs.StringVar(&f.received, "received", "", "when it was received: RFC 3339 `instant` or YYYY-MM-DD (default now)")
		fs.StringVar(&f.name, "name", "", "complainant's `name`")
		fs.StringVar(&f.email, "email", "", "complainant's e-mail `address`")
		fs.StringVar(&f.address, "address", "", "complainant's postal `address`")
		fs.StringVar(&f.phone, "phone", "", "complainant's phone `number`")
		fs.StringVar(&f.customerNum, "customer-number", "", "complainant's customer `number`")
		fs.BoolVar(&f.consumer, "consumer", false, "the complainant is a consumer")
		fs.BoolVar(&f.business, "business", false, "the complainant is a business customer")
		fs.StringVar(&f.lang, "lang", "", "complainant's `language`: nl or en (default: setting language.default)")
		fs.StringVar(&f.kind, "kind", "", "`kind`: service or product")
		fs.StringVar(&f.subtype, "subtype", "", "`subtype` of the kind (default other)")
		fs.StringVar(&f.subject, "subject", "", "`subject` line")
		fs.StringVar(&f.text, "text", "", "the complaint `text`")
		fs.StringVar(&f.remedy, "remedy", "", "what the complainant asks for")
		fs.StringVar(&f.productRef, "product-ref", "", "product `reference`, such as model and serial number")
		fs.StringVar(&f.discovered, "discovered", "", "`date` the product problem was discovered (YYYY-MM-DD)")
		fs.StringVar(&f.severity, "severity", "", "`severity`: low, normal or high (default normal)")
		fs.StringVar(&f.informal, "informal-contact", "", "`note` on the customer's first, informal contact")
		fs.StringVar(&f.concerned, "concerned", "", "comma-separated user `names` of the employees the complaint is about")
	},
	args: func(m *Main, args []string) error {
		if len(args) == 1 && args[0] == "-" {
			m.opts.complaint.json = true
			return nil
		}
		if len(args) > 0 {
			return usagef("complaint add takes no arguments but \"-\", got %q (run 'klachtdesk complaint add -h')", args[0])
		}
		return nil
	},
	store: storeWrite,
	run:   (*Main).runComplaintAdd,
}

func (m *Main) runComplaintAdd(ctx context.Context) error {
	settings, err := m.SettingsService.Settings(ctx)
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}
	f := &m.opts.complaint
	var n *klachtdesk.NewComplaint
	useJSON := f.json || (!m.complaintFlagsGiven() && !m.stdinIsTerminal())
	switch {
	case useJSON && m.complaintFlagsGiven():
		return usagef("complaint add: give the complaint as flags or as JSON on standard input, not both")
	case useJSON:
		if n, err = m.readNewComplaintJSON(); err != nil {
			return err
		}
	case !m.complaintFlagsGiven():
		return usagef("complaint add: give the complaint as flags or as JSON on standard input (run 'klachtdesk complaint add -h')")
	default:
		if n, err = f.newComplaint(settings); err != nil {
			return err
		}
	}
	if n.ReceivedAt.IsZero() {
		n.ReceivedAt = m.DB.Now()
	}
	if n.Complainant.Language == "" {
		n.Complainant.Language = settings.DefaultLanguage
	}
	if f.concerned != "" {
		for _, name := range strings.Split(f.concerned, ",") {
			u, err := m.UserService.FindUserByUsername(ctx, strings.TrimSpace(name))
			if err != nil {
				return fmt.Errorf("concerned employee %s: %w", strings.TrimSpace(name), err)
			}
			n.ConcernedEmployees = append(n.ConcernedEmployees, u.ID)
		}
	}
	c, err := m.ComplaintService.CreateComplaint(ctx, n)
	if err != nil {
		return fmt.Errorf("register complaint: %w", err)
	}
	if c.LateNotice {
		fmt.Fprintf(m.Stderr, "warning: %s is a consumer's product defect reported more than %d months after its discovery (BW 7:23 late notice)\n", c.Reference, settings.LateNoticeMonths)
	}
	_, err = fmt.Fprintln(m.Stdout, c.Reference)
	return err
}

// complaintFlagsGiven reports whether any flag describing a complaint was
// given on the command line.
func (m *Main) complaintFlagsGiven() bool {
	f := m.opts.complaint
	for _, v := range []string{f.channel, f.received, f.name, f.email, f.address, f.phone, f.customerNum,
		f.lang, f.kind, f.subtype, f.subject, f.text, f.remedy, f.productRef, f.discovered, f.severity, f.informal, f.concerned} {
		if v != "" {
			return true
		}
	}
	return f.consumer || f.business
}

// readNewComplaintJSON decodes one JSON object shaped like
// klachtdesk.NewComplaint from standard input.
func (m *Main) readNewComplaintJSON() (*klachtdesk.NewComplaint, error) {
	if m.opts.complaint.concerned != "" {
		return nil, usagef("complaint add: with JSON, give concerned_employees as user IDs in the object")
	}
	dec := json.NewDecoder(io.LimitReader(m.Stdin, 16<<20))
	dec.DisallowUnknownFields()
	var n klachtdesk.NewComplaint
	if err := dec.Decode(&n); errors.Is(err, io.EOF) {
		return nil, errors.New("no complaint on standard input: expected a JSON object (run 'klachtdesk complaint add -h' for its shape)")
	} else if err != nil {
		return nil, fmt.Errorf("the complaint on standard input is not valid JSON: %s", jsonErrorText(err))
	}
	if dec.More() {
		return nil, errors.New("standard input holds more than one JSON value: give one complaint object")
	}
	return &n, nil
}

// jsonErrorText is a JSON decoding error without the package's prefix; a
// domain error inside (a bad date) keeps only its message.
func jsonErrorText(err error) string {
	var e *klachtdesk.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// newComplaint builds a new complaint from the flags.
func (f *complaintFlags) newComplaint(s klachtdesk.Settings) (*klachtdesk.NewComplaint, error) {
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
		return nil, usagef("complaint add: give --consumer or --business, not both")
	case f.consumer:
		n.Complainant.Type = klachtdesk.Consumer
	case f.business:
		n.Complainant.Type = klachtdesk.Business
	default:
		return nil, usagef("complaint add: say whether the complainant is a consumer or a business (--consumer or --business)")
	}
	if f.received != "" {
		t, err := parseReceived(f.received, s.Location())
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

// parseReceived reads an RFC 3339 instant, or a date meaning noon in loc (a
// letter is recorded by its delivery day, not its hour).
func parseReceived(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := klachtdesk.ParseDate(s); err == nil {
		return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, loc), nil
	}
	return time.Time{}, klachtdesk.Errorf(klachtdesk.EINVALID, "received %q is neither an RFC 3339 instant (2026-11-20T10:15:00+01:00) nor a date (2026-11-20)", s)
}

var showCommand = &command{
	name:     "show",
	synopsis: "show a complaint with its deadlines and history",
	usage: `Usage: klachtdesk show REFERENCE [--json]

Shows a complaint: state, flags, route, complainant, kind, every deadline
with the rule version that computed it, the event history (times in the
organisation's time zone) and the messages.

With --json it prints one JSON object:
  {"complaint": {...}, "complainant": {...},
   "deadlines": {"ack_due": {"date": "2026-11-25", "rule": "r1.s0"}, "answer_due": ...,
                 "act_by": ..., "promised_date": ..., "reaction_due": ..., "retention_until": ...},
   "overdue": false, "events": [...], "messages": [...]}
An unset deadline has an empty date.
`,
	flags: func(m *Main, fs *flag.FlagSet) {
		fs.BoolVar(&m.opts.json, "json", false, "print one JSON object")
	},
	args:  oneArg("REFERENCE"),
	store: storeRead,
	run:   (*Main).runShow,
}

// complaintView is what show prints as JSON.
type complaintView struct {
	Complaint   *klachtdesk.Complaint          `json:"complaint"`
	Complainant *klachtdesk.Complainant        `json:"complainant"`
	Deadlines   map[string]klachtdesk.Deadline `json:"deadlines"`
	Overdue     bool                           `json:"overdue"`
	Events      []*klachtdesk.Event            `json:"events"`
	Messages    []messageView                  `json:"messages"`
	// Undeliverable is set when a letter to the complainant's address
	// bounced: staff must find another way to reach them.
	Undeliverable *undeliverableView `json:"undeliverable,omitempty"`
}

type undeliverableView struct {
	Since  time.Time `json:"since"`
	Reason string    `json:"reason"`
}

// messageView is one message as show prints it.
type messageView struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"at"`
	Direction   string    `json:"direction"`
	Channel     string    `json:"channel"`
	From        string    `json:"from,omitempty"`
	To          string    `json:"to,omitempty"`
	Subject     string    `json:"subject,omitempty"`
	Text        string    `json:"text"`
	Quoted      string    `json:"quoted,omitempty"`
	Attachments []string  `json:"attachments"`
	MessageID   string    `json:"message_id,omitempty"`
	// Auto is auto_reply or bounce for a message a machine wrote;
	// Unverified marks a reply from an address that is not the
	// complainant's, matched on the subject reference alone.
	Auto       string               `json:"auto,omitempty"`
	Unverified bool                 `json:"unverified,omitempty"`
	Delivery   *klachtdesk.Delivery `json:"delivery,omitempty"`
}

// deadlineNames orders the deadlines as the procedure meets them.
var deadlineNames = []string{"ack_due", "answer_due", "act_by", "promised_date", "reaction_due", "retention_until"}

func deadlines(c *klachtdesk.Complaint) map[string]klachtdesk.Deadline {
	return map[string]klachtdesk.Deadline{
		"ack_due":       c.AckDue,
		"answer_due":    c.AnswerDue,
		"act_by":        c.ActBy,
		"promised_date": c.PromisedDate,
		"reaction_due":  c.ReactionDue,
		// Retention is computed when the complaint is closed; the
		// complaint stores no rule version for it.
		"retention_until": c.RetentionUntil,
	}
}

func (m *Main) runShow(ctx context.Context) error {
	ref := strings.TrimSpace(m.Args[0])
	settings, err := m.SettingsService.Settings(ctx)
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}
	c, err := m.ComplaintService.FindComplaintByReference(ctx, ref)
	if err != nil {
		return fmt.Errorf("find complaint %s: %w", ref, err)
	}
	events, err := m.ComplaintService.ComplaintEvents(ctx, ref)
	if err != nil {
		return fmt.Errorf("read events of %s: %w", ref, err)
	}
	messages, err := m.MessageService.ComplaintMessages(ctx, ref)
	if err != nil {
		return fmt.Errorf("read messages of %s: %w", ref, err)
	}
	loc := settings.Location()
	view := complaintView{
		Complaint:   c,
		Complainant: c.Complainant,
		Deadlines:   deadlines(c),
		Overdue:     c.IsOverdue(klachtdesk.DateOf(m.DB.Now(), loc)),
		Events:      events,
		Messages:    []messageView{},
	}
	if view.Events == nil {
		view.Events = []*klachtdesk.Event{}
	}
	for _, msg := range messages {
		mv := messageView{ID: msg.ID, At: msg.At, Direction: string(msg.Direction), Channel: string(msg.Channel),
			From: msg.From, To: msg.To, Subject: msg.Subject, Text: msg.Text, Quoted: msg.Quoted, Attachments: []string{},
			MessageID: msg.MessageID, Auto: string(msg.Auto), Unverified: msg.Unverified, Delivery: msg.Delivery}
		for _, a := range msg.Attachments {
			mv.Attachments = append(mv.Attachments, a.Filename)
		}
		view.Messages = append(view.Messages, mv)
	}
	if cp := c.Complainant; cp != nil && cp.Email != "" {
		since, reason, err := m.OutboxService.AddressStatus(ctx, cp.Email)
		if err != nil {
			return err
		}
		if !since.IsZero() {
			view.Undeliverable = &undeliverableView{Since: since, Reason: reason}
		}
	}
	if m.opts.json {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(view)
	}
	users := map[int64]string{}
	if list, err := m.UserService.FindUsers(ctx); err == nil {
		for _, u := range list {
			users[u.ID] = u.Username
		}
	}
	return writeComplaint(m.Stdout, view, loc, users)
}

// writeComplaint prints the human-readable form of show.
func writeComplaint(out io.Writer, v complaintView, loc *time.Location, users map[int64]string) error {
	c := v.Complaint
	userName := func(id int64) string {
		if name, ok := users[id]; ok {
			return name
		}
		return fmt.Sprintf("user %d", id)
	}
	local := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	row := func(label, format string, args ...any) {
		fmt.Fprintf(tw, "%s\t%s\n", label, fmt.Sprintf(format, args...))
	}
	state := string(c.State)
	if c.CloseReason != "" {
		state += " (" + string(c.CloseReason) + ")"
	}
	row("Reference:", "%s", c.Reference)
	row("State:", "%s", state)
	var flags []string
	for _, f := range []struct {
		on   bool
		name string
	}{{c.Extended, "extended"}, {c.Escalated, "escalated"}, {c.LateNotice, "late notice"}, {c.LegalHold, "legal hold"}, {v.Overdue, "OVERDUE"}} {
		if f.on {
			flags = append(flags, f.name)
		}
	}
	row("Flags:", "%s", dash(strings.Join(flags, ", ")))
	row("Route:", "%s", c.Route)
	row("Channel:", "%s, received %s (receipt date %s)", c.Channel, local(c.ReceivedAt), c.ReceiptDate)
	if cp := v.Complainant; cp != nil {
		who := dash(cp.Name)
		if cp.Email != "" {
			who += " <" + cp.Email + ">"
		}
		row("Complainant:", "%s, %s, %s", who, cp.Type, cp.Language)
		if u := v.Undeliverable; u != nil {
			row("Undeliverable:", "ONBESTELBAAR / UNDELIVERABLE since %s: %s", local(u.Since), dash(oneLine(u.Reason)))
		}
		for _, extra := range []struct{ label, value string }{
			{"Address:", cp.PostalAddress}, {"Phone:", cp.Phone}, {"Customer no.:", cp.CustomerNumber},
		} {
			if extra.value != "" {
				row(extra.label, "%s", oneLine(extra.value))
			}
		}
	}
	row("Kind:", "%s / %s (customer type %s, severity %s)", c.Kind, c.Subtype, c.CustomerType, c.Severity)
	if c.ProductRef != "" || !c.Discovered.IsZero() {
		row("Product:", "%s (discovered %s)", dash(c.ProductRef), dash(c.Discovered.String()))
	}
	if c.HandlerID != 0 {
		row("Handler:", "%s", userName(c.HandlerID))
	}
	if c.ReviewerID != 0 {
		row("Reviewer:", "%s", userName(c.ReviewerID))
	}
	if len(c.ConcernedEmployees) > 0 {
		var names []string
		for _, id := range c.ConcernedEmployees {
			names = append(names, userName(id))
		}
		row("Concerned:", "%s", strings.Join(names, ", "))
	}
	if c.Finding != "" {
		row("Finding:", "%s", c.Finding)
	}
	if c.SettlementType != "" {
		row("Settlement:", "%s: %s", c.SettlementType, dash(oneLine(c.Settlement)))
	}
	if c.ExtensionReason != "" {
		consent := ""
		if c.ExtensionConsent {
			consent = " (with the complainant's consent)"
		}
		row("Extension:", "%s%s", oneLine(c.ExtensionReason), consent)
	}
	if c.ExternalOutcome != "" {
		row("Mediator:", "%s", oneLine(c.ExternalOutcome))
	}
	if c.Subject != "" {
		row("Subject:", "%s", oneLine(c.Subject))
	}
	tw.Flush()

	if c.Description != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(c.Description))
	}
	if c.RemedySought != "" {
		fmt.Fprintf(&b, "\nRemedy sought: %s\n", oneLine(c.RemedySought))
	}

	b.WriteString("\nDeadlines:\n")
	tw = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, name := range deadlineNames {
		d := v.Deadlines[name]
		rule := d.Rule
		switch {
		case d.IsZero():
			rule = ""
		case rule == "":
			rule = "(no rule version)"
		default:
			rule = "rule " + rule
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", name, dash(d.Date.String()), rule)
	}
	tw.Flush()

	fmt.Fprintf(&b, "\nEvents (%s):\n", loc)
	tw = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, e := range v.Events {
		fields := changedFields(e)
		if note := e.EventNote(); note != "" {
			fields += ": " + oneLine(note)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", local(e.At), dash(e.Actor), e.Kind, fields)
	}
	tw.Flush()

	if len(v.Messages) > 0 {
		b.WriteString("\nMessages:\n")
		for _, msg := range v.Messages {
			var marks []string
			if msg.Auto != "" {
				marks = append(marks, msg.Auto)
			}
			if msg.Unverified {
				marks = append(marks, fmt.Sprintf("UNVERIFIED SENDER: klachtdesk message accept|split %d", msg.ID))
			}
			if d := msg.Delivery; d != nil {
				mark := "letter " + string(d.State)
				if d.Reason != "" && d.State != klachtdesk.LetterSent {
					mark += ": " + oneLine(d.Reason)
				}
				marks = append(marks, mark)
			}
			who := msg.From
			if msg.Direction == string(klachtdesk.Outbound) {
				who = "to " + msg.To
			}
			fmt.Fprintf(&b, "  #%d  %s  %s  %s  %s\n", msg.ID, local(msg.At), msg.Direction, dash(who), dash(oneLine(msg.Subject)))
			if len(marks) > 0 {
				fmt.Fprintf(&b, "    [%s]\n", strings.Join(marks, "; "))
			}
			if len(msg.Attachments) > 0 {
				fmt.Fprintf(&b, "    attachments: %s\n", strings.Join(msg.Attachments, ", "))
			}
		}
	}
	_, err := out.Write(b.Bytes())
	return err
}

// changedFields lists the fields an event changed, leaving out the
// bookkeeping every change touches.
func changedFields(e *klachtdesk.Event) string {
	if e.Kind == klachtdesk.EventCreated {
		return "(registered)"
	}
	var after map[string]json.RawMessage
	if err := json.Unmarshal(e.After, &after); err != nil {
		return ""
	}
	var names []string
	for k := range after {
		switch k {
		case "version", "updated_at", klachtdesk.EventNoteKey:
			continue
		}
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
