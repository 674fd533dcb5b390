package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// MessageService stores the messages of complaints and their attachments;
// it implements klachtdesk.MessageService.
type MessageService struct {
	db *DB
}

var _ klachtdesk.MessageService = (*MessageService)(nil)

// NewMessageService returns the message service of db.
func NewMessageService(db *DB) *MessageService { return &MessageService{db: db} }

// AddMessage stores m on the complaint with the given reference, its files in
// the blob backend and a message_added event. The files are written and
// made durable before the transaction starts, which keeps the write lock short; if
// the transaction then fails they stay behind unreferenced, which is
// harmless. ECONFLICT when the complaint already has a message with m's
// Message-ID.
func (s *MessageService) AddMessage(ctx context.Context, reference string, m *klachtdesk.Message, files []klachtdesk.NewAttachment) error {
	u, err := writer(ctx)
	if err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	atts := make([]*klachtdesk.Attachment, len(files))
	for i, f := range files {
		a, err := f.Validate()
		if err != nil {
			return err
		}
		if a.SHA256, a.Size, err = s.db.putBlob(ctx, f.Content); err != nil {
			return err
		}
		atts[i] = a
	}

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	c, err := findComplaintByReference(ctx, tx, reference, u)
	if err != nil {
		return err
	}
	if c.State == klachtdesk.StateAnonymised {
		// Its personal data are gone and its key destroyed; a later message
		// from the same person belongs to a new complaint.
		return klachtdesk.Errorf(klachtdesk.ETransitionNotAllowed, "complaint %s is anonymised: register the message as a new complaint", reference)
	}
	stored := *m
	stored.ComplaintID = c.ID
	if stored.MessageID != "" {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM messages WHERE complaint_id = ? AND message_id = ?`, c.ID, stored.MessageID).Scan(&n); err != nil {
			return fmt.Errorf("store message on %s: %w", reference, err)
		}
		if n > 0 {
			return klachtdesk.Errorf(klachtdesk.ECONFLICT, "message %s is already stored on complaint %s", stored.MessageID, reference)
		}
	}
	if err := insertMessage(ctx, tx, &stored, atts, u, reference); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	*m = stored
	return nil
}

// messageEventJSON is the "after" of a message_added event. The message sits
// under one key, so that replaying a complaint's events leaves the
// complaint's own fields alone, and its text is represented by its SHA-256:
// the trail can prove the text unchanged without holding personal data that
// retention must later remove from the messages table.
func messageEventJSON(m *klachtdesk.Message) (json.RawMessage, error) {
	sum := sha256.Sum256([]byte(m.Text))
	type attachment struct {
		ID          int64  `json:"id"`
		Filename    string `json:"filename"`
		ContentType string `json:"content_type"`
		Size        int64  `json:"size"`
		SHA256      string `json:"sha256"`
	}
	ev := struct {
		ID          int64                `json:"id"`
		Direction   klachtdesk.Direction `json:"direction"`
		Channel     klachtdesk.Channel   `json:"channel"`
		MessageID   string               `json:"message_id,omitempty"`
		Subject     string               `json:"subject,omitempty"`
		TextSHA256  string               `json:"text_sha256"`
		RawSHA256   string               `json:"raw_sha256,omitempty"`
		At          time.Time            `json:"at"`
		Attachments []attachment         `json:"attachments,omitempty"`
	}{m.ID, m.Direction, m.Channel, m.MessageID, m.Subject, hex.EncodeToString(sum[:]), m.RawSHA256, m.At, nil}
	for _, a := range m.Attachments {
		ev.Attachments = append(ev.Attachments, attachment{a.ID, a.Filename, a.ContentType, a.Size, a.SHA256})
	}
	b, err := json.Marshal(map[string]any{"message": ev})
	if err != nil {
		return nil, fmt.Errorf("encode message event: %w", err)
	}
	return b, nil
}

// ComplaintMessages returns the messages of a complaint the user may see,
// oldest first, with their attachments' metadata.
func (s *MessageService) ComplaintMessages(ctx context.Context, reference string) ([]*klachtdesk.Message, error) {
	u, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	complaintID, err := findComplaintID(ctx, tx, reference, u)
	if err != nil {
		return nil, err
	}

	rows, err := tx.query(ctx, `SELECT id, complaint_id, direction, channel, message_id, from_addr, to_addr, subject, text, raw_sha256, at,
			quoted, html, auto, unverified
		FROM messages WHERE complaint_id = ? ORDER BY at, id`, complaintID)
	if err != nil {
		return nil, fmt.Errorf("messages of %s: %w", reference, err)
	}
	defer rows.Close()
	var out []*klachtdesk.Message
	byID := map[int64]*klachtdesk.Message{}
	for rows.Next() {
		m := &klachtdesk.Message{}
		var messageID sql.NullString
		if err := rows.Scan(&m.ID, &m.ComplaintID, strDest[klachtdesk.Direction]{&m.Direction}, strDest[klachtdesk.Channel]{&m.Channel},
			&messageID, &m.From, &m.To, &m.Subject, &m.Text, &m.RawSHA256, instantDest{&m.At},
			&m.Quoted, &m.HTML, strDest[klachtdesk.AutoKind]{&m.Auto}, boolDest{&m.Unverified}); err != nil {
			return nil, fmt.Errorf("messages of %s: %w", reference, err)
		}
		m.MessageID = messageID.String
		out = append(out, m)
		byID[m.ID] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("messages of %s: %w", reference, err)
	}
	rows.Close()
	if err := loadDeliveries(ctx, tx, complaintID, byID); err != nil {
		return nil, err
	}

	rows, err = tx.query(ctx, `SELECT a.id, a.message_id, a.filename, a.content_type, a.size, a.sha256
		FROM attachments a JOIN messages m ON m.id = a.message_id
		WHERE m.complaint_id = ? ORDER BY a.id`, complaintID)
	if err != nil {
		return nil, fmt.Errorf("attachments of %s: %w", reference, err)
	}
	defer rows.Close()
	for rows.Next() {
		a := &klachtdesk.Attachment{}
		if err := rows.Scan(&a.ID, &a.MessageID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256); err != nil {
			return nil, fmt.Errorf("attachments of %s: %w", reference, err)
		}
		if m := byID[a.MessageID]; m != nil {
			m.Attachments = append(m.Attachments, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("attachments of %s: %w", reference, err)
	}
	return out, nil
}

// OpenAttachment returns an attachment's metadata and content, or ENOTFOUND
// when it does not exist or the user may not see its complaint. The caller
// closes the content.
func (s *MessageService) OpenAttachment(ctx context.Context, id int64) (*klachtdesk.Attachment, io.ReadCloser, error) {
	u, err := actor(ctx)
	if err != nil {
		return nil, nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	access, accessArgs := accessClause(u)
	a := &klachtdesk.Attachment{}
	err = tx.queryRow(ctx, `SELECT a.id, a.message_id, a.filename, a.content_type, a.size, a.sha256
		FROM attachments a JOIN messages m ON m.id = a.message_id JOIN complaints c ON c.id = m.complaint_id
		WHERE a.id = ?`+access, append([]any{id}, accessArgs...)...).
		Scan(&a.ID, &a.MessageID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, klachtdesk.Errorf(klachtdesk.ENOTFOUND, "attachment %d not found", id)
	} else if err != nil {
		return nil, nil, fmt.Errorf("find attachment %d: %w", id, err)
	}
	f, err := openBlob(ctx, tx, a.SHA256)
	if err != nil {
		return nil, nil, err
	}
	return a, f, nil
}

// anonymiseMessages empties the personal parts of a complaint's messages when
// the complaint is anonymised: addresses, subject, text and attachment file
// names. The rows stay, so counts per channel and direction still add up.
// Attachment and raw-message files stay in the blob store until retention
// removes unreferenced blobs (see docs/decisions.md).
func anonymiseMessages(ctx context.Context, tx *Tx, complaintID int64) error {
	if _, err := tx.exec(ctx, `UPDATE messages SET from_addr = '', to_addr = '', subject = '', text = '', quoted = '', html = ''
		WHERE complaint_id = ?`, complaintID); err != nil {
		return fmt.Errorf("anonymise messages of complaint %d: %w", complaintID, err)
	}
	if _, err := tx.exec(ctx, `UPDATE inbound SET from_addr = '', subject = '' WHERE complaint_id = ?`, complaintID); err != nil {
		return fmt.Errorf("anonymise received mail of complaint %d: %w", complaintID, err)
	}
	// A letter still waiting can no longer go out: its text and address are
	// gone. The anonymisation event covers it.
	if _, err := tx.exec(ctx, `UPDATE outbox SET to_key = '', last_error = '', reason = '',
		state = CASE WHEN state = 'queued' THEN 'failed' ELSE state END WHERE complaint_id = ?`, complaintID); err != nil {
		return fmt.Errorf("anonymise letters of complaint %d: %w", complaintID, err)
	}
	if _, err := tx.exec(ctx, `UPDATE attachments SET filename = ?
		WHERE message_id IN (SELECT id FROM messages WHERE complaint_id = ?)`, "geanonimiseerd", complaintID); err != nil {
		return fmt.Errorf("anonymise attachments of complaint %d: %w", complaintID, err)
	}
	return nil
}
