package sqldb_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

func TestComplaintService_CreateComplaint(t *testing.T) {
	t.Run("stored and read back exactly", func(t *testing.T) {
		db := MustOpenDB(t)
		db.Now = func() time.Time { return time.Date(2026, 4, 14, 9, 0, 0, 0, time.UTC) }
		piet := mustCreateUser(t, db, "piet", klachtdesk.RoleHandler)
		n := newComplaint(time.Date(2026, 4, 13, 7, 30, 15, 123456789, time.UTC), "jan@example.org")
		n.Kind, n.Subtype = klachtdesk.KindProduct, "defect"
		n.ProductRef, n.Discovered = "ROUTER-7", klachtdesk.MustParseDate("2026-01-05")
		n.Complainant.PostalAddress, n.Complainant.Phone, n.Complainant.CustomerNumber = "Dorpsstraat 1, Ons Dorp", "+31 20 123 4567", "C-42"
		n.RemedySought, n.InformalContact, n.Severity = "Een nieuwe router", "Belde met de helpdesk op 10 april", klachtdesk.SeverityHigh
		n.ConcernedEmployees = []int64{piet.ID}

		s := sqldb.NewComplaintService(db)
		created, err := s.CreateComplaint(context.Background(), n)
		if err != nil {
			t.Fatal(err)
		}
		want := &klachtdesk.Complaint{
			ID: created.ID, Reference: "KL-2026-000001", State: klachtdesk.StateReceived, Channel: klachtdesk.ChannelEmail,
			ReceivedAt: n.ReceivedAt.Truncate(time.Microsecond), ReceiptDate: klachtdesk.MustParseDate("2026-04-13"), ProcedureVersion: "1",
			Language: klachtdesk.LanguageDutch, ComplainantID: created.ComplainantID,
			Complainant: &klachtdesk.Complainant{
				ID: created.ComplainantID, Name: "Jan Jansen", Email: "jan@example.org", PostalAddress: "Dorpsstraat 1, Ons Dorp",
				Phone: "+31 20 123 4567", CustomerNumber: "C-42", Type: klachtdesk.Consumer, Language: klachtdesk.LanguageDutch,
			},
			CustomerType: klachtdesk.Consumer, Kind: klachtdesk.KindProduct, Subtype: "defect", Subject: n.Subject,
			Description: n.Description, RemedySought: n.RemedySought, ProductRef: "ROUTER-7",
			Discovered: klachtdesk.MustParseDate("2026-01-05"), Severity: klachtdesk.SeverityHigh,
			InformalContact: n.InformalContact, ConcernedEmployees: []int64{piet.ID},
			// Received Mon 13 April 2026: due Mon 27 April (King's Day, no
			// roll), act by Fri 24 April, acknowledge by Thu 16 April.
			AckDue:     klachtdesk.Deadline{Date: klachtdesk.MustParseDate("2026-04-16"), Rule: "r1.s0"},
			AnswerDue:  klachtdesk.Deadline{Date: klachtdesk.MustParseDate("2026-04-27"), Rule: "r1.s0"},
			ActBy:      klachtdesk.Deadline{Date: klachtdesk.MustParseDate("2026-04-24"), Rule: "r1.s0"},
			LateNotice: true, // defect discovered more than 2 months before
			Route:      klachtdesk.RouteMediator,
			Version:    1,
			CreatedAt:  db.Now(), UpdatedAt: db.Now(),
		}
		if diff := cmp.Diff(want, created); diff != "" {
			t.Errorf("created complaint (-want +got):\n%s", diff)
		}
		found, err := s.FindComplaintByReference(context.Background(), "KL-2026-000001")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, found); diff != "" {
			t.Errorf("found complaint (-want +got):\n%s", diff)
		}
		events, err := s.ComplaintEvents(context.Background(), "KL-2026-000001")
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 || events[0].Kind != klachtdesk.EventCreated || events[0].Actor != "system" {
			t.Fatalf("events = %+v, want one created event by the system", events)
		}
		replayed, err := klachtdesk.Replay(events)
		if err != nil {
			t.Fatal(err)
		}
		replayed.Complainant = want.Complainant
		if diff := cmp.Diff(want, replayed); diff != "" {
			t.Errorf("replayed complaint (-want +got):\n%s", diff)
		}
	})

	t.Run("references per year of the local receipt date", func(t *testing.T) {
		db := MustOpenDB(t)
		clock := NewClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
		db.Now = clock.Now
		tests := []struct {
			receivedAt time.Time
			now        time.Time
			want       string
		}{
			{time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC), clock.Now(), "KL-2026-000001"},
			{time.Date(2026, 1, 3, 10, 0, 0, 0, time.UTC), clock.Now(), "KL-2026-000002"},
			// 23:30 UTC on 31 December is 00:30 on 1 January in Amsterdam.
			{time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC), clock.Now(), "KL-2026-000003"},
			// 22:30 UTC is still 31 December in Amsterdam: a letter of last year.
			{time.Date(2025, 12, 31, 22, 30, 0, 0, time.UTC), clock.Now(), "KL-2025-000001"},
			{time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC), clock.Now(), "KL-2026-000004"},
			{time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC), time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC), "KL-2027-000001"},
			{time.Date(2027, 1, 4, 8, 5, 0, 0, time.UTC), time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC), "KL-2027-000002"},
		}
		for _, tt := range tests {
			clock.Set(tt.now)
			c := mustCreateComplaint(t, db, newComplaint(tt.receivedAt, "a@example.org"))
			if c.Reference != tt.want {
				t.Errorf("received %s: reference %s, want %s", tt.receivedAt, c.Reference, tt.want)
			}
		}
	})

	t.Run("complainant matched by e-mail address", func(t *testing.T) {
		db := MustOpenDB(t)
		a := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "Jan@Example.org"))
		n := newComplaint(testNow.Add(-time.Hour), " jan@example.ORG")
		// A complainant needs a name; a mail without a display name is named
		// by its address (klachtdesk.NewComplaintFromMail), which tells the
		// store no name.
		n.Complainant.Name, n.Complainant.Phone = n.Complainant.Email, "06-12345678"
		b := mustCreateComplaint(t, db, n)
		if a.ComplainantID != b.ComplainantID {
			t.Errorf("same address, complainants %d and %d", a.ComplainantID, b.ComplainantID)
		}
		if b.Complainant.Name != "Jan Jansen" || b.Complainant.Phone != "06-12345678" {
			t.Errorf("complainant = %+v, want the name kept and the phone added", b.Complainant)
		}
		c := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), ""))
		d := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), ""))
		if c.ComplainantID == d.ComplainantID || c.ComplainantID == a.ComplainantID {
			t.Errorf("without an address, complainants %d and %d must be new rows", c.ComplainantID, d.ComplainantID)
		}
	})
}

