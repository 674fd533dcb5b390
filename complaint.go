package klachtdesk

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Channel is how a written complaint arrived. Only written channels exist:
// a phone call is informal contact, never a complaint.
type Channel string

// Channels.
const (
	ChannelEmail   Channel = "email"
	ChannelLetter  Channel = "letter"
	ChannelWebform Channel = "webform"
)

// Channels lists the valid channels.
var Channels = []Channel{ChannelEmail, ChannelLetter, ChannelWebform}

// CustomerType distinguishes consumers from business customers: only a
// consumer's product complaint goes to the mediator.
type CustomerType string

// Customer types.
const (
	Consumer CustomerType = "consumer"
	Business CustomerType = "business"
)

// Language of the complainant and of the letters sent to them.
type Language string

// Languages.
const (
	LanguageDutch   Language = "nl"
	LanguageEnglish Language = "en"
)

// Kind says what the complaint is about: the service or a delivered product.
type Kind string

// Kinds.
const (
	KindService Kind = "service"
	KindProduct Kind = "product"
)

// Subtypes lists the subtypes of each kind, in display order.
var Subtypes = map[Kind][]string{
	KindService: {"reachability", "information", "communication", "conduct", "other"},
	KindProduct: {"defect", "delivery", "warranty_repair", "software", "other"},
}

// Route is who handles the complaint to the end.
type Route string

// Routes.
const (
	RouteInternal Route = "internal"
	RouteMediator Route = "mediator"
)

// Finding is the outcome of the assessment (beoordeling).
type Finding string

// Findings.
const (
	FindingFounded       Finding = "founded"
	FindingPartlyFounded Finding = "partly_founded"
	FindingUnfounded     Finding = "unfounded"
)

// Severity helps staff order their work; it changes no deadline.
type Severity string

// Severities.
const (
	SeverityLow    Severity = "low"
	SeverityNormal Severity = "normal"
	SeverityHigh   Severity = "high"
)

// CloseReason says why a complaint was closed.
type CloseReason string

// Close reasons.
const (
	CloseAccepted        CloseReason = "accepted"
	CloseNoResponse      CloseReason = "no_response"
	CloseExternalOutcome CloseReason = "external_outcome"
	CloseReferralLapsed  CloseReason = "referral_lapsed"
	CloseNotAdmissible   CloseReason = "not_admissible"
	CloseWithdrawn       CloseReason = "withdrawn"
)

// InadmissibleReasons are the reasons a written message is not taken into
// treatment (niet-ontvankelijk).
var InadmissibleReasons = []string{"not_a_complaint", "spam", "duplicate", "out_of_scope"}

// Complainant is the person or organisation that complains.
type Complainant struct {
	ID             int64        `json:"id"`
	Name           string       `json:"name"`
	Email          string       `json:"email,omitempty"`
	PostalAddress  string       `json:"postal_address,omitempty"`
	Phone          string       `json:"phone,omitempty"`
	CustomerNumber string       `json:"customer_number,omitempty"`
	Type           CustomerType `json:"type"`
	Language       Language     `json:"language"`
}

// Validate returns an EINVALID error naming the first problem. It cleans
// the contact data first (CleanLine, or CleanText for the postal address,
// and trimmed), so that what is stored is what was checked. A complainant
// needs a name; one without an e-mail or postal address is valid (see
// Unreachable).
func (c *Complainant) Validate() error {
	fields := []struct {
		nl, en, json string
		v            *string
		multiline    bool
	}{
		{"naam", "name", "complainant.name", &c.Name, false},
		{"e-mailadres", "e-mail address", "complainant.email", &c.Email, false},
		{"postadres", "postal address", "complainant.postal_address", &c.PostalAddress, true},
		{"telefoon", "phone", "complainant.phone", &c.Phone, false},
		{"klantnummer", "customer number", "complainant.customer_number", &c.CustomerNumber, false},
	}
	for _, f := range fields {
		if !utf8.ValidString(*f.v) || len(*f.v) > 1000 {
			return Errorf(EINVALID, "klager, %s (%s): geen geldige tekst van hoogstens 1000 bytes / complainant, %s (%s): not valid text of at most 1000 bytes",
				f.nl, f.json, f.en, f.json)
		}
		if f.multiline {
			*f.v = strings.TrimSpace(CleanText(*f.v))
		} else {
			*f.v = strings.TrimSpace(CleanLine(*f.v))
		}
	}
	switch {
	case c.Name == "":
		return Errorf(EINVALID, "klager, naam (complainant.name): vul de naam van de klager in / complainant, name (complainant.name): the complainant's name is required")
	case c.Type != Consumer && c.Type != Business:
		return Errorf(EINVALID, "complainant type must be consumer or business, not %q", c.Type)
	case c.Language != LanguageDutch && c.Language != LanguageEnglish:
		return Errorf(EINVALID, "language must be nl or en, not %q", c.Language)
	case c.Email != "" && !strings.Contains(c.Email, "@"):
		return Errorf(EINVALID, "%q is not an e-mail address", c.Email)
	}
	return nil
}

