package sqldb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// TestComplaintService_ReferenceAsTyped: every lookup takes a reference as
// a user types it: in lower case, with white space around it.
func TestComplaintService_ReferenceAsTyped(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	c := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "jan@example.org"))
	typed := " " + "kl" + c.Reference[2:] + "\n"
	s := sqldb.NewComplaintService(db)
	if got, err := s.FindComplaintByReference(ctx, typed); err != nil || got.ID != c.ID {
		t.Errorf("FindComplaintByReference(%q) = %v, %v", typed, got, err)
	}
	if cs, n, err := s.FindComplaints(ctx, klachtdesk.ComplaintFilter{Reference: typed}); err != nil || n != 1 || len(cs) != 1 || cs[0].ID != c.ID {
		t.Errorf("FindComplaints(reference %q) = %d complaints of %d, %v", typed, len(cs), n, err)
	}
	if events, err := s.ComplaintEvents(ctx, typed); err != nil || len(events) == 0 {
		t.Errorf("ComplaintEvents(%q) = %d events, %v", typed, len(events), err)
	}
	if got, err := s.Act(ctx, typed, klachtdesk.Acknowledge{}); err != nil || got.State != klachtdesk.StateAcknowledged {
		t.Errorf("Act(%q) = %v, %v", typed, got, err)
	}
	if _, err := sqldb.NewMessageService(db).ComplaintMessages(ctx, typed); err != nil {
		t.Errorf("ComplaintMessages(%q): %v", typed, err)
	}
	if _, err := s.FindComplaintByReference(ctx, "kl-2026-999999"); klachtdesk.ErrorCode(err) != klachtdesk.ENOTFOUND {
		t.Errorf("unknown reference: %v, want ENOTFOUND", err)
	}
}

// TestComplaintService_NoAddress: a complainant without an e-mail or postal
// address is registered, and the warning is kept on the complaint.
func TestComplaintService_NoAddress(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	n := newComplaint(testNow.Add(-time.Hour), "")
	n.Channel, n.Complainant.Phone = klachtdesk.ChannelLetter, "06-12345678"
	c := mustCreateComplaint(t, db, n)
	withEmail := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "jan@example.org"))
	s := sqldb.NewComplaintService(db)
	for _, tt := range []struct {
		ref  string
		want bool
	}{{c.Reference, true}, {withEmail.Reference, false}} {
		got, err := s.FindComplaintByReference(ctx, tt.ref)
		if err != nil {
			t.Fatal(err)
		}
		if got.NoAddress != tt.want || (len(got.Warnings()) > 0) != tt.want {
			t.Errorf("%s: NoAddress %v, warnings %v; want %v", tt.ref, got.NoAddress, got.Warnings(), tt.want)
		}
	}
	// The flag is part of the record: the trail replays it.
	events, err := s.ComplaintEvents(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if replayed, err := klachtdesk.Replay(events); err != nil || !replayed.NoAddress {
		t.Errorf("replayed NoAddress = %v, %v", replayed != nil && replayed.NoAddress, err)
	}
}

// TestComplaintService_CleansText: text that enters through the store is
// cleaned by the domain's rule before it is written.
func TestComplaintService_CleansText(t *testing.T) {
	db := MustOpenDB(t)
	n := newComplaint(testNow.Add(-time.Hour), "jan@example.org")
	n.Complainant.Name = "Jan\x00 \x1b[31mJansen\x1b[0m"
	n.Subject = "\x1b]0;gehackt\x07Geen reactie"
	n.Description = "Regel 1\r\n\x1b[2JRegel 2\x00"
	c := mustCreateComplaint(t, db, n)
	got, err := sqldb.NewComplaintService(db).FindComplaintByReference(context.Background(), c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if got.Complainant.Name != "Jan Jansen" || got.Subject != "Geen reactie" || got.Description != "Regel 1\nRegel 2" {
		t.Errorf("stored name %q, subject %q, description %q", got.Complainant.Name, got.Subject, got.Description)
	}
}

// TestIntake_MailWithoutDisplayName: a mail is never refused for lacking a
// display name; its address names the complainant until a mail brings a
// name, and never replaces a name the store knows.
func TestIntake_MailWithoutDisplayName(t *testing.T) {
	db := MustOpenDB(t)
	in := newIntake(db)
	ctx := context.Background()
	name := func(ref string) string {
		t.Helper()
		c, err := sqldb.NewComplaintService(db).FindComplaintByReference(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		return c.Complainant.Name
	}
	steps := []struct {
		display, text, want string
	}{
		{"", "Eerste klacht zonder naam.", "anna@example.nl"},
		{"Anna de Boer", "Tweede klacht met naam.", "Anna de Boer"},
		{"", "Derde klacht, weer zonder naam.", "Anna de Boer"},
	}
	for i, s := range steps {
		m := mail("anna@example.nl", fmt.Sprintf("n%d@mail.example", i), "Klacht", s.text)
		m.From.Name = s.display
		r := mustTake(t, in, m, testNow.Add(-time.Hour))
		if r.Outcome != klachtdesk.OutcomeNew {
			t.Fatalf("mail %d: %+v", i+1, r)
		}
		if got := name(r.Reference); got != s.want {
			t.Errorf("mail %d: complainant name %q, want %q", i+1, got, s.want)
		}
	}
}

// TestComplaintService_ActCleansText: text typed into an action (a
// motivation, a note) is cleaned like the text of a new complaint.
func TestComplaintService_ActCleansText(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	s := sqldb.NewComplaintService(db)
	c := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "jan@example.org"))
	piet := mustCreateUser(t, db, "piet", klachtdesk.RoleHandler)
	for _, a := range []klachtdesk.Action{
		klachtdesk.Acknowledge{}, klachtdesk.Assign{HandlerID: piet.ID}, klachtdesk.StartTreatment{},
		klachtdesk.SetLegalHold{On: true, Reason: "Claim\x1b]0;x\x07 van de advocaat"},
		klachtdesk.Decide{Decision: klachtdesk.Decision{Finding: klachtdesk.FindingUnfounded, Motivation: "\x1b[2JDe storing\r\nlag bij de provider.\x00"}},
	} {
		if _, err := s.Act(ctx, c.Reference, a); err != nil {
			t.Fatalf("%s: %v", a.EventKind(), err)
		}
	}
	got, err := s.FindComplaintByReference(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if got.Motivation != "De storing\nlag bij de provider." {
		t.Errorf("motivation stored as %q", got.Motivation)
	}
	events, err := s.ComplaintEvents(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	var note string
	for _, e := range events {
		if e.Kind == "legal_hold_set" {
			note = e.EventNote()
		}
	}
	if note != "Claim van de advocaat" {
		t.Errorf("legal hold note %q", note)
	}
}
