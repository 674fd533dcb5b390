package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

func TestComplaintService_Act(t *testing.T) {
	t.Run("whole procedure", func(t *testing.T) {
		db := MustOpenDB(t)
		clock := NewClock(testNow)
		db.Now = clock.Now
		h := mustCreateUser(t, db, "hanna", klachtdesk.RoleHandler)
		s := sqldb.NewComplaintService(db)
		c := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "jan@example.org"))
		ctx := as(h)
		day := func(s string) klachtdesk.Date { return klachtdesk.MustParseDate(s) }

		steps := []struct {
			action  klachtdesk.Action
			advance time.Duration
			check   func(t *testing.T, c *klachtdesk.Complaint)
		}{
			{klachtdesk.Acknowledge{}, time.Hour, func(t *testing.T, c *klachtdesk.Complaint) {
				if c.State != klachtdesk.StateAcknowledged || !c.AcknowledgedAt.Equal(testNow.Add(time.Hour)) {
					t.Errorf("state %s, acknowledged at %s", c.State, c.AcknowledgedAt)
				}
			}},
			{klachtdesk.Assign{HandlerID: h.ID}, time.Hour, func(t *testing.T, c *klachtdesk.Complaint) {
				if c.HandlerID != h.ID {
					t.Errorf("handler %d, want %d", c.HandlerID, h.ID)
				}
			}},
			{klachtdesk.StartTreatment{}, 24 * time.Hour, nil},
			{klachtdesk.RequestInfo{Question: "Wat is uw klantnummer?"}, time.Hour, func(t *testing.T, c *klachtdesk.Complaint) {
				if c.State != klachtdesk.StateAwaitingInfo {
					t.Errorf("state %s", c.State)
				}
			}},
			{klachtdesk.ReceiveInfo{}, 48 * time.Hour, nil},
			{klachtdesk.Extend{Extension: klachtdesk.Extension{Reason: "Leverancier onderzoekt het", Promised: day("2026-03-30")}}, time.Hour, func(t *testing.T, c *klachtdesk.Complaint) {
				if !c.Extended || c.PromisedDate != (klachtdesk.Deadline{Date: day("2026-03-30"), Rule: "r1.s0"}) {
					t.Errorf("extended %v, promised %+v", c.Extended, c.PromisedDate)
				}
			}},
			{klachtdesk.Decide{Decision: klachtdesk.Decision{
				Finding: klachtdesk.FindingFounded, Motivation: "Wij belden niet terug.", SettlementType: "apology", Settlement: "Excuses en een tegoed.",
			}}, 7 * 24 * time.Hour, func(t *testing.T, c *klachtdesk.Complaint) {
				// Decided on Thu 12 March: reaction due 26 March.
				if c.State != klachtdesk.StateAnswered || c.ReactionDue.Date != day("2026-03-26") {
					t.Errorf("state %s, reaction due %s", c.State, c.ReactionDue.Date)
				}
			}},
			{klachtdesk.Close{Reason: klachtdesk.CloseAccepted}, 24 * time.Hour, func(t *testing.T, c *klachtdesk.Complaint) {
				if c.State != klachtdesk.StateClosed || c.CloseReason != klachtdesk.CloseAccepted || c.RetentionUntil.Date != day("2028-03-13") {
					t.Errorf("state %s, close reason %s, retention until %s", c.State, c.CloseReason, c.RetentionUntil.Date)
				}
			}},
		}
		wantKinds := []string{klachtdesk.EventCreated}
		for i, step := range steps {
			clock.Advance(step.advance)
			got, err := s.Act(ctx, c.Reference, step.action)
			if err != nil {
				t.Fatalf("step %d (%s): %v", i+1, step.action.EventKind(), err)
			}
			if got.Version != i+2 || !got.UpdatedAt.Equal(clock.Now()) {
				t.Errorf("step %d: version %d, updated %s; want %d, %s", i+1, got.Version, got.UpdatedAt, i+2, clock.Now())
			}
			if step.check != nil {
				step.check(t, got)
			}
			found, err := s.FindComplaintByReference(ctx, c.Reference)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(got, found); diff != "" {
				t.Errorf("step %d: stored differs from returned (-returned +stored):\n%s", i+1, diff)
			}
			wantKinds = append(wantKinds, step.action.EventKind())
		}

		events, err := s.ComplaintEvents(ctx, c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, e.Kind)
			if e.ComplaintID != c.ID {
				t.Errorf("event %d has complaint %d, want %d", e.ID, e.ComplaintID, c.ID)
			}
		}
		if diff := cmp.Diff(wantKinds, kinds); diff != "" {
			t.Errorf("event kinds (-want +got):\n%s", diff)
		}
		if last := events[len(events)-1]; last.Actor != "hanna" || last.ActorID != h.ID || !last.At.Equal(clock.Now()) {
			t.Errorf("last event by %s (%d) at %s", last.Actor, last.ActorID, last.At)
		}
		report, err := sqldb.NewAuditService(db).VerifyAudit(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if report.Break != nil {
			t.Errorf("audit break: %+v", report.Break)
		}
	})

	t.Run("refused action writes nothing", func(t *testing.T) {
		db := MustOpenDB(t)
		raw := rawDB(t, db)
		h := mustCreateUser(t, db, "hanna", klachtdesk.RoleHandler)
		k := mustCreateUser(t, db, "kees", klachtdesk.RoleHandler)
		v := mustCreateUser(t, db, "vera", klachtdesk.RoleViewer)
		oud := mustCreateInactiveUser(t, db, "oud")
		s := sqldb.NewComplaintService(db)
		n := newComplaint(testNow.Add(-time.Hour), "jan@example.org")
		n.ConcernedEmployees = []int64{k.ID}
		c := mustCreateComplaint(t, db, n)
		tests := []struct {
			name   string
			action klachtdesk.Action
			code   string
		}{
			{"take into treatment while received", klachtdesk.StartTreatment{}, klachtdesk.ETransitionNotAllowed},
			{"decide while received", klachtdesk.Decide{Decision: klachtdesk.Decision{Finding: klachtdesk.FindingUnfounded, Motivation: "x"}}, klachtdesk.ETransitionNotAllowed},
			{"assign a concerned employee", klachtdesk.Assign{HandlerID: k.ID}, klachtdesk.EConflictOfInterest},
			{"assign someone who is not a user", klachtdesk.Assign{HandlerID: 999}, klachtdesk.EINVALID},
			{"assign a viewer", klachtdesk.Assign{HandlerID: v.ID}, klachtdesk.EINVALID},
			{"assign an inactive user", klachtdesk.Assign{HandlerID: oud.ID}, klachtdesk.EINVALID},
			{"concerned who is not a user", klachtdesk.SetConcerned{UserIDs: []int64{k.ID, 998}}, klachtdesk.EINVALID},
			{"no action", nil, klachtdesk.EINVALID},
		}
		events := count(t, raw, "events")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.Act(as(h), c.Reference, tt.action)
				wantCode(t, err, tt.code)
				if got != nil {
					t.Errorf("got a complaint with the error")
				}
				found, err := s.FindComplaintByReference(context.Background(), c.Reference)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(c, found); diff != "" {
					t.Errorf("complaint changed (-before +after):\n%s", diff)
				}
				if n := count(t, raw, "events"); n != events {
					t.Errorf("%d events, want %d", n, events)
				}
			})
		}
		_, err := s.Act(context.Background(), "KL-2026-999999", klachtdesk.Acknowledge{})
		wantCode(t, err, klachtdesk.ENOTFOUND)
	})

	t.Run("handler and reviewer must be active staff", func(t *testing.T) {
		db := MustOpenDB(t)
		raw := rawDB(t, db)
		h := mustCreateUser(t, db, "hanna", klachtdesk.RoleHandler)
		r := mustCreateUser(t, db, "rik", klachtdesk.RoleAdmin)
		v := mustCreateUser(t, db, "vera", klachtdesk.RoleViewer)
		oud := mustCreateInactiveUser(t, db, "oud")
		s := sqldb.NewComplaintService(db)
		c := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "jan@example.org"))
		for _, a := range []klachtdesk.Action{
			klachtdesk.Acknowledge{}, klachtdesk.Assign{HandlerID: h.ID}, klachtdesk.StartTreatment{},
			klachtdesk.Decide{Decision: klachtdesk.Decision{Finding: klachtdesk.FindingUnfounded, Motivation: "Wij belden wel terug."}},
		} {
			if _, err := s.Act(as(h), c.Reference, a); err != nil {
				t.Fatalf("%s: %v", a.EventKind(), err)
			}
		}
		tests := []struct {
			name   string
			action klachtdesk.Action
			want   string // in the message
		}{
			{"assign a viewer", klachtdesk.Assign{HandlerID: v.ID}, "user vera has the viewer role and cannot be the handler"},
			{"assign an inactive user", klachtdesk.Assign{HandlerID: oud.ID}, "user oud is inactive and cannot be the handler"},
			{"assign an unknown user", klachtdesk.Assign{HandlerID: 999}, "user 999 does not exist and cannot be the handler"},
			{"reopen for a viewer's review", klachtdesk.Reopen{Reason: "Oneens", ReviewerID: v.ID}, "user vera has the viewer role and cannot be the reviewer"},
			{"reopen for an inactive reviewer", klachtdesk.Reopen{Reason: "Oneens", ReviewerID: oud.ID}, "user oud is inactive and cannot be the reviewer"},
			{"reopen for an unknown reviewer", klachtdesk.Reopen{Reason: "Oneens", ReviewerID: 999}, "user 999 does not exist and cannot be the reviewer"},
		}
		events := count(t, raw, "events")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.Act(as(h), c.Reference, tt.action)
				wantCode(t, err, klachtdesk.EINVALID)
				if msg := klachtdesk.ErrorMessage(err); !strings.Contains(msg, tt.want) {
					t.Errorf("message %q, want it to say %q", msg, tt.want)
				}
				if n := count(t, raw, "events"); n != events {
					t.Errorf("%d events, want %d", n, events)
				}
			})
		}
		// An administrator reviews; a handler may be assigned again.
		got, err := s.Act(as(h), c.Reference, klachtdesk.Reopen{Reason: "Oneens", ReviewerID: r.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got.ReviewerID != r.ID || got.State != klachtdesk.StateInTreatment {
			t.Errorf("reviewer %d, state %s; want %d, in_treatment", got.ReviewerID, got.State, r.ID)
		}
		if _, err := s.Act(as(h), c.Reference, klachtdesk.Assign{HandlerID: h.ID}); err != nil {
			t.Error(err)
		}
	})

	t.Run("changed by someone else", func(t *testing.T) {
		db := MustOpenDB(t)
		raw := rawDB(t, db)
		s := sqldb.NewComplaintService(db)
		c := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "jan@example.org"))
		// Between this Act's read and its write, another writer commits a
		// change: on PostgreSQL that is a concurrent transaction, here it
		// is played inside the same one.
		sqldb.SetBeforeComplaintUpdate(db, func(ctx context.Context, tx *sqldb.Tx, id int64) error {
			_, err := tx.ExecContext(ctx, `UPDATE complaints SET version = version + 1 WHERE id = ?`, id)
			return err
		})
		_, err := s.Act(context.Background(), c.Reference, klachtdesk.Acknowledge{})
		wantCode(t, err, klachtdesk.ECONFLICT)
		sqldb.SetBeforeComplaintUpdate(db, nil)

		found, err := s.FindComplaintByReference(context.Background(), c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, found); diff != "" {
			t.Errorf("complaint changed (-before +after):\n%s", diff)
		}
		if n := count(t, raw, "events"); n != 1 {
			t.Errorf("%d events, want 1", n)
		}
		if _, err := s.Act(context.Background(), c.Reference, klachtdesk.Acknowledge{}); err != nil {
			t.Errorf("after reloading: %v", err)
		}
	})
}