func TestComplaintService_CreateComplaint_Concurrent(t *testing.T) {
	db := MustOpenDB(t)
	s := sqldb.NewComplaintService(db)
	const workers, each = 8, 10
	var (
		mu   sync.Mutex
		refs []string
		wg   sync.WaitGroup
	)
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				c, err := s.CreateComplaint(context.Background(), newComplaint(testNow.Add(-time.Hour), fmt.Sprintf("w%d-%d@example.org", w, i)))
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				refs = append(refs, c.Reference)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	slices.Sort(refs)
	var want []string
	for i := 1; i <= workers*each; i++ {
		want = append(want, fmt.Sprintf("KL-2026-%06d", i))
	}
	if diff := cmp.Diff(want, refs); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
}

func TestComplaintService_CreateComplaints(t *testing.T) {
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	s := sqldb.NewComplaintService(db)
	ctx := context.Background()

	bad := newComplaint(testNow.Add(-time.Hour), "d@example.org")
	bad.Description = "  "
	batch := []*klachtdesk.NewComplaint{
		newComplaint(testNow.Add(-time.Hour), "a@example.org"),
		newComplaint(testNow.Add(-time.Hour), "b@example.org"),
		newComplaint(testNow.Add(-time.Hour), "c@example.org"),
		bad,
	}
	_, err := s.CreateComplaints(ctx, batch)
	wantCode(t, err, klachtdesk.EINVALID)
	if msg := klachtdesk.ErrorMessage(err); !strings.Contains(msg, "complaint 4 of 4") {
		t.Errorf("error message %q does not name the refused complaint", msg)
	}
	for _, table := range []string{"complaints", "complainants", "complaint_concerned", "complaint_keys", "events", "reference_counters"} {
		if n := count(t, raw, table); n != 0 {
			t.Errorf("after a refused batch, %d rows in %s", n, table)
		}
	}

	cs, err := s.CreateComplaints(ctx, batch[:3])
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs {
		got = append(got, c.Reference)
	}
	// The refused batch consumed no number.
	if diff := cmp.Diff([]string{"KL-2026-000001", "KL-2026-000002", "KL-2026-000003"}, got); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
	if n := count(t, raw, "events"); n != 3 {
		t.Errorf("%d events, want 3", n)
	}
}

