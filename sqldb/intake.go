package sqldb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// inlineBlobMax is the largest content kept in the blobs table; larger
// contents are files in the blob store.
const inlineBlobMax = 128 << 10

// IntakeService registers received mail; it implements
// klachtdesk.IntakeService.
type IntakeService struct {
	db *DB
	// Own are our own addresses besides org.complaint_email, such as the
	// mailboxes intake reads: mail from them is never a complaint.
	Own []string
	// Letters writes the letters a mail causes (the acknowledgement, "we
	// received your reply"); nil writes none.
	Letters klachtdesk.LetterWriter
}

var _ klachtdesk.IntakeService = (*IntakeService)(nil)

// NewIntakeService returns the intake service of db.
func NewIntakeService(db *DB) *IntakeService { return &IntakeService{db: db} }

// own are our own addresses: the complaint address and s.Own.
func (s *IntakeService) own(settings klachtdesk.Settings) []string {
	return append([]string{settings.ComplaintEmail}, s.Own...)
}

// Take registers one mail; see klachtdesk.IntakeService.
func (s *IntakeService) Take(ctx context.Context, source string, receivedAt time.Time, raw []byte, m *klachtdesk.InboundMail) (*klachtdesk.IntakeResult, error) {
	rs, err := s.TakeMails(ctx, []klachtdesk.IncomingMail{{Source: source, ReceivedAt: receivedAt, Raw: raw, Mail: m}})
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// Taken reports whether a mail with this fingerprint was taken before, so
// that a re-read source can skip parsing it.
func (s *IntakeService) Taken(ctx context.Context, fingerprint string) (bool, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM inbound WHERE fingerprint = ?`, fingerprint).Scan(&n); err != nil {
		return false, fmt.Errorf("look up mail %s: %w", fingerprint, err)
	}
	return n > 0, nil
}

// TakeMails registers mails in one durable transaction, all or none, and
// returns their outcomes in order. Contents too large for the database are
// written to the blob store and synced before the transaction begins.
func (s *IntakeService) TakeMails(ctx context.Context, in []klachtdesk.IncomingMail) ([]*klachtdesk.IntakeResult, error) {
	u, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	for i, it := range in {
		if it.Mail == nil || len(it.Mail.Fingerprint) != 64 {
			return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "mail %d of %d (%s) has no fingerprint", i+1, len(in), it.Source)
		}
	}
	// Large contents go to files first (unless StoreLarge did so
	// already); small ones are written in the transaction. Either way they
	// are durable before it commits.
	for _, it := range in {
		if err := s.StoreLarge(it); err != nil {
			return nil, err
		}
	}

	// Another instance taking the same mail at the same moment (it took
	// over the mailbox's lease from one that stalled) makes the insert of
	// the intake log row fail on its fingerprint once the other commits:
	// run again, the mail is a duplicate.
	unique := func(err error) bool { return s.db.dialect.classify(err) == constraintUnique }
	return retryTx(ctx, s.db, unique, func() ([]*klachtdesk.IntakeResult, error) { return s.takeMails(ctx, u, in) })
}

// takeMails is one attempt of TakeMails: one transaction.
func (s *IntakeService) takeMails(ctx context.Context, u *klachtdesk.User, in []klachtdesk.IncomingMail) ([]*klachtdesk.IntakeResult, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	settings, err := loadSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	env := klachtdesk.Env{Now: tx.now, Settings: settings, Actor: u}
	out := make([]*klachtdesk.IntakeResult, len(in))
	for i, it := range in {
		r, err := s.take(ctx, tx, env, it)
		if err != nil {
			if len(in) > 1 {
				return nil, fmt.Errorf("mail %d of %d (%s): %w", i+1, len(in), it.Source, err)
			}
			return nil, err
		}
		out[i] = r
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return out, nil
}

// StoreLarge writes the contents of a mail too large for the database (raw
// bytes, attachments) to the blob store and syncs them. Intake calls it from
// its parsing workers, so that these writes run beside the one writer of
// the database; TakeMails calls it again and finds them stored.
func (s *IntakeService) StoreLarge(it klachtdesk.IncomingMail) error {
	for _, b := range append([][]byte{it.Raw}, partContents(it.Mail)...) {
		if len(b) <= inlineBlobMax {
			continue
		}
		h := sha256.Sum256(b)
		if p, err := s.db.blobs.path(hex.EncodeToString(h[:])); err == nil && fileExists(p) {
			continue
		}
		if _, _, err := s.db.blobs.put(bytes.NewReader(b)); err != nil {
			return s.db.unavailable(err)
		}
	}
	return nil
}

func partContents(m *klachtdesk.InboundMail) [][]byte {
	if m == nil {
		return nil
	}
	out := make([][]byte, len(m.Attachments))
	for i, p := range m.Attachments {
		out[i] = p.Content
	}
	return out
}

// take registers one mail inside tx.
func (s *IntakeService) take(ctx context.Context, tx *Tx, env klachtdesk.Env, it klachtdesk.IncomingMail) (*klachtdesk.IntakeResult, error) {
	m := it.Mail
	var (
		outcome   string
		reference sql.NullString
	)
	err := tx.queryRow(ctx, `SELECT i.outcome, c.reference FROM inbound i LEFT JOIN complaints c ON c.id = i.complaint_id
		WHERE i.fingerprint = ?`, m.Fingerprint).Scan(&outcome, &reference)
	if err == nil {
		return &klachtdesk.IntakeResult{Outcome: klachtdesk.OutcomeDuplicate, Reference: reference.String,
			Reason: "taken before as " + outcome}, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("look up mail: %w", err)
	}

	rawSum, err := putBlobTx(ctx, tx, it.Raw)
	if err != nil {
		return nil, err
	}
	// A source's clock that is unset, ahead or absurd: the mail counts as
	// received now.
	receivedAt := klachtdesk.ClampMailClock(it.ReceivedAt, env.Now)
	match, err := threadMatch(ctx, tx, m, env.Actor)
	if err != nil {
		return nil, err
	}
	routing := klachtdesk.RouteMail(m, match, s.own(env.Settings), env.Now, env.Settings)
	res := &klachtdesk.IntakeResult{Outcome: routing.Outcome, Reason: routing.Reason, Unverified: routing.Unverified}

	var complaint *klachtdesk.Complaint
	var msg *klachtdesk.Message
	switch routing.Outcome {
	case klachtdesk.OutcomeNew:
		complaint, err = createComplaint(ctx, tx, klachtdesk.NewComplaintFromMail(m, receivedAt), env)
		if err != nil {
			return nil, err
		}
		if msg, err = s.storeMessage(ctx, tx, env, complaint, it, rawSum, receivedAt, routing); err != nil {
			return nil, err
		}
		if err := s.writeMailLetter(ctx, tx, env, routing, complaint, receivedAt, m.MessageID); err != nil {
			return nil, err
		}
	case klachtdesk.OutcomeReply:
		complaint = routing.Complaint
		if routing.Reopen {
			if complaint, err = actTx(ctx, tx, s.db, complaint, klachtdesk.Reopen{Reason: "de klager antwoordde per e-mail / the complainant replied by e-mail"}, env.Actor); err != nil {
				return nil, err
			}
		}
		if msg, err = s.storeMessage(ctx, tx, env, complaint, it, rawSum, receivedAt, routing); err != nil {
			return nil, err
		}
		if err := s.writeMailLetter(ctx, tx, env, routing, complaint, receivedAt, m.MessageID); err != nil {
			return nil, err
		}
	case klachtdesk.OutcomeAutoReply, klachtdesk.OutcomeBounce:
		if err := noteAutoSubmitted(ctx, tx, m.From.Email, env.Now); err != nil {
			return nil, err
		}
		if complaint = routing.Complaint; complaint != nil {
			if msg, err = s.storeMessage(ctx, tx, env, complaint, it, rawSum, receivedAt, routing); err != nil {
				return nil, err
			}
		}
		if routing.Outcome == klachtdesk.OutcomeBounce {
			if err := markUndeliverable(ctx, tx, env, complaint, m); err != nil {
				return nil, err
			}
		}
	case klachtdesk.OutcomeRejected:
	default:
		return nil, fmt.Errorf("intake: unexpected routing %q", routing.Outcome)
	}
	var complaintID, messageRow any
	if complaint != nil {
		res.Reference = complaint.Reference
		complaintID = complaint.ID
	}
	if msg != nil {
		messageRow = msg.ID
	}
	if _, err := tx.exec(ctx, sqlInsertInbound,
		m.Fingerprint, klachtdesk.Clip(m.MessageID, 1000), rawSum, klachtdesk.Clip(klachtdesk.CleanLine(it.Source), 2000), formatTime(receivedAt), klachtdesk.Clip(m.From.Email, 1000),
		klachtdesk.Clip(m.Subject, 1000), string(res.Outcome), klachtdesk.Clip(res.Reason, 2000), complaintID, messageRow, formatTime(env.Now)); err != nil {
		return nil, fmt.Errorf("record mail %s: %w", it.Source, err)
	}
	return res, nil
}

// writeMailLetter writes the letter the domain's rule says a routed mail
// that arrived at arrived causes (klachtdesk.LetterForMail) for complaint
// c, the new complaint or the one the mail was added to, threaded to the
// mail (inReplyTo).
func (s *IntakeService) writeMailLetter(ctx context.Context, tx *Tx, env klachtdesk.Env, routing klachtdesk.Routing, c *klachtdesk.Complaint, arrived time.Time, inReplyTo string) error {
	if s.Letters == nil || c == nil {
		return nil
	}
	var last time.Time
	if routing.Outcome == klachtdesk.OutcomeReply {
		var err error
		if last, err = lastLetterAt(ctx, tx, c.ID); err != nil {
			return err
		}
	}
	l, ok := klachtdesk.LetterForMail(routing, arrived, last, env.Now, env.Settings)
	if !ok {
		return nil
	}
	return writeLetter(ctx, tx, env, s.Letters, c, l, inReplyTo, s.own(env.Settings))
}

// sqlInsertInbound records what became of a taken mail: its intake log row.
const sqlInsertInbound = `INSERT INTO inbound (fingerprint, message_id, raw_sha256, source, received_at, from_addr, subject, outcome, reason, complaint_id, message_row, taken_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// Quarantine keeps a mail that could not be processed: its raw bytes and an
// inbound row with outcome "error" and the reason, so that the source can let
// go of it and the mails behind it are not blocked. Taking the same mail
// again later finds it as a duplicate.
func (s *IntakeService) Quarantine(ctx context.Context, in klachtdesk.IncomingMail, reason string) error {
	source, receivedAt, raw := in.Source, in.ReceivedAt, in.Raw
	var fingerprint, from, subject, messageID string
	if m := in.Mail; m != nil { // parsed, but not stored
		fingerprint, from, subject, messageID = m.Fingerprint, m.From.Email, m.Subject, m.MessageID
	}
	if _, err := writer(ctx); err != nil {
		return err
	}
	if err := s.StoreLarge(klachtdesk.IncomingMail{Raw: raw}); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	sum, err := putBlobTx(ctx, tx, raw)
	if err != nil {
		return err
	}
	receivedAt = klachtdesk.ClampMailClock(receivedAt, tx.now)
	if fingerprint == "" {
		fingerprint = sum
	}
	if _, err := tx.exec(ctx, `INSERT INTO inbound (fingerprint, message_id, raw_sha256, source, received_at, from_addr, subject, outcome, reason, taken_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'error', ?, ?) ON CONFLICT (fingerprint) DO NOTHING`,
		fingerprint, klachtdesk.Clip(klachtdesk.CleanLine(messageID), 1000), sum, klachtdesk.Clip(klachtdesk.CleanLine(source), 2000), formatTime(receivedAt), klachtdesk.Clip(klachtdesk.CleanLine(from), 1000),
		klachtdesk.Clip(klachtdesk.CleanLine(subject), 1000), klachtdesk.Clip(klachtdesk.CleanText(reason), 2000), formatTime(tx.now)); err != nil {
		return fmt.Errorf("quarantine %s: %w", source, err)
	}
	return tx.Commit()
}

// threadMatch finds the complaints a mail may belong to: by our Message-IDs
// in its In-Reply-To, References (and, for a delivery report, the original
// letter's), and by the references in its subject.
func threadMatch(ctx context.Context, tx *Tx, m *klachtdesk.InboundMail, u *klachtdesk.User) (klachtdesk.ThreadMatch, error) {
	var match klachtdesk.ThreadMatch
	ids := make([]any, 0, 8)
	for _, list := range [][]string{m.InReplyTo, m.References, m.BounceOf} {
		for _, id := range list {
			if id != "" && len(ids) < 100 {
				ids = append(ids, id)
			}
		}
	}
	var err error
	if match.ByHeader, err = complaintByMessageID(ctx, tx, ids, klachtdesk.Outbound, u); err != nil || match.ByHeader != nil {
		return match, err
	}
	// A follow-up to the complainant's own earlier mail. Their Message-IDs
	// are not ours, so this is only as strong as a reference in the
	// subject: verified by the sender's address.
	if match.BySubject, err = complaintByMessageID(ctx, tx, ids, klachtdesk.Inbound, u); err != nil || match.BySubject != nil {
		return match, err
	}
	for i, ref := range klachtdesk.FindReferences(m.Subject) {
		if i == 5 {
			break
		}
		c, err := findComplaintByReference(ctx, tx, ref, u)
		if klachtdesk.ErrorCode(err) == klachtdesk.ENOTFOUND {
			continue
		} else if err != nil {
			return match, err
		}
		match.BySubject = c
		break
	}
	return match, nil
}

// complaintByMessageID returns the complaint with the latest message in the
// given direction whose Message-ID is one of ids, nil when none has.
func complaintByMessageID(ctx context.Context, tx *Tx, ids []any, dir klachtdesk.Direction, u *klachtdesk.User) (*klachtdesk.Complaint, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var ref string
	err := tx.QueryRowContext(ctx, `SELECT c.reference FROM messages m JOIN complaints c ON c.id = m.complaint_id
		WHERE m.direction = ? AND m.message_id IN (`+placeholders(len(ids))+`) ORDER BY m.id DESC LIMIT 1`,
		append([]any{string(dir)}, ids...)...).Scan(&ref)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("thread by Message-ID: %w", err)
	}
	return findComplaintByReference(ctx, tx, ref, u)
}

// storeMessage adds the mail as a message of c, with its attachments.
func (s *IntakeService) storeMessage(ctx context.Context, tx *Tx, env klachtdesk.Env, c *klachtdesk.Complaint, it klachtdesk.IncomingMail, rawSum string, at time.Time, routing klachtdesk.Routing) (*klachtdesk.Message, error) {
	m := it.Mail
	to := make([]string, 0, len(m.To))
	for _, a := range m.To {
		to = append(to, a.String())
	}
	msg := &klachtdesk.Message{
		ComplaintID: c.ID, Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail,
		MessageID: klachtdesk.Clip(m.MessageID, 998), From: klachtdesk.Clip(m.From.String(), 1000), To: klachtdesk.Clip(strings.Join(to, ", "), 10_000),
		Subject: klachtdesk.Clip(m.Subject, 10_000), Text: klachtdesk.Clip(m.NewText, 900_000), Quoted: klachtdesk.Clip(m.Quoted, 900_000),
		HTML: klachtdesk.Clip(m.HTML, 1_900_000), RawSHA256: rawSum, At: at, Auto: m.Auto, Unverified: routing.Unverified,
	}
	if msg.Text == "" {
		msg.Text = klachtdesk.Clip(m.Text, 900_000)
	}
	atts := make([]*klachtdesk.Attachment, 0, len(m.Attachments))
	for _, p := range m.Attachments {
		a, err := klachtdesk.NewAttachment{Filename: klachtdesk.Clip(p.Filename, 255), ContentType: klachtdesk.Clip(p.ContentType, 255), Content: bytes.NewReader(p.Content)}.Validate()
		if err != nil {
			return nil, err
		}
		if a.SHA256, err = putBlobTx(ctx, tx, p.Content); err != nil {
			return nil, err
		}
		a.Size = int64(len(p.Content))
		atts = append(atts, a)
	}
	if err := insertMessage(ctx, tx, msg, atts, env.Actor, c.Reference); err != nil {
		return nil, err
	}
	return msg, nil
}

// sqlInsertMessage stores a message; its id comes from the database.
const sqlInsertMessage = `INSERT INTO messages (complaint_id, direction, channel, message_id, from_addr, to_addr, subject, text, raw_sha256, at, quoted, html, auto, unverified)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// insertMessage writes m (Validate first) and its attachments' metadata on
// complaint m.ComplaintID with a message_added event. A Message-ID already
// stored on the complaint (a sender reusing one for a different mail) is
// kept out of the unique column; the inbound row still records it.
func insertMessage(ctx context.Context, tx *Tx, m *klachtdesk.Message, atts []*klachtdesk.Attachment, u *klachtdesk.User, reference string) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if m.At.IsZero() {
		m.At = tx.now
	}
	m.At = m.At.UTC()
	var messageID any
	if m.MessageID != "" && (m.Direction == klachtdesk.Outbound || m.ComplaintID == tx.created) {
		// Ours carry a random part; a complaint registered in this
		// transaction has no messages yet.
		messageID = m.MessageID
	} else if m.MessageID != "" {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM messages WHERE complaint_id = ? AND message_id = ?`, m.ComplaintID, m.MessageID).Scan(&n); err != nil {
			return fmt.Errorf("store message on %s: %w", reference, err)
		}
		if n == 0 {
			messageID = m.MessageID
		}
	}
	var err error
	m.ID, err = tx.insert(ctx, sqlInsertMessage,
		m.ComplaintID, string(m.Direction), string(m.Channel), messageID, m.From, m.To,
		m.Subject, m.Text, m.RawSHA256, formatTime(m.At), m.Quoted, m.HTML, string(m.Auto), boolInt(m.Unverified))
	if err != nil {
		return fmt.Errorf("store message on %s: %w", reference, err)
	}
	m.Attachments = nil
	for _, a := range atts {
		a.MessageID = m.ID
		if a.ID, err = tx.insert(ctx, `INSERT INTO attachments (message_id, filename, content_type, size, sha256)
			VALUES (?, ?, ?, ?, ?)`, a.MessageID, a.Filename, a.ContentType, a.Size, a.SHA256); err != nil {
			return fmt.Errorf("store attachment %s on %s: %w", a.Filename, reference, err)
		}
		m.Attachments = append(m.Attachments, a)
	}
	after, err := messageEventJSON(m)
	if err != nil {
		return err
	}
	return appendEvent(ctx, tx, &klachtdesk.Event{
		ComplaintID: m.ComplaintID, Kind: klachtdesk.EventMessageAdded, ActorID: u.ID, Actor: u.Username, After: after,
	})
}

