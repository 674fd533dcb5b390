package sqldb_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// mail returns a parsed mail as the parser would deliver it, with a
// fingerprint derived from its Message-ID and text.
func mail(from, messageID, subject, text string) *klachtdesk.InboundMail {
	sum := sha256.Sum256([]byte(messageID + "\x00" + from + "\x00" + subject + "\x00" + text))
	return &klachtdesk.InboundMail{
		MessageID: messageID, From: klachtdesk.Address{Name: "Jan Jansen", Email: from},
		To:      []klachtdesk.Address{{Email: "klachten@example.org"}},
		Subject: subject, Text: text, NewText: text, Language: klachtdesk.LanguageDutch,
		Fingerprint: hex.EncodeToString(sum[:]),
	}
}

func raw(m *klachtdesk.InboundMail) []byte {
	return fmt.Appendf(nil, "Message-ID: <%s>\r\nFrom: %s\r\nSubject: %s\r\n\r\n%s\r\n", m.MessageID, m.From.Email, m.Subject, m.Text)
}

// testWriter writes every letter as one line naming its kind; the
// acknowledgement as the store's tests have always seen it.
type testWriter struct{}

func (testWriter) WriteLetter(l klachtdesk.Letter, c *klachtdesk.Complaint, s klachtdesk.Settings) (string, string, error) {
	if l.Kind == klachtdesk.LetterAcknowledgement {
		return "Ontvangstbevestiging [" + c.Reference + "]", "Wij hebben uw klacht " + c.Reference + " ontvangen.", nil
	}
	return string(l.Kind) + " [" + c.Reference + "]", string(l.Kind) + " " + c.Reference + " (" + s.ComplaintEmail + ")\n" + l.Note, nil
}

func newIntake(db *sqldb.DB) *sqldb.IntakeService {
	in := sqldb.NewIntakeService(db)
	in.Letters = testWriter{}
	return in
}

