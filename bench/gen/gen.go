// Package gen fills an empty store, on SQLite or PostgreSQL, with large
// volumes of realistic complaints for benchmarks: complainants (some with
// several complaints), Dutch and English complaint mails, the letters
// answering them, and the procedure's steps up to many different states,
// each with its audit event on one verifiable hash chain.
//
// Unlike the demo (internal/demo), which goes through the services one
// change per transaction and stops at a few thousand complaints, gen writes
// through sqldb.Batch: the store's own registration, action and message
// code, many complaints per transaction, in simulated time running forward
// from Options.End minus Options.Span. Each transaction (a "tick") registers
// the complaints received since the last one and applies every step that
// fell due in the meantime, so the steps of one complaint happen in order
// and at plausible moments; steps due after End never happen, so the
// newest complaints are still open, as in a real register.
//
// The same seed, count, batch and end give the same complaints, messages
// and steps. The stored events differ from run to run in their sealed
// bytes (every complaint's key is random) and so in their hashes.
package gen

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// Options says how much gen writes.
type Options struct {
	// Count is the number of complaints.
	Count int
	// Seed seeds the random generator.
	Seed uint64
	// Batch is how many complaints each transaction registers (1,000
	// when 0); due steps of earlier complaints ride along.
	Batch int
	// End is the simulated now at which generation stops (the start of the
	// current UTC day when zero); complaints are received over Span before
	// it.
	End time.Time
	// Span is the period over which complaints arrive: when zero, a year
	// per 300,000 complaints, at least a year (reference numbers have six
	// digits per year).
	Span time.Duration
	// Progress, when set, is called after every transaction with the
	// number of complaints registered so far.
	Progress func(done int)
}

// Result counts what Generate wrote.
type Result struct {
	Complaints, Messages, Events, Actions int
	Users                                 int
	States                                map[klachtdesk.State]int
}

// Password is the password of every generated staff user.
const Password = "bench-generator-password-2026"

// step kinds of a complaint's plan.
type stepKind int

const (
	stepAck stepKind = iota
	stepAssign
	stepStart
	stepRequestInfo
	stepReceiveInfo
	stepDecide
	stepCloseAccepted
	stepWithdraw
)

// plans are the paths complaints take, with their weights; where a path
// ends is where a complaint stays (the open states), unless End comes
// first.
var plans = []struct {
	weight int
	steps  []stepKind
}{
	{3, nil},
	{5, []stepKind{stepAck}},
	{5, []stepKind{stepAck, stepAssign}},
	{8, []stepKind{stepAck, stepAssign, stepStart}},
	{6, []stepKind{stepAck, stepAssign, stepStart, stepRequestInfo}},
	{12, []stepKind{stepAck, stepAssign, stepStart, stepRequestInfo, stepReceiveInfo, stepDecide, stepCloseAccepted}},
	{10, []stepKind{stepAck, stepAssign, stepStart, stepDecide}},
	{46, []stepKind{stepAck, stepAssign, stepStart, stepDecide, stepCloseAccepted}},
	{5, []stepKind{stepAck, stepWithdraw}},
}

// delay is how long after the previous step a step of kind k happens: lo
// to hi hours.
var delay = map[stepKind][2]int{
	stepAck: {0, 8}, stepAssign: {4, 48}, stepStart: {4, 72}, stepRequestInfo: {24, 96},
	stepReceiveInfo: {48, 168}, stepDecide: {72, 288}, stepCloseAccepted: {48, 336}, stepWithdraw: {24, 240},
}

// journey is a complaint with steps still to come.
type journey struct {
	index   int
	c       *klachtdesk.Complaint
	steps   []stepKind
	next    int
	due     time.Time
	handler *klachtdesk.User
	lang    klachtdesk.Language
	email   string
	lastIn  string // Message-ID of the complainant's last mail
}

