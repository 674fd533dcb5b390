package main

import (
	"container/heap"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

var demoCommand = &command{
	name:     "demo",
	synopsis: "fill an empty store with realistic demo complaints",
	usage: `Usage: klachtdesk demo [--count 300] [--seed 1]

Fills an empty store with about --count realistic complaints in Dutch and
English, spread over the last 30 months, in every state (received,
acknowledged, in_treatment, awaiting_info, answered, referred, closed with
each close reason, anonymised); some extended, escalated, overdue, under
legal hold or with a late notice. It creates a few handler users with Dutch
names (with one random password, printed) and makes some of them employees
concerned by complaints. On a store without users it first creates the
administrator and prints its credentials, as the first serve would have.

Every change goes through the procedure's rules and the audit trail, with
the store's clock set to a simulated time moving forward from 30 months ago.
The same --seed gives the same data (relative to today).

Demo data goes into an empty store only: when the store already holds
complaints, demo refuses and changes nothing. Use a new --data folder.
`,
	flags: func(m *Main, fs *flag.FlagSet) {
		fs.IntVar(&m.opts.count, "count", 300, "number of complaints")
		fs.Uint64Var(&m.opts.seed, "seed", 1, "seed of the random generator")
	},
	store: storeWrite,
	run:   (*Main).runDemo,
}

// maxDemoCount bounds --count: the demo is for trying Klachtdesk out, not a
// load test.
const maxDemoCount = 5000

func (m *Main) runDemo(ctx context.Context) error {
	if m.opts.count < 1 || m.opts.count > maxDemoCount {
		return usagef("demo: --count must be from 1 to %d, not %d", maxDemoCount, m.opts.count)
	}
	if _, total, err := m.ComplaintService.FindComplaints(ctx, klachtdesk.ComplaintFilter{Limit: 1}); err != nil {
		return fmt.Errorf("count complaints: %w", err)
	} else if total > 0 {
		return fmt.Errorf("the store in %s already holds %d complaints: demo data goes into an empty store only (use a new --data folder)", m.Config.DataDir, total)
	}
	settings, err := m.SettingsService.Settings(ctx)
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}

	// The store's clock runs simulated time while the demo writes, so every
	// timestamp and deadline is what it would have been; it is restored
	// afterwards.
	realNow := m.DB.Now()
	clock := &simClock{}
	orig := m.DB.Now
	m.DB.Now = clock.Now
	defer func() { m.DB.Now = orig }()
	// Demo complainants are made up: their complaints get no letters,
	// which a configured SMTP server would otherwise send one day.
	letters := m.ComplaintService.Letters
	m.ComplaintService.Letters = nil
	defer func() { m.ComplaintService.Letters = letters }()

	g := &demoGen{
		m:        m,
		rnd:      rand.New(rand.NewPCG(m.opts.seed, m.opts.seed^0x6b6c61636874)),
		clock:    clock,
		now:      realNow,
		start:    realNow.AddDate(0, -30, 0),
		settings: settings,
		loc:      settings.Location(),
		cal:      klachtdesk.NewCalendar(settings),
	}
	clock.set(g.start)
	// Demo users would make the first serve skip creating the
	// administrator; create it now, as serve would have.
	if err := m.bootstrapAdmin(ctx, ""); err != nil {
		return err
	}
	password := generatePassword(20)
	if err := g.createStaff(ctx, password); err != nil {
		return err
	}
	if err := g.run(ctx, m.opts.count); err != nil {
		return err
	}
	m.DB.Now = orig
	return m.demoSummary(ctx, settings, password)
}

// simClock is the simulated time the store reads while the demo writes.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the simulated time.
func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *simClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// demoGen generates the demo data.
type demoGen struct {
	m        *Main
	rnd      *rand.Rand
	clock    *simClock
	now      time.Time // the real now: simulated time stops here
	start    time.Time
	settings klachtdesk.Settings
	loc      *time.Location
	cal      klachtdesk.Calendar

	lead     *klachtdesk.User   // team lead, who assigns
	handlers []*klachtdesk.User // may handle complaints
	staff    []*klachtdesk.User // complaints may be about them
	serial   int                // for order, invoice and ticket numbers
}

// route constraints of a scenario.
const (
	anyRoute = iota
	internalRoute
	mediatorRoute
)

// scenario is a path through the procedure a demo complaint takes, and the
// age window (days before today it was received) in which that path fits.
type scenario struct {
	name           string
	weight         int
	minAge, maxAge float64
	route          int
	plan           func(g *demoGen, d *demoCase) []demoStep
}

// demoCase is one complaint on its way through the simulation.
type demoCase struct {
	index    int
	scenario *scenario
	n        *klachtdesk.NewComplaint
	c        *klachtdesk.Complaint // as last returned by the store
	handler  *klachtdesk.User
	reviewer *klachtdesk.User

	// features of the path
	extend, consent, escalate, info, legalHold, lateNotice bool

	steps []demoStep
	next  int       // index of the next step; -1 before registration
	at    time.Time // when the next step happens
}

// demoStep is one action at a time that depends on the complaint so far.
type demoStep struct {
	when func(d *demoCase, prev time.Time) time.Time
	// act returns the action and the acting user (nil: the system), or a
	// nil action to skip the step.
	act func(d *demoCase) (klachtdesk.Action, *klachtdesk.User)
}

