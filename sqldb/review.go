package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/klachtdesk/klachtdesk"
)

var _ klachtdesk.ReviewService = (*IntakeService)(nil)

// messageOf loads the inbound message with this ID and the complaint it is
// on, if the user may see that complaint; ENOTFOUND otherwise.
func messageOf(ctx context.Context, tx *Tx, id int64, u *klachtdesk.User) (*klachtdesk.Message, *klachtdesk.Complaint, error) {
	access, accessArgs := accessClause(u)
	m := &klachtdesk.Message{}
	var reference string
	err := tx.queryRow(ctx, `SELECT m.id, m.complaint_id, m.direction, m.from_addr, m.subject, m.text, m.at, m.unverified, c.reference
		FROM messages m JOIN complaints c ON c.id = m.complaint_id WHERE m.id = ?`+access, append([]any{id}, accessArgs...)...).
		Scan(&m.ID, &m.ComplaintID, strDest[klachtdesk.Direction]{&m.Direction}, &m.From, &m.Subject, &m.Text, instantDest{&m.At},
			boolDest{&m.Unverified}, &reference)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, klachtdesk.Errorf(klachtdesk.ENOTFOUND, "message %d not found", id)
	} else if err != nil {
		return nil, nil, fmt.Errorf("find message %d: %w", id, err)
	}
	c, err := findComplaintByReference(ctx, tx, reference, u)
	if err != nil {
		return nil, nil, err
	}
	return m, c, nil
}

// AcceptMessage accepts a reply from an unverified sender as part of its
// complaint: the mark goes, with a message_accepted event.
func (s *IntakeService) AcceptMessage(ctx context.Context, id int64) error {
	u, err := writer(ctx)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	m, c, err := messageOf(ctx, tx, id, u)
	if err != nil {
		return err
	}
	if !m.Unverified {
		return klachtdesk.Errorf(klachtdesk.EINVALID, "message %d of %s is not marked unverified", id, c.Reference)
	}
	if _, err := tx.exec(ctx, `UPDATE messages SET unverified = 0 WHERE id = ?`, id); err != nil {
		return fmt.Errorf("accept message %d: %w", id, err)
	}
	after, err := jsonObject(map[string]any{"message": id})
	if err != nil {
		return err
	}
	if err := appendEvent(ctx, tx, &klachtdesk.Event{ComplaintID: c.ID, Kind: klachtdesk.EventMessageAccepted, ActorID: u.ID, Actor: u.Username, After: after}); err != nil {
		return err
	}
	return tx.Commit()
}

// SplitMessage moves a received message off its complaint into a new
// complaint of its own (a mail that quoted someone else's reference, or was
// threaded wrongly): the sender becomes the complainant, the message's text
// the description, and the acknowledgement is queued as for any new
// complaint. Both complaints record the move.
func (s *IntakeService) SplitMessage(ctx context.Context, id int64) (*klachtdesk.Complaint, error) {
	u, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	m, from, err := messageOf(ctx, tx, id, u)
	if err != nil {
		return nil, err
	}
	if m.Direction != klachtdesk.Inbound {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "message %d is a letter we sent; only a received message can become a complaint", id)
	}
	if from.State == klachtdesk.StateAnonymised {
		return nil, klachtdesk.Errorf(klachtdesk.ETransitionNotAllowed, "complaint %s is anonymised", from.Reference)
	}
	sender, err := mail.ParseAddress(m.From)
	if err != nil || !strings.Contains(sender.Address, "@") {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "message %d has no usable sender address (%q): register its complaint by hand", id, m.From)
	}
	settings, err := loadSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	env := klachtdesk.Env{Now: tx.now, Settings: settings, Actor: u}
	c, err := createComplaint(ctx, tx, klachtdesk.NewComplaintFromMail(&klachtdesk.InboundMail{
		From: klachtdesk.Address{Name: sender.Name, Email: sender.Address}, Subject: m.Subject, NewText: m.Text, Language: from.Language,
	}, m.At), env)
	if err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `UPDATE messages SET complaint_id = ?, unverified = 0 WHERE id = ?`, c.ID, id); err != nil {
		return nil, fmt.Errorf("move message %d: %w", id, err)
	}
	if _, err := tx.exec(ctx, `UPDATE inbound SET complaint_id = ? WHERE message_row = ?`, c.ID, id); err != nil {
		return nil, fmt.Errorf("move message %d: %w", id, err)
	}
	for _, ev := range []struct {
		complaintID int64
		fields      map[string]any
	}{
		{from.ID, map[string]any{"message": id, "to": c.Reference}},
		{c.ID, map[string]any{"message": id, "from": from.Reference}},
	} {
		after, err := jsonObject(ev.fields)
		if err != nil {
			return nil, err
		}
		if err := appendEvent(ctx, tx, &klachtdesk.Event{ComplaintID: ev.complaintID, Kind: klachtdesk.EventMessageMoved, ActorID: u.ID, Actor: u.Username, After: after}); err != nil {
			return nil, err
		}
	}
	// The message is a complaint of its own now, as if it had arrived
	// as one: it gets what a new complaint gets.
	if err := s.writeMailLetter(ctx, tx, env, klachtdesk.Routing{Outcome: klachtdesk.OutcomeNew}, c, m.At, ""); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return c, nil
}
