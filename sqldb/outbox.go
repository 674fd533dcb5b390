package sqldb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// OutboxService is the durable outbox; it implements klachtdesk.OutboxService.
type OutboxService struct {
	db *DB
}

var _ klachtdesk.OutboxService = (*OutboxService)(nil)

// NewOutboxService returns the outbox of db.
func NewOutboxService(db *DB) *OutboxService { return &OutboxService{db: db} }

// newMessageID returns a Message-ID for a letter of complaint reference: a
// random part (so that an In-Reply-To naming it is strong evidence) and the
// reference, at the domain of our complaint address.
func newMessageID(reference, ourAddress string) string {
	var b [15]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	domain := "klachtdesk.invalid"
	if _, d, ok := strings.Cut(ourAddress, "@"); ok && d != "" {
		domain = strings.ToLower(d)
	}
	return strings.ToLower(reference) + "." + strings.ToLower(base32.StdEncoding.EncodeToString(b[:])) + "@" + domain
}

// queueAutomatic renders and queues an automatic letter to c's complainant,
// unless loop protection holds it back, in which case the letter is stored
// as held with the reason, where staff see it.
func (s *IntakeService) queueAutomatic(ctx context.Context, tx *Tx, env klachtdesk.Env, c *klachtdesk.Complaint, kind, inReplyTo string) error {
	if s.Render == nil || c.Complainant == nil {
		return nil
	}
	subject, text, err := s.Render(kind, c, env.Settings)
	if err != nil {
		return fmt.Errorf("write %s letter for %s: %w", kind, c.Reference, err)
	}
	hold := ""
	if kind == LetterAcknowledgement {
		hold = klachtdesk.AcknowledgementHeld(c, env.Today())
	}
	return queueLetter(ctx, tx, env, c, kind, subject, text, inReplyTo, true, s.own(env.Settings), hold)
}

// queueLetter stores a letter to c's complainant as an outbound message and
// its outbox row, in tx. An automatic letter is first checked against loop
// protection (klachtdesk.AutoLetterAllowed); hold, when set, keeps the
// letter back with that reason.
func queueLetter(ctx context.Context, tx *Tx, env klachtdesk.Env, c *klachtdesk.Complaint, kind, subject, text, inReplyTo string, automatic bool, own []string, hold string) error {
	to := klachtdesk.Address{Name: c.Complainant.Name, Email: strings.TrimSpace(c.Complainant.Email)}
	key := emailKey(to.Email)
	state, reason := klachtdesk.LetterQueued, ""
	if hold != "" {
		state, reason = klachtdesk.LetterHeld, hold
	} else if automatic {
		h, err := addressHistory(ctx, tx, key, env)
		if err != nil {
			return err
		}
		if reason = klachtdesk.AutoLetterAllowed(to.Email, h, own, env.Now, env.Settings); reason != "" {
			state = klachtdesk.LetterHeld
		}
	} else if to.Email == "" {
		state, reason = klachtdesk.LetterHeld, "the complainant has no e-mail address"
	}
	msg := &klachtdesk.Message{
		ComplaintID: c.ID, Direction: klachtdesk.Outbound, Channel: klachtdesk.ChannelEmail,
		MessageID: newMessageID(c.Reference, env.Settings.ComplaintEmail),
		From:      env.Settings.ComplaintEmail, To: to.String(),
		Subject: subject, Text: text, At: env.Now,
	}
	if err := insertMessage(ctx, tx, msg, nil, env.Actor, c.Reference); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, sqlInsertOutbox,
		c.ID, msg.ID, kind, key, klachtdesk.Clip(inReplyTo, 998), boolInt(automatic), string(state), reason, formatTime(env.Now), formatTime(env.Now)); err != nil {
		return fmt.Errorf("queue %s letter for %s: %w", kind, c.Reference, err)
	}
	if state == klachtdesk.LetterHeld {
		return letterEvent(ctx, tx, env.Actor, c.ID, klachtdesk.EventLetterHeld, msg.ID, reason)
	}
	return nil
}

