package klachtdesk_test

import (
	"strings"
	"testing"
	"time"

	kd "github.com/klachtdesk/klachtdesk"
)

var amsterdam = mustZone("Europe/Amsterdam")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at returns the instant of a local Amsterdam wall-clock time.
func at(date string, hour int) time.Time {
	return kd.MustParseDate(date).Start(amsterdam).Add(time.Duration(hour) * time.Hour)
}

const (
	handler   int64 = 10
	reviewer  int64 = 11
	concerned int64 = 12
)

// received is the instant the fixture complaints arrive: Monday 2 November
// 2026, 09:00 in Amsterdam; answer_due is Monday 16 November.
var received = at("2026-11-02", 9)

func env(now time.Time) kd.Env {
	return kd.Env{Now: now, Settings: kd.DefaultSettings(), Actor: &kd.User{ID: handler, Username: "henk", Role: kd.RoleHandler}}
}

func newComplaint(kind kd.Kind, subtype string, ct kd.CustomerType) *kd.NewComplaint {
	return &kd.NewComplaint{
		Channel:            kd.ChannelEmail,
		ReceivedAt:         received,
		Complainant:        kd.Complainant{Name: "Sanne de Vries", Email: "sanne@example.nl", Type: ct, Language: kd.LanguageDutch},
		Kind:               kd.Kind(kind),
		Subtype:            subtype,
		Description:        "De helpdesk was drie dagen onbereikbaar.",
		ConcernedEmployees: []int64{concerned},
	}
}

// mustApply applies actions in order and fails the test on any error.
func mustApply(t *testing.T, c *kd.Complaint, e kd.Env, actions ...kd.Action) {
	t.Helper()
	for _, a := range actions {
		if err := a.Apply(c, e); err != nil {
			t.Fatalf("%s on %s complaint: %v", a.EventKind(), c.State, err)
		}
	}
}

// fixture builds a complaint in the given state through the real actions: an
// internal-route service complaint, or a consumer's product complaint on the
// mediator route when mediator is true.
func fixture(t *testing.T, state kd.State, mediator bool) *kd.Complaint {
	t.Helper()
	n := newComplaint(kd.KindService, "reachability", kd.Consumer)
	if mediator {
		n = newComplaint(kd.KindProduct, "defect", kd.Consumer)
	}
	e := env(received.Add(time.Hour))
	c, err := kd.Register(n, "KL-2026-000001", 1, e)
	if err != nil {
		t.Fatal(err)
	}
	decided := kd.Decide{Decision: kd.Decision{Finding: kd.FindingUnfounded, Motivation: "De storing lag bij de provider."}}
	switch state {
	case kd.StateReceived:
	case kd.StateAcknowledged:
		mustApply(t, c, e, kd.Acknowledge{}, kd.Assign{HandlerID: handler})
	case kd.StateInTreatment:
		mustApply(t, c, e, kd.Acknowledge{}, kd.Assign{HandlerID: handler}, kd.StartTreatment{})
	case kd.StateAwaitingInfo:
		mustApply(t, c, e, kd.Acknowledge{}, kd.Assign{HandlerID: handler}, kd.StartTreatment{}, kd.RequestInfo{Question: "Welk nummer belde u?"})
	case kd.StateAnswered:
		mustApply(t, c, e, kd.Acknowledge{}, kd.Assign{HandlerID: handler}, kd.StartTreatment{}, decided)
	case kd.StateReferred:
		mustApply(t, c, e, kd.Acknowledge{}, kd.Refer{})
	case kd.StateClosed:
		mustApply(t, c, e, kd.Acknowledge{}, kd.Assign{HandlerID: handler}, kd.StartTreatment{}, decided, kd.Close{Reason: kd.CloseAccepted})
	case kd.StateAnonymised:
		mustApply(t, c, e, kd.Acknowledge{}, kd.Assign{HandlerID: handler}, kd.StartTreatment{}, decided, kd.Close{Reason: kd.CloseAccepted})
		mustApply(t, c, env(received.AddDate(2, 1, 0)), kd.Anonymise{})
	default:
		t.Fatalf("no fixture for %s", state)
	}
	if c.State != state {
		t.Fatalf("fixture is %s, want %s", c.State, state)
	}
	return c
}

