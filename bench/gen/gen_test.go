package gen_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/bench/gen"
	"github.com/klachtdesk/klachtdesk/internal/storetest"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

var end = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func openDB(t *testing.T) *sqldb.DB {
	t.Helper()
	db := sqldb.NewDB(t.TempDir(), storetest.DSN(t))
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// summary is what two runs with the same seed must agree on.
type summary struct {
	Reference, State, Email, Subject, Description string
	Received                                      time.Time
	Handler                                       int64
}

func all(t *testing.T, db *sqldb.DB) []summary {
	t.Helper()
	var out []summary
	s := sqldb.NewComplaintService(db)
	for {
		page, total, err := s.FindComplaints(context.Background(), klachtdesk.ComplaintFilter{Offset: len(out), Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			out = append(out, summary{c.Reference, string(c.State), c.Complainant.Email, c.Subject, c.Description, c.ReceivedAt, c.HandlerID})
		}
		if len(page) == 0 || len(out) >= total {
			return out
		}
	}
}

// TestGenerate: the generated store is one the store's own code reads as
// valid (the trail verifies and holds every event the generator wrote, the
// register lists every complaint), complaints end in many states with
// messages, and the same seed gives the same complaints.
func TestGenerate(t *testing.T) {
	ctx := context.Background()
	const n = 300
	db := openDB(t)
	opts := gen.Options{Count: n, Seed: 7, Batch: 10, End: end, Span: 120 * 24 * time.Hour}
	res, err := gen.Generate(ctx, db, opts)
	if err != nil {
		t.Fatal(err)
	}
	report, err := sqldb.NewAuditService(db).VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if report.Break != nil {
		t.Fatalf("trail broken at %d: %s", report.Break.EventID, report.Break.Reason)
	}
	if report.Events != int64(res.Events) {
		t.Errorf("trail holds %d events, generator reports %d", report.Events, res.Events)
	}
	if res.Complaints != n || res.Messages < n || res.Actions < n {
		t.Errorf("result %+v: want %d complaints, at least as many messages and actions", res, n)
	}
	got := all(t, db)
	if len(got) != n {
		t.Fatalf("register lists %d complaints, want %d", len(got), n)
	}
	states := map[string]int{}
	for _, s := range got {
		states[s.State]++
	}
	total := 0
	for st, k := range res.States {
		total += k
		if states[string(st)] != k {
			t.Errorf("state %s: store has %d, generator reports %d", st, states[string(st)], k)
		}
	}
	if total != n {
		t.Errorf("generator counted %d states for %d complaints", total, n)
	}
	for _, st := range []klachtdesk.State{klachtdesk.StateReceived, klachtdesk.StateAcknowledged, klachtdesk.StateInTreatment,
		klachtdesk.StateAwaitingInfo, klachtdesk.StateAnswered, klachtdesk.StateClosed} {
		if states[string(st)] == 0 {
			t.Errorf("no complaint ended %s: %v", st, states)
		}
	}

	// A closed complaint's messages and events, as the services read them.
	var closed string
	for _, s := range got {
		if s.State == string(klachtdesk.StateClosed) {
			closed = s.Reference
			break
		}
	}
	msgs, err := sqldb.NewMessageService(db).ComplaintMessages(ctx, closed)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) < 3 || msgs[0].Direction != klachtdesk.Inbound || msgs[0].Text == "" {
		t.Errorf("%s: %d messages, want the complaint mail first and the letters after it", closed, len(msgs))
	}
	events, err := sqldb.NewComplaintService(db).ComplaintEvents(ctx, closed)
	if err != nil {
		t.Fatal(err)
	}
	if events[0].Kind != klachtdesk.EventCreated || events[len(events)-1].Kind != "closed" {
		t.Errorf("%s: events from %s to %s, want created to closed", closed, events[0].Kind, events[len(events)-1].Kind)
	}

	if _, err := gen.Generate(ctx, db, opts); err == nil {
		t.Error("a second run into the filled store was accepted")
	}

	again := openDB(t)
	if _, err := gen.Generate(ctx, again, opts); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, all(t, again)); diff != "" {
		t.Errorf("same seed, different complaints (-first +second):\n%s", diff)
	}
}
