// Command import measures mail intake end to end: parse, raw stored,
// complaint, event, acknowledgement in the outbox, each durable
// (synchronous=FULL) before it counts. It prints complaints per second and
// the process's peak memory.
//
//	go run ./bench/import -mode one        # one mail per transaction, one parser
//	go run ./bench/import -mode batch      # concurrent parsing, 100 per commit
//	go run ./bench/import -mode attach     # every mail with a 200 KB attachment
//	go run ./bench/import -mode bare       # the same rows by a bare SQL loop
//	go run ./bench/import -mode bare -rows lean|minimal|tiny  # fewer rows: the floor below
//
// Results and the machine they ran on are in docs/benchmarks.md.
package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/intake"
	"github.com/klachtdesk/klachtdesk/internal/mailgen"
	"github.com/klachtdesk/klachtdesk/letter"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

func main() {
	mode := flag.String("mode", "one", "one, batch, attach or bare")
	n := flag.Int("n", 10000, "number of mails")
	batch := flag.Int("batch", 0, "mails per transaction: 100 in batch and attach modes, 1 in bare mode")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to `file`")
	mboxOut := flag.String("mbox", "", "write the generated mails to this mbox `file` and exit (to time `klachtdesk import` itself)")
	syncMode := flag.String("sync", "FULL", "bare mode only: SQLite synchronous setting, FULL or NORMAL (what durability costs)")
	rows := flag.String("rows", "full", "bare mode only: full (intake's rows on the store's schema), lean (the same rows on a schema with six fewer b-trees), minimal (raw, complaint, event, outbox row) or tiny (one 100-byte row)")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *mboxOut != "" {
		opt := mailgen.Options{Seed: 1}
		if *mode == "attach" {
			opt.AttachmentShare, opt.AttachmentSize = 1, 200<<10
		}
		if err := os.WriteFile(*mboxOut, mailgen.Mbox(mailgen.Generate(*n, opt)), 0o600); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *batch <= 0 {
		*batch = 100
		if *mode == "bare" {
			*batch = 1
		}
	}
	if !slices.Contains([]string{"full", "lean", "minimal", "tiny"}, *rows) {
		log.Fatalf("-rows must be full, lean, minimal or tiny, not %q", *rows)
	}
	if err := run(*mode, *n, *batch, *syncMode, *rows); err != nil {
		pprof.StopCPUProfile()
		log.Fatal(err)
	}
}

func run(mode string, n, batch int, syncMode, rows string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "klachtdesk-bench-import-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	opt := mailgen.Options{Seed: 1}
	if mode == "attach" {
		opt.AttachmentShare, opt.AttachmentSize = 1, 200<<10
	}
	mails := mailgen.Generate(n, opt)
	var bytesTotal, withAttachment int
	for _, m := range mails {
		bytesTotal += len(m.Raw)
		if len(m.Raw) > 20<<10 {
			withAttachment++
		}
	}

	db := sqldb.NewDB(filepath.Join(dir, "data"), "")
	if err := db.Open(ctx); err != nil {
		return err
	}
	defer db.Close()

	cpu0 := cpuTime()
	start := time.Now()
	switch mode {
	case "bare":
		if syncMode != "FULL" && syncMode != "NORMAL" {
			return fmt.Errorf("-sync must be FULL or NORMAL, not %q", syncMode)
		}
		mode = fmt.Sprintf("bare(rows=%s,sync=%s,batch=%d)", rows, syncMode, batch)
		path := db.Path()
		switch rows {
		case "full":
		default: // checked in main
			path = filepath.Join(dir, "bare-"+rows+".db")
		}
		if err := bare(ctx, path, rows, mails, syncMode, batch); err != nil {
			return err
		}
	case "one", "batch", "attach":
		store := sqldb.NewIntakeService(db)
		store.Letters = letter.Writer{}
		p := &intake.Pipeline{Store: store, Batch: 1, Workers: 1, Prestore: store.StoreLarge}
		if mode != "one" {
			p.Batch, p.Workers = batch, 0
		}
		items := make(chan intake.Item, 256)
		go func() {
			defer close(items)
			for i, m := range mails {
				items <- intake.Item{Source: fmt.Sprintf("bench#%d", i), Raw: m.Raw}
			}
		}()
		newOnes := 0
		if err := p.Run(ctx, items, func(r intake.Result) {
			if r.Outcome == klachtdesk.OutcomeNew {
				newOnes++
			}
		}); err != nil {
			return err
		}
		if newOnes != n {
			return fmt.Errorf("%d of %d mails became complaints", newOnes, n)
		}
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("mode=%s mails=%d (%.1f MB, %d with attachment) time=%s rate=%.0f complaints/s cpu=%.0f µs/mail peak_rss=%d MB\n",
		mode, n, float64(bytesTotal)/(1<<20), withAttachment, elapsed.Round(time.Millisecond),
		float64(n)/elapsed.Seconds(), float64(cpu.Microseconds())/float64(n), ru.Maxrss/1024)
	return nil
}

// cpuTime is the CPU time (user and system) the process has used so far:
// steadier than wall time on a shared machine, and what the writer's work
// per mail is judged by.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// bare inserts, per mail, the rows intake writes for a new complaint, with
// plain statements and values of the same sizes: the raw mail as a blob,
// complainant, reference counter, complaint, its key, the three events
// (created; the mail and the acknowledgement as messages) and the audit
// head, both messages, the outbox row and the inbound row. No parsing
// beyond what the rows need, no diff, no sealing, no letter: the floor the
// store is measured against. perTx mails share one durable transaction.
//
// rows other than "full" write to a new file with leanSchema: "lean" the
// same rows, "minimal" only what the issue names (raw stored, complaint,
// event, outbox row), "tiny" one 100-byte row: what a durable commit itself
// costs.
func bare(ctx context.Context, path, rows string, mails []mailgen.Mail, syncMode string, perTx int) error {
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous("+syncMode+")&_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(2) // preparing a statement borrows a second connection
	if rows != "full" {
		if _, err := db.ExecContext(ctx, leanSchema); err != nil {
			return err
		}
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000000Z")
	event := strings.Repeat("e", 1500) // a sealed created event is about this long
	ack := strings.Repeat("a", 1200)   // the acknowledgement letter
	var (
		tx       *sql.Tx
		prepared = map[string]*sql.Stmt{} // each statement prepared once
		bound    = map[string]*sql.Stmt{} // and bound once per transaction
	)
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
	for i, m := range mails {
		if tx == nil {
			if tx, err = db.BeginTx(ctx, nil); err != nil {
				return err
			}
			clear(bound)
		}
		sum := sha256.Sum256(m.Raw)
		h := hex.EncodeToString(sum[:])
		body := string(m.Raw[min(len(m.Raw), 600):])
		addr := fmt.Sprintf("b%d@example.nl", i)
		id := int64(i + 1)
		blob := stmt{`INSERT INTO blobs (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, []any{h, len(m.Raw), m.Raw}}
		complainant := stmt{`INSERT INTO complainants (name, email, email_key, type, language, created_at, updated_at) VALUES ('x', ?, ?, 'consumer', 'nl', ?, ?)`,
			[]any{addr, addr, now, now}}
		counter := stmt{`INSERT INTO reference_counters (year, last) VALUES (2026, 1) ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + 1`, nil}
		// On the lean schema the key is a column of the complaint, not a row
		// of complaint_keys.
		keyColumn, keyValue, complaintArgs := "", "", []any{id, fmt.Sprintf("KL-2026-%06d", i+1), i + 1, now, id, clipBytes(body, 2000), now, now}
		if rows != "full" {
			keyColumn, keyValue, complaintArgs = ", key", ", ?", append(complaintArgs, h)
		}
		complaint := stmt{`INSERT INTO complaints (id, reference, year, number, state, channel, received_at, receipt_date, language, complainant_id, customer_type, kind, subtype, description, severity, route, version, created_at, updated_at` + keyColumn + `)
				VALUES (?, ?, 2026, ?, 'received', 'email', ?, '2026-03-02', 'nl', ?, 'consumer', 'service', 'other', ?, 'normal', 'internal', 1, ?, ?` + keyValue + `)`,
			complaintArgs}
		key := stmt{`INSERT INTO complaint_keys (complaint_id, key) VALUES (?, ?)`, []any{id, h}}
		created := stmt{`INSERT INTO events (complaint_id, kind, actor_id, actor, at, before, after, prev_hash, hash) VALUES (?, 'created', 0, 'system', ?, '{}', ?, '', ?)`, []any{id, now, event, h}}
		in := stmt{`INSERT INTO messages (id, complaint_id, direction, channel, message_id, subject, text, html, raw_sha256, at) VALUES (?, ?, 'in', 'email', ?, 'subject', ?, ?, ?, ?)`,
			[]any{2*id - 1, id, "<in." + h + "@example.nl>", body, body, h, now}}
		inAdded := stmt{`INSERT INTO events (complaint_id, kind, actor_id, actor, at, before, after, prev_hash, hash) VALUES (?, 'message_added', 0, 'system', ?, '{}', ?, '', ?)`, []any{id, now, event[:400], h}}
		out := stmt{`INSERT INTO messages (id, complaint_id, direction, channel, message_id, subject, text, at) VALUES (?, ?, 'out', 'email', ?, 'ack', ?, ?)`, []any{2 * id, id, "<out." + h + "@example.nl>", ack, now}}
		outAdded := inAdded
		outbox := stmt{`INSERT INTO outbox (complaint_id, message_row, kind, to_key, automatic, state, next_attempt_at, created_at) VALUES (?, ?, 'acknowledgement', ?, 1, 'queued', ?, ?)`, []any{id, 2 * id, addr, now, now}}
		inbound := stmt{`INSERT INTO inbound (fingerprint, raw_sha256, source, received_at, outcome, complaint_id, taken_at) VALUES (?, ?, 'bare', ?, 'new', ?, ?)`, []any{h, h, now, id, now}}
		var stmts []stmt
		switch rows {
		case "full":
			stmts = []stmt{blob, complainant, counter, complaint, key, created, in, inAdded, out, outAdded, outbox, inbound}
		case "lean":
			stmts = []stmt{blob, complainant, counter, complaint, created, in, inAdded, out, outAdded, outbox, inbound}
		case "minimal":
			stmts = []stmt{blob, complaint, created, outbox}
		case "tiny":
			stmts = []stmt{{`INSERT INTO tiny (v) VALUES (?)`, []any{h[:50] + h[:50]}}}
		}
		for _, s := range stmts {
			if err := exec(s.q, s.args...); err != nil {
				tx.Rollback()
				return fmt.Errorf("bare insert %d: %w", i, err)
			}
		}
		if (i+1)%perTx == 0 || i == len(mails)-1 {
			if rows != "tiny" && rows != "minimal" {
				if err := exec(`UPDATE audit_head SET last_event_id = last_event_id + 3, last_hash = ? WHERE id = 1`, h); err != nil {
					tx.Rollback()
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

func clipBytes(s string, n int) string { return s[:min(len(s), n)] }

// leanSchema holds the tables intake writes, with the columns bare fills,
// minus six b-trees each registration now touches: the complaint key is a
// column of the complaint (no complaint_keys), no UNIQUE (year, number)
// beside the unique reference, events without AUTOINCREMENT (no
// sqlite_sequence), messages without UNIQUE (complaint_id, message_id) and
// with the Message-ID index for outgoing mail only, and the outbox keyed by
// its message row.
const leanSchema = `
CREATE TABLE tiny (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE complainants (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
	email_key TEXT UNIQUE, type TEXT NOT NULL, language TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE reference_counters (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE complaints (id INTEGER PRIMARY KEY, reference TEXT NOT NULL UNIQUE, year INTEGER NOT NULL, number INTEGER NOT NULL,
	state TEXT NOT NULL, channel TEXT NOT NULL, received_at TEXT NOT NULL, receipt_date TEXT NOT NULL, language TEXT NOT NULL,
	complainant_id INTEGER NOT NULL, customer_type TEXT NOT NULL, kind TEXT NOT NULL, subtype TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '', severity TEXT NOT NULL, route TEXT NOT NULL, version INTEGER NOT NULL,
	created_at TEXT NOT NULL, updated_at TEXT NOT NULL, key TEXT);
CREATE INDEX complaints_received ON complaints (received_at DESC, id DESC);
CREATE INDEX complaints_state ON complaints (state);
CREATE INDEX complaints_complainant ON complaints (complainant_id);
CREATE TABLE messages (id INTEGER PRIMARY KEY, complaint_id INTEGER NOT NULL, direction TEXT NOT NULL, channel TEXT NOT NULL,
	message_id TEXT, subject TEXT NOT NULL DEFAULT '', text TEXT NOT NULL DEFAULT '', html TEXT NOT NULL DEFAULT '',
	raw_sha256 TEXT NOT NULL DEFAULT '', at TEXT NOT NULL);
CREATE INDEX messages_complaint ON messages (complaint_id, at, id);
CREATE INDEX messages_message_id ON messages (message_id) WHERE direction = 'out';
CREATE TABLE events (id INTEGER PRIMARY KEY, complaint_id INTEGER, kind TEXT NOT NULL, actor_id INTEGER NOT NULL, actor TEXT NOT NULL,
	at TEXT NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX events_complaint ON events (complaint_id, id);
CREATE TABLE audit_head (id INTEGER PRIMARY KEY, last_event_id INTEGER NOT NULL, last_hash TEXT NOT NULL);
INSERT INTO audit_head VALUES (1, 0, '');
CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE inbound (id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL UNIQUE, raw_sha256 TEXT NOT NULL, source TEXT NOT NULL,
	received_at TEXT NOT NULL, outcome TEXT NOT NULL, complaint_id INTEGER, taken_at TEXT NOT NULL);
CREATE INDEX inbound_complaint ON inbound (complaint_id);
CREATE TABLE outbox (message_row INTEGER PRIMARY KEY, complaint_id INTEGER NOT NULL, kind TEXT NOT NULL, to_key TEXT NOT NULL,
	automatic INTEGER NOT NULL, state TEXT NOT NULL, next_attempt_at TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_to ON outbox (to_key, created_at);
`
