package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// Batch is one write transaction into which a generator of test data
// (bench/gen) writes many registrations, messages and actions at once,
// through the store's own code: createComplaint, actTx and insertMessage,
// so every row, sealed event and link of the hash chain is what the
// services would have written, only without a commit per change. It is for
// filling an empty store with large volumes, not for serving users: it
// writes no letters and takes the complaint it acts on as the caller last
// got it back, without reading it again.
type Batch struct {
	tx  *Tx
	env klachtdesk.Env
}

// WriteBatch runs fn in one write transaction whose clock reads at, as
// the user in ctx (the system when none), and commits it when fn returns
// nil.
func (db *DB) WriteBatch(ctx context.Context, at time.Time, fn func(b *Batch) error) error {
	u, err := writer(ctx)
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	tx.now = at.UTC().Truncate(time.Microsecond)
	settings, err := loadSettings(ctx, tx)
	if err != nil {
		return err
	}
	if err := fn(&Batch{tx: tx, env: klachtdesk.Env{Now: tx.now, Settings: settings, Actor: u}}); err != nil {
		return err
	}
	return tx.Commit()
}

// Now is the batch's instant: every change of the batch happens at it.
func (b *Batch) Now() time.Time { return b.tx.now }

// Create registers n as CreateComplaint does.
func (b *Batch) Create(ctx context.Context, n *klachtdesk.NewComplaint) (*klachtdesk.Complaint, error) {
	return createComplaint(ctx, b.tx, n, b.env)
}

// Act applies action to c, as last returned by Create or Act, by user u,
// as ComplaintService.Act does, but without a letter.
func (b *Batch) Act(ctx context.Context, c *klachtdesk.Complaint, action klachtdesk.Action, u *klachtdesk.User) (*klachtdesk.Complaint, error) {
	next, err := actTx(ctx, b.tx, b.tx.db, c, action, u)
	if err != nil {
		return nil, fmt.Errorf("%T on %s: %w", action, c.Reference, err)
	}
	next.Complainant = c.Complainant
	return next, nil
}

// AddMessage stores m, without attachments, on the complaint m.ComplaintID
// (reference names it in errors) with its message_added event by user u.
func (b *Batch) AddMessage(ctx context.Context, m *klachtdesk.Message, reference string, u *klachtdesk.User) error {
	return insertMessage(ctx, b.tx, m, nil, u, reference)
}
