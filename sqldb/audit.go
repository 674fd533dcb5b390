package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/klachtdesk/klachtdesk"
)

// AuditService reads the audit trail; it implements klachtdesk.AuditService.
type AuditService struct {
	db *DB
}

var _ klachtdesk.AuditService = (*AuditService)(nil)

// NewAuditService returns the audit service of db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

// auditPageSize is how many events VerifyAudit reads at a time (a variable
// so that tests can cross page boundaries with a short trail).
var auditPageSize = 2000

// VerifyAudit walks the whole trail in ID order, in one snapshot, and
// reports the first row that does not verify, including rows removed from
// the end (which the audit head still remembers).
func (s *AuditService) VerifyAudit(ctx context.Context) (*klachtdesk.AuditReport, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	var headID int64
	var headHash string
	if err := tx.queryRow(ctx, `SELECT last_event_id, last_hash FROM audit_head WHERE id = 1`).Scan(&headID, &headHash); err != nil {
		return nil, fmt.Errorf("read audit head: %w", err)
	}
	report := &klachtdesk.AuditReport{}
	var lastID int64
	prevHash := ""
	for {
		events, err := findEvents(ctx, tx, fmt.Sprintf(`WHERE id > ? ORDER BY id LIMIT %d`, auditPageSize), lastID)
		if err != nil {
			return nil, err
		}
		if len(events) == 0 {
			break
		}
		var brk *klachtdesk.ChainBreak
		prevHash, brk = klachtdesk.VerifyChain(prevHash, events)
		if brk != nil {
			for _, e := range events {
				report.Events++
				if e.ID == brk.EventID {
					break
				}
			}
			report.Break = brk
			return report, nil
		}
		report.Events += int64(len(events))
		lastID = events[len(events)-1].ID
	}
	if lastID != headID || prevHash != headHash {
		report.Break = &klachtdesk.ChainBreak{
			EventID: headID,
			Reason: fmt.Sprintf("the trail ends at event %d (hash %.12s…) but the audit head names event %d (hash %.12s…): rows were removed from the end",
				lastID, prevHash, headID, headHash),
		}
		return report, nil
	}
	report.LastID, report.LastHash = lastID, prevHash
	return report, nil
}

// EventHash returns the stored hash of event id.
func (s *AuditService) EventHash(ctx context.Context, id int64) (string, error) {
	if _, err := actor(ctx); err != nil {
		return "", err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var hash string
	err = tx.queryRow(ctx, `SELECT hash FROM events WHERE id = ?`, id).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", klachtdesk.Errorf(klachtdesk.ENOTFOUND, "event %d not found", id)
	} else if err != nil {
		return "", fmt.Errorf("read hash of event %d: %w", id, err)
	}
	return hash, nil
}

// sqlInsertEvent appends a sealed event; sqlUpdateAuditHead moves the head
// of the chain to it.
const (
	sqlInsertEvent = `INSERT INTO events (id, complaint_id, kind, actor_id, actor, at, before, after, prev_hash, hash)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlUpdateAuditHead = `UPDATE audit_head SET last_event_id = ?, last_hash = ? WHERE id = 1`
)

// appendEvent seals e onto the end of the chain and stores it, inside the
// transaction of the change it records. Its ID is allocated from the audit
// head before sealing, because the hash covers the ID and rows are never
// updated; updating the head row first also serialises appends (row lock).
// The personal values of a complaint's event are stored encrypted with the
// complaint's key (seal.go), and it is those stored bytes the hash covers.
func appendEvent(ctx context.Context, tx *Tx, e *klachtdesk.Event) error {
	if err := lockAuditHead(ctx, tx); err != nil {
		return fmt.Errorf("append %s event: %w", e.Kind, err)
	}
	e.ID = tx.head.id + 1
	prevHash := tx.head.hash
	e.At = tx.now
	if len(e.Before) == 0 {
		e.Before = []byte("{}")
	}
	if len(e.After) == 0 {
		e.After = []byte("{}")
	}
	// Personal values are sealed before hashing: the chain covers the
	// stored bytes, so it still verifies once the complaint's key is gone.
	if e.ComplaintID != 0 {
		if err := sealEvent(ctx, tx, e); err != nil {
			return fmt.Errorf("append %s event: %w", e.Kind, err)
		}
	}
	e.Seal(prevHash)
	if _, err := tx.exec(ctx, sqlInsertEvent,
		e.ID, nullID(e.ComplaintID), e.Kind, e.ActorID, e.Actor, formatTime(e.At), string(e.Before), string(e.After), e.PrevHash, e.Hash,
	); err != nil {
		return fmt.Errorf("append %s event: %w", e.Kind, err)
	}
	tx.head.id, tx.head.hash, tx.head.dirty = e.ID, e.Hash, true
	return nil
}

// lockAuditHead reads the chain's head and locks its row for the rest of tx,
// once per transaction. The first event of a transaction does so (a no-op
// update takes the row lock on PostgreSQL; SQLite's transaction holds the
// write lock already); later events chain on in memory and Commit writes
// the head once. A transaction that must read what it changes after every
// other change that appends events (settings revisions) calls it first.
func lockAuditHead(ctx context.Context, tx *Tx) error {
	if tx.head.loaded {
		return nil
	}
	err := tx.queryRow(ctx, `UPDATE audit_head SET last_event_id = last_event_id WHERE id = 1
		RETURNING last_event_id, last_hash`).Scan(&tx.head.id, &tx.head.hash)
	if err != nil {
		return fmt.Errorf("read audit head: %w", err)
	}
	tx.head.loaded = true
	return nil
}

// flushAuditHead writes the chain's new head before the transaction that
// appended events commits.
func flushAuditHead(ctx context.Context, tx *Tx) error {
	if !tx.head.dirty {
		return nil
	}
	if _, err := tx.exec(ctx, sqlUpdateAuditHead, tx.head.id, tx.head.hash); err != nil {
		return fmt.Errorf("update audit head: %w", err)
	}
	tx.head.dirty = false
	return nil
}

// findEvents reads events; clause follows FROM events.
func findEvents(ctx context.Context, tx *Tx, clause string, args ...any) ([]*klachtdesk.Event, error) {
	rows, err := tx.query(ctx, `SELECT id, complaint_id, kind, actor_id, actor, at, before, after, prev_hash, hash
		FROM events `+clause, args...)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	var out []*klachtdesk.Event
	for rows.Next() {
		e := &klachtdesk.Event{}
		var before, after string
		if err := rows.Scan(&e.ID, idDest{&e.ComplaintID}, &e.Kind, &e.ActorID, &e.Actor, instantDest{&e.At},
			&before, &after, &e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		e.Before, e.After = []byte(before), []byte(after)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	return out, nil
}
