package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// BareRows selects the rows BareIntake writes for each mail.
type BareRows string

// Row sets of BareIntake.
const (
	// BareFull: the rows intake writes for a new complaint, on the store's
	// schema.
	BareFull BareRows = "full"
	// BareLean: the same rows on a schema with six fewer b-trees per
	// registration (see leanSchema).
	BareLean BareRows = "lean"
	// BareMinimal: only the raw mail, the complaint, its created event and
	// the outbox row, on the lean schema.
	BareMinimal BareRows = "minimal"
	// BareTiny: one 100-byte row, which is what a durable commit costs.
	BareTiny BareRows = "tiny"
)

// BareIntake is the floor bench/import measures intake against: it writes,
// per raw mail, the rows intake writes for a new complaint, with intake's
// own statements (the same constants the store runs) and values of the same
// sizes: the raw mail as a blob, the complainant, the reference counter,
// the complaint and its key, three events (created; the mail and the
// acknowledgement as messages) and the audit head, both messages, the
// outbox row and the inbound row. Nothing else: no parsing beyond what the
// rows need, no lookups, no diff, no sealing, no hash chain, no letter.
// perTx mails share one transaction; synchronous is SQLite's setting, FULL
// or NORMAL (what durability costs).
//
// With BareFull, path is the store's migrated, empty database. The other
// row sets write to a new file at path, with leanSchema.
func BareIntake(ctx context.Context, path string, rows BareRows, raws [][]byte, synchronous string, perTx int) error {
	switch rows {
	case BareFull, BareLean, BareMinimal, BareTiny:
	default:
		return fmt.Errorf("bare intake: rows must be full, lean, minimal or tiny, not %q", rows)
	}
	if synchronous != "FULL" && synchronous != "NORMAL" {
		return fmt.Errorf("bare intake: synchronous must be FULL or NORMAL, not %q", synchronous)
	}
	perTx = max(perTx, 1)
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous("+synchronous+")&_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(2) // preparing a statement borrows a second connection
	if rows != BareFull {
		if _, err := db.ExecContext(ctx, leanSchema()); err != nil {
			return fmt.Errorf("bare intake: lean schema: %w", err)
		}
	}
	insertComplaint := complaintSQL.insert
	if rows != BareFull {
		// On the lean schema the key is a column of the complaint, not a
		// row of complaint_keys.
		insertComplaint = complaintInsert("key")
	}

	now := time.Now().UTC()
	at := formatTime(now)
	event := strings.Repeat("e", 1500) // a sealed created event is about this long
	ack := strings.Repeat("a", 1200)   // the acknowledgement letter
	receipt := klachtdesk.DateOf(now, time.UTC)
	template := klachtdesk.Complaint{
		State: klachtdesk.StateReceived, Channel: klachtdesk.ChannelEmail, ReceivedAt: now, ReceiptDate: receipt,
		ProcedureVersion: "1", Language: klachtdesk.LanguageDutch, CustomerType: klachtdesk.Consumer,
		Kind: klachtdesk.KindService, Subtype: "other", Subject: "subject", Severity: klachtdesk.SeverityNormal,
		AckDue:    klachtdesk.Deadline{Date: receipt.AddDays(3), Rule: "r1.s0"},
		AnswerDue: klachtdesk.Deadline{Date: receipt.AddDays(14), Rule: "r1.s0"},
		ActBy:     klachtdesk.Deadline{Date: receipt.AddDays(12), Rule: "r1.s0"},
		Route:     klachtdesk.RouteInternal, Version: 1, CreatedAt: now, UpdatedAt: now,
	}

	var (
		tx       *sql.Tx
		prepared = map[string]*sql.Stmt{} // each statement prepared once
		bound    = map[string]*sql.Stmt{} // and bound once per transaction
	)
	defer func() {
		if tx != nil {
			tx.Rollback()
		}
	}()
	exec := func(q string, args ...any) error {
		st, ok := bound[q]
		if !ok {
			p, ok := prepared[q]
			if !ok {
				if p, err = db.PrepareContext(ctx, q); err != nil {
					return err
				}
				prepared[q] = p
			}
			st = tx.StmtContext(ctx, p)
			bound[q] = st
		}
		_, err := st.ExecContext(ctx, args...)
		return err
	}
	type stmt struct {
		q    string
		args []any
	}
	for i, raw := range raws {
		if tx == nil {
			if tx, err = db.BeginTx(ctx, nil); err != nil {
				return err
			}
			clear(bound)
		}
		sum := sha256.Sum256(raw)
		h := hex.EncodeToString(sum[:])
		body := string(raw[min(len(raw), 600):])
		addr := fmt.Sprintf("b%d@example.nl", i)
		id := int64(i + 1)
		inID, outID := "<in."+h+"@example.nl>", "<out."+h+"@example.nl>"
		c := template
		c.Reference, c.ComplainantID, c.Description = fmt.Sprintf("KL-%d-%06d", receipt.Year, i+1), id, body[:min(len(body), 2000)]
		complaintArgs := complaintArgs(&c, receipt.Year, i+1)
		if rows != BareFull {
			complaintArgs = append(complaintArgs, h)
		}
		blob := stmt{sqlInsertBlob, []any{h, len(raw), raw}}
		complainant := stmt{sqlUpsertComplainant, []any{"x", addr, addr, "", "", "", string(klachtdesk.Consumer), string(klachtdesk.LanguageDutch), at, at}}
		counter := stmt{sqlNextComplaintNumber, []any{receipt.Year}}
		complaint := stmt{insertComplaint, complaintArgs}
		key := stmt{sqlInsertComplaintKey, []any{id, h}}
		created := stmt{sqlInsertEvent, []any{3*id - 2, id, klachtdesk.EventCreated, 0, "system", at, "{}", event, "", h}}
		in := stmt{sqlInsertMessage, []any{id, string(klachtdesk.Inbound), string(klachtdesk.ChannelEmail), inID, addr, "klachten@example.org",
			"subject", body, h, at, "", body, "", 0}}
		inAdded := stmt{sqlInsertEvent, []any{3*id - 1, id, klachtdesk.EventMessageAdded, 0, "system", at, "{}", event[:400], "", h}}
		out := stmt{sqlInsertMessage, []any{id, string(klachtdesk.Outbound), string(klachtdesk.ChannelEmail), outID, "klachten@example.org", addr,
			"ack", ack, "", at, "", "", "", 0}}
		outAdded := stmt{sqlInsertEvent, []any{3 * id, id, klachtdesk.EventMessageAdded, 0, "system", at, "{}", event[:400], "", h}}
		outbox := stmt{sqlInsertOutbox, []any{id, 2 * id, "acknowledgement", addr, inID, 1, string(klachtdesk.LetterQueued), "", at, at}}
		inbound := stmt{sqlInsertInbound, []any{h, inID, h, "bare", at, addr, "subject", string(klachtdesk.OutcomeNew), "", id, 2*id - 1, at}}
		var stmts []stmt
		switch rows {
		case BareFull:
			stmts = []stmt{blob, complainant, counter, complaint, key, created, in, inAdded, out, outAdded, outbox, inbound}
		case BareLean:
			stmts = []stmt{blob, complainant, counter, complaint, created, in, inAdded, out, outAdded, outbox, inbound}
		case BareMinimal:
			stmts = []stmt{blob, complaint, created, outbox}
		case BareTiny:
			stmts = []stmt{{`INSERT INTO tiny (v) VALUES (?)`, []any{h[:50] + h[:50]}}}
		}
		for _, s := range stmts {
			if err := exec(s.q, s.args...); err != nil {
				return fmt.Errorf("bare insert %d: %w", i, err)
			}
		}
		if (i+1)%perTx == 0 || i == len(raws)-1 {
			if rows == BareFull || rows == BareLean {
				if err := exec(sqlUpdateAuditHead, 3*id, h); err != nil {
					return err
				}
			}
			if err := tx.Commit(); err != nil {
				return err
			}
			tx = nil
		}
	}
	return nil
}