// sqlInsertBlob stores a small content in the blobs table, once.
const sqlInsertBlob = `INSERT INTO blobs (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`

// putBlobTx stores content in the blobs table inside tx, or, when it is
// too large for that, checks that the blob store already holds it (the
// caller put it there before the transaction). It returns the SHA-256.
func putBlobTx(ctx context.Context, tx *Tx, content []byte) (string, error) {
	h := sha256.Sum256(content)
	sum := hex.EncodeToString(h[:])
	if len(content) > inlineBlobMax {
		p, err := tx.db.blobs.path(sum)
		if err != nil {
			return "", err
		}
		if !fileExists(p) {
			return "", fmt.Errorf("blob %s was not stored before the transaction", sum)
		}
		return sum, nil
	}
	if _, err := tx.exec(ctx, sqlInsertBlob, sum, len(content), content); err != nil {
		return "", fmt.Errorf("store blob %s: %w", sum, err)
	}
	return sum, nil
}

// noteAutoSubmitted remembers that addr sent an auto-submitted mail now:
// no automatic letter goes to it for the window that follows.
func noteAutoSubmitted(ctx context.Context, tx *Tx, addr string, now time.Time) error {
	key := emailKey(addr)
	if key == "" {
		return nil
	}
	if _, err := tx.exec(ctx, `INSERT INTO mail_addresses (email_key, last_auto_submitted) VALUES (?, ?)
		ON CONFLICT (email_key) DO UPDATE SET last_auto_submitted = excluded.last_auto_submitted`, klachtdesk.Clip(key, 1000), formatTime(now)); err != nil {
		return fmt.Errorf("note auto-submitted mail from %s: %w", key, err)
	}
	return nil
}