// Generate fills db, which must hold no complaints, with opts.Count
// complaints and the staff who handle them. It refuses a store that
// already holds complaints. db's clock is left alone: every transaction
// carries its simulated instant.
func Generate(ctx context.Context, db *sqldb.DB, opts Options) (*Result, error) {
	if opts.Count < 1 {
		return nil, errors.New("gen: count must be at least 1")
	}
	complaints := sqldb.NewComplaintService(db)
	if _, total, err := complaints.FindComplaints(ctx, klachtdesk.ComplaintFilter{Limit: 1}); err != nil {
		return nil, fmt.Errorf("gen: count complaints: %w", err)
	} else if total > 0 {
		return nil, fmt.Errorf("gen: the store already holds %d complaints; generate into an empty one", total)
	}
	if opts.Batch <= 0 {
		opts.Batch = 1000
	}
	if opts.End.IsZero() {
		opts.End = time.Now().UTC().Truncate(24 * time.Hour)
	}
	if opts.Span <= 0 {
		years := max(1, (opts.Count+299_999)/300_000)
		opts.Span = time.Duration(years) * 365 * 24 * time.Hour
	}
	g := &generator{
		rnd:   rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x62656e6368)),
		start: opts.End.Add(-opts.Span),
		res:   &Result{States: map[klachtdesk.State]int{}},
	}
	if err := g.createStaff(ctx, db); err != nil {
		return nil, err
	}

	ticks := (opts.Count + opts.Batch - 1) / opts.Batch
	tick := opts.Span / time.Duration(ticks)
	var (
		pending []*journey // ordered by nothing: a tick scans it
		done    int
	)
	for t := 1; t <= ticks; t++ {
		now := g.start.Add(time.Duration(t) * tick).Truncate(time.Second)
		n := min(opts.Batch, opts.Count-done)
		err := db.WriteBatch(ctx, now, func(b *sqldb.Batch) error {
			// Complaints received during the tick, in order.
			recv := make([]time.Time, n)
			for i := range recv {
				recv[i] = now.Add(-time.Duration(g.rnd.Int64N(int64(tick)))).Truncate(time.Second)
			}
			slices.SortFunc(recv, time.Time.Compare)
			for i := range n {
				d, err := g.register(ctx, b, done+i, recv[i])
				if err != nil {
					return err
				}
				if d != nil {
					pending = append(pending, d)
				}
			}
			// Every step due by now, each complaint's in order.
			kept := pending[:0]
			for _, d := range pending {
				for d.next < len(d.steps) && !d.due.After(now) {
					if err := g.apply(ctx, b, d); err != nil {
						return err
					}
				}
				if d.next < len(d.steps) {
					kept = append(kept, d)
				} else {
					g.res.States[d.c.State]++
				}
			}
			clear(pending[len(kept):])
			pending = kept
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("gen: transaction %d of %d: %w", t, ticks, err)
		}
		done += n
		if opts.Progress != nil {
			opts.Progress(done)
		}
	}
	for _, d := range pending {
		g.res.States[d.c.State]++
	}
	g.res.Complaints = done
	return g.res, nil
}

// generator holds the state of one run.
type generator struct {
	rnd      *rand.Rand
	start    time.Time
	res      *Result
	lead     *klachtdesk.User
	handlers []*klachtdesk.User
}

// createStaff creates the team lead and the handlers the steps are done by.
func (g *generator) createStaff(ctx context.Context, db *sqldb.DB) error {
	users := sqldb.NewUserService(db)
	mk := func(username, name string, role klachtdesk.Role) (*klachtdesk.User, error) {
		u := &klachtdesk.User{Username: username, Name: name, Email: username + "@bedrijf.example.nl", Role: role, Active: true}
		if err := users.CreateUser(ctx, u, Password); err != nil {
			return nil, fmt.Errorf("gen: create user %s: %w", username, err)
		}
		g.res.Users++
		g.res.Events++ // user_created
		return u, nil
	}
	var err error
	if g.lead, err = mk("gen.lead", "Ingrid de Leider", klachtdesk.RoleAdmin); err != nil {
		return err
	}
	for i := range 20 {
		first, last := pick(g.rnd, firstNames), pick(g.rnd, lastNames)
		u, err := mk(fmt.Sprintf("gen.h%02d", i+1), first+" "+last, klachtdesk.RoleHandler)
		if err != nil {
			return err
		}
		g.handlers = append(g.handlers, u)
	}
	return nil
}