// leanSchema holds the tables intake writes, with the same columns, minus
// six b-trees each registration touches on the store's schema: the
// complaint key is a column of the complaint (no complaint_keys), no UNIQUE
// (year, number) beside the unique reference, events without
// AUTOINCREMENT (no sqlite_sequence), messages without UNIQUE
// (complaint_id, message_id) and with the Message-ID index for outgoing
// mail only, and the outbox keyed by its message row.
func leanSchema() string {
	cols := []string{"id INTEGER PRIMARY KEY", "year INTEGER NOT NULL", "number INTEGER NOT NULL"}
	for _, col := range complaintColumns {
		if col.name == "reference" {
			cols = append(cols, "reference TEXT NOT NULL UNIQUE")
		} else {
			cols = append(cols, col.name)
		}
	}
	cols = append(cols, "key TEXT")
	return `
CREATE TABLE tiny (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE complainants (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
	email_key TEXT UNIQUE, postal_address TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '',
	customer_number TEXT NOT NULL DEFAULT '', type TEXT NOT NULL, language TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE reference_counters (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE complaints (` + strings.Join(cols, ", ") + `);
CREATE INDEX complaints_received ON complaints (received_at DESC, id DESC);
CREATE INDEX complaints_state ON complaints (state);
CREATE INDEX complaints_complainant ON complaints (complainant_id);
CREATE TABLE messages (id INTEGER PRIMARY KEY, complaint_id INTEGER NOT NULL, direction TEXT NOT NULL, channel TEXT NOT NULL,
	message_id TEXT, from_addr TEXT NOT NULL DEFAULT '', to_addr TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL DEFAULT '',
	text TEXT NOT NULL DEFAULT '', raw_sha256 TEXT NOT NULL DEFAULT '', at TEXT NOT NULL, quoted TEXT NOT NULL DEFAULT '',
	html TEXT NOT NULL DEFAULT '', auto TEXT NOT NULL DEFAULT '', unverified INTEGER NOT NULL DEFAULT 0);
CREATE INDEX messages_complaint ON messages (complaint_id, at, id);
CREATE INDEX messages_message_id ON messages (message_id) WHERE direction = 'out';
CREATE TABLE events (id INTEGER PRIMARY KEY, complaint_id INTEGER, kind TEXT NOT NULL, actor_id INTEGER NOT NULL, actor TEXT NOT NULL,
	at TEXT NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX events_complaint ON events (complaint_id, id);
CREATE TABLE audit_head (id INTEGER PRIMARY KEY, last_event_id INTEGER NOT NULL, last_hash TEXT NOT NULL);
INSERT INTO audit_head VALUES (1, 0, '');
CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE inbound (id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL UNIQUE, message_id TEXT NOT NULL DEFAULT '',
	raw_sha256 TEXT NOT NULL, source TEXT NOT NULL, received_at TEXT NOT NULL, from_addr TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL DEFAULT '', outcome TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', complaint_id INTEGER,
	message_row INTEGER, taken_at TEXT NOT NULL);
CREATE INDEX inbound_complaint ON inbound (complaint_id);
CREATE TABLE outbox (message_row INTEGER PRIMARY KEY, complaint_id INTEGER NOT NULL, kind TEXT NOT NULL, to_key TEXT NOT NULL,
	in_reply_to TEXT NOT NULL DEFAULT '', automatic INTEGER NOT NULL, state TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',
	next_attempt_at TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_to ON outbox (to_key, created_at);
`
}
