package sqldb_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// The conflict-of-interest rule is enforced where data is read: a concerned
// employee cannot see the complaint anywhere, exactly as if it did not exist.
func TestAccess(t *testing.T) {
	db := MustOpenDB(t)
	hanna := mustCreateUser(t, db, "hanna", klachtdesk.RoleHandler)
	kees := mustCreateUser(t, db, "kees", klachtdesk.RoleHandler) // the complaint is about him
	vera := mustCreateUser(t, db, "vera", klachtdesk.RoleViewer)
	oud := &klachtdesk.User{Username: "oud", Role: klachtdesk.RoleHandler}
	if err := sqldb.NewUserService(db).CreateUser(context.Background(), oud, "correct horse battery staple"); err != nil {
		t.Fatal(err)
	}

	complaints, messages := sqldb.NewComplaintService(db), sqldb.NewMessageService(db)
	n := newComplaint(testNow.Add(-2*time.Hour), "jan@example.org")
	n.ConcernedEmployees = []int64{kees.ID}
	about := mustCreateComplaint(t, db, n)
	other := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), "piet@example.org"))
	m := &klachtdesk.Message{Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail, Text: "Bijlage"}
	if err := messages.AddMessage(context.Background(), about.Reference, m, []klachtdesk.NewAttachment{
		{Filename: "foto.jpg", ContentType: "image/jpeg", Content: strings.NewReader("jpeg")},
	}); err != nil {
		t.Fatal(err)
	}
	attachmentID := m.Attachments[0].ID

	t.Run("concerned employee sees nothing", func(t *testing.T) {
		ctx := as(kees)
		_, err := complaints.FindComplaintByReference(ctx, about.Reference)
		wantCode(t, err, klachtdesk.ENOTFOUND)
		_, err = complaints.ComplaintEvents(ctx, about.Reference)
		wantCode(t, err, klachtdesk.ENOTFOUND)
		_, err = messages.ComplaintMessages(ctx, about.Reference)
		wantCode(t, err, klachtdesk.ENOTFOUND)
		_, _, err = messages.OpenAttachment(ctx, attachmentID)
		wantCode(t, err, klachtdesk.ENOTFOUND)
		_, err = complaints.Act(ctx, about.Reference, klachtdesk.Acknowledge{})
		wantCode(t, err, klachtdesk.ENOTFOUND)
		err = messages.AddMessage(ctx, about.Reference, &klachtdesk.Message{Direction: klachtdesk.Outbound, Channel: klachtdesk.ChannelEmail}, nil)
		wantCode(t, err, klachtdesk.ENOTFOUND)

		cs, total, err := complaints.FindComplaints(ctx, klachtdesk.ComplaintFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || len(cs) != 1 || cs[0].Reference != other.Reference {
			t.Errorf("FindComplaints: %d of %d, want only %s", len(cs), total, other.Reference)
		}
		cs, total, err = complaints.FindComplaints(ctx, klachtdesk.ComplaintFilter{Reference: about.Reference})
		if err != nil {
			t.Fatal(err)
		}
		if total != 0 || len(cs) != 0 {
			t.Errorf("FindComplaints by reference: %d of %d, want none", len(cs), total)
		}
		// The complaint he may see is his as usual.
		if _, err := complaints.FindComplaintByReference(ctx, other.Reference); err != nil {
			t.Error(err)
		}
	})

	t.Run("another handler sees it", func(t *testing.T) {
		ctx := as(hanna)
		if _, err := complaints.FindComplaintByReference(ctx, about.Reference); err != nil {
			t.Fatal(err)
		}
		if _, err := complaints.ComplaintEvents(ctx, about.Reference); err != nil {
			t.Fatal(err)
		}
		if ms, err := messages.ComplaintMessages(ctx, about.Reference); err != nil || len(ms) != 1 {
			t.Fatalf("messages: %d, %v", len(ms), err)
		}
		_, rc, err := messages.OpenAttachment(ctx, attachmentID)
		if err != nil {
			t.Fatal(err)
		}
		rc.Close()
		_, total, err := complaints.FindComplaints(ctx, klachtdesk.ComplaintFilter{})
		if err != nil || total != 2 {
			t.Errorf("FindComplaints: total %d, %v; want 2", total, err)
		}
	})

	t.Run("viewer reads but cannot act", func(t *testing.T) {
		ctx := as(vera)
		if _, err := complaints.FindComplaintByReference(ctx, about.Reference); err != nil {
			t.Fatal(err)
		}
		_, rc, err := messages.OpenAttachment(ctx, attachmentID)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := io.ReadAll(rc); string(b) != "jpeg" {
			t.Errorf("attachment content %q", b)
		}
		rc.Close()
		_, err = complaints.Act(ctx, about.Reference, klachtdesk.Acknowledge{})
		wantCode(t, err, klachtdesk.EFORBIDDEN)
		err = messages.AddMessage(ctx, about.Reference, &klachtdesk.Message{Direction: klachtdesk.Outbound, Channel: klachtdesk.ChannelEmail}, nil)
		wantCode(t, err, klachtdesk.EFORBIDDEN)
		_, err = complaints.CreateComplaint(ctx, newComplaint(testNow.Add(-time.Hour), "x@example.org"))
		wantCode(t, err, klachtdesk.EFORBIDDEN)
		_, err = sqldb.NewSettingsService(db).SetSetting(ctx, "answer.term_days", "20")
		wantCode(t, err, klachtdesk.EFORBIDDEN)
	})

	t.Run("inactive user is refused", func(t *testing.T) {
		ctx := as(oud)
		_, err := complaints.FindComplaintByReference(ctx, other.Reference)
		wantCode(t, err, klachtdesk.EUNAUTHORIZED)
		_, _, err = complaints.FindComplaints(ctx, klachtdesk.ComplaintFilter{})
		wantCode(t, err, klachtdesk.EUNAUTHORIZED)
		_, err = complaints.Act(ctx, other.Reference, klachtdesk.Acknowledge{})
		wantCode(t, err, klachtdesk.EUNAUTHORIZED)
	})

	t.Run("becoming concerned hides the complaint", func(t *testing.T) {
		if _, err := complaints.Act(context.Background(), other.Reference, klachtdesk.SetConcerned{UserIDs: []int64{hanna.ID}}); err != nil {
			t.Fatal(err)
		}
		_, err := complaints.FindComplaintByReference(as(hanna), other.Reference)
		wantCode(t, err, klachtdesk.ENOTFOUND)
		if _, err := complaints.FindComplaintByReference(as(kees), other.Reference); err != nil {
			t.Error(err)
		}
	})
}
