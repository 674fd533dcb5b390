package klachtdesk

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"
)

// LetterState is where a letter is in the outbox.
type LetterState string

// Letter states.
const (
	LetterQueued LetterState = "queued" // waiting for (another) delivery attempt
	LetterSent   LetterState = "sent"   // the SMTP server accepted it
	LetterFailed LetterState = "failed" // permanently refused or given up: staff must act
	LetterHeld   LetterState = "held"   // kept back (LetterHoldReason): staff send it by hand, if at all
)

// Delivery is the outbox state of a letter, shown with the message.
type Delivery struct {
	// ID is the letter's number in the outbox, which staff name to send
	// a failed letter again (klachtdesk letter retry ID).
	ID    int64       `json:"id"`
	State LetterState `json:"state"`
	// Reason is why the letter was held or waits (LetterWaits), or the
	// last delivery error.
	Reason   string    `json:"reason,omitempty"`
	Attempts int       `json:"attempts"`
	SentAt   time.Time `json:"sent_at,omitzero"`
}

// OutgoingLetter is a letter the outbox worker is to deliver.
type OutgoingLetter struct {
	ID          int64
	ComplaintID int64
	Reference   string
	Kind        LetterKind
	MessageID   string // ours, without angle brackets; a resend keeps it
	InReplyTo   string
	To          Address
	Subject     string
	Text        string
	Language    Language
	Automatic   bool
	Attempts    int // including the current one
	CreatedAt   time.Time
	// QueuedAt is when the letter was last put back in the queue by staff
	// (RequeueLetter), zero if never: the give-up period runs from the
	// later of the two.
	QueuedAt time.Time
}

// GiveUpFrom is when the letter's give-up period (GiveUpAfter) began: its
// creation, or its last re-queueing by staff.
func (l *OutgoingLetter) GiveUpFrom() time.Time {
	if l.QueuedAt.After(l.CreatedAt) {
		return l.QueuedAt
	}
	return l.CreatedAt
}

// RequeuedLetter is a failed letter that staff put back in the queue.
type RequeuedLetter struct {
	ID        int64      `json:"id"` // the letter's number in the outbox
	Reference string     `json:"reference"`
	Kind      LetterKind `json:"kind"`
	// Reason is why it had failed.
	Reason string `json:"reason"`
}

// NewMessageID returns the Message-ID of a letter on complaint reference,
// without angle brackets: the reference, a random part (so that a mail
// whose In-Reply-To names it is strong evidence of a reply) and the domain
// of our complaint address ourAddress (klachtdesk.invalid when it has
// none). Every letter gets its Message-ID here; a resend keeps it.
func NewMessageID(reference, ourAddress string) string {
	var b [15]byte
	rand.Read(b[:]) // never fails (Go 1.24+)
	domain := "klachtdesk.invalid"
	if _, d, ok := strings.Cut(strings.TrimSpace(ourAddress), "@"); ok && d != "" {
		domain = strings.ToLower(d)
	}
	return strings.ToLower(reference) + "." + strings.ToLower(base32.StdEncoding.EncodeToString(b[:])) + "@" + domain
}

// OutboxService is the durable outbox the delivery worker drains.
type OutboxService interface {
	// ClaimLetters returns up to limit letters due for delivery and leases
	// them for lease: until then no other worker takes them, and a worker
	// that dies leaves them due again afterwards.
	ClaimLetters(ctx context.Context, limit int, lease time.Duration) ([]*OutgoingLetter, error)
	// LetterSent records that the SMTP server accepted the letter.
	LetterSent(ctx context.Context, id int64) error
	// LetterRetry records a temporary failure and when to try again.
	LetterRetry(ctx context.Context, id int64, reason string, next time.Time) error
	// LetterFailed records a permanent failure on the letter and as an
	// event of its complaint, where staff see it.
	LetterFailed(ctx context.Context, id int64, reason string) error

	// RequeueLetter puts failed letter id (Delivery.ID) back in the queue
	// for the acting user, with a letter_requeued event on its complaint.
	// The letter keeps its Message-ID: it never left, or if it did (a
	// connection lost after the data), the receiver can recognise the
	// copy. Its attempts start again from zero and its give-up period
	// from now. Admins and handlers only (EFORBIDDEN); ENOTFOUND for an
	// unknown letter or one on a complaint the user may not see,
	// ECONFLICT for a letter that did not fail.
	RequeueLetter(ctx context.Context, id int64) (*RequeuedLetter, error)
	// RequeueFailedLetters puts every failed letter the user may see back
	// in the queue as RequeueLetter does, and returns them, oldest first.
	RequeueFailedLetters(ctx context.Context) ([]*RequeuedLetter, error)
}

