package klachtdesk

import "time"

// The received-at rule: when a complaint or a mail counts as received. Every
// path that records an arrival (mail intake, the quarantine, registering by
// hand) goes through the functions below, so that the bounds are set here
// only.

// EarliestReceipt is the earliest instant a complaint can have been
// received. No register goes back further, and before year 0 an instant
// cannot even be written down (RFC 3339, the audit trail's JSON).
var EarliestReceipt = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// EarliestMailClock is the earliest arrival time a mail's own clock (an
// IMAP server's INTERNALDATE, a Date header) is believed for: an earlier
// one is an unset or broken clock, not an old mail.
var EarliestMailClock = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// ReceivedAtSkew is how far in the future a received-at instant may lie:
// the clocks of the machine that recorded it and of ours may differ a
// little.
const ReceivedAtSkew = 5 * time.Minute

// CheckReceivedAt refuses a received-at instant of a complaint that is
// unset, lies in the future (beyond ReceivedAtSkew) or before
// EarliestReceipt, with an EINVALID error naming the field.
func CheckReceivedAt(t, now time.Time) error {
	switch {
	case t.IsZero():
		return Errorf(EINVALID, "ontvangen (received_at): het tijdstip van ontvangst ontbreekt / received (received_at): the instant of receipt is required")
	case t.After(now.Add(ReceivedAtSkew)):
		return Errorf(EINVALID, "ontvangen (received_at): %s ligt in de toekomst / received (received_at): %s lies in the future",
			t.UTC().Format(time.RFC3339), t.UTC().Format(time.RFC3339))
	case t.Before(EarliestReceipt):
		return Errorf(EINVALID, "ontvangen (received_at): %s ligt vóór 1900 / received (received_at): %s lies before 1900",
			t.UTC().Format("2006-01-02"), t.UTC().Format("2006-01-02"))
	}
	return nil
}

// plausibleMailClock reports whether a mail clock's reading can be
// believed: set, not ahead of now, not before EarliestMailClock.
func plausibleMailClock(t, now time.Time) bool {
	return !t.IsZero() && !t.After(now) && !t.Before(EarliestMailClock)
}

// ClampMailClock returns the arrival time a mail source reported, or now
// when that clock is unset, ahead of now or absurd (before
// EarliestMailClock): the mail then counts as received now. The store
// applies it to every mail it records, whatever its source said.
func ClampMailClock(t, now time.Time) time.Time {
	if !plausibleMailClock(t, now) {
		return now.UTC()
	}
	return t.UTC()
}

// MailReceivedAt is when a mail counts as received: the source's own
// arrival time (IMAP's INTERNALDATE, clamped by ClampMailClock) when the
// source knows one; else the mail's Date header unless it is missing, lies
// in the future or before EarliestMailClock; else now.
func MailReceivedAt(source, dateHeader, now time.Time) time.Time {
	switch {
	case !source.IsZero():
		return ClampMailClock(source, now)
	case plausibleMailClock(dateHeader, now):
		return dateHeader.UTC()
	}
	return now.UTC()
}
