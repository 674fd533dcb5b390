package klachtdesk

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Env is what an action needs besides the complaint: the time, the settings
// in force and the acting user. Actions read the time only from Env.
type Env struct {
	Now      time.Time
	Settings Settings
	Actor    *User
}

// Today is the local date of Now in the organisation's zone.
func (e Env) Today() Date { return DateOf(e.Now, e.Settings.Location()) }

// Calendar returns the calendar of the settings in force.
func (e Env) Calendar() Calendar { return NewCalendar(e.Settings) }

func (e Env) actorID() int64 {
	if e.Actor == nil {
		return 0
	}
	return e.Actor.ID
}

func (e Env) deadline(d Date) Deadline { return Deadline{Date: d, Rule: e.Settings.RuleVersion()} }

// Noted is an Action that carries a reason or question worth keeping in the
// audit trail although no complaint field holds it (why a complaint was
// reopened, why a legal hold was set, what was asked).
type Noted interface {
	Action
	EventNote() string
}

// Action is one step of the procedure applied to a complaint. Apply checks the
// step's rules against c and env and changes c in place; on error the caller
// discards c. EventKind names the audit event the change is recorded as.
type Action interface {
	EventKind() string
	Apply(c *Complaint, env Env) error
}

// Register builds the record of a newly received written complaint: receipt
// date, deadlines, route, and the late-notice and no-address flags under the
// settings in env. The store supplies the reference and IDs.
func Register(n *NewComplaint, reference string, complainantID int64, env Env) (*Complaint, error) {
	if err := n.Validate(env.Now); err != nil {
		return nil, err
	}
	s, cal := env.Settings, env.Calendar()
	receipt := ReceiptDate(n.ReceivedAt, s)
	answerDue := AnswerDue(receipt, s, cal)
	concerned := slices.Clone(n.ConcernedEmployees)
	slices.Sort(concerned)
	c := &Complaint{
		Reference:          reference,
		State:              StateReceived,
		Channel:            n.Channel,
		ReceivedAt:         n.ReceivedAt.UTC(),
		ReceiptDate:        receipt,
		ProcedureVersion:   s.ProcedureVersion,
		Language:           n.Complainant.Language,
		ComplainantID:      complainantID,
		CustomerType:       n.Complainant.Type,
		Kind:               n.Kind,
		Subtype:            n.Subtype,
		Subject:            n.Subject,
		Description:        n.Description,
		RemedySought:       n.RemedySought,
		ProductRef:         n.ProductRef,
		Discovered:         n.Discovered,
		Severity:           n.Severity,
		InformalContact:    n.InformalContact,
		ConcernedEmployees: slices.Compact(concerned),
		AckDue:             env.deadline(AckDue(receipt, s, cal)),
		AnswerDue:          env.deadline(answerDue),
		ActBy:              env.deadline(ActBy(answerDue, cal)),
		Route:              RouteFor(n.Kind, n.Complainant.Type),
		Version:            1, // the "created" event is the first
		CreatedAt:          env.Now.UTC(),
		UpdatedAt:          env.Now.UTC(),
	}
	c.LateNotice = LateNoticeApplies(c, s)
	c.NoAddress = n.Complainant.Unreachable()
	return c, nil
}

// transition moves c to state to, or refuses with ETransitionNotAllowed.
func transition(c *Complaint, to State, action string) error {
	if !CanTransition(c.State, to) {
		return Errorf(ETransitionNotAllowed, "cannot %s complaint %s: it is %s", action, c.Reference, c.State)
	}
	c.State = to
	return nil
}

// requireState refuses unless c is in one of states.
func requireState(c *Complaint, action string, states ...State) error {
	if !slices.Contains(states, c.State) {
		return Errorf(ETransitionNotAllowed, "cannot %s complaint %s: it is %s", action, c.Reference, c.State)
	}
	return nil
}

// preDecision are the open states before an answer is sent.
var preDecision = []State{StateReceived, StateAcknowledged, StateInTreatment, StateAwaitingInfo}

// requireNotConcerned enforces that a concerned employee never acts on the
// complaint they are the subject of.
func requireNotConcerned(c *Complaint, env Env) error {
	if id := env.actorID(); id != 0 && c.IsConcerned(id) {
		return Errorf(EConflictOfInterest, "you are an employee concerned by complaint %s and cannot act on it", c.Reference)
	}
	return nil
}

// Acknowledge records that the acknowledgement of receipt (M1) went out.
type Acknowledge struct{}

// EventKind implements Action.
func (Acknowledge) EventKind() string { return "acknowledged" }