// markUndeliverable records a delivery report: the addresses it names as
// failed (or, when it names none, the complainant's address of the complaint
// whose letter bounced) are undeliverable, which the complaint shows and
// which holds back further automatic letters.
func markUndeliverable(ctx context.Context, tx *Tx, env klachtdesk.Env, c *klachtdesk.Complaint, m *klachtdesk.InboundMail) error {
	addrs := m.BouncedRecipients
	if len(addrs) == 0 && c != nil && c.Complainant != nil && c.Complainant.Email != "" {
		addrs = []string{c.Complainant.Email}
	}
	reason := klachtdesk.Clip(klachtdesk.CleanLine(firstLine(m.NewText, m.Text, m.Subject)), 500)
	for i, a := range addrs {
		if i == 20 {
			break
		}
		key := emailKey(a)
		if !strings.Contains(key, "@") {
			continue
		}
		if _, err := tx.exec(ctx, `INSERT INTO mail_addresses (email_key, undeliverable_at, undeliverable_reason) VALUES (?, ?, ?)
			ON CONFLICT (email_key) DO UPDATE SET undeliverable_at = excluded.undeliverable_at, undeliverable_reason = excluded.undeliverable_reason`,
			klachtdesk.Clip(key, 1000), formatTime(env.Now), reason); err != nil {
			return fmt.Errorf("mark %s undeliverable: %w", key, err)
		}
		if c != nil {
			after, err := jsonObject(map[string]any{"address": key, "reason": reason})
			if err != nil {
				return err
			}
			if err := appendEvent(ctx, tx, &klachtdesk.Event{
				ComplaintID: c.ID, Kind: klachtdesk.EventUndeliverable, ActorID: env.Actor.ID, Actor: env.Actor.Username, After: after,
			}); err != nil {
				return err
			}
		}
	}
	return nil
}

