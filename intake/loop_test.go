package intake_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/intake"
	"github.com/klachtdesk/klachtdesk/internal/storetest"
	"github.com/klachtdesk/klachtdesk/outbox"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *simClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// writerFunc adapts a function to klachtdesk.LetterWriter.
type writerFunc func(l klachtdesk.Letter, c *klachtdesk.Complaint, s klachtdesk.Settings) (string, string, error)

func (f writerFunc) WriteLetter(l klachtdesk.Letter, c *klachtdesk.Complaint, s klachtdesk.Settings) (string, string, error) {
	return f(l, c, s)
}

// sent is a letter that left through the outbox.
type sent struct {
	at     time.Time
	letter *klachtdesk.OutgoingLetter
}

// peer answers our letters the way a machine on the other side does.
type peer struct {
	react func(n int, l *klachtdesk.OutgoingLetter, date time.Time) []byte // nil: no answer
}

func rawMail(from, subject, messageID, extraHeaders, body string, date time.Time) []byte {
	return fmt.Appendf(nil, "From: %s\r\nTo: klachten@example.org\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s>\r\n%sContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, subject, date.Format(time.RFC1123Z), messageID, extraHeaders, body)
}

// TestLoopProtection_SimulatedWeek runs a week of mail between Klachtdesk
// and the machines that start mail loops: an RFC 3834 vacation responder, a
// vacation responder without the headers, a bounce generator, a second
// helpdesk that opens a ticket for every mail and confirms it in a new
// thread, and one that answers in our thread; plus a person who complains
// five times in a day. No address may get more automatic letters than
// mail.auto_letters_max (3) in any 24 hours.
func TestLoopProtection_SimulatedWeek(t *testing.T) {
	clk := &simClock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	db := sqldb.NewDB(t.TempDir(), storetest.DSN(t))
	db.Now = clk.Now
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for key, value := range map[string]string{"org.complaint_email": "klachten@actwebservice.nl", "org.postal_address": "Postbus 1234, 3500 AB Utrecht"} {
		if _, err := sqldb.NewSettingsService(db).SetSetting(ctx, key, value); err != nil {
			t.Fatal(err)
		}
	}
	store := sqldb.NewIntakeService(db)
	store.Letters = writerFunc(func(l klachtdesk.Letter, c *klachtdesk.Complaint, s klachtdesk.Settings) (string, string, error) {
		return "Ontvangstbevestiging van uw klacht [" + c.Reference + "]", "Wij hebben uw klacht ontvangen.", nil
	})

	var (
		letters []sent
		inbox   [][]byte // mail on its way to us
	)
	peers := map[string]peer{
		"vakantie@peer.example": {react: func(n int, l *klachtdesk.OutgoingLetter, d time.Time) []byte {
			return rawMail("Vakantie <vakantie@peer.example>", "Afwezig: "+l.Subject, fmt.Sprintf("v%d@peer.example", n),
				"Auto-Submitted: auto-replied\r\nIn-Reply-To: <"+l.MessageID+">\r\n", "Ik ben afwezig tot maandag.", d)
		}},
		"naief@peer.example": {react: func(n int, l *klachtdesk.OutgoingLetter, d time.Time) []byte {
			return rawMail("naief@peer.example", "Out of Office", fmt.Sprintf("n%d@peer.example", n), "", "I am out of the office.", d)
		}},
		"weg@nowhere.example": {react: func(n int, l *klachtdesk.OutgoingLetter, d time.Time) []byte {
			return fmt.Appendf(nil, "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.nowhere.example\r\nTo: klachten@example.org\r\n"+
				"Subject: Undelivered Mail Returned to Sender\r\nDate: %s\r\nMessage-ID: <b%d@mx.nowhere.example>\r\nMIME-Version: 1.0\r\n"+
				"Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\r\n\r\n--R\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"+
				"--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.nowhere.example\r\n\r\nFinal-Recipient: rfc822; weg@nowhere.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"+
				"--R\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <%s>\r\nSubject: %s\r\n\r\n--R--\r\n", d.Format(time.RFC1123Z), n, l.MessageID, l.Subject)
		}},
		"support@helpdesk.example": {react: func(n int, l *klachtdesk.OutgoingLetter, d time.Time) []byte {
			// A new ticket per mail, confirmed in a new thread without
			// any automatic-mail header: the classic helpdesk loop.
			return rawMail("Support <support@helpdesk.example>", fmt.Sprintf("[Ticket #%d] We received your request", 1000+n),
				fmt.Sprintf("t%d@helpdesk.example", n), "", fmt.Sprintf("Your ticket number is %d. We will answer soon.", 1000+n), d)
		}},
		"service@desk2.example": {react: func(n int, l *klachtdesk.OutgoingLetter, d time.Time) []byte {
			return rawMail("service@desk2.example", "Re: "+l.Subject, fmt.Sprintf("s%d@desk2.example", n),
				"In-Reply-To: <"+l.MessageID+">\r\n", "Thank you, your message was received.", d)
		}},
		"mens@example.nl": {},
	}
	w := &outbox.Worker{
		Outbox: sqldb.NewOutboxService(db),
		Send: func(_ context.Context, l *klachtdesk.OutgoingLetter) error {
			letters = append(letters, sent{clk.Now(), l})
			if p := peers[l.To.Email]; p.react != nil {
				inbox = append(inbox, p.react(len(letters), l, clk.Now()))
			}
			return nil
		},
		Now: clk.Now,
	}
	p := &intake.Pipeline{Store: store, Now: clk.Now}
	take := func() {
		items := make(chan intake.Item, len(inbox))
		for i, raw := range inbox {
			items <- intake.Item{Source: fmt.Sprintf("sim %s #%d", clk.Now().Format(time.RFC3339), i), Raw: raw}
		}
		close(items)
		inbox = nil
		if err := p.Run(ctx, items, func(r intake.Result) {
			if r.Outcome == klachtdesk.OutcomeError {
				t.Errorf("intake: %+v", r)
			}
		}); err != nil {
			t.Fatal(err)
		}
	}

	// Every machine first gets a mail from us the way loops start: it
	// wrote to the complaint address once.
	for addr := range peers {
		inbox = append(inbox, rawMail(addr, "Vraag over mijn factuur", "start-"+addr, "", "Mijn factuur klopt niet.", clk.Now()))
	}
	for step := 0; step < 7*24*6; step++ { // a week in steps of 10 minutes
		if step < 6*8 && step%10 == 0 { // the person complains five times on day one
			inbox = append(inbox, rawMail("mens@example.nl", "Nog een klacht", fmt.Sprintf("mens%d@example.nl", step), "", "Weer mis.", clk.Now()))
		}
		take()
		if _, err := w.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Advance(10 * time.Minute)
	}

	perAddress := map[string][]time.Time{}
	for _, s := range letters {
		if !s.letter.Automatic {
			t.Errorf("non-automatic letter %s in the simulation", s.letter.Subject)
		}
		perAddress[s.letter.To.Email] = append(perAddress[s.letter.To.Email], s.at)
	}
	for addr, times := range perAddress {
		for i := range times {
			inWindow := 0
			for _, u := range times[i:] {
				if u.Sub(times[i]) < 24*time.Hour {
					inWindow++
				}
			}
			if inWindow > 3 {
				t.Errorf("%s got %d automatic letters within 24 hours from %s", addr, inWindow, times[i].Format(time.RFC3339))
			}
		}
	}
	want := map[string]int{
		"vakantie@peer.example": 1, // then silenced by its auto-reply, and it never writes again
		"naief@peer.example":    1, // its vacation subject counts as an auto-reply
		"weg@nowhere.example":   1, // bounced: undeliverable
		"service@desk2.example": 1, // answers in our thread: a reply, no new letter
		"mens@example.nl":       3, // five complaints in a day: three acknowledgements
	}
	for addr, n := range want {
		if got := len(perAddress[addr]); got != n {
			t.Errorf("%s got %d automatic letters in the week, want %d", addr, got, n)
		}
	}
	// The helpdesk loop is cut to the limit: at most 3 a day.
	if got := len(perAddress["support@helpdesk.example"]); got == 0 || got > 3*7+3 {
		t.Errorf("the second helpdesk got %d automatic letters in a week", got)
	}
	t.Logf("letters in a simulated week: %d; per address: %v", len(letters), counts(perAddress))
	if heldLetters(t, db) == 0 {
		t.Error("no letter was held back, so the limits were never tested")
	}
}

func counts(m map[string][]time.Time) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		out[k] = len(v)
	}
	return out
}

// heldLetters counts the letters loop protection held back, as the
// complaints show them.
func heldLetters(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	cs, _, err := sqldb.NewComplaintService(db).FindComplaints(context.Background(), klachtdesk.ComplaintFilter{})
	if err != nil {
		t.Fatal(err)
	}
	held := 0
	for _, c := range cs {
		msgs, err := sqldb.NewMessageService(db).ComplaintMessages(context.Background(), c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Delivery != nil && m.Delivery.State == klachtdesk.LetterHeld && m.Delivery.Reason != "" {
				held++
			}
		}
	}
	return held
}