// Apply implements Action: received → acknowledged.
func (Acknowledge) Apply(c *Complaint, env Env) error {
	if err := transition(c, StateAcknowledged, "acknowledge"); err != nil {
		return err
	}
	c.AcknowledgedAt = env.Now.UTC()
	return nil
}

// Classify sets kind, subtype and customer type, and with them the route.
type Classify struct {
	Kind         Kind         `json:"kind"`
	Subtype      string       `json:"subtype"`
	CustomerType CustomerType `json:"customer_type"`
}

// EventKind implements Action.
func (Classify) EventKind() string { return "classified" }

// Apply implements Action: allowed before the decision.
func (a Classify) Apply(c *Complaint, env Env) error {
	if err := requireState(c, "classify", preDecision...); err != nil {
		return err
	}
	subtypes, ok := Subtypes[a.Kind]
	if !ok {
		return Errorf(EINVALID, "kind must be service or product, not %q", a.Kind)
	}
	if !slices.Contains(subtypes, a.Subtype) {
		return Errorf(EINVALID, "subtype of a %s complaint must be one of %s, not %q", a.Kind, strings.Join(subtypes, ", "), a.Subtype)
	}
	if a.CustomerType != Consumer && a.CustomerType != Business {
		return Errorf(EINVALID, "customer type must be consumer or business, not %q", a.CustomerType)
	}
	c.Kind, c.Subtype, c.CustomerType = a.Kind, a.Subtype, a.CustomerType
	c.Route = RouteFor(c.Kind, c.CustomerType)
	c.LateNotice = LateNoticeApplies(c, env.Settings)
	return nil
}

// Assign makes a staff user the complaint's handler.
type Assign struct {
	HandlerID int64 `json:"handler_id"`
}

// EventKind implements Action.
func (Assign) EventKind() string { return "assigned" }

// Apply implements Action: allowed in every open state; refused for a
// concerned employee.
func (a Assign) Apply(c *Complaint, env Env) error {
	if err := requireState(c, "assign", OpenStates...); err != nil {
		return err
	}
	if a.HandlerID <= 0 {
		return Errorf(EINVALID, "a handler must be a staff user")
	}
	if err := CheckConflict(c, a.HandlerID, c.ReviewerID); err != nil {
		return err
	}
	c.HandlerID = a.HandlerID
	return nil
}

// SetConcerned records the employees the complaint is about.
type SetConcerned struct {
	UserIDs []int64 `json:"user_ids"`
}

// EventKind implements Action.
func (SetConcerned) EventKind() string { return "concerned_set" }