func firstLine(texts ...string) string {
	for _, t := range texts {
		for line := range strings.SplitSeq(t, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				return line
			}
		}
	}
	return ""
}

var _ klachtdesk.QuarantineService = (*IntakeService)(nil)

// QuarantinedMails returns the mails in quarantine (rejected, or not
// processable), newest first, at most limit (all when limit is 0). Only an
// administrator may read them: they were never assigned to a complaint, so
// the conflict rule cannot guard them.
func (s *IntakeService) QuarantinedMails(ctx context.Context, limit int) ([]*klachtdesk.QuarantinedMail, error) {
	if _, err := admin(ctx, "read the quarantine"); err != nil {
		return nil, err
	}
	if limit < 0 {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "limit must not be negative")
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	q := `SELECT id, outcome, reason, source, from_addr, subject, message_id, received_at, taken_at, raw_sha256
		FROM inbound WHERE outcome IN ('rejected', 'error') ORDER BY taken_at DESC, id DESC`
	args := []any{}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read the quarantine: %w", err)
	}
	defer rows.Close()
	var out []*klachtdesk.QuarantinedMail
	for rows.Next() {
		m := &klachtdesk.QuarantinedMail{}
		if err := rows.Scan(&m.ID, strDest[klachtdesk.Outcome]{&m.Outcome}, &m.Reason, &m.Source, &m.From, &m.Subject, &m.MessageID,
			instantDest{&m.ReceivedAt}, instantDest{&m.TakenAt}, &m.RawSHA256); err != nil {
			return nil, fmt.Errorf("read the quarantine: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the quarantine: %w", err)
	}
	return out, nil
}