// TestActionsInEveryState applies every action of the procedure, with valid
// arguments, to a complaint in every state, and checks the outcome: the state
// reached, or the error code of the refusal.
func TestActionsInEveryState(t *testing.T) {
	now := received.Add(72 * time.Hour) // Thursday 5 November: within the answer term
	promised := kd.MustParseDate("2026-11-30")
	const ok = ""
	const refused = kd.ETransitionNotAllowed
	type outcome struct {
		code  string   // "" when allowed
		state kd.State // state after, when allowed ("" = unchanged)
	}
	// Columns: received, acknowledged, in_treatment, awaiting_info, answered,
	// referred, closed, anonymised.
	tests := []struct {
		action kd.Action
		want   [8]outcome
	}{
		{kd.Acknowledge{}, [8]outcome{{ok, kd.StateAcknowledged}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}}},
		{kd.Classify{Kind: kd.KindService, Subtype: "communication", CustomerType: kd.Business}, [8]outcome{{}, {}, {}, {}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}}},
		{kd.Assign{HandlerID: reviewer}, [8]outcome{{}, {}, {}, {}, {}, {}, {refused, ""}, {refused, ""}}},
		{kd.SetConcerned{UserIDs: []int64{concerned, 13}}, [8]outcome{{}, {}, {}, {}, {}, {}, {refused, ""}, {refused, ""}}},
		{kd.StartTreatment{}, [8]outcome{{refused, ""}, {ok, kd.StateInTreatment}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}}},
		{kd.RequestInfo{Question: "Wanneer belde u?"}, [8]outcome{{refused, ""}, {refused, ""}, {ok, kd.StateAwaitingInfo}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}}},
		{kd.ReceiveInfo{}, [8]outcome{{refused, ""}, {refused, ""}, {refused, ""}, {ok, kd.StateInTreatment}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}}},
		{kd.Extend{Extension: kd.Extension{Reason: "Leverancier onderzoekt de storing", Promised: promised}}, [8]outcome{{}, {}, {}, {}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}}},
		{kd.Decide{Decision: kd.Decision{Finding: kd.FindingFounded, Motivation: "Wij waren onbereikbaar.", SettlementType: "apology", Settlement: "Excuses en een maand gratis."}}, [8]outcome{{refused, ""}, {refused, ""}, {ok, kd.StateAnswered}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}}},
		{kd.Reopen{Reason: "Klager wijst het antwoord af"}, [8]outcome{{refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}, {ok, kd.StateInTreatment}, {refused, ""}, {ok, kd.StateInTreatment}, {refused, ""}}},
		{kd.Close{Reason: kd.CloseWithdrawn}, [8]outcome{{ok, kd.StateClosed}, {ok, kd.StateClosed}, {ok, kd.StateClosed}, {ok, kd.StateClosed}, {ok, kd.StateClosed}, {ok, kd.StateClosed}, {refused, ""}, {refused, ""}}},
		{kd.SetLegalHold{On: true, Reason: "Advocaat kondigt procedure aan"}, [8]outcome{{}, {}, {}, {}, {}, {}, {}, {refused, ""}}},
		{kd.Escalate{}, [8]outcome{{}, {}, {}, {}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}}},
		{kd.RecordRootCause{RootCause: "Wachtrij niet bemand tijdens lunch"}, [8]outcome{{}, {}, {}, {}, {}, {}, {}, {refused, ""}}},
		{kd.RecordSatisfaction{Score: 4}, [8]outcome{{refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}, {}, {}, {}, {refused, ""}}},
		{kd.Anonymise{}, [8]outcome{{refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}, {refused, ""}, {kd.ERetentionNotReached, ""}, {refused, ""}}},
	}
	for _, tt := range tests {
		for i, from := range kd.States {
			want := tt.want[i]
			name := tt.action.EventKind() + "/" + string(from)
			if want.code == "" {
				name += "/allowed"
			} else {
				name += "/" + want.code
			}
			t.Run(name, func(t *testing.T) {
				c := fixture(t, from, from == kd.StateReferred)
				before := *c
				err := tt.action.Apply(c, env(now))
				if got := kd.ErrorCode(err); got != want.code {
					t.Fatalf("error code = %q (%v), want %q", got, err, want.code)
				}
				wantState := want.state
				if wantState == "" || want.code != "" {
					wantState = before.State
				}
				if err == nil && c.State != wantState {
					t.Errorf("state after = %s, want %s", c.State, wantState)
				}
			})
		}
	}
}

func TestReferralTiming(t *testing.T) {
	now := received.Add(24 * time.Hour)
	tests := []struct {
		timing kd.ReferralTiming
		from   kd.State
		want   string
	}{
		{kd.ReferOnClassification, kd.StateReceived, ""},
		{kd.ReferOnClassification, kd.StateAcknowledged, ""},
		{kd.ReferOnClassification, kd.StateAnswered, kd.ETransitionNotAllowed},
		{kd.ReferAfterDecision, kd.StateAcknowledged, kd.ETransitionNotAllowed},
		{kd.ReferAfterDecision, kd.StateAnswered, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.timing)+"/"+string(tt.from), func(t *testing.T) {
			e := env(now)
			e.Settings.ReferralTiming = tt.timing
			c := mediatorComplaint(t, tt.from, e)
			err := kd.Refer{ExternalRef: "ICTW-123"}.Apply(c, e)
			if got := kd.ErrorCode(err); got != tt.want {
				t.Fatalf("Refer: code %q (%v), want %q", got, err, tt.want)
			}
			if err == nil && (c.State != kd.StateReferred || c.ReferredAt != now.UTC() || c.ExternalRef != "ICTW-123") {
				t.Errorf("after referral: state %s, referred_at %v, external ref %q", c.State, c.ReferredAt, c.ExternalRef)
			}
		})
	}
}

// mediatorComplaint builds a consumer's product complaint in state from
// under the referral timing of e.
func mediatorComplaint(t *testing.T, from kd.State, e kd.Env) *kd.Complaint {
	t.Helper()
	c, err := kd.Register(newComplaint(kd.KindProduct, "defect", kd.Consumer), "KL-2026-000002", 1, e)
	if err != nil {
		t.Fatal(err)
	}
	switch from {
	case kd.StateReceived:
	case kd.StateAcknowledged:
		mustApply(t, c, e, kd.Acknowledge{})
	case kd.StateAnswered:
		if e.Settings.ReferralTiming == kd.ReferOnClassification {
			// Under on_classification such a complaint cannot be treated;
			// build the answered state as after_decision would.
			e2 := e
			e2.Settings.ReferralTiming = kd.ReferAfterDecision
			e = e2
		}
		mustApply(t, c, e, kd.Acknowledge{}, kd.Assign{HandlerID: handler}, kd.StartTreatment{},
			kd.Decide{Decision: kd.Decision{Finding: kd.FindingUnfounded, Motivation: "Het defect valt buiten de garantie."}})
	}
	return c
}