// scenarios, the mandatory ones first: the first complaints of every run
// take each of these once, so even a small --count covers every state.
var scenarios = []*scenario{
	{name: "received", weight: 2, minAge: 0.05, maxAge: 1.2, plan: (*demoGen).planNone},
	{name: "acknowledged", weight: 3, minAge: 0.5, maxAge: 4, plan: (*demoGen).planAcknowledged},
	{name: "in_treatment", weight: 5, minAge: 6, maxAge: 11, route: internalRoute, plan: (*demoGen).planInTreatment},
	{name: "awaiting_info", weight: 3, minAge: 8, maxAge: 24, route: internalRoute, plan: (*demoGen).planAwaitingInfo},
	{name: "overdue", weight: 3, minAge: 20, maxAge: 45, route: internalRoute, plan: (*demoGen).planOverdue},
	{name: "extended", weight: 3, minAge: 13, maxAge: 30, route: internalRoute, plan: (*demoGen).planExtended},
	{name: "answered", weight: 4, minAge: 10, maxAge: 26, route: internalRoute, plan: (*demoGen).planAnswered},
	{name: "referred", weight: 4, minAge: 4, maxAge: 300, route: mediatorRoute, plan: (*demoGen).planReferred},
	{name: "closed_accepted", weight: 24, minAge: 40, maxAge: 700, route: internalRoute, plan: (*demoGen).planClosedAccepted},
	{name: "closed_no_response", weight: 12, minAge: 45, maxAge: 700, route: internalRoute, plan: (*demoGen).planClosedNoResponse},
	{name: "closed_external", weight: 5, minAge: 170, maxAge: 700, route: mediatorRoute, plan: (*demoGen).planClosedExternal},
	{name: "closed_lapsed", weight: 2, minAge: 420, maxAge: 700, route: mediatorRoute, plan: (*demoGen).planClosedLapsed},
	{name: "closed_not_admissible", weight: 6, minAge: 10, maxAge: 700, plan: (*demoGen).planNotAdmissible},
	{name: "closed_withdrawn", weight: 5, minAge: 10, maxAge: 700, plan: (*demoGen).planWithdrawn},
	{name: "anonymised", weight: 8, minAge: 800, maxAge: 905, route: internalRoute, plan: (*demoGen).planClosedAccepted},
	{name: "legal_hold", weight: 2, minAge: 800, maxAge: 905, route: internalRoute, plan: (*demoGen).planLegalHold},
	{name: "reopened", weight: 4, minAge: 50, maxAge: 700, route: internalRoute, plan: (*demoGen).planReopened},
	// Not mandatory: fills the months between the recent and the
	// anonymised complaints; old enough ones get anonymised on the way.
	{name: "old", weight: 9, minAge: 700, maxAge: 800, plan: (*demoGen).planOld},
}

// mandatoryScenarios is how many of scenarios every run covers first.
const mandatoryScenarios = 17

func (g *demoGen) createStaff(ctx context.Context, password string) error {
	for i, s := range demoStaff {
		u := &klachtdesk.User{Username: s.username, Name: s.name, Role: s.role, Active: true,
			Email: s.username + "@actwebservice.example.nl"}
		err := g.m.UserService.CreateUser(ctx, u, password)
		if klachtdesk.ErrorCode(err) == klachtdesk.ECONFLICT {
			if u, err = g.m.UserService.FindUserByUsername(ctx, s.username); err != nil {
				return fmt.Errorf("demo user %s: %w", s.username, err)
			}
		} else if err != nil {
			return fmt.Errorf("create demo user %s: %w", s.username, err)
		}
		if i == 0 {
			g.lead = u
		}
		if u.Role == klachtdesk.RoleHandler {
			g.handlers = append(g.handlers, u)
		}
		if i > 0 {
			g.staff = append(g.staff, u)
		}
	}
	return nil
}

// run registers count complaints and carries each along its path, all in
// the order of simulated time.
func (g *demoGen) run(ctx context.Context, count int) error {
	queue := &demoQueue{}
	total := 0
	for _, s := range scenarios {
		total += s.weight
	}
	for i := range count {
		var s *scenario
		if i < mandatoryScenarios {
			s = scenarios[i]
		} else {
			r := g.rnd.IntN(total)
			for _, sc := range scenarios {
				if r -= sc.weight; r < 0 {
					s = sc
					break
				}
			}
		}
		d := g.newCase(i, s, i < mandatoryScenarios)
		heap.Push(queue, d)
	}
	for queue.Len() > 0 {
		d := heap.Pop(queue).(*demoCase)
		g.clock.set(d.at)
		if err := g.advance(ctx, d); err != nil {
			return err
		}
		if g.schedule(d) {
			heap.Push(queue, d)
		}
	}
	return nil
}

// advance performs the case's next step at the current simulated time.
func (g *demoGen) advance(ctx context.Context, d *demoCase) error {
	if d.next < 0 {
		c, err := g.m.ComplaintService.CreateComplaint(ctx, d.n)
		if err != nil {
			return fmt.Errorf("demo: register complaint %d (%s): %w", d.index, d.scenario.name, err)
		}
		d.c = c
		d.next = 0
		d.steps = d.scenario.plan(g, d)
		return g.addMessage(ctx, d)
	}
	step := d.steps[d.next]
	d.next++
	action, actor := step.act(d)
	if action == nil {
		return nil
	}
	actx := ctx
	if actor != nil {
		actx = klachtdesk.NewContextWithUser(ctx, actor)
	}
	c, err := g.m.ComplaintService.Act(actx, d.c.Reference, action)
	if err != nil {
		return fmt.Errorf("demo: %s on %s (%s) at %s: %w", action.EventKind(), d.c.Reference, d.scenario.name,
			g.clock.Now().In(g.loc).Format("2006-01-02 15:04"), err)
	}
	d.c = c
	return nil
}