func mustTake(tb testing.TB, in *sqldb.IntakeService, m *klachtdesk.InboundMail, at time.Time) *klachtdesk.IntakeResult {
	tb.Helper()
	r, err := in.Take(context.Background(), "test", at, raw(m), m)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// countQuery runs a COUNT query behind the store's back.
func countQuery(tb testing.TB, db *sqldb.DB, query string) int {
	tb.Helper()
	var n int
	if err := rawDB(tb, db).QueryRow(query).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestIntake_NewComplaintAndAcknowledgement(t *testing.T) {
	db := MustOpenDB(t)
	in := newIntake(db)
	ctx := context.Background()
	m := mail("jan@example.nl", "a1@mail.example", "Internet doet het niet", "Al drie dagen geen verbinding.")
	arrived := testNow.Add(-2 * time.Hour)
	r := mustTake(t, in, m, arrived)
	if r.Outcome != klachtdesk.OutcomeNew || r.Reference != "KL-2026-000001" {
		t.Fatalf("first take = %+v", r)
	}
	c, err := sqldb.NewComplaintService(db).FindComplaintByReference(ctx, r.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != klachtdesk.StateReceived || !c.ReceivedAt.Equal(arrived) || c.Channel != klachtdesk.ChannelEmail ||
		c.Description != "Al drie dagen geen verbinding." || c.Complainant.Email != "jan@example.nl" {
		t.Errorf("registered complaint = %+v", c)
	}
	msgs, err := sqldb.NewMessageService(db).ComplaintMessages(ctx, r.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 {
		t.Fatalf("messages = %d, want the mail and the acknowledgement", len(msgs))
	}
	if msgs[0].Direction != klachtdesk.Inbound || msgs[0].MessageID != "a1@mail.example" || msgs[0].RawSHA256 == "" {
		t.Errorf("received message = %+v", msgs[0])
	}
	ack := msgs[1]
	if ack.Direction != klachtdesk.Outbound || !strings.Contains(ack.Subject, "[KL-2026-000001]") ||
		ack.Delivery == nil || ack.Delivery.State != klachtdesk.LetterQueued || !strings.HasPrefix(ack.MessageID, "kl-2026-000001.") {
		t.Errorf("acknowledgement = %+v (delivery %+v)", ack, ack.Delivery)
	}
	// The raw mail is stored under its SHA-256.
	rc, err := db.OpenBlob(ctx, msgs[0].RawSHA256)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != string(raw(m)) {
		t.Errorf("stored raw = %q", b)
	}

	// The same mail again, however often: a duplicate, nothing written.
	for range 3 {
		if r := mustTake(t, in, m, arrived); r.Outcome != klachtdesk.OutcomeDuplicate || r.Reference != "KL-2026-000001" {
			t.Errorf("retake = %+v", r)
		}
	}
	if n := countQuery(t, db, `SELECT COUNT(*) FROM complaints`); n != 1 {
		t.Errorf("complaints = %d", n)
	}
	if n := countQuery(t, db, `SELECT COUNT(*) FROM outbox`); n != 1 {
		t.Errorf("outbox rows = %d", n)
	}
	mustReplayToStored(t, sqldb.NewComplaintService(db), r.Reference)
	if rep := verify(t, db); rep.Break != nil {
		t.Errorf("audit: %+v", rep.Break)
	}
}

func TestIntake_SameMessageIDDifferentContent(t *testing.T) {
	db := MustOpenDB(t)
	in := newIntake(db)
	// A sender that reuses one Message-ID (or none) still gets one
	// registration per distinct message.
	for i, m := range []*klachtdesk.InboundMail{
		mail("a@example.nl", "same@x", "Klacht", "eerste"),
		mail("a@example.nl", "same@x", "Klacht", "tweede"),
		mail("b@example.nl", "", "Klacht", "zonder id"),
		mail("b@example.nl", "", "Klacht", "nog een zonder id"),
	} {
		if r := mustTake(t, in, m, testNow); r.Outcome != klachtdesk.OutcomeNew {
			t.Errorf("mail %d: %+v", i, r)
		}
	}
	if n := countQuery(t, db, `SELECT COUNT(*) FROM complaints`); n != 4 {
		t.Errorf("complaints = %d, want 4", n)
	}
}

func TestIntake_Threading(t *testing.T) {
	db := MustOpenDB(t)
	in := newIntake(db)
	ctx := context.Background()
	first := mustTake(t, in, mail("jan@example.nl", "q1@x", "Factuur klopt niet", "Te veel betaald."), testNow)
	msgs, err := sqldb.NewMessageService(db).ComplaintMessages(ctx, first.Reference)
	if err != nil {
		t.Fatal(err)
	}
	ourID := msgs[1].MessageID

	// A reply to our letter from any address: a verified reply.
	r1 := mail("jan.privé@example.com", "q2@x", "Re: Ontvangstbevestiging", "Hier is de factuur.")
	r1.InReplyTo = []string{ourID}
	if r := mustTake(t, in, r1, testNow); r.Outcome != klachtdesk.OutcomeReply || r.Reference != first.Reference || r.Unverified {
		t.Errorf("reply by header = %+v", r)
	}
	// The reference in the subject from the complainant's address.
	r2 := mail("JAN@example.nl", "q3@x", "Nog iets over "+first.Reference, "Ook de vorige maand.")
	if r := mustTake(t, in, r2, testNow); r.Outcome != klachtdesk.OutcomeReply || r.Unverified {
		t.Errorf("reply by subject = %+v", r)
	}
	// The reference quoted by somebody else: added, but unverified.
	r3 := mail("mallory@evil.example", "q4@x", "["+first.Reference+"] intrekken", "Ik trek de klacht in.")
	if r := mustTake(t, in, r3, testNow); r.Outcome != klachtdesk.OutcomeReply || !r.Unverified {
		t.Errorf("stranger by subject = %+v", r)
	}
	// A reference that does not exist: a new complaint.
	r4 := mail("piet@example.nl", "q5@x", "Over KL-2026-000999", "Nieuwe klacht.")
	if r := mustTake(t, in, r4, testNow); r.Outcome != klachtdesk.OutcomeNew {
		t.Errorf("unknown reference = %+v", r)
	}
	msgs, err = sqldb.NewMessageService(db).ComplaintMessages(ctx, first.Reference)
	if err != nil {
		t.Fatal(err)
	}
	var unverified int
	for _, m := range msgs {
		if m.Unverified {
			unverified++
		}
	}
	if len(msgs) != 5 || unverified != 1 {
		t.Errorf("messages = %d (unverified %d), want 5 (1)", len(msgs), unverified)
	}
	// Replies queue no letter: only the two acknowledgements are in the outbox.
	if n := countQuery(t, db, `SELECT COUNT(*) FROM outbox`); n != 2 {
		t.Errorf("outbox rows = %d, want 2", n)
	}
}

func TestIntake_ReplyReopensClosedComplaint(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(testNow)
	db.Now = clock.Now
	in := newIntake(db)
	cs := sqldb.NewComplaintService(db)
	ctx := context.Background()
	handler := mustCreateUser(t, db, "henk", klachtdesk.RoleHandler)
	first := mustTake(t, in, mail("jan@example.nl", "c1@x", "Storing", "Geen internet."), testNow)
	for _, a := range []klachtdesk.Action{
		klachtdesk.Acknowledge{}, klachtdesk.Assign{HandlerID: handler.ID}, klachtdesk.StartTreatment{},
		klachtdesk.Decide{Decision: klachtdesk.Decision{Finding: klachtdesk.FindingUnfounded, Motivation: "Storing bij de provider."}},
		klachtdesk.Close{Reason: klachtdesk.CloseAccepted},
	} {
		if _, err := cs.Act(ctx, first.Reference, a); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(48 * time.Hour)
	r := mustTake(t, in, mail("jan@example.nl", "c2@x", "Re: "+first.Reference, "Het is weer mis."), clock.Now())
	if r.Outcome != klachtdesk.OutcomeReply || r.Reference != first.Reference {
		t.Fatalf("reply to closed = %+v", r)
	}
	c, err := cs.FindComplaintByReference(ctx, first.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != klachtdesk.StateInTreatment {
		t.Errorf("state after reply = %s, want in_treatment", c.State)
	}
	mustReplayToStored(t, cs, first.Reference)

	// Past the reopen window a reply is a new complaint.
	if _, err := cs.Act(ctx, first.Reference, klachtdesk.Decide{Decision: klachtdesk.Decision{Finding: klachtdesk.FindingUnfounded, Motivation: "Opnieuw bekeken."}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Act(ctx, first.Reference, klachtdesk.Close{Reason: klachtdesk.CloseAccepted}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(40 * 24 * time.Hour)
	r = mustTake(t, in, mail("jan@example.nl", "c3@x", "Re: "+first.Reference, "Weer."), clock.Now())
	if r.Outcome != klachtdesk.OutcomeNew || r.Reference == first.Reference || !strings.Contains(r.Reason, first.Reference) {
		t.Errorf("late reply = %+v", r)
	}
}

func TestIntake_LoopProtection(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(testNow)
	db.Now = clock.Now
	in := newIntake(db)
	ctx := context.Background()

	// Our own address never registers a complaint.
	if r := mustTake(t, in, mail("Klachten@Example.org", "o1@x", "Ontvangstbevestiging", "Wij hebben uw klacht ontvangen."), clock.Now()); r.Outcome != klachtdesk.OutcomeRejected {
		t.Errorf("own address = %+v", r)
	}
	// No sender: rejected but kept.
	if r := mustTake(t, in, mail("", "o2@x", "?", "tekst"), clock.Now()); r.Outcome != klachtdesk.OutcomeRejected || r.Reason == "" {
		t.Errorf("no sender = %+v", r)
	}
	// Four complaints from one address within a day: three
	// acknowledgements go, the fourth is held with its reason.
	for i := range 4 {
		mustTake(t, in, mail("veel@example.nl", fmt.Sprintf("v%d@x", i), "Klacht", fmt.Sprintf("klacht %d", i)), clock.Now())
		clock.Advance(time.Hour)
	}
	if q, h := countQuery(t, db, `SELECT COUNT(*) FROM outbox WHERE state = 'queued'`), countQuery(t, db, `SELECT COUNT(*) FROM outbox WHERE state = 'held'`); q != 3 || h != 1 {
		t.Errorf("queued %d, held %d; want 3 and 1", q, h)
	}
	// An auto-reply silences its address for 24 hours.
	auto := mail("vakantie@example.nl", "ar1@x", "Afwezig", "Ik ben met vakantie.")
	auto.Auto, auto.AutoReason = klachtdesk.AutoReply, "Auto-Submitted: auto-replied"
	if r := mustTake(t, in, auto, clock.Now()); r.Outcome != klachtdesk.OutcomeAutoReply || r.Reference != "" {
		t.Errorf("auto-reply = %+v", r)
	}
	r := mustTake(t, in, mail("vakantie@example.nl", "ar2@x", "Klacht", "Echte klacht."), clock.Now())
	msgs, err := sqldb.NewMessageService(db).ComplaintMessages(ctx, r.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if d := msgs[len(msgs)-1].Delivery; d == nil || d.State != klachtdesk.LetterHeld || !strings.Contains(d.Reason, "automatic reply") {
		t.Errorf("acknowledgement after an auto-reply: %+v", d)
	}
	if n := countQuery(t, db, `SELECT COUNT(*) FROM inbound`); n != 8 {
		t.Errorf("inbound rows = %d, want 8: every mail is recorded", n)
	}
}

func TestIntake_Bounce(t *testing.T) {
	db := MustOpenDB(t)
	in := newIntake(db)
	ctx := context.Background()
	first := mustTake(t, in, mail("weg@example.nl", "b1@x", "Klacht", "Tekst."), testNow)
	msgs, err := sqldb.NewMessageService(db).ComplaintMessages(ctx, first.Reference)
	if err != nil {
		t.Fatal(err)
	}
	bounce := mail("MAILER-DAEMON@mx.example.nl", "dsn1@mx", "Undelivered Mail Returned to Sender", "550 5.1.1 user unknown")
	bounce.Auto, bounce.AutoReason, bounce.NullSender = klachtdesk.Bounce, "multipart/report", true
	bounce.BounceOf = []string{msgs[1].MessageID}
	bounce.BouncedRecipients = []string{"weg@example.nl"}
	r := mustTake(t, in, bounce, testNow)
	if r.Outcome != klachtdesk.OutcomeBounce || r.Reference != first.Reference {
		t.Fatalf("bounce = %+v", r)
	}
	at, reason, err := sqldb.NewOutboxService(db).AddressStatus(ctx, "WEG@example.nl")
	if err != nil {
		t.Fatal(err)
	}
	if at.IsZero() || !strings.Contains(reason, "550") {
		t.Errorf("address status = %v %q", at, reason)
	}
	events, err := sqldb.NewComplaintService(db).ComplaintEvents(ctx, first.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if last := events[len(events)-1]; last.Kind != klachtdesk.EventUndeliverable || !strings.Contains(string(last.After), "weg@example.nl") {
		t.Errorf("last event = %s %s", last.Kind, last.After)
	}
	// No further automatic letter to the address.
	r = mustTake(t, in, mail("weg@example.nl", "b2@x", "Nog een klacht", "Tekst."), testNow)
	msgs, _ = sqldb.NewMessageService(db).ComplaintMessages(ctx, r.Reference)
	if d := msgs[len(msgs)-1].Delivery; d == nil || d.State != klachtdesk.LetterHeld {
		t.Errorf("letter to an undeliverable address: %+v", d)
	}
	if rep := verify(t, db); rep.Break != nil {
		t.Errorf("audit: %+v", rep.Break)
	}
}

func TestIntake_BatchAndQuarantine(t *testing.T) {
	db := MustOpenDB(t)
	in := newIntake(db)
	ctx := context.Background()
	var batch []klachtdesk.IncomingMail
	for i := range 50 {
		m := mail(fmt.Sprintf("k%d@example.nl", i), fmt.Sprintf("batch%d@x", i), "Klacht", fmt.Sprintf("tekst %d", i))
		batch = append(batch, klachtdesk.IncomingMail{Source: "batch", ReceivedAt: testNow, Raw: raw(m), Mail: m})
	}
	batch = append(batch, batch[7]) // the same mail twice in one batch
	rs, err := in.TakeMails(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if rs[50].Outcome != klachtdesk.OutcomeDuplicate || rs[50].Reference != rs[7].Reference {
		t.Errorf("duplicate within a batch = %+v", rs[50])
	}
	// The batch numbers its complaints in order, and the next transaction
	// goes on after the last number the batch handed out.
	for i, r := range rs[:50] {
		if want := fmt.Sprintf("KL-%d-%06d", testNow.Year(), i+1); r.Reference != want {
			t.Fatalf("complaint %d of the batch is %s, want %s", i, r.Reference, want)
		}
	}
	next := mail("volgende@example.nl", "next@x", "Klacht", "nog een")
	if r := mustTake(t, in, next, testNow); r.Reference != fmt.Sprintf("KL-%d-%06d", testNow.Year(), 51) {
		t.Errorf("the mail after the batch is %s, want number 51", r.Reference)
	}
	// A large attachment goes to the file store before the transaction.
	big := mail("groot@example.nl", "big@x", "Foto's", "Zie bijlage.")
	big.Attachments = []klachtdesk.MailPart{{Filename: "foto.jpg", ContentType: "image/jpeg", Content: make([]byte, 3<<20)}}
	r := mustTake(t, in, big, testNow)
	msgs, _ := sqldb.NewMessageService(db).ComplaintMessages(ctx, r.Reference)
	if len(msgs[0].Attachments) != 1 || msgs[0].Attachments[0].Size != 3<<20 {
		t.Fatalf("attachments = %+v", msgs[0].Attachments)
	}
	if _, rc, err := sqldb.NewMessageService(db).OpenAttachment(ctx, msgs[0].Attachments[0].ID); err != nil {
		t.Fatal(err)
	} else {
		n, _ := io.Copy(io.Discard, rc)
		rc.Close()
		if n != 3<<20 {
			t.Errorf("attachment read back %d bytes", n)
		}
	}
	// A mail without fingerprint is refused whole; a poison mail is
	// quarantined, and taking it again is a duplicate.
	if _, err := in.Take(ctx, "x", testNow, []byte("x"), &klachtdesk.InboundMail{}); klachtdesk.ErrorCode(err) != klachtdesk.EINVALID {
		t.Errorf("no fingerprint: %v", err)
	}
	poison := mail("p@example.nl", "poison@x", "Klacht", "tekst")
	if err := in.Quarantine(ctx, klachtdesk.IncomingMail{Source: "imap uid 9", ReceivedAt: testNow, Raw: raw(poison), Mail: poison}, "could not be stored: test"); err != nil {
		t.Fatal(err)
	}
	if r := mustTake(t, in, poison, testNow); r.Outcome != klachtdesk.OutcomeDuplicate || !strings.Contains(r.Reason, "error") {
		t.Errorf("quarantined mail again = %+v", r)
	}
	if ok, err := in.Taken(ctx, poison.Fingerprint); err != nil || !ok {
		t.Errorf("Taken(quarantined) = %v, %v", ok, err)
	}

	// The quarantine lists the poison mail with its reason and hands out
	// its raw bytes, to administrators only; registered mail is not in it.
	q, err := in.QuarantinedMails(ctx, 0)
	if err != nil || len(q) != 1 || q[0].Outcome != klachtdesk.OutcomeError || q[0].Reason != "could not be stored: test" ||
		q[0].Source != "imap uid 9" || q[0].From != "p@example.nl" {
		if len(q) > 0 {
			t.Fatalf("QuarantinedMails = %+v, %v", *q[0], err)
		}
		t.Fatalf("QuarantinedMails = %v, %v", q, err)
	}
	rc, err := in.OpenQuarantinedMail(ctx, q[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, raw(poison)) {
		t.Errorf("quarantined mail read back as %q", got)
	}
	registered := int64(countQuery(t, db, `SELECT id FROM inbound WHERE outcome = 'new' LIMIT 1`))
	if _, err := in.OpenQuarantinedMail(ctx, registered); klachtdesk.ErrorCode(err) != klachtdesk.ENOTFOUND {
		t.Errorf("a registered mail through the quarantine: %v", err)
	}
	handler := as(mustCreateUser(t, db, "henk", klachtdesk.RoleHandler))
	if _, err := in.QuarantinedMails(handler, 10); klachtdesk.ErrorCode(err) != klachtdesk.EFORBIDDEN {
		t.Errorf("a handler reading the quarantine: %v", err)
	}
	if _, err := in.OpenQuarantinedMail(handler, q[0].ID); klachtdesk.ErrorCode(err) != klachtdesk.EFORBIDDEN {
		t.Errorf("a handler opening a quarantined mail: %v", err)
	}
	retry := klachtdesk.IncomingMail{Raw: raw(poison), Mail: poison}
	if _, err := in.RetryQuarantined(handler, q[0].ID, retry); klachtdesk.ErrorCode(err) != klachtdesk.EFORBIDDEN {
		t.Errorf("a handler retrying a quarantined mail: %v", err)
	}
	other := mail("q@example.nl", "other@x", "Klacht", "andere tekst")
	if _, err := in.RetryQuarantined(ctx, q[0].ID, klachtdesk.IncomingMail{Raw: raw(other), Mail: other}); klachtdesk.ErrorCode(err) != klachtdesk.EINVALID {
		t.Errorf("retrying with another mail's bytes: %v", err)
	}

	// Once the cause is gone, the mail leaves the quarantine as a new
	// complaint, keeping its source and arrival; it cannot be retried twice.
	r, err = in.RetryQuarantined(ctx, q[0].ID, retry)
	if err != nil || r.Outcome != klachtdesk.OutcomeNew || r.Reference == "" {
		t.Fatalf("RetryQuarantined = %+v, %v", r, err)
	}
	if q, err := in.QuarantinedMails(ctx, 0); err != nil || len(q) != 0 {
		t.Errorf("quarantine after the retry: %d mails, %v", len(q), err)
	}
	if n := countQuery(t, db, `SELECT COUNT(*) FROM inbound WHERE source = 'imap uid 9' AND outcome = 'new' AND received_at = '`+testNow.UTC().Format("2006-01-02T15:04:05.000000000Z")+`'`); n != 1 {
		t.Errorf("the retried mail's inbound rows with its source and arrival: %d", n)
	}
	if _, err := in.RetryQuarantined(ctx, q[0].ID, retry); klachtdesk.ErrorCode(err) != klachtdesk.ENOTFOUND {
		t.Errorf("retrying a mail no longer in quarantine: %v", err)
	}
	if r := mustTake(t, in, poison, testNow); r.Outcome != klachtdesk.OutcomeDuplicate {
		t.Errorf("the retried mail taken again = %+v", r)
	}
}

func TestIntake_AnonymiseClearsMailData(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(testNow)
	db.Now = clock.Now
	in := newIntake(db)
	cs := sqldb.NewComplaintService(db)
	r := mustTake(t, in, mail("geheim@example.nl", "g1@x", "Geheim onderwerp", "Geheime tekst."), testNow)
	closeAndAnonymise(t, cs, clock, r.Reference)
	for _, q := range []string{
		`SELECT COUNT(*) FROM inbound WHERE from_addr LIKE '%geheim%' OR subject LIKE '%Geheim%'`,
		`SELECT COUNT(*) FROM outbox WHERE to_key LIKE '%geheim%'`,
		`SELECT COUNT(*) FROM messages WHERE text LIKE '%Geheim%' OR to_addr LIKE '%geheim%' OR subject LIKE '%Geheim%'`,
	} {
		if n := countQuery(t, db, q); n != 0 {
			t.Errorf("%s = %d after anonymisation", q, n)
		}
	}
	// The letter still queued can no longer be sent: anonymisation failed it.
	letters, err := sqldb.NewOutboxService(db).ClaimLetters(context.Background(), 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(letters) != 0 || countQuery(t, db, `SELECT COUNT(*) FROM outbox WHERE state = 'failed'`) != 1 {
		t.Errorf("claimed %d letters of an anonymised complaint", len(letters))
	}
}

func TestIntake_MailboxState(t *testing.T) {
	db := MustOpenDB(t)
	in := newIntake(db)
	ctx := context.Background()
	if v, u, err := in.MailboxState(ctx, "jan@imap.example/INBOX"); err != nil || v != 0 || u != 0 {
		t.Fatalf("new mailbox = %d %d %v", v, u, err)
	}
	for _, st := range [][2]uint32{{7, 10}, {7, 12}, {4294967295, 4294967295}} {
		if err := in.SetMailboxState(ctx, "jan@imap.example/INBOX", st[0], st[1]); err != nil {
			t.Fatal(err)
		}
		if v, u, err := in.MailboxState(ctx, "jan@imap.example/INBOX"); err != nil || v != st[0] || u != st[1] {
			t.Errorf("state = %d %d %v, want %v", v, u, err, st)
		}
	}
}

func TestIntake_OldMailAcknowledgementHeld(t *testing.T) {
	db := MustOpenDB(t)
	in := newIntake(db)
	// A mail from a month ago (an imported archive): registered with its
	// own arrival, its acknowledgement written but held.
	r := mustTake(t, in, mail("oud@example.nl", "old@x", "Oude klacht", "Van vorige maand."), testNow.AddDate(0, -1, 0))
	msgs, err := sqldb.NewMessageService(db).ComplaintMessages(context.Background(), r.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if d := msgs[len(msgs)-1].Delivery; d == nil || d.State != klachtdesk.LetterHeld || !strings.Contains(d.Reason, "acknowledgement term ended") {
		t.Errorf("acknowledgement of an old mail: %+v", d)
	}
}

func TestIntake_AcceptAndSplitUnverified(t *testing.T) {
	db := MustOpenDB(t)
	in := newIntake(db)
	ctx := context.Background()
	cs, ms := sqldb.NewComplaintService(db), sqldb.NewMessageService(db)
	first := mustTake(t, in, mail("jan@example.nl", "u1@x", "Storing", "Geen internet."), testNow)
	for i, from := range []string{"collega@example.nl", "mallory@evil.example"} {
		r := mustTake(t, in, mail(from, fmt.Sprintf("u%d@x", i+2), "Re: ["+first.Reference+"]", "Tekst van "+from), testNow)
		if !r.Unverified {
			t.Fatalf("%s: %+v", from, r)
		}
	}
	msgs, err := ms.ComplaintMessages(ctx, first.Reference)
	if err != nil {
		t.Fatal(err)
	}
	var colleague, mallory *klachtdesk.Message
	for _, m := range msgs {
		switch {
		case strings.Contains(m.From, "collega"):
			colleague = m
		case strings.Contains(m.From, "mallory"):
			mallory = m
		}
	}

	// A handler the complaint concerns sees no message to act on.
	henk := mustCreateUser(t, db, "henk", klachtdesk.RoleHandler)
	if _, err := cs.Act(ctx, first.Reference, klachtdesk.SetConcerned{UserIDs: []int64{henk.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := in.AcceptMessage(as(henk), colleague.ID); klachtdesk.ErrorCode(err) != klachtdesk.ENOTFOUND {
		t.Errorf("concerned handler accepts: %v", err)
	}

	if err := in.AcceptMessage(ctx, colleague.ID); err != nil {
		t.Fatal(err)
	}
	if err := in.AcceptMessage(ctx, colleague.ID); klachtdesk.ErrorCode(err) != klachtdesk.EINVALID {
		t.Errorf("accepting twice: %v", err)
	}
	split, err := in.SplitMessage(ctx, mallory.ID)
	if err != nil {
		t.Fatal(err)
	}
	if split.Complainant.Email != "mallory@evil.example" || split.Description != "Tekst van mallory@evil.example" || split.State != klachtdesk.StateReceived {
		t.Errorf("split complaint = %+v", split)
	}
	msgs, _ = ms.ComplaintMessages(ctx, first.Reference)
	for _, m := range msgs {
		if strings.Contains(m.From, "mallory") || m.Unverified {
			t.Errorf("left on %s: %+v", first.Reference, m)
		}
	}
	moved, _ := ms.ComplaintMessages(ctx, split.Reference)
	if len(moved) != 2 || moved[0].ID != mallory.ID || moved[1].Delivery == nil {
		t.Errorf("messages of the split complaint: %+v", moved)
	}
	for _, ref := range []string{first.Reference, split.Reference} {
		events := mustReplayToStored(t, cs, ref)
		if events[len(events)-1].Kind != klachtdesk.EventMessageMoved && events[len(events)-2].Kind != klachtdesk.EventMessageMoved {
			t.Errorf("%s: no message_moved event", ref)
		}
	}
	// Letters we sent cannot be split off.
	if _, err := in.SplitMessage(ctx, moved[1].ID); klachtdesk.ErrorCode(err) != klachtdesk.EINVALID {
		t.Errorf("split of a letter: %v", err)
	}
	if rep := verify(t, db); rep.Break != nil {
		t.Errorf("audit: %+v", rep.Break)
	}
}

// TestIntake_AbsurdArrival: a source whose clock says 1800 (or year 0)
// does not get its mail refused; the mail counts as received at intake.
func TestIntake_AbsurdArrival(t *testing.T) {
	db := MustOpenDB(t)
	in := newIntake(db)
	for i, at := range []time.Time{time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(0, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3600))} {
		m := mail(fmt.Sprintf("oud%d@example.nl", i), fmt.Sprintf("old%d@x", i), "Klacht", "tekst")
		r := mustTake(t, in, m, at)
		if r.Outcome != klachtdesk.OutcomeNew {
			t.Fatalf("arrival %s: %+v", at, r)
		}
		c, err := sqldb.NewComplaintService(db).FindComplaintByReference(context.Background(), r.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if !c.ReceivedAt.Equal(db.Now().UTC()) {
			t.Errorf("arrival %s registered as received %s", at, c.ReceivedAt)
		}
	}
}