func TestStartTreatmentOnMediatorRoute(t *testing.T) {
	tests := []struct {
		timing kd.ReferralTiming
		want   string
	}{
		{kd.ReferOnClassification, kd.ERouteMismatch},
		{kd.ReferAfterDecision, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.timing), func(t *testing.T) {
			e := env(received.Add(time.Hour))
			e.Settings.ReferralTiming = tt.timing
			c := mediatorComplaint(t, kd.StateAcknowledged, e)
			mustApply(t, c, e, kd.Assign{HandlerID: handler})
			if got := kd.ErrorCode(kd.StartTreatment{}.Apply(c, e)); got != tt.want {
				t.Errorf("StartTreatment: code %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("internal route cannot be referred", func(t *testing.T) {
		c := fixture(t, kd.StateAcknowledged, false)
		if got := kd.ErrorCode(kd.Refer{}.Apply(c, env(received))); got != kd.ERouteMismatch {
			t.Errorf("Refer on internal route: code %q, want %q", got, kd.ERouteMismatch)
		}
	})
	t.Run("start treatment needs a handler", func(t *testing.T) {
		c := fixture(t, kd.StateReceived, false)
		mustApply(t, c, env(received), kd.Acknowledge{})
		if got := kd.ErrorCode(kd.StartTreatment{}.Apply(c, env(received))); got != kd.EINVALID {
			t.Errorf("StartTreatment without handler: code %q, want %q", got, kd.EINVALID)
		}
	})
}

func TestConflictOfInterest(t *testing.T) {
	concernedActor := kd.Env{Now: received.Add(time.Hour), Settings: kd.DefaultSettings(), Actor: &kd.User{ID: concerned, Username: "piet", Role: kd.RoleHandler}}
	tests := []struct {
		name   string
		state  kd.State
		action kd.Action
		env    kd.Env
	}{
		{"concerned employee cannot be made handler", kd.StateAcknowledged, kd.Assign{HandlerID: concerned}, env(received)},
		{"handler cannot be made a concerned employee", kd.StateAcknowledged, kd.SetConcerned{UserIDs: []int64{handler}}, env(received)},
		{"reviewer must differ from the first handler", kd.StateAnswered, kd.Reopen{Reason: "bezwaar", ReviewerID: handler}, env(received)},
		{"concerned employee cannot review", kd.StateAnswered, kd.Reopen{Reason: "bezwaar", ReviewerID: concerned}, env(received)},
		{"concerned employee cannot decide", kd.StateInTreatment, kd.Decide{Decision: kd.Decision{Finding: kd.FindingUnfounded, Motivation: "niets aan de hand"}}, concernedActor},
		{"concerned employee cannot extend", kd.StateInTreatment, kd.Extend{Extension: kd.Extension{Reason: "drukte", Promised: kd.MustParseDate("2026-11-20")}}, concernedActor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixture(t, tt.state, false)
			before := *c
			err := tt.action.Apply(c, tt.env)
			if got := kd.ErrorCode(err); got != kd.EConflictOfInterest {
				t.Fatalf("code %q (%v), want %q", got, err, kd.EConflictOfInterest)
			}
			if c.HandlerID != before.HandlerID || c.ReviewerID != before.ReviewerID || c.State != before.State {
				t.Errorf("refused action changed the complaint")
			}
		})
	}
	t.Run("review by a colleague keeps the first handler on record", func(t *testing.T) {
		c := fixture(t, kd.StateAnswered, false)
		mustApply(t, c, env(received.Add(96*time.Hour)), kd.Reopen{Reason: "Klager wijst het antwoord af", ReviewerID: reviewer})
		if c.HandlerID != handler || c.ReviewerID != reviewer {
			t.Errorf("handler %d, reviewer %d; want %d, %d", c.HandlerID, c.ReviewerID, handler, reviewer)
		}
		if got := kd.ErrorCode(kd.Assign{HandlerID: reviewer}.Apply(c, env(received))); got != kd.EConflictOfInterest {
			t.Errorf("making the reviewer the handler: code %q, want %q", got, kd.EConflictOfInterest)
		}
	})
	t.Run("CheckConflict", func(t *testing.T) {
		c := &kd.Complaint{Reference: "KL-2026-000001", ConcernedEmployees: []int64{3, 7}}
		tests := []struct {
			handler, reviewer int64
			want              string
		}{
			{0, 0, ""}, {1, 0, ""}, {3, 0, kd.EConflictOfInterest}, {1, 7, kd.EConflictOfInterest},
			{1, 1, kd.EConflictOfInterest}, {1, 2, ""},
		}
		for _, tt := range tests {
			if got := kd.ErrorCode(kd.CheckConflict(c, tt.handler, tt.reviewer)); got != tt.want {
				t.Errorf("CheckConflict(handler %d, reviewer %d) = %q, want %q", tt.handler, tt.reviewer, got, tt.want)
			}
		}
	})
}

func TestExtensionRule(t *testing.T) {
	// answer_due of the fixture is Monday 2026-11-16.
	due := kd.MustParseDate("2026-11-16")
	tests := []struct {
		name  string
		today string
		ext   kd.Extension
		want  string
	}{
		{"within the term", "2026-11-05", kd.Extension{Reason: "onderzoek leverancier", Promised: due.AddDays(7)}, ""},
		{"on answer_due itself", "2026-11-16", kd.Extension{Reason: "onderzoek leverancier", Promised: due.AddDays(7)}, ""},
		{"one day after answer_due", "2026-11-17", kd.Extension{Reason: "onderzoek leverancier", Promised: due.AddDays(7)}, kd.EExtensionTooLate},
		{"no reason", "2026-11-05", kd.Extension{Reason: "  ", Promised: due.AddDays(7)}, kd.EINVALID},
		{"no promised date", "2026-11-05", kd.Extension{Reason: "onderzoek"}, kd.EINVALID},
		{"promised date not after answer_due", "2026-11-05", kd.Extension{Reason: "onderzoek", Promised: due}, kd.EINVALID},
		{"28 days past answer_due", "2026-11-05", kd.Extension{Reason: "onderzoek", Promised: due.AddDays(28)}, ""},
		{"29 days past answer_due without consent", "2026-11-05", kd.Extension{Reason: "onderzoek", Promised: due.AddDays(29)}, kd.EExtensionTooLong},
		{"29 days past answer_due with consent", "2026-11-05", kd.Extension{Reason: "onderzoek", Promised: due.AddDays(29), Consent: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixture(t, kd.StateInTreatment, false)
			if c.AnswerDue.Date != due {
				t.Fatalf("fixture answer_due %s, want %s", c.AnswerDue.Date, due)
			}
			e := env(kd.MustParseDate(tt.today).Start(amsterdam).Add(15 * time.Hour))
			err := kd.Extend{Extension: tt.ext}.Apply(c, e)
			if got := kd.ErrorCode(err); got != tt.want {
				t.Fatalf("code %q (%v), want %q", got, err, tt.want)
			}
			if err == nil {
				if !c.Extended || c.PromisedDate.Date != tt.ext.Promised || c.PromisedDate.Rule != e.Settings.RuleVersion() || c.ExtensionConsent != tt.ext.Consent {
					t.Errorf("after extension: extended %v, promised %+v, consent %v", c.Extended, c.PromisedDate, c.ExtensionConsent)
				}
				if c.AnswerDue.Date != due {
					t.Errorf("extension moved answer_due to %s", c.AnswerDue.Date)
				}
			} else if c.Extended {
				t.Errorf("refused extension set the flag")
			}
		})
	}
}

func TestRouteRule(t *testing.T) {
	tests := []struct {
		kind kd.Kind
		ct   kd.CustomerType
		want kd.Route
	}{
		{kd.KindProduct, kd.Consumer, kd.RouteMediator},
		{kd.KindProduct, kd.Business, kd.RouteInternal},
		{kd.KindService, kd.Consumer, kd.RouteInternal},
		{kd.KindService, kd.Business, kd.RouteInternal},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind)+"/"+string(tt.ct), func(t *testing.T) {
			if got := kd.RouteFor(tt.kind, tt.ct); got != tt.want {
				t.Errorf("RouteFor = %s, want %s", got, tt.want)
			}
		})
	}
	t.Run("reclassification moves the route", func(t *testing.T) {
		c := fixture(t, kd.StateAcknowledged, false)
		mustApply(t, c, env(received), kd.Classify{Kind: kd.KindProduct, Subtype: "delivery", CustomerType: kd.Consumer})
		if c.Route != kd.RouteMediator {
			t.Errorf("route after reclassification = %s, want mediator", c.Route)
		}
	})
}