// Unreachable reports whether the complainant has neither an e-mail nor a
// postal address: nobody could send them an answer. Such a complaint is
// registered all the same, with the NoAddress warning.
func (c *Complainant) Unreachable() bool {
	return strings.TrimSpace(c.Email) == "" && strings.TrimSpace(c.PostalAddress) == ""
}

// Deadline is a due date and the rule version that computed it. A settings
// change never moves a stored deadline; only an explicit event recomputes.
type Deadline struct {
	Date Date   `json:"date"`
	Rule string `json:"rule,omitempty"`
}

// IsZero reports whether the deadline is unset.
func (d Deadline) IsZero() bool { return d.Date.IsZero() }

// Complaint is one written expression of dissatisfaction that needs an answer.
// Every written complaint is registered, founded or not.
type Complaint struct {
	ID               int64     `json:"id"`
	Reference        string    `json:"reference"`
	State            State     `json:"state"`
	Channel          Channel   `json:"channel"`
	ReceivedAt       time.Time `json:"received_at"`
	ReceiptDate      Date      `json:"receipt_date"`
	ProcedureVersion string    `json:"procedure_version"`
	Language         Language  `json:"language"`

	ComplainantID int64        `json:"complainant_id"`
	Complainant   *Complainant `json:"-"` // loaded by the store, not part of the complaint's own record
	// CustomerType is the complainant's type as assessed for this complaint;
	// with Kind it decides the route.
	CustomerType CustomerType `json:"customer_type"`

	Kind         Kind     `json:"kind"`
	Subtype      string   `json:"subtype"`
	Subject      string   `json:"subject,omitempty"`
	Description  string   `json:"description"`
	RemedySought string   `json:"remedy_sought,omitempty"`
	ProductRef   string   `json:"product_ref,omitempty"`
	Discovered   Date     `json:"discovered,omitempty"`
	Severity     Severity `json:"severity"`

	InformalContact    string  `json:"informal_contact,omitempty"`
	ConcernedEmployees []int64 `json:"concerned_employees,omitempty"`
	HandlerID          int64   `json:"handler_id,omitempty"`
	ReviewerID         int64   `json:"reviewer_id,omitempty"`

	Finding        Finding `json:"finding,omitempty"`
	Motivation     string  `json:"motivation,omitempty"`
	SettlementType string  `json:"settlement_type,omitempty"`
	Settlement     string  `json:"settlement,omitempty"`
	RootCause      string  `json:"root_cause,omitempty"`
	Satisfaction   int     `json:"satisfaction,omitempty"`

	AckDue       Deadline `json:"ack_due"`
	AnswerDue    Deadline `json:"answer_due"`
	ActBy        Deadline `json:"act_by"`
	PromisedDate Deadline `json:"promised_date"`
	ReactionDue  Deadline `json:"reaction_due"`

	Extended         bool   `json:"extended,omitempty"`
	ExtensionReason  string `json:"extension_reason,omitempty"`
	ExtensionConsent bool   `json:"extension_consent,omitempty"`
	Escalated        bool   `json:"escalated,omitempty"`
	LateNotice       bool   `json:"late_notice,omitempty"`
	// NoAddress is set when the complainant gave neither an e-mail nor a
	// postal address: the complaint is registered, but staff must find an
	// address before anyone can answer it (see Warnings).
	NoAddress bool `json:"no_address,omitempty"`
	LegalHold bool `json:"legal_hold,omitempty"`

	Route           Route     `json:"route"`
	ReferredAt      time.Time `json:"referred_at,omitzero"`
	ExternalRef     string    `json:"external_ref,omitempty"`
	ExternalOutcome string    `json:"external_outcome,omitempty"`

	AcknowledgedAt time.Time   `json:"acknowledged_at,omitzero"`
	AnsweredAt     time.Time   `json:"answered_at,omitzero"`
	ClosedAt       time.Time   `json:"closed_at,omitzero"`
	CloseReason    CloseReason `json:"close_reason,omitempty"`
	CloseNote      string      `json:"close_note,omitempty"`
	RetentionUntil Deadline    `json:"retention_until,omitzero"`
	AnonymisedAt   time.Time   `json:"anonymised_at,omitzero"`

	// LetterFailed is set by the store's register query (FindComplaints)
	// when a letter of the complaint failed for good and waits for staff
	// (klachtdesk letter retry): a flag of the register, not part of the
	// complaint's own record.
	LetterFailed bool `json:"-"`

	// Version counts the events of the complaint; the store uses it for
	// optimistic concurrency.
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// IsOpen reports whether the complaint still needs work: not closed nor
// anonymised.
func (c *Complaint) IsOpen() bool { return c.State != StateClosed && c.State != StateAnonymised }

// IsConcerned reports whether user id is one of the employees the complaint
// is about.
func (c *Complaint) IsConcerned(id int64) bool { return slices.Contains(c.ConcernedEmployees, id) }

// EffectiveDue is the date by which the complaint must be answered: the
// promised date when extended, answer_due otherwise.
func (c *Complaint) EffectiveDue() Date {
	if c.Extended && !c.PromisedDate.IsZero() {
		return c.PromisedDate.Date
	}
	return c.AnswerDue.Date
}

// AwaitsAnswer reports whether the organisation still owes the complainant
// an answer: the complaint is open and neither answered nor referred.
func (c *Complaint) AwaitsAnswer() bool { return slices.Contains(preDecision, c.State) }

// IsOverdue reports whether the complaint is past its (possibly extended) due
// date on local date today and not yet answered or closed.
func (c *Complaint) IsOverdue(today Date) bool {
	due := c.EffectiveDue()
	return c.AwaitsAnswer() && !due.IsZero() && today.After(due)
}

// NewComplaint is what registering a written complaint needs.
type NewComplaint struct {
	Channel      Channel     `json:"channel"`
	ReceivedAt   time.Time   `json:"received_at"`
	Complainant  Complainant `json:"complainant"`
	Kind         Kind        `json:"kind"`
	Subtype      string      `json:"subtype"`
	Subject      string      `json:"subject,omitempty"`
	Description  string      `json:"description"`
	RemedySought string      `json:"remedy_sought,omitempty"`
	ProductRef   string      `json:"product_ref,omitempty"`
	Discovered   Date        `json:"discovered,omitzero"`
	Severity     Severity    `json:"severity,omitempty"`
	// InformalContact records step 1 (the customer first tried the employee
	// involved), if known.
	InformalContact    string  `json:"informal_contact,omitempty"`
	ConcernedEmployees []int64 `json:"concerned_employees,omitempty"`
}

// maxText bounds free text fields: a complaint is a letter, not a book.
const maxText = 200_000

// Validate checks a new complaint and returns an EINVALID or ENotWritten
// error naming the first problem. It fills defaults (severity, subtype).
func (n *NewComplaint) Validate(now time.Time) error {
	if !slices.Contains(Channels, n.Channel) {
		if n.Channel == "phone" || n.Channel == "telephone" || n.Channel == "in_person" {
			return Errorf(ENotWritten, "a complaint must be written (e-mail, letter or web form); record a %s call as informal contact", n.Channel)
		}
		return Errorf(EINVALID, "channel must be one of email, letter, webform, not %q", n.Channel)
	}
	if err := CheckReceivedAt(n.ReceivedAt, now); err != nil {
		return err
	}
	if err := n.Complainant.Validate(); err != nil {
		return err
	}
	subtypes, ok := Subtypes[n.Kind]
	if !ok {
		return Errorf(EINVALID, "kind must be service or product, not %q", n.Kind)
	}
	if n.Subtype == "" {
		n.Subtype = "other"
	}
	if !slices.Contains(subtypes, n.Subtype) {
		return Errorf(EINVALID, "subtype of a %s complaint must be one of %s, not %q", n.Kind, strings.Join(subtypes, ", "), n.Subtype)
	}
	if err := n.cleanText(); err != nil {
		return err
	}
	if strings.TrimSpace(n.Description) == "" {
		return Errorf(EINVALID, "the complaint text is empty")
	}
	switch n.Severity {
	case "":
		n.Severity = SeverityNormal
	case SeverityLow, SeverityNormal, SeverityHigh:
	default:
		return Errorf(EINVALID, "severity must be low, normal or high, not %q", n.Severity)
	}
	if !n.Discovered.IsZero() && n.Discovered.After(DateOf(n.ReceivedAt, time.UTC).AddDays(1)) {
		return Errorf(EINVALID, "discovery date %s lies after the complaint was received", n.Discovered)
	}
	return nil
}

// cleanText refuses a free-text field that is not valid UTF-8 or longer
// than maxText, and applies the cleaning rule to the others: CleanLine
// (trimmed) to the one-line fields, CleanText to those of several lines.
func (n *NewComplaint) cleanText() error {
	for _, f := range []struct {
		nl, en, json string
		v            *string
		multiline    bool
	}{
		{"omschrijving", "description", "description", &n.Description, true},
		{"onderwerp", "subject", "subject", &n.Subject, false},
		{"gewenste oplossing", "remedy sought", "remedy_sought", &n.RemedySought, true},
		{"productreferentie", "product reference", "product_ref", &n.ProductRef, false},
		{"informeel contact", "informal contact", "informal_contact", &n.InformalContact, true},
	} {
		if !utf8.ValidString(*f.v) || len(*f.v) > maxText {
			return Errorf(EINVALID, "%s (%s): geen geldige tekst van hoogstens %d bytes / %s (%s): not valid text of at most %d bytes",
				f.nl, f.json, maxText, f.en, f.json, maxText)
		}
		if f.multiline {
			*f.v = CleanText(*f.v)
		} else {
			*f.v = strings.TrimSpace(CleanLine(*f.v))
		}
	}
	return nil
}

// ComplaintFilter selects complaints. Zero fields do not filter.
type ComplaintFilter struct {
	Reference   string
	State       State
	Open        *bool
	HandlerID   int64
	Email       string
	ReceivedGTE time.Time
	ReceivedLT  time.Time
	Offset      int
	Limit       int
}

// ComplaintService registers complaints and carries them through the
// procedure. Every change is written together with its audit event in one
// transaction. Implementations check access where the data is read: the
// user in ctx never sees a complaint they are a concerned employee of
// (ENOTFOUND, as if it did not exist). Every method returns EUNAUTHORIZED
// when the acting user is inactive, and every method that writes returns
// EFORBIDDEN for a viewer.
type ComplaintService interface {
	// CreateComplaint registers a written complaint: it computes its
	// reference, receipt date, deadlines and route, and writes the "created"
	// event. Returns EINVALID or ENotWritten for bad input, and ECONFLICT
	// when the reference is taken.
	CreateComplaint(ctx context.Context, n *NewComplaint) (*Complaint, error)

	// CreateComplaints registers several complaints in one transaction: all
	// or none. Intake uses it to batch commits. Errors as CreateComplaint.
	CreateComplaints(ctx context.Context, ns []*NewComplaint) ([]*Complaint, error)

	// FindComplaintByReference returns ENOTFOUND if the complaint does not
	// exist or the user may not see it.
	FindComplaintByReference(ctx context.Context, reference string) (*Complaint, error)

	// FindComplaints returns a page of complaints and the total count.
	// Returns EINVALID for a negative limit or offset.
	FindComplaints(ctx context.Context, filter ComplaintFilter) ([]*Complaint, int, error)

	// Act applies one action of the procedure to the complaint with the given
	// reference, under the current settings and time, and writes the change
	// and its event. It returns the changed complaint, or the action's error
	// with nothing written: a procedure code (ETransitionNotAllowed,
	// EExtensionTooLate, EConflictOfInterest, …) or EINVALID; ENOTFOUND
	// for an unknown or hidden complaint, and ECONFLICT when someone else
	// changed it meanwhile.
	Act(ctx context.Context, reference string, action Action) (*Complaint, error)

	// ComplaintEvents returns the audit events of a complaint, oldest first.
	// Returns ENOTFOUND for an unknown or hidden complaint.
	ComplaintEvents(ctx context.Context, reference string) ([]*Event, error)
}
