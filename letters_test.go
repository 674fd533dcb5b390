package klachtdesk_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	kd "github.com/klachtdesk/klachtdesk"
)

func TestLetterKinds(t *testing.T) {
	tests := []struct {
		kind      kd.LetterKind
		automatic bool
	}{
		{kd.LetterAcknowledgement, true},
		{kd.LetterInfoRequest, false},
		{kd.LetterNotAdmissible, false},
		{kd.LetterReferral, false},
		{kd.LetterExtension, false},
		{kd.LetterDecision, false},
		{kd.LetterClosing, false},
		{kd.LetterReplyReceived, true},
	}
	if len(tests) != len(kd.LetterKinds) {
		t.Fatalf("%d kinds tested, %d exist", len(tests), len(kd.LetterKinds))
	}
	for i, tt := range tests {
		if kd.LetterKinds[i] != tt.kind {
			t.Errorf("LetterKinds[%d] = %s, want %s", i, kd.LetterKinds[i], tt.kind)
		}
		if !tt.kind.Valid() {
			t.Errorf("%s is not valid", tt.kind)
		}
		if got := tt.kind.Automatic(); got != tt.automatic {
			t.Errorf("%s.Automatic() = %v, want %v", tt.kind, got, tt.automatic)
		}
	}
	// The values are stored in the outbox: they never change.
	for k, want := range map[kd.LetterKind]string{
		kd.LetterAcknowledgement: "acknowledgement", kd.LetterReplyReceived: "reply_received",
		kd.LetterInfoRequest: "request_for_information", kd.LetterExtension: "extension_notice",
	} {
		if string(k) != want {
			t.Errorf("kind %q, want %q", k, want)
		}
	}
	for _, k := range []kd.LetterKind{"", "verdict", "Acknowledgement"} {
		if k.Valid() {
			t.Errorf("%q is valid", k)
		}
	}
}

