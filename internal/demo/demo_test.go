package demo_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/internal/demo"
	"github.com/klachtdesk/klachtdesk/internal/storetest"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// testNow is the real now of the tests' stores: Monday 2 March 2026, 10:00
// in Amsterdam. A fixed clock makes a seed give the same data in every run.
var testNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// testPassword is the demo users' password in the tests.
const testPassword = "demo-wachtwoord-1234"

// closeReasons are the reasons a complaint is closed for.
var closeReasons = []klachtdesk.CloseReason{klachtdesk.CloseAccepted, klachtdesk.CloseNoResponse, klachtdesk.CloseExternalOutcome,
	klachtdesk.CloseReferralLapsed, klachtdesk.CloseNotAdmissible, klachtdesk.CloseWithdrawn}

// testStore is a real SQLite store in a temporary folder whose clock stands
// at now, and the demo.Store writing through it.
type testStore struct {
	db         *sqldb.DB
	complaints *sqldb.ComplaintService
	users      *sqldb.UserService
	store      demo.Store
}

func openStore(t *testing.T, now time.Time) *testStore {
	t.Helper()
	db := sqldb.NewDB(t.TempDir(), storetest.DSN(t))
	db.Now = func() time.Time { return now }
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	s := &testStore{db: db, complaints: sqldb.NewComplaintService(db), users: sqldb.NewUserService(db)}
	s.store = demo.Store{
		Complaints: s.complaints,
		Messages:   sqldb.NewMessageService(db),
		Settings:   sqldb.NewSettingsService(db),
		Users:      s.users,
		Now:        db.Now,
		SetClock:   func(now func() time.Time) { db.Now = now },
	}
	return s
}

// everything checks that res has complaints in every state, closed for
// every reason, and with every flag.
func everything(t *testing.T, res *demo.Result, count int) {
	t.Helper()
	total := 0
	for _, s := range klachtdesk.States {
		if res.States[s] == 0 {
			t.Errorf("demo made no complaint in state %s: %+v", s, res.States)
		}
		total += res.States[s]
	}
	if total != count || res.Complaints != count {
		t.Errorf("states add up to %d of %d complaints, want %d", total, res.Complaints, count)
	}
	for _, r := range closeReasons {
		if res.CloseReasons[r] == 0 {
			t.Errorf("demo closed no complaint as %s: %+v", r, res.CloseReasons)
		}
	}
	for _, f := range []struct {
		name string
		n    int
	}{{"extended", res.Extended}, {"escalated", res.Escalated}, {"overdue", res.Overdue},
		{"legal hold", res.LegalHold}, {"late notice", res.LateNotice}} {
		if f.n == 0 {
			t.Errorf("no complaint is %s: %+v", f.name, res)
		}
	}
	if res.Dutch == 0 || res.English == 0 || res.Dutch+res.English != count {
		t.Errorf("languages: %d Dutch, %d English of %d", res.Dutch, res.English, count)
	}
	if res.Business == 0 {
		t.Error("no business customers")
	}
}