// register writes complaint i, received at recv, with the complainant's
// mail as its first message, and returns its journey (nil when it takes no
// steps).
func (g *generator) register(ctx context.Context, b *sqldb.Batch, i int, recv time.Time) (*journey, error) {
	// One complaint in ten comes from an earlier complainant, with the
	// same details, so their record does not change.
	who := i
	if i > 10 && g.rnd.IntN(10) == 0 {
		who = g.rnd.IntN(i)
	}
	cp := complainant(who)
	n := &klachtdesk.NewComplaint{
		Channel:     klachtdesk.ChannelEmail,
		ReceivedAt:  recv,
		Complainant: cp,
		Kind:        klachtdesk.KindService,
		Severity:    klachtdesk.SeverityNormal,
	}
	if g.rnd.IntN(8) == 0 {
		n.Channel = klachtdesk.ChannelWebform
	}
	if cp.Type == klachtdesk.Business && g.rnd.IntN(2) == 0 {
		// A consumer's product complaint goes to the mediator; business
		// ones stay here.
		n.Kind = klachtdesk.KindProduct
	}
	n.Subtype = pick(g.rnd, klachtdesk.Subtypes[n.Kind])
	if g.rnd.IntN(20) == 0 {
		n.Severity = klachtdesk.SeverityHigh
	}
	t := textsIn(cp.Language)
	n.Subject = pick(g.rnd, t.subjects)
	n.Description = g.paragraphs(t.complaint, 2+g.rnd.IntN(4))
	if g.rnd.IntN(3) == 0 {
		n.RemedySought = pick(g.rnd, t.remedies)
	}
	if g.rnd.IntN(2) == 0 {
		n.ProductRef = fmt.Sprintf("ORD-%07d", 1000000+i)
	}
	c, err := b.Create(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("register complaint %d: %w", i, err)
	}
	g.res.Events++
	d := &journey{index: i, c: c, lang: cp.Language, email: cp.Email}
	m := &klachtdesk.Message{
		ComplaintID: c.ID, Direction: klachtdesk.Inbound, Channel: n.Channel,
		From: cp.Email, To: "klachten@bedrijf.example.nl", Subject: n.Subject,
		Text: n.Description, At: recv,
	}
	if n.Channel == klachtdesk.ChannelEmail {
		m.MessageID = fmt.Sprintf("<gen.%d.in@mail.example.net>", i)
		d.lastIn = m.MessageID
	}
	if err := g.message(ctx, b, d, m, nil); err != nil {
		return nil, err
	}
	w := 0
	for _, p := range plans {
		w += p.weight
	}
	r := g.rnd.IntN(w)
	for _, p := range plans {
		if r -= p.weight; r < 0 {
			d.steps = p.steps
			break
		}
	}
	if len(d.steps) == 0 {
		g.res.States[c.State]++
		return nil, nil
	}
	d.handler = g.handlers[g.rnd.IntN(len(g.handlers))]
	d.due = g.after(recv, d.steps[0])
	return d, nil
}

// after returns when a step of kind k happens after prev.
func (g *generator) after(prev time.Time, k stepKind) time.Time {
	lo, hi := delay[k][0], delay[k][1]
	return prev.Add(time.Duration(lo)*time.Hour + time.Duration(g.rnd.Int64N(int64(hi-lo+1)*int64(time.Hour)))).Truncate(time.Second)
}

// apply does the journey's next step, with the messages that go with it.
func (g *generator) apply(ctx context.Context, b *sqldb.Batch, d *journey) error {
	t := textsIn(d.lang)
	k := d.steps[d.next]
	var (
		action klachtdesk.Action
		by     = d.handler
		out    string // text of the letter sent with the step
		in     string // text of the complainant's mail that caused it
	)
	switch k {
	case stepAck:
		action, by = klachtdesk.Acknowledge{}, klachtdesk.SystemUser
		out = fmt.Sprintf(t.ack, d.c.Reference, d.c.AnswerDue.Date)
	case stepAssign:
		action, by = klachtdesk.Assign{HandlerID: d.handler.ID}, g.lead
	case stepStart:
		action = klachtdesk.StartTreatment{}
	case stepRequestInfo:
		q := pick(g.rnd, t.questions)
		action, out = klachtdesk.RequestInfo{Question: q}, q
	case stepReceiveInfo:
		action, in = klachtdesk.ReceiveInfo{}, g.paragraphs(t.answers, 1+g.rnd.IntN(2))
	case stepDecide:
		dec := klachtdesk.Decision{Finding: pick(g.rnd, []klachtdesk.Finding{klachtdesk.FindingFounded, klachtdesk.FindingFounded,
			klachtdesk.FindingPartlyFounded, klachtdesk.FindingUnfounded}), Motivation: g.paragraphs(t.motivations, 2)}
		if dec.Finding != klachtdesk.FindingUnfounded {
			dec.SettlementType = pick(g.rnd, []string{"apology", "compensation", "service_credit", "process_change"})
			dec.Settlement = pick(g.rnd, t.settlements)
		}
		action = klachtdesk.Decide{Decision: dec}
		out = dec.Motivation + "\n\n" + dec.Settlement
	case stepCloseAccepted:
		action, in = klachtdesk.Close{Reason: klachtdesk.CloseAccepted, Detail: pick(g.rnd, t.accepted)}, pick(g.rnd, t.accepted)
	case stepWithdraw:
		action, in = klachtdesk.Close{Reason: klachtdesk.CloseWithdrawn}, pick(g.rnd, t.withdrawn)
	}
	if in != "" {
		m := &klachtdesk.Message{
			ComplaintID: d.c.ID, Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail,
			MessageID: fmt.Sprintf("<gen.%d.%d@mail.example.net>", d.index, d.next), From: d.email,
			To: "klachten@bedrijf.example.nl", Subject: "Re: " + d.c.Reference, Text: in, At: b.Now(),
		}
		d.lastIn = m.MessageID
		if err := g.message(ctx, b, d, m, klachtdesk.SystemUser); err != nil {
			return err
		}
	}
	c, err := b.Act(ctx, d.c, action, by)
	if err != nil {
		return err
	}
	d.c = c
	g.res.Actions++
	g.res.Events++
	if out != "" {
		m := &klachtdesk.Message{
			ComplaintID: d.c.ID, Direction: klachtdesk.Outbound, Channel: klachtdesk.ChannelEmail,
			MessageID: fmt.Sprintf("<gen.%d.%d.out@klachten.bedrijf.example.nl>", d.index, d.next), From: "klachten@bedrijf.example.nl",
			To: d.email, Subject: "Uw klacht " + d.c.Reference, Text: out, At: b.Now(),
		}
		if err := g.message(ctx, b, d, m, by); err != nil {
			return err
		}
	}
	d.next++
	if d.next < len(d.steps) {
		d.due = g.after(b.Now(), d.steps[d.next])
	}
	return nil
}

