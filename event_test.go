package klachtdesk_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	kd "github.com/klachtdesk/klachtdesk"
)

func chain(events ...*kd.Event) []*kd.Event {
	prev := ""
	for i, e := range events {
		e.ID = int64(i + 1)
		e.Seal(prev)
		prev = e.Hash
	}
	return events
}

func sampleEvents() []*kd.Event {
	t0 := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	return chain(
		&kd.Event{ComplaintID: 1, Kind: "created", Actor: "system", At: t0, Before: json.RawMessage(`{}`), After: json.RawMessage(`{"state":"received"}`)},
		&kd.Event{ComplaintID: 1, Kind: "acknowledged", Actor: "system", At: t0.Add(time.Second), Before: json.RawMessage(`{"state":"received"}`), After: json.RawMessage(`{"state":"acknowledged"}`)},
		&kd.Event{Kind: "settings_changed", ActorID: 1, Actor: "admin", At: t0.Add(time.Hour), Before: json.RawMessage(`{"answer.roll":"none"}`), After: json.RawMessage(`{"answer.roll":"forward"}`)},
	)
}

func TestVerifyChain(t *testing.T) {
	tests := []struct {
		name      string
		tamper    func(es []*kd.Event) []*kd.Event
		wantBreak int64 // 0 = intact
	}{
		{"intact", func(es []*kd.Event) []*kd.Event { return es }, 0},
		{"changed after", func(es []*kd.Event) []*kd.Event { es[1].After = json.RawMessage(`{"state":"closed"}`); return es }, 2},
		{"changed actor", func(es []*kd.Event) []*kd.Event { es[2].Actor = "mallory"; return es }, 3},
		{"changed time", func(es []*kd.Event) []*kd.Event { es[0].At = es[0].At.Add(time.Nanosecond); return es }, 1},
		{"middle row removed", func(es []*kd.Event) []*kd.Event { return []*kd.Event{es[0], es[2]} }, 3},
		{"rows swapped", func(es []*kd.Event) []*kd.Event { return []*kd.Event{es[1], es[0], es[2]} }, 2},
		{"row rehashed without its successor", func(es []*kd.Event) []*kd.Event {
			es[1].Actor = "mallory"
			es[1].Seal(es[0].Hash)
			return es
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, brk := kd.VerifyChain("", tt.tamper(sampleEvents()))
			var got int64
			if brk != nil {
				got = brk.EventID
			}
			if got != tt.wantBreak {
				t.Errorf("first break at %d (%+v), want %d", got, brk, tt.wantBreak)
			}
		})
	}
}

func TestCanonicalIsUnambiguous(t *testing.T) {
	a := &kd.Event{ID: 1, Kind: "a", Actor: "bc", At: time.Unix(0, 0), Before: json.RawMessage(`{}`), After: json.RawMessage(`{}`)}
	b := &kd.Event{ID: 1, Kind: "ab", Actor: "c", At: time.Unix(0, 0), Before: json.RawMessage(`{}`), After: json.RawMessage(`{}`)}
	if a.ComputeHash("") == b.ComputeHash("") {
		t.Error("moving a character between fields must change the hash")
	}
	if strings.Count(a.ComputeHash(""), "") != 65 {
		t.Errorf("hash %q is not 64 hex digits", a.ComputeHash(""))
	}
}

// TestDiffReplay records a complaint's life as diffs and checks that
// replaying them yields the complaint, step by step.
func TestDiffReplay(t *testing.T) {
	e := env(received.Add(time.Hour))
	c, err := kd.Register(newComplaint(kd.KindService, "reachability", kd.Consumer), "KL-2026-000001", 1, e)
	if err != nil {
		t.Fatal(err)
	}
	var events []*kd.Event
	record := func(prev, next *kd.Complaint) {
		t.Helper()
		b, a, changed, err := kd.Diff(prev, next)
		if err != nil || !changed {
			t.Fatalf("Diff: changed %v, err %v", changed, err)
		}
		events = append(events, &kd.Event{ID: int64(len(events) + 1), Before: b, After: a})
		got, err := kd.Replay(events)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(next, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("replay after %d events (-want +got):\n%s", len(events), diff)
		}
	}
	record(nil, c)
	actions := []kd.Action{
		kd.Acknowledge{}, kd.Assign{HandlerID: handler}, kd.SetConcerned{UserIDs: []int64{concerned, 14}}, kd.StartTreatment{},
		kd.Extend{Extension: kd.Extension{Reason: "onderzoek", Promised: kd.MustParseDate("2026-11-27")}},
		kd.Decide{Decision: kd.Decision{Finding: kd.FindingFounded, Motivation: "terecht", SettlementType: "apology", Settlement: "excuses"}},
		kd.Reopen{Reason: "bezwaar", ReviewerID: reviewer}, kd.SetConcerned{UserIDs: nil},
		kd.Decide{Decision: kd.Decision{Finding: kd.FindingUnfounded, Motivation: "na heroverweging ongegrond"}},
		kd.Close{Reason: kd.CloseAccepted},
	}
	for _, a := range actions {
		prev := *c
		if err := a.Apply(c, e); err != nil {
			t.Fatalf("%s: %v", a.EventKind(), err)
		}
		c.Version++
		record(&prev, c)
	}
	t.Run("no change, no diff", func(t *testing.T) {
		if _, _, changed, _ := kd.Diff(c, c); changed {
			t.Error("Diff of a complaint with itself reports a change")
		}
	})
	t.Run("before holds the old values", func(t *testing.T) {
		var before map[string]any
		if err := json.Unmarshal(events[1].Before, &before); err != nil {
			t.Fatal(err)
		}
		if before["state"] != "received" {
			t.Errorf("before of acknowledgement = %v", before)
		}
	})
}