// OpenQuarantinedMail returns the raw bytes of quarantined mail id
// (ENOTFOUND when no mail in quarantine has that id). Administrators only.
func (s *IntakeService) OpenQuarantinedMail(ctx context.Context, id int64) (io.ReadCloser, error) {
	if _, err := admin(ctx, "read the quarantine"); err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var sum string
	err = tx.queryRow(ctx, `SELECT raw_sha256 FROM inbound WHERE id = ? AND outcome IN ('rejected', 'error')`, id).Scan(&sum)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, klachtdesk.Errorf(klachtdesk.ENOTFOUND, "no mail #%d in quarantine", id)
	} else if err != nil {
		return nil, fmt.Errorf("read quarantined mail #%d: %w", id, err)
	}
	return openBlob(ctx, tx, sum)
}

// RetryQuarantined takes mail id out of quarantine and through intake
// again, as it would be taken now (after the cause was fixed): in one
// transaction the quarantine row gives way to the mail's new outcome, so
// that a crash leaves it either in quarantine or taken, never lost. in must
// hold the quarantined raw bytes, parsed; the mail keeps its source and its
// arrival. A mail intake refuses again is back in quarantine (rejected,
// with the new reason); when taking it fails, it stays as it was and the
// error says why. Administrators only.
func (s *IntakeService) RetryQuarantined(ctx context.Context, id int64, in klachtdesk.IncomingMail) (*klachtdesk.IntakeResult, error) {
	u, err := admin(ctx, "take mail out of quarantine")
	if err != nil {
		return nil, err
	}
	if in.Mail == nil || len(in.Mail.Fingerprint) != 64 {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "quarantined mail #%d: give it parsed, with its fingerprint", id)
	}
	if err := s.StoreLarge(in); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var sum, source string
	var receivedAt time.Time
	err = tx.queryRow(ctx, `SELECT raw_sha256, source, received_at FROM inbound WHERE id = ? AND outcome IN ('rejected', 'error')`, id).
		Scan(&sum, &source, instantDest{&receivedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, klachtdesk.Errorf(klachtdesk.ENOTFOUND, "no mail #%d in quarantine", id)
	} else if err != nil {
		return nil, fmt.Errorf("read quarantined mail #%d: %w", id, err)
	}
	if h := sha256.Sum256(in.Raw); hex.EncodeToString(h[:]) != sum {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "the mail given is not quarantined mail #%d", id)
	}
	if _, err := tx.exec(ctx, `DELETE FROM inbound WHERE id = ?`, id); err != nil {
		return nil, fmt.Errorf("take mail #%d out of quarantine: %w", id, err)
	}
	settings, err := loadSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	in.Source, in.ReceivedAt = source, receivedAt
	r, err := s.take(ctx, tx, klachtdesk.Env{Now: tx.now, Settings: settings, Actor: u}, in)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return r, nil
}