// Apply implements Action: refused when it would make the handler or
// reviewer a concerned employee.
func (a SetConcerned) Apply(c *Complaint, env Env) error {
	if err := requireState(c, "change the employees concerned by", OpenStates...); err != nil {
		return err
	}
	ids := slices.Clone(a.UserIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	next := *c
	next.ConcernedEmployees = ids
	if err := CheckConflict(&next, c.HandlerID, c.ReviewerID); err != nil {
		return Errorf(EConflictOfInterest, "the handler or reviewer of complaint %s cannot be one of the employees concerned; assign someone else first", c.Reference)
	}
	if len(ids) == 0 {
		ids = nil
	}
	c.ConcernedEmployees = ids
	return nil
}

// StartTreatment takes an acknowledged complaint into treatment.
type StartTreatment struct{}

// EventKind implements Action.
func (StartTreatment) EventKind() string { return "treatment_started" }

// Apply implements Action: acknowledged → in_treatment, with a handler, and
// not for a complaint that must first go to the mediator.
func (StartTreatment) Apply(c *Complaint, env Env) error {
	if err := requireState(c, "take into treatment", StateAcknowledged); err != nil {
		return err
	}
	if c.HandlerID == 0 {
		return Errorf(EINVALID, "assign a handler to complaint %s before taking it into treatment", c.Reference)
	}
	if c.Route == RouteMediator && env.Settings.ReferralTiming == ReferOnClassification {
		return Errorf(ERouteMismatch, "complaint %s is a consumer's product complaint: refer it to %s", c.Reference, env.Settings.MediatorName)
	}
	return transition(c, StateInTreatment, "take into treatment")
}

// RequestInfo records that the complainant was asked for more information (M2).
type RequestInfo struct {
	Question string `json:"question"`
}

// EventKind implements Action.
func (RequestInfo) EventKind() string { return "info_requested" }

// EventNote implements Noted: the question asked.
func (a RequestInfo) EventNote() string { return strings.TrimSpace(a.Question) }

// Apply implements Action: in_treatment → awaiting_info. The answer term keeps
// running: asking a question is no extension.
func (a RequestInfo) Apply(c *Complaint, env Env) error {
	if err := requireState(c, "request information on", StateInTreatment); err != nil {
		return err
	}
	if strings.TrimSpace(a.Question) == "" {
		return Errorf(EINVALID, "a request for information needs the question asked")
	}
	return transition(c, StateAwaitingInfo, "request information on")
}

// ReceiveInfo records the complainant's answer to a request for information.
type ReceiveInfo struct{}

// EventKind implements Action.
func (ReceiveInfo) EventKind() string { return "info_received" }

// Apply implements Action: awaiting_info → in_treatment.
func (ReceiveInfo) Apply(c *Complaint, env Env) error {
	if err := requireState(c, "resume", StateAwaitingInfo); err != nil {
		return err
	}
	return transition(c, StateInTreatment, "resume")
}

// Extend postpones the answer to a promised date (M5).
type Extend struct {
	Extension
}

// EventKind implements Action.
func (Extend) EventKind() string { return "extended" }

// Apply implements Action: sets the extended flag under the extension rule.
func (a Extend) Apply(c *Complaint, env Env) error {
	if err := requireState(c, "extend", preDecision...); err != nil {
		return err
	}
	if err := requireNotConcerned(c, env); err != nil {
		return err
	}
	if err := CheckExtension(c, a.Extension, env.Today(), env.Settings); err != nil {
		return err
	}
	c.Extended = true
	c.ExtensionReason = strings.TrimSpace(a.Reason)
	c.ExtensionConsent = a.Consent
	c.PromisedDate = env.deadline(a.Promised)
	return nil
}

// Decide records the assessment and its settlement (M6 is sent).
type Decide struct {
	Decision
}

// EventKind implements Action.
func (Decide) EventKind() string { return "decided" }

// Apply implements Action: in_treatment → answered under the decision rule;
// starts the complainant's reaction term.
func (a Decide) Apply(c *Complaint, env Env) error {
	if err := requireState(c, "decide", StateInTreatment); err != nil {
		return err
	}
	if err := requireNotConcerned(c, env); err != nil {
		return err
	}
	if err := ValidateDecision(a.Decision); err != nil {
		return err
	}
	if err := transition(c, StateAnswered, "decide"); err != nil {
		return err
	}
	c.Finding = a.Finding
	c.Motivation = strings.TrimSpace(a.Motivation)
	c.SettlementType = a.SettlementType
	c.Settlement = strings.TrimSpace(a.Settlement)
	c.AnsweredAt = env.Now.UTC()
	c.ReactionDue = env.deadline(ReactionDue(env.Today(), env.Settings))
	return nil
}

// Reopen takes an answered (or recently closed) complaint back into
// treatment: the complainant brought new information or asked for review.
type Reopen struct {
	Reason string `json:"reason"`
	// ReviewerID, when set, is the colleague who reviews after the
	// complainant rejected the answer. The first handler stays on record, so
	// the rule "reviewer differs from the first handler" keeps holding.
	ReviewerID int64 `json:"reviewer_id,omitempty"`
}

// EventKind implements Action.
func (Reopen) EventKind() string { return "reopened" }

// EventNote implements Noted: why the complaint was reopened.
func (a Reopen) EventNote() string { return strings.TrimSpace(a.Reason) }

// Apply implements Action: answered → in_treatment, or closed (accepted or
// no response, within reopen.window_days) → in_treatment. A new answer term
// starts today under the rules in force.
func (a Reopen) Apply(c *Complaint, env Env) error {
	if strings.TrimSpace(a.Reason) == "" {
		return Errorf(EINVALID, "reopening needs a reason")
	}
	switch c.State {
	case StateAnswered:
	case StateClosed:
		if c.CloseReason != CloseAccepted && c.CloseReason != CloseNoResponse {
			return Errorf(ETransitionNotAllowed, "complaint %s was closed as %s and cannot be reopened", c.Reference, c.CloseReason)
		}
		closed := DateOf(c.ClosedAt, env.Settings.Location())
		if env.Today().After(closed.AddDays(env.Settings.ReopenWindowDays)) {
			return Errorf(ETransitionNotAllowed, "complaint %s was closed on %s, more than %d days ago: register a new complaint", c.Reference, closed, env.Settings.ReopenWindowDays)
		}
	default:
		return Errorf(ETransitionNotAllowed, "cannot reopen complaint %s: it is %s", c.Reference, c.State)
	}
	if a.ReviewerID != 0 {
		if err := CheckConflict(c, c.HandlerID, a.ReviewerID); err != nil {
			return err
		}
		c.ReviewerID = a.ReviewerID
	}
	if err := transition(c, StateInTreatment, "reopen"); err != nil {
		return err
	}
	s, cal, today := env.Settings, env.Calendar(), env.Today()
	due := AnswerDue(today, s, cal)
	c.AnswerDue, c.ActBy = env.deadline(due), env.deadline(ActBy(due, cal))
	c.Extended, c.ExtensionReason, c.ExtensionConsent, c.PromisedDate = false, "", false, Deadline{}
	c.ReactionDue, c.AnsweredAt = Deadline{}, time.Time{}
	c.ClosedAt, c.CloseReason, c.CloseNote, c.RetentionUntil = time.Time{}, "", "", Deadline{}
	c.Escalated = false
	return nil
}

// Refer sends a consumer's product complaint to the mediator (M4).
type Refer struct {
	ExternalRef string `json:"external_ref,omitempty"`
}

// EventKind implements Action.
func (Refer) EventKind() string { return "referred" }

// Apply implements Action: only on the mediator route; before the decision
// under referral timing on_classification, after it under after_decision.
func (a Refer) Apply(c *Complaint, env Env) error {
	if c.Route != RouteMediator {
		return Errorf(ERouteMismatch, "complaint %s is on the internal route: only a consumer's product complaint goes to the mediator", c.Reference)
	}
	allowed := preDecision
	if env.Settings.ReferralTiming == ReferAfterDecision {
		allowed = []State{StateAnswered}
	}
	if err := requireState(c, "refer", allowed...); err != nil {
		if env.Settings.ReferralTiming == ReferAfterDecision {
			return Errorf(ETransitionNotAllowed, "referral timing is after_decision: decide complaint %s in-house first (it is %s)", c.Reference, c.State)
		}
		return err
	}
	if err := transition(c, StateReferred, "refer"); err != nil {
		return err
	}
	c.ReferredAt = env.Now.UTC()
	c.ExternalRef = strings.TrimSpace(a.ExternalRef)
	return nil
}

// Close ends the procedure for a complaint.
type Close struct {
	Reason CloseReason `json:"reason"`
	// Detail is the inadmissibility reason (one of InadmissibleReasons) for
	// not_admissible, the mediator's outcome for external_outcome, and a
	// free note otherwise.
	Detail string `json:"detail,omitempty"`
}

// EventKind implements Action.
func (Close) EventKind() string { return "closed" }

// Apply implements Action: → closed with a reason that fits the state;
// starts the retention term.
func (a Close) Apply(c *Complaint, env Env) error {
	if !slices.Contains(closeReasonsFrom[c.State], a.Reason) {
		if len(closeReasonsFrom[c.State]) == 0 {
			return Errorf(ETransitionNotAllowed, "cannot close complaint %s: it is %s", c.Reference, c.State)
		}
		var names []string
		for _, r := range closeReasonsFrom[c.State] {
			names = append(names, string(r))
		}
		return Errorf(ETransitionNotAllowed, "a %s complaint can be closed as %s, not %q", c.State, strings.Join(names, ", "), a.Reason)
	}
	detail := strings.TrimSpace(a.Detail)
	switch a.Reason {
	case CloseNotAdmissible:
		if !slices.Contains(InadmissibleReasons, detail) {
			return Errorf(EINVALID, "not admissible needs one of the reasons %s", strings.Join(InadmissibleReasons, ", "))
		}
	case CloseExternalOutcome:
		if detail == "" {
			return Errorf(EINVALID, "record the mediator's outcome")
		}
		c.ExternalOutcome = detail
	case CloseNoResponse:
		if c.ReactionDue.IsZero() || !env.Today().After(c.ReactionDue.Date) {
			return Errorf(ETransitionNotAllowed, "complaint %s can be closed for no response only after its reaction term ends on %s", c.Reference, c.ReactionDue.Date)
		}
	case CloseReferralLapsed:
		if !env.Today().After(ReferralLapses(DateOf(c.ReferredAt, env.Settings.Location()), env.Settings)) {
			return Errorf(ETransitionNotAllowed, "the referral of complaint %s lapses only after %d months", c.Reference, env.Settings.ReferralWatchMonths)
		}
	}
	if len(detail) > maxText {
		return Errorf(EINVALID, "close note longer than %d bytes", maxText)
	}
	if err := transition(c, StateClosed, "close"); err != nil {
		return err
	}
	c.CloseReason, c.CloseNote = a.Reason, detail
	c.ClosedAt = env.Now.UTC()
	c.RetentionUntil = env.deadline(RetentionUntil(env.Today(), env.Settings))
	return nil
}

// SetLegalHold sets or lifts the legal hold, which suspends anonymisation.
type SetLegalHold struct {
	On     bool   `json:"on"`
	Reason string `json:"reason"`
}

// EventKind implements Action.
func (SetLegalHold) EventKind() string { return "legal_hold_set" }

// EventNote implements Noted: why the hold was set or lifted.
func (a SetLegalHold) EventNote() string { return strings.TrimSpace(a.Reason) }

// Apply implements Action: allowed until anonymised.
func (a SetLegalHold) Apply(c *Complaint, env Env) error {
	if c.State == StateAnonymised {
		return Errorf(ETransitionNotAllowed, "complaint %s is anonymised", c.Reference)
	}
	if strings.TrimSpace(a.Reason) == "" {
		return Errorf(EINVALID, "setting or lifting a legal hold needs a reason")
	}
	if c.LegalHold == a.On {
		return Errorf(ECONFLICT, "legal hold of complaint %s is already %v", c.Reference, a.On)
	}
	c.LegalHold = a.On
	return nil
}

// Escalate flags an open complaint that is near or past its deadline.
type Escalate struct{}

// EventKind implements Action.
func (Escalate) EventKind() string { return "escalated" }

// Apply implements Action: only before the decision.
func (Escalate) Apply(c *Complaint, env Env) error {
	if err := requireState(c, "escalate", preDecision...); err != nil {
		return err
	}
	c.Escalated = true
	return nil
}

// Anonymise removes the personal data of a closed complaint whose retention
// term has ended, keeping what the statistics need.
type Anonymise struct{}

// EventKind implements Action.
func (Anonymise) EventKind() string { return "anonymised" }

// Apply implements Action: closed → anonymised, never under legal hold.
func (Anonymise) Apply(c *Complaint, env Env) error {
	if c.LegalHold {
		return Errorf(ELegalHold, "complaint %s is under legal hold", c.Reference)
	}
	if c.State == StateClosed && env.Today().Before(c.RetentionUntil.Date) {
		return Errorf(ERetentionNotReached, "complaint %s is kept until %s", c.Reference, c.RetentionUntil.Date)
	}
	if err := transition(c, StateAnonymised, "anonymise"); err != nil {
		return err
	}
	c.Subject, c.Description, c.RemedySought, c.ProductRef = "", "", "", ""
	c.InformalContact, c.Motivation, c.Settlement, c.CloseNote = "", "", "", ""
	c.ExtensionReason, c.ExternalRef, c.ExternalOutcome, c.RootCause = "", "", "", ""
	c.ConcernedEmployees = nil
	c.AnonymisedAt = env.Now.UTC()
	return nil
}

// RecordRootCause records the underlying cause found, for the quarterly
// analysis (ISO 10002 clause 8).
type RecordRootCause struct {
	RootCause string `json:"root_cause"`
}

// EventKind implements Action.
func (RecordRootCause) EventKind() string { return "root_cause_recorded" }

// Apply implements Action: allowed until anonymised.
func (a RecordRootCause) Apply(c *Complaint, env Env) error {
	if c.State == StateAnonymised {
		return Errorf(ETransitionNotAllowed, "complaint %s is anonymised", c.Reference)
	}
	if err := requireNotConcerned(c, env); err != nil {
		return err
	}
	text := strings.TrimSpace(a.RootCause)
	if text == "" || len(text) > 10_000 || !utf8.ValidString(text) {
		return Errorf(EINVALID, "a root cause is text of 1 to 10000 bytes")
	}
	c.RootCause = text
	return nil
}

// RecordSatisfaction records the complainant's satisfaction with the
// handling (M8 survey), 1 (very dissatisfied) to 5 (very satisfied).
type RecordSatisfaction struct {
	Score int `json:"score"`
}

// EventKind implements Action.
func (RecordSatisfaction) EventKind() string { return "satisfaction_recorded" }

// Apply implements Action: only once the complaint was answered or closed.
func (a RecordSatisfaction) Apply(c *Complaint, env Env) error {
	if err := requireState(c, "record satisfaction on", StateAnswered, StateReferred, StateClosed); err != nil {
		return err
	}
	if a.Score < 1 || a.Score > 5 {
		return Errorf(EINVALID, "satisfaction is a score from 1 to 5, not %d", a.Score)
	}
	c.Satisfaction = a.Score
	return nil
}