// schedule sets when the case's next step happens and reports whether there
// is one before the real now.
func (g *demoGen) schedule(d *demoCase) bool {
	if d.next >= len(d.steps) {
		return false
	}
	t := d.steps[d.next].when(d, d.at)
	if !t.After(d.at) {
		t = d.at.Add(time.Duration(5+g.rnd.IntN(85)) * time.Minute)
	}
	if t.After(g.now) {
		return false
	}
	d.at = t
	return true
}

// demoQueue orders cases by the time of their next step.
type demoQueue []*demoCase

func (q demoQueue) Len() int { return len(q) }
func (q demoQueue) Less(i, j int) bool {
	if q[i].at.Equal(q[j].at) {
		return q[i].index < q[j].index
	}
	return q[i].at.Before(q[j].at)
}
func (q demoQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *demoQueue) Push(x any)   { *q = append(*q, x.(*demoCase)) }
func (q *demoQueue) Pop() any {
	old := *q
	d := old[len(old)-1]
	*q = old[:len(old)-1]
	return d
}

// pick returns a random element of list.
func pick[T any](g *demoGen, list []T) T { return list[g.rnd.IntN(len(list))] }

// chance returns true with probability p.
func (g *demoGen) chance(p float64) bool { return g.rnd.Float64() < p }

// newCase makes up a complaint for scenario s. A mandatory case gets the
// feature its scenario is there to show.
func (g *demoGen) newCase(i int, s *scenario, mandatory bool) *demoCase {
	d := &demoCase{index: i, scenario: s, next: -1}
	lang := klachtdesk.LanguageDutch
	if g.chance(0.25) {
		lang = klachtdesk.LanguageEnglish
	}
	texts := demoLanguage[lang]

	// Route decides kind and customer type: only a consumer's product
	// complaint goes to the mediator.
	kind, ctype := klachtdesk.KindService, klachtdesk.Consumer
	route := s.route
	if route == anyRoute {
		route = internalRoute
		if g.chance(0.2) {
			route = mediatorRoute
		}
	}
	if route == mediatorRoute {
		kind = klachtdesk.KindProduct
	} else {
		if g.chance(0.25) {
			kind, ctype = klachtdesk.KindProduct, klachtdesk.Business
		} else if g.chance(0.25) {
			ctype = klachtdesk.Business
		}
	}
	subtype := g.subtype(kind)
	if s.name == "referred" && mandatory {
		subtype = "defect"
	}

	received := g.receivedAt(s, mandatory)
	channel := pick(g, []klachtdesk.Channel{klachtdesk.ChannelEmail, klachtdesk.ChannelEmail, klachtdesk.ChannelEmail,
		klachtdesk.ChannelWebform, klachtdesk.ChannelWebform, klachtdesk.ChannelLetter})
	if channel == klachtdesk.ChannelLetter {
		// A letter is recorded by the day the post delivered it.
		day := g.cal.WorkingDayOnOrBefore(klachtdesk.DateOf(received, g.loc))
		received = time.Date(day.Year, day.Month, day.Day, 10+g.rnd.IntN(3), g.rnd.IntN(60), 0, 0, g.loc)
		if received.After(g.now.Add(-30 * time.Minute)) {
			channel = klachtdesk.ChannelEmail
			received = g.now.Add(-time.Duration(30+g.rnd.IntN(120)) * time.Minute)
		}
	}
	receipt := klachtdesk.DateOf(received, g.loc)

	key := string(kind) + "/" + subtype
	about := pick(g, texts.complaints[key])
	product := g.product(subtype == "software", about.product)
	serial := fmt.Sprintf("%s%06d", product.serialPrefix, g.rnd.IntN(1_000_000))
	complainant, signer := g.complainant(lang, ctype)
	fill := g.filler(lang, receipt, product.name)
	subject := fill(pick(g, about.subjects))
	var body strings.Builder
	body.WriteString(pick(g, texts.openers) + "\n\n")
	body.WriteString(fill(about.problem))
	if g.chance(0.7) {
		body.WriteString(" " + pick(g, texts.impacts))
	}
	remedy := pick(g, texts.remedies[kind])
	if g.chance(0.5) {
		body.WriteString(" " + remedy)
	}
	body.WriteString("\n\n" + pick(g, texts.closings) + "\n" + signer)

	n := &klachtdesk.NewComplaint{
		Channel:      channel,
		ReceivedAt:   received,
		Complainant:  complainant,
		Kind:         kind,
		Subtype:      subtype,
		Subject:      subject,
		Description:  body.String(),
		RemedySought: remedy,
		Severity:     pick(g, []klachtdesk.Severity{klachtdesk.SeverityLow, klachtdesk.SeverityNormal, klachtdesk.SeverityNormal, klachtdesk.SeverityNormal, klachtdesk.SeverityHigh}),
	}
	if kind == klachtdesk.KindProduct {
		n.ProductRef = product.name + ", serienummer " + serial
		if lang == klachtdesk.LanguageEnglish {
			n.ProductRef = product.name + ", serial number " + serial
		}
		n.Discovered = receipt.AddDays(-g.rnd.IntN(25))
		// BW 7:23: some consumers report a defect months after they found
		// it; Klachtdesk flags that (and never refuses).
		if subtype == "defect" && ctype == klachtdesk.Consumer && (mandatory && s.name == "referred" || g.chance(0.35)) {
			n.Discovered = receipt.AddDays(-75 - g.rnd.IntN(150))
			d.lateNotice = true
		}
	}
	if g.chance(0.2) {
		n.InformalContact = pick(g, texts.informal)
	}
	// Complaints about someone's conduct or communication name them.
	if kind == klachtdesk.KindService && (subtype == "conduct" || subtype == "communication") && g.chance(0.6) {
		n.ConcernedEmployees = []int64{pick(g, g.staff).ID}
	}
	d.n = n

	var free []*klachtdesk.User
	for _, h := range g.handlers {
		if !slices.Contains(n.ConcernedEmployees, h.ID) {
			free = append(free, h)
		}
	}
	d.handler = pick(g, free)
	for _, h := range free {
		if h != d.handler && (d.reviewer == nil || g.chance(0.4)) {
			d.reviewer = h
		}
	}

	d.info = g.chance(0.25)
	d.extend = g.chance(0.15)
	d.consent = g.chance(0.2)
	d.escalate = g.chance(0.12)
	d.legalHold = g.chance(0.03)
	if mandatory {
		switch s.name {
		case "overdue":
			d.escalate = true
		case "closed_accepted":
			d.extend = true
		}
	}
	d.at = received.Add(time.Duration(2+g.rnd.IntN(40)) * time.Minute)
	if channel == klachtdesk.ChannelLetter {
		d.at = received.Add(time.Duration(60+g.rnd.IntN(240)) * time.Minute)
	}
	if d.at.After(g.now) {
		d.at = g.now
	}
	return d
}

