package sqldb

import (
	"context"
	"database/sql"
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
	// Letters writes again, before they leave, the letters that waited
	// for the organisation's details (klachtdesk.LetterWaits); while it is
	// nil they keep waiting.
	Letters klachtdesk.LetterWriter
}

var _ klachtdesk.OutboxService = (*OutboxService)(nil)

// NewOutboxService returns the outbox of db.
func NewOutboxService(db *DB) *OutboxService { return &OutboxService{db: db} }

// writeLetter is the one path by which a letter enters the outbox: it
// writes letter l to c's complainant with w, decides by the domain's rules
// whether it is held (klachtdesk.LetterHoldReason) or waits for the
// organisation's details (klachtdesk.LetterWaits), and stores it in tx as an
// outbound message with its Message-ID and its outbox row, with a
// letter_held event when it is held. own are our own addresses, for loop
// protection; inReplyTo threads the letter to the mail it answers. A nil
// writer or a complaint without complainant writes nothing.
func writeLetter(ctx context.Context, tx *Tx, env klachtdesk.Env, w klachtdesk.LetterWriter, c *klachtdesk.Complaint, l klachtdesk.Letter, inReplyTo string, own []string) error {
	if w == nil || c.Complainant == nil {
		return nil
	}
	subject, text, err := w.WriteLetter(l, c, env.Settings)
	if err != nil {
		return fmt.Errorf("write %s letter for %s: %w", l.Kind, c.Reference, err)
	}
	to := klachtdesk.Address{Name: c.Complainant.Name, Email: strings.TrimSpace(c.Complainant.Email)}
	key := emailKey(to.Email)
	var h klachtdesk.AddressHistory
	if l.Kind.Automatic() {
		if h, err = addressHistory(ctx, tx, key, env); err != nil {
			return err
		}
	}
	state, reason := klachtdesk.LetterQueued, klachtdesk.LetterHoldReason(l.Kind, c, h, own, env.Now, env.Settings)
	if reason != "" {
		state = klachtdesk.LetterHeld
	} else {
		// Queued, but it leaves only once the details are set
		// (ClaimLetters), written again with them.
		reason = klachtdesk.LetterWaits(env.Settings)
	}
	msg := &klachtdesk.Message{
		ComplaintID: c.ID, Direction: klachtdesk.Outbound, Channel: klachtdesk.ChannelEmail,
		MessageID: klachtdesk.NewMessageID(c.Reference, env.Settings.ComplaintEmail),
		From:      env.Settings.ComplaintEmail, To: to.String(),
		Subject: subject, Text: text, At: env.Now,
	}
	if err := insertMessage(ctx, tx, msg, nil, env.Actor, c.Reference); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, sqlInsertOutbox,
		c.ID, msg.ID, string(l.Kind), key, klachtdesk.Clip(inReplyTo, 998), boolInt(l.Kind.Automatic()), string(state), reason, formatTime(env.Now), formatTime(env.Now)); err != nil {
		return fmt.Errorf("queue %s letter for %s: %w", l.Kind, c.Reference, err)
	}
	if state == klachtdesk.LetterHeld {
		return letterEvent(ctx, tx, env.Actor, c.ID, klachtdesk.EventLetterHeld, msg.ID, reason)
	}
	return nil
}