// TestLetterForAction applies every action to a complaint in a state that
// allows it, and checks the letter the rule asks for.
func TestLetterForAction(t *testing.T) {
	now := received.Add(72 * time.Hour)
	late := received.AddDate(1, 2, 0) // past the reaction term and the referral watch
	promised := kd.MustParseDate("2026-11-30")
	decide := kd.Decide{Decision: kd.Decision{Finding: kd.FindingUnfounded, Motivation: "De storing lag bij de provider."}}
	none := kd.LetterKind("")
	tests := []struct {
		name   string
		state  kd.State
		route  bool // the mediator route
		now    time.Time
		action kd.Action
		want   kd.LetterKind
		note   string
	}{
		{"acknowledge", kd.StateReceived, false, now, kd.Acknowledge{}, none, ""},
		{"classify", kd.StateAcknowledged, false, now, kd.Classify{Kind: kd.KindService, Subtype: "conduct", CustomerType: kd.Business}, none, ""},
		{"assign", kd.StateAcknowledged, false, now, kd.Assign{HandlerID: reviewer}, none, ""},
		{"set concerned", kd.StateAcknowledged, false, now, kd.SetConcerned{UserIDs: []int64{concerned}}, none, ""},
		{"start treatment", kd.StateAcknowledged, false, now, kd.StartTreatment{}, none, ""},
		{"request information", kd.StateInTreatment, false, now, kd.RequestInfo{Question: "  Welk nummer belde u?  "}, kd.LetterInfoRequest, "Welk nummer belde u?"},
		{"receive information", kd.StateAwaitingInfo, false, now, kd.ReceiveInfo{}, none, ""},
		{"extend", kd.StateInTreatment, false, now, kd.Extend{Extension: kd.Extension{Reason: "Wij wachten op de leverancier.", Promised: promised}}, kd.LetterExtension, ""},
		{"decide", kd.StateInTreatment, false, now, decide, kd.LetterDecision, ""},
		{"reopen", kd.StateAnswered, false, now, kd.Reopen{Reason: "Nieuwe informatie."}, none, ""},
		{"refer", kd.StateAcknowledged, true, now, kd.Refer{}, kd.LetterReferral, ""},
		{"not admissible", kd.StateReceived, false, now, kd.Close{Reason: kd.CloseNotAdmissible, Detail: "out_of_scope"}, kd.LetterNotAdmissible, ""},
		{"duplicate", kd.StateAcknowledged, false, now, kd.Close{Reason: kd.CloseNotAdmissible, Detail: "duplicate"}, kd.LetterNotAdmissible, ""},
		{"spam is never answered", kd.StateReceived, false, now, kd.Close{Reason: kd.CloseNotAdmissible, Detail: "spam"}, none, ""},
		{"withdrawn", kd.StateInTreatment, false, now, kd.Close{Reason: kd.CloseWithdrawn}, kd.LetterClosing, ""},
		{"accepted", kd.StateAnswered, false, now, kd.Close{Reason: kd.CloseAccepted}, kd.LetterClosing, ""},
		{"no response", kd.StateAnswered, false, late, kd.Close{Reason: kd.CloseNoResponse}, kd.LetterClosing, ""},
		{"external outcome", kd.StateReferred, true, now, kd.Close{Reason: kd.CloseExternalOutcome, Detail: "Schikking getroffen."}, kd.LetterClosing, ""},
		{"referral lapsed", kd.StateReferred, true, late, kd.Close{Reason: kd.CloseReferralLapsed}, kd.LetterClosing, ""},
		{"legal hold", kd.StateInTreatment, false, now, kd.SetLegalHold{On: true, Reason: "Rechtszaak."}, none, ""},
		{"escalate", kd.StateInTreatment, false, now, kd.Escalate{}, none, ""},
		{"root cause", kd.StateAnswered, false, now, kd.RecordRootCause{RootCause: "Provider."}, none, ""},
		{"satisfaction", kd.StateAnswered, false, now, kd.RecordSatisfaction{Score: 4}, none, ""},
		{"anonymise", kd.StateClosed, false, received.AddDate(2, 1, 0), kd.Anonymise{}, none, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fixture(t, tt.state, tt.route)
			after := *before
			mustApply(t, &after, env(tt.now), tt.action)
			l, ok := kd.LetterForAction(tt.action, before, &after)
			if ok != (tt.want != none) || l.Kind != tt.want || l.Note != tt.note {
				t.Errorf("LetterForAction = %+v, %v; want %q with note %q", l, ok, tt.want, tt.note)
			}
		})
	}
	// Every kind but the automatic ones is caused by some action.
	caused := map[kd.LetterKind]bool{}
	for _, tt := range tests {
		caused[tt.want] = true
	}
	for _, k := range kd.LetterKinds {
		if caused[k] == k.Automatic() {
			t.Errorf("%s: caused by an action = %v, automatic = %v", k, caused[k], k.Automatic())
		}
	}
}

