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

// AddressService tells what delivery learned about a mail address: a
// delivery report that a letter to it bounced marks it undeliverable, so
// that staff look for another way to reach the complainant. (The outbox
// records it; see EventUndeliverable.)
type AddressService interface {
	// AddressStatus returns when and why letters to addr bounced, and the
	// zero time when they did not (an address never written to included).
	// Returns EUNAUTHORIZED when the acting user is inactive.
	AddressStatus(ctx context.Context, addr string) (undeliverableAt time.Time, reason string, err error)
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
