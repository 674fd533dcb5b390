package cli

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// matchAll reports every pattern of want that out lacks.
func matchAll(t *testing.T, what, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !regexp.MustCompile(w).MatchString(out) {
			t.Errorf("%s lacks %s:\n%s", what, w, out)
		}
	}
}

func TestShow(t *testing.T) {
	out := mustRun(t, sampleStore(), "show", "KL-2026-000001")
	matchAll(t, "show", out,
		`(?m)^Reference:\s+KL-2026-000001$`, `(?m)^State:\s+in_treatment$`, `(?m)^Flags:\s+OVERDUE$`,
		`(?m)^Route:\s+mediator$`,
		`(?m)^Channel:\s+email, received 2026-04-13 10:15 \(receipt date 2026-04-13\)$`,
		`(?m)^Complainant:\s+Jan de Vries <jan@example.nl>, consumer, nl$`,
		`(?m)^Undeliverable:\s+.*since 2026-04-20 11:00: 550 no such user$`,
		`(?m)^Address:\s+Dorpsstraat 1 1234 AB Ergens$`, `(?m)^Phone:\s+06-12345678$`,
		`(?m)^Kind:\s+product / defect \(customer type consumer, severity normal\)$`,
		`(?m)^Product:\s+ProBook 450 \(discovered 2026-04-01\)$`,
		`(?m)^Handler:\s+alice$`, `(?m)^Concerned:\s+kevin$`, `(?m)^Subject:\s+Laptop start niet$`,
		`(?m)^Mijn laptop start niet meer\.$`, `(?m)^Remedy sought: Reparatie$`,
		`(?m)^Deadlines:$`, `(?m)^  answer_due\s+2026-04-27\s+rule r1\.s0$`, `(?m)^  promised_date\s+-\s*$`,
		`(?m)^Events \(Europe/Amsterdam\):$`, `(?m)^  2026-04-13 10:15\s+system\s+created\s+\(registered\)$`,
		`(?m)^  2026-04-13 11:15\s+alice\s+assigned\s+handler_id, state$`,
		`(?m)^Messages:$`, `(?m)^  #7  2026-04-13 10:15  in  jan@example.nl  Laptop$`, `(?m)^    attachments: foto.jpg$`,
		`(?m)^  #9  2026-04-13 10:16  out  to jan@example.nl  Ontvangstbevestiging$`, `(?m)^    \[letter failed: 550 no such user\]$`,
		`(?m)^    \[UNVERIFIED SENDER: klachtdesk message accept\|split 8\]$`,
	)

	// --json carries the same facts for programs.
	var v struct {
		Complaint     klachtdesk.Complaint           `json:"complaint"`
		Deadlines     map[string]klachtdesk.Deadline `json:"deadlines"`
		Overdue       bool                           `json:"overdue"`
		Events        []klachtdesk.Event             `json:"events"`
		Messages      []MessageView                  `json:"messages"`
		Undeliverable *UndeliverableView             `json:"undeliverable"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, sampleStore(), "show", "--json", "KL-2026-000001")), &v); err != nil {
		t.Fatal(err)
	}
	if v.Complaint.Reference != "KL-2026-000001" || !v.Overdue || len(v.Events) != 2 || len(v.Messages) != 3 ||
		v.Deadlines["answer_due"].Date.String() != "2026-04-27" || v.Undeliverable == nil || v.Messages[0].Attachments[0] != "foto.jpg" {
		t.Errorf("show --json = %+v", v)
	}

	r := run(t, sampleStore(), "", "show", "KL-2026-999999")
	if r.code != 1 || !strings.Contains(r.stderr, "KL-2026-999999 not found") || r.stdout != "" {
		t.Errorf("show of an unknown complaint: %+v", r)
	}
}

func TestComplaintListView(t *testing.T) {
	s := newFakeStore()
	for i, st := range []klachtdesk.State{klachtdesk.StateReceived, klachtdesk.StateAnswered, klachtdesk.StateClosed} {
		c := sampleComplaint()
		c.Reference = "KL-2026-00000" + string(rune('1'+i))
		c.State = st
		if st == klachtdesk.StateClosed {
			c.CloseReason = klachtdesk.CloseWithdrawn
			c.Complainant = &klachtdesk.Complainant{Email: "x@example.nl"}
		}
		s.complaints = append(s.complaints, c)
	}
	out := mustRun(t, s, "complaint", "list")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("register has %d lines, want a header and 3:\n%s", len(lines), out)
	}
	matchAll(t, "complaint list", out,
		`^REFERENCE\s+RECEIVED\s+STATE\s+KIND\s+ROUTE\s+DUE\s+FLAGS\s+COMPLAINANT\n`,
		`(?m)^KL-2026-000001\s+2026-04-13\s+received\s+product/defect\s+mediator\s+2026-04-27\s+overdue\s+Jan de Vries$`,
		`(?m)^KL-2026-000002\s+2026-04-13\s+answered\s+product/defect\s+mediator\s+-\s+-\s+Jan de Vries$`,
		`(?m)^KL-2026-000003\s+2026-04-13\s+closed \(withdrawn\)\s+product/defect\s+mediator\s+-\s+-\s+x@example.nl$`,
	)
	if out := mustRun(t, s, "complaint", "list", "--limit", "1"); !strings.HasSuffix(out, "(1 of 3 complaints; --limit 0 shows all)\n") {
		t.Errorf("a cut register does not say so:\n%s", out)
	}
	if out := mustRun(t, s, "complaint", "list", "--open", "--json"); strings.Count(out, "\n") != 2 || strings.Contains(out, "KL-2026-000003") {
		t.Errorf("--open --json:\n%s", out)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--state", "lost"}, "--state must be one of received, acknowledged"},
		{[]string{"--open", "--closed"}, "exclude each other"},
		{[]string{"--limit", "-1"}, "--limit must be 0 or more"},
	} {
		r := run(t, s, "", append([]string{"complaint", "list"}, tt.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("complaint list %v: %+v, want exit 2 and %q", tt.args, r, tt.want)
		}
	}
}

func TestUserListView(t *testing.T) {
	out := mustRun(t, sampleStore(), "user", "list")
	matchAll(t, "user list", out,
		`^USERNAME\s+ROLE\s+ACTIVE\s+NAME\s+EMAIL\s+CREATED\n`,
		`(?m)^alice\s+handler\s+yes\s+Alice de Boer\s+alice@example.nl\s+2026-01-05$`,
		`(?m)^kevin\s+viewer\s+no\s+-\s+-\s+2026-02-01$`,
	)
}

func TestQuarantineListView(t *testing.T) {
	s := newFakeStore()
	if out := mustRun(t, s, "quarantine", "list"); !strings.Contains(out, "no mails in quarantine") {
		t.Errorf("empty quarantine: %q", out)
	}
	s.quarantine = []*klachtdesk.QuarantinedMail{
		{ID: 3, Outcome: klachtdesk.OutcomeRejected, Reason: "mail from our own address", From: "klachten@example.org",
			Subject: strings.Repeat("lang onderwerp ", 10), TakenAt: time.Date(2026, 4, 2, 9, 30, 0, 0, time.UTC), Source: "a.eml"},
		{ID: 2, Outcome: klachtdesk.OutcomeError, Reason: "database\nlocked", TakenAt: time.Date(2026, 4, 1, 9, 30, 0, 0, time.UTC)},
	}
	out := mustRun(t, s, "quarantine", "list")
	matchAll(t, "quarantine list", out,
		`^ID\s+TAKEN\s+OUTCOME\s+FROM\s+SUBJECT\s+REASON\n`,
		`(?m)^#3\s+2026-04-02 09:30\s+rejected\s+klachten@example.org\s+(lang onderwerp ){3}lang…\s+mail from our own address$`,
		`(?m)^#2\s+2026-04-01 09:30\s+error\s+-\s+-\s+database locked$`,
	)
	if out := mustRun(t, s, "quarantine", "list", "--json", "--limit", "1"); strings.Count(out, "\n") != 1 || !strings.Contains(out, `"source":"a.eml"`) {
		t.Errorf("quarantine list --json --limit 1:\n%s", out)
	}
	if out := mustRun(t, s, "quarantine", "show", "#3"); !strings.HasPrefix(out, "raw mail lang") {
		t.Errorf("quarantine show = %q", out)
	}
	if r := run(t, s, "", "quarantine", "show", "x"); r.code != 2 || !strings.Contains(r.stderr, `"x" is not a quarantine number`) {
		t.Errorf("quarantine show x: %+v", r)
	}
}
