package sqldb

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/klachtdesk/klachtdesk"
)

// Crypto-shredding. The audit trail is append-only and hash-chained, so a
// complaint's personal text written into it could never be removed. Instead
// the store seals every personal value of a complaint's events with AES-256-GCM
// under a random key of that complaint (table complaint_keys), before the row
// is hashed. Reading the complaint's events opens the values again; anonymising
// the complaint deletes the key, after which the sealed values read as null.
// The hash covers the sealed bytes, so the chain verifies before and after.

// complaintKeySize is the AES-256 key length.
const complaintKeySize = 32

// complaintKeys caches the ciphers of the complaint keys a transaction has
// read or made; a nil cipher records that the complaint has no key.
type complaintKeys map[int64]cipher.AEAD

// sqlInsertComplaintKey stores a complaint's key.
const sqlInsertComplaintKey = `INSERT INTO complaint_keys (complaint_id, key) VALUES (?, ?)`

// newComplaintKey makes and stores the random key of a newly registered
// complaint, inside its registering transaction.
func newComplaintKey(ctx context.Context, tx *Tx, complaintID int64) (cipher.AEAD, error) {
	key := make([]byte, complaintKeySize)
	rand.Read(key) // crypto/rand.Read never fails
	if _, err := tx.exec(ctx, sqlInsertComplaintKey, complaintID, hex.EncodeToString(key)); err != nil {
		return nil, fmt.Errorf("store key of complaint %d: %w", complaintID, err)
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	tx.cacheKey(complaintID, aead)
	return aead, nil
}

// complaintKey returns the cipher of a complaint's key, or nil when the
// complaint has none (it was anonymised).
func complaintKey(ctx context.Context, tx *Tx, complaintID int64) (cipher.AEAD, error) {
	if aead, ok := tx.keys[complaintID]; ok {
		return aead, nil
	}
	var text string
	err := tx.queryRow(ctx, `SELECT key FROM complaint_keys WHERE complaint_id = ?`, complaintID).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		tx.cacheKey(complaintID, nil)
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read key of complaint %d: %w", complaintID, err)
	}
	key, err := hex.DecodeString(text)
	if err != nil || len(key) != complaintKeySize {
		return nil, fmt.Errorf("stored key of complaint %d is not %d hex bytes", complaintID, complaintKeySize)
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	tx.cacheKey(complaintID, aead)
	return aead, nil
}

// destroyComplaintKey deletes a complaint's key, which makes every value
// sealed with it unreadable for good: that is how anonymisation reaches the
// audit trail.
func destroyComplaintKey(ctx context.Context, tx *Tx, complaintID int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM complaint_keys WHERE complaint_id = ?`, complaintID); err != nil {
		return fmt.Errorf("destroy key of complaint %d: %w", complaintID, err)
	}
	tx.cacheKey(complaintID, nil)
	return nil
}

func (tx *Tx) cacheKey(complaintID int64, aead cipher.AEAD) {
	if tx.keys == nil {
		tx.keys = complaintKeys{}
	}
	tx.keys[complaintID] = aead
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("complaint key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("complaint key: %w", err)
	}
	return aead, nil
}

// addMissingComplaintKeys gives every complaint that is not anonymised and
// has no key one: complaints registered before keys existed (migration
// 0002). Their earlier events stay as they were written; rows are never
// rewritten. Open runs it; after that every complaint that can still get
// events has a key, so sealEvent can refuse when one is missing.
func (db *DB) addMissingComplaintKeys(ctx context.Context) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT c.id FROM complaints c
		WHERE c.state <> ? AND NOT EXISTS (SELECT 1 FROM complaint_keys k WHERE k.complaint_id = c.id)`,
		string(klachtdesk.StateAnonymised))
	if err != nil {
		return fmt.Errorf("find complaints without a key: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("find complaints without a key: %w", err)
		}
		ids = append(ids, id)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return fmt.Errorf("find complaints without a key: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	for _, id := range ids {
		if _, err := newComplaintKey(ctx, tx, id); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// sealEvent seals the personal values of e, an event of complaint
// e.ComplaintID, in place; appendEvent calls it before hashing. The key is
// read only when there is something to seal. A complaint without a key was
// anonymised: nothing personal may be written about it any more.
func sealEvent(ctx context.Context, tx *Tx, e *klachtdesk.Event) error {
	fields := klachtdesk.PersonalEventFields(e.Kind)
	if len(fields) == 0 {
		return nil
	}
	var aead cipher.AEAD
	seal := func(name string, v json.RawMessage) (json.RawMessage, error) {
		if aead == nil {
			var err error
			if aead, err = complaintKey(ctx, tx, e.ComplaintID); err != nil {
				return nil, err
			} else if aead == nil {
				return nil, fmt.Errorf("complaint %d has no key (it was anonymised): %s cannot be written to the trail", e.ComplaintID, name)
			}
		}
		return sealValue(aead, e.ComplaintID, name, v)
	}
	var err error
	if e.Before, err = sealObject(e.Before, fields, seal); err != nil {
		return fmt.Errorf("seal before: %w", err)
	}
	if e.After, err = sealObject(e.After, fields, seal); err != nil {
		return fmt.Errorf("seal after: %w", err)
	}
	return nil
}

// sealAAD binds a sealed value to its complaint and field, so that it cannot
// be moved to another complaint or field and still open.
func sealAAD(complaintID int64, name string) []byte {
	b := make([]byte, 0, 32+len(name))
	b = append(b, "klachtdesk-seal-v1\n"...)
	b = strconv.AppendInt(b, complaintID, 10)
	b = append(b, '\n')
	return append(b, name...)
}

// sealValue returns {"sealed":"<base64 of nonce ‖ ciphertext of v>"}.
func sealValue(aead cipher.AEAD, complaintID int64, name string, v json.RawMessage) (json.RawMessage, error) {
	ns := aead.NonceSize()
	buf := make([]byte, ns, ns+len(v)+aead.Overhead())
	rand.Read(buf) // a random 96-bit nonce: a complaint's key seals only a few hundred values
	buf = aead.Seal(buf, buf[:ns], v, sealAAD(complaintID, name))
	// Base64 needs no JSON escaping.
	out := make([]byte, 0, len(`{"sealed":""}`)+base64.StdEncoding.EncodedLen(len(buf)))
	out = append(out, `{"sealed":"`...)
	out = base64.StdEncoding.AppendEncode(out, buf)
	return append(out, `"}`...), nil
}

// openValue returns the JSON value sealed in s, or null when aead is nil
// (the key was destroyed). A value that does not open was changed or moved.
func openValue(aead cipher.AEAD, complaintID int64, name, s string) (json.RawMessage, error) {
	if aead == nil {
		return json.RawMessage("null"), nil
	}
	buf, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(buf) < aead.NonceSize()+aead.Overhead() {
		return nil, fmt.Errorf("sealed %s is malformed", name)
	}
	ns := aead.NonceSize()
	v, err := aead.Open(nil, buf[:ns], buf[ns:], sealAAD(complaintID, name))
	if err != nil {
		return nil, fmt.Errorf("sealed %s does not open with the complaint's key: it was changed or moved", name)
	}
	return v, nil
}

// sealObject returns the JSON object raw with the non-null values of fields
// replaced by seal's result; names "a.b" reach into the object under key a.
// Everything else is copied byte for byte, so the members keep the sorted
// order Diff wrote them in and the encoding stays canonical. Scanning
// instead of decoding and encoding again keeps sealing cheap next to the
// rest of a registration.
func sealObject(raw json.RawMessage, fields []string, seal func(name string, v json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	i := skipSpace(raw, 0)
	if !json.Valid(raw) || i == len(raw) || raw[i] != '{' {
		return nil, fmt.Errorf("event payload is not a JSON object: %.40s", raw)
	}
	var (
		out  []byte // nil until a value is replaced
		done int    // raw[:done] is in out
	)
	for i++; ; {
		i = skipSpace(raw, i)
		if raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
		if raw[i] == '}' {
			break
		}
		keyStart := i
		i = skipString(raw, i)
		key := raw[keyStart+1 : i-1] // compared as string(key): no copy
		if bytes.IndexByte(key, '\\') >= 0 {
			var s string
			if err := json.Unmarshal(raw[keyStart:i], &s); err != nil {
				return nil, err
			}
			key = []byte(s)
		}
		i = skipSpace(raw, skipSpace(raw, i)+1) // past the colon
		valueStart := i
		i = skipValue(raw, i)
		v := raw[valueStart:i]
		if isNull(v) {
			continue
		}
		var (
			sealed json.RawMessage
			err    error
			nested []string
		)
		for _, f := range fields {
			if len(f) < len(key) || f[:len(key)] != string(key) {
				continue // the common case, decided without a copy
			}
			if len(f) == len(key) {
				sealed, err = seal(f, v)
				break
			}
			if f[len(key)] == '.' {
				nested = append(nested, f[len(key)+1:])
			}
		}
		if sealed == nil && err == nil && len(nested) > 0 && v[0] == '{' {
			head := string(key)
			sealed, err = sealObject(v, nested, func(name string, v json.RawMessage) (json.RawMessage, error) {
				return seal(head+"."+name, v)
			})
		}
		if err != nil {
			return nil, err
		}
		if sealed != nil && !bytes.Equal(sealed, v) {
			if out == nil {
				out = make([]byte, 0, len(raw)+len(raw)/2+64)
			}
			out = append(append(out, raw[done:valueStart]...), sealed...)
			done = i
		}
	}
	if out == nil {
		return raw, nil
	}
	return append(out, raw[done:]...), nil
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the JSON string starting at b[i].
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// skipValue returns the index after the valid JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && skipSpace(b, i) == i {
		i++
	}
	return i
}

// openEvents opens the sealed values of a complaint's events in place, with
// the complaint's key, or turns them into null when the key is gone. Null is
// what klachtdesk.Replay reads as "the field's zero value", and every field
// the store seals is emptied by Anonymise, which alone destroys the key: so
// an anonymised complaint still replays to exactly its stored record.
func openEvents(ctx context.Context, tx *Tx, complaintID int64, events []*klachtdesk.Event) error {
	var (
		aead   cipher.AEAD
		loaded bool
	)
	open := func(name, s string) (json.RawMessage, error) {
		if !loaded {
			var err error
			if aead, err = complaintKey(ctx, tx, complaintID); err != nil {
				return nil, err
			}
			loaded = true
		}
		return openValue(aead, complaintID, name, s)
	}
	for _, e := range events {
		var err error
		if e.Before, err = openObject(e.Before, open); err != nil {
			return fmt.Errorf("event %d before: %w", e.ID, err)
		}
		if e.After, err = openObject(e.After, open); err != nil {
			return fmt.Errorf("event %d after: %w", e.ID, err)
		}
	}
	return nil
}

var sealedMarker = []byte(`"sealed"`)

// openObject returns raw with every sealed value among its top-level values,
// and the values of objects directly under it, opened. Whatever kind wrote
// them, the name bound to the value says where it sits.
func openObject(raw json.RawMessage, open func(name, s string) (json.RawMessage, error)) (json.RawMessage, error) {
	if !bytes.Contains(raw, sealedMarker) {
		return raw, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return raw, nil // not an object: nothing the store sealed
	}
	changed := false
	for k, v := range m {
		if s, ok := sealedString(v); ok {
			opened, err := open(k, s)
			if err != nil {
				return nil, err
			}
			m[k], changed = opened, true
			continue
		}
		if len(v) == 0 || v[0] != '{' || !bytes.Contains(v, sealedMarker) {
			continue
		}
		var inner map[string]json.RawMessage
		if err := json.Unmarshal(v, &inner); err != nil {
			continue
		}
		innerChanged := false
		for ik, iv := range inner {
			if s, ok := sealedString(iv); ok {
				opened, err := open(k+"."+ik, s)
				if err != nil {
					return nil, err
				}
				inner[ik], innerChanged = opened, true
			}
		}
		if innerChanged {
			b, err := json.Marshal(inner)
			if err != nil {
				return nil, err
			}
			m[k], changed = b, true
		}
	}
	if !changed {
		return raw, nil
	}
	return json.Marshal(m)
}

// sealedString returns the base64 text of v if v is a sealed value: an
// object with the single key "sealed" holding a string. No field the store
// seals holds an object, so a sealed value cannot be mistaken for data.
func sealedString(v json.RawMessage) (string, bool) {
	if len(v) == 0 || v[0] != '{' {
		return "", false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(v, &m); err != nil || len(m) != 1 {
		return "", false
	}
	raw, ok := m["sealed"]
	var s string
	if !ok || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func isNull(v json.RawMessage) bool { return len(v) == 0 || string(v) == "null" }
