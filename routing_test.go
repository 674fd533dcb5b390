package klachtdesk_test

import (
	"strings"
	"testing"
	"time"

	kd "github.com/klachtdesk/klachtdesk"
)

func TestRouteMail(t *testing.T) {
	own := []string{"klachten@example.org"}
	s := kd.DefaultSettings()
	withComplainant := func(c *kd.Complaint) *kd.Complaint {
		c.Complainant = &kd.Complainant{Name: "Sanne de Vries", Email: "Sanne@Example.nl"}
		return c
	}
	open := withComplainant(fixture(t, kd.StateInTreatment, false))
	answered := withComplainant(fixture(t, kd.StateAnswered, false))
	closed := withComplainant(fixture(t, kd.StateClosed, false))
	anonymised := fixture(t, kd.StateAnonymised, false)
	notAdmissible := withComplainant(fixture(t, kd.StateReceived, false))
	mustApply(t, notAdmissible, env(received), kd.Close{Reason: kd.CloseNotAdmissible, Detail: "spam"})
	soon := closed.ClosedAt.Add(24 * time.Hour)
	late := closed.ClosedAt.AddDate(0, 0, s.ReopenWindowDays+2)

	from := func(addr string) *kd.InboundMail { return &kd.InboundMail{From: kd.Address{Email: addr}} }
	auto := func(k kd.AutoKind) *kd.InboundMail {
		return &kd.InboundMail{From: kd.Address{Email: "sanne@example.nl"}, Auto: k, AutoReason: "Auto-Submitted: auto-replied"}
	}
	tests := []struct {
		name  string
		mail  *kd.InboundMail
		match kd.ThreadMatch
		now   time.Time
		want  kd.Routing
	}{
		{"new", from("piet@example.nl"), kd.ThreadMatch{}, soon, kd.Routing{Outcome: kd.OutcomeNew}},
		{"own address", from("KLACHTEN@example.org"), kd.ThreadMatch{ByHeader: open}, soon,
			kd.Routing{Outcome: kd.OutcomeRejected, Reason: "sent from our own address klachten@example.org"}},
		{"no sender", from(""), kd.ThreadMatch{}, soon, kd.Routing{Outcome: kd.OutcomeRejected, Reason: "no usable sender address"}},
		{"garbage sender", from("not an address"), kd.ThreadMatch{}, soon, kd.Routing{Outcome: kd.OutcomeRejected, Reason: "no usable sender address"}},
		{"auto-reply to a letter", auto(kd.AutoReply), kd.ThreadMatch{ByHeader: open}, soon,
			kd.Routing{Outcome: kd.OutcomeAutoReply, Complaint: open, Reason: "Auto-Submitted: auto-replied"}},
		{"auto-reply unmatched", auto(kd.AutoReply), kd.ThreadMatch{}, soon,
			kd.Routing{Outcome: kd.OutcomeAutoReply, Reason: "Auto-Submitted: auto-replied"}},
		{"auto-reply never reaches a subject match", auto(kd.AutoReply), kd.ThreadMatch{BySubject: open}, soon,
			kd.Routing{Outcome: kd.OutcomeAutoReply, Reason: "Auto-Submitted: auto-replied"}},
		{"bounce of a letter", auto(kd.Bounce), kd.ThreadMatch{ByHeader: open}, soon,
			kd.Routing{Outcome: kd.OutcomeBounce, Complaint: open, Reason: "Auto-Submitted: auto-replied"}},
		{"reply by header", from("someone@else.example"), kd.ThreadMatch{ByHeader: open}, soon,
			kd.Routing{Outcome: kd.OutcomeReply, Complaint: open}},
		{"header beats subject", from("sanne@example.nl"), kd.ThreadMatch{ByHeader: open, BySubject: answered}, soon,
			kd.Routing{Outcome: kd.OutcomeReply, Complaint: open}},
		{"subject from the complainant", from("sanne@example.nl"), kd.ThreadMatch{BySubject: open}, soon,
			kd.Routing{Outcome: kd.OutcomeReply, Complaint: open}},
		{"subject from a stranger", from("mallory@evil.example"), kd.ThreadMatch{BySubject: open}, soon,
			kd.Routing{Outcome: kd.OutcomeReply, Complaint: open, Unverified: true}},
		{"answered: reply, staff decide", from("sanne@example.nl"), kd.ThreadMatch{ByHeader: answered}, soon,
			kd.Routing{Outcome: kd.OutcomeReply, Complaint: answered}},
		{"answered: stranger unverified", from("mallory@evil.example"), kd.ThreadMatch{BySubject: answered}, soon,
			kd.Routing{Outcome: kd.OutcomeReply, Complaint: answered, Unverified: true}},
		{"closed within window reopens", from("sanne@example.nl"), kd.ThreadMatch{ByHeader: closed}, soon,
			kd.Routing{Outcome: kd.OutcomeReply, Complaint: closed, Reopen: true}},
		{"closed past window is new", from("sanne@example.nl"), kd.ThreadMatch{ByHeader: closed}, late,
			kd.Routing{Outcome: kd.OutcomeNew}},
		{"closed, stranger by subject is new", from("mallory@evil.example"), kd.ThreadMatch{BySubject: closed}, soon,
			kd.Routing{Outcome: kd.OutcomeNew, Reason: "mentions closed complaint " + closed.Reference + " from another address"}},
		{"not admissible cannot reopen", from("sanne@example.nl"), kd.ThreadMatch{ByHeader: notAdmissible}, soon,
			kd.Routing{Outcome: kd.OutcomeNew}},
		{"anonymised is new", from("sanne@example.nl"), kd.ThreadMatch{ByHeader: anonymised}, soon, kd.Routing{Outcome: kd.OutcomeNew}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := kd.RouteMail(tt.mail, tt.match, own, tt.now, s)
			if tt.want.Outcome == kd.OutcomeNew && tt.want.Reason == "" && got.Outcome == kd.OutcomeNew {
				got.Reason = "" // the follow-up reasons are prose; their presence is checked below
			}
			if got != tt.want {
				t.Errorf("RouteMail = %+v, want %+v", got, tt.want)
			}
		})
	}
	if got := kd.RouteMail(from("sanne@example.nl"), kd.ThreadMatch{ByHeader: closed}, own, late, s); !strings.Contains(got.Reason, closed.Reference) {
		t.Errorf("a late follow-up names the closed complaint: %q", got.Reason)
	}
}

