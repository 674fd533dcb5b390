package sqldb_test

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
	"github.com/pressly/goose/v3"
)

// rawTrail returns the before and after columns of the stored events of a
// complaint (or of all events for complaint 0), read behind the store's back.
func rawTrail(tb testing.TB, raw rawConn, complaintID int64) string {
	tb.Helper()
	rows, err := raw.Query(`SELECT before, after FROM events WHERE ? = 0 OR complaint_id = ? ORDER BY id`, complaintID, complaintID)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var before, after string
		if err := rows.Scan(&before, &after); err != nil {
			tb.Fatal(err)
		}
		b.WriteString(before + "\n" + after + "\n")
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// openedTrail returns the before and after of a complaint's events as the
// store returns them.
func openedTrail(tb testing.TB, events []*klachtdesk.Event) string {
	var b strings.Builder
	for _, e := range events {
		b.WriteString(string(e.Before) + "\n" + string(e.After) + "\n")
	}
	return b.String()
}

// hasKey reports whether the complaint still has its key.
func hasKey(tb testing.TB, raw rawConn, complaintID int64) bool {
	tb.Helper()
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM complaint_keys WHERE complaint_id = ?`, complaintID).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n == 1
}

// mustReplayToStored fails unless the complaint's events, as the store
// returns them, replay to exactly the stored complaint.
func mustReplayToStored(tb testing.TB, s *sqldb.ComplaintService, reference string) []*klachtdesk.Event {
	tb.Helper()
	ctx := context.Background()
	stored, err := s.FindComplaintByReference(ctx, reference)
	if err != nil {
		tb.Fatal(err)
	}
	events, err := s.ComplaintEvents(ctx, reference)
	if err != nil {
		tb.Fatal(err)
	}
	replayed, err := klachtdesk.Replay(events)
	if err != nil {
		tb.Fatalf("%s: %v", reference, err)
	}
	if diff := cmp.Diff(stored, replayed, cmpopts.IgnoreFields(klachtdesk.Complaint{}, "Complainant")); diff != "" {
		tb.Errorf("%s: replay differs from the stored complaint (-stored +replayed):\n%s", reference, diff)
	}
	return events
}

// closeAndAnonymise withdraws an open complaint and anonymises it after its
// retention term, moving the clock on.
func closeAndAnonymise(tb testing.TB, s *sqldb.ComplaintService, clock *Clock, reference string) *klachtdesk.Complaint {
	tb.Helper()
	ctx := context.Background()
	c, err := s.FindComplaintByReference(ctx, reference)
	if err != nil {
		tb.Fatal(err)
	}
	if c.IsOpen() {
		if c, err = s.Act(ctx, reference, klachtdesk.Close{Reason: klachtdesk.CloseWithdrawn}); err != nil {
			tb.Fatal(err)
		}
	}
	clock.Set(c.RetentionUntil.Date.AddDays(1).Start(time.UTC).Add(12 * time.Hour))
	c, err = s.Act(ctx, reference, klachtdesk.Anonymise{})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestPersonalDataInTheTrail(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(testNow)
	db.Now = clock.Now
	raw := rawDB(t, db)
	h := mustCreateUser(t, db, "hanna", klachtdesk.RoleHandler)
	s := sqldb.NewComplaintService(db)
	ctx := context.Background()

	n := newComplaint(testNow.Add(-time.Hour), "jan@example.org")
	n.Subject = "Buurman ZX81-subject"
	n.Description = "Mijn buurman Piet de Vries (ZX81-description) belde <niet> & terug."
	n.RemedySought, n.InformalContact = "ZX81-remedy", "ZX81-informal"
	c := mustCreateComplaint(t, db, n)
	for _, step := range []struct {
		action  klachtdesk.Action
		advance time.Duration
	}{
		{klachtdesk.Acknowledge{}, time.Hour},
		{klachtdesk.Assign{HandlerID: h.ID}, time.Hour},
		{klachtdesk.StartTreatment{}, 24 * time.Hour},
		{klachtdesk.Extend{Extension: klachtdesk.Extension{Reason: "ZX81-extension", Promised: klachtdesk.MustParseDate("2026-03-30")}}, time.Hour},
		{klachtdesk.Decide{Decision: klachtdesk.Decision{
			Finding: klachtdesk.FindingFounded, Motivation: "ZX81-motivation", SettlementType: "apology", Settlement: "ZX81-settlement",
		}}, 7 * 24 * time.Hour},
		{klachtdesk.Close{Reason: klachtdesk.CloseAccepted}, 24 * time.Hour},
		{klachtdesk.RecordRootCause{RootCause: "ZX81-rootcause"}, time.Hour},
	} {
		clock.Advance(step.advance)
		if _, err := s.Act(as(h), c.Reference, step.action); err != nil {
			t.Fatalf("%s: %v", step.action.EventKind(), err)
		}
	}
	markers := []string{"ZX81-subject", "ZX81-description", "Piet de Vries", "ZX81-remedy", "ZX81-informal",
		"ZX81-extension", "ZX81-motivation", "ZX81-settlement", "ZX81-rootcause"}

	t.Run("sealed in the table, clear to the store's readers", func(t *testing.T) {
		stored := rawTrail(t, raw, c.ID)
		for _, m := range markers {
			if strings.Contains(stored, m) {
				t.Errorf("the events table holds %q in clear", m)
			}
		}
		if !strings.Contains(stored, `"description":{"sealed":"`) {
			t.Errorf("no sealed description in the stored trail:\n%s", stored)
		}
		// What is not personal stays readable to an auditor with SQL.
		if !strings.Contains(stored, `"finding":"founded"`) || !strings.Contains(stored, `"state":"closed"`) {
			t.Errorf("non-personal fields not in clear:\n%s", stored)
		}
		events := mustReplayToStored(t, s, c.Reference)
		opened := openedTrail(t, events)
		for _, m := range markers {
			if !strings.Contains(opened, m) {
				t.Errorf("ComplaintEvents does not return %q", m)
			}
		}
		// Opened values are exactly what Diff wrote, HTML escaping included.
		if !strings.Contains(opened, `"description":"Mijn buurman Piet de Vries (ZX81-description) belde \u003cniet\u003e \u0026 terug."`) {
			t.Errorf("opened description differs:\n%s", opened)
		}
		if r := verify(t, db); r.Break != nil {
			t.Errorf("audit break: %+v", r.Break)
		}
	})

	var anonymised *klachtdesk.Complaint
	t.Run("anonymised: key destroyed, trail shredded, chain intact", func(t *testing.T) {
		// Closed on Fri 13 March 2026: kept until 13 March 2028.
		clock.Set(time.Date(2028, 3, 14, 9, 0, 0, 0, time.UTC))
		var err error
		if anonymised, err = s.Act(as(h), c.Reference, klachtdesk.Anonymise{}); err != nil {
			t.Fatal(err)
		}
		if hasKey(t, raw, c.ID) {
			t.Error("the complaint's key survives anonymisation")
		}
		stored := rawTrail(t, raw, c.ID)
		events := mustReplayToStored(t, s, c.Reference)
		opened := openedTrail(t, events)
		for _, m := range markers {
			if strings.Contains(stored, m) {
				t.Errorf("the events table holds %q", m)
			}
			if strings.Contains(opened, m) {
				t.Errorf("ComplaintEvents still returns %q", m)
			}
		}
		if r := verify(t, db); r.Break != nil {
			t.Errorf("audit break after destroying the key: %+v", r.Break)
		}
		var created map[string]any
		if err := json.Unmarshal(events[0].After, &created); err != nil {
			t.Fatal(err)
		}
		for _, f := range klachtdesk.PersonalFields {
			if v, ok := created[f]; ok && v != nil {
				t.Errorf("created event: %s = %v, want null once shredded", f, v)
			}
		}
		if created["reference"] != c.Reference || created["kind"] != "service" {
			t.Errorf("created event lost its non-personal fields: %v", created)
		}
		found, err := s.FindComplaintByReference(ctx, c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if found.Description != "" || found.State != klachtdesk.StateAnonymised {
			t.Errorf("stored complaint: state %s, description %q", found.State, found.Description)
		}
		if diff := cmp.Diff(anonymised, found); diff != "" {
			t.Errorf("returned differs from stored (-returned +stored):\n%s", diff)
		}
	})

	t.Run("the only complaint's complainant is anonymised", func(t *testing.T) {
		want := &klachtdesk.Complainant{ID: c.ComplainantID, Name: sqldb.AnonymisedName, Type: klachtdesk.Consumer, Language: klachtdesk.LanguageDutch}
		if diff := cmp.Diff(want, anonymised.Complainant); diff != "" {
			t.Errorf("complainant (-want +got):\n%s", diff)
		}
		var emailKey sql.NullString
		if err := raw.QueryRow(`SELECT email_key FROM complainants WHERE id = ?`, c.ComplainantID).Scan(&emailKey); err != nil {
			t.Fatal(err)
		}
		if emailKey.Valid {
			t.Errorf("email_key = %q, want NULL", emailKey.String)
		}
		events, err := s.ComplaintEvents(ctx, c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		last := events[len(events)-1]
		if last.Kind != klachtdesk.EventComplainantAnonymised || events[len(events)-2].Kind != "anonymised" {
			t.Fatalf("last events %s, %s; want anonymised, complainant_anonymised", events[len(events)-2].Kind, last.Kind)
		}
		if trail := rawTrail(t, raw, 0); strings.Contains(trail, "Jan Jansen") || strings.Contains(trail, "jan@example.org") {
			t.Errorf("the trail names the complainant")
		}
		// The address is free again: a new complaint from it is a new complainant.
		again := mustCreateComplaint(t, db, newComplaint(clock.Now().Add(-time.Hour), "jan@example.org"))
		if again.ComplainantID == c.ComplainantID {
			t.Errorf("a new complaint joined the anonymised complainant %d", c.ComplainantID)
		}
	})
}

func TestAnonymise_ComplainantWithAnotherComplaint(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(testNow)
	db.Now = clock.Now
	raw := rawDB(t, db)
	s := sqldb.NewComplaintService(db)
	first := mustCreateComplaint(t, db, newComplaint(testNow.Add(-2*time.Hour), "piet@example.org"))
	second := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "piet@example.org"))
	if first.ComplainantID != second.ComplainantID {
		t.Fatalf("complainants %d and %d, want one", first.ComplainantID, second.ComplainantID)
	}

	got := closeAndAnonymise(t, s, clock, first.Reference)
	if diff := cmp.Diff(second.Complainant, got.Complainant); diff != "" {
		t.Errorf("complainant changed while their other complaint is open (-before +after):\n%s", diff)
	}
	events := mustReplayToStored(t, s, first.Reference)
	if last := events[len(events)-1]; last.Kind != "anonymised" {
		t.Errorf("last event %s, want anonymised", last.Kind)
	}
	if hasKey(t, raw, first.ID) || !hasKey(t, raw, second.ID) {
		t.Errorf("keys: first %v, second %v; want only the second", hasKey(t, raw, first.ID), hasKey(t, raw, second.ID))
	}
	// The other complaint still reads in clear.
	opened := openedTrail(t, mustReplayToStored(t, s, second.Reference))
	if !strings.Contains(opened, "drie keer gebeld") {
		t.Errorf("the open complaint's trail lost its text:\n%s", opened)
	}

	got = closeAndAnonymise(t, s, clock, second.Reference)
	if got.Complainant.Name != sqldb.AnonymisedName || got.Complainant.Email != "" {
		t.Errorf("after their last complaint, complainant = %+v", got.Complainant)
	}
	mustReplayToStored(t, s, second.Reference)
	if trail := rawTrail(t, raw, 0); strings.Contains(trail, "drie keer gebeld") {
		t.Error("the events table holds the complaint text")
	}
	if r := verify(t, db); r.Break != nil {
		t.Errorf("audit break: %+v", r.Break)
	}
}

