package klachtdesk

import (
	"context"
	"time"
)

// MailboxStatus is how the intake of one IMAP mailbox is doing, for
// readiness checks and metrics.
type MailboxStatus struct {
	Mailbox string `json:"mailbox"`
	// PollInterval is how often the mailbox is checked at the latest (the
	// IDLE re-issue or polling interval): a last poll several intervals
	// ago means intake is stuck.
	PollInterval time.Duration `json:"poll_interval"`
	// LastPoll is when the mailbox was last checked successfully, zero
	// before the first check; LastTaken when a mail was last taken from it.
	LastPoll  time.Time `json:"last_poll,omitzero"`
	LastTaken time.Time `json:"last_taken,omitzero"`
	// LastError is the last failure (connection, store), "" after a
	// success.
	LastError string `json:"last_error,omitempty"`
}

// OutboxStatus is how the outbox is doing, for readiness checks, metrics
// and the dashboard.
type OutboxStatus struct {
	// Queued letters are due for (another) delivery attempt; Waiting ones
	// are in the queue but wait for the organisation's details, and are
	// not counted in Queued: they are not due, and must not make the
	// outbox look stuck.
	Queued  int `json:"queued"`
	Waiting int `json:"waiting"`
	Failed  int `json:"failed"` // refused for good or given up: staff must act
	Held    int `json:"held"`   // kept back by loop protection or for a letter by post
	Sent    int `json:"sent"`
	// OldestQueued is when the oldest of the Queued letters was created
	// (or put back in the queue by staff), zero when none is queued.
	OldestQueued time.Time `json:"oldest_queued,omitzero"`
}

// StoreStatus is what the operator's checks read from the store.
type StoreStatus struct {
	Outbox     OutboxStatus    `json:"outbox"`
	Quarantine int             `json:"quarantine"` // mails in quarantine
	Taken      map[Outcome]int `json:"taken"`      // mails taken, by outcome
}

// HealthService answers the operator's questions about the store itself.
// Its methods need no user in the context: they name no complaint.
type HealthService interface {
	// Writable returns nil when the store takes writes now, else an error
	// saying why (read-only file or folder, disk full, locked, connection
	// lost), EUNAVAILABLE.
	Writable(ctx context.Context) error
	// StoreStatus counts the outbox by state, the quarantine and the mails
	// taken by outcome.
	StoreStatus(ctx context.Context) (*StoreStatus, error)
}

// Kinds of failure of the store itself (EUNAVAILABLE), as the store
// classifies them and the store-error metric counts them (the values of
// klachtdesk_store_errors_total's "kind" label; a kind outside this list
// counts as StoreFailureOther, so that the label keeps a handful of values).
const (
	StoreFailureDiskFull   = "disk_full"  // no space left (SQLITE_FULL, ENOSPC)
	StoreFailureReadOnly   = "read_only"  // read-only file, folder or database (SQLITE_READONLY, EROFS, EACCES)
	StoreFailureIO         = "io"         // I/O error (SQLITE_IOERR, EIO)
	StoreFailureBusy       = "busy"       // locked past the busy timeout (SQLITE_BUSY, SQLITE_LOCKED)
	StoreFailureCorrupt    = "corrupt"    // damaged file or missing blob (SQLITE_CORRUPT, SQLITE_NOTADB)
	StoreFailureConnection = "connection" // connection to the database server lost
	StoreFailureTimeout    = "timeout"    // no answer within the caller's deadline
	StoreFailureOther      = "other"      // any other failure of the store itself
)