// Delivery retry policy: exponential backoff from RetryBase, doubling per
// attempt up to RetryCap, with ±20% jitter; a letter still undelivered
// GiveUpAfter its creation fails permanently.
const (
	RetryBase   = time.Minute
	RetryCap    = 2 * time.Hour
	GiveUpAfter = 72 * time.Hour
)

// RetryDelay is the wait after the attempt-th failed attempt (1-based);
// jitter in [0,1) spreads retries of letters that failed together.
func RetryDelay(attempt int, jitter float64) time.Duration {
	d := RetryBase
	for i := 1; i < attempt && d < RetryCap; i++ {
		d *= 2
	}
	d = min(d, RetryCap)
	return time.Duration(float64(d) * (0.8 + 0.4*jitter))
}

// Event kinds of the outbox. They describe delivery, not the complaint's
// fields, so replay skips them.
const (
	EventLetterSent   = "letter_sent"
	EventLetterFailed = "letter_failed"
	EventLetterHeld   = "letter_held"
	// EventLetterRequeued: staff put a failed letter back in the queue.
	EventLetterRequeued = "letter_requeued"
	// EventLetterRewritten: a letter that waited for the organisation's
	// details was written again with them before it left.
	EventLetterRewritten = "letter_rewritten"
	EventUndeliverable   = "address_undeliverable"
	// EventMessageAccepted: staff accepted a reply from an unverified
	// sender as part of the complaint. EventMessageMoved: staff split a
	// message off into a complaint of its own (on both complaints).
	EventMessageAccepted = "message_accepted"
	EventMessageMoved    = "message_moved"
)

// Relay suspicion. A misconfigured relay (relaying denied to our server,
// a wrong smarthost) refuses every letter with the same 5xx reply, which
// would fail every letter in one run. So the outbox holds its judgment on
// a permanent refusal while no letter went through lately: when letters
// to RelaySuspectRecipients different recipients are refused with the
// same reply (RefusalReply) within RelaySuspectWindow, it suspects the
// relay, not the recipients, keeps the letters queued with the reason
// LetterRelaySuspected, and tries one letter (a probe) after a pause that
// grows by RelayProbeDelay; once a letter goes through, normal rules apply
// again. A refusal held for RelaySuspectWindow without suspicion, or one
// that follows a letter the relay accepted within the window, fails the
// letter as before.
const (
	RelaySuspectRecipients = 3
	RelaySuspectWindow     = 15 * time.Minute
	RelayProbeBase         = time.Minute
	RelayProbeCap          = 30 * time.Minute
)

// LetterRelaySuspected begins the reason of a letter kept queued because
// the relay, not its recipient, is suspected of refusing it.
const LetterRelaySuspected = "relay verdacht / relay suspected"

// Refusal is a permanent refusal of a letter on which the outbox holds its
// judgment.
type Refusal struct {
	LetterID  int64
	Recipient string // the address the letter went to
	Reply     string // RefusalReply of the error
	At        time.Time
}

// RefusalReply returns the text of a refusal without what names one
// letter: every word holding an @ (addresses, Message-IDs) becomes "<…>",
// so that refusals of letters to different recipients with the same SMTP
// code, enhanced code and text compare equal.
func RefusalReply(text string) string {
	words := strings.Fields(text)
	for i, w := range words {
		if strings.Contains(w, "@") {
			words[i] = "<…>"
		}
	}
	return strings.Join(words, " ")
}

// SuspectRelay reports whether refusals make the relay suspect at now:
// RelaySuspectRecipients different recipients (compared without case)
// refused with the same reply within RelaySuspectWindow before now. It
// returns that reply.
func SuspectRelay(refusals []Refusal, now time.Time) (reply string, ok bool) {
	recipients := map[string]map[string]bool{}
	for _, r := range refusals {
		if r.Reply == "" || now.Sub(r.At) >= RelaySuspectWindow || r.At.After(now) {
			continue
		}
		if recipients[r.Reply] == nil {
			recipients[r.Reply] = map[string]bool{}
		}
		recipients[r.Reply][strings.ToLower(strings.TrimSpace(r.Recipient))] = true
		if len(recipients[r.Reply]) >= RelaySuspectRecipients {
			return r.Reply, true
		}
	}
	return "", false
}

// RelayProbeDelay is the pause before the n-th probe (1-based) of a
// suspected relay: RelayProbeBase, doubling per probe up to RelayProbeCap.
func RelayProbeDelay(n int) time.Duration {
	d := RelayProbeBase
	for i := 1; i < n && d < RelayProbeCap; i++ {
		d *= 2
	}
	return min(d, RelayProbeCap)
}
