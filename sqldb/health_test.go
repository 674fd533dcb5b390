package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// TestHealthService_StoreStatus: the outbox by state (waiting letters
// among the queued), the oldest queued letter, the quarantine and the
// mails taken by outcome, without a user in the context.
func TestHealthService_StoreStatus(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(testNow)
	db.Now = clock.Now
	in := sqldb.NewIntakeService(db)
	in.Letters = orgWriter{}
	ob := sqldb.NewOutboxService(db)
	health := sqldb.NewHealthService(db)
	ctx := context.Background()

	empty, err := health.StoreStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&klachtdesk.StoreStatus{Taken: map[klachtdesk.Outcome]int{}}, empty); diff != "" {
		t.Errorf("empty store (-want +got):\n%s", diff)
	}

	// A letter that waits for the organisation's details, the oldest.
	waiting := mustTake(t, in, mail("jan@example.nl", "h1@x", "Storing", "Geen internet."), clock.Now())
	firstAt := clock.Now()
	ob.ClaimLetters(ctx, 10, time.Minute) // marks it waiting
	setOrganisation(t, db)
	clock.Advance(time.Hour)
	mustTake(t, in, mail("piet@example.nl", "h2@x", "Factuur", "Te veel betaald."), clock.Now())
	mustTake(t, in, mail("kees@example.nl", "h3@x", "Levering", "Te laat."), clock.Now())
	letters, err := ob.ClaimLetters(ctx, 10, time.Minute)
	if err != nil || len(letters) != 2 {
		t.Fatalf("claim = %d, %v", len(letters), err)
	}
	if err := ob.LetterSent(ctx, letters[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := ob.LetterFailed(ctx, letters[1].ID, "550 no such user"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	mustTake(t, in, mail("klaas@example.nl", "h4@x", "Storing", "Weer geen internet."), clock.Now())
	mustTake(t, in, mail("jan@example.nl", "h5@x", "Re: ["+waiting.Reference+"]", "Aanvulling."), clock.Now())
	mustTake(t, in, mail("", "h6@x", "?", "zonder afzender"), clock.Now())
	mustTake(t, in, mail("Klachten@ActWebservice.nl", "h7@x", "Ontvangstbevestiging", "eigen adres"), clock.Now())

	got, err := health.StoreStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := &klachtdesk.StoreStatus{
		Outbox:     klachtdesk.OutboxStatus{Queued: 1, Waiting: 1, Sent: 1, Failed: 1, OldestQueued: firstAt.Add(2 * time.Hour)},
		Quarantine: 2,
		Taken:      map[klachtdesk.Outcome]int{klachtdesk.OutcomeNew: 4, klachtdesk.OutcomeReply: 1, klachtdesk.OutcomeRejected: 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("store status (-want +got):\n%s", diff)
	}

	// A letter staff put back counts as queued from then on; the waiting
	// letter stays apart and is not the oldest queued one.
	clock.Advance(time.Hour)
	if _, err := ob.RequeueLetter(ctx, letters[1].ID); err != nil {
		t.Fatal(err)
	}
	got, err = health.StoreStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if o := got.Outbox; o.Queued != 2 || o.Waiting != 1 || o.Failed != 0 || !o.OldestQueued.Equal(firstAt.Add(2*time.Hour)) {
		t.Errorf("after the requeue: %+v", o)
	}
}
