package klachtdesk_test

import (
	"testing"

	kd "github.com/klachtdesk/klachtdesk"
)

// TestCanTransition names every arrow of the state diagram in DOMAIN.md and
// checks that each of the 64 state pairs is allowed or refused as listed.
func TestCanTransition(t *testing.T) {
	allowed := map[[2]kd.State]string{
		{kd.StateReceived, kd.StateAcknowledged}:    "acknowledgement sent",
		{kd.StateAcknowledged, kd.StateInTreatment}: "taken into treatment",
		{kd.StateInTreatment, kd.StateAwaitingInfo}: "information requested",
		{kd.StateAwaitingInfo, kd.StateInTreatment}: "information received",
		{kd.StateInTreatment, kd.StateAnswered}:     "decision sent",
		{kd.StateAnswered, kd.StateClosed}:          "accepted, no response or withdrawn",
		{kd.StateAnswered, kd.StateInTreatment}:     "reopened: new information or review",
		{kd.StateReceived, kd.StateReferred}:        "consumer product complaint referred on classification",
		{kd.StateAcknowledged, kd.StateReferred}:    "consumer product complaint referred on classification",
		{kd.StateInTreatment, kd.StateReferred}:     "consumer product complaint referred on classification",
		{kd.StateAwaitingInfo, kd.StateReferred}:    "consumer product complaint referred on classification",
		{kd.StateAnswered, kd.StateReferred}:        "consumer rejects the answer (after_decision)",
		{kd.StateReferred, kd.StateClosed}:          "external outcome, referral lapsed or withdrawn",
		{kd.StateReceived, kd.StateClosed}:          "not admissible or withdrawn",
		{kd.StateAcknowledged, kd.StateClosed}:      "not admissible or withdrawn",
		{kd.StateInTreatment, kd.StateClosed}:       "withdrawn",
		{kd.StateAwaitingInfo, kd.StateClosed}:      "withdrawn",
		{kd.StateClosed, kd.StateAnonymised}:        "retention ended, no legal hold",
		{kd.StateClosed, kd.StateInTreatment}:       "reopened by a reply within the reopen window",
	}
	for _, from := range kd.States {
		for _, to := range kd.States {
			why, want := allowed[[2]kd.State{from, to}]
			name := string(from) + "→" + string(to)
			if want {
				name += " (" + why + ")"
			} else {
				name += " (refused)"
			}
			t.Run(name, func(t *testing.T) {
				if got := kd.CanTransition(from, to); got != want {
					t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
				}
			})
		}
	}
}

func TestCloseReasonsFrom(t *testing.T) {
	tests := []struct {
		state kd.State
		want  []kd.CloseReason
	}{
		{kd.StateReceived, []kd.CloseReason{kd.CloseNotAdmissible, kd.CloseWithdrawn}},
		{kd.StateAcknowledged, []kd.CloseReason{kd.CloseNotAdmissible, kd.CloseWithdrawn}},
		{kd.StateInTreatment, []kd.CloseReason{kd.CloseWithdrawn}},
		{kd.StateAwaitingInfo, []kd.CloseReason{kd.CloseWithdrawn}},
		{kd.StateAnswered, []kd.CloseReason{kd.CloseAccepted, kd.CloseNoResponse, kd.CloseWithdrawn}},
		{kd.StateReferred, []kd.CloseReason{kd.CloseExternalOutcome, kd.CloseReferralLapsed, kd.CloseWithdrawn}},
		{kd.StateClosed, nil},
		{kd.StateAnonymised, nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.state), func(t *testing.T) {
			got := kd.CloseReasonsFrom(tt.state)
			if len(got) != len(tt.want) {
				t.Fatalf("CloseReasonsFrom(%s) = %v, want %v", tt.state, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("CloseReasonsFrom(%s) = %v, want %v", tt.state, got, tt.want)
				}
			}
		})
	}
}
