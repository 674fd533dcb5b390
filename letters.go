package klachtdesk

import (
	"slices"
	"strings"
	"time"
)

// LetterKind names a letter to a complainant. Outbox rows store it, so a
// kind's value never changes.
type LetterKind string

// Letter kinds, with the numbers of the procedure (DOMAIN.md).
const (
	LetterAcknowledgement LetterKind = "acknowledgement"         // M1: ontvangstbevestiging
	LetterInfoRequest     LetterKind = "request_for_information" // M2: verzoek om aanvullende informatie
	LetterNotAdmissible   LetterKind = "not_admissible"          // M3: niet-ontvankelijk
	LetterReferral        LetterKind = "referral"                // M4: doorverwijzing naar de bemiddelaar
	LetterExtension       LetterKind = "extension_notice"        // M5: uitstelbericht
	LetterDecision        LetterKind = "decision"                // M6: beslissing
	LetterClosing         LetterKind = "closing"                 // M7: afsluitingsbericht
	LetterReplyReceived   LetterKind = "reply_received"          // "wij hebben uw reactie ontvangen"
)

// LetterKinds lists every letter kind, in procedure order.
var LetterKinds = []LetterKind{
	LetterAcknowledgement, LetterInfoRequest, LetterNotAdmissible, LetterReferral,
	LetterExtension, LetterDecision, LetterClosing, LetterReplyReceived,
}

// Valid reports whether k is a known letter kind.
func (k LetterKind) Valid() bool { return slices.Contains(LetterKinds, k) }

// Automatic reports whether the letter answers an arriving mail without a
// person deciding to send it (the acknowledgement, "we received your
// reply"). Automatic letters are subject to loop protection and say so in
// their headers (RFC 3834); the letters an action of staff causes are not.
func (k LetterKind) Automatic() bool {
	return k == LetterAcknowledgement || k == LetterReplyReceived
}

// Letter is a letter the rules call for, before it is written.
type Letter struct {
	Kind LetterKind
	// Note is what the action that caused the letter adds and the
	// complaint does not keep: the question of a request for information.
	Note string
}

// LetterWriter writes the letters to complainants; package letter
// implements it.
type LetterWriter interface {
	// WriteLetter writes l for complaint c (with its complainant) in the
	// complaint's language (the organisation's default when it has
	// none), with the organisation's details and rules in s. The subject
	// is one line carrying the reference tag; the text is plain text. A
	// complaint that lacks what the letter must say (a decision letter
	// without a finding) is an EINVALID error.
	WriteLetter(l Letter, c *Complaint, s Settings) (subject, text string, err error)
}

// LetterForAction is the rule saying which letter an action of the
// procedure causes, given the complaint before and after it:
//
//   - RequestInfo: the request for information (M2), with the question;
//   - Close as not admissible: the not-admissible letter (M3), except for
//     spam, which is never answered (an answer confirms the address to its
//     sender);
//   - Refer: the referral to the mediator (M4);
//   - Extend: the extension notice (M5);
//   - Decide: the decision (M6);
//   - Close for any other reason: the closing letter (M7).
//
// Every other action (acknowledging, classifying, assigning, reopening,
// escalating, anonymising, …) causes none: ok is false.
func LetterForAction(a Action, before, after *Complaint) (l Letter, ok bool) {
	switch a := a.(type) {
	case RequestInfo:
		return Letter{Kind: LetterInfoRequest, Note: a.EventNote()}, true
	case Refer:
		return Letter{Kind: LetterReferral}, true
	case Extend:
		return Letter{Kind: LetterExtension}, true
	case Decide:
		return Letter{Kind: LetterDecision}, true
	case Close:
		if after == nil || after.State != StateClosed || (before != nil && before.State == StateClosed) {
			return Letter{}, false
		}
		if after.CloseReason == CloseNotAdmissible {
			if after.CloseNote == "spam" {
				return Letter{}, false
			}
			return Letter{Kind: LetterNotAdmissible}, true
		}
		return Letter{Kind: LetterClosing}, true
	}
	return Letter{}, false
}

// LetterForMail is the rule saying which letter an arriving mail causes,
// once RouteMail has routed it. arrived is when the mail arrived (at intake,
// or earlier for an imported archive); lastLetter is when the complaint the
// mail was added to last had a letter that was not held back (zero if
// never).
//
//   - A new complaint gets the acknowledgement (M1).
//   - A reply added to a complaint gets "we received your reply", whatever
//     the complaint's state: open, answered (staff read the reply before
//     they close or reopen), referred (the letter names the mediator), or
//     closed and reopened by this reply (the letter gives the new answer
//     date). A reply that cannot reopen its closed complaint is routed as
//     a new complaint and acknowledged as one.
//   - An unverified reply (the reference in its subject, from an address
//     that is not the complainant's) gets nothing: a confirmation would tell
//     a stranger that the complaint exists, or tell the complainant about a
//     mail staff have not accepted yet.
//   - A reply within mail.auto_letters_window_hours after a letter on the
//     same complaint gets nothing: the complainant just heard from us, and
//     a machine that answers our letters in their thread cannot keep a loop
//     going.
//   - A reply that arrived more than mail.auto_letters_window_hours ago (an
//     imported archive, a mailbox read after an outage) gets nothing: a
//     confirmation that can no longer be prompt confuses more than it
//     helps. (The acknowledgement, which the procedure requires, is written
//     and held instead: LetterHoldReason.)
//   - Auto-replies, bounces, rejected mail and duplicates get nothing.
func LetterForMail(r Routing, arrived, lastLetter, now time.Time, s Settings) (l Letter, ok bool) {
	switch r.Outcome {
	case OutcomeNew:
		return Letter{Kind: LetterAcknowledgement}, true
	case OutcomeReply:
		if r.Complaint == nil || r.Unverified {
			return Letter{}, false
		}
		window := time.Duration(s.AutoLetterWindowHours) * time.Hour
		if !lastLetter.IsZero() && now.Sub(lastLetter) < window || now.Sub(arrived) > window {
			return Letter{}, false
		}
		return Letter{Kind: LetterReplyReceived}, true
	}
	return Letter{}, false
}

