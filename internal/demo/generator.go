package demo

import (
	"container/heap"
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// generator generates the demo data.
type generator struct {
	store    Store
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
	plan           func(g *generator, d *journey) []step
}

// journey is one complaint on its way through the simulation.
type journey struct {
	index    int
	scenario *scenario
	n        *klachtdesk.NewComplaint
	c        *klachtdesk.Complaint // as last returned by the store
	handler  *klachtdesk.User
	reviewer *klachtdesk.User

	// features of the path
	extend, consent, escalate, info, legalHold, lateNotice bool

	steps []step
	next  int       // index of the next step; -1 before registration
	at    time.Time // when the next step happens
}

// step is one action at a time that depends on the complaint so far.
type step struct {
	when func(d *journey, prev time.Time) time.Time
	// act returns the action and the acting user (nil: the system), or a
	// nil action to skip the step.
	act func(d *journey) (klachtdesk.Action, *klachtdesk.User)
}

// scenarios, the mandatory ones first: the first complaints of every run
// take each of these once, so even a small count covers every state.
var scenarios = []*scenario{
	{name: "received", weight: 2, minAge: 0.05, maxAge: 1.2, plan: (*generator).planNone},
	{name: "acknowledged", weight: 3, minAge: 0.5, maxAge: 4, plan: (*generator).planAcknowledged},
	{name: "in_treatment", weight: 5, minAge: 6, maxAge: 11, route: internalRoute, plan: (*generator).planInTreatment},
	{name: "awaiting_info", weight: 3, minAge: 8, maxAge: 24, route: internalRoute, plan: (*generator).planAwaitingInfo},
	{name: "overdue", weight: 3, minAge: 20, maxAge: 45, route: internalRoute, plan: (*generator).planOverdue},
	{name: "extended", weight: 3, minAge: 13, maxAge: 30, route: internalRoute, plan: (*generator).planExtended},
	{name: "answered", weight: 4, minAge: 10, maxAge: 26, route: internalRoute, plan: (*generator).planAnswered},
	{name: "referred", weight: 4, minAge: 4, maxAge: 300, route: mediatorRoute, plan: (*generator).planReferred},
	{name: "closed_accepted", weight: 24, minAge: 40, maxAge: 700, route: internalRoute, plan: (*generator).planClosedAccepted},
	{name: "closed_no_response", weight: 12, minAge: 45, maxAge: 700, route: internalRoute, plan: (*generator).planClosedNoResponse},
	{name: "closed_external", weight: 5, minAge: 170, maxAge: 700, route: mediatorRoute, plan: (*generator).planClosedExternal},
	{name: "closed_lapsed", weight: 2, minAge: 420, maxAge: 700, route: mediatorRoute, plan: (*generator).planClosedLapsed},
	{name: "closed_not_admissible", weight: 6, minAge: 10, maxAge: 700, plan: (*generator).planNotAdmissible},
	{name: "closed_withdrawn", weight: 5, minAge: 10, maxAge: 700, plan: (*generator).planWithdrawn},
	{name: "anonymised", weight: 8, minAge: 800, maxAge: 905, route: internalRoute, plan: (*generator).planClosedAccepted},
	{name: "legal_hold", weight: 2, minAge: 800, maxAge: 905, route: internalRoute, plan: (*generator).planLegalHold},
	{name: "reopened", weight: 4, minAge: 50, maxAge: 700, route: internalRoute, plan: (*generator).planReopened},
	// Not mandatory: fills the months between the recent and the
	// anonymised complaints; old enough ones get anonymised on the way.
	{name: "old", weight: 9, minAge: 700, maxAge: 800, plan: (*generator).planOld},
}

// mandatoryScenarios is how many of scenarios every run covers first.
const mandatoryScenarios = 17

// createStaff creates the demo users with password, or finds them when a
// previous run left them.
func (g *generator) createStaff(ctx context.Context, password string) error {
	for i, s := range team {
		u := &klachtdesk.User{Username: s.username, Name: s.name, Role: s.role, Active: true,
			Email: s.username + "@actwebservice.example.nl"}
		err := g.store.Users.CreateUser(ctx, u, password)
		if klachtdesk.ErrorCode(err) == klachtdesk.ECONFLICT {
			if u, err = g.store.Users.FindUserByUsername(ctx, s.username); err != nil {
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
func (g *generator) run(ctx context.Context, count int) error {
	pending := &queue{}
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
		heap.Push(pending, d)
	}
	for pending.Len() > 0 {
		d := heap.Pop(pending).(*journey)
		g.clock.set(d.at)
		if err := g.advance(ctx, d); err != nil {
			return err
		}
		if g.schedule(d) {
			heap.Push(pending, d)
		}
	}
	return nil
}

// advance performs the case's next step at the current simulated time.
func (g *generator) advance(ctx context.Context, d *journey) error {
	if d.next < 0 {
		c, err := g.store.Complaints.CreateComplaint(ctx, d.n)
		if err != nil {
			return fmt.Errorf("demo: register complaint %d (%s): %w", d.index, d.scenario.name, err)
		}
		d.c = c
		d.next = 0
		d.steps = d.scenario.plan(g, d)
		return g.addMessage(ctx, d)
	}
	st := d.steps[d.next]
	d.next++
	action, actor := st.act(d)
	if action == nil {
		return nil
	}
	actx := ctx
	if actor != nil {
		actx = klachtdesk.NewContextWithUser(ctx, actor)
	}
	c, err := g.store.Complaints.Act(actx, d.c.Reference, action)
	if err != nil {
		return fmt.Errorf("demo: %s on %s (%s) at %s: %w", action.EventKind(), d.c.Reference, d.scenario.name,
			g.clock.Now().In(g.loc).Format("2006-01-02 15:04"), err)
	}
	d.c = c
	return nil
}

// schedule sets when the case's next step happens and reports whether there
// is one before the real now.
func (g *generator) schedule(d *journey) bool {
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

// queue orders cases by the time of their next step.
type queue []*journey

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if q[i].at.Equal(q[j].at) {
		return q[i].index < q[j].index
	}
	return q[i].at.Before(q[j].at)
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*journey)) }
func (q *queue) Pop() any {
	old := *q
	d := old[len(old)-1]
	*q = old[:len(old)-1]
	return d
}

// pick returns a random element of list.
func pick[T any](g *generator, list []T) T { return list[g.rnd.IntN(len(list))] }

// chance returns true with probability p.
func (g *generator) chance(p float64) bool { return g.rnd.Float64() < p }
