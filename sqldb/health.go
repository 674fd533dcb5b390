package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// HealthService answers the operator's questions about the store itself
// (klachtdesk.HealthService): what the readiness checks and the metrics
// read. Its methods need no user in the context.
type HealthService struct {
	db *DB
	// MinFree is the free space below which the store counts as full;
	// DefaultMinFree when zero.
	MinFree int64
}

var _ klachtdesk.HealthService = (*HealthService)(nil)

// NewHealthService returns the health checks of db.
func NewHealthService(db *DB) *HealthService { return &HealthService{db: db} }

// StoreStatus counts the outbox by state, the quarantine and the mails
// taken by outcome, in one read transaction. Letters waiting for the
// organisation's details are counted apart from the queued ones (Waiting,
// not Queued): they are not due, so they must not make the outbox look
// stuck. The oldest queued letter is the one of the others queued longest
// ago, by its creation or, when staff put it back in the queue, by then.
func (s *HealthService) StoreStatus(ctx context.Context) (*klachtdesk.StoreStatus, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	st := &klachtdesk.StoreStatus{Taken: map[klachtdesk.Outcome]int{}}
	if err := outboxStatus(ctx, tx, &st.Outbox); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT outcome, COUNT(*) FROM inbound GROUP BY outcome`)
	if err != nil {
		return nil, fmt.Errorf("mails taken: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			outcome klachtdesk.Outcome
			n       int
		)
		if err := rows.Scan(strDest[klachtdesk.Outcome]{&outcome}, &n); err != nil {
			return nil, fmt.Errorf("mails taken: %w", err)
		}
		st.Taken[outcome] = n
		if outcome == klachtdesk.OutcomeRejected || outcome == klachtdesk.OutcomeError {
			// The quarantine is what the QuarantineService lists.
			st.Quarantine += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mails taken: %w", err)
	}
	return st, nil
}

// outboxStatus counts the outbox by state in tx.
func outboxStatus(ctx context.Context, tx *Tx, st *klachtdesk.OutboxStatus) error {
	rows, err := tx.query(ctx, `SELECT state, CASE WHEN reason = ? THEN 1 ELSE 0 END AS waiting, COUNT(*),
			MIN(CASE WHEN requeued_at IS NOT NULL AND requeued_at > created_at THEN requeued_at ELSE created_at END)
		FROM outbox GROUP BY state, waiting`, klachtdesk.LetterWaitingForOrganisation)
	if err != nil {
		return fmt.Errorf("outbox status: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			state   klachtdesk.LetterState
			waiting bool
			n       int
			oldest  = instantDest{new(time.Time)}
		)
		if err := rows.Scan(strDest[klachtdesk.LetterState]{&state}, boolDest{&waiting}, &n, oldest); err != nil {
			return fmt.Errorf("outbox status: %w", err)
		}
		switch {
		case state == klachtdesk.LetterQueued && waiting:
			st.Waiting = n
		case state == klachtdesk.LetterQueued:
			st.Queued, st.OldestQueued = n, *oldest.t
		case state == klachtdesk.LetterSent:
			st.Sent += n
		case state == klachtdesk.LetterFailed:
			st.Failed += n
		case state == klachtdesk.LetterHeld:
			st.Held += n
		}
	}
	return rows.Err()
}