func TestLetterForMail(t *testing.T) {
	s := kd.DefaultSettings() // mail.auto_letters_window_hours = 24
	now := at("2026-11-20", 12)
	open := fixture(t, kd.StateInTreatment, false)
	reopened := fixture(t, kd.StateInTreatment, false) // a closed complaint this reply reopened
	none := kd.LetterKind("")
	tests := []struct {
		name       string
		routing    kd.Routing
		lastLetter time.Time
		want       kd.LetterKind
		arrived    time.Time // zero: now
	}{
		{"new complaint", kd.Routing{Outcome: kd.OutcomeNew}, time.Time{}, kd.LetterAcknowledgement, time.Time{}},
		{"new complaint after a closed one", kd.Routing{Outcome: kd.OutcomeNew, Reason: "follows up closed complaint"}, now.Add(-time.Hour), kd.LetterAcknowledgement, time.Time{}},
		{"reply", kd.Routing{Outcome: kd.OutcomeReply, Complaint: open}, now.Add(-25 * time.Hour), kd.LetterReplyReceived, time.Time{}},
		{"reply, never a letter", kd.Routing{Outcome: kd.OutcomeReply, Complaint: open}, time.Time{}, kd.LetterReplyReceived, time.Time{}},
		{"reply reopening a closed complaint", kd.Routing{Outcome: kd.OutcomeReply, Complaint: reopened, Reopen: true}, now.AddDate(0, 0, -20), kd.LetterReplyReceived, time.Time{}},
		{"reply soon after our letter", kd.Routing{Outcome: kd.OutcomeReply, Complaint: open}, now.Add(-23 * time.Hour), none, time.Time{}},
		{"unverified reply", kd.Routing{Outcome: kd.OutcomeReply, Complaint: open, Unverified: true}, time.Time{}, none, time.Time{}},
		{"reply without complaint", kd.Routing{Outcome: kd.OutcomeReply}, time.Time{}, none, time.Time{}},
		{"auto-reply", kd.Routing{Outcome: kd.OutcomeAutoReply, Complaint: open}, time.Time{}, none, time.Time{}},
		{"bounce", kd.Routing{Outcome: kd.OutcomeBounce, Complaint: open}, time.Time{}, none, time.Time{}},
		{"rejected", kd.Routing{Outcome: kd.OutcomeRejected, Reason: "sent from our own address"}, time.Time{}, none, time.Time{}},
		{"duplicate", kd.Routing{Outcome: kd.OutcomeDuplicate}, time.Time{}, none, time.Time{}},
		{"reply from an imported archive", kd.Routing{Outcome: kd.OutcomeReply, Complaint: open}, time.Time{}, none, now.AddDate(0, -8, 0)},
		{"reply read after a day's outage", kd.Routing{Outcome: kd.OutcomeReply, Complaint: open}, time.Time{}, none, now.Add(-25 * time.Hour)},
		{"reply read an hour late", kd.Routing{Outcome: kd.OutcomeReply, Complaint: open}, time.Time{}, kd.LetterReplyReceived, now.Add(-time.Hour)},
		{"new complaint from an imported archive", kd.Routing{Outcome: kd.OutcomeNew}, time.Time{}, kd.LetterAcknowledgement, now.AddDate(0, -8, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arrived := tt.arrived
			if arrived.IsZero() {
				arrived = now
			}
			l, ok := kd.LetterForMail(tt.routing, arrived, tt.lastLetter, now, s)
			if ok != (tt.want != none) || l.Kind != tt.want || l.Note != "" {
				t.Errorf("LetterForMail = %+v, %v; want %q", l, ok, tt.want)
			}
		})
	}
}