// product returns the product named, or draws a software or hardware one.
func (g *demoGen) product(software bool, name string) demoProduct {
	var fit []demoProduct
	for _, p := range demoProducts {
		if p.name == name {
			return p
		}
		if p.software == software {
			fit = append(fit, p)
		}
	}
	return pick(g, fit)
}

// subtype draws a subtype of kind, "other" seldom.
func (g *demoGen) subtype(kind klachtdesk.Kind) string {
	subs := klachtdesk.Subtypes[kind]
	if g.chance(0.05) {
		return "other"
	}
	var named []string
	for _, s := range subs {
		if s != "other" {
			named = append(named, s)
		}
	}
	return pick(g, named)
}

// receivedAt draws the instant a complaint of scenario s was received,
// e-mail and web forms at any hour but mostly by day. A mandatory case is
// among the oldest of its window, so that its whole path fits before today
// whatever weekends and holidays lie in between.
func (g *demoGen) receivedAt(s *scenario, mandatory bool) time.Time {
	lo := s.minAge
	if mandatory {
		lo = s.maxAge - 0.2*(s.maxAge-s.minAge)
	}
	age := lo + g.rnd.Float64()*(s.maxAge-lo)
	t := g.now.Add(-time.Duration(age * float64(24*time.Hour)))
	day := klachtdesk.DateOf(t, g.loc)
	hour := 7 + g.rnd.IntN(16)
	if g.chance(0.1) {
		hour = g.rnd.IntN(7)
	}
	r := time.Date(day.Year, day.Month, day.Day, hour, g.rnd.IntN(60), g.rnd.IntN(60), 0, g.loc)
	if latest := g.now.Add(-10 * time.Minute); r.After(latest) {
		r = latest.Add(-time.Duration(g.rnd.IntN(90)) * time.Minute)
	}
	if r.Before(g.start) {
		r = g.start.Add(time.Hour)
	}
	return r
}

// complainant makes up a person or business, and the person who signs.
func (g *demoGen) complainant(lang klachtdesk.Language, ctype klachtdesk.CustomerType) (klachtdesk.Complainant, string) {
	first, last := pick(g, dutchFirstNames), pick(g, dutchLastNames)
	if lang == klachtdesk.LanguageEnglish {
		first, last = pick(g, englishFirstNames), pick(g, englishLastNames)
	}
	name := first + " " + last
	domain := pick(g, []string{"example.nl", "example.com", "mail.example.org"})
	email := strings.ToLower(emailPart(first) + "." + emailPart(last) + "@" + domain)
	if ctype == klachtdesk.Business {
		company := pick(g, businessNames) + pick(g, businessSuffixes)
		if lang == klachtdesk.LanguageEnglish {
			company = pick(g, englishBusinesses)
		}
		name = company + " (t.a.v. " + first + " " + last + ")"
		if lang == klachtdesk.LanguageEnglish {
			name = company + " (attn. " + first + " " + last + ")"
		}
		// first.last@company keeps different people of one company apart:
		// the store matches complainants by e-mail address.
		email = strings.ToLower(emailPart(first)+"."+emailPart(last)) + "@" + strings.ToLower(emailPart(strings.Fields(company)[0])) + ".example.nl"
	}
	c := klachtdesk.Complainant{
		Name:     name,
		Email:    email,
		Type:     ctype,
		Language: lang,
		Phone:    fmt.Sprintf("06-%08d", g.rnd.IntN(100_000_000)),
	}
	if g.chance(0.7) {
		c.CustomerNumber = fmt.Sprintf("KN-%06d", 100000+g.rnd.IntN(900000))
	}
	if g.chance(0.5) {
		c.PostalAddress = fmt.Sprintf("%s %d, %04d %c%c %s", pick(g, dutchStreets), 1+g.rnd.IntN(180),
			1000+g.rnd.IntN(8999), 'A'+rune(g.rnd.IntN(26)), 'A'+rune(g.rnd.IntN(26)), pick(g, dutchCities))
	}
	return c, first + " " + last
}