func TestAutoLetterAllowed(t *testing.T) {
	s := kd.DefaultSettings()
	now := at("2026-11-20", 12)
	own := []string{"klachten@example.org"}
	tests := []struct {
		to   string
		h    kd.AddressHistory
		want string // "" allowed, else a fragment of the reason
	}{
		{"sanne@example.nl", kd.AddressHistory{}, ""},
		{"sanne@example.nl", kd.AddressHistory{AutoLetters: 2}, ""},
		{"sanne@example.nl", kd.AddressHistory{AutoLetters: 3}, "already had 3 automatic letters"},
		{"sanne@example.nl", kd.AddressHistory{LastAutoSubmitted: now.Add(-23 * time.Hour)}, "automatic reply"},
		{"sanne@example.nl", kd.AddressHistory{LastAutoSubmitted: now.Add(-25 * time.Hour)}, ""},
		{"sanne@example.nl", kd.AddressHistory{Undeliverable: true}, "undeliverable"},
		{"noreply@shop.example", kd.AddressHistory{}, "no-reply"},
		{"klachten@example.org", kd.AddressHistory{}, "own address"},
		{"", kd.AddressHistory{}, "no usable address"},
	}
	for _, tt := range tests {
		got := kd.AutoLetterAllowed(tt.to, tt.h, own, now, s)
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("AutoLetterAllowed(%q, %+v) = %q, want %q", tt.to, tt.h, got, tt.want)
		}
	}
	s.AutoLetterMax = 0
	if got := kd.AutoLetterAllowed("sanne@example.nl", kd.AddressHistory{}, own, now, s); got == "" {
		t.Error("mail.auto_letters_max = 0 turns automatic letters off")
	}
}