// sqlInsertOutbox queues a stored letter for delivery.
const sqlInsertOutbox = `INSERT INTO outbox (complaint_id, message_row, kind, to_key, in_reply_to, automatic, state, reason, next_attempt_at, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// addressHistory is what loop protection needs to know of an address.
func addressHistory(ctx context.Context, tx *Tx, key string, env klachtdesk.Env) (klachtdesk.AddressHistory, error) {
	var h klachtdesk.AddressHistory
	if key == "" {
		return h, nil
	}
	since := env.Now.Add(-time.Duration(env.Settings.AutoLetterWindowHours) * time.Hour)
	var undeliverable sql.NullString
	err := tx.queryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM outbox WHERE to_key = ? AND automatic = 1 AND state <> 'held' AND created_at >= ?),
			(SELECT last_auto_submitted FROM mail_addresses WHERE email_key = ?),
			(SELECT undeliverable_at FROM mail_addresses WHERE email_key = ?)`,
		key, formatTime(since), key, key).Scan(&h.AutoLetters, instantDest{&h.LastAutoSubmitted}, &undeliverable)
	if err != nil {
		return h, fmt.Errorf("history of %s: %w", key, err)
	}
	h.Undeliverable = undeliverable.Valid
	return h, nil
}

// letterEvent appends a delivery event of a letter to its complaint's trail.
func letterEvent(ctx context.Context, tx *Tx, u *klachtdesk.User, complaintID int64, kind string, messageRow int64, reason string) error {
	fields := map[string]any{"message": messageRow}
	if reason != "" {
		fields["reason"] = reason
	}
	after, err := jsonObject(fields)
	if err != nil {
		return err
	}
	return appendEvent(ctx, tx, &klachtdesk.Event{ComplaintID: complaintID, Kind: kind, ActorID: u.ID, Actor: u.Username, After: after})
}

// ClaimLetters returns up to limit due letters and leases them: their next
// attempt moves to now+lease and their attempt count goes up, in one
// transaction, so that two workers never hold the same letter and a worker
// that dies lets it fall due again. A letter without addressee fails.
func (s *OutboxService) ClaimLetters(ctx context.Context, limit int, lease time.Duration) ([]*klachtdesk.OutgoingLetter, error) {
	u, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT o.id, o.complaint_id, c.reference, c.state, o.kind, m.message_id, o.in_reply_to,
			m.to_addr, cp.name, cp.email, m.subject, m.text, c.language, o.automatic, o.attempts, o.created_at
		FROM outbox o JOIN messages m ON m.id = o.message_row JOIN complaints c ON c.id = o.complaint_id
		JOIN complainants cp ON cp.id = c.complainant_id
		WHERE o.state = 'queued' AND o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.id LIMIT ?`, formatTime(tx.now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim letters: %w", err)
	}
	var (
		out  []*klachtdesk.OutgoingLetter
		gone []*klachtdesk.OutgoingLetter
	)
	for rows.Next() {
		l := &klachtdesk.OutgoingLetter{}
		var (
			state          klachtdesk.State
			toAddr, cpName string
			cpEmail        string
			messageID      sql.NullString
			automatic      bool
		)
		if err := rows.Scan(&l.ID, &l.ComplaintID, &l.Reference, strDest[klachtdesk.State]{&state}, &l.Kind, &messageID, &l.InReplyTo,
			&toAddr, &cpName, &cpEmail, &l.Subject, &l.Text, strDest[klachtdesk.Language]{&l.Language}, boolDest{&automatic},
			&l.Attempts, instantDest{&l.CreatedAt}); err != nil {
			rows.Close()
			return nil, fmt.Errorf("claim letters: %w", err)
		}
		l.MessageID, l.Automatic = messageID.String, automatic
		l.To = klachtdesk.Address{Name: cpName, Email: cpEmail}
		l.Attempts++
		if toAddr == "" && state != klachtdesk.StateAnonymised {
			gone = append(gone, l)
			continue
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, fmt.Errorf("claim letters: %w", err)
	}
	rows.Close()
	until := formatTime(tx.now.Add(lease))
	for _, l := range out {
		if _, err := tx.exec(ctx, `UPDATE outbox SET next_attempt_at = ?, attempts = attempts + 1 WHERE id = ?`, until, l.ID); err != nil {
			return nil, fmt.Errorf("lease letter %d: %w", l.ID, err)
		}
	}
	for _, l := range gone {
		if err := finishLetter(ctx, tx, u, l.ID, klachtdesk.LetterFailed, "the letter has no addressee"); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return out, nil
}

// LetterSent records that the SMTP server accepted the letter.
func (s *OutboxService) LetterSent(ctx context.Context, id int64) error {
	return s.finish(ctx, id, klachtdesk.LetterSent, "")
}

// LetterFailed records a permanent failure on the letter and its complaint.
func (s *OutboxService) LetterFailed(ctx context.Context, id int64, reason string) error {
	return s.finish(ctx, id, klachtdesk.LetterFailed, reason)
}

func (s *OutboxService) finish(ctx context.Context, id int64, state klachtdesk.LetterState, reason string) error {
	u, err := writer(ctx)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := finishLetter(ctx, tx, u, id, state, reason); err != nil {
		return err
	}
	return tx.Commit()
}

// finishLetter moves a queued letter to sent or failed, with its event. A
// letter already finished (another worker, or a resend after a crash) is
// left as it is.
func finishLetter(ctx context.Context, tx *Tx, u *klachtdesk.User, id int64, state klachtdesk.LetterState, reason string) error {
	reason = klachtdesk.Clip(klachtdesk.CleanText(reason), 2000)
	var complaintID, messageRow int64
	err := tx.queryRow(ctx, `UPDATE outbox SET state = ?, last_error = ?, sent_at = ?
		WHERE id = ? AND state = 'queued' RETURNING complaint_id, message_row`,
		string(state), reason, nullTime(sentAt(state, tx.now)), id).Scan(&complaintID, &messageRow)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("finish letter %d: %w", id, err)
	}
	kind := klachtdesk.EventLetterSent
	if state == klachtdesk.LetterFailed {
		kind = klachtdesk.EventLetterFailed
	}
	return letterEvent(ctx, tx, u, complaintID, kind, messageRow, reason)
}

func sentAt(state klachtdesk.LetterState, now time.Time) time.Time {
	if state == klachtdesk.LetterSent {
		return now
	}
	return time.Time{}
}

// LetterRetry records a temporary failure and when to try again.
func (s *OutboxService) LetterRetry(ctx context.Context, id int64, reason string, next time.Time) error {
	if _, err := writer(ctx); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ? AND state = 'queued'`,
		formatTime(next), klachtdesk.Clip(klachtdesk.CleanText(reason), 2000), id); err != nil {
		return fmt.Errorf("retry letter %d: %w", id, err)
	}
	return tx.Commit()
}