// message stores m by u (the system when nil).
func (g *generator) message(ctx context.Context, b *sqldb.Batch, d *journey, m *klachtdesk.Message, u *klachtdesk.User) error {
	if u == nil {
		u = klachtdesk.SystemUser
	}
	if err := b.AddMessage(ctx, m, d.c.Reference, u); err != nil {
		return err
	}
	g.res.Messages++
	g.res.Events++
	return nil
}

// paragraphs joins n random paragraphs from ps.
func (g *generator) paragraphs(ps []string, n int) string {
	out := ""
	for i := range n {
		if i > 0 {
			out += "\n\n"
		}
		out += pick(g.rnd, ps)
	}
	return out
}

func pick[T any](rnd *rand.Rand, xs []T) T { return xs[rnd.IntN(len(xs))] }

// complainant returns complainant number i: the same i gives the same
// details.
func complainant(i int) klachtdesk.Complainant {
	rnd := rand.New(rand.NewPCG(uint64(i), 0x636f6d706c61696e))
	cp := klachtdesk.Complainant{
		Name:     pick(rnd, firstNames) + " " + pick(rnd, lastNames),
		Type:     klachtdesk.Consumer,
		Language: klachtdesk.LanguageDutch,
	}
	if rnd.IntN(5) == 0 {
		cp.Language = klachtdesk.LanguageEnglish
	}
	if rnd.IntN(8) == 0 {
		cp.Type = klachtdesk.Business
		cp.Name = pick(rnd, lastNames) + " " + pick(rnd, []string{"B.V.", "Holding B.V.", "& Zn.", "Techniek", "Logistiek"})
	}
	cp.Email = fmt.Sprintf("klant%d@%s", i, pick(rnd, []string{"example.nl", "example.com", "mail.example.org", "provider.example.net"}))
	if rnd.IntN(3) == 0 {
		cp.Phone = fmt.Sprintf("06-%08d", rnd.IntN(100000000))
	}
	if rnd.IntN(2) == 0 {
		cp.CustomerNumber = fmt.Sprintf("K%08d", i)
	}
	return cp
}

// NewComplaint returns a complaint as Generate registers them, by
// complainant number who (the same number gives the same complainant),
// received at recv: for benchmarks that register on top of a generated
// store. Numbers from 10,000,000 up are never used by Generate.
func NewComplaint(seed uint64, who int, recv time.Time) *klachtdesk.NewComplaint {
	rnd := rand.New(rand.NewPCG(seed^uint64(who), 0x6e6577))
	cp := complainant(who)
	t := textsIn(cp.Language)
	n := &klachtdesk.NewComplaint{
		Channel: klachtdesk.ChannelEmail, ReceivedAt: recv, Complainant: cp, Kind: klachtdesk.KindService,
		Severity: klachtdesk.SeverityNormal, Subject: pick(rnd, t.subjects),
		Description: pick(rnd, t.complaint) + "\n\n" + pick(rnd, t.complaint),
	}
	n.Subtype = pick(rnd, klachtdesk.Subtypes[n.Kind])
	return n
}
