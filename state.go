package klachtdesk

import "slices"

// State is where a complaint is in the procedure. Extended, escalated and
// legal hold are flags on the complaint, not states.
type State string

// States, in procedure order.
const (
	StateReceived     State = "received"
	StateAcknowledged State = "acknowledged"
	StateInTreatment  State = "in_treatment"
	StateAwaitingInfo State = "awaiting_info"
	StateAnswered     State = "answered"
	StateReferred     State = "referred"
	StateClosed       State = "closed"
	StateAnonymised   State = "anonymised"
)

// States lists every state in procedure order.
var States = []State{
	StateReceived, StateAcknowledged, StateInTreatment, StateAwaitingInfo,
	StateAnswered, StateReferred, StateClosed, StateAnonymised,
}

// OpenStates are the states from which a complaint can still be withdrawn.
var OpenStates = []State{
	StateReceived, StateAcknowledged, StateInTreatment, StateAwaitingInfo, StateAnswered, StateReferred,
}

// transitions is the state diagram of DOMAIN.md: every allowed move and
// nothing else. Closed → in_treatment is the reopening of a recently closed
// complaint by a reply from the complainant (within reopen.window_days).
var transitions = map[State][]State{
	StateReceived:     {StateAcknowledged, StateReferred, StateClosed},
	StateAcknowledged: {StateInTreatment, StateReferred, StateClosed},
	StateInTreatment:  {StateAwaitingInfo, StateAnswered, StateReferred, StateClosed},
	StateAwaitingInfo: {StateInTreatment, StateReferred, StateClosed},
	StateAnswered:     {StateClosed, StateInTreatment, StateReferred},
	StateReferred:     {StateClosed},
	StateClosed:       {StateAnonymised, StateInTreatment},
	StateAnonymised:   nil,
}

// CanTransition reports whether the state diagram has an arrow from → to.
// The actions add the conditions on each arrow (route, reason, window, …).
func CanTransition(from, to State) bool { return slices.Contains(transitions[from], to) }

// Valid reports whether s is a known state.
func (s State) Valid() bool { return slices.Contains(States, s) }

// closeReasonsFrom says which close reasons each state allows.
var closeReasonsFrom = map[State][]CloseReason{
	StateReceived:     {CloseNotAdmissible, CloseWithdrawn},
	StateAcknowledged: {CloseNotAdmissible, CloseWithdrawn},
	StateInTreatment:  {CloseWithdrawn},
	StateAwaitingInfo: {CloseWithdrawn},
	StateAnswered:     {CloseAccepted, CloseNoResponse, CloseWithdrawn},
	StateReferred:     {CloseExternalOutcome, CloseReferralLapsed, CloseWithdrawn},
}

// CloseReasonsFrom returns the close reasons allowed in state s.
func CloseReasonsFrom(s State) []CloseReason { return closeReasonsFrom[s] }
