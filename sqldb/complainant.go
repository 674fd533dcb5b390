package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/klachtdesk/klachtdesk"
)

// AnonymisedName is the name an anonymised complainant keeps.
const AnonymisedName = "geanonimiseerd"

// findComplainantByEmailKey returns the complainant matched on the e-mail
// key, or nil when there is none; the row is read for update.
func findComplainantByEmailKey(ctx context.Context, tx *Tx, key string) (*klachtdesk.Complainant, error) {
	cp := &klachtdesk.Complainant{}
	err := tx.queryRow(ctx, `SELECT `+complainantColumns+` FROM complainants WHERE email_key = ?`+tx.db.dialect.lockRows(), key).
		Scan(complainantDests(cp)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("find complainant: %w", err)
	}
	return cp, nil
}

// complainantChange returns the complainant_updated payloads for a known
// complainant's record before and after a new complaint updated it: the
// complainant's ID and the changed fields, under the key "complainant".
// appendEvent seals the contact data among them.
func complainantChange(was, now *klachtdesk.Complainant) (before, after json.RawMessage, changed bool, err error) {
	if was == nil {
		return nil, nil, false, nil
	}
	b, a := map[string]any{"id": was.ID}, map[string]any{"id": now.ID}
	for _, f := range []struct{ name, was, now string }{
		{"name", was.Name, now.Name},
		{"email", was.Email, now.Email},
		{"postal_address", was.PostalAddress, now.PostalAddress},
		{"phone", was.Phone, now.Phone},
		{"customer_number", was.CustomerNumber, now.CustomerNumber},
		{"type", string(was.Type), string(now.Type)},
		{"language", string(was.Language), string(now.Language)},
	} {
		if f.was != f.now {
			b[f.name], a[f.name], changed = f.was, f.now, true
		}
	}
	if !changed {
		return nil, nil, false, nil
	}
	if before, err = json.Marshal(map[string]any{"complainant": b}); err != nil {
		return nil, nil, false, fmt.Errorf("encode complainant change: %w", err)
	}
	if after, err = json.Marshal(map[string]any{"complainant": a}); err != nil {
		return nil, nil, false, fmt.Errorf("encode complainant change: %w", err)
	}
	return before, after, true, nil
}

// anonymiseComplainant empties the contact data of the complainant of c, an
// anonymised complaint, once none of their complaints is left that is not
// anonymised, and records that in a complainant_anonymised event of c that
// names no personal data. It returns the anonymised complainant, or nil
// when another complaint still needs them. The e-mail key goes too, so a
// later complaint from the same address starts a new complainant.
func anonymiseComplainant(ctx context.Context, tx *Tx, c *klachtdesk.Complaint, u *klachtdesk.User) (*klachtdesk.Complainant, error) {
	var remaining int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM complaints WHERE complainant_id = ? AND state <> ?`,
		c.ComplainantID, string(klachtdesk.StateAnonymised)).Scan(&remaining); err != nil {
		return nil, fmt.Errorf("count complaints of complainant %d: %w", c.ComplainantID, err)
	}
	if remaining > 0 {
		return nil, nil
	}
	cp := &klachtdesk.Complainant{}
	err := tx.queryRow(ctx, `UPDATE complainants SET name = ?, email = '', email_key = NULL, postal_address = '',
			phone = '', customer_number = '', updated_at = ?
		WHERE id = ? RETURNING `+complainantColumns,
		AnonymisedName, formatTime(tx.now), c.ComplainantID).Scan(complainantDests(cp)...)
	if err != nil {
		return nil, fmt.Errorf("anonymise complainant %d: %w", c.ComplainantID, err)
	}
	before, err := json.Marshal(map[string]any{"complainant": map[string]any{"id": cp.ID}})
	if err != nil {
		return nil, err
	}
	after, err := json.Marshal(map[string]any{"complainant": map[string]any{
		"id": cp.ID, "name": cp.Name, "email": "", "postal_address": "", "phone": "", "customer_number": "",
	}})
	if err != nil {
		return nil, err
	}
	if err := appendEvent(ctx, tx, &klachtdesk.Event{
		ComplaintID: c.ID, Kind: klachtdesk.EventComplainantAnonymised, ActorID: u.ID, Actor: u.Username,
		Before: before, After: after,
	}); err != nil {
		return nil, err
	}
	return cp, nil
}