func TestLetterHoldReason(t *testing.T) {
	s := kd.DefaultSettings()
	own := []string{"klachten@example.org"}
	fresh := fixture(t, kd.StateReceived, false) // received 2 November, ack due 5 November
	now := fresh.ReceivedAt.Add(time.Hour)
	afterTerm := at("2026-11-06", 12)
	byPost := fixture(t, kd.StateInTreatment, false)
	withEmail := func(c *kd.Complaint, email string) *kd.Complaint {
		c.Complainant = &kd.Complainant{Name: "Sanne de Vries", Email: email}
		return c
	}
	tests := []struct {
		name string
		kind kd.LetterKind
		c    *kd.Complaint
		h    kd.AddressHistory
		now  time.Time
		want string // "" not held, else a fragment of the reason
	}{
		{"acknowledgement", kd.LetterAcknowledgement, withEmail(fixture(t, kd.StateReceived, false), "sanne@example.nl"), kd.AddressHistory{}, now, ""},
		{"acknowledgement past its term", kd.LetterAcknowledgement, withEmail(fixture(t, kd.StateReceived, false), "sanne@example.nl"), kd.AddressHistory{}, afterTerm, "acknowledgement term ended"},
		{"reply letter past the acknowledgement term", kd.LetterReplyReceived, withEmail(fixture(t, kd.StateReceived, false), "sanne@example.nl"), kd.AddressHistory{}, afterTerm, ""},
		{"acknowledgement, too many", kd.LetterAcknowledgement, withEmail(fixture(t, kd.StateReceived, false), "sanne@example.nl"), kd.AddressHistory{AutoLetters: 3}, now, "already had 3 automatic letters"},
		{"reply letter after an auto-reply", kd.LetterReplyReceived, withEmail(fixture(t, kd.StateInTreatment, false), "sanne@example.nl"), kd.AddressHistory{LastAutoSubmitted: now.Add(-time.Hour)}, now, "automatic reply"},
		{"acknowledgement to a no-reply address", kd.LetterAcknowledgement, withEmail(fixture(t, kd.StateReceived, false), "noreply@shop.example"), kd.AddressHistory{}, now, "no-reply"},
		{"acknowledgement to our own address", kd.LetterAcknowledgement, withEmail(fixture(t, kd.StateReceived, false), "Klachten@example.org"), kd.AddressHistory{}, now, "own address"},
		{"acknowledgement without address", kd.LetterAcknowledgement, withEmail(fixture(t, kd.StateReceived, false), ""), kd.AddressHistory{}, now, "no usable address"},
		{"acknowledgement without complainant", kd.LetterAcknowledgement, fixture(t, kd.StateReceived, false), kd.AddressHistory{}, now, "no usable address"},
		// Staff letters: loop protection does not apply, an address does.
		{"decision", kd.LetterDecision, withEmail(fixture(t, kd.StateAnswered, false), "sanne@example.nl"), kd.AddressHistory{AutoLetters: 10, LastAutoSubmitted: now}, now, ""},
		{"decision to an undeliverable address", kd.LetterDecision, withEmail(fixture(t, kd.StateAnswered, false), "sanne@example.nl"), kd.AddressHistory{Undeliverable: true}, now, ""},
		{"decision by post", kd.LetterDecision, withEmail(byPost, " "), kd.AddressHistory{}, now, "no e-mail address"},
		{"closing without complainant", kd.LetterClosing, fixture(t, kd.StateClosed, false), kd.AddressHistory{}, now, "no e-mail address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := kd.LetterHoldReason(tt.kind, tt.c, tt.h, own, tt.now, s)
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("LetterHoldReason = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMissingOrganisationDetails(t *testing.T) {
	filled := func(edit func(s *kd.Settings)) kd.Settings {
		s := kd.DefaultSettings()
		s.OrgName, s.ComplaintEmail, s.PostalAddress = "ACT Webservice", "klachten@actwebservice.nl", "Postbus 1234\n3500 AB Utrecht"
		if edit != nil {
			edit(&s)
		}
		return s
	}
	tests := []struct {
		name     string
		settings kd.Settings
		want     []string
	}{
		{"the seed's placeholders", kd.DefaultSettings(), []string{"org.complaint_email", "org.postal_address"}},
		{"filled in", filled(nil), nil},
		{"no name", filled(func(s *kd.Settings) { s.OrgName = "  " }), []string{"org.name"}},
		{"name placeholder", filled(func(s *kd.Settings) { s.OrgName = "[BEDRIJFSNAAM]" }), []string{"org.name"}},
		{"no complaint address", filled(func(s *kd.Settings) { s.ComplaintEmail = "" }), []string{"org.complaint_email"}},
		{"address placeholder", filled(func(s *kd.Settings) { s.ComplaintEmail = "[EMAIL DIENSTVERLENER]" }), []string{"org.complaint_email"}},
		{"example.com", filled(func(s *kd.Settings) { s.ComplaintEmail = "Klachten@Example.COM" }), []string{"org.complaint_email"}},
		{"example.net subdomain", filled(func(s *kd.Settings) { s.ComplaintEmail = "klachten@mail.example.net" }), []string{"org.complaint_email"}},
		{".test", filled(func(s *kd.Settings) { s.ComplaintEmail = "klachten@desk.test" }), []string{"org.complaint_email"}},
		{".invalid", filled(func(s *kd.Settings) { s.ComplaintEmail = "klachten@klachtdesk.invalid" }), []string{"org.complaint_email"}},
		{".example", filled(func(s *kd.Settings) { s.ComplaintEmail = "klachten@act.example" }), []string{"org.complaint_email"}},
		{"a real domain that looks alike", filled(func(s *kd.Settings) { s.ComplaintEmail = "klachten@example.nl" }), nil},
		{"another real domain", filled(func(s *kd.Settings) { s.ComplaintEmail = "klachten@myexample.org" }), nil},
		{"no postal address", filled(func(s *kd.Settings) { s.PostalAddress = "" }), []string{"org.postal_address"}},
		{"postal placeholder inside", filled(func(s *kd.Settings) { s.PostalAddress = "Postbus [NUMMER]\n3500 AB Utrecht" }), []string{"org.postal_address"}},
		{"everything missing", kd.Settings{}, []string{"org.name", "org.complaint_email", "org.postal_address"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := kd.MissingOrganisationDetails(tt.settings)
			if !slices.Equal(got, tt.want) {
				t.Errorf("MissingOrganisationDetails = %q, want %q", got, tt.want)
			}
			wait := kd.LetterWaits(tt.settings)
			if (wait != "") != (len(tt.want) > 0) || wait != "" && wait != kd.LetterWaitingForOrganisation {
				t.Errorf("LetterWaits = %q", wait)
			}
		})
	}
	// Every key named is a setting staff can set.
	for _, key := range kd.MissingOrganisationDetails(kd.Settings{}) {
		if _, err := kd.LookupSettingKey(key); err != nil {
			t.Errorf("%s: %v", key, err)
		}
	}
	if !strings.Contains(kd.LetterWaitingForOrganisation, "organisatiegegevens ontbreken") ||
		!strings.Contains(kd.LetterWaitingForOrganisation, "organisation details missing") {
		t.Errorf("the reason is not in Dutch and English: %q", kd.LetterWaitingForOrganisation)
	}
}

func TestADRInformationDue(t *testing.T) {
	tests := []struct {
		customer kd.CustomerType
		finding  kd.Finding
		want     bool
	}{
		{kd.Consumer, kd.FindingUnfounded, true},
		{kd.Consumer, kd.FindingPartlyFounded, true},
		{kd.Consumer, kd.FindingFounded, false},
		{kd.Consumer, "", false}, // not decided
		{kd.Business, kd.FindingUnfounded, false},
		{kd.Business, kd.FindingPartlyFounded, false},
	}
	for _, tt := range tests {
		c := &kd.Complaint{CustomerType: tt.customer, Finding: tt.finding}
		if got := kd.ADRInformationDue(c); got != tt.want {
			t.Errorf("ADRInformationDue(%s, %q) = %v, want %v", tt.customer, tt.finding, got, tt.want)
		}
	}
}

func TestNewMessageID(t *testing.T) {
	form := regexp.MustCompile(`^kl-2026-000042\.[a-z2-7]{24}@(.+)$`)
	tests := []struct{ address, domain string }{
		{"klachten@ACTWebservice.nl", "actwebservice.nl"},
		{" klachten@example.org ", "example.org"},
		{"", "klachtdesk.invalid"},
		{"geen adres", "klachtdesk.invalid"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		id := kd.NewMessageID("KL-2026-000042", tt.address)
		m := form.FindStringSubmatch(id)
		if m == nil || m[1] != tt.domain {
			t.Errorf("NewMessageID(%q) = %q, want the domain %s", tt.address, id, tt.domain)
		}
		if seen[id] {
			t.Errorf("NewMessageID repeated %q", id)
		}
		seen[id] = true
	}
}
