package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

func (a *App) showCommand() *Command {
	return &Command{
		Name:     "show",
		Synopsis: "show a complaint with its deadlines and history",
		Usage: `Usage: klachtdesk show REFERENCE [--json]

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
		DefineFlags: func(fs *flag.FlagSet) {
			fs.BoolVar(&a.opts.json, "json", false, "print one JSON object")
		},
		CheckArgs: oneArg("show", "REFERENCE"),
		Store:     StoreRead,
		Run:       a.runShow,
	}
}

// ComplaintView is what show prints as JSON.
type ComplaintView struct {
	Complaint   *klachtdesk.Complaint          `json:"complaint"`
	Complainant *klachtdesk.Complainant        `json:"complainant"`
	Deadlines   map[string]klachtdesk.Deadline `json:"deadlines"`
	Overdue     bool                           `json:"overdue"`
	Events      []*klachtdesk.Event            `json:"events"`
	Messages    []MessageView                  `json:"messages"`
	// Undeliverable is set when a letter to the complainant's address
	// bounced: staff must find another way to reach them.
	Undeliverable *UndeliverableView `json:"undeliverable,omitempty"`
}

// UndeliverableView says since when and why letters to the complainant's
// e-mail address bounce.
type UndeliverableView struct {
	Since  time.Time `json:"since"`
	Reason string    `json:"reason"`
}

// MessageView is one message as show prints it.
type MessageView struct {
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

func (a *App) runShow(ctx context.Context) error {
	ref := strings.TrimSpace(a.Args[0])
	settings, err := a.SettingsService.Settings(ctx)
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}
	c, err := a.ComplaintService.FindComplaintByReference(ctx, ref)
	if err != nil {
		return fmt.Errorf("find complaint %s: %w", ref, err)
	}
	events, err := a.ComplaintService.ComplaintEvents(ctx, ref)
	if err != nil {
		return fmt.Errorf("read events of %s: %w", ref, err)
	}
	messages, err := a.MessageService.ComplaintMessages(ctx, ref)
	if err != nil {
		return fmt.Errorf("read messages of %s: %w", ref, err)
	}
	loc := settings.Location()
	view := ComplaintView{
		Complaint:   c,
		Complainant: c.Complainant,
		Deadlines:   deadlines(c),
		Overdue:     c.IsOverdue(klachtdesk.DateOf(a.Now(), loc)),
		Events:      events,
		Messages:    []MessageView{},
	}
	if view.Events == nil {
		view.Events = []*klachtdesk.Event{}
	}
	for _, msg := range messages {
		mv := MessageView{ID: msg.ID, At: msg.At, Direction: string(msg.Direction), Channel: string(msg.Channel),
			From: msg.From, To: msg.To, Subject: msg.Subject, Text: msg.Text, Quoted: msg.Quoted, Attachments: []string{},
			MessageID: msg.MessageID, Auto: string(msg.Auto), Unverified: msg.Unverified, Delivery: msg.Delivery}
		for _, att := range msg.Attachments {
			mv.Attachments = append(mv.Attachments, att.Filename)
		}
		view.Messages = append(view.Messages, mv)
	}
	if cp := c.Complainant; cp != nil && cp.Email != "" {
		since, reason, err := a.AddressStatus.AddressStatus(ctx, cp.Email)
		if err != nil {
			return err
		}
		if !since.IsZero() {
			view.Undeliverable = &UndeliverableView{Since: since, Reason: reason}
		}
	}
	if a.opts.json {
		enc := json.NewEncoder(a.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(view)
	}
	users := map[int64]string{}
	if list, err := a.UserService.FindUsers(ctx); err == nil {
		for _, u := range list {
			users[u.ID] = u.Username
		}
	}
	return writeComplaint(a.Stdout, view, loc, users)
}

// writeComplaint prints the human-readable form of show.
func writeComplaint(out io.Writer, v ComplaintView, loc *time.Location, users map[int64]string) error {
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
			row("Undeliverable:", "ONBESTELBAAR / UNDELIVERABLE since %s: %s", local(u.Since), dash(OneLine(u.Reason)))
		}
		for _, extra := range []struct{ label, value string }{
			{"Address:", cp.PostalAddress}, {"Phone:", cp.Phone}, {"Customer no.:", cp.CustomerNumber},
		} {
			if extra.value != "" {
				row(extra.label, "%s", OneLine(extra.value))
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
		row("Settlement:", "%s: %s", c.SettlementType, dash(OneLine(c.Settlement)))
	}
	if c.ExtensionReason != "" {
		consent := ""
		if c.ExtensionConsent {
			consent = " (with the complainant's consent)"
		}
		row("Extension:", "%s%s", OneLine(c.ExtensionReason), consent)
	}
	if c.ExternalOutcome != "" {
		row("Mediator:", "%s", OneLine(c.ExternalOutcome))
	}
	if c.Subject != "" {
		row("Subject:", "%s", OneLine(c.Subject))
	}
	tw.Flush()

	if c.Description != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(c.Description))
	}
	if c.RemedySought != "" {
		fmt.Fprintf(&b, "\nRemedy sought: %s\n", OneLine(c.RemedySought))
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
			fields += ": " + OneLine(note)
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
					mark += ": " + OneLine(d.Reason)
				}
				marks = append(marks, mark)
			}
			who := msg.From
			if msg.Direction == string(klachtdesk.Outbound) {
				who = "to " + msg.To
			}
			fmt.Fprintf(&b, "  #%d  %s  %s  %s  %s\n", msg.ID, local(msg.At), msg.Direction, dash(who), dash(OneLine(msg.Subject)))
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