// rewriteEvent changes the stored after of event id with f, behind the
// store's back.
func rewriteEvent(tb testing.TB, raw rawConn, id int64, f func(after map[string]any)) {
	tb.Helper()
	var text string
	if err := raw.QueryRow(`SELECT after FROM events WHERE id = ?`, id).Scan(&text); err != nil {
		tb.Fatal(err)
	}
	var after map[string]any
	if err := json.Unmarshal([]byte(text), &after); err != nil {
		tb.Fatal(err)
	}
	f(after)
	b, err := json.Marshal(after)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := raw.Exec(`DROP TRIGGER IF EXISTS events_no_update`); err != nil {
		tb.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE events SET after = ? WHERE id = ?`, string(b), id); err != nil {
		tb.Fatal(err)
	}
}

func TestSealedValueTampering(t *testing.T) {
	sealedDescription := func(after map[string]any) string {
		return after["description"].(map[string]any)["sealed"].(string)
	}
	createdEvent := func(t *testing.T, s *sqldb.ComplaintService, reference string) int64 {
		events, err := s.ComplaintEvents(context.Background(), reference)
		if err != nil {
			t.Fatal(err)
		}
		return events[0].ID
	}

	t.Run("changed ciphertext", func(t *testing.T) {
		db := MustOpenDB(t)
		raw := rawDB(t, db)
		s := sqldb.NewComplaintService(db)
		c := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "a@example.org"))
		mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "b@example.org"))
		id := createdEvent(t, s, c.Reference)
		rewriteEvent(t, raw, id, func(after map[string]any) {
			b, err := base64.StdEncoding.DecodeString(sealedDescription(after))
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)-1] ^= 1
			after["description"] = map[string]any{"sealed": base64.StdEncoding.EncodeToString(b)}
		})
		if r := verify(t, db); r.Break == nil || r.Break.EventID != id {
			t.Errorf("break = %+v, want event %d", r.Break, id)
		}
		_, err := s.ComplaintEvents(context.Background(), c.Reference)
		wantCode(t, err, klachtdesk.EINTERNAL)
	})

	t.Run("sealed value moved to another complaint", func(t *testing.T) {
		db := MustOpenDB(t)
		raw := rawDB(t, db)
		s := sqldb.NewComplaintService(db)
		a := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "a@example.org"))
		b := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "b@example.org"))
		var fromA string
		rewriteEvent(t, raw, createdEvent(t, s, a.Reference), func(after map[string]any) { fromA = sealedDescription(after) })
		idB := createdEvent(t, s, b.Reference)
		rewriteEvent(t, raw, idB, func(after map[string]any) { after["description"] = map[string]any{"sealed": fromA} })
		if r := verify(t, db); r.Break == nil || r.Break.EventID != idB {
			t.Errorf("break = %+v, want event %d", r.Break, idB)
		}
		// Even without the hash, the value does not open under b's key.
		_, err := s.ComplaintEvents(context.Background(), b.Reference)
		if err == nil || !strings.Contains(err.Error(), "description does not open") {
			t.Errorf("ComplaintEvents = %v, want the sealed description refused", err)
		}
	})
}

func TestComplainantUpdatedEvent(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(testNow)
	db.Now = clock.Now
	raw := rawDB(t, db)
	s := sqldb.NewComplaintService(db)
	ctx := context.Background()

	a := mustCreateComplaint(t, db, newComplaint(testNow.Add(-2*time.Hour), "jan@example.org"))
	n := newComplaint(testNow.Add(-time.Hour), "Jan@Example.org")
	n.Complainant.Phone, n.Complainant.PostalAddress = "06-QX17", "Dorpsstraat QX17"
	n.Complainant.Type = klachtdesk.Business
	b := mustCreateComplaint(t, db, n)
	if b.Version != 1 {
		t.Errorf("version %d, want 1: a complainant change is no change of the complaint", b.Version)
	}

	events := mustReplayToStored(t, s, b.Reference)
	if len(events) != 2 || events[1].Kind != klachtdesk.EventComplainantUpdated {
		t.Fatalf("%d events, want created and complainant_updated", len(events))
	}
	decode := func(raw json.RawMessage) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	id := float64(a.ComplainantID)
	wantBefore := map[string]any{"complainant": map[string]any{"id": id, "email": "jan@example.org", "phone": "", "postal_address": "", "type": "consumer"}}
	wantAfter := map[string]any{"complainant": map[string]any{"id": id, "email": "Jan@Example.org", "phone": "06-QX17", "postal_address": "Dorpsstraat QX17", "type": "business"}}
	if diff := cmp.Diff(wantBefore, decode(events[1].Before)); diff != "" {
		t.Errorf("before (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantAfter, decode(events[1].After)); diff != "" {
		t.Errorf("after (-want +got):\n%s", diff)
	}
	stored := rawTrail(t, raw, b.ID)
	for _, m := range []string{"QX17", "jan@example.org", "Jan@Example.org"} {
		if strings.Contains(stored, m) {
			t.Errorf("the events table holds %q", m)
		}
	}
	if !strings.Contains(stored, `"type":"business"`) {
		t.Errorf("the customer type is not in clear:\n%s", stored)
	}
	if evs, err := s.ComplaintEvents(ctx, a.Reference); err != nil || len(evs) != 1 {
		t.Errorf("first complaint: %d events, %v; want only created", len(evs), err)
	}

	// Nothing new to tell: no event.
	n = newComplaint(testNow.Add(-time.Hour), "Jan@Example.org")
	n.Complainant.Type = klachtdesk.Business
	c := mustCreateComplaint(t, db, n)
	if evs, err := s.ComplaintEvents(ctx, c.Reference); err != nil || len(evs) != 1 {
		t.Errorf("unchanged complainant: %d events, %v; want only created", len(evs), err)
	}

	// Anonymising the complaint that carried the change shreds it, while the
	// complainant, who has other complaints, keeps their record.
	closeAndAnonymise(t, s, clock, b.Reference)
	events = mustReplayToStored(t, s, b.Reference)
	wantAfter = map[string]any{"complainant": map[string]any{"id": id, "email": nil, "phone": nil, "postal_address": nil, "type": "business"}}
	if diff := cmp.Diff(wantAfter, decode(events[1].After)); diff != "" {
		t.Errorf("after, shredded (-want +got):\n%s", diff)
	}
	found, err := s.FindComplaintByReference(ctx, a.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if found.Complainant.Phone != "06-QX17" {
		t.Errorf("complainant = %+v, want their data kept", found.Complainant)
	}
	if r := verify(t, db); r.Break != nil {
		t.Errorf("audit break: %+v", r.Break)
	}
}

// A database from before complaint keys: opening it migrates and gives every
// complaint that can still get events a key. What was written before stays
// as it was (rows are never rewritten); what comes after is sealed.
func TestOpen_AddsMissingComplaintKeys(t *testing.T) {
	sqliteOnly(t) // a SQLite database from before complaint keys
	dir := t.TempDir()
	db := sqldb.NewDB(dir, "")
	ctx := context.Background()

	// Schema version 1, with one complaint and its created event in clear.
	v1, err := os.ReadFile("migrations/sqlite/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	p, err := goose.NewProvider(goose.DialectSQLite3, raw, fstest.MapFS{"0001_init.sql": {Data: v1}}, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	at := "2026-03-02T09:00:00.000000000Z"
	e := &klachtdesk.Event{ID: 1, ComplaintID: 1, Kind: klachtdesk.EventCreated, Actor: "system", At: testNow,
		Before: json.RawMessage(`{}`), After: json.RawMessage(`{"description":"Oude klacht QV44","state":"received","version":1}`)}
	e.Seal("")
	for _, stmt := range []struct {
		q    string
		args []any
	}{
		{`INSERT INTO complainants (id, name, type, language, created_at, updated_at) VALUES (1, 'Jan Jansen', 'consumer', 'nl', ?, ?)`, []any{at, at}},
		{`INSERT INTO complaints (id, reference, year, number, state, channel, received_at, receipt_date, language, complainant_id,
			customer_type, kind, subtype, description, severity, route, version, created_at, updated_at)
			VALUES (1, 'KL-2026-000001', 2026, 1, 'received', 'email', ?, '2026-03-02', 'nl', 1,
			'consumer', 'service', 'other', 'Oude klacht QV44', 'normal', 'internal', 1, ?, ?)`, []any{at, at, at}},
		{`INSERT INTO reference_counters (year, last) VALUES (2026, 1)`, nil},
		{`INSERT INTO events (id, complaint_id, kind, actor_id, actor, at, before, after, prev_hash, hash) VALUES (1, 1, 'created', 0, 'system', ?, ?, ?, '', ?)`,
			[]any{at, string(e.Before), string(e.After), e.Hash}},
		{`UPDATE audit_head SET last_event_id = 1, last_hash = ?`, []any{e.Hash}},
	} {
		if _, err := raw.Exec(stmt.q, stmt.args...); err != nil {
			t.Fatalf("%s: %v", stmt.q, err)
		}
	}

	db.Now = func() time.Time { return testNow }
	if err := db.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer MustCloseDB(t, db)
	if !hasKey(t, rawConn{raw}, 1) {
		t.Fatal("the old complaint got no key")
	}
	s := sqldb.NewComplaintService(db)
	if _, err := s.Act(ctx, "KL-2026-000001", klachtdesk.Close{Reason: klachtdesk.CloseWithdrawn, Detail: "Dubbel ingediend QV44"}); err != nil {
		t.Fatal(err)
	}
	events, err := s.ComplaintEvents(ctx, "KL-2026-000001")
	if err != nil {
		t.Fatal(err)
	}
	if opened := openedTrail(t, events); !strings.Contains(opened, "Oude klacht QV44") || !strings.Contains(opened, "Dubbel ingediend QV44") {
		t.Errorf("events:\n%s", opened)
	}
	if stored := rawTrail(t, rawConn{raw}, 1); strings.Contains(stored, "Dubbel ingediend") {
		t.Errorf("the new event is not sealed:\n%s", stored)
	}
	if r := verify(t, db); r.Break != nil || r.Events != 2 {
		t.Errorf("audit: %d events, break %+v", r.Events, r.Break)
	}
}

// TestEventNotes: the reason of a Noted action is kept in the trail, sealed
// like the personal fields, and gone once the complaint is anonymised.
func TestEventNotes(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(testNow)
	db.Now = clock.Now
	s := sqldb.NewComplaintService(db)
	ctx := context.Background()
	handler := mustCreateUser(t, db, "henk", klachtdesk.RoleHandler)
	c := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "noot@example.org"))
	const marker = "QUESTION-MARKER-7731"
	for _, a := range []klachtdesk.Action{
		klachtdesk.Acknowledge{}, klachtdesk.Assign{HandlerID: handler.ID}, klachtdesk.StartTreatment{},
		klachtdesk.RequestInfo{Question: "Welk nummer belde u? " + marker},
	} {
		if _, err := s.Act(ctx, c.Reference, a); err != nil {
			t.Fatalf("%s: %v", a.EventKind(), err)
		}
	}
	events, err := s.ComplaintEvents(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if last.Kind != "info_requested" || !strings.Contains(last.EventNote(), marker) {
		t.Errorf("last event %s has note %q, want the question", last.Kind, last.EventNote())
	}
	raw := rawDB(t, db)
	if strings.Contains(rawTrail(t, raw, c.ID), marker) {
		t.Error("the note is stored in clear in the events table")
	}
	mustReplayToStored(t, s, c.Reference)

	closeAndAnonymise(t, s, clock, c.Reference)
	events, err = s.ComplaintEvents(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(openedTrail(t, events), marker) {
		t.Error("the note survives anonymisation")
	}
	mustReplayToStored(t, s, c.Reference)
	report, err := sqldb.NewAuditService(db).VerifyAudit(ctx)
	if err != nil || report.Break != nil {
		t.Errorf("VerifyAudit = %+v, %v", report, err)
	}
}

// TestAnonymiseMessages: a message's subject and attachment names are sealed
// in the trail, and anonymisation empties the message archive of the
// complaint and refuses new messages on it.
func TestAnonymiseMessages(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(testNow)
	db.Now = clock.Now
	s, ms := sqldb.NewComplaintService(db), sqldb.NewMessageService(db)
	ctx := context.Background()
	c := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "bericht@example.org"))
	const marker = "SUBJECT-MARKER-4411"
	m := &klachtdesk.Message{Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail, MessageID: "<a@example.org>",
		From: "bericht@example.org", Subject: "Klacht " + marker, Text: "Tekst " + marker}
	files := []klachtdesk.NewAttachment{{Filename: "factuur-" + marker + ".pdf", ContentType: "application/pdf", Content: strings.NewReader("%PDF-1.4")}}
	if err := ms.AddMessage(ctx, c.Reference, m, files); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, db)
	if strings.Contains(rawTrail(t, raw, c.ID), marker) {
		t.Error("message subject or attachment name stored in clear in the trail")
	}
	events, err := s.ComplaintEvents(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(openedTrail(t, events), marker) {
		t.Error("the store does not open the sealed message values for reading")
	}

	closeAndAnonymise(t, s, clock, c.Reference)
	msgs, err := ms.ComplaintMessages(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 {
		t.Fatalf("%d messages after anonymisation, want the row kept", len(msgs))
	}
	got := msgs[0]
	if got.From != "" || got.Subject != "" || got.Text != "" || strings.Contains(got.Attachments[0].Filename, marker) {
		t.Errorf("message keeps personal data after anonymisation: %+v %+v", got, got.Attachments[0])
	}
	events, err = s.ComplaintEvents(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(openedTrail(t, events), marker) {
		t.Error("the trail still opens the message values after anonymisation")
	}
	err = ms.AddMessage(ctx, c.Reference, &klachtdesk.Message{Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail, Text: "nog iets"}, nil)
	wantCode(t, err, klachtdesk.ETransitionNotAllowed)
	report, err := sqldb.NewAuditService(db).VerifyAudit(ctx)
	if err != nil || report.Break != nil {
		t.Errorf("VerifyAudit = %+v, %v", report, err)
	}
}
