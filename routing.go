package klachtdesk

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ThreadMatch is what the store found for a received mail.
type ThreadMatch struct {
	// ByHeader is the complaint one of whose sent letters the mail's
	// In-Reply-To or References name (for a delivery report: the letter it
	// reports on). Our Message-IDs carry a random part, so this is strong.
	ByHeader *Complaint
	// BySubject is the complaint whose reference the subject carries, or
	// whose received mail the mail's In-Reply-To names (a follow-up to the
	// complainant's own mail): a weak match, verified by the sender.
	BySubject *Complaint
}

// Routing is where a received mail goes.
type Routing struct {
	Outcome Outcome
	// Complaint is the complaint the mail is added to (reply, auto-reply,
	// bounce); nil for a new complaint or a mail kept aside.
	Complaint *Complaint
	// Reopen is set when the reply reopens a closed (or answered) complaint.
	Reopen bool
	// Unverified marks a reply matched on the subject reference alone, from
	// an address that is not the complainant's.
	Unverified bool
	Reason     string
}

// RouteMail decides what a received mail is, by the threading and loop
// rules:
//
//   - mail from one of our own addresses is rejected: it would start a loop;
//   - delivery reports are bounces and auto-replies are auto_reply: neither
//     creates a complaint nor triggers a letter; they are attached to the
//     complaint whose letter they answer when that is known;
//   - a mail without a usable sender address is rejected (kept, not lost);
//   - a mail answering one of our letters (In-Reply-To/References) is a
//     reply to that complaint;
//   - a mail whose subject carries a known reference is a reply: verified
//     when it comes from the complainant's address, unverified otherwise, so
//     nobody can add text to someone else's complaint by quoting its
//     reference;
//   - a reply to a closed complaint reopens it within reopen.window_days
//     (verified replies only); otherwise, and for an anonymised complaint,
//     the mail is a new complaint;
//   - anything else is a new complaint.
func RouteMail(m *InboundMail, match ThreadMatch, own []string, now time.Time, s Settings) Routing {
	sender := strings.ToLower(strings.TrimSpace(m.From.Email))
	for _, o := range own {
		if o != "" && sender == strings.ToLower(strings.TrimSpace(o)) {
			return Routing{Outcome: OutcomeRejected, Reason: "sent from our own address " + o}
		}
	}
	switch m.Auto {
	case Bounce:
		return Routing{Outcome: OutcomeBounce, Complaint: live(match.ByHeader), Reason: m.AutoReason}
	case AutoReply:
		return Routing{Outcome: OutcomeAutoReply, Complaint: live(match.ByHeader), Reason: m.AutoReason}
	}
	if !validMailbox(sender) {
		return Routing{Outcome: OutcomeRejected, Reason: "no usable sender address"}
	}
	if c := live(match.ByHeader); c != nil {
		return reply(c, false, now, s)
	}
	if c := live(match.BySubject); c != nil {
		verified := c.Complainant != nil && strings.EqualFold(strings.TrimSpace(c.Complainant.Email), sender)
		return reply(c, !verified, now, s)
	}
	return Routing{Outcome: OutcomeNew}
}

// reply routes a reply to c, reopening a finished complaint when the rules
// allow it and registering a new complaint when they do not.
func reply(c *Complaint, unverified bool, now time.Time, s Settings) Routing {
	if c.State != StateClosed && c.State != StateAnswered {
		return Routing{Outcome: OutcomeReply, Complaint: c, Unverified: unverified}
	}
	if unverified {
		if c.State == StateAnswered {
			return Routing{Outcome: OutcomeReply, Complaint: c, Unverified: true}
		}
		return Routing{Outcome: OutcomeNew, Reason: fmt.Sprintf("mentions closed complaint %s from another address", c.Reference)}
	}
	probe := *c
	if err := (Reopen{Reason: "reply"}).Apply(&probe, Env{Now: now, Settings: s, Actor: SystemUser}); err != nil {
		if c.State == StateAnswered {
			return Routing{Outcome: OutcomeReply, Complaint: c}
		}
		return Routing{Outcome: OutcomeNew, Reason: fmt.Sprintf("follows up closed complaint %s: %s", c.Reference, ErrorMessage(err))}
	}
	// An answered complaint is reopened by staff, who read the reply: it
	// may accept the answer. A closed one is reopened by the reply itself.
	return Routing{Outcome: OutcomeReply, Complaint: c, Reopen: c.State == StateClosed}
}