func TestComplaintService_CreateComplaint_Invalid(t *testing.T) {
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	s := sqldb.NewComplaintService(db)
	tests := []struct {
		name   string
		change func(n *klachtdesk.NewComplaint)
		code   string
	}{
		{"phone call", func(n *klachtdesk.NewComplaint) { n.Channel = "phone" }, klachtdesk.ENotWritten},
		{"unknown channel", func(n *klachtdesk.NewComplaint) { n.Channel = "fax" }, klachtdesk.EINVALID},
		{"no receipt instant", func(n *klachtdesk.NewComplaint) { n.ReceivedAt = time.Time{} }, klachtdesk.EINVALID},
		{"received in the future", func(n *klachtdesk.NewComplaint) { n.ReceivedAt = testNow.Add(time.Hour) }, klachtdesk.EINVALID},
		{"empty text", func(n *klachtdesk.NewComplaint) { n.Description = "" }, klachtdesk.EINVALID},
		{"bad subtype", func(n *klachtdesk.NewComplaint) { n.Subtype = "defect" }, klachtdesk.EINVALID},
		{"bad complainant type", func(n *klachtdesk.NewComplaint) { n.Complainant.Type = "citizen" }, klachtdesk.EINVALID},
		{"bad e-mail address", func(n *klachtdesk.NewComplaint) { n.Complainant.Email = "jan.example.org" }, klachtdesk.EINVALID},
		{"concerned employee who is not a user", func(n *klachtdesk.NewComplaint) { n.ConcernedEmployees = []int64{999} }, klachtdesk.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newComplaint(testNow.Add(-time.Hour), "jan@example.org")
			tt.change(n)
			c, err := s.CreateComplaint(context.Background(), n)
			wantCode(t, err, tt.code)
			if c != nil {
				t.Errorf("got complaint %+v with the error", c)
			}
			for _, table := range []string{"complaints", "complainants", "complaint_concerned", "complaint_keys", "events", "reference_counters"} {
				if n := count(t, raw, table); n != 0 {
					t.Errorf("%d rows in %s", n, table)
				}
			}
		})
	}
	t.Run("nil", func(t *testing.T) {
		_, err := s.CreateComplaint(context.Background(), nil)
		wantCode(t, err, klachtdesk.EINVALID)
	})
}

