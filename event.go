package klachtdesk

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Event kinds that are not complaint actions.
const (
	EventCreated         = "created"
	EventSettingsChanged = "settings_changed"
	EventUserCreated     = "user_created"
	EventUserPassword    = "user_password_changed"
	EventMessageAdded    = "message_added"
	// EventComplainantUpdated records contact data a new complaint filled in
	// on a known complainant; EventComplainantAnonymised the anonymisation of
	// a complainant whose last complaint was anonymised.
	EventComplainantUpdated    = "complainant_updated"
	EventComplainantAnonymised = "complainant_anonymised"
)

// EventNoteKey is the key under which a complaint event's After carries the
// note of a Noted action. Keys starting with "_" are not complaint fields;
// Replay skips them.
const EventNoteKey = "_note"

// WithNote returns the JSON object after with note added under EventNoteKey
// (keys stay sorted). An empty note leaves after as it is.
func WithNote(after json.RawMessage, note string) (json.RawMessage, error) {
	if note == "" {
		return after, nil
	}
	m := map[string]json.RawMessage{}
	if len(after) > 0 {
		if err := json.Unmarshal(after, &m); err != nil {
			return nil, fmt.Errorf("event after is not a JSON object: %w", err)
		}
	}
	v, err := json.Marshal(note)
	if err != nil {
		return nil, err
	}
	m[EventNoteKey] = v
	return json.Marshal(m)
}

// EventNote returns the note an event's After carries, or "".
func (e *Event) EventNote() string {
	var m struct {
		Note string `json:"_note"`
	}
	_ = json.Unmarshal(e.After, &m) // a non-object After has no note
	return m.Note
}

// Event is one row of the append-only audit trail: who changed what, when,
// with the changed fields before and after as JSON. Rows are never updated or
// deleted; each carries Hash = SHA-256(PrevHash ‖ Canonical()), chaining every
// row to all rows before it.
type Event struct {
	ID          int64           `json:"id"`
	ComplaintID int64           `json:"complaint_id,omitempty"` // 0 for events not about one complaint
	Kind        string          `json:"kind"`
	ActorID     int64           `json:"actor_id"`
	Actor       string          `json:"actor"` // user name at the time
	At          time.Time       `json:"at"`
	Before      json.RawMessage `json:"before"`
	After       json.RawMessage `json:"after"`
	PrevHash    string          `json:"prev_hash"`
	Hash        string          `json:"hash"`
}

// Canonical returns the bytes the hash covers: every field but the hashes,
// in a fixed order and encoding, so that any edit to a row changes them.
func (e *Event) Canonical() []byte {
	var b bytes.Buffer
	b.WriteString("klachtdesk-event-v1\n")
	b.WriteString(strconv.FormatInt(e.ID, 10))
	b.WriteByte('\n')
	b.WriteString(strconv.FormatInt(e.ComplaintID, 10))
	b.WriteByte('\n')
	writeLenPrefixed(&b, e.Kind)
	b.WriteString(strconv.FormatInt(e.ActorID, 10))
	b.WriteByte('\n')
	writeLenPrefixed(&b, e.Actor)
	writeLenPrefixed(&b, e.At.UTC().Format(time.RFC3339Nano))
	writeLenPrefixed(&b, string(e.Before))
	writeLenPrefixed(&b, string(e.After))
	return b.Bytes()
}

// writeLenPrefixed makes field boundaries unambiguous whatever the text.
func writeLenPrefixed(b *bytes.Buffer, s string) {
	b.WriteString(strconv.Itoa(len(s)))
	b.WriteByte(':')
	b.WriteString(s)
	b.WriteByte('\n')
}

