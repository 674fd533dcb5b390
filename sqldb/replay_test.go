package sqldb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// TestReplay drives ~30 complaints through several hundred random actions,
// valid and refused, by the system and by staff, while the clock jumps ahead
// and settings change; then half of them are anonymised after their
// retention term. Every complaint's events must replay to exactly the stored
// complaint, shredded or not, no personal text may be stored in the trail in
// clear, and the whole chain must verify.
func TestReplay(t *testing.T) {
	db := MustOpenDB(t)
	clock := NewClock(time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC))
	db.Now = clock.Now
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(20260105, 10002))
	complaints, settings, messages := sqldb.NewComplaintService(db), sqldb.NewSettingsService(db), sqldb.NewMessageService(db)

	var staff []*klachtdesk.User
	for i := range 5 {
		staff = append(staff, mustCreateUser(t, db, fmt.Sprintf("handler%d", i), klachtdesk.RoleHandler))
	}
	staff = append(staff, mustCreateUser(t, db, "viewer", klachtdesk.RoleViewer))
	// A short retention lets anonymisation happen within the run.
	if _, err := settings.SetSetting(ctx, "retention.months", "1"); err != nil {
		t.Fatal(err)
	}

	var refs []string
	applied := map[string]int{}
	refused := map[string]int{}
	for step := range 700 {
		if rng.IntN(10) < 8 {
			clock.Advance(time.Duration(rng.IntN(6*60)) * time.Minute)
		} else {
			clock.Advance(time.Duration(1+rng.IntN(2)) * 24 * time.Hour)
		}
		r := rng.IntN(100)
		switch {
		case len(refs) < 30 && (len(refs) < 5 || r < 10):
			n := randomNewComplaint(rng, clock.Now(), staff)
			c, err := complaints.CreateComplaint(ctx, n)
			if err != nil {
				t.Fatalf("step %d: create: %v", step, err)
			}
			refs = append(refs, c.Reference)
		case r < 13:
			key, value := randomSetting(rng)
			if _, err := settings.SetSetting(ctx, key, value); err != nil {
				t.Fatalf("step %d: set %s=%s: %v", step, key, value, err)
			}
		case r < 17:
			ref := refs[rng.IntN(len(refs))]
			m := &klachtdesk.Message{Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail, Text: fmt.Sprintf("Reactie %d", step)}
			var files []klachtdesk.NewAttachment
			if rng.IntN(2) == 0 {
				files = append(files, klachtdesk.NewAttachment{Filename: "scan.pdf", Content: strings.NewReader(fmt.Sprint(rng.IntN(5)))})
			}
			err := messages.AddMessage(ctx, ref, m, files)
			if c, _ := complaints.FindComplaintByReference(ctx, ref); c.State == klachtdesk.StateAnonymised {
				wantCode(t, err, klachtdesk.ETransitionNotAllowed)
			} else if err != nil {
				t.Fatalf("step %d: add message: %v", step, err)
			}
		default:
			ref := refs[rng.IntN(len(refs))]
			c, err := complaints.FindComplaintByReference(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			action := randomAction(rng, c, staff)
			actx := ctx
			if rng.IntN(3) > 0 {
				actx = as(staff[rng.IntN(len(staff))])
			}
			_, err = complaints.Act(actx, ref, action)
			switch code := klachtdesk.ErrorCode(err); code {
			case "":
				applied[action.EventKind()]++
			case klachtdesk.EINTERNAL:
				t.Fatalf("step %d: %s on %s: %v", step, action.EventKind(), ref, err)
			default:
				refused[code]++
			}
		}
	}
	t.Logf("applied %v; refused %v", applied, refused)
	if len(applied) < 12 {
		t.Errorf("only %d kinds of action applied: the run does not cover the procedure", len(applied))
	}
	for _, kind := range []string{"acknowledged", "assigned", "treatment_started", "decided", "closed", "reopened", "referred", "anonymised", "extended"} {
		if applied[kind] == 0 {
			t.Errorf("no %s action applied", kind)
		}
	}

	// Retention: every other complaint has its legal hold lifted, is
	// withdrawn if still open and, once its retention term (one month) has
	// passed, anonymised, so that the replays below also run over trails
	// whose personal values were shredded.
	anonymise := map[string]bool{}
	for i, ref := range refs {
		c, err := complaints.FindComplaintByReference(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		anonymise[ref] = c.State == klachtdesk.StateAnonymised || i%2 == 0
		if !anonymise[ref] || c.State == klachtdesk.StateAnonymised {
			continue
		}
		if c.LegalHold {
			if _, err := complaints.Act(ctx, ref, klachtdesk.SetLegalHold{On: false, Reason: "Procedure afgerond"}); err != nil {
				t.Fatalf("%s: lift legal hold: %v", ref, err)
			}
		}
		if c.IsOpen() {
			if _, err := complaints.Act(ctx, ref, klachtdesk.Close{Reason: klachtdesk.CloseWithdrawn}); err != nil {
				t.Fatalf("%s: withdraw: %v", ref, err)
			}
		}
	}
	clock.Advance(70 * 24 * time.Hour)
	for _, ref := range refs {
		c, err := complaints.FindComplaintByReference(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if anonymise[ref] && c.State != klachtdesk.StateAnonymised {
			if _, err := complaints.Act(ctx, ref, klachtdesk.Anonymise{}); err != nil {
				t.Fatalf("%s: anonymise: %v", ref, err)
			}
		}
	}

	raw := rawDB(t, db)
	personal := []string{"Geen reactie", "drie keer gebeld", "Uit het dossier", "Wij vergoeden", "Onderzoek bij de leverancier",
		"Bemiddeling geslaagd", "ICTW-", "Jan Jansen", "@example.org"}
	trail := rawTrail(t, raw, 0)
	for _, p := range personal {
		if strings.Contains(trail, p) {
			t.Errorf("the events table holds %q in clear", p)
		}
	}
	for _, ref := range refs {
		stored, err := complaints.FindComplaintByReference(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		events, err := complaints.ComplaintEvents(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		replayed, err := klachtdesk.Replay(events)
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		if diff := cmp.Diff(stored, replayed, cmpopts.IgnoreFields(klachtdesk.Complaint{}, "Complainant")); diff != "" {
			t.Errorf("%s: replay differs from the stored complaint (-stored +replayed):\n%s", ref, diff)
		}
		anonymised := stored.State == klachtdesk.StateAnonymised
		if anonymised != anonymise[ref] {
			t.Errorf("%s: %s", ref, stored.State)
		}
		if hasKey(t, raw, stored.ID) == anonymised {
			t.Errorf("%s: %s, and has key: %v", ref, stored.State, !anonymised)
		}
		if opened := openedTrail(t, events); anonymised {
			for _, p := range personal {
				if strings.Contains(opened, p) {
					t.Errorf("%s: anonymised, but its events still hold %q", ref, p)
				}
			}
		} else if !strings.Contains(opened, "drie keer gebeld") {
			t.Errorf("%s: the events do not return the complaint's text", ref)
		}
		// Version counts the changes of the complaint record: neither
		// messages nor changes of the complainant record.
		changes := slices.DeleteFunc(events, func(e *klachtdesk.Event) bool {
			return e.Kind == klachtdesk.EventMessageAdded || e.Kind == klachtdesk.EventComplainantUpdated || e.Kind == klachtdesk.EventComplainantAnonymised
		})
		if stored.Version != len(changes) {
			t.Errorf("%s: version %d, %d change events", ref, stored.Version, len(changes))
		}
	}

	// A complainant is anonymised exactly when none of their complaints is
	// left that is not.
	rows, err := raw.Query(`SELECT cp.id, cp.name, cp.email, SUM(CASE WHEN c.state <> 'anonymised' THEN 1 ELSE 0 END), COUNT(*)
		FROM complainants cp JOIN complaints c ON c.complainant_id = cp.id GROUP BY cp.id, cp.name, cp.email`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var complainants, anonymisedComplainants int
	for rows.Next() {
		var (
			id                 int64
			name, email        string
			remaining, ofTotal int
		)
		if err := rows.Scan(&id, &name, &email, &remaining, &ofTotal); err != nil {
			t.Fatal(err)
		}
		complainants++
		if gone := name == sqldb.AnonymisedName && email == ""; gone != (remaining == 0) {
			t.Errorf("complainant %d (%q, %q) has %d of %d complaints not anonymised", id, name, email, remaining, ofTotal)
		} else if gone {
			anonymisedComplainants++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range anonymise {
		if a {
			n++
		}
	}
	t.Logf("%d of %d complaints and %d of %d complainants anonymised", n, len(refs), anonymisedComplainants, complainants)
	if anonymisedComplainants == 0 || anonymisedComplainants == complainants {
		t.Errorf("%d of %d complainants anonymised: the run does not cover both cases", anonymisedComplainants, complainants)
	}
	report, err := sqldb.NewAuditService(db).VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if report.Break != nil {
		t.Errorf("audit break: %+v", report.Break)
	}
}

func randomNewComplaint(rng *rand.Rand, now time.Time, staff []*klachtdesk.User) *klachtdesk.NewComplaint {
	n := newComplaint(now.Add(-time.Duration(rng.IntN(72*60))*time.Minute), fmt.Sprintf("klant%d@example.org", rng.IntN(12)))
	if rng.IntN(2) == 0 {
		n.Kind = klachtdesk.KindProduct
		n.Discovered = klachtdesk.DateOf(n.ReceivedAt, time.UTC).AddDays(-rng.IntN(120))
	}
	subtypes := klachtdesk.Subtypes[n.Kind]
	n.Subtype = subtypes[rng.IntN(len(subtypes))]
	if rng.IntN(2) == 0 {
		n.Complainant.Type = klachtdesk.Business
	}
	if rng.IntN(3) == 0 {
		n.Channel = klachtdesk.ChannelLetter
	}
	for _, u := range staff[:5] {
		if rng.IntN(6) == 0 {
			n.ConcernedEmployees = append(n.ConcernedEmployees, u.ID)
		}
	}
	return n
}

func randomSetting(rng *rand.Rand) (key, value string) {
	switch rng.IntN(4) {
	case 0:
		return "answer.term_days", fmt.Sprint(10 + rng.IntN(15))
	case 1:
		return "answer.roll", []string{"none", "forward", "backward"}[rng.IntN(3)]
	case 2:
		return "referral.timing", []string{"on_classification", "after_decision"}[rng.IntN(2)]
	default:
		return "reaction.days", fmt.Sprint(7 + rng.IntN(14))
	}
}

// randomAction returns, more often than not, a step that fits the
// complaint's state, and otherwise any action with random (possibly invalid)
// parameters.
func randomAction(rng *rand.Rand, c *klachtdesk.Complaint, staff []*klachtdesk.User) klachtdesk.Action {
	handler := func() int64 { return staff[rng.IntN(5)].ID }
	text := func(s string) string {
		if rng.IntN(8) == 0 {
			return ""
		}
		return s
	}
	fitting := map[klachtdesk.State][]int{
		klachtdesk.StateReceived:     {0, 0, 0, 2, 10, 11},
		klachtdesk.StateAcknowledged: {1, 2, 2, 4, 4, 4, 10},
		klachtdesk.StateInTreatment:  {5, 7, 8, 8, 8, 13},
		klachtdesk.StateAwaitingInfo: {6, 6, 11},
		klachtdesk.StateAnswered:     {9, 9, 10, 11, 11},
		klachtdesk.StateReferred:     {11},
		klachtdesk.StateClosed:       {9, 12, 14, 14},
	}
	pick := rng.IntN(15)
	if options := fitting[c.State]; len(options) > 0 && rng.IntN(10) < 7 {
		pick = options[rng.IntN(len(options))]
	}
	switch pick {
	case 0:
		return klachtdesk.Acknowledge{}
	case 1:
		kind := []klachtdesk.Kind{klachtdesk.KindService, klachtdesk.KindProduct}[rng.IntN(2)]
		subtypes := klachtdesk.Subtypes[kind]
		return klachtdesk.Classify{Kind: kind, Subtype: subtypes[rng.IntN(len(subtypes))], CustomerType: []klachtdesk.CustomerType{klachtdesk.Consumer, klachtdesk.Business}[rng.IntN(2)]}
	case 2:
		return klachtdesk.Assign{HandlerID: handler()}
	case 3:
		var ids []int64
		for range rng.IntN(3) {
			ids = append(ids, handler())
		}
		return klachtdesk.SetConcerned{UserIDs: ids}
	case 4:
		return klachtdesk.StartTreatment{}
	case 5:
		return klachtdesk.RequestInfo{Question: text("Kunt u een foto sturen?")}
	case 6:
		return klachtdesk.ReceiveInfo{}
	case 7:
		return klachtdesk.Extend{Extension: klachtdesk.Extension{
			Reason: text("Onderzoek bij de leverancier"), Promised: c.AnswerDue.Date.AddDays(rng.IntN(40) - 5), Consent: rng.IntN(3) == 0,
		}}
	case 8:
		d := klachtdesk.Decision{
			Finding:    []klachtdesk.Finding{klachtdesk.FindingFounded, klachtdesk.FindingPartlyFounded, klachtdesk.FindingUnfounded, ""}[rng.IntN(4)],
			Motivation: text("Uit het dossier blijkt dat …"),
		}
		if rng.IntN(4) > 0 {
			d.SettlementType, d.Settlement = klachtdesk.SettlementTypes[rng.IntN(len(klachtdesk.SettlementTypes))], "Wij vergoeden de kosten."
		}
		return klachtdesk.Decide{Decision: d}
	case 9:
		a := klachtdesk.Reopen{Reason: text("De klant is het niet eens met het antwoord")}
		if rng.IntN(2) == 0 {
			a.ReviewerID = handler()
		}
		return a
	case 10:
		return klachtdesk.Refer{ExternalRef: fmt.Sprintf("ICTW-%d", rng.IntN(1000))}
	case 11:
		reasons := []klachtdesk.CloseReason{klachtdesk.CloseAccepted, klachtdesk.CloseNoResponse, klachtdesk.CloseExternalOutcome,
			klachtdesk.CloseReferralLapsed, klachtdesk.CloseNotAdmissible, klachtdesk.CloseWithdrawn}
		if allowed := klachtdesk.CloseReasonsFrom(c.State); len(allowed) > 0 && rng.IntN(3) > 0 {
			reasons = allowed
		}
		a := klachtdesk.Close{Reason: reasons[rng.IntN(len(reasons))]}
		switch a.Reason {
		case klachtdesk.CloseNotAdmissible:
			a.Detail = klachtdesk.InadmissibleReasons[rng.IntN(len(klachtdesk.InadmissibleReasons))]
		case klachtdesk.CloseExternalOutcome:
			a.Detail = text("Bemiddeling geslaagd")
		}
		return a
	case 12:
		return klachtdesk.SetLegalHold{On: rng.IntN(2) == 0, Reason: text("Procedure bij de rechter")}
	case 13:
		return klachtdesk.Escalate{}
	default:
		return klachtdesk.Anonymise{}
	}
}