// TestDiffCreated checks that the diff of a registration (Diff(nil, c),
// computed without decoding the complaint) holds what the general diff
// against an empty complaint holds: every field, null before, sorted keys.
func TestDiffCreated(t *testing.T) {
	e := env(received.Add(time.Hour))
	c, err := kd.Register(newComplaint(kd.KindService, "reachability", kd.Consumer), "KL-2026-000001", 1, e)
	if err != nil {
		t.Fatal(err)
	}
	c.ConcernedEmployees = []int64{concerned}
	b, a, changed, err := kd.Diff(nil, c)
	if err != nil || !changed {
		t.Fatalf("Diff(nil, c): changed %v, err %v", changed, err)
	}
	wb, wa, _, err := kd.Diff(&kd.Complaint{}, c)
	if err != nil {
		t.Fatal(err)
	}
	decode := func(raw json.RawMessage) map[string]any {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		return m
	}
	got, want := decode(a), decode(wa)
	for k, v := range want {
		if diff := cmp.Diff(v, got[k]); diff != "" {
			t.Errorf("after[%s] (-general +created):\n%s", k, diff)
		}
	}
	for k, v := range decode(b) {
		if v != nil {
			t.Errorf("before[%s] = %v, want null", k, v)
		}
		if _, ok := got[k]; !ok {
			t.Errorf("before has %s, after has not", k)
		}
	}
	if len(decode(b)) != len(got) || len(got) < len(decode(wb)) {
		t.Errorf("created diff has %d before and %d after fields; the general diff %d", len(decode(b)), len(got), len(decode(wb)))
	}
	var keys []string
	dec := json.NewDecoder(strings.NewReader(string(a)))
	for depth, expectKey := 0, false; ; {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			expectKey = depth == 1
			continue
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 1 {
			if k, ok := tok.(string); ok && expectKey {
				keys = append(keys, k)
				expectKey = false
				continue
			}
			expectKey = true
		}
	}
	if !sort.StringsAreSorted(keys) || len(keys) != len(got) {
		t.Errorf("keys of after are not sorted: %v", keys)
	}
}

func TestEventNote(t *testing.T) {
	after, err := kd.WithNote(json.RawMessage(`{"state":"in_treatment","version":3}`), "Klager wijst het antwoord af")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"_note":"Klager wijst het antwoord af","state":"in_treatment","version":3}`; string(after) != want {
		t.Errorf("WithNote = %s, want %s", after, want)
	}
	e := &kd.Event{Kind: "reopened", After: after}
	if e.EventNote() != "Klager wijst het antwoord af" {
		t.Errorf("EventNote = %q", e.EventNote())
	}
	c, err := kd.Replay([]*kd.Event{{Kind: "created", After: json.RawMessage(`{"reference":"KL-2026-000001","state":"answered"}`)}, e})
	if err != nil {
		t.Fatal(err)
	}
	if c.State != kd.StateInTreatment || c.Version != 3 {
		t.Errorf("replay with a note: %+v", c)
	}
	if same, _ := kd.WithNote(json.RawMessage(`{"a":1}`), ""); string(same) != `{"a":1}` {
		t.Errorf("empty note changed after: %s", same)
	}
	tests := []struct {
		action kd.Noted
		want   string
	}{
		{kd.Reopen{Reason: " bezwaar "}, "bezwaar"},
		{kd.SetLegalHold{On: true, Reason: "procedure"}, "procedure"},
		{kd.RequestInfo{Question: "Welk nummer?"}, "Welk nummer?"},
	}
	for _, tt := range tests {
		if got := tt.action.EventNote(); got != tt.want {
			t.Errorf("%s note = %q, want %q", tt.action.EventKind(), got, tt.want)
		}
	}
}

func TestParseAnchor(t *testing.T) {
	h := strings.Repeat("ab", 32)
	tests := []struct {
		in   string
		id   int64
		hash string
		ok   bool
	}{
		{"42:" + h, 42, h, true},
		{" 42:" + strings.ToUpper(h) + " ", 42, h, true},
		{"0:" + h, 0, "", false},
		{"42:" + h[:62], 0, "", false},
		{"42:" + strings.Repeat("zz", 32), 0, "", false},
		{"42" + h, 0, "", false},
		{"x:" + h, 0, "", false},
	}
	for _, tt := range tests {
		id, hash, err := kd.ParseAnchor(tt.in)
		if (err == nil) != tt.ok || id != tt.id || hash != tt.hash {
			t.Errorf("ParseAnchor(%q) = %d, %q, %v", tt.in, id, hash, err)
		}
	}
	r := &kd.AuditReport{LastID: 7, LastHash: h}
	if id, hash, err := kd.ParseAnchor(r.Anchor()); err != nil || id != 7 || hash != h {
		t.Errorf("Anchor round trip: %d %q %v", id, hash, err)
	}
}