// emailPart keeps the letters of a name usable in an e-mail address.
func emailPart(s string) string {
	r := strings.NewReplacer("ş", "s", "ı", "i", "ç", "c", "ö", "o", "ü", "u", "é", "e", "ë", "e", "'", "", " ", "", "!", "")
	return r.Replace(strings.ToLower(s))
}

// filler returns a function filling a fragment's placeholders.
func (g *demoGen) filler(lang klachtdesk.Language, receipt klachtdesk.Date, product string) func(string) string {
	g.serial++
	// {date} lies shortly before receipt and {days} is the time since, so
	// "handed in on {date}, nothing heard after {days} days" adds up.
	past := receipt.AddDays(-4 - g.rnd.IntN(18))
	var date string
	if lang == klachtdesk.LanguageDutch {
		date = fmt.Sprintf("%d %s", past.Day, dutchMonths[past.Month-1])
	} else {
		date = fmt.Sprintf("%d %s", past.Day, past.Month)
	}
	r := strings.NewReplacer(
		"{product}", product,
		"{date}", date,
		"{days}", fmt.Sprint(past.DaysUntil(receipt)),
		"{order}", fmt.Sprintf("ORD-%d-%05d", receipt.Year, 10000+g.serial*7%89999),
		"{invoice}", fmt.Sprintf("F%d-%04d", receipt.Year, 1000+g.serial*13%8999),
		"{ticket}", fmt.Sprintf("#%d", 40000+g.serial*3),
		"{amount}", fmt.Sprintf("%d,%02d", 25+g.rnd.IntN(900), g.rnd.IntN(100)),
	)
	return r.Replace
}

var dutchMonths = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// addMessage stores the complaint as it came in, with an attachment now and
// then.
func (g *demoGen) addMessage(ctx context.Context, d *demoCase) error {
	n := d.n
	msg := &klachtdesk.Message{
		Direction: klachtdesk.Inbound,
		Channel:   n.Channel,
		From:      n.Complainant.Email,
		To:        g.settings.ComplaintEmail,
		Subject:   n.Subject,
		Text:      n.Description,
		At:        n.ReceivedAt,
	}
	switch n.Channel {
	case klachtdesk.ChannelEmail:
		msg.MessageID = fmt.Sprintf("<demo-%d-%d@mail.example.nl>", d.index, n.ReceivedAt.Unix())
	case klachtdesk.ChannelLetter:
		msg.From = n.Complainant.Name
	}
	var files []klachtdesk.NewAttachment
	if g.chance(0.25) {
		name := pick(g, []string{"foto-defect.jpg", "factuur.pdf", "schermafbeelding.png", "aankoopbewijs.pdf"})
		files = append(files, klachtdesk.NewAttachment{
			Filename:    name,
			ContentType: "application/octet-stream",
			Content:     strings.NewReader("Klachtdesk demo attachment " + name + " of " + d.c.Reference + "\n"),
		})
	}
	if err := g.m.MessageService.AddMessage(ctx, d.c.Reference, msg, files); err != nil {
		return fmt.Errorf("demo: add message to %s: %w", d.c.Reference, err)
	}
	return nil
}

// Times of steps.

// office returns a time during office hours on date.
func (g *demoGen) office(date klachtdesk.Date) time.Time {
	minute := 8*60 + 30 + g.rnd.IntN(8*60+30)
	return time.Date(date.Year, date.Month, date.Day, minute/60, minute%60, g.rnd.IntN(60), 0, g.loc)
}

// workday returns date, or the next working day after it.
func (g *demoGen) workday(date klachtdesk.Date) klachtdesk.Date {
	for !g.cal.IsWorkingDay(date) {
		date = date.AddDays(1)
	}
	return date
}

// localDate is the organisation's date of t.
func (g *demoGen) localDate(t time.Time) klachtdesk.Date { return klachtdesk.DateOf(t, g.loc) }

// today is the simulated date.
func (g *demoGen) today() klachtdesk.Date { return g.localDate(g.clock.Now()) }

// days returns a step time lo to hi days after prev, during office hours on
// a working day.
func (g *demoGen) days(lo, hi int) func(d *demoCase, prev time.Time) time.Time {
	return func(d *demoCase, prev time.Time) time.Time {
		return g.office(g.workday(g.localDate(prev).AddDays(lo + g.rnd.IntN(hi-lo+1))))
	}
}

// onDate returns a step time during office hours on the working day on or
// after the date date returns.
func (g *demoGen) onDate(date func(d *demoCase) klachtdesk.Date, lo, hi int) func(d *demoCase, prev time.Time) time.Time {
	return func(d *demoCase, prev time.Time) time.Time {
		return g.office(g.workday(date(d).AddDays(lo + g.rnd.IntN(hi-lo+1))))
	}
}