// LetterHoldReason is the rule saying why a letter of kind k to c's complainant is
// held back, for staff to send by hand or by post if it still helps; ""
// when it may be queued. A letter is held when
//
//   - it is an acknowledgement whose term had already ended when the
//     complaint was registered (AcknowledgementHeld: an imported archive);
//   - it is automatic and loop protection keeps it back
//     (AutoLetterAllowed: no usable or a no-reply address, undeliverable,
//     silenced by an auto-reply, too many automatic letters, our own
//     address); h is the address's history, own our own addresses;
//   - the complainant has no e-mail address (a complaint by post: staff
//     print the letter).
//
// Missing organisation details do not hold a letter: it waits (LetterWaits)
// and leaves by itself once they are set.
func LetterHoldReason(k LetterKind, c *Complaint, h AddressHistory, own []string, now time.Time, s Settings) string {
	email := ""
	if c.Complainant != nil {
		email = strings.TrimSpace(c.Complainant.Email)
	}
	if k == LetterAcknowledgement {
		if reason := AcknowledgementHeld(c, DateOf(now, s.Location())); reason != "" {
			return reason
		}
	}
	if k.Automatic() {
		return AutoLetterAllowed(email, h, own, now, s)
	}
	if email == "" {
		return "the complainant has no e-mail address"
	}
	return ""
}

// LetterWaitingForOrganisation is the reason a letter waits in the outbox
// while the organisation's details are missing.
const LetterWaitingForOrganisation = "organisatiegegevens ontbreken / organisation details missing"

// LetterWaits returns why letters wait in the outbox instead of leaving
// under settings s: LetterWaitingForOrganisation while any of the
// organisation's details is missing (MissingOrganisationDetails), because a
// letter would carry the seed's placeholders as its sender, reply address
// and postal address. It returns "" when letters may leave. A waiting
// letter is written again with the details once they are set, and then
// leaves by itself.
func LetterWaits(s Settings) string {
	if len(MissingOrganisationDetails(s)) > 0 {
		return LetterWaitingForOrganisation
	}
	return ""
}

// MissingOrganisationDetails lists the keys of the organisation's settings
// that letters need and that are still unset or hold a placeholder, in
// display order; nil when all are set:
//
//   - org.name: empty, or a placeholder in brackets. The seed's company
//     name, ACT Webservice, counts as set: it is the name of the company
//     whose procedure the seed is;
//   - org.complaint_email: empty, a placeholder, or an address at a domain
//     reserved for examples (example.org, example.com, example.net and the
//     .example, .invalid, .test and .localhost names), such as the seed's
//     klachten@example.org;
//   - org.postal_address: empty, or holding a placeholder in brackets such
//     as the seed's [ADRESGEGEVENS].
func MissingOrganisationDetails(s Settings) []string {
	var missing []string
	if name := strings.TrimSpace(s.OrgName); name == "" || hasPlaceholder(name) {
		missing = append(missing, "org.name")
	}
	if email := strings.TrimSpace(s.ComplaintEmail); email == "" || hasPlaceholder(email) || exampleAddress(email) {
		missing = append(missing, "org.complaint_email")
	}
	if addr := strings.TrimSpace(s.PostalAddress); addr == "" || hasPlaceholder(addr) {
		missing = append(missing, "org.postal_address")
	}
	return missing
}

// hasPlaceholder reports whether v holds a template placeholder such as
// [ADRESGEGEVENS] or [EMAIL DIENSTVERLENER]: text in square brackets, which
// no name or address of an organisation needs.
func hasPlaceholder(v string) bool {
	open := strings.IndexByte(v, '[')
	return open >= 0 && strings.IndexByte(v[open+1:], ']') > 0
}

// exampleAddress reports whether email is at a domain reserved for
// examples and tests (RFC 2606, RFC 6761), where no complainant's reply
// can arrive.
func exampleAddress(email string) bool {
	_, domain, _ := strings.Cut(strings.ToLower(email), "@")
	domain = strings.TrimSuffix(domain, ".")
	for _, d := range []string{"example.org", "example.com", "example.net", "example", "invalid", "test", "localhost"} {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// ADRInformationDue is the ADR information duty (Dutch implementation of
// the ADR directive, art. 12(3) of its act): when a consumer's complaint
// stays unresolved, the decision letter names the dispute body (the
// mediator of the settings) and how to reach it. A complaint stays
// unresolved for the consumer when it is not found founded: unfounded or
// only partly founded. The EU ODR platform, closed on 20 July 2025, is never
// named.
func ADRInformationDue(c *Complaint) bool {
	return c.CustomerType == Consumer && c.Finding != "" && c.Finding != FindingFounded
}