func TestDecisionRule(t *testing.T) {
	tests := []struct {
		name string
		d    kd.Decision
		want string
	}{
		{"unfounded with motivation", kd.Decision{Finding: kd.FindingUnfounded, Motivation: "Geen fout gevonden."}, ""},
		{"founded with settlement", kd.Decision{Finding: kd.FindingFounded, Motivation: "Wij waren onbereikbaar.", SettlementType: "refund", Settlement: "U krijgt € 25 terug."}, ""},
		{"partly founded with settlement", kd.Decision{Finding: kd.FindingPartlyFounded, Motivation: "Deels terecht.", SettlementType: "apology", Settlement: "Excuses."}, ""},
		{"no finding", kd.Decision{Motivation: "Geen fout gevonden."}, kd.EDecisionIncomplete},
		{"unknown finding", kd.Decision{Finding: "maybe", Motivation: "?"}, kd.EINVALID},
		{"no motivation", kd.Decision{Finding: kd.FindingUnfounded, Motivation: " \n"}, kd.EDecisionIncomplete},
		{"founded without settlement", kd.Decision{Finding: kd.FindingFounded, Motivation: "Terecht."}, kd.EDecisionIncomplete},
		{"partly founded without settlement text", kd.Decision{Finding: kd.FindingPartlyFounded, Motivation: "Deels.", SettlementType: "refund"}, kd.EDecisionIncomplete},
		{"unknown settlement type", kd.Decision{Finding: kd.FindingFounded, Motivation: "Terecht.", SettlementType: "bribe", Settlement: "x"}, kd.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kd.ErrorCode(kd.ValidateDecision(tt.d)); got != tt.want {
				t.Errorf("ValidateDecision = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("decide starts the reaction term", func(t *testing.T) {
		c := fixture(t, kd.StateInTreatment, false)
		e := env(at("2026-11-10", 14))
		mustApply(t, c, e, kd.Decide{Decision: tests[1].d})
		if c.ReactionDue.Date != kd.MustParseDate("2026-11-24") || c.AnsweredAt != e.Now.UTC() || c.Finding != kd.FindingFounded {
			t.Errorf("reaction_due %s, answered_at %v, finding %s", c.ReactionDue.Date, c.AnsweredAt, c.Finding)
		}
	})
}

func TestCloseRules(t *testing.T) {
	tests := []struct {
		name  string
		state kd.State
		now   time.Time
		close kd.Close
		want  string
	}{
		{"not admissible needs a reason", kd.StateReceived, received, kd.Close{Reason: kd.CloseNotAdmissible}, kd.EINVALID},
		{"not admissible: spam", kd.StateReceived, received, kd.Close{Reason: kd.CloseNotAdmissible, Detail: "spam"}, ""},
		{"not admissible after treatment started", kd.StateInTreatment, received, kd.Close{Reason: kd.CloseNotAdmissible, Detail: "spam"}, kd.ETransitionNotAllowed},
		{"accepted before an answer", kd.StateInTreatment, received, kd.Close{Reason: kd.CloseAccepted}, kd.ETransitionNotAllowed},
		{"accepted after the answer", kd.StateAnswered, received, kd.Close{Reason: kd.CloseAccepted}, ""},
		{"no response within the reaction term", kd.StateAnswered, at("2026-11-16", 12), kd.Close{Reason: kd.CloseNoResponse}, kd.ETransitionNotAllowed},
		{"no response after the reaction term", kd.StateAnswered, at("2026-11-17", 12), kd.Close{Reason: kd.CloseNoResponse}, ""},
		{"external outcome needs the outcome", kd.StateReferred, received, kd.Close{Reason: kd.CloseExternalOutcome}, kd.EINVALID},
		{"external outcome recorded", kd.StateReferred, received, kd.Close{Reason: kd.CloseExternalOutcome, Detail: "Schikking via ICTWaarborg"}, ""},
		{"referral lapses only after the watch period", kd.StateReferred, at("2027-10-01", 12), kd.Close{Reason: kd.CloseReferralLapsed}, kd.ETransitionNotAllowed},
		{"referral lapsed after 12 months", kd.StateReferred, at("2027-11-03", 12), kd.Close{Reason: kd.CloseReferralLapsed}, ""},
		{"unknown reason", kd.StateAnswered, received, kd.Close{Reason: "bored"}, kd.ETransitionNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixture(t, tt.state, tt.state == kd.StateReferred)
			err := tt.close.Apply(c, env(tt.now))
			if got := kd.ErrorCode(err); got != tt.want {
				t.Fatalf("code %q (%v), want %q", got, err, tt.want)
			}
			if err == nil {
				today := kd.DateOf(tt.now, amsterdam)
				if c.State != kd.StateClosed || c.CloseReason != tt.close.Reason || c.RetentionUntil.Date != today.AddMonths(24) || c.RetentionUntil.Rule != "r1.s0" {
					t.Errorf("after close: state %s, reason %s, retention %s", c.State, c.CloseReason, c.RetentionUntil)
				}
			}
		})
	}
}

func TestReopen(t *testing.T) {
	t.Run("recomputes the answer term under the rules in force", func(t *testing.T) {
		c := fixture(t, kd.StateAnswered, false)
		e := env(at("2026-11-20", 10))
		e.Settings.Revision = 7
		mustApply(t, c, e, kd.Reopen{Reason: "Nieuwe informatie van klager"})
		if c.AnswerDue.Date != kd.MustParseDate("2026-12-04") || c.AnswerDue.Rule != "r1.s7" {
			t.Errorf("answer_due after reopen = %+v, want 2026-12-04 by r1.s7", c.AnswerDue)
		}
		if c.ActBy.Date != kd.MustParseDate("2026-12-04") || !c.ReactionDue.IsZero() || !c.AnsweredAt.IsZero() {
			t.Errorf("act_by %s, reaction_due %s, answered_at %v", c.ActBy.Date, c.ReactionDue.Date, c.AnsweredAt)
		}
	})
	tests := []struct {
		name   string
		reason kd.CloseReason
		now    time.Time
		want   string
	}{
		{"closed as accepted, within the window", kd.CloseAccepted, at("2026-12-01", 9), ""},
		{"closed as accepted, after the window", kd.CloseAccepted, at("2026-12-06", 9), kd.ETransitionNotAllowed},
		{"closed as withdrawn", kd.CloseWithdrawn, at("2026-11-06", 9), kd.ETransitionNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixture(t, kd.StateAnswered, false)
			mustApply(t, c, env(received.Add(72*time.Hour)), kd.Close{Reason: tt.reason}) // closed 2026-11-05
			err := kd.Reopen{Reason: "Klager reageert"}.Apply(c, env(tt.now))
			if got := kd.ErrorCode(err); got != tt.want {
				t.Fatalf("code %q (%v), want %q", got, err, tt.want)
			}
			if err == nil && (c.State != kd.StateInTreatment || !c.ClosedAt.IsZero() || c.CloseReason != "" || !c.RetentionUntil.IsZero()) {
				t.Errorf("reopened complaint still carries closing data: %+v", c)
			}
		})
	}
	t.Run("needs a reason", func(t *testing.T) {
		c := fixture(t, kd.StateAnswered, false)
		if got := kd.ErrorCode(kd.Reopen{}.Apply(c, env(received))); got != kd.EINVALID {
			t.Errorf("code %q, want %q", got, kd.EINVALID)
		}
	})
}

