package sqldb_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/internal/storetest"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// fillSource gives db a little of everything the copy must carry: users,
// complaints with a concerned employee, settings and their history, mail
// taken by intake (a new complaint, a reply, a rejected mail, a raw mail
// too large for the blobs table), a message with attachments in the blob
// store's files, letters in the outbox and a mailbox's state. It returns
// the references of the complaints.
func fillSource(tb testing.TB, db *sqldb.DB) []string {
	tb.Helper()
	ctx := context.Background()
	admin := mustCreateUser(tb, db, "beheer", klachtdesk.RoleAdmin)
	piet := mustCreateUser(tb, db, "piet", klachtdesk.RoleHandler)
	if _, err := sqldb.NewSettingsService(db).SetSetting(as(admin), "answer.term_days", "21"); err != nil {
		tb.Fatal(err)
	}
	var refs []string
	for i := range 7 {
		n := newComplaint(testNow.Add(-time.Duration(i+1)*time.Hour), fmt.Sprintf("klager%d@example.nl", i))
		if i == 2 {
			n.ConcernedEmployees = []int64{piet.ID}
		}
		refs = append(refs, mustCreateComplaint(tb, db, n).Reference)
	}
	in := newIntake(db)
	m := mail("jan@example.nl", "a1@mail.example", "Internet doet het niet", "Al drie dagen geen verbinding.")
	r := mustTake(tb, in, m, testNow.Add(-30*time.Minute))
	refs = append(refs, r.Reference)
	mustTake(tb, in, mail("jan@example.nl", "a2@mail.example", "Re: ["+r.Reference+"] Internet", "Nog steeds niet."), testNow.Add(-20*time.Minute))
	mustTake(tb, in, mail("", "a3@mail.example", "?", "zonder afzender"), testNow.Add(-10*time.Minute))
	big := mail("kees@example.nl", "a4@mail.example", "Grote bijlage", strings.Repeat("Een lange klacht. ", 10000))
	refs = append(refs, mustTake(tb, in, big, testNow.Add(-5*time.Minute)).Reference)
	if err := in.SetMailboxState(ctx, "kd@imap.example/INBOX", 7, 12); err != nil {
		tb.Fatal(err)
	}
	if _, held, err := in.LeaseMailbox(ctx, "kd@imap.example/INBOX", "serve-1", time.Minute); err != nil || !held {
		tb.Fatalf("lease mailbox: %v %v", held, err)
	}
	scan := strings.Repeat("PDF scan of a letter\n", 1000)
	err := sqldb.NewMessageService(db).AddMessage(ctx, refs[0], &klachtdesk.Message{
		Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail, MessageID: "<b1@example.org>",
		From: "klager0@example.nl", Subject: "Bijlagen", Text: "Zie bijlagen.", At: testNow.Add(-time.Minute),
	}, []klachtdesk.NewAttachment{
		{Filename: "brief.pdf", ContentType: "application/pdf", Content: strings.NewReader(scan)},
		{Filename: "foto.jpg", ContentType: "image/jpeg", Content: strings.NewReader("JPEG " + scan)},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return refs
}

// openSource reopens a filled store as migrate-data does: read-only.
func openSource(tb testing.TB, db *sqldb.DB, dir string) *sqldb.DB {
	tb.Helper()
	MustCloseDB(tb, db)
	src := sqldb.NewDB(dir, "")
	src.ReadOnly = true
	if err := src.Open(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { MustCloseDB(tb, src) })
	return src
}

// newSource returns a filled source store, open read-only, and its
// complaint references.
func newSource(tb testing.TB) (*sqldb.DB, []string) {
	tb.Helper()
	dir := tb.TempDir()
	db := sqldb.NewDB(dir, "")
	db.Now = func() time.Time { return testNow }
	if err := db.Open(context.Background()); err != nil {
		tb.Fatal(err)
	}
	refs := fillSource(tb, db)
	return openSource(tb, db, dir), refs
}

// complaintView is what show prints of a complaint: the complaint, its
// events and its messages with their attachments' contents.
func complaintView(tb testing.TB, db *sqldb.DB, ref string) map[string]any {
	tb.Helper()
	ctx := context.Background()
	c, err := sqldb.NewComplaintService(db).FindComplaintByReference(ctx, ref)
	if err != nil {
		tb.Fatal(err)
	}
	events, err := sqldb.NewComplaintService(db).ComplaintEvents(ctx, ref)
	if err != nil {
		tb.Fatal(err)
	}
	msgs, err := sqldb.NewMessageService(db).ComplaintMessages(ctx, ref)
	if err != nil {
		tb.Fatal(err)
	}
	var contents []string
	for _, m := range msgs {
		for _, a := range m.Attachments {
			r, err := db.OpenBlob(ctx, a.SHA256)
			if err != nil {
				tb.Fatal(err)
			}
			b, err := io.ReadAll(r)
			r.Close()
			if err != nil {
				tb.Fatal(err)
			}
			contents = append(contents, string(b))
		}
	}
	return map[string]any{"complaint": c, "events": events, "messages": msgs, "attachments": contents}
}

// checkBlobsArrived checks that every blob of src, in its blobs table or
// its files, reads the same on dst.
func checkBlobsArrived(tb testing.TB, src, dst *sqldb.DB) {
	tb.Helper()
	ctx := context.Background()
	var sums []string
	rows, err := rawDB(tb, src).Query(`SELECT sha256 FROM blobs`)
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		sums = append(sums, s)
	}
	rows.Close()
	files, _ := filepath.Glob(filepath.Join(src.DataDir(), "blobs", "*", "*", "*"))
	for _, f := range files {
		sums = append(sums, filepath.Base(f))
	}
	if len(files) == 0 || len(sums) == len(files) {
		tb.Fatalf("the source has %d blob files and %d blobs in all; the test wants both kinds", len(files), len(sums))
	}
	read := func(db *sqldb.DB, sum string) string {
		r, err := db.OpenBlob(ctx, sum)
		if err != nil {
			tb.Fatalf("blob %s: %v", sum, err)
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		if err != nil {
			tb.Fatal(err)
		}
		return string(b)
	}
	for _, sum := range sums {
		if read(src, sum) != read(dst, sum) {
			tb.Errorf("blob %s differs on the target", sum)
		}
	}
}

// copyInto runs a copy of src into dst and returns its report.
func copyInto(tb testing.TB, src, dst *sqldb.DB, batch int) (*sqldb.CopyReport, error) {
	tb.Helper()
	return (&sqldb.DataCopy{From: src, To: dst, Batch: batch}).Run(context.Background())
}

func TestDataCopy_WholeInstallation(t *testing.T) {
	src, refs := newSource(t)
	dst := MustOpenDB(t)
	report, err := copyInto(t, src, dst, 4)
	if err != nil {
		t.Fatal(err)
	}
	srcAudit, err := sqldb.NewAuditService(src).VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if report.Audit.Anchor() != srcAudit.Anchor() || srcAudit.LastID == 0 {
		t.Errorf("target's anchor %s, source's %s", report.Audit.Anchor(), srcAudit.Anchor())
	}
	dstAudit, err := sqldb.NewAuditService(dst).VerifyAudit(context.Background())
	if err != nil || dstAudit.Break != nil || dstAudit.Anchor() != srcAudit.Anchor() || dstAudit.Events != srcAudit.Events {
		t.Errorf("target's audit trail: %+v, %v; want the source's %+v", dstAudit, err, srcAudit)
	}
	rows := map[string]int64{}
	for _, tr := range report.Tables {
		rows[tr.Name] = tr.Rows
	}
	for _, table := range []string{"users", "complainants", "complaints", "complaint_concerned", "complaint_keys", "settings",
		"settings_changes", "messages", "attachments", "blobs", "events", "audit_head", "inbound", "outbox", "imap_state", "mailbox_leases",
		"reference_counters"} {
		if rows[table] == 0 {
			t.Errorf("table %s: no rows copied; the source should have some", table)
		}
		got, want := countQuery(t, dst, "SELECT COUNT(*) FROM "+table), countQuery(t, src, "SELECT COUNT(*) FROM "+table)
		if table == "blobs" && dst.IsPostgres() {
			// PostgreSQL keeps the blob store's files in the database too:
			// checkBlobsArrived reads every one.
			continue
		}
		if got != want {
			t.Errorf("table %s: %d rows on the target, want %d", table, got, want)
		}
	}
	checkBlobsArrived(t, src, dst)
	if report.BlobFiles < 2 {
		t.Errorf("blob files copied = %d, want the attachments and the large raw mail", report.BlobFiles)
	}
	for _, ref := range refs {
		if diff := cmp.Diff(complaintView(t, src, ref), complaintView(t, dst, ref)); diff != "" {
			t.Errorf("complaint %s differs on the target (-source +target):\n%s", ref, diff)
		}
	}
	if hasMarker(t, dst) {
		t.Error("the progress marker is still in the target")
	}
	// The target goes on where the source stopped.
	c := mustCreateComplaint(t, dst, newComplaint(testNow, "nieuw@example.nl"))
	if c.Reference != "KL-2026-000010" {
		t.Errorf("next complaint on the target is %s, want KL-2026-000010", c.Reference)
	}
	if a, err := sqldb.NewAuditService(dst).VerifyAudit(context.Background()); err != nil || a.Break != nil {
		t.Errorf("audit trail after a new complaint on the target: %+v %v", a, err)
	}
}

func TestDataCopy_ResumesAfterInterruption(t *testing.T) {
	src, refs := newSource(t)
	dstDir, dsn := t.TempDir(), storetest.DSN(t)
	open := func() *sqldb.DB {
		db := sqldb.NewDB(dstDir, dsn)
		db.Now = func() time.Time { return testNow }
		if err := db.Open(context.Background()); err != nil {
			t.Fatal(err)
		}
		return db
	}
	// Interrupt the copy every second batch, until it ends: in every
	// table, between complaints and their keys (which opening the target
	// adds on its own), in the blob files.
	const stop = 2
	runs := 0
	for {
		dst := open()
		ctx, cancel := context.WithCancel(context.Background())
		batches := 0
		var last sqldb.CopyProgress
		_, err := (&sqldb.DataCopy{From: src, To: dst, Batch: 3, Progress: func(p sqldb.CopyProgress) {
			last = p
			if batches++; batches == stop {
				cancel()
			}
		}}).Run(ctx)
		cancel()
		MustCloseDB(t, dst)
		if err == nil {
			if last.Done != last.Total {
				t.Errorf("copy ended at %d of %d", last.Done, last.Total)
			}
			break
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted copy: %v", err)
		}
		runs++
		if runs > 100 {
			t.Fatalf("the copy does not end: the last run stopped at %+v", last)
		}
	}
	if runs < 10 {
		t.Fatalf("the copy was interrupted %d times; the test wants many", runs)
	}
	dst := open()
	t.Cleanup(func() { MustCloseDB(t, dst) })
	a, err := sqldb.NewAuditService(dst).VerifyAudit(context.Background())
	if err != nil || a.Break != nil {
		t.Fatalf("target's audit trail: %+v %v", a, err)
	}
	srcAudit, _ := sqldb.NewAuditService(src).VerifyAudit(context.Background())
	if a.Anchor() != srcAudit.Anchor() {
		t.Errorf("target's anchor %s, source's %s", a.Anchor(), srcAudit.Anchor())
	}
	for _, ref := range refs {
		if diff := cmp.Diff(complaintView(t, src, ref), complaintView(t, dst, ref)); diff != "" {
			t.Errorf("complaint %s differs on the target (-source +target):\n%s", ref, diff)
		}
	}
	for _, table := range []string{"complaints", "complaint_keys", "events", "messages", "inbound", "outbox"} {
		if got, want := countQuery(t, dst, "SELECT COUNT(*) FROM "+table), countQuery(t, src, "SELECT COUNT(*) FROM "+table); got != want {
			t.Errorf("table %s: %d rows on the target, %d on the source", table, got, want)
		}
	}
}

// hasMarker reports whether db holds the copy's progress marker.
func hasMarker(tb testing.TB, db *sqldb.DB) bool {
	tb.Helper()
	q := "SELECT COUNT(*) FROM sqlite_master WHERE name = 'migrate_data_progress'"
	if db.IsPostgres() {
		q = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'migrate_data_progress'"
	}
	return countQuery(tb, db, q) > 0
}

// refusal returns the kind of a copy's refusal, "" for another error.
func refusal(err error) string {
	var r *sqldb.CopyRefusedError
	if errors.As(err, &r) {
		return r.Kind
	}
	return ""
}

func TestDataCopy_RefusesNonEmptyTarget(t *testing.T) {
	src, _ := newSource(t)
	dst := MustOpenDB(t)
	mustCreateUser(t, dst, "al", klachtdesk.RoleAdmin)
	before := countQuery(t, dst, "SELECT COUNT(*) FROM users")
	_, err := copyInto(t, src, dst, 100)
	if refusal(err) != sqldb.CopyRefusedNotEmpty || !strings.Contains(err.Error(), "users") {
		t.Fatalf("copy into a target with a user: %v, want a refusal naming users", err)
	}
	if got := countQuery(t, dst, "SELECT COUNT(*) FROM users"); got != before {
		t.Errorf("users on the target: %d, want %d: nothing written", got, before)
	}
	if hasMarker(t, dst) {
		t.Error("a refused copy left a progress marker")
	}
}

func TestDataCopy_RefusesAnotherSourcesMarker(t *testing.T) {
	src, _ := newSource(t)
	other, _ := newSource(t)
	dst := MustOpenDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := (&sqldb.DataCopy{From: other, To: dst, Batch: 2, Progress: func(sqldb.CopyProgress) { cancel() }}).Run(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted copy: %v", err)
	}
	users := countQuery(t, dst, "SELECT COUNT(*) FROM users")
	if _, err := copyInto(t, src, dst, 100); refusal(err) != sqldb.CopyRefusedOtherSource {
		t.Fatalf("copy into a target holding another source's copy: %v, want a refusal", err)
	}
	if got := countQuery(t, dst, "SELECT COUNT(*) FROM users"); got != users {
		t.Errorf("users on the target: %d, want %d: nothing written", got, users)
	}
}

func TestDataCopy_RefusesUnknownTable(t *testing.T) {
	dir := t.TempDir()
	db := sqldb.NewDB(dir, "")
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := rawDB(t, db).Exec(`CREATE TABLE later_feature (id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	src := openSource(t, db, dir)
	dst := MustOpenDB(t)
	_, err := copyInto(t, src, dst, 100)
	if refusal(err) != sqldb.CopyRefusedUnknownTable || !strings.Contains(err.Error(), "later_feature") {
		t.Fatalf("copy of a source with an unknown table: %v, want a refusal naming it", err)
	}
}

func TestDataCopy_RefusesNewerSource(t *testing.T) {
	dir := t.TempDir()
	db := sqldb.NewDB(dir, "")
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := rawDB(t, db).Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)`); err != nil {
		t.Fatal(err)
	}
	src := openSource(t, db, dir)
	dst := MustOpenDB(t)
	_, err := copyInto(t, src, dst, 100)
	if refusal(err) != sqldb.CopyRefusedSchema || !strings.Contains(err.Error(), "9999") {
		t.Fatalf("copy of a newer source: %v, want a refusal naming its version", err)
	}
}

func TestDataCopy_RefusesBrokenSource(t *testing.T) {
	dir := t.TempDir()
	db := sqldb.NewDB(dir, "")
	db.Now = func() time.Time { return testNow }
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	mustCreateComplaint(t, db, newComplaint(testNow, "jan@example.nl"))
	raw, err := sql.Open("sqlite", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`DROP TRIGGER events_no_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE events SET actor = 'iemand anders' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	src := openSource(t, db, dir)
	dst := MustOpenDB(t)
	if _, err := copyInto(t, src, dst, 100); refusal(err) != sqldb.CopyRefusedBrokenSource {
		t.Fatalf("copy of a source with a broken trail: %v, want a refusal", err)
	}
}

func TestDataCopy_SourceInUse(t *testing.T) {
	dir := t.TempDir()
	owner := sqldb.NewDB(dir, "")
	owner.Exclusive = true
	if err := owner.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { MustCloseDB(t, owner) })
	src := sqldb.NewDB(dir, "")
	src.ReadOnly = true
	if err := src.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { MustCloseDB(t, src) })
	_, err := copyInto(t, src, MustOpenDB(t), 100)
	var owned *sqldb.OwnedError
	if !errors.As(err, &owned) {
		t.Fatalf("copy of a folder a serve owns: %v, want an *OwnedError", err)
	}
}

func TestDataCopy_InstantsBeyondTheMicrosecond(t *testing.T) {
	dir := t.TempDir()
	db := sqldb.NewDB(dir, "")
	db.Now = func() time.Time { return testNow }
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := mustCreateComplaint(t, db, newComplaint(testNow, "jan@example.nl"))
	// As a klachtdesk before instants were kept to the microsecond wrote it.
	raw, err := sql.Open("sqlite", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE complaints SET updated_at = '2026-03-02T09:00:00.123456789Z' WHERE id = ?`, c.ID); err != nil {
		t.Fatal(err)
	}
	src := openSource(t, db, dir)
	dst := MustOpenDB(t)
	report, err := copyInto(t, src, dst, 100)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sqldb.NewComplaintService(dst).FindComplaintByReference(context.Background(), c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	want, cut := time.Date(2026, 3, 2, 9, 0, 0, 123456789, time.UTC), int64(0)
	if dst.IsPostgres() {
		want, cut = want.Truncate(time.Microsecond), 1
	}
	if !got.UpdatedAt.Equal(want) || report.TruncatedInstants != cut {
		t.Errorf("updated_at on the target %s with %d instants cut, want %s and %d", got.UpdatedAt.Format(time.RFC3339Nano), report.TruncatedInstants, want.Format(time.RFC3339Nano), cut)
	}
}

func TestMigrateData_RefusesForeignDatabase(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("PostgreSQL only: a SQLite target is a data folder of its own")
	}
	src, _ := newSource(t)
	MustCloseDB(t, src)
	dsn := storetest.FreshSchema(t) // never migrated, unlike the pool's
	target := sqldb.NewDB(t.TempDir(), dsn)
	raw := rawDB(t, target)
	if _, err := raw.Exec(`CREATE TABLE invoices (id integer PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	_, err := sqldb.MigrateData(context.Background(), src.DataDir(), dsn, nil)
	refusalErr := err
	if refusal(err) != sqldb.CopyRefusedForeign || !strings.Contains(err.Error(), "invoices") {
		t.Fatalf("migrate into a database of something else: %v, want a refusal naming its table", err)
	}
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the target holds %d tables (%v), want its own one alone: nothing written; the refusal: %v", n, err, refusalErr)
	}
}

func TestMigrateData_UnreachableTarget(t *testing.T) {
	src, _ := newSource(t)
	MustCloseDB(t, src)
	// A port nothing listens on: refused at once.
	_, err := sqldb.MigrateData(context.Background(), src.DataDir(), "postgres://kd@127.0.0.1:1/klachtdesk?connect_timeout=5", nil)
	var open *sqldb.CopyOpenError
	if !errors.As(err, &open) || !open.Target || !strings.Contains(err.Error(), "cannot be reached") {
		t.Fatalf("migrate to an unreachable server: %v, want the target's open error", err)
	}
}