// ComputeHash returns hex(SHA-256(prevHash ‖ canonical event)).
func (e *Event) ComputeHash(prevHash string) string {
	h := sha256.New()
	h.Write([]byte(prevHash))
	h.Write(e.Canonical())
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets PrevHash and Hash; the store calls it with the hash of the row
// before, inside the transaction that appends the row.
func (e *Event) Seal(prevHash string) {
	e.PrevHash = prevHash
	e.Hash = e.ComputeHash(prevHash)
}

// ChainBreak describes the first row of the trail that does not verify.
type ChainBreak struct {
	EventID int64
	Reason  string
}

// VerifyChain checks a run of events in ID order that follows the row whose
// hash is prevHash ("" before the first row). It returns the hash of the last
// row and the first break, if any.
func VerifyChain(prevHash string, events []*Event) (string, *ChainBreak) {
	for _, e := range events {
		if e.PrevHash != prevHash {
			return prevHash, &ChainBreak{e.ID, fmt.Sprintf("prev_hash %.12s… does not match the hash of the row before (%.12s…): a row was removed, inserted or reordered", e.PrevHash, prevHash)}
		}
		if want := e.ComputeHash(prevHash); e.Hash != want {
			return prevHash, &ChainBreak{e.ID, "hash does not match the row's contents: the row was changed after it was written"}
		}
		prevHash = e.Hash
	}
	return prevHash, nil
}

// AuditReport is the outcome of walking the whole trail.
type AuditReport struct {
	Events int64       // rows checked
	Break  *ChainBreak // nil when intact
	// LastID and LastHash name the head of an intact chain. Recorded outside
	// Klachtdesk (an anchor), they let a later check prove that the trail up
	// to that row was not rewritten as a whole, which a self-contained chain
	// alone cannot show.
	LastID   int64
	LastHash string
}

// Anchor returns the head of the chain as "ID:HASH", the form
// `klachtdesk audit verify --anchor` takes.
func (r *AuditReport) Anchor() string { return fmt.Sprintf("%d:%s", r.LastID, r.LastHash) }

// ParseAnchor splits an anchor "ID:HASH" into its parts, or returns EINVALID.
func ParseAnchor(s string) (id int64, hash string, err error) {
	idText, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	id, perr := strconv.ParseInt(idText, 10, 64)
	if _, herr := hex.DecodeString(hash); !ok || perr != nil || id < 1 || herr != nil || len(hash) != 2*sha256.Size {
		return 0, "", Errorf(EINVALID, "%q is not an anchor of the form EVENT-ID:SHA-256-HEX as printed by audit verify", s)
	}
	return id, strings.ToLower(hash), nil
}

// AuditService reads the trail. Every method returns EUNAUTHORIZED when the
// acting user is inactive.
type AuditService interface {
	// VerifyAudit walks the whole chain in ID order and reports the first
	// broken row; a broken chain is a report, not an error.
	VerifyAudit(ctx context.Context) (*AuditReport, error)
	// EventHash returns the stored hash of event id (ENOTFOUND if there is
	// no such row), to check an anchor against a verified chain.
	EventHash(ctx context.Context, id int64) (string, error)
	// LastAnchor returns the anchor recorded last outside the database (the
	// anchor log of the data folder), nil when none was recorded.
	LastAnchor(ctx context.Context) (*Anchor, error)
	// RecordAnchor appends the head of the verified chain in report to the
	// anchor log, recorded by source. It refuses (ECONFLICT) while the last
	// anchor is no longer in the chain, unless source is AnchorAccepted:
	// a lost tail must stay reported until the operator accepts it. On a
	// data folder it may not write in, it returns EFORBIDDEN.
	RecordAnchor(ctx context.Context, report *AuditReport, source string) (*Anchor, error)
	// CheckStore checks every stored blob against its SHA-256 and the
	// database file with SQLite's quick_check.
	CheckStore(ctx context.Context) (*StoreCheck, error)
}

// AnchorLogName is the anchor log's file name in the data folder.
const AnchorLogName = "anchors.log"

// Who recorded an anchor.
const (
	AnchorServe    = "serve"            // serve, once a day
	AnchorVerify   = "verify"           // a successful audit verify
	AnchorAccepted = "restore-accepted" // audit verify --accept-restore after a restore
)

// Anchor is the head of the audit chain as recorded outside the database,
// at a time: a restored older backup or a cut write-ahead log loses the
// events after it, and a rewritten trail changes its hash, neither of
// which the chain alone can show.
type Anchor struct {
	At      time.Time `json:"at"`
	EventID int64     `json:"event_id"`
	Hash    string    `json:"hash"`
	Source  string    `json:"source"`
}

// String returns the anchor as "ID:HASH", the form ParseAnchor reads.
func (a *Anchor) String() string { return fmt.Sprintf("%d:%s", a.EventID, a.Hash) }

// StoreCheck is the outcome of checking what the store holds beside the
// audit trail: the blobs (raw mails, attachments) and the database file.
type StoreCheck struct {
	Blobs    int           // blobs checked
	Problems []BlobProblem // blobs missing or changed, by SHA-256
	// Integrity holds what SQLite's quick_check reported, empty when the
	// database file is sound.
	Integrity []string
}

// OK reports whether nothing was found wrong.
func (c *StoreCheck) OK() bool { return len(c.Problems) == 0 && len(c.Integrity) == 0 }

// BlobProblem is one stored content that is missing or no longer has its
// SHA-256, with every place that refers to it.
type BlobProblem struct {
	SHA256  string
	Missing bool // else changed: its bytes no longer hash to SHA256
	Uses    []BlobUse
}

// What a blob holds for the row that refers to it.
const (
	BlobAttachment = "attachment" // an attachment of a complaint's message
	BlobMessageRaw = "message"    // the raw mail of a complaint's message
	BlobInboundRaw = "inbound"    // the raw mail of a mail intake took
)

// BlobUse is a row that refers to a blob.
type BlobUse struct {
	Kind      string // BlobAttachment, BlobMessageRaw or BlobInboundRaw
	Reference string // the complaint's reference, "" when none
	Filename  string // of an attachment
	MessageID int64  // the message row of an attachment or raw mail
	InboundID int64  // the inbound row of BlobInboundRaw
}

// Diff returns the fields of a complaint that differ between before and after,
// as two JSON objects with sorted keys (a field absent on one side is null
// there). changed is false when nothing differs.
func Diff(before, after *Complaint) (b, a json.RawMessage, changed bool, err error) {
	if before == nil && after != nil {
		return created(after)
	}
	bm, err := fieldMap(before)
	if err != nil {
		return nil, nil, false, err
	}
	am, err := fieldMap(after)
	if err != nil {
		return nil, nil, false, err
	}
	bd, ad := map[string]any{}, map[string]any{}
	for k, av := range am {
		if bv, ok := bm[k]; !ok || !reflect.DeepEqual(av, bv) {
			ad[k], bd[k] = av, bm[k]
		}
	}
	for k, bv := range bm {
		if _, ok := am[k]; !ok {
			ad[k], bd[k] = nil, bv
		}
	}
	if len(ad) == 0 {
		return nil, nil, false, nil
	}
	if b, err = json.Marshal(bd); err != nil {
		return nil, nil, false, err
	}
	if a, err = json.Marshal(ad); err != nil {
		return nil, nil, false, err
	}
	return b, a, true, nil
}

// created is Diff(nil, c), the diff every registration writes, without
// decoding every value only to encode it again: each field of c against
// null.
func created(c *Complaint) (b, a json.RawMessage, changed bool, err error) {
	raw, err := json.Marshal(c)
	if err != nil {
		return nil, nil, false, fmt.Errorf("encode complaint: %w", err)
	}
	fields, err := topLevelFields(raw)
	if err != nil {
		return nil, nil, false, fmt.Errorf("encode complaint: %w", err)
	}
	if len(fields) == 0 {
		return nil, nil, false, nil
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i].key < fields[j].key })
	var bb, ab bytes.Buffer
	bb.Grow(len(fields) * 16)
	ab.Grow(len(raw))
	bb.WriteByte('{')
	ab.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			bb.WriteByte(',')
			ab.WriteByte(',')
		}
		bb.Write(f.rawKey)
		bb.WriteString(":null")
		ab.Write(f.rawKey)
		ab.WriteByte(':')
		ab.Write(f.value)
	}
	bb.WriteByte('}')
	ab.WriteByte('}')
	return bb.Bytes(), ab.Bytes(), true, nil
}