// between returns a step time on a working day from the day after prev up to
// last, or right after prev when that window is closed.
func (g *demoGen) between(last func(d *demoCase) klachtdesk.Date) func(d *demoCase, prev time.Time) time.Time {
	return func(d *demoCase, prev time.Time) time.Time {
		first := g.localDate(prev).AddDays(1)
		end := last(d)
		if end.Before(first) {
			return g.office(g.workday(first))
		}
		day := first.AddDays(g.rnd.IntN(first.DaysUntil(end) + 1))
		if !g.cal.IsWorkingDay(day) {
			day = g.cal.WorkingDayOnOrBefore(day)
			if day.Before(first) {
				day = g.workday(first)
			}
		}
		return g.office(day)
	}
}

// Steps.

// acknowledge sends M1, which goes out at once on registration.
func (g *demoGen) acknowledge() demoStep {
	return demoStep{when: func(d *demoCase, prev time.Time) time.Time {
		return prev.Add(time.Duration(1+g.rnd.IntN(20)) * time.Minute)
	}, act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.Acknowledge{}, nil
	}}
}

func (g *demoGen) assign() demoStep {
	return demoStep{when: g.days(0, 1), act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.Assign{HandlerID: d.handler.ID}, g.lead
	}}
}

func (g *demoGen) startTreatment() demoStep {
	return demoStep{when: g.days(0, 2), act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.StartTreatment{}, d.handler
	}}
}

func (g *demoGen) requestInfo() demoStep {
	return demoStep{when: g.days(1, 3), act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.RequestInfo{Question: pick(g, demoLanguage[d.n.Complainant.Language].questions)}, d.handler
	}}
}

func (g *demoGen) receiveInfo() demoStep {
	return demoStep{when: g.days(2, 6), act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.ReceiveInfo{}, d.handler
	}}
}

// extend announces an extension a few days before answer_due, never after
// it (the rule refuses a late extension).
func (g *demoGen) extend() demoStep {
	return demoStep{
		when: g.between(func(d *demoCase) klachtdesk.Date { return d.c.AnswerDue.Date.AddDays(-1) }),
		act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
			due := d.c.AnswerDue.Date
			if g.today().After(due) || d.c.Extended {
				return nil, nil
			}
			x := klachtdesk.Extension{Reason: pick(g, demoLanguage[d.n.Complainant.Language].extensionWhy)}
			if span := g.settings.ExtensionMaxDays - 6; span > 0 {
				x.Promised = due.AddDays(7 + g.rnd.IntN(span))
			}
			if d.consent || x.Promised.IsZero() {
				// With the complainant's recorded consent the promised date
				// may lie beyond the usual limit.
				x.Consent = true
				x.Promised = due.AddDays(g.settings.ExtensionMaxDays + 3 + g.rnd.IntN(14))
			}
			return klachtdesk.Extend{Extension: x}, d.handler
		},
	}
}

// escalate is the deadline job flagging a complaint near its act_by.
func (g *demoGen) escalate() demoStep {
	return demoStep{
		when: g.onDate(func(d *demoCase) klachtdesk.Date {
			return klachtdesk.EscalateOn(d.c.ActBy.Date, g.settings, g.cal)
		}, 0, 0),
		act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
			switch d.c.State {
			case klachtdesk.StateReceived, klachtdesk.StateAcknowledged, klachtdesk.StateInTreatment, klachtdesk.StateAwaitingInfo:
				if !d.c.Escalated && !d.c.Extended {
					return klachtdesk.Escalate{}, nil
				}
			}
			return nil, nil
		},
	}
}

// decide answers on time (before act_by, or the promised date when
// extended), or late after an escalation.
func (g *demoGen) decide(late bool) demoStep {
	when := g.between(func(d *demoCase) klachtdesk.Date {
		if d.c.Extended {
			return d.c.PromisedDate.Date.AddDays(-1)
		}
		return d.c.ActBy.Date
	})
	if late {
		when = g.onDate(func(d *demoCase) klachtdesk.Date { return d.c.ActBy.Date }, 3, 12)
	}
	return demoStep{when: when, act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
		texts := demoLanguage[d.n.Complainant.Language]
		finding := pick(g, []klachtdesk.Finding{klachtdesk.FindingFounded, klachtdesk.FindingFounded,
			klachtdesk.FindingPartlyFounded, klachtdesk.FindingPartlyFounded, klachtdesk.FindingUnfounded})
		fill := g.filler(d.n.Complainant.Language, g.today(), "")
		dec := klachtdesk.Decision{Finding: finding, Motivation: pick(g, texts.motivations[finding])}
		if finding != klachtdesk.FindingUnfounded {
			types := []string{"apology", "compensation", "service_credit", "process_change"}
			if d.n.Kind == klachtdesk.KindProduct {
				types = []string{"repair", "replacement", "refund", "compensation"}
			}
			dec.SettlementType = pick(g, types)
			dec.Settlement = fill(pick(g, texts.settlements[dec.SettlementType]))
		}
		return klachtdesk.Decide{Decision: dec}, d.handler
	}}
}

func (g *demoGen) closeAccepted() demoStep {
	return demoStep{when: g.days(1, 10), act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.Close{Reason: klachtdesk.CloseAccepted, Detail: pick(g, demoLanguage[d.n.Complainant.Language].acceptedNotes)}, d.handler
	}}
}

// closeNoResponse is the deadline job closing after the reaction term.
func (g *demoGen) closeNoResponse() demoStep {
	return demoStep{
		when: g.onDate(func(d *demoCase) klachtdesk.Date { return d.c.ReactionDue.Date }, 1, 4),
		act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
			return klachtdesk.Close{Reason: klachtdesk.CloseNoResponse}, nil
		},
	}
}