func TestNoReplyAddress(t *testing.T) {
	for addr, want := range map[string]bool{
		"noreply@shop.example":             true,
		"no-reply@shop.example":            true,
		"No_Reply+abc@shop.example":        true,
		"do-not-reply@bank.example":        true,
		"donotreply@bank.example":          true,
		"MAILER-DAEMON@mx.example":         true,
		"postmaster@mx.example":            true,
		"bounces+123@lists.example":        true,
		"geen-antwoord@gemeente.example":   true,
		"niet-beantwoorden@bank.example":   true,
		"autoreply@helpdesk.example":       true,
		"sanne@example.nl":                 false,
		"support@helpdesk.example":         false,
		"replies-welcome@example.nl":       false,
		"noreen@example.nl":                false,
		"postmaster.general@gov.example":   false,
		"info@bouncehouse-verhuur.nl":      false,
		"klantenservice@webwinkel.example": false,
	} {
		if got := kd.NoReplyAddress(addr); got != want {
			t.Errorf("NoReplyAddress(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestNewComplaintFromMail(t *testing.T) {
	m := &kd.InboundMail{
		From: kd.Address{Name: "Collega", Email: "collega@bedrijf.example"}, Subject: "Fwd: klacht",
		Text: "Doorgestuurd.\n\nIk ben boos.", NewText: "", Language: kd.LanguageEnglish,
		Forwarded: &kd.Address{Name: "Klant", Email: " klant@example.nl "},
	}
	n := kd.NewComplaintFromMail(m, received)
	if n.Complainant.Email != "klant@example.nl" || n.Complainant.Name != "Klant" || n.Complainant.Type != kd.Consumer ||
		n.Complainant.Language != kd.LanguageEnglish || n.Kind != kd.KindService || n.Subtype != "other" ||
		n.Description != "Doorgestuurd.\n\nIk ben boos." || n.Channel != kd.ChannelEmail || !n.ReceivedAt.Equal(received) {
		t.Errorf("forwarded complaint = %+v", n)
	}
	if err := n.Validate(received.Add(time.Hour)); err != nil {
		t.Errorf("the complaint of a mail must be valid: %v", err)
	}
	empty := kd.NewComplaintFromMail(&kd.InboundMail{From: kd.Address{Email: "a@b.example"}, Subject: strings.Repeat("é", 2000), Language: "xx"}, received)
	if !strings.Contains(empty.Description, "geen tekst") || empty.Complainant.Language != kd.LanguageDutch || len(empty.Subject) > 1000 {
		t.Errorf("empty mail: %+v", empty)
	}
	if err := empty.Validate(received.Add(time.Hour)); err != nil {
		t.Errorf("a mail without text still registers: %v", err)
	}
}

func TestAcknowledgementHeld(t *testing.T) {
	c := fixture(t, kd.StateReceived, false)
	if got := kd.AcknowledgementHeld(c, c.AckDue.Date); got != "" {
		t.Errorf("on the last day of the term: %q", got)
	}
	if got := kd.AcknowledgementHeld(c, c.AckDue.Date.AddDays(1)); !strings.Contains(got, "acknowledgement term ended on "+c.AckDue.Date.String()) {
		t.Errorf("after the term: %q", got)
	}
}

func TestClip(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"klacht", 10, "klacht"},
		{"klacht", 3, "kla"},
		{"één", 1, ""},  // é is two bytes: not split
		{"één", 2, "é"}, // whole
		{"één", 3, "é"},
		{"x", 0, ""},
	} {
		if got := kd.Clip(tt.in, tt.n); got != tt.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
