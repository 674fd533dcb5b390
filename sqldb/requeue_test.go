package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// TestOutbox_RequeueLetter: staff put a failed letter back in the queue;
// it keeps its Message-ID, its attempts and give-up period start again,
// its complaint gets a letter_requeued event by the user, and the
// register's flag goes. Viewers may not; a letter that did not fail is a
// conflict.
func TestOutbox_RequeueLetter(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(testNow)
	db.Now = clock.Now
	setOrganisation(t, db)
	in := sqldb.NewIntakeService(db)
	in.Letters = orgWriter{}
	ob := sqldb.NewOutboxService(db)
	ob.Letters = orgWriter{}
	cs := sqldb.NewComplaintService(db)
	ctx := context.Background()
	handler := mustCreateUser(t, db, "henk", klachtdesk.RoleHandler)
	viewer := mustCreateUser(t, db, "vera", klachtdesk.RoleViewer)

	a := mustTake(t, in, mail("jan@example.nl", "q1@x", "Storing", "Geen internet."), clock.Now())
	b := mustTake(t, in, mail("piet@example.nl", "q2@x", "Factuur", "Te veel betaald."), clock.Now())
	c := mustTake(t, in, mail("kees@example.nl", "q3@x", "Levering", "Te laat."), clock.Now())
	letters, err := ob.ClaimLetters(ctx, 10, time.Minute)
	if err != nil || len(letters) != 3 {
		t.Fatalf("claim = %d, %v", len(letters), err)
	}
	byRef := map[string]*klachtdesk.OutgoingLetter{}
	for _, l := range letters {
		byRef[l.Reference] = l
	}
	for _, ref := range []string{a.Reference, b.Reference} {
		if err := ob.LetterFailed(ctx, byRef[ref].ID, "550 5.1.1 <"+ref+"@example.nl>: no such user"); err != nil {
			t.Fatal(err)
		}
	}
	if err := ob.LetterSent(ctx, byRef[c.Reference].ID); err != nil {
		t.Fatal(err)
	}
	flags := func() map[string]bool {
		t.Helper()
		list, _, err := cs.FindComplaints(ctx, klachtdesk.ComplaintFilter{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, c := range list {
			out[c.Reference] = c.LetterFailed
		}
		return out
	}
	if got := flags(); !got[a.Reference] || !got[b.Reference] || got[c.Reference] {
		t.Errorf("register flags = %v, want the two with a failed letter", got)
	}

	// The outbox ID is shown with the message's delivery.
	msgs, err := sqldb.NewMessageService(db).ComplaintMessages(ctx, a.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if d := msgs[1].Delivery; d == nil || d.ID != byRef[a.Reference].ID || d.State != klachtdesk.LetterFailed {
		t.Fatalf("delivery shown = %+v, want letter %d failed", d, byRef[a.Reference].ID)
	}

	_, err = ob.RequeueLetter(as(viewer), byRef[a.Reference].ID)
	wantCode(t, err, klachtdesk.EFORBIDDEN)
	_, err = ob.RequeueFailedLetters(as(viewer))
	wantCode(t, err, klachtdesk.EFORBIDDEN)
	_, err = ob.RequeueLetter(as(handler), 9999)
	wantCode(t, err, klachtdesk.ENOTFOUND)
	_, err = ob.RequeueLetter(as(handler), byRef[c.Reference].ID)
	wantCode(t, err, klachtdesk.ECONFLICT)

	clock.Advance(80 * time.Hour) // past the give-up period of the original letter
	r, err := ob.RequeueLetter(as(handler), byRef[a.Reference].ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != byRef[a.Reference].ID || r.Reference != a.Reference || r.Kind != klachtdesk.LetterAcknowledgement || r.Reason == "" {
		t.Errorf("requeued = %+v", r)
	}
	_, err = ob.RequeueLetter(as(handler), byRef[a.Reference].ID)
	wantCode(t, err, klachtdesk.ECONFLICT)
	if got := flags(); got[a.Reference] || !got[b.Reference] {
		t.Errorf("register flags after the requeue = %v", got)
	}
	events, err := cs.ComplaintEvents(ctx, a.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if last := events[len(events)-1]; last.Kind != klachtdesk.EventLetterRequeued || last.Actor != "henk" {
		t.Errorf("last event = %s by %s, want letter_requeued by henk", last.Kind, last.Actor)
	}
	again, err := ob.ClaimLetters(ctx, 10, time.Minute)
	if err != nil || len(again) != 1 {
		t.Fatalf("claim after the requeue = %d, %v", len(again), err)
	}
	if l := again[0]; l.MessageID != byRef[a.Reference].MessageID || l.Attempts != 1 || !l.GiveUpFrom().Equal(clock.Now()) ||
		!l.CreatedAt.Equal(byRef[a.Reference].CreatedAt) {
		t.Errorf("requeued letter claimed as %+v", l)
	}

	all, err := ob.RequeueFailedLetters(as(handler))
	if err != nil || len(all) != 1 || all[0].Reference != b.Reference {
		t.Fatalf("requeue all = %+v, %v", all, err)
	}
	if got := flags(); got[b.Reference] {
		t.Errorf("register flags after requeueing all = %v", got)
	}
	if all, err := ob.RequeueFailedLetters(as(handler)); err != nil || len(all) != 0 {
		t.Errorf("second requeue all = %+v, %v", all, err)
	}
}