func (g *demoGen) reopen() demoStep {
	return demoStep{when: g.days(2, 8), act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
		a := klachtdesk.Reopen{Reason: pick(g, demoLanguage[d.n.Complainant.Language].reopenReasons)}
		if d.reviewer != nil {
			a.ReviewerID = d.reviewer.ID
			d.handler = d.reviewer
		}
		return a, g.lead
	}}
}

func (g *demoGen) refer() demoStep {
	return demoStep{when: g.days(0, 2), act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
		a := klachtdesk.Refer{}
		if g.chance(0.5) {
			a.ExternalRef = fmt.Sprintf("ICTW-%d-%04d", g.today().Year, 100+g.rnd.IntN(9000))
		}
		return a, d.handler
	}}
}

func (g *demoGen) closeExternal() demoStep {
	return demoStep{when: g.days(30, 150), act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
		fill := g.filler(d.n.Complainant.Language, g.today(), "")
		return klachtdesk.Close{Reason: klachtdesk.CloseExternalOutcome, Detail: fill(pick(g, demoLanguage[d.n.Complainant.Language].externalOutcome))}, d.handler
	}}
}

// closeLapsed is the deadline job closing a referral without outcome after
// the watch period.
func (g *demoGen) closeLapsed() demoStep {
	return demoStep{
		when: g.onDate(func(d *demoCase) klachtdesk.Date {
			return klachtdesk.ReferralLapses(g.localDate(d.c.ReferredAt), g.settings)
		}, 1, 20),
		act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
			return klachtdesk.Close{Reason: klachtdesk.CloseReferralLapsed}, nil
		},
	}
}

func (g *demoGen) closeNotAdmissible() demoStep {
	return demoStep{when: g.days(0, 3), act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.Close{Reason: klachtdesk.CloseNotAdmissible, Detail: pick(g, klachtdesk.InadmissibleReasons)}, g.lead
	}}
}

func (g *demoGen) closeWithdrawn() demoStep {
	return demoStep{when: g.days(1, 10), act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.Close{Reason: klachtdesk.CloseWithdrawn, Detail: pick(g, demoLanguage[d.n.Complainant.Language].withdrawnNotes)}, d.handler
	}}
}

func (g *demoGen) setLegalHold(lo, hi int) demoStep {
	return demoStep{when: g.days(lo, hi), act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
		if d.c.LegalHold || d.c.State == klachtdesk.StateAnonymised {
			return nil, nil
		}
		return klachtdesk.SetLegalHold{On: true, Reason: pick(g, demoLanguage[d.n.Complainant.Language].legalHoldWhy)}, g.lead
	}}
}

// anonymise is the nightly retention job.
func (g *demoGen) anonymise() demoStep {
	return demoStep{
		when: func(d *demoCase, prev time.Time) time.Time {
			day := d.c.RetentionUntil.Date.AddDays(g.rnd.IntN(10))
			return time.Date(day.Year, day.Month, day.Day, 2, g.rnd.IntN(60), 0, 0, g.loc)
		},
		act: func(d *demoCase) (klachtdesk.Action, *klachtdesk.User) {
			if d.c.LegalHold || d.c.State != klachtdesk.StateClosed || d.c.RetentionUntil.IsZero() || g.today().Before(d.c.RetentionUntil.Date) {
				return nil, nil
			}
			return klachtdesk.Anonymise{}, nil
		},
	}
}

// Plans.

func (g *demoGen) planNone(d *demoCase) []demoStep { return nil }

func (g *demoGen) planAcknowledged(d *demoCase) []demoStep {
	steps := []demoStep{g.acknowledge()}
	if g.chance(0.5) && d.c.Route == klachtdesk.RouteInternal {
		steps = append(steps, g.assign())
	}
	return steps
}

// treatment is acknowledgement, assignment and the start of treatment.
func (g *demoGen) treatment() []demoStep {
	return []demoStep{g.acknowledge(), g.assign(), g.startTreatment()}
}

func (g *demoGen) planInTreatment(d *demoCase) []demoStep {
	return g.withLegalHold(d, g.treatment())
}

func (g *demoGen) planAwaitingInfo(d *demoCase) []demoStep {
	return append(g.treatment(), g.requestInfo())
}

func (g *demoGen) planOverdue(d *demoCase) []demoStep {
	steps := g.treatment()
	if d.info {
		steps = append(steps, g.requestInfo(), g.receiveInfo())
	}
	if d.escalate {
		steps = append(steps, g.escalate())
	}
	return steps
}

func (g *demoGen) planExtended(d *demoCase) []demoStep {
	return append(g.treatment(), g.extend())
}

// decided is treatment up to the decision, with the case's features: a
// request for information, an extension, or an escalation and a late answer.
func (g *demoGen) decided(d *demoCase) []demoStep {
	steps := g.treatment()
	if d.info {
		steps = append(steps, g.requestInfo(), g.receiveInfo())
	}
	switch {
	case d.extend:
		steps = append(steps, g.extend(), g.decide(false))
	case d.escalate:
		steps = append(steps, g.escalate(), g.decide(true))
	default:
		steps = append(steps, g.decide(false))
	}
	return steps
}

func (g *demoGen) planAnswered(d *demoCase) []demoStep {
	return append(g.treatment(), g.decide(false))
}

func (g *demoGen) planReferred(d *demoCase) []demoStep {
	return []demoStep{g.acknowledge(), g.refer()}
}