func TestAnonymise(t *testing.T) {
	closedFixture := func(t *testing.T) *kd.Complaint { return fixture(t, kd.StateClosed, false) }
	t.Run("before retention_until", func(t *testing.T) {
		c := closedFixture(t)
		if got := kd.ErrorCode(kd.Anonymise{}.Apply(c, env(at("2028-11-01", 12)))); got != kd.ERetentionNotReached {
			t.Errorf("code %q, want %q", got, kd.ERetentionNotReached)
		}
	})
	t.Run("under legal hold", func(t *testing.T) {
		c := closedFixture(t)
		mustApply(t, c, env(received), kd.SetLegalHold{On: true, Reason: "procedure aangekondigd"})
		if got := kd.ErrorCode(kd.Anonymise{}.Apply(c, env(at("2030-01-01", 12)))); got != kd.ELegalHold {
			t.Errorf("code %q, want %q", got, kd.ELegalHold)
		}
		mustApply(t, c, env(received), kd.SetLegalHold{On: false, Reason: "zaak geschikt"})
		mustApply(t, c, env(at("2030-01-01", 12)), kd.Anonymise{})
	})
	t.Run("removes personal text and keeps statistics", func(t *testing.T) {
		c := closedFixture(t)
		mustApply(t, c, env(at("2028-11-02", 12)), kd.Anonymise{})
		if c.State != kd.StateAnonymised || c.Description != "" || c.Motivation != "" || c.ConcernedEmployees != nil {
			t.Errorf("personal data left: %+v", c)
		}
		if c.Kind != kd.KindService || c.Subtype != "reachability" || c.Finding != kd.FindingUnfounded || c.ReceiptDate.IsZero() || c.AnswerDue.IsZero() {
			t.Errorf("statistics lost: %+v", c)
		}
	})
	t.Run("legal hold twice", func(t *testing.T) {
		c := closedFixture(t)
		if got := kd.ErrorCode(kd.SetLegalHold{On: false, Reason: "x"}.Apply(c, env(received))); got != kd.ECONFLICT {
			t.Errorf("lifting an absent hold: code %q, want %q", got, kd.ECONFLICT)
		}
	})
}