// field is one member of a JSON object: its key as encoded and decoded,
// and its value as encoded.
type field struct {
	rawKey, value []byte
	key           string
}

// topLevelFields splits a JSON object as encoding/json writes it (no
// insignificant space) into its members, without decoding their values.
func topLevelFields(raw []byte) ([]field, error) {
	if len(raw) < 2 || raw[0] != '{' || raw[len(raw)-1] != '}' {
		return nil, fmt.Errorf("not a JSON object: %.40s", raw)
	}
	var out []field
	for i := 1; i < len(raw)-1; {
		if raw[i] == ',' {
			i++
		}
		end, err := endOfValue(raw, i)
		if err != nil || end >= len(raw) || raw[end] != ':' {
			return nil, fmt.Errorf("malformed JSON object at %d: %.40s", i, raw[i:])
		}
		f := field{rawKey: raw[i:end]}
		if err := json.Unmarshal(f.rawKey, &f.key); err != nil {
			return nil, err
		}
		start := end + 1
		if end, err = endOfValue(raw, start); err != nil {
			return nil, err
		}
		f.value = raw[start:end]
		out = append(out, f)
		i = end
	}
	return out, nil
}

// endOfValue returns the index just past the JSON value that starts at
// raw[i], counting brackets outside strings.
func endOfValue(raw []byte, i int) (int, error) {
	depth, inString := 0, false
	for j := i; j < len(raw); j++ {
		ch := raw[j]
		switch {
		case inString:
			if ch == '\\' {
				j++
			} else if ch == '"' {
				inString = false
				if depth == 0 {
					return j + 1, nil
				}
			}
		case ch == '"':
			inString = true
		case ch == '{' || ch == '[':
			depth++
		case ch == '}' || ch == ']':
			if depth == 0 {
				return j, nil // the end of the enclosing object
			}
			if depth--; depth == 0 {
				return j + 1, nil
			}
		case ch == ',' || ch == ':':
			if depth == 0 {
				return j, nil
			}
		}
	}
	return 0, fmt.Errorf("unterminated JSON value at %d", i)
}

