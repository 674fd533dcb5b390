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
		Synopsis: hShow,
		Usage:    hShowUsage,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.BoolVar(&a.opts.json, "json", false, a.tr(fShowJSON))
		},
		CheckArgs: a.oneArg("show", "REFERENCE"),
		Store:     StoreReadOnly,
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
		return a.Errorf(mReadSettings, err)
	}
	view, err := a.complaintView(ctx, ref, settings.Location())
	if err != nil {
		return err
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
	w := &complaintWriter{a: a, loc: settings.Location(), users: users}
	return w.write(a.Stdout, view)
}

// complaintView gathers what show prints of the complaint ref; loc is the
// organisation's zone, which decides whether it is overdue today.
func (a *App) complaintView(ctx context.Context, ref string, loc *time.Location) (ComplaintView, error) {
	c, err := a.ComplaintService.FindComplaintByReference(ctx, ref)
	if err != nil {
		return ComplaintView{}, a.Errorf(mFindComplaint, ref, err)
	}
	events, err := a.ComplaintService.ComplaintEvents(ctx, ref)
	if err != nil {
		return ComplaintView{}, a.Errorf(mReadEvents, ref, err)
	}
	messages, err := a.MessageService.ComplaintMessages(ctx, ref)
	if err != nil {
		return ComplaintView{}, a.Errorf(mReadMessages, ref, err)
	}
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
			return ComplaintView{}, err
		}
		if !since.IsZero() {
			view.Undeliverable = &UndeliverableView{Since: since, Reason: reason}
		}
	}
	return view, nil
}

// complaintWriter prints the human-readable form of show: times in the
// organisation's zone loc, users by name.
type complaintWriter struct {
	a     *App
	loc   *time.Location
	users map[int64]string
	tw    *tabwriter.Writer
}

// write prints v to out: the facts, the text, the deadlines, the events
// and the messages.
func (w *complaintWriter) write(out io.Writer, v ComplaintView) error {
	var b bytes.Buffer
	w.tw = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	w.facts(v)
	w.tw.Flush()
	c := v.Complaint
	if c.Description != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(c.Description))
	}
	if c.RemedySought != "" {
		b.WriteString("\n")
		w.a.printf(&b, mRemedy, OneLine(c.RemedySought))
	}
	w.deadlines(&b, v)
	w.events(&b, v)
	w.messages(&b, v)
	_, err := out.Write(b.Bytes())
	return err
}

// row prints one labelled line of the facts.
func (w *complaintWriter) row(label *Text, format string, args ...any) {
	fmt.Fprintf(w.tw, "%s\t%s\n", w.a.Sprintf(label), fmt.Sprintf(format, args...))
}

// rowf prints one labelled line whose value is a message.
func (w *complaintWriter) rowf(label, value *Text, args ...any) {
	w.row(label, "%s", w.a.Sprintf(value, args...))
}

func (w *complaintWriter) userName(id int64) string {
	if name, ok := w.users[id]; ok {
		return name
	}
	return w.a.Sprintf(mUserN, id)
}

// local is t in the organisation's zone, to the minute.
func (w *complaintWriter) local(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(w.loc).Format("2006-01-02 15:04")
}

// facts prints the labelled lines about the complaint and the complainant.
func (w *complaintWriter) facts(v ComplaintView) {
	c := v.Complaint
	state := string(c.State)
	if c.CloseReason != "" {
		state += " (" + string(c.CloseReason) + ")"
	}
	w.row(mReference, "%s", c.Reference)
	w.row(mState, "%s", state)
	var flags []string
	for _, f := range []struct {
		on   bool
		name *Text
	}{{c.Extended, mExtended}, {c.Escalated, mEscalated}, {c.LateNotice, mLateNoticeFlag}, {c.LegalHold, mLegalHold}, {v.Overdue, mOverdue}} {
		if f.on {
			flags = append(flags, w.a.Sprintf(f.name))
		}
	}
	w.row(mFlags, "%s", dash(strings.Join(flags, ", ")))
	for _, n := range c.Warnings() {
		w.row(mWarning, "%s", n.In(w.a.domainLanguage()))
	}
	w.row(mRoute, "%s", c.Route)
	w.rowf(mChannel, mChannelValue, c.Channel, w.local(c.ReceivedAt), c.ReceiptDate)
	w.complainant(v)
	w.rowf(mKind, mKindValue, c.Kind, c.Subtype, c.CustomerType, c.Severity)
	if c.ProductRef != "" || !c.Discovered.IsZero() {
		w.rowf(mProduct, mProductValue, dash(c.ProductRef), dash(c.Discovered.String()))
	}
	w.handling(c)
}

