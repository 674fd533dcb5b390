package klachtdesk

import "time"

// The deadline rules of DOMAIN.md ("Deadline rules"), as pure functions over
// local calendar dates. Each rule lives here and only here, so that a change
// of the procedure is a change of one function and its table test.
//
// A zero (unset) input date gives the zero date: a complaint that is not
// answered, closed or referred has no deadline derived from that event.

// ReceiptDate returns the local calendar date, in s.Location(), of the
// instant receivedAt (stored in UTC). Rule: all date arithmetic is on local
// dates in the organisation's zone, so an e-mail arriving at 23:30 UTC on
// 1 January is received on 2 January in Amsterdam.
func ReceiptDate(receivedAt time.Time, s Settings) Date {
	return DateOf(receivedAt, s.Location())
}

// AnswerDue returns the day the answer is due. Rule: answer_due =
// receipt_date + s.AnswerTermDays calendar days (the day of receipt is not
// counted), then rolled per s.AnswerRoll: none leaves it, forward moves it to
// the next day that is not a Saturday, Sunday or legal holiday (as the
// Algemene termijnenwet extends legal terms), backward to the previous such
// day. Company closing days do not roll the legal due date; ActBy accounts
// for them.
func AnswerDue(receipt Date, s Settings, c Calendar) Date {
	if receipt.IsZero() {
		return Date{}
	}
	due := receipt.AddDays(s.AnswerTermDays)
	switch s.AnswerRoll {
	case RollForward:
		for c.IsLegalDayOff(due) {
			due = due.AddDays(1)
		}
	case RollBackward:
		for c.IsLegalDayOff(due) {
			due = due.AddDays(-1)
		}
	}
	return due
}

// ActBy returns the internal target for staff. Rule: act_by = the last
// working day on or before answer_due, so the answer goes out on a day
// someone is at work even when answer_due is a holiday or closing day.
func ActBy(answerDue Date, c Calendar) Date {
	if answerDue.IsZero() {
		return Date{}
	}
	return c.WorkingDayOnOrBefore(answerDue)
}

// AckDue returns the day the acknowledgement is due. Rule: ack_due =
// receipt_date + s.AckWorkingDays working days (the acknowledgement is sent at
// once anyway; this is the limit reports measure against).
func AckDue(receipt Date, s Settings, c Calendar) Date {
	if receipt.IsZero() {
		return Date{}
	}
	return c.AddWorkingDays(receipt, s.AckWorkingDays)
}

// ReactionDue returns the last day the complainant may react to a decision.
// Rule: reaction_due = answer sent date + s.ReactionDays calendar days; after
// it the complaint is closed as no_response.
func ReactionDue(answered Date, s Settings) Date {
	if answered.IsZero() {
		return Date{}
	}
	return answered.AddDays(s.ReactionDays)
}

// EscalateOn returns the day an unanswered, unextended complaint is
// escalated. Rule: escalate s.EscalateWorkingDays working days before act_by,
// leaving the handler's manager time to act before the target passes.
func EscalateOn(actBy Date, s Settings, c Calendar) Date {
	if actBy.IsZero() {
		return Date{}
	}
	return c.AddWorkingDays(actBy, -s.EscalateWorkingDays)
}

// RetentionUntil returns the day a closed complaint's personal data are due
// for anonymisation. Rule: retention = closed_at + s.RetentionMonths months,
// a day past the end of the target month clamped to its last day (Date.AddMonths).
// A legal hold suspends it; that is the caller's check, not a date.
func RetentionUntil(closed Date, s Settings) Date {
	if closed.IsZero() {
		return Date{}
	}
	return closed.AddMonths(s.RetentionMonths)
}

// ExtensionLimit returns the latest promised date an extension may set
// without the complainant's recorded consent. Rule: promised_date ≤
// answer_due + s.ExtensionMaxDays calendar days.
func ExtensionLimit(answerDue Date, s Settings) Date {
	if answerDue.IsZero() {
		return Date{}
	}
	return answerDue.AddDays(s.ExtensionMaxDays)
}

// ReferralLapses returns the day a referral to the mediator without a
// recorded outcome lapses. Rule: a referred complaint stays open until its
// outcome is recorded or referred_at + s.ReferralWatchMonths months passes.
func ReferralLapses(referred Date, s Settings) Date {
	if referred.IsZero() {
		return Date{}
	}
	return referred.AddMonths(s.ReferralWatchMonths)
}

// IsLateNotice reports whether a consumer's product defect was reported more
// than s.LateNoticeMonths months after its discovery (BW 7:23: the buyer must
// complain within a reasonable time, and within two months of discovery is
// always timely). reported is the receipt date. Rule: warn, never refuse, so
// this only flags. A zero discovery date is never late: without it nothing
// can be said. Reported exactly LateNoticeMonths months after discovery is
// still on time.
func IsLateNotice(discovered, reported Date, s Settings) bool {
	if discovered.IsZero() || reported.IsZero() {
		return false
	}
	return reported.After(discovered.AddMonths(s.LateNoticeMonths))
}