func live(c *Complaint) *Complaint {
	if c == nil || c.State == StateAnonymised {
		return nil
	}
	return c
}

func validMailbox(email string) bool {
	local, domain, ok := strings.Cut(email, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(email, " <>\r\n")
}

// AddressHistory is what the outbox knows of an address when an automatic
// letter is about to be queued.
type AddressHistory struct {
	// AutoLetters is the number of automatic letters queued for the
	// address within the window.
	AutoLetters int
	// LastAutoSubmitted is when the address last sent an auto-submitted
	// mail (auto-reply or delivery report), zero if never.
	LastAutoSubmitted time.Time
	// Undeliverable is set when a letter to the address bounced.
	Undeliverable bool
}

// AutoLetterAllowed decides whether an automatic letter (acknowledgement,
// "we received your reply") may go to address to. It returns "" when it may
// and otherwise the reason it is held back, so that staff see why.
func AutoLetterAllowed(to string, h AddressHistory, own []string, now time.Time, s Settings) string {
	addr := strings.ToLower(strings.TrimSpace(to))
	window := time.Duration(s.AutoLetterWindowHours) * time.Hour
	switch {
	case !validMailbox(addr):
		return "no usable address"
	case NoReplyAddress(addr):
		return "no-reply address " + addr
	case h.Undeliverable:
		return "address " + addr + " is undeliverable"
	case !h.LastAutoSubmitted.IsZero() && now.Sub(h.LastAutoSubmitted) < window:
		return fmt.Sprintf("%s sent an automatic reply within %d hours", addr, s.AutoLetterWindowHours)
	case h.AutoLetters >= s.AutoLetterMax:
		return fmt.Sprintf("%s already had %d automatic letters within %d hours", addr, h.AutoLetters, s.AutoLetterWindowHours)
	}
	for _, o := range own {
		if o != "" && addr == strings.ToLower(strings.TrimSpace(o)) {
			return "our own address " + addr
		}
	}
	return ""
}

// NewComplaintFromMail is the complaint a received mail registers: the
// sender (or the original sender of a forwarded complaint) as complainant,
// named by the address when the mail gives no display name, and the text
// written for this mail as its description. Kind and route are
// decided at triage; until then it is a service complaint of subtype other,
// and the complainant counts as a consumer, the type with the most
// protection. Its language is English only when the mail clearly is.
func NewComplaintFromMail(m *InboundMail, receivedAt time.Time) *NewComplaint {
	from := m.From
	if m.Forwarded != nil && strings.Contains(m.Forwarded.Email, "@") {
		from = *m.Forwarded
	}
	text := strings.TrimSpace(m.NewText)
	if text == "" {
		text = strings.TrimSpace(m.Text)
	}
	if text == "" {
		text = "(De e-mail bevat geen tekst; zie de bijlagen of het originele bericht. / The e-mail has no text; see the attachments or the original message.)"
	}
	lang := m.Language
	if lang != LanguageEnglish {
		lang = LanguageDutch
	}
	email := Clip(strings.TrimSpace(from.Email), 320)
	name := Clip(strings.TrimSpace(CleanLine(from.Name)), 200)
	if name == "" {
		// A complainant needs a name, and a mail is never refused for
		// lacking one: the address stands in for it. The store does not
		// let it replace a name it knows, and letters do not greet by it.
		name = email
	}
	return &NewComplaint{
		Channel:    ChannelEmail,
		ReceivedAt: receivedAt,
		Complainant: Complainant{
			Name: name, Email: email,
			Type: Consumer, Language: lang,
		},
		Kind:        KindService,
		Subtype:     "other",
		Subject:     Clip(m.Subject, 1000),
		Description: Clip(text, maxText-1000),
	}
}

// AcknowledgementHeld returns why the acknowledgement of c is held back
// when its term (ack_due) has already ended at intake, as for an imported
// archive or a mailbox read after a long outage: a letter then confuses
// more than it helps, and staff send one by hand if it still does. It
// returns "" otherwise.
func AcknowledgementHeld(c *Complaint, today Date) string {
	if c.AckDue.IsZero() || !today.After(c.AckDue.Date) {
		return ""
	}
	return fmt.Sprintf("received on %s; the acknowledgement term ended on %s: send it by hand if it still helps", c.ReceiptDate, c.AckDue.Date)
}

// Clip cuts s to at most n bytes without splitting a character: what a
// column or header of bounded size can hold of a stranger's text.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