// loadDeliveries fills the outbox state of the outbound messages in byID.
func loadDeliveries(ctx context.Context, tx *Tx, complaintID int64, byID map[int64]*klachtdesk.Message) error {
	rows, err := tx.query(ctx, `SELECT o.message_row, o.state, o.reason, o.last_error, o.attempts, o.sent_at
		FROM messages m JOIN outbox o ON o.message_row = m.id WHERE m.complaint_id = ?`, complaintID)
	if err != nil {
		return fmt.Errorf("deliveries of complaint %d: %w", complaintID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			row               int64
			d                 klachtdesk.Delivery
			reason, lastError string
		)
		if err := rows.Scan(&row, strDest[klachtdesk.LetterState]{&d.State}, &reason, &lastError, &d.Attempts, instantDest{&d.SentAt}); err != nil {
			return fmt.Errorf("deliveries of complaint %d: %w", complaintID, err)
		}
		d.Reason = reason
		if d.Reason == "" {
			d.Reason = lastError
		}
		if m := byID[row]; m != nil {
			m.Delivery = &d
		}
	}
	return rows.Err()
}

// AddressStatus returns when and why letters to addr bounced, zero if they
// did not.
func (s *OutboxService) AddressStatus(ctx context.Context, addr string) (undeliverableAt time.Time, reason string, err error) {
	if _, err := actor(ctx); err != nil {
		return time.Time{}, "", err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return time.Time{}, "", err
	}
	defer tx.Rollback()
	err = tx.queryRow(ctx, `SELECT undeliverable_at, undeliverable_reason FROM mail_addresses WHERE email_key = ?`, emailKey(addr)).
		Scan(instantDest{&undeliverableAt}, &reason)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, "", nil
	} else if err != nil {
		return time.Time{}, "", fmt.Errorf("status of %s: %w", addr, err)
	}
	return undeliverableAt, reason, nil
}

func jsonObject(fields map[string]any) (json.RawMessage, error) {
	b, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("encode event: %w", err)
	}
	return b, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return !errors.Is(err, fs.ErrNotExist)
}