// closed adds what happens after closing: now and then a legal hold, and
// anonymisation when the retention term has passed.
func (g *demoGen) closed(d *demoCase, steps []demoStep) []demoStep {
	if d.legalHold {
		steps = append(steps, g.setLegalHold(1, 60))
	}
	return append(steps, g.anonymise())
}

func (g *demoGen) withLegalHold(d *demoCase, steps []demoStep) []demoStep {
	if d.legalHold {
		steps = append(steps, g.setLegalHold(0, 3))
	}
	return steps
}

func (g *demoGen) planClosedAccepted(d *demoCase) []demoStep {
	return g.closed(d, append(g.decided(d), g.closeAccepted()))
}

func (g *demoGen) planClosedNoResponse(d *demoCase) []demoStep {
	return g.closed(d, append(g.decided(d), g.closeNoResponse()))
}

func (g *demoGen) planClosedExternal(d *demoCase) []demoStep {
	return g.closed(d, []demoStep{g.acknowledge(), g.refer(), g.closeExternal()})
}

func (g *demoGen) planClosedLapsed(d *demoCase) []demoStep {
	return g.closed(d, []demoStep{g.acknowledge(), g.refer(), g.closeLapsed()})
}

func (g *demoGen) planNotAdmissible(d *demoCase) []demoStep {
	var steps []demoStep
	if g.chance(0.6) {
		steps = append(steps, g.acknowledge())
	}
	return g.closed(d, append(steps, g.closeNotAdmissible()))
}

func (g *demoGen) planWithdrawn(d *demoCase) []demoStep {
	steps := []demoStep{g.acknowledge()}
	switch {
	case d.c.Route == klachtdesk.RouteMediator:
	case g.chance(0.5):
		steps = append(steps, g.assign(), g.startTreatment())
	}
	return g.closed(d, append(steps, g.closeWithdrawn()))
}

func (g *demoGen) planLegalHold(d *demoCase) []demoStep {
	d.legalHold = true
	return g.closed(d, append(g.decided(d), g.closeAccepted()))
}

func (g *demoGen) planReopened(d *demoCase) []demoStep {
	steps := append(g.decided(d), g.reopen(), g.decide(false), g.closeAccepted())
	return g.closed(d, steps)
}

func (g *demoGen) planOld(d *demoCase) []demoStep {
	if d.c.Route == klachtdesk.RouteMediator {
		return g.planClosedExternal(d)
	}
	switch g.rnd.IntN(6) {
	case 0:
		return g.planNotAdmissible(d)
	case 1, 2:
		return g.planClosedNoResponse(d)
	}
	return g.planClosedAccepted(d)
}

// demoSummary prints what the store now holds, counted by the store.
func (m *Main) demoSummary(ctx context.Context, settings klachtdesk.Settings, password string) error {
	var all []*klachtdesk.Complaint
	for {
		page, total, err := m.ComplaintService.FindComplaints(ctx, klachtdesk.ComplaintFilter{Offset: len(all), Limit: 100})
		if err != nil {
			return fmt.Errorf("count demo complaints: %w", err)
		}
		all = append(all, page...)
		if len(page) == 0 || len(all) >= total {
			break
		}
	}
	today := klachtdesk.DateOf(m.DB.Now(), settings.Location())
	states := map[klachtdesk.State]int{}
	reasons := map[klachtdesk.CloseReason]int{}
	var extended, escalated, hold, late, overdue, nl, en, business int
	for _, c := range all {
		states[c.State]++
		if c.CloseReason != "" {
			reasons[c.CloseReason]++
		}
		for _, f := range []struct {
			on bool
			n  *int
		}{{c.Extended, &extended}, {c.Escalated, &escalated}, {c.LegalHold, &hold}, {c.LateNotice, &late},
			{c.IsOverdue(today), &overdue}, {c.Language == klachtdesk.LanguageDutch, &nl},
			{c.Language == klachtdesk.LanguageEnglish, &en}, {c.CustomerType == klachtdesk.Business, &business}} {
			if f.on {
				*f.n++
			}
		}
	}
	fmt.Fprintf(m.Stdout, "demo: registered %d complaints (seed %d)\n\n", len(all), m.opts.seed)
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATE\tCOMPLAINTS")
	for _, s := range klachtdesk.States {
		fmt.Fprintf(tw, "%s\t%d\n", s, states[s])
	}
	fmt.Fprintln(tw, "\nCLOSE REASON (closed and anonymised)\tCOMPLAINTS")
	for _, r := range []klachtdesk.CloseReason{klachtdesk.CloseAccepted, klachtdesk.CloseNoResponse, klachtdesk.CloseExternalOutcome,
		klachtdesk.CloseReferralLapsed, klachtdesk.CloseNotAdmissible, klachtdesk.CloseWithdrawn} {
		fmt.Fprintf(tw, "%s\t%d\n", r, reasons[r])
	}
	tw.Flush()
	fmt.Fprintf(m.Stdout, "\nflags: %d extended, %d escalated, %d overdue, %d legal hold, %d late notice\n", extended, escalated, overdue, hold, late)
	fmt.Fprintf(m.Stdout, "languages: %d Dutch, %d English; %d business customers\n", nl, en, business)
	var names []string
	for _, s := range demoStaff {
		names = append(names, s.username)
	}
	fmt.Fprintf(m.Stdout, "demo users: %s\ndemo user password: %s\n", strings.Join(names, ", "), password)
	return nil
}
