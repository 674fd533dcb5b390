package klachtdesk

import "slices"

// Which values hold personal data. Anonymise empties them on the complaint;
// the store keeps them in the audit trail only sealed with the complaint's
// key, which anonymisation destroys (see docs/decisions.md). Both read the
// lists below, so that a new personal field is named once.

// PersonalFields are the JSON names of the complaint's free-text fields that
// may hold personal data. Anonymise empties them; the store keeps them in the
// audit trail only in a form it can destroy (see docs/decisions.md).
var PersonalFields = []string{
	"subject", "description", "remedy_sought", "product_ref", "informal_contact",
	"motivation", "settlement", "close_note", "extension_reason", "external_ref",
	"external_outcome", "root_cause",
}

// PersonalComplainantFields are the complainant's contact data, as they
// appear under "complainant" in a complainant_updated event.
var PersonalComplainantFields = []string{"name", "email", "postal_address", "phone", "customer_number"}

// personalComplaintChange are the personal values of an event that changes
// the complaint record: its personal fields plus the note of a Noted action
// (a reason or question in the staff's own words).
var personalComplaintChange = append(slices.Clone(PersonalFields), EventNoteKey)

// personalComplainantChange are PersonalComplainantFields as paths in a
// complainant_updated event.
var personalComplainantChange = func() []string {
	out := make([]string, len(PersonalComplainantFields))
	for i, f := range PersonalComplainantFields {
		out[i] = "complainant." + f
	}
	return out
}()

// PersonalEventFields names the values of an event of kind that hold
// personal data, which the store seals with the complaint's key: top-level
// keys of the event's Before and After, or "object.key" one level down. The
// message_added event holds the message's subject and attachments (their
// file names say who and what), its text only as a SHA-256; an
// undeliverable address and a letter's hold or failure reason (an SMTP
// reply, also kept when staff re-queue it) name the address. Events that are not about a complaint, and the
// complainant_anonymised event (its ID and anonymised values only), hold
// none. The slice is shared: do not change it.
func PersonalEventFields(kind string) []string {
	switch {
	case kind == EventComplainantUpdated:
		return personalComplainantChange
	case kind == EventComplainantAnonymised:
		return nil
	case kind == EventMessageAdded, kind == EventLetterRewritten:
		return []string{"message.subject", "message.attachments"}
	case kind == EventUndeliverable:
		return []string{"address", "reason"}
	case kind == EventLetterFailed, kind == EventLetterHeld, kind == EventLetterRequeued:
		return []string{"reason"}
	case IsComplaintChange(kind):
		return personalComplaintChange
	}
	return nil
}