// complainant prints the lines about the complainant.
func (w *complaintWriter) complainant(v ComplaintView) {
	cp := v.Complainant
	if cp == nil {
		return
	}
	who := dash(cp.Name)
	if cp.Email != "" {
		who += " <" + cp.Email + ">"
	}
	w.row(mComplainant, "%s, %s, %s", who, cp.Type, cp.Language)
	if u := v.Undeliverable; u != nil {
		w.rowf(mUndeliverable, mUndeliverableV, w.local(u.Since), dash(OneLine(u.Reason)))
	}
	for _, extra := range []struct {
		label *Text
		value string
	}{{mAddress, cp.PostalAddress}, {mPhone, cp.Phone}, {mCustomerNumber, cp.CustomerNumber}} {
		if extra.value != "" {
			w.row(extra.label, "%s", OneLine(extra.value))
		}
	}
}

// handling prints who handles the complaint and what was decided.
func (w *complaintWriter) handling(c *klachtdesk.Complaint) {
	if c.HandlerID != 0 {
		w.row(mHandler, "%s", w.userName(c.HandlerID))
	}
	if c.ReviewerID != 0 {
		w.row(mReviewer, "%s", w.userName(c.ReviewerID))
	}
	if len(c.ConcernedEmployees) > 0 {
		var names []string
		for _, id := range c.ConcernedEmployees {
			names = append(names, w.userName(id))
		}
		w.row(mConcernedLabel, "%s", strings.Join(names, ", "))
	}
	if c.Finding != "" {
		w.row(mFinding, "%s", c.Finding)
	}
	if c.SettlementType != "" {
		w.row(mSettlement, "%s: %s", c.SettlementType, dash(OneLine(c.Settlement)))
	}
	if c.ExtensionReason != "" {
		consent := ""
		if c.ExtensionConsent {
			consent = w.a.Sprintf(mWithConsent)
		}
		w.row(mExtension, "%s%s", OneLine(c.ExtensionReason), consent)
	}
	if c.ExternalOutcome != "" {
		w.row(mMediator, "%s", OneLine(c.ExternalOutcome))
	}
	if c.Subject != "" {
		w.row(mSubject, "%s", OneLine(c.Subject))
	}
}

// deadlines prints every deadline with the rule version that computed it.
func (w *complaintWriter) deadlines(b *bytes.Buffer, v ComplaintView) {
	fmt.Fprintf(b, "\n%s\n", w.a.Sprintf(mDeadlines))
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	for _, name := range deadlineNames {
		d := v.Deadlines[name]
		var rule string
		switch {
		case d.IsZero():
		case d.Rule == "":
			rule = w.a.Sprintf(mNoRule)
		default:
			rule = w.a.Sprintf(mRule, d.Rule)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", w.a.Sprintf(deadlineLabels[name]), dash(d.Date.String()), rule)
	}
	tw.Flush()
}

// events prints the event history, times in the organisation's zone.
func (w *complaintWriter) events(b *bytes.Buffer, v ComplaintView) {
	fmt.Fprintf(b, "\n%s\n", w.a.Sprintf(mEvents, w.loc))
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	for _, e := range v.Events {
		fields := w.a.Sprintf(mRegistered)
		if e.Kind != klachtdesk.EventCreated {
			fields = changedFields(e)
		}
		if note := e.EventNote(); note != "" {
			fields += ": " + OneLine(note)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", w.local(e.At), dash(e.Actor), e.Kind, fields)
	}
	tw.Flush()
}

// messages prints the messages, each with its marks and attachments.
func (w *complaintWriter) messages(b *bytes.Buffer, v ComplaintView) {
	if len(v.Messages) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", w.a.Sprintf(mMessages))
	for _, msg := range v.Messages {
		var marks []string
		if msg.Auto != "" {
			marks = append(marks, msg.Auto)
		}
		if msg.Unverified {
			marks = append(marks, w.a.Sprintf(mUnverified, msg.ID))
		}
		if d := msg.Delivery; d != nil {
			mark := w.a.Sprintf(mLetterState, d.State)
			if d.Reason != "" && d.State != klachtdesk.LetterSent {
				mark += ": " + OneLine(d.Reason)
			}
			marks = append(marks, mark)
			if d.State == klachtdesk.LetterFailed && d.ID != 0 {
				marks = append(marks, w.a.Sprintf(mLetterRetryHint, d.ID))
			}
		}
		who := msg.From
		if msg.Direction == string(klachtdesk.Outbound) {
			who = w.a.Sprintf(mTo, msg.To)
		}
		fmt.Fprintf(b, "  #%d  %s  %s  %s  %s\n", msg.ID, w.local(msg.At), msg.Direction, dash(who), dash(OneLine(msg.Subject)))
		if len(marks) > 0 {
			fmt.Fprintf(b, "    [%s]\n", strings.Join(marks, "; "))
		}
		if len(msg.Attachments) > 0 {
			fmt.Fprintf(b, "    %s\n", w.a.Sprintf(mAttachments, strings.Join(msg.Attachments, ", ")))
		}
	}
}

// changedFields lists the fields an event changed, leaving out the
// bookkeeping every change touches.
func changedFields(e *klachtdesk.Event) string {
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
