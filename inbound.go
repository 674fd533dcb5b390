package klachtdesk

import (
	"context"
	"io"
	"time"
)

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
//
// TakeMails and Quarantine write: they return EFORBIDDEN for a viewer and
// EUNAUTHORIZED when the acting user is inactive.
type IntakeService interface {
	// TakeMails takes the mails in order and returns their outcomes in the
	// same order. A mail intake refuses (our own address, no sender) is an
	// OutcomeRejected result, not an error. Returns EINVALID when a mail
	// is not parsed or has no fingerprint; any other error means nothing
	// was taken.
	TakeMails(ctx context.Context, in []IncomingMail) ([]*IntakeResult, error)

	// Quarantine keeps a mail that could not be processed, with the
	// reason, so that its source can let go of it and the mails behind it
	// are not blocked. in.Mail may be nil (the mail could not be parsed).
	Quarantine(ctx context.Context, in IncomingMail, reason string) error

	// Taken reports whether the mail with this fingerprint was taken, so
	// that a source read again can skip parsing it.
	Taken(ctx context.Context, fingerprint string) (bool, error)
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

// QuarantineService shows an administrator the mails intake kept aside
// (OutcomeRejected and OutcomeError) and takes them through intake again
// once the cause is fixed. The mails were never assigned to a complaint, so
// the conflict rule cannot guard them: every method returns EFORBIDDEN for
// a user who is not an administrator (and EUNAUTHORIZED for an inactive
// one).
type QuarantineService interface {
	// QuarantinedMails returns the mails in quarantine, newest first, at
	// most limit (all when limit is 0). Returns EINVALID for a negative
	// limit.
	QuarantinedMails(ctx context.Context, limit int) ([]*QuarantinedMail, error)

	// OpenQuarantinedMail returns the raw bytes of quarantined mail id;
	// the caller closes them. Returns ENOTFOUND when no mail in quarantine
	// has that id.
	OpenQuarantinedMail(ctx context.Context, id int64) (io.ReadCloser, error)

	// RetryQuarantined takes quarantined mail id through intake again, as
	// it would be taken now, keeping its source and arrival: in one
	// transaction the quarantine row gives way to the new outcome, so that
	// the mail is never lost. in holds the quarantined raw bytes, parsed
	// again. A mail intake refuses again is back in quarantine with the
	// new reason (OutcomeRejected). Returns ENOTFOUND when no mail in
	// quarantine has that id, and EINVALID when in is not parsed or its
	// bytes are not that mail's.
	RetryQuarantined(ctx context.Context, id int64, in IncomingMail) (*IntakeResult, error)
}
