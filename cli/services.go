package cli

import (
	"context"
	"errors"

	"github.com/klachtdesk/klachtdesk"
)

// SchemaService reports the database's schema version, which opening the
// store brought up to date.
type SchemaService interface {
	SchemaVersion(ctx context.Context) (int64, error)
}

// MailResult is what became of one mail taken by intake, as import, fetch
// and quarantine retry print it.
type MailResult struct {
	// Source names the mail: a file (with #N inside an mbox), a mailbox
	// and UID, or a quarantine number.
	Source string `json:"source"`
	klachtdesk.IntakeResult
}

// DeliveryStats counts the letters one delivery run handled.
type DeliveryStats struct{ Sent, Retried, Failed int }

// Errors a Mail returns when the mail configuration lacks what a command
// needs.
var (
	ErrNoMailbox = errors.New("no IMAP mailbox configured")
	ErrNoSMTP    = errors.New("no SMTP server configured")
)

// Mail is the mail machinery, built by cmd/klachtdesk from the intake,
// outbox and mailsend adapters and the mail configuration.
type Mail interface {
	// CountFiles counts the mails in the paths (.eml files, mbox files,
	// Maildir folders, folders holding these), for a progress bar.
	CountFiles(ctx context.Context, paths []string) (int, error)
	// ImportFiles takes every mail in the paths through intake, batch mails
	// per transaction, and calls report once per mail after it is stored.
	ImportFiles(ctx context.Context, paths []string, batch int, report func(MailResult)) error
	// Fetch takes the mail of the configured IMAP mailboxes and calls
	// report per mail: each mailbox once with once, else until ctx ends.
	// ErrNoMailbox when none is configured.
	Fetch(ctx context.Context, once bool, report func(MailResult)) error
	// Deliver sends the letters in the outbox over the configured SMTP
	// server: what is due now with once (and returns what it did), else
	// until ctx ends. ErrNoSMTP when none is configured.
	Deliver(ctx context.Context, once bool) (DeliveryStats, error)
	// RetryQuarantined takes a quarantined mail through intake again.
	RetryQuarantined(ctx context.Context, id int64) (*klachtdesk.IntakeResult, error)
	// Reconcile takes, from the processed folder of each configured IMAP
	// mailbox, every mail the store does not know (after a restored
	// backup), once, calls report per mail taken and returns how many.
	// ErrNoMailbox when none is configured.
	Reconcile(ctx context.Context, report func(MailResult)) (int, error)
}

// Server is the web server serve runs, with the background mail loops.
type Server interface {
	// Listen opens the listening socket and returns the URL a browser on
	// this machine reaches it at.
	Listen(ctx context.Context) (url string, err error)
	// Serve starts serving on the socket and the background loops, and
	// returns at once; they stop when ctx ends.
	Serve(ctx context.Context) error
}
