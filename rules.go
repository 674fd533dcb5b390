package klachtdesk

import (
	"slices"
	"strings"
)

// RouteFor is the route rule: a consumer's complaint about a delivered product
// goes to the independent mediator; everything else is handled in-house to
// the end.
func RouteFor(kind Kind, ct CustomerType) Route {
	if kind == KindProduct && ct == Consumer {
		return RouteMediator
	}
	return RouteInternal
}

// CheckConflict is the conflict-of-interest rule: an employee the complaint is
// about can never be its handler or reviewer, and a reviewer after rejection
// must differ from the first handler.
func CheckConflict(c *Complaint, handlerID, reviewerID int64) error {
	if handlerID != 0 && c.IsConcerned(handlerID) {
		return Errorf(EConflictOfInterest, "user %d is an employee concerned by complaint %s and cannot handle it", handlerID, c.Reference)
	}
	if reviewerID != 0 {
		if c.IsConcerned(reviewerID) {
			return Errorf(EConflictOfInterest, "user %d is an employee concerned by complaint %s and cannot review it", reviewerID, c.Reference)
		}
		if reviewerID == handlerID {
			return Errorf(EConflictOfInterest, "the reviewer of complaint %s must differ from its first handler", c.Reference)
		}
	}
	return nil
}

// Decision is the outcome of the assessment, as sent in the decision letter.
type Decision struct {
	Finding        Finding `json:"finding"`
	Motivation     string  `json:"motivation"`
	SettlementType string  `json:"settlement_type,omitempty"`
	Settlement     string  `json:"settlement,omitempty"`
}

// SettlementTypes are the kinds of settlement (afwikkeling) offered.
var SettlementTypes = []string{"apology", "repair", "replacement", "refund", "compensation", "service_credit", "process_change", "other"}

// ValidateDecision is the decision rule: every decision has a finding and a
// motivation (every decision letter is reasoned); founded and partly founded
// need a settlement.
func ValidateDecision(d Decision) error {
	switch d.Finding {
	case FindingFounded, FindingPartlyFounded, FindingUnfounded:
	case "":
		return Errorf(EDecisionIncomplete, "a decision needs a finding: founded, partly_founded or unfounded")
	default:
		return Errorf(EINVALID, "finding must be founded, partly_founded or unfounded, not %q", d.Finding)
	}
	if strings.TrimSpace(d.Motivation) == "" {
		return Errorf(EDecisionIncomplete, "a decision needs a motivation: every decision letter is reasoned")
	}
	if d.Finding != FindingUnfounded {
		if strings.TrimSpace(d.Settlement) == "" || d.SettlementType == "" {
			return Errorf(EDecisionIncomplete, "a %s complaint needs a settlement: its type and how it will be settled", d.Finding)
		}
	}
	if d.SettlementType != "" && !slices.Contains(SettlementTypes, d.SettlementType) {
		return Errorf(EINVALID, "settlement type must be one of %s, not %q", strings.Join(SettlementTypes, ", "), d.SettlementType)
	}
	if len(d.Motivation) > maxText || len(d.Settlement) > maxText {
		return Errorf(EINVALID, "motivation or settlement longer than %d bytes", maxText)
	}
	return nil
}

// Extension is a request for more time to answer (uitstel).
type Extension struct {
	Reason   string `json:"reason"`
	Promised Date   `json:"promised"`
	Consent  bool   `json:"consent"` // the complainant agreed to a later date
}

// CheckExtension is the extension rule: allowed only while today ≤ answer_due
// (the complainant must hear within the term), with a reason and a promised
// date after answer_due and at most extension.max_days past it unless the
// complainant's consent is recorded.
func CheckExtension(c *Complaint, x Extension, today Date, s Settings) error {
	if today.After(c.AnswerDue.Date) {
		return Errorf(EExtensionTooLate, "complaint %s was due on %s: an extension must be announced within the answer term", c.Reference, c.AnswerDue.Date)
	}
	if strings.TrimSpace(x.Reason) == "" {
		return Errorf(EINVALID, "an extension needs a reason")
	}
	if x.Promised.IsZero() {
		return Errorf(EINVALID, "an extension needs a promised date")
	}
	if !x.Promised.After(c.AnswerDue.Date) || x.Promised.Before(today) {
		return Errorf(EINVALID, "the promised date %s must lie after answer due %s", x.Promised, c.AnswerDue.Date)
	}
	if limit := ExtensionLimit(c.AnswerDue.Date, s); x.Promised.After(limit) && !x.Consent {
		return Errorf(EExtensionTooLong, "the promised date %s lies more than %d days after answer due %s; record the complainant's consent or promise %s or earlier", x.Promised, s.ExtensionMaxDays, c.AnswerDue.Date, limit)
	}
	return nil
}

// LateNoticeApplies is the BW 7:23 warning: a consumer who reports a product
// defect more than late_notice.months after discovering it may have lost
// rights. Klachtdesk warns, never refuses.
func LateNoticeApplies(c *Complaint, s Settings) bool {
	return c.Kind == KindProduct && c.Subtype == "defect" && c.CustomerType == Consumer &&
		IsLateNotice(c.Discovered, c.ReceiptDate, s)
}

// EscalationLevel says how urgently a complaint needs attention beyond its
// handler.
type EscalationLevel int

// Escalation levels.
const (
	EscalationNone    EscalationLevel = iota
	EscalationNearDue                 // escalate.working_days before act_by, not answered nor extended
	EscalationOverdue                 // past answer_due (or the promised date when extended)
)

// String returns the level's code name.
func (l EscalationLevel) String() string {
	switch l {
	case EscalationNearDue:
		return "near_due"
	case EscalationOverdue:
		return "overdue"
	}
	return "none"
}

// EscalationFor is the escalation rule: a complaint that is neither answered
// nor extended is escalated escalate.working_days working days before its
// act_by date, and any complaint again once it is overdue. Answered, referred
// and closed complaints are never escalated.
func EscalationFor(c *Complaint, today Date, s Settings, cal Calendar) EscalationLevel {
	if !c.AwaitsAnswer() {
		return EscalationNone
	}
	if c.IsOverdue(today) {
		return EscalationOverdue
	}
	if on := EscalateOn(c.ActBy.Date, s, cal); !c.Extended && !on.IsZero() && !today.Before(on) {
		return EscalationNearDue
	}
	return EscalationNone
}