// A settings change applies to new complaints only: stored deadlines keep
// their dates and the rule version that computed them.
func TestComplaintService_SettingsChangeKeepsDeadlines(t *testing.T) {
	db := MustOpenDB(t)
	db.Now = func() time.Time { return time.Date(2026, 4, 7, 9, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	complaints, settings := sqldb.NewComplaintService(db), sqldb.NewSettingsService(db)
	received := time.Date(2026, 4, 6, 8, 0, 0, 0, time.UTC) // Easter Monday

	before := mustCreateComplaint(t, db, newComplaint(received, "a@example.org"))
	if got, want := before.AnswerDue, (klachtdesk.Deadline{Date: klachtdesk.MustParseDate("2026-04-20"), Rule: "r1.s0"}); got != want {
		t.Fatalf("answer due = %+v, want %+v", got, want)
	}
	if _, err := settings.SetSetting(ctx, "answer.term_days", "21"); err != nil {
		t.Fatal(err)
	}
	s, err := settings.SetSetting(ctx, "answer.roll", "forward")
	if err != nil {
		t.Fatal(err)
	}
	if s.Revision != 2 || s.AnswerTermDays != 21 || s.AnswerRoll != klachtdesk.RollForward {
		t.Fatalf("settings = revision %d, term %d, roll %s", s.Revision, s.AnswerTermDays, s.AnswerRoll)
	}

	again, err := complaints.FindComplaintByReference(ctx, before.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, again); diff != "" {
		t.Errorf("existing complaint changed by the settings (-before +after):\n%s", diff)
	}

	after := mustCreateComplaint(t, db, newComplaint(received, "b@example.org"))
	want := map[string]klachtdesk.Deadline{
		// 6 April + 21 days is King's Day, Monday 27 April: rolled forward.
		"answer_due": {Date: klachtdesk.MustParseDate("2026-04-28"), Rule: "r1.s2"},
		"act_by":     {Date: klachtdesk.MustParseDate("2026-04-28"), Rule: "r1.s2"},
		"ack_due":    {Date: klachtdesk.MustParseDate("2026-04-09"), Rule: "r1.s2"},
	}
	got := map[string]klachtdesk.Deadline{"answer_due": after.AnswerDue, "act_by": after.ActBy, "ack_due": after.AckDue}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("new complaint's deadlines (-want +got):\n%s", diff)
	}
}

func TestComplaintService_FindComplaints(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	db.Now = clock.Now
	h := mustCreateUser(t, db, "hanna", klachtdesk.RoleHandler)
	s := sqldb.NewComplaintService(db)
	ctx := context.Background()

	// Five complaints received a day apart, 1–5 March.
	var refs []string
	for i := range 5 {
		email := "a@example.org"
		if i%2 == 1 {
			email = "b@example.org"
		}
		clock.Set(time.Date(2026, 3, 1+i, 10, 0, 0, 0, time.UTC))
		c := mustCreateComplaint(t, db, newComplaint(clock.Now().Add(-time.Hour), email))
		refs = append(refs, c.Reference)
	}
	if _, err := s.Act(ctx, refs[1], klachtdesk.Assign{HandlerID: h.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Act(ctx, refs[2], klachtdesk.Close{Reason: klachtdesk.CloseNotAdmissible, Detail: "spam"}); err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	tests := []struct {
		name      string
		filter    klachtdesk.ComplaintFilter
		want      []string
		wantTotal int
	}{
		{"all, newest first", klachtdesk.ComplaintFilter{}, []string{refs[4], refs[3], refs[2], refs[1], refs[0]}, 5},
		{"page", klachtdesk.ComplaintFilter{Limit: 2, Offset: 1}, []string{refs[3], refs[2]}, 5},
		{"offset only", klachtdesk.ComplaintFilter{Offset: 3}, []string{refs[1], refs[0]}, 5},
		{"page past the end", klachtdesk.ComplaintFilter{Limit: 2, Offset: 10}, nil, 5},
		{"reference", klachtdesk.ComplaintFilter{Reference: refs[3]}, []string{refs[3]}, 1},
		{"state", klachtdesk.ComplaintFilter{State: klachtdesk.StateClosed}, []string{refs[2]}, 1},
		{"open", klachtdesk.ComplaintFilter{Open: &yes}, []string{refs[4], refs[3], refs[1], refs[0]}, 4},
		{"not open", klachtdesk.ComplaintFilter{Open: &no}, []string{refs[2]}, 1},
		{"handler", klachtdesk.ComplaintFilter{HandlerID: h.ID}, []string{refs[1]}, 1},
		{"e-mail, any case", klachtdesk.ComplaintFilter{Email: "B@example.org"}, []string{refs[3], refs[1]}, 2},
		{"received range", klachtdesk.ComplaintFilter{
			ReceivedGTE: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), ReceivedLT: time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC),
		}, []string{refs[2], refs[1]}, 2},
		{"nothing", klachtdesk.ComplaintFilter{Reference: "KL-2026-999999"}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, total, err := s.FindComplaints(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cs {
				got = append(got, c.Reference)
				if c.Complainant == nil || c.Complainant.Email == "" {
					t.Errorf("%s: complainant not loaded", c.Reference)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("references (-want +got):\n%s", diff)
			}
			if total != tt.wantTotal {
				t.Errorf("total = %d, want %d", total, tt.wantTotal)
			}
		})
	}
	t.Run("negative limit", func(t *testing.T) {
		_, _, err := s.FindComplaints(ctx, klachtdesk.ComplaintFilter{Limit: -1})
		wantCode(t, err, klachtdesk.EINVALID)
	})
}