func fieldMap(c *Complaint) (map[string]any, error) {
	m := map[string]any{}
	if c == nil {
		return m, nil
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode complaint: %w", err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("decode complaint: %w", err)
	}
	return m, nil
}

// IsComplaintChange reports whether events of this kind record a change of
// the complaint record itself (their Before/After are field diffs), as opposed
// to events about messages, settings or users.
func IsComplaintChange(kind string) bool {
	switch kind {
	case EventMessageAdded, EventSettingsChanged, EventUserCreated, EventUserPassword,
		EventComplainantUpdated, EventComplainantAnonymised,
		EventLetterSent, EventLetterFailed, EventLetterHeld, EventLetterRewritten, EventLetterRequeued, EventUndeliverable,
		EventMessageAccepted, EventMessageMoved:
		return false
	}
	return true
}

// Replay derives a complaint's state from its events, oldest first, by
// applying each complaint change's "after" fields in turn; events of other
// kinds are skipped. An After that is not a JSON object is an error.
func Replay(events []*Event) (*Complaint, error) {
	m := map[string]any{}
	for _, e := range events {
		if !IsComplaintChange(e.Kind) {
			continue
		}
		var after map[string]any
		if err := json.Unmarshal(e.After, &after); err != nil {
			return nil, fmt.Errorf("event %d: after is not a JSON object: %w", e.ID, err)
		}
		keys := make([]string, 0, len(after))
		for k := range after {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.HasPrefix(k, "_") {
				continue // event metadata such as the note, not a field
			}
			if after[k] == nil {
				delete(m, k)
			} else {
				m[k] = after[k]
			}
		}
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var c Complaint
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("replayed state does not decode: %w", err)
	}
	return &c, nil
}