// TestDemo runs the generator on a real store: every state, close
// reason and flag occurs, the store's own count agrees with the result, the
// demo users can log in, the audit trail is intact, and the store's clock is
// back at the real now.
func TestDemo(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, testNow)
	var atStart []time.Time
	res, err := demo.Generate(ctx, s.store, demo.Options{Count: 60, Seed: 7, Password: testPassword,
		AtStart: func(ctx context.Context) error {
			atStart = append(atStart, s.db.Now())
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	everything(t, res, 60)

	if got := s.db.Now(); !got.Equal(testNow) {
		t.Errorf("store clock after Generate = %s, want the real now %s", got, testNow)
	}
	if want := []time.Time{testNow.AddDate(0, -30, 0)}; !cmp.Equal(atStart, want) {
		t.Errorf("AtStart ran at %v, want once at the simulated start %v", atStart, want)
	}

	// The store agrees, state by state.
	for _, st := range klachtdesk.States {
		_, n, err := s.complaints.FindComplaints(ctx, klachtdesk.ComplaintFilter{State: st, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if n != res.States[st] {
			t.Errorf("store holds %d complaints in state %s, result says %d", n, st, res.States[st])
		}
	}

	wantUsers := []string{"anouk.devries", "bram.jansen", "fatima.elamrani", "joost.bakker", "lotte.visser", "kevin.vandijk", "sanne.mulder"}
	if !cmp.Equal(res.Usernames, wantUsers) || res.Password != testPassword {
		t.Errorf("users %v with password %q, want %v with %q", res.Usernames, res.Password, wantUsers, testPassword)
	}
	for _, name := range res.Usernames {
		if _, err := s.users.Authenticate(ctx, name, testPassword); err != nil {
			t.Errorf("demo user %s cannot log in: %v", name, err)
		}
	}

	report, err := sqldb.NewAuditService(s.db).VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if report.Break != nil {
		t.Errorf("audit trail broken: %+v", report.Break)
	}
	if report.Events < 60*3 {
		t.Errorf("only %d events for 60 complaints", report.Events)
	}
}

// TestDemoMandatory: the first complaints of every run take each
// mandatory scenario once, so that even a small count covers every state,
// close reason and flag, whatever day it runs on (weekends, holidays, the
// turn of the year).
func TestDemoMandatory(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{
		time.Date(2026, 1, 2, 8, 0, 0, 0, ams),    // right after New Year
		time.Date(2026, 4, 6, 23, 30, 0, 0, ams),  // Easter Monday, late
		time.Date(2026, 12, 27, 3, 15, 0, 0, ams), // Sunday night after Christmas
	} {
		t.Run(now.Format("2006-01-02T15:04"), func(t *testing.T) {
			s := openStore(t, now)
			res, err := demo.Generate(context.Background(), s.store, demo.Options{Count: 17, Seed: 1, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			everything(t, res, 17)
		})
	}
}

// TestDemoSeed: the same seed gives the same data, another seed other
// data.
func TestDemoSeed(t *testing.T) {
	seeded := func(seed uint64) (*demo.Result, []string) {
		s := openStore(t, testNow)
		res, err := demo.Generate(context.Background(), s.store, demo.Options{Count: 20, Seed: seed, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		return res, complaintsIn(t, s)
	}
	resA, a := seeded(3)
	resB, b := seeded(3)
	if !cmp.Equal(a, b) {
		t.Errorf("seed 3 twice gives different complaints:\n%s", cmp.Diff(a, b))
	}
	if !cmp.Equal(resA, resB) {
		t.Errorf("seed 3 twice gives different counts:\n%s", cmp.Diff(resA, resB))
	}
	if _, c := seeded(4); cmp.Equal(a, c) {
		t.Error("seeds 3 and 4 give the same complaints")
	}
}

// complaintsIn returns, for every complaint in the store, what the
// generator decided about it.
func complaintsIn(t *testing.T, s *testStore) []string {
	t.Helper()
	list, _, err := s.complaints.FindComplaints(context.Background(), klachtdesk.ComplaintFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range list {
		out = append(out, fmt.Sprintf("%s %s %s %s %s %s %s", c.Reference, c.ReceivedAt.Format(time.RFC3339), c.State,
			c.CloseReason, c.Kind, c.Subtype, c.Subject))
	}
	return out
}

// TestDemoRefuses: a store that holds complaints, a count out of bounds
// or no password is refused with nothing written and the clock untouched.
func TestDemoRefuses(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, testNow)
	if _, err := demo.Generate(ctx, s.store, demo.Options{Count: 1, Seed: 1, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	usersBefore, err := s.users.CountUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts demo.Options
		code string
	}{
		{"not empty", demo.Options{Count: 5, Seed: 1, Password: testPassword}, klachtdesk.ECONFLICT},
		{"no complaints", demo.Options{Count: 0, Password: testPassword}, klachtdesk.EINVALID},
		{"too many", demo.Options{Count: demo.MaxCount + 1, Password: testPassword}, klachtdesk.EINVALID},
		{"no password", demo.Options{Count: 5}, klachtdesk.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran := false
			tt.opts.AtStart = func(context.Context) error { ran = true; return nil }
			res, err := demo.Generate(ctx, s.store, tt.opts)
			if got := klachtdesk.ErrorCode(err); got != tt.code || res != nil {
				t.Errorf("Generate = %v, %v (code %q), want code %q", res, err, got, tt.code)
			}
			if ran {
				t.Error("AtStart ran")
			}
			if _, n, err := s.complaints.FindComplaints(ctx, klachtdesk.ComplaintFilter{Limit: 1}); err != nil || n != 1 {
				t.Errorf("store holds %d complaints (%v), want the 1 it had", n, err)
			}
			if n, err := s.users.CountUsers(ctx); err != nil || n != usersBefore {
				t.Errorf("store holds %d users (%v), want the %d it had", n, err, usersBefore)
			}
			if got := s.db.Now(); !got.Equal(testNow) {
				t.Errorf("store clock = %s, want %s", got, testNow)
			}
		})
	}
	if _, err := demo.Generate(ctx, s.store, demo.Options{Count: 5, Seed: 1, Password: testPassword}); klachtdesk.ErrorMessage(err) !=
		"the store already holds 1 complaints: demo data goes into an empty store only" {
		t.Errorf("refusal says %q", klachtdesk.ErrorMessage(err))
	}
}

// TestDemoAtStartError: an error of AtStart ends Generate, with the
// store's clock put back.
func TestDemoAtStartError(t *testing.T) {
	s := openStore(t, testNow)
	boom := errors.New("boom")
	_, err := demo.Generate(context.Background(), s.store, demo.Options{Count: 5, Password: testPassword,
		AtStart: func(context.Context) error { return boom }})
	if !errors.Is(err, boom) {
		t.Errorf("Generate = %v, want %v", err, boom)
	}
	if got := s.db.Now(); !got.Equal(testNow) {
		t.Errorf("store clock = %s, want %s", got, testNow)
	}
}
