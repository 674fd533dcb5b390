// Package demo fills an empty store with realistic demo complaints: Dutch and
// English complaints spread over the last 30 months, in every state and with
// every close reason, some extended, escalated, overdue, under legal hold or
// with a late notice, handled by a small team of demo users.
//
// Every change goes through the store's services, so through the procedure's
// rules and the audit trail, with the store's clock running a simulated time
// that moves forward from 30 months ago up to the real now. The same seed gives
// the same data, relative to the day it runs. The klachtdesk demo command, the
// benchmarks and tests use it.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// MaxCount bounds Options.Count: the demo is for trying Klachtdesk out, not a
// load test.
const MaxCount = 5000

// Store is what Generate writes through: the store's services and its clock.
// Every field is required.
type Store struct {
	Complaints klachtdesk.ComplaintService
	Messages   klachtdesk.MessageService
	Settings   klachtdesk.SettingsService
	Users      klachtdesk.UserService

	// Now reads the store's clock (for sqldb, DB.Now). Simulated time ends
	// at what it returns when Generate starts.
	Now func() time.Time
	// SetClock makes the store read the time from now (for sqldb, it
	// assigns DB.Now). Generate installs its simulated clock with it and
	// puts Now back before it returns.
	SetClock func(now func() time.Time)
}

// Options says how much demo data Generate makes and from which seed.
type Options struct {
	// Count is the number of complaints, from 1 to MaxCount.
	Count int
	// Seed seeds the random generator: the same seed gives the same data,
	// relative to today.
	Seed uint64
	// Password is the password of every demo user.
	Password string
	// AtStart, when set, runs once the store's clock reads the simulated
	// start, before the demo users are created; what it writes is dated
	// then, as if it had happened 30 months ago. The demo command creates
	// the first administrator there, as the first serve would have.
	AtStart func(ctx context.Context) error
}

// Result is what the store holds after Generate, counted by the store.
type Result struct {
	// Complaints is the number of complaints.
	Complaints int
	// States counts the complaints by state, CloseReasons the closed and
	// anonymised ones by close reason.
	States       map[klachtdesk.State]int
	CloseReasons map[klachtdesk.CloseReason]int

	// Complaints flagged, each counted once per flag; Overdue is counted on
	// the real today.
	Extended, Escalated, Overdue, LegalHold, LateNotice int
	// Complaints by language, and those of business customers.
	Dutch, English, Business int

	// Usernames are the demo users' user names, team lead first; they all
	// have Password.
	Usernames []string
	Password  string
}

// Generate fills the store, which must hold no complaints, with opts.Count
// demo complaints and the demo users. It refuses a store that already holds
// complaints (ECONFLICT) and a count or password out of bounds (EINVALID),
// changing nothing then. On another error the store keeps what was written
// up to it.
func Generate(ctx context.Context, store Store, opts Options) (*Result, error) {
	if opts.Count < 1 || opts.Count > MaxCount {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "the number of demo complaints must be from 1 to %d, not %d", MaxCount, opts.Count)
	}
	if opts.Password == "" {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "the demo users need a password")
	}
	if _, total, err := store.Complaints.FindComplaints(ctx, klachtdesk.ComplaintFilter{Limit: 1}); err != nil {
		return nil, fmt.Errorf("count complaints: %w", err)
	} else if total > 0 {
		return nil, klachtdesk.Errorf(klachtdesk.ECONFLICT, "the store already holds %d complaints: demo data goes into an empty store only", total)
	}
	settings, err := store.Settings.Settings(ctx)
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}

	// The store's clock runs simulated time while the demo writes, so every
	// timestamp and deadline is what it would have been; it is restored
	// afterwards.
	realNow := store.Now()
	clock := &simClock{}
	store.SetClock(clock.Now)
	restore := func() { store.SetClock(store.Now) }
	defer restore()

	g := &generator{
		store:    store,
		rnd:      rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x6b6c61636874)),
		clock:    clock,
		now:      realNow,
		start:    realNow.AddDate(0, -30, 0),
		settings: settings,
		loc:      settings.Location(),
		cal:      klachtdesk.NewCalendar(settings),
	}
	clock.set(g.start)
	if opts.AtStart != nil {
		if err := opts.AtStart(ctx); err != nil {
			return nil, err
		}
	}
	if err := g.createStaff(ctx, opts.Password); err != nil {
		return nil, err
	}
	if err := g.run(ctx, opts.Count); err != nil {
		return nil, err
	}
	restore()
	res, err := count(ctx, store.Complaints, klachtdesk.DateOf(store.Now(), g.loc))
	if err != nil {
		return nil, err
	}
	for _, s := range team {
		res.Usernames = append(res.Usernames, s.username)
	}
	res.Password = opts.Password
	return res, nil
}

// count counts the complaints the store holds; today decides which are
// overdue.
func count(ctx context.Context, complaints klachtdesk.ComplaintService, today klachtdesk.Date) (*Result, error) {
	var all []*klachtdesk.Complaint
	for {
		page, total, err := complaints.FindComplaints(ctx, klachtdesk.ComplaintFilter{Offset: len(all), Limit: 100})
		if err != nil {
			return nil, fmt.Errorf("count demo complaints: %w", err)
		}
		all = append(all, page...)
		if len(page) == 0 || len(all) >= total {
			break
		}
	}
	res := &Result{
		Complaints:   len(all),
		States:       map[klachtdesk.State]int{},
		CloseReasons: map[klachtdesk.CloseReason]int{},
	}
	for _, c := range all {
		res.States[c.State]++
		if c.CloseReason != "" {
			res.CloseReasons[c.CloseReason]++
		}
		for _, f := range []struct {
			on bool
			n  *int
		}{{c.Extended, &res.Extended}, {c.Escalated, &res.Escalated}, {c.LegalHold, &res.LegalHold}, {c.LateNotice, &res.LateNotice},
			{c.IsOverdue(today), &res.Overdue}, {c.Language == klachtdesk.LanguageDutch, &res.Dutch},
			{c.Language == klachtdesk.LanguageEnglish, &res.English}, {c.CustomerType == klachtdesk.Business, &res.Business}} {
			if f.on {
				*f.n++
			}
		}
	}
	return res, nil
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
