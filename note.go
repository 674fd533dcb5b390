package klachtdesk

import "fmt"

// Note is something the domain tells staff about a complaint, in Dutch and
// English: a warning kept on the complaint (Warnings), or what registering
// it did that nobody asked for (RegistrationNotes). The CLI and the pages
// print them; Code lets them choose how.
type Note struct {
	Code    string `json:"code"`
	Dutch   string `json:"nl"`
	English string `json:"en"`
}

// Note codes.
const (
	// NoteNoAddress: the complainant gave neither an e-mail nor a postal
	// address (Complaint.NoAddress).
	NoteNoAddress = "no_address"
	// NoteLateNotice: a consumer reported a product defect late (BW 7:23;
	// Complaint.LateNotice).
	NoteLateNotice = "late_notice"
	// NoteOverdue: the complaint was overdue the moment it was registered.
	NoteOverdue = "overdue_at_registration"
	// NoteAcknowledgementHeld: the acknowledgement term had ended when the
	// complaint was registered, so no acknowledgement goes out by itself.
	NoteAcknowledgementHeld = "acknowledgement_held"
	// NoteEarlierYear: the reference counts in the register of the year of
	// receipt, not of the year of registration.
	NoteEarlierYear = "registered_in_earlier_year"
)

// String returns the note in both languages, Dutch first.
func (n Note) String() string { return n.Dutch + " / " + n.English }

// In returns the note in lang: English for LanguageEnglish, Dutch otherwise.
func (n Note) In(lang Language) string {
	if lang == LanguageEnglish {
		return n.English
	}
	return n.Dutch
}

// Warnings returns the warnings kept on c, from its flags: staff see them
// wherever the complaint is shown, for as long as the flag is set.
func (c *Complaint) Warnings() []Note {
	var out []Note
	if c.NoAddress {
		out = append(out, Note{NoteNoAddress,
			"de klager gaf geen e-mail- en geen postadres: zoek een adres, anders kan niemand de klacht beantwoorden",
			"the complainant gave neither an e-mail nor a postal address: find one, or nobody can answer the complaint"})
	}
	if c.LateNotice {
		out = append(out, Note{NoteLateNotice,
			fmt.Sprintf("late melding (BW 7:23): de consument ontdekte het gebrek aan het product op %s en meldde het pas op %s", c.Discovered, c.ReceiptDate),
			fmt.Sprintf("late notice (BW 7:23): the consumer discovered the product defect on %s and reported it only on %s", c.Discovered, c.ReceiptDate)})
	}
	return out
}

// RegistrationNotes returns what staff should hear about complaint c, just
// registered on local date today, beyond its reference: its warnings, and
// what a receipt date in the past did without being asked (an archive
// letter registered with --received 1999-01-01): that the complaint is
// overdue at once, that the acknowledgement term is over so that no
// acknowledgement goes out by itself (see AcknowledgementHeld), and that
// the reference counts in the register of the year of receipt. Nil when
// there is nothing to say.
func RegistrationNotes(c *Complaint, today Date) []Note {
	out := c.Warnings()
	if c.IsOverdue(today) {
		due := c.EffectiveDue()
		days := due.DaysUntil(today)
		out = append(out, Note{NoteOverdue,
			fmt.Sprintf("de klacht is meteen te laat: de uiterste antwoorddatum was %s, %d dag(en) geleden", due, days),
			fmt.Sprintf("the complaint is overdue at once: the answer was due on %s, %d day(s) ago", due, days)})
	}
	if AcknowledgementHeld(c, today) != "" {
		out = append(out, Note{NoteAcknowledgementHeld,
			fmt.Sprintf("de termijn voor de ontvangstbevestiging liep af op %s: er gaat geen ontvangstbevestiging vanzelf uit; stuur er zelf een als dat nog helpt", c.AckDue.Date),
			fmt.Sprintf("the acknowledgement term ended on %s: no acknowledgement goes out by itself; send one by hand if it still helps", c.AckDue.Date)})
	}
	if !c.ReceiptDate.IsZero() && c.ReceiptDate.Year != today.Year {
		out = append(out, Note{NoteEarlierYear,
			fmt.Sprintf("%s telt mee in het klachtenregister van %d: de klacht is ontvangen op %s", c.Reference, c.ReceiptDate.Year, c.ReceiptDate),
			fmt.Sprintf("%s counts in the complaints register of %d: the complaint was received on %s", c.Reference, c.ReceiptDate.Year, c.ReceiptDate)})
	}
	return out
}