// MailboxState returns the UIDVALIDITY and highest UID taken from an IMAP
// mailbox, zeros for one never read.
func (s *IntakeService) MailboxState(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	err = tx.queryRow(ctx, `SELECT uid_validity, last_uid FROM imap_state WHERE mailbox = ?`, mailbox).Scan(&uidValidity, &lastUID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	} else if err != nil {
		return 0, 0, fmt.Errorf("state of mailbox %s: %w", mailbox, err)
	}
	return uidValidity, lastUID, nil
}

// SetMailboxState records the UIDVALIDITY and highest UID taken. The state
// only moves forward within one UIDVALIDITY: an instance that lost its
// mailbox lease while it stalled cannot take back the progress of the one
// that took over.
func (s *IntakeService) SetMailboxState(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error {
	if _, err := writer(ctx); err != nil {
		return err
	}
	_, err := retryTx(ctx, s.db, nil, func() (struct{}, error) {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return struct{}{}, err
		}
		defer tx.Rollback()
		if _, err := tx.exec(ctx, `INSERT INTO imap_state (mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid, updated_at = excluded.updated_at
			WHERE imap_state.uid_validity <> excluded.uid_validity OR imap_state.last_uid < excluded.last_uid`,
			mailbox, int64(uidValidity), int64(lastUID), formatTime(tx.now)); err != nil {
			return struct{}{}, fmt.Errorf("state of mailbox %s: %w", mailbox, err)
		}
		return struct{}{}, tx.Commit()
	})
	return err
}
