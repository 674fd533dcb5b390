package klachtdesk

import (
	"errors"
	"fmt"
)

// Generic error codes, mapped to HTTP status and to a user message once, at
// the edge.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EFORBIDDEN    = "forbidden"
	EUNAUTHORIZED = "unauthorized"
	// EUNAVAILABLE: the store itself failed (disk full, read-only, I/O
	// error, busy, connection lost), not the request: retry later. Intake
	// pauses on it and never counts it against a mail.
	EUNAVAILABLE = "unavailable"
)

// Procedure error codes: a rule of the complaints procedure refused an action.
const (
	// ETransitionNotAllowed: the complaint's state does not allow the action.
	ETransitionNotAllowed = "transition_not_allowed"
	// EExtensionTooLate: an extension was asked for after answer_due.
	EExtensionTooLate = "extension_too_late"
	// EExtensionTooLong: the promised date is more than the allowed number of
	// days past answer_due and no consent of the complainant is recorded.
	EExtensionTooLong = "extension_too_long"
	// EConflictOfInterest: a concerned employee was made handler or reviewer.
	EConflictOfInterest = "conflict_of_interest"
	// EDecisionIncomplete: a decision lacks its finding, motivation or settlement.
	EDecisionIncomplete = "decision_incomplete"
	// ENotWritten: a complaint was offered through a channel that is not written.
	ENotWritten = "not_written"
	// ELegalHold: the action is blocked by a legal hold.
	ELegalHold = "legal_hold"
	// ERetentionNotReached: anonymisation before retention_until.
	ERetentionNotReached = "retention_not_reached"
	// ERouteMismatch: the action does not fit the complaint's route.
	ERouteMismatch = "route_mismatch"
)

// Error is an error a user should see: a code from the lists above and a
// message in English. The edge translates the code into Dutch and English.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface. Not used by the application otherwise.
func (e *Error) Error() string {
	return fmt.Sprintf("klachtdesk error: code=%s message=%s", e.Code, e.Message)
}

// Errorf is a helper function to return an Error with a given code and
// formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode unwraps an application error and returns its code. Non-application
// errors always return EINTERNAL; nil returns "".
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage unwraps an application error and returns its message.
// Non-application errors always return "Internal error.".
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