func TestRegister(t *testing.T) {
	tests := []struct {
		name                                 string
		receivedAt                           time.Time
		roll                                 kd.Roll
		wantReceipt, wantDue, wantActBy, ack string
	}{
		// The worked examples of DOMAIN.md.
		{"King's Day, no roll", at("2026-04-13", 10), kd.RollNone, "2026-04-13", "2026-04-27", "2026-04-24", "2026-04-16"},
		{"King's Day, forward roll", at("2026-04-13", 10), kd.RollForward, "2026-04-13", "2026-04-28", "2026-04-28", "2026-04-16"},
		{"Boxing Day, no roll", at("2025-12-12", 10), kd.RollNone, "2025-12-12", "2025-12-26", "2025-12-24", "2025-12-17"},
		{"Boxing Day, forward roll", at("2025-12-12", 10), kd.RollForward, "2025-12-12", "2025-12-29", "2025-12-29", "2025-12-17"},
		{"Boxing Day, backward roll", at("2025-12-12", 10), kd.RollBackward, "2025-12-12", "2025-12-24", "2025-12-24", "2025-12-17"},
		{"late evening counts for the local date", at("2026-11-02", 23).Add(59 * time.Minute), kd.RollNone, "2026-11-02", "2026-11-16", "2026-11-16", "2026-11-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newComplaint(kd.KindService, "information", kd.Business)
			n.ReceivedAt = tt.receivedAt
			e := env(tt.receivedAt.Add(time.Hour))
			e.Settings.AnswerRoll = tt.roll
			e.Settings.Revision = 3
			c, err := kd.Register(n, "KL-2026-000009", 4, e)
			if err != nil {
				t.Fatal(err)
			}
			got := [4]string{c.ReceiptDate.String(), c.AnswerDue.Date.String(), c.ActBy.Date.String(), c.AckDue.Date.String()}
			want := [4]string{tt.wantReceipt, tt.wantDue, tt.wantActBy, tt.ack}
			if got != want {
				t.Errorf("receipt, answer_due, act_by, ack_due = %v, want %v", got, want)
			}
			for _, d := range []kd.Deadline{c.AnswerDue, c.ActBy, c.AckDue} {
				if d.Rule != "r1.s3" {
					t.Errorf("deadline %s computed by %q, want r1.s3", d.Date, d.Rule)
				}
			}
			if c.State != kd.StateReceived || c.Route != kd.RouteInternal || c.ReceivedAt.Location() != time.UTC {
				t.Errorf("state %s, route %s, received_at zone %v", c.State, c.Route, c.ReceivedAt.Location())
			}
		})
	}
}

