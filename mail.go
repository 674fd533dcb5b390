package klachtdesk

import (
	"context"
	"strings"
	"time"
)

// Address is a mail address with its display name.
type Address struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

// String renders the address as "Name <email>" or just the e-mail address.
func (a Address) String() string {
	if a.Name == "" {
		return a.Email
	}
	return a.Name + " <" + a.Email + ">"
}

// AutoKind says whether a mail was written by a machine.
type AutoKind string

// Kinds of machine-written mail. Neither ever creates a complaint or triggers
// a letter.
const (
	NotAuto   AutoKind = ""
	AutoReply AutoKind = "auto_reply" // vacation and other auto-responders, lists, bulk
	Bounce    AutoKind = "bounce"     // delivery status notifications
)

// MailPart is an attachment or inline part of a received mail.
type MailPart struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	ContentID   string `json:"content_id,omitempty"`
	Inline      bool   `json:"inline,omitempty"`
	Content     []byte `json:"-"`
}

// InboundMail is a received mail as the mail parser reads it: everything
// intake needs to decide where it belongs, without library types. Every text
// field is clean by CleanText (the bodies and HTML) or CleanLine (the rest).
type InboundMail struct {
	// MessageID is the Message-ID header without angle brackets, or "".
	MessageID  string
	InReplyTo  []string // Message-IDs, without angle brackets
	References []string // Message-IDs, without angle brackets
	From       Address
	// ReturnPath is the envelope sender from the Return-Path header, ""
	// when absent; NullSender is true for "<>", the return path of
	// delivery reports.
	ReturnPath string
	NullSender bool
	To         []Address
	Subject    string
	Date       time.Time // the Date header, zero when absent or unreadable

	// Text is the whole plain text (derived from the HTML for HTML-only
	// mail); NewText is the part written for this mail, without the quoted
	// history and signature, which are in Quoted.
	Text    string
	NewText string
	Quoted  string
	// HTML is the sanitised HTML body, "" when the mail had none.
	HTML        string
	Attachments []MailPart

	Auto       AutoKind
	AutoReason string // the header or sign that made it automatic
	// BounceOf lists the Message-IDs of the original mail a delivery report
	// is about; BouncedRecipients the addresses that failed.
	BounceOf          []string
	BouncedRecipients []string

	// Forwarded is the original sender of a forwarded mail when it could be
	// read reliably (a colleague forwards the customer's complaint), else nil.
	Forwarded *Address
	// Language is the language the text is written in: English only when
	// that is clear, else Dutch.
	Language Language
	// Degraded lists what the parser could not read; the text is then the
	// best that could be recovered, and the raw message is always kept.
	Degraded []string
	// Fingerprint identifies the message independently of trace headers
	// added in transit (Received, Return-Path, Delivered-To): SHA-256 hex
	// over Message-ID, From, Date, Subject and the body. Intake's
	// idempotency key.
	Fingerprint string
}

// Outcome is what intake did with a mail.
type Outcome string

// Intake outcomes, as `klachtdesk import --json` prints them.
const (
	OutcomeNew       Outcome = "new"        // registered as a new complaint
	OutcomeReply     Outcome = "reply"      // added to an existing complaint
	OutcomeAutoReply Outcome = "auto_reply" // machine-written; recorded, no complaint, no letter
	OutcomeBounce    Outcome = "bounce"     // delivery report; attached to the letter's complaint when known
	OutcomeDuplicate Outcome = "duplicate"  // taken before: nothing new written
	OutcomeRejected  Outcome = "rejected"   // kept in quarantine with the reason (own address, no sender, …)
	OutcomeError     Outcome = "error"      // could not be read or stored; the source keeps it
)

// IntakeResult is the outcome of taking one mail.
type IntakeResult struct {
	Outcome   Outcome `json:"outcome"`
	Reference string  `json:"reference,omitempty"`
	Reason    string  `json:"reason,omitempty"`
	// Unverified is set on a reply matched only by the reference in its
	// subject, from an address that is not the complainant's.
	Unverified bool `json:"unverified,omitempty"`
}

// IncomingMail is one received mail handed to intake: where it came from,
// when it arrived, its raw bytes and what the parser read from them.
type IncomingMail struct {
	Source     string
	ReceivedAt time.Time
	Raw        []byte
	Mail       *InboundMail
}

// IntakeService registers received mail. TakeMails stores each mail's raw
// bytes (content-addressed) and everything that follows from it (complaint,
// message, attachments, events, the acknowledgement in the outbox) in one
// durable transaction, all or none; when it returns without error the
// sources may be told the mails were taken. Taking a mail again returns
// OutcomeDuplicate.
type IntakeService interface {
	TakeMails(ctx context.Context, in []IncomingMail) ([]*IntakeResult, error)
	// Quarantine keeps a mail that could not be processed, with the
	// reason, so that its source can let go of it.
	Quarantine(ctx context.Context, in IncomingMail, reason string) error
	// Taken reports whether the mail with this fingerprint was taken.
	Taken(ctx context.Context, fingerprint string) (bool, error)
	// MailboxState returns the UIDVALIDITY and highest UID taken from an
	// IMAP mailbox (zeros for a new one); SetMailboxState records them.
	MailboxState(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error)
	SetMailboxState(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error
}

// QuarantinedMail is a mail intake kept without registering it: refused
// (rejected: our own address, no sender, …) or impossible to process (error).
// Its raw bytes stay in the blob store under RawSHA256, so that an operator
// can look at it and, once the cause is fixed, import it again elsewhere or
// register it by hand.
type QuarantinedMail struct {
	ID         int64     `json:"id"`
	Outcome    Outcome   `json:"outcome"`
	Reason     string    `json:"reason"`
	Source     string    `json:"source"`
	From       string    `json:"from"`
	Subject    string    `json:"subject"`
	MessageID  string    `json:"message_id"`
	ReceivedAt time.Time `json:"received_at"`
	TakenAt    time.Time `json:"taken_at"`
	RawSHA256  string    `json:"raw_sha256"`
}

// NoReplyAddress reports whether an address is of the kind no automatic
// letter may go to: no-reply, mailer-daemon, postmaster and bounce
// addresses, in English and Dutch spellings.
func NoReplyAddress(email string) bool {
	local, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	local, _, _ = strings.Cut(local, "+") // sub-addressing: noreply+abc@
	local = strings.NewReplacer("-", "", "_", "", ".", "").Replace(local)
	for _, p := range []string{"noreply", "donotreply", "dontreply", "mailerdaemon", "autoreply", "autoresponder", "geenantwoord", "nietbeantwoorden", "nietantwoorden"} {
		if strings.Contains(local, p) {
			return true
		}
	}
	return local == "postmaster" || strings.HasPrefix(local, "bounce")
}
