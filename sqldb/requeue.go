package sqldb

import (
	"context"
	"fmt"
	"strings"

	"github.com/klachtdesk/klachtdesk"
)

// RequeueLetter puts failed letter id back in the queue for the acting
// user (admins and handlers), with a letter_requeued event holding why it
// had failed. It keeps its Message-ID. A letter that failed while it still
// waited to be written again with the organisation's details (its
// Message-ID names the placeholder domain) waits again, and is written
// again before it leaves.
func (s *OutboxService) RequeueLetter(ctx context.Context, id int64) (*klachtdesk.RequeuedLetter, error) {
	u, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	letters, err := requeueLetters(ctx, tx, u, "o.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(letters) == 0 {
		// Say why: unknown (or not the user's to see), or not failed.
		var state string
		access, accessArgs := accessClause(u)
		err := tx.queryRow(ctx, `SELECT o.state FROM outbox o JOIN complaints c ON c.id = o.complaint_id WHERE o.id = ?`+access,
			append([]any{id}, accessArgs...)...).Scan(&state)
		if err != nil {
			return nil, klachtdesk.Errorf(klachtdesk.ENOTFOUND, "letter %d not found", id)
		}
		return nil, klachtdesk.Errorf(klachtdesk.ECONFLICT, "letter %d did not fail: it is %s", id, state)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return letters[0], nil
}

// RequeueFailedLetters puts every failed letter the acting user may see
// back in the queue, as RequeueLetter does one, oldest first.
func (s *OutboxService) RequeueFailedLetters(ctx context.Context) ([]*klachtdesk.RequeuedLetter, error) {
	u, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	letters, err := requeueLetters(ctx, tx, u, "1 = 1")
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return letters, nil
}

// requeueLetters re-queues in tx the failed letters matching where (over
// outbox o) that u may see, each with its event.
func requeueLetters(ctx context.Context, tx *Tx, u *klachtdesk.User, where string, args ...any) ([]*klachtdesk.RequeuedLetter, error) {
	access, accessArgs := accessClause(u)
	rows, err := tx.query(ctx, `SELECT o.id, c.reference, o.kind, o.message_row, o.complaint_id, o.last_error, COALESCE(m.message_id, '')
		FROM outbox o JOIN complaints c ON c.id = o.complaint_id JOIN messages m ON m.id = o.message_row
		WHERE o.state = 'failed' AND `+where+access+` ORDER BY o.created_at, o.id`, append(args, accessArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("failed letters: %w", err)
	}
	type failed struct {
		*klachtdesk.RequeuedLetter
		messageRow, complaintID int64
		waited                  bool
	}
	var list []failed
	for rows.Next() {
		l := failed{RequeuedLetter: &klachtdesk.RequeuedLetter{}}
		var messageID string
		if err := rows.Scan(&l.ID, &l.Reference, strDest[klachtdesk.LetterKind]{&l.Kind}, &l.messageRow, &l.complaintID, &l.Reason, &messageID); err != nil {
			rows.Close()
			return nil, fmt.Errorf("failed letters: %w", err)
		}
		l.waited = strings.HasSuffix(messageID, "@klachtdesk.invalid")
		list = append(list, l)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, fmt.Errorf("failed letters: %w", err)
	}
	rows.Close()
	now := formatTime(tx.now)
	out := make([]*klachtdesk.RequeuedLetter, 0, len(list))
	for _, l := range list {
		reason := ""
		if l.waited {
			reason = klachtdesk.LetterWaitingForOrganisation
		}
		res, err := tx.exec(ctx, `UPDATE outbox SET state = 'queued', reason = ?, last_error = '', attempts = 0, next_attempt_at = ?, requeued_at = ?
			WHERE id = ? AND state = 'failed'`, reason, now, now, l.ID)
		if err != nil {
			return nil, fmt.Errorf("requeue letter %d: %w", l.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, fmt.Errorf("requeue letter %d: %w", l.ID, err)
		} else if n == 0 {
			// Another instance requeued it since it was read (PostgreSQL,
			// read committed): once is enough, and one event.
			continue
		}
		if err := letterEvent(ctx, tx, u, l.complaintID, klachtdesk.EventLetterRequeued, l.messageRow, l.Reason); err != nil {
			return nil, err
		}
		out = append(out, l.RequeuedLetter)
	}
	return out, nil
}
