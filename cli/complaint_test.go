package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klachtdesk/klachtdesk"
)

func TestComplaintAddJSON(t *testing.T) {
	full := `{
		"channel": "letter",
		"received_at": "2026-04-13",
		"complainant": {"name": "Marieke Jansen", "email": "marieke@example.nl", "postal_address": "Dorpsstraat 1",
			"phone": "06-1", "customer_number": "KN-1", "type": "consumer", "language": "en"},
		"kind": "product", "subtype": "defect", "subject": "Laptop", "description": "Start niet.",
		"remedy_sought": "Reparatie", "product_ref": "ProBook", "discovered": "2026-04-01", "severity": "high",
		"informal_contact": "Gebeld", "concerned_employees": [2]
	}`
	s := newFakeStore()
	r := run(t, s, full, "complaint", "add", "--json")
	if r.code != 0 || r.stdout != "KL-2026-000001\n" {
		t.Fatalf("complaint add: %+v", r)
	}
	want := &klachtdesk.NewComplaint{
		Channel: klachtdesk.ChannelLetter,
		// A date means noon in the organisation's zone, as --received.
		ReceivedAt: time.Date(2026, 4, 13, 12, 0, 0, 0, s.settings.Location()),
		Complainant: klachtdesk.Complainant{Name: "Marieke Jansen", Email: "marieke@example.nl", PostalAddress: "Dorpsstraat 1",
			Phone: "06-1", CustomerNumber: "KN-1", Type: klachtdesk.Consumer, Language: klachtdesk.LanguageEnglish},
		Kind: klachtdesk.KindProduct, Subtype: "defect", Subject: "Laptop", Description: "Start niet.", RemedySought: "Reparatie",
		ProductRef: "ProBook", Discovered: klachtdesk.MustParseDate("2026-04-01"), Severity: klachtdesk.SeverityHigh,
		InformalContact: "Gebeld", ConcernedEmployees: []int64{2},
	}
	if diff := cmp.Diff(want, s.created[0]); diff != "" {
		t.Errorf("complaint (-want +got):\n%s", diff)
	}

	// An RFC 3339 instant, with or without fractions, is taken as it is.
	for _, instant := range []string{"2026-04-13T10:15:00+02:00", "2026-04-13T08:15:00.000Z"} {
		s := newFakeStore()
		if r := run(t, s, `{"channel": "email", "received_at": "`+instant+`"}`, "complaint", "add", "-"); r.code != 0 {
			t.Fatalf("received_at %s: %+v", instant, r)
		}
		if got := s.created[0].ReceivedAt; !got.Equal(time.Date(2026, 4, 13, 8, 15, 0, 0, time.UTC)) {
			t.Errorf("received_at %s = %s", instant, got)
		}
	}
	// Absent, received_at is now (the store's clock); the language is the
	// setting's.
	s = newFakeStore()
	if r := run(t, s, `{"channel": "email"}`, "complaint", "add"); r.code != 0 {
		t.Fatalf("minimal JSON: %+v", r)
	}
	if n := s.created[0]; !n.ReceivedAt.Equal(testNow) || n.Complainant.Language != s.settings.DefaultLanguage {
		t.Errorf("defaults: received %s, language %q", n.ReceivedAt, n.Complainant.Language)
	}
}

func TestComplaintAddJSONErrors(t *testing.T) {
	huge := `{"channel": "email", "description": "` + strings.Repeat("x", 20<<20) + `"}`
	tests := []struct {
		name, stdin string
		want        []string
	}{
		{"too large", huge, []string{"too large", "16 MiB"}},
		{"cut off", `{"channel": "email"`, []string{"not valid JSON", "ends before its closing brace"}},
		{"syntax", "{\n  \"channel\": \"email\",\n  \"kind\": service\n}", []string{"not valid JSON", "line 3, column"}},
		{"wrong type", `{"complainant": {"name": 5}}`, []string{"field complainant.name must be text", "not a JSON number"}},
		{"list expected", `{"concerned_employees": "kevin"}`, []string{"field concerned_employees must be a list"}},
		{"received_at not text", `{"received_at": 20261130}`, []string{"field received_at must be an RFC 3339 instant or a date as text", "20261130"}},
		{"received_at bad", `{"received_at": "30-11-2026"}`, []string{`received_at "30-11-2026" is neither an RFC 3339 instant`, "nor a date (2026-11-20)"}},
		{"discovered bad", `{"discovered": "01-12-2025"}`, []string{"discovered:", "YYYY-MM-DD"}},
		{"unknown field", `{"chanel": "email"}`, []string{`unknown field "chanel"`}},
		{"array", `[1]`, []string{"expected a JSON object, not a JSON array"}},
		{"two objects", `{} {}`, []string{"more than one JSON value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFakeStore()
			r := run(t, s, tt.stdin, "complaint", "add", "--json")
			if r.code != 1 || r.stdout != "" || len(s.created) != 0 || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("exit %d, stdout %q, %d created, stderr %q", r.code, r.stdout, len(s.created), r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q lacks %q", r.stderr, w)
				}
			}
		})
	}
}

func TestComplaintAddFlags(t *testing.T) {
	s := newFakeStore()
	s.users = []*klachtdesk.User{{ID: 4, Username: "kevin"}}
	r := run(t, s, "", "complaint", "add", "--channel", "letter", "--received", "2026-04-13", "--name", "Jan",
		"--business", "--kind", "service", "--text", "Onbeleefd.", "--concerned", "kevin", "--discovered", "2026-04-01")
	if r.code != 0 || r.stdout != "KL-2026-000001\n" {
		t.Fatalf("complaint add: %+v", r)
	}
	n := s.created[0]
	if !n.ReceivedAt.Equal(time.Date(2026, 4, 13, 10, 0, 0, 0, time.UTC)) || n.Complainant.Type != klachtdesk.Business ||
		!cmp.Equal(n.ConcernedEmployees, []int64{4}) || n.Discovered.String() != "2026-04-01" {
		t.Errorf("complaint = %+v", n)
	}
	r = run(t, s, "", "complaint", "add", "--channel", "email", "--received", "gisteren", "--consumer")
	if r.code != 1 || !strings.Contains(r.stderr, `--received "gisteren" is neither an RFC 3339 instant`) {
		t.Errorf("bad --received: %+v", r)
	}
}
