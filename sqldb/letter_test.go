package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// setOrganisation fills in the organisation's details, so that letters may
// leave.
func setOrganisation(tb testing.TB, db *sqldb.DB) {
	tb.Helper()
	settings := sqldb.NewSettingsService(db)
	for key, value := range map[string]string{
		"org.complaint_email": "klachten@actwebservice.nl",
		"org.postal_address":  "Postbus 1234, 3500 AB Utrecht",
	} {
		if _, err := settings.SetSetting(context.Background(), key, value); err != nil {
			tb.Fatal(err)
		}
	}
}

// outboxRow is a letter as the outbox holds it.
type outboxRow struct {
	kind, state, reason, inReplyTo string
	automatic                      bool
}

// outboxRows returns the letters of complaint reference, oldest first.
func outboxRows(tb testing.TB, db *sqldb.DB, reference string) []outboxRow {
	tb.Helper()
	rows, err := rawDB(tb, db).Query(`SELECT o.kind, o.state, o.reason, o.in_reply_to, o.automatic FROM outbox o
		JOIN complaints c ON c.id = o.complaint_id WHERE c.reference = ? ORDER BY o.id`, reference)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.kind, &r.state, &r.reason, &r.inReplyTo, &r.automatic); err != nil {
			tb.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func kinds(rows []outboxRow) string {
	var ks []string
	for _, r := range rows {
		ks = append(ks, r.kind+":"+r.state)
	}
	return strings.Join(ks, " ")
}

// TestIntake_ReplyReceived: a reply added to a complaint gets "we received
// your reply" through the domain's rule, unless the complainant just heard
// from us or the reply is unverified.
func TestIntake_ReplyReceived(t *testing.T) {
	db := MustOpenDB(t)
	setOrganisation(t, db)
	clock := NewClock(testNow)
	db.Now = clock.Now
	in := newIntake(db)
	cs := sqldb.NewComplaintService(db)
	first := mustTake(t, in, mail("jan@example.nl", "r1@x", "Storing", "Geen internet."), clock.Now())

	// Within a day of the acknowledgement: no second letter.
	clock.Advance(2 * time.Hour)
	mustTake(t, in, mail("jan@example.nl", "r2@x", "Re: ["+first.Reference+"]", "Nog iets."), clock.Now())
	if got := kinds(outboxRows(t, db, first.Reference)); got != "acknowledgement:queued" {
		t.Errorf("after a reply within a day: %s", got)
	}
	// A day later: confirmed, threaded to the reply, automatic.
	clock.Advance(24 * time.Hour)
	mustTake(t, in, mail("jan@example.nl", "r3@x", "Re: ["+first.Reference+"]", "En nog iets."), clock.Now())
	rows := outboxRows(t, db, first.Reference)
	if got := kinds(rows); got != "acknowledgement:queued reply_received:queued" {
		t.Fatalf("after a reply a day later: %s", got)
	}
	if rows[1].inReplyTo != "r3@x" || !rows[1].automatic || rows[1].reason != "" {
		t.Errorf("reply letter = %+v", rows[1])
	}
	// A stranger quoting the reference: no letter to anyone.
	clock.Advance(48 * time.Hour)
	if r := mustTake(t, in, mail("mallory@evil.example", "r4@x", "["+first.Reference+"]", "Trek in."), clock.Now()); !r.Unverified {
		t.Fatalf("stranger = %+v", r)
	}
	if got := len(outboxRows(t, db, first.Reference)); got != 2 {
		t.Errorf("an unverified reply queued a letter: %d letters", got)
	}
	// A reply that arrived two days ago, read late: no confirmation.
	mustTake(t, in, mail("jan@example.nl", "r4b@x", "Re: ["+first.Reference+"]", "Van eergisteren."), clock.Now().Add(-48*time.Hour))
	if got := len(outboxRows(t, db, first.Reference)); got != 2 {
		t.Errorf("a late-read reply queued a letter: %d letters", got)
	}

	// A reply that reopens a closed complaint: confirmed, with the new
	// answer date the reopening gave.
	handler := mustCreateUser(t, db, "henk", klachtdesk.RoleHandler)
	for _, a := range []klachtdesk.Action{
		klachtdesk.Acknowledge{}, klachtdesk.Assign{HandlerID: handler.ID}, klachtdesk.StartTreatment{},
		klachtdesk.Decide{Decision: klachtdesk.Decision{Finding: klachtdesk.FindingUnfounded, Motivation: "Storing bij de provider."}},
		klachtdesk.Close{Reason: klachtdesk.CloseAccepted},
	} {
		if _, err := cs.Act(context.Background(), first.Reference, a); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(48 * time.Hour)
	if r := mustTake(t, in, mail("jan@example.nl", "r5@x", "Re: ["+first.Reference+"]", "Het is weer mis."), clock.Now()); r.Outcome != klachtdesk.OutcomeReply {
		t.Fatalf("reply to the closed complaint = %+v", r)
	}
	if got := kinds(outboxRows(t, db, first.Reference)); got != "acknowledgement:queued reply_received:queued reply_received:queued" {
		t.Errorf("after the reopening reply: %s", got)
	}
	mustReplayToStored(t, cs, first.Reference)
	if rep := verify(t, db); rep.Break != nil {
		t.Errorf("audit: %+v", rep.Break)
	}
}

// TestAct_Letters: every action the domain's rule gives a letter writes it
// in the action's transaction, to the complainant, threaded to their mail;
// staff letters are not automatic and loop protection does not hold them.
func TestAct_Letters(t *testing.T) {
	db := MustOpenDB(t)
	setOrganisation(t, db)
	clock := NewClock(testNow)
	db.Now = clock.Now
	in := newIntake(db)
	cs := sqldb.NewComplaintService(db)
	cs.Letters = testWriter{}
	ctx := context.Background()
	handler := mustCreateUser(t, db, "henk", klachtdesk.RoleHandler)
	r := mustTake(t, in, mail("jan@example.nl", "a1@x", "Storing", "Geen internet."), clock.Now())
	steps := []struct {
		action klachtdesk.Action
		want   string // the letter written, "" none
	}{
		{klachtdesk.Acknowledge{}, ""},
		{klachtdesk.Assign{HandlerID: handler.ID}, ""},
		{klachtdesk.StartTreatment{}, ""},
		{klachtdesk.RequestInfo{Question: "Welk modem heeft u?"}, "request_for_information"},
		{klachtdesk.ReceiveInfo{}, ""},
		{klachtdesk.Extend{Extension: klachtdesk.Extension{Reason: "Wachten op de monteur.", Promised: klachtdesk.MustParseDate("2026-03-20")}}, "extension_notice"},
		{klachtdesk.Decide{Decision: klachtdesk.Decision{Finding: klachtdesk.FindingUnfounded, Motivation: "Storing bij de provider."}}, "decision"},
		{klachtdesk.Close{Reason: klachtdesk.CloseAccepted}, "closing"},
	}
	want := "acknowledgement:queued"
	for _, st := range steps {
		if _, err := cs.Act(ctx, r.Reference, st.action); err != nil {
			t.Fatalf("%s: %v", st.action.EventKind(), err)
		}
		if st.want != "" {
			want += " " + st.want + ":queued"
		}
		rows := outboxRows(t, db, r.Reference)
		if got := kinds(rows); got != want {
			t.Fatalf("after %s: %s, want %s", st.action.EventKind(), got, want)
		}
		if last := rows[len(rows)-1]; st.want != "" && (last.automatic || last.inReplyTo != "a1@x") {
			t.Errorf("%s letter = %+v, want a staff letter threaded to the complaint's mail", st.want, last)
		}
	}
	msgs, err := sqldb.NewMessageService(db).ComplaintMessages(ctx, r.Reference)
	if err != nil {
		t.Fatal(err)
	}
	var question bool
	for _, m := range msgs {
		question = question || m.Direction == klachtdesk.Outbound && strings.Contains(m.Text, "Welk modem heeft u?")
	}
	if !question {
		t.Error("the request for information does not carry the question")
	}
	mustReplayToStored(t, cs, r.Reference)

	// A consumer's product complaint referred, and one not admissible:
	// spam is never answered.
	n := newComplaint(testNow, "fatima@example.nl")
	n.Kind, n.Subtype = klachtdesk.KindProduct, "defect"
	product := mustCreateComplaint(t, db, n)
	spam := mustCreateComplaint(t, db, newComplaint(testNow, "spam@example.nl"))
	other := mustCreateComplaint(t, db, newComplaint(testNow, "piet@example.nl"))
	for ref, a := range map[string]klachtdesk.Action{
		product.Reference: klachtdesk.Refer{},
		spam.Reference:    klachtdesk.Close{Reason: klachtdesk.CloseNotAdmissible, Detail: "spam"},
		other.Reference:   klachtdesk.Close{Reason: klachtdesk.CloseNotAdmissible, Detail: "out_of_scope"},
	} {
		if _, err := cs.Act(ctx, ref, a); err != nil {
			t.Fatal(err)
		}
	}
	for ref, want := range map[string]string{product.Reference: "referral:queued", spam.Reference: "", other.Reference: "not_admissible:queued"} {
		if got := kinds(outboxRows(t, db, ref)); got != want {
			t.Errorf("%s: %s, want %s", ref, got, want)
		}
	}

	// A complainant without an e-mail address: the letter is held for
	// staff to send by post.
	n = newComplaint(testNow, "")
	n.Channel, n.Complainant.PostalAddress = klachtdesk.ChannelLetter, "Dorpsstraat 1, 1234 AB Ergens"
	post := mustCreateComplaint(t, db, n)
	if _, err := cs.Act(ctx, post.Reference, klachtdesk.Close{Reason: klachtdesk.CloseWithdrawn}); err != nil {
		t.Fatal(err)
	}
	if rows := outboxRows(t, db, post.Reference); len(rows) != 1 || rows[0].state != "held" || !strings.Contains(rows[0].reason, "no e-mail address") {
		t.Errorf("letter by post: %+v", rows)
	}
	if rep := verify(t, db); rep.Break != nil {
		t.Errorf("audit: %+v", rep.Break)
	}
}

// failingWriter refuses every letter.
type failingWriter struct{}

func (failingWriter) WriteLetter(l klachtdesk.Letter, c *klachtdesk.Complaint, s klachtdesk.Settings) (string, string, error) {
	return "", "", errors.New("template broken")
}

// TestAct_LetterInTheActionsTransaction: an action whose letter cannot be
// written is not taken: no change, no event, no letter.
func TestAct_LetterInTheActionsTransaction(t *testing.T) {
	db := MustOpenDB(t)
	cs := sqldb.NewComplaintService(db)
	cs.Letters = failingWriter{}
	c := mustCreateComplaint(t, db, newComplaint(testNow, "jan@example.nl"))
	if _, err := cs.Act(context.Background(), c.Reference, klachtdesk.Close{Reason: klachtdesk.CloseWithdrawn}); err == nil || !strings.Contains(err.Error(), "template broken") {
		t.Fatalf("Act with a failing writer: %v", err)
	}
	got, err := cs.FindComplaintByReference(context.Background(), c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	events, err := cs.ComplaintEvents(context.Background(), c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != klachtdesk.StateReceived || got.Version != c.Version || len(events) != 1 || len(outboxRows(t, db, c.Reference)) != 0 {
		t.Errorf("after the failed action: state %s, version %d, %d events, letters %v", got.State, got.Version, len(events), outboxRows(t, db, c.Reference))
	}
}

// orgWriter writes letters that name the organisation's address, as real
// letters do.
type orgWriter struct{}

func (orgWriter) WriteLetter(l klachtdesk.Letter, c *klachtdesk.Complaint, s klachtdesk.Settings) (string, string, error) {
	return fmt.Sprintf("%s [%s]", l.Kind, c.Reference), fmt.Sprintf("Schrijf naar %s of %s.\n%s", s.ComplaintEmail, s.PostalAddress, l.Note), nil
}

// TestOutbox_WaitsForOrganisationDetails: while the organisation's details
// are the seed's placeholders no letter leaves; the letters wait with the
// reason and leave, written again with the details, once they are set.
func TestOutbox_WaitsForOrganisationDetails(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(testNow)
	db.Now = clock.Now
	in := sqldb.NewIntakeService(db)
	in.Letters = orgWriter{}
	cs := sqldb.NewComplaintService(db)
	cs.Letters = orgWriter{}
	ob := sqldb.NewOutboxService(db)
	ctx := context.Background()
	handler := mustCreateUser(t, db, "henk", klachtdesk.RoleHandler)

	ack := mustTake(t, in, mail("jan@example.nl", "w1@x", "Storing", "Geen internet."), clock.Now())
	asked := mustTake(t, in, mail("piet@example.nl", "w2@x", "Factuur", "Te veel betaald."), clock.Now())
	for _, a := range []klachtdesk.Action{
		klachtdesk.Acknowledge{}, klachtdesk.Assign{HandlerID: handler.ID}, klachtdesk.StartTreatment{},
		klachtdesk.RequestInfo{Question: "Welk factuurnummer?"},
	} {
		clock.Advance(time.Minute)
		if _, err := cs.Act(ctx, asked.Reference, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, ref := range []string{ack.Reference, asked.Reference} {
		for _, r := range outboxRows(t, db, ref) {
			if r.state != "queued" || r.reason != klachtdesk.LetterWaitingForOrganisation {
				t.Errorf("%s: %+v, want queued and waiting", ref, r)
			}
		}
	}
	msgs, err := sqldb.NewMessageService(db).ComplaintMessages(ctx, ack.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if d := msgs[1].Delivery; d == nil || d.State != klachtdesk.LetterQueued || d.Reason != klachtdesk.LetterWaitingForOrganisation {
		t.Errorf("delivery shown: %+v", d)
	}
	oldID := msgs[1].MessageID
	for range 3 {
		clock.Advance(time.Hour)
		if letters, err := ob.ClaimLetters(ctx, 10, time.Minute); err != nil || len(letters) != 0 {
			t.Fatalf("claimed %d letters with the seed's details (%v)", len(letters), err)
		}
	}

	// Only the details: without a writer the letters keep waiting.
	setOrganisation(t, db)
	if letters, err := ob.ClaimLetters(ctx, 10, time.Minute); err != nil || len(letters) != 0 {
		t.Fatalf("claimed %d letters without a writer (%v)", len(letters), err)
	}
	ob.Letters = orgWriter{}
	letters, err := ob.ClaimLetters(ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(letters) != 3 {
		t.Fatalf("claimed %d letters once the details are set, want 3", len(letters))
	}
	for _, l := range letters {
		if strings.Contains(l.Text, "example.org") || strings.Contains(l.Text, "[ADRESGEGEVENS]") || !strings.Contains(l.Text, "klachten@actwebservice.nl") ||
			!strings.HasSuffix(l.MessageID, "@actwebservice.nl") || l.MessageID == oldID {
			t.Errorf("letter %s (%s) not written again: %q", l.MessageID, l.Kind, l.Text)
		}
		if l.Kind == klachtdesk.LetterInfoRequest && !strings.Contains(l.Text, "Welk factuurnummer?") {
			t.Errorf("the request for information lost its question: %q", l.Text)
		}
	}
	// What leaves is what is stored, and the trail says so.
	msgs, err = sqldb.NewMessageService(db).ComplaintMessages(ctx, ack.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if m := msgs[1]; m.Text != letters[0].Text || m.MessageID != letters[0].MessageID || m.From != "klachten@actwebservice.nl" || m.Delivery.Reason != "" {
		t.Errorf("stored letter: %+v (delivery %+v)", m, m.Delivery)
	}
	for ref, want := range map[string]int{ack.Reference: 1, asked.Reference: 2} {
		events := mustReplayToStored(t, cs, ref)
		var rewritten int
		for _, e := range events {
			if e.Kind == klachtdesk.EventLetterRewritten {
				rewritten++
			}
		}
		if rewritten != want {
			t.Errorf("%s: %d letter_rewritten events, want %d", ref, rewritten, want)
		}
	}
	if rep := verify(t, db); rep.Break != nil {
		t.Errorf("audit: %+v", rep.Break)
	}

	// Details taken back to a placeholder: the next letter waits again.
	if _, err := sqldb.NewSettingsService(db).SetSetting(ctx, "org.postal_address", "[ADRESGEGEVENS]"); err != nil {
		t.Fatal(err)
	}
	late := mustTake(t, in, mail("kees@example.nl", "w3@x", "Klacht", "Tekst."), clock.Now())
	clock.Advance(time.Hour)
	if letters, err := ob.ClaimLetters(ctx, 10, time.Minute); err != nil || len(letters) != 0 {
		t.Errorf("claimed %d letters with a placeholder address (%v)", len(letters), err)
	}
	if rows := outboxRows(t, db, late.Reference); len(rows) != 1 || rows[0].reason != klachtdesk.LetterWaitingForOrganisation {
		t.Errorf("letter queued with a placeholder: %+v", rows)
	}
}

// TestOutbox_WaitingLetterNoLongerWritable: a waiting letter the complaint
// can no longer fill fails, with the reason on the complaint, and does not
// block the others.
func TestOutbox_WaitingLetterNoLongerWritable(t *testing.T) {
	db := MustOpenDB(t)
	in := sqldb.NewIntakeService(db)
	in.Letters = orgWriter{}
	r := mustTake(t, in, mail("jan@example.nl", "f1@x", "Storing", "Geen internet."), testNow)
	other := mustTake(t, in, mail("piet@example.nl", "f2@x", "Storing", "Ook geen internet."), testNow)
	ob := sqldb.NewOutboxService(db)
	if letters, err := ob.ClaimLetters(context.Background(), 10, time.Minute); err != nil || len(letters) != 0 {
		t.Fatalf("claimed %d (%v)", len(letters), err)
	}
	setOrganisation(t, db)
	ob.Letters = refusingWriter{reference: r.Reference}
	letters, err := ob.ClaimLetters(context.Background(), 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(letters) != 1 || letters[0].Reference != other.Reference {
		t.Errorf("claimed %+v, want only %s's letter", letters, other.Reference)
	}
	if rows := outboxRows(t, db, r.Reference); len(rows) != 1 || rows[0].state != "failed" {
		t.Errorf("the unwritable letter: %+v", rows)
	}
	msgs, err := sqldb.NewMessageService(db).ComplaintMessages(context.Background(), r.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if d := msgs[1].Delivery; d == nil || d.State != klachtdesk.LetterFailed || !strings.Contains(d.Reason, "could not be written again") {
		t.Errorf("delivery shown: %+v", d)
	}
}

// refusingWriter refuses the letters of one complaint as the letter package
// refuses a complaint that lacks what a letter must say.
type refusingWriter struct{ reference string }

func (w refusingWriter) WriteLetter(l klachtdesk.Letter, c *klachtdesk.Complaint, s klachtdesk.Settings) (string, string, error) {
	if c.Reference == w.reference {
		return "", "", klachtdesk.Errorf(klachtdesk.EINVALID, "complaint %s lacks what the letter says", c.Reference)
	}
	return orgWriter{}.WriteLetter(l, c, s)
}