func TestLateNotice(t *testing.T) {
	tests := []struct {
		name       string
		kind       kd.Kind
		subtype    string
		ct         kd.CustomerType
		discovered string
		want       bool
	}{
		{"consumer defect 3 months late", kd.KindProduct, "defect", kd.Consumer, "2026-08-01", true},
		{"consumer defect exactly 2 months", kd.KindProduct, "defect", kd.Consumer, "2026-09-02", false},
		{"consumer defect 2 months and a day", kd.KindProduct, "defect", kd.Consumer, "2026-09-01", true},
		{"business defect late", kd.KindProduct, "defect", kd.Business, "2026-01-01", false},
		{"consumer delivery late", kd.KindProduct, "delivery", kd.Consumer, "2026-01-01", false},
		{"no discovery date", kd.KindProduct, "defect", kd.Consumer, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newComplaint(tt.kind, tt.subtype, tt.ct)
			if tt.discovered != "" {
				n.Discovered = kd.MustParseDate(tt.discovered)
			}
			c, err := kd.Register(n, "KL-2026-000003", 1, env(received))
			if err != nil {
				t.Fatal(err)
			}
			if c.LateNotice != tt.want {
				t.Errorf("late notice = %v, want %v (a warning, never a refusal)", c.LateNotice, tt.want)
			}
		})
	}
}

func TestNewComplaintValidate(t *testing.T) {
	now := received.Add(time.Hour)
	tests := []struct {
		name   string
		change func(n *kd.NewComplaint)
		want   string
	}{
		{"valid", func(n *kd.NewComplaint) {}, ""},
		{"phone call is not written", func(n *kd.NewComplaint) { n.Channel = "phone" }, kd.ENotWritten},
		{"unknown channel", func(n *kd.NewComplaint) { n.Channel = "pigeon" }, kd.EINVALID},
		{"no received instant", func(n *kd.NewComplaint) { n.ReceivedAt = time.Time{} }, kd.EINVALID},
		{"received in the future", func(n *kd.NewComplaint) { n.ReceivedAt = now.Add(time.Hour) }, kd.EINVALID},
		{"received before 1900", func(n *kd.NewComplaint) { n.ReceivedAt = time.Date(0, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3600)) }, kd.EINVALID},
		{"no complainant", func(n *kd.NewComplaint) { n.Complainant.Name, n.Complainant.Email = "", "" }, kd.EINVALID},
		{"bad customer type", func(n *kd.NewComplaint) { n.Complainant.Type = "alien" }, kd.EINVALID},
		{"bad language", func(n *kd.NewComplaint) { n.Complainant.Language = "de" }, kd.EINVALID},
		{"bad kind", func(n *kd.NewComplaint) { n.Kind = "weather" }, kd.EINVALID},
		{"subtype of the other kind", func(n *kd.NewComplaint) { n.Subtype = "defect" }, kd.EINVALID},
		{"empty text", func(n *kd.NewComplaint) { n.Description = " \t\n" }, kd.EINVALID},
		{"invalid UTF-8", func(n *kd.NewComplaint) { n.Description = "klacht \xff\xfe" }, kd.EINVALID},
		{"huge text", func(n *kd.NewComplaint) { n.Description = strings.Repeat("a", 200_001) }, kd.EINVALID},
		{"bad severity", func(n *kd.NewComplaint) { n.Severity = "apocalyptic" }, kd.EINVALID},
		{"discovered after receipt", func(n *kd.NewComplaint) { n.Discovered = kd.MustParseDate("2026-12-01") }, kd.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newComplaint(kd.KindService, "reachability", kd.Consumer)
			tt.change(n)
			if got := kd.ErrorCode(n.Validate(now)); got != tt.want {
				t.Errorf("Validate = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("defaults", func(t *testing.T) {
		n := newComplaint(kd.KindService, "", kd.Consumer)
		if err := n.Validate(now); err != nil {
			t.Fatal(err)
		}
		if n.Subtype != "other" || n.Severity != kd.SeverityNormal {
			t.Errorf("defaults: subtype %q, severity %q", n.Subtype, n.Severity)
		}
	})
}

func TestIsOverdue(t *testing.T) {
	c := fixture(t, kd.StateInTreatment, false) // answer_due 2026-11-16
	tests := []struct {
		name     string
		extended string
		today    string
		want     bool
	}{
		{"on answer_due", "", "2026-11-16", false},
		{"day after answer_due", "", "2026-11-17", true},
		{"extended, before promised", "2026-11-30", "2026-11-20", false},
		{"extended, after promised", "2026-11-30", "2026-12-01", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := *c
			if tt.extended != "" {
				c.Extended, c.PromisedDate = true, kd.Deadline{Date: kd.MustParseDate(tt.extended)}
			}
			if got := c.IsOverdue(kd.MustParseDate(tt.today)); got != tt.want {
				t.Errorf("IsOverdue = %v, want %v", got, tt.want)
			}
		})
	}
	answered := fixture(t, kd.StateAnswered, false)
	if answered.IsOverdue(kd.MustParseDate("2027-01-01")) {
		t.Errorf("an answered complaint is never overdue")
	}
}