// lastLetterAt is when complaint id last had a letter that was not held
// back, zero if never: what klachtdesk.LetterForMail needs to know.
func lastLetterAt(ctx context.Context, tx *Tx, complaintID int64) (time.Time, error) {
	var at time.Time
	if err := tx.queryRow(ctx, `SELECT MAX(created_at) FROM outbox WHERE complaint_id = ? AND state <> 'held'`, complaintID).
		Scan(instantDest{&at}); err != nil {
		return time.Time{}, fmt.Errorf("last letter of complaint %d: %w", complaintID, err)
	}
	return at, nil
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
//
// While the organisation's details are missing (klachtdesk.LetterWaits) no
// letter leaves: the queued letters are marked as waiting, with the reason
// staff see. Once the details are set, a waiting letter is written again
// with them by s.Letters (with a new Message-ID: the old one named the
// placeholder domain and never left) before it is claimed; without a
// writer it keeps waiting.
func (s *OutboxService) ClaimLetters(ctx context.Context, limit int, lease time.Duration) ([]*klachtdesk.OutgoingLetter, error) {
	u, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	return retryTx(ctx, s.db, nil, func() ([]*klachtdesk.OutgoingLetter, error) { return s.claimLetters(ctx, u, limit, lease) })
}

// claimLetters is one attempt of ClaimLetters: one transaction. On
// PostgreSQL the due rows are locked as they are read and rows another
// instance is claiming are skipped (dialect.skipLocked), so two instances
// never claim one letter; the lease (next_attempt_at) hands the letter of an
// instance that died to another once it ends.
func (s *OutboxService) claimLetters(ctx context.Context, u *klachtdesk.User, limit int, lease time.Duration) ([]*klachtdesk.OutgoingLetter, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	settings, err := loadSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	waits := klachtdesk.LetterWaits(settings)
	q := `SELECT o.id, o.complaint_id, c.reference, c.state, o.kind, o.message_row, m.message_id, o.in_reply_to,
			m.to_addr, cp.name, cp.email, m.subject, m.text, c.language, o.automatic, o.attempts, o.created_at, o.reason, o.requeued_at
		FROM outbox o JOIN messages m ON m.id = o.message_row JOIN complaints c ON c.id = o.complaint_id
		JOIN complainants cp ON cp.id = c.complainant_id
		WHERE o.state = 'queued' AND o.next_attempt_at <= ?`
	args := []any{formatTime(tx.now)}
	if waits == "" && s.Letters == nil {
		q += ` AND o.reason = ''`
	}
	rows, err := tx.query(ctx, q+` ORDER BY o.next_attempt_at, o.id LIMIT ?`+tx.db.dialect.skipLocked(), append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("claim letters: %w", err)
	}
	type claimed struct {
		*klachtdesk.OutgoingLetter
		messageRow int64
		waited     bool
	}
	var (
		out  []claimed
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
			messageRow     int64
			reason         string
		)
		if err := rows.Scan(&l.ID, &l.ComplaintID, &l.Reference, strDest[klachtdesk.State]{&state}, strDest[klachtdesk.LetterKind]{&l.Kind},
			&messageRow, &messageID, &l.InReplyTo, &toAddr, &cpName, &cpEmail, &l.Subject, &l.Text,
			strDest[klachtdesk.Language]{&l.Language}, boolDest{&automatic}, &l.Attempts, instantDest{&l.CreatedAt}, &reason, instantDest{&l.QueuedAt}); err != nil {
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
		out = append(out, claimed{l, messageRow, reason == klachtdesk.LetterWaitingForOrganisation})
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, fmt.Errorf("claim letters: %w", err)
	}
	rows.Close()
	for _, l := range gone {
		if err := finishLetter(ctx, tx, u, l.ID, klachtdesk.LetterFailed, "the letter has no addressee"); err != nil {
			return nil, err
		}
	}
	if waits != "" {
		// Every queued letter waits, and is written again once the
		// details are set.
		if _, err := tx.exec(ctx, `UPDATE outbox SET reason = ? WHERE state = 'queued' AND reason = ''`, waits); err != nil {
			return nil, fmt.Errorf("letters wait for the organisation's details: %w", err)
		}
		return nil, tx.Commit()
	}
	until := formatTime(tx.now.Add(lease))
	letters := make([]*klachtdesk.OutgoingLetter, 0, len(out))
	for _, l := range out {
		if l.waited {
			if err := s.rewriteLetter(ctx, tx, u, settings, l.OutgoingLetter, l.messageRow); klachtdesk.ErrorCode(err) == klachtdesk.EINVALID {
				// The complaint no longer holds what the letter says:
				// staff see why on the complaint.
				if err := finishLetter(ctx, tx, u, l.ID, klachtdesk.LetterFailed, "could not be written again with the organisation's details: "+klachtdesk.ErrorMessage(err)); err != nil {
					return nil, err
				}
				continue
			} else if err != nil {
				return nil, err
			}
		}
		if _, err := tx.exec(ctx, `UPDATE outbox SET next_attempt_at = ?, attempts = attempts + 1 WHERE id = ?`, until, l.ID); err != nil {
			return nil, fmt.Errorf("lease letter %d: %w", l.ID, err)
		}
		letters = append(letters, l.OutgoingLetter)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return letters, nil
}

// rewriteLetter writes letter l, which waited for the organisation's
// details, again under settings, with a new Message-ID, and records that
// with a letter_rewritten event: the stored message is what leaves. A
// request for information gets its question from the info_requested event
// its action wrote in the same transaction (at the letter's creation).
func (s *OutboxService) rewriteLetter(ctx context.Context, tx *Tx, u *klachtdesk.User, settings klachtdesk.Settings, l *klachtdesk.OutgoingLetter, messageRow int64) error {
	c, err := findComplaintByReference(ctx, tx, l.Reference, nil)
	if err != nil {
		return err
	}
	letter := klachtdesk.Letter{Kind: l.Kind}
	if l.Kind == klachtdesk.LetterInfoRequest {
		kind := klachtdesk.RequestInfo{}.EventKind()
		events, err := findEvents(ctx, tx, `WHERE complaint_id = ? AND kind = ? AND at = ? ORDER BY id DESC LIMIT 1`, c.ID, kind, formatTime(l.CreatedAt))
		if err != nil {
			return err
		}
		if err := openEvents(ctx, tx, c.ID, events); err != nil {
			return fmt.Errorf("question of letter %d: %w", l.ID, err)
		}
		if len(events) > 0 {
			letter.Note = events[0].EventNote()
		}
	}
	subject, text, err := s.Letters.WriteLetter(letter, c, settings)
	if err != nil {
		return fmt.Errorf("write %s letter for %s again: %w", l.Kind, c.Reference, err)
	}
	msg := &klachtdesk.Message{
		ID: messageRow, ComplaintID: c.ID, Direction: klachtdesk.Outbound, Channel: klachtdesk.ChannelEmail,
		MessageID: klachtdesk.NewMessageID(c.Reference, settings.ComplaintEmail), From: settings.ComplaintEmail,
		Subject: subject, Text: text, At: l.CreatedAt,
	}
	if err := msg.Validate(); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE messages SET message_id = ?, from_addr = ?, subject = ?, text = ? WHERE id = ?`,
		msg.MessageID, msg.From, msg.Subject, msg.Text, messageRow); err != nil {
		return fmt.Errorf("write letter %d again: %w", l.ID, err)
	}
	if _, err := tx.exec(ctx, `UPDATE outbox SET reason = '' WHERE id = ?`, l.ID); err != nil {
		return fmt.Errorf("write letter %d again: %w", l.ID, err)
	}
	after, err := messageEventJSON(msg)
	if err != nil {
		return err
	}
	if err := appendEvent(ctx, tx, &klachtdesk.Event{
		ComplaintID: c.ID, Kind: klachtdesk.EventLetterRewritten, ActorID: u.ID, Actor: u.Username, After: after,
	}); err != nil {
		return err
	}
	l.MessageID, l.Subject, l.Text = msg.MessageID, msg.Subject, msg.Text
	return nil
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
	_, err = retryTx(ctx, s.db, nil, func() (struct{}, error) {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return struct{}{}, err
		}
		defer tx.Rollback()
		if err := finishLetter(ctx, tx, u, id, state, reason); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, tx.Commit()
	})
	return err
}

// finishLetter moves a queued letter to sent or failed, with its event. A
// letter already finished (another worker, or a resend after a crash) is
// left as it is.
func finishLetter(ctx context.Context, tx *Tx, u *klachtdesk.User, id int64, state klachtdesk.LetterState, reason string) error {
	reason = klachtdesk.Clip(klachtdesk.CleanText(reason), 2000)
	var complaintID, messageRow int64
	err := tx.queryRow(ctx, `UPDATE outbox SET state = ?, reason = '', last_error = ?, sent_at = ?
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
	_, err := retryTx(ctx, s.db, nil, func() (struct{}, error) {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return struct{}{}, err
		}
		defer tx.Rollback()
		if _, err := tx.exec(ctx, `UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ? AND state = 'queued'`,
			formatTime(next), klachtdesk.Clip(klachtdesk.CleanText(reason), 2000), id); err != nil {
			return struct{}{}, fmt.Errorf("retry letter %d: %w", id, err)
		}
		return struct{}{}, tx.Commit()
	})
	return err
}

// loadDeliveries fills the outbox state of the outbound messages in byID.
func loadDeliveries(ctx context.Context, tx *Tx, complaintID int64, byID map[int64]*klachtdesk.Message) error {
	rows, err := tx.query(ctx, `SELECT o.id, o.message_row, o.state, o.reason, o.last_error, o.attempts, o.sent_at
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
		if err := rows.Scan(&d.ID, &row, strDest[klachtdesk.LetterState]{&d.State}, &reason, &lastError, &d.Attempts, instantDest{&d.SentAt}); err != nil {
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

var _ klachtdesk.AddressService = (*OutboxService)(nil)

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