func TestRecordRules(t *testing.T) {
	tests := []struct {
		name   string
		action kd.Action
		want   string
	}{
		{"root cause", kd.RecordRootCause{RootCause: "Onderbezetting"}, ""},
		{"empty root cause", kd.RecordRootCause{RootCause: "  "}, kd.EINVALID},
		{"satisfaction 1", kd.RecordSatisfaction{Score: 1}, ""},
		{"satisfaction 5", kd.RecordSatisfaction{Score: 5}, ""},
		{"satisfaction 0", kd.RecordSatisfaction{Score: 0}, kd.EINVALID},
		{"satisfaction 6", kd.RecordSatisfaction{Score: 6}, kd.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixture(t, kd.StateAnswered, false)
			if got := kd.ErrorCode(tt.action.Apply(c, env(received))); got != tt.want {
				t.Errorf("code %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEscalationFor(t *testing.T) {
	// Fixture: received Mon 2026-11-02, act_by = answer_due = Mon 2026-11-16;
	// two working days before act_by is Thu 2026-11-12.
	s := kd.DefaultSettings()
	cal := kd.NewCalendar(s)
	tests := []struct {
		name     string
		state    kd.State
		extended string
		today    string
		want     kd.EscalationLevel
	}{
		{"well before", kd.StateInTreatment, "", "2026-11-11", kd.EscalationNone},
		{"two working days before act_by", kd.StateInTreatment, "", "2026-11-12", kd.EscalationNearDue},
		{"over the weekend", kd.StateAwaitingInfo, "", "2026-11-14", kd.EscalationNearDue},
		{"on answer_due", kd.StateReceived, "", "2026-11-16", kd.EscalationNearDue},
		{"overdue", kd.StateAcknowledged, "", "2026-11-17", kd.EscalationOverdue},
		{"extended, not yet due", kd.StateInTreatment, "2026-11-30", "2026-11-17", kd.EscalationNone},
		{"extended and overdue", kd.StateInTreatment, "2026-11-30", "2026-12-01", kd.EscalationOverdue},
		{"answered", kd.StateAnswered, "", "2026-12-01", kd.EscalationNone},
		{"referred", kd.StateReferred, "", "2026-12-01", kd.EscalationNone},
		{"closed", kd.StateClosed, "", "2026-12-01", kd.EscalationNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixture(t, tt.state, tt.state == kd.StateReferred)
			if tt.extended != "" {
				c.Extended, c.PromisedDate = true, kd.Deadline{Date: kd.MustParseDate(tt.extended)}
			}
			if got := kd.EscalationFor(c, kd.MustParseDate(tt.today), s, cal); got != tt.want {
				t.Errorf("EscalationFor = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestDeadlineKeepsRuleVersion: a deadline keeps the rule version that
// computed it; a settings change never moves it, only an explicit event
// (extension, reopening) computes a new one, under the rules then in force.
func TestDeadlineKeepsRuleVersion(t *testing.T) {
	e1 := env(received.Add(time.Hour))
	e1.Settings.Revision = 1
	c, err := kd.Register(newComplaint(kd.KindService, "information", kd.Consumer), "KL-2026-000005", 1, e1)
	if err != nil {
		t.Fatal(err)
	}
	registered := *c

	e2 := env(received.Add(48 * time.Hour))
	e2.Settings.Revision = 2
	e2.Settings.AnswerTermDays = 7
	e2.Settings.AnswerRoll = kd.RollForward
	e2.Settings.AckWorkingDays = 1
	mustApply(t, c, e2, kd.Acknowledge{}, kd.Assign{HandlerID: handler}, kd.StartTreatment{}, kd.RequestInfo{Question: "?"}, kd.ReceiveInfo{}, kd.Escalate{})
	for name, pair := range map[string][2]kd.Deadline{
		"ack_due": {registered.AckDue, c.AckDue}, "answer_due": {registered.AnswerDue, c.AnswerDue}, "act_by": {registered.ActBy, c.ActBy},
	} {
		if pair[0] != pair[1] || pair[1].Rule != "r1.s1" {
			t.Errorf("%s moved from %+v to %+v after a settings change", name, pair[0], pair[1])
		}
	}

	mustApply(t, c, e2, kd.Extend{Extension: kd.Extension{Reason: "onderzoek", Promised: kd.MustParseDate("2026-11-25")}})
	if c.PromisedDate.Rule != "r1.s2" || c.AnswerDue != registered.AnswerDue {
		t.Errorf("extension: promised %+v, answer_due %+v", c.PromisedDate, c.AnswerDue)
	}
	mustApply(t, c, e2, kd.Decide{Decision: kd.Decision{Finding: kd.FindingUnfounded, Motivation: "geen fout"}})
	if c.ReactionDue.Rule != "r1.s2" {
		t.Errorf("reaction_due computed by %q, want r1.s2", c.ReactionDue.Rule)
	}
	mustApply(t, c, e2, kd.Reopen{Reason: "nieuwe informatie"})
	// Reopened Wed 2026-11-04 under a 7-day term: due Wed 2026-11-11.
	if c.AnswerDue.Date != kd.MustParseDate("2026-11-11") || c.AnswerDue.Rule != "r1.s2" {
		t.Errorf("reopen: answer_due %+v, want 2026-11-11 by r1.s2", c.AnswerDue)
	}
}
