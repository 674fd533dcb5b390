package letter

import (
	"slices"
	"strings"

	"github.com/klachtdesk/klachtdesk"
)

// procedure is what the letters an action causes (M2–M7) say beyond the
// complaint's reference and dates: every text made safe, multi-line texts
// kept as paragraphs, every date written out in the letter's language.
// Fields a kind does not use stay empty.
type procedure struct {
	// M2: the question, one or more lines.
	Question string

	// M3: why the message is not taken into treatment: not_a_complaint,
	// duplicate or out_of_scope.
	Inadmissible string

	// M4: whether the complaint was decided in-house before the referral
	// (referral timing after_decision), when it was referred, the
	// mediator's reference, and how long the referral stays open.
	AfterDecision bool
	ReferredOn    string
	ExternalRef   string
	WatchMonths   int

	// M5: the reason, the promised date, the answer due date it replaces
	// and whether the complainant agreed to the later date.
	ExtensionReason string
	Promised        string
	OriginalDue     string
	Consent         bool

	// M6: the finding in words, the motivation, the settlement (its type
	// in words, "" for other), the end of the reaction term, and whether
	// the ADR paragraph is due (klachtdesk.ADRInformationDue).
	Finding        string
	Motivation     string
	SettlementType string
	Settlement     string
	ReactionDue    string
	ReactionDays   int
	ADR            bool

	// M7: why the complaint was closed, the mediator's outcome, when it
	// was answered and closed, for how many days a reply still reopens it
	// (0: it does not), and until when its data are kept.
	CloseReason   string
	Outcome       string
	AnsweredOn    string
	ClosedOn      string
	ReopenDays    int
	RetainedUntil string
}

// inadmissibleAnswered are the not-admissible reasons a letter explains;
// spam is never answered (klachtdesk.LetterForAction).
var inadmissibleAnswered = []string{"not_a_complaint", "duplicate", "out_of_scope"}

// closingReasons are the close reasons the closing letter (M7) explains;
// not admissible has a letter of its own (M3).
var closingReasons = []klachtdesk.CloseReason{
	klachtdesk.CloseAccepted, klachtdesk.CloseNoResponse, klachtdesk.CloseExternalOutcome,
	klachtdesk.CloseReferralLapsed, klachtdesk.CloseWithdrawn,
}

// newProcedure fills what letter l says beyond the shared data, or refuses
// with EINVALID when the complaint lacks it.
func newProcedure(l klachtdesk.Letter, c *klachtdesk.Complaint, s klachtdesk.Settings, lang klachtdesk.Language) (procedure, error) {
	var p procedure
	date := func(d klachtdesk.Date) string { return formatDate(d, lang, nbsp) }
	loc := s.Location()
	switch l.Kind {
	case klachtdesk.LetterInfoRequest:
		if p.Question = paragraphs(l.Note); p.Question == "" {
			return p, klachtdesk.Errorf(klachtdesk.EINVALID, "a request for information on complaint %s needs the question asked", c.Reference)
		}

	case klachtdesk.LetterNotAdmissible:
		p.Inadmissible = strings.TrimSpace(c.CloseNote)
		if !slices.Contains(inadmissibleAnswered, p.Inadmissible) {
			return p, klachtdesk.Errorf(klachtdesk.EINVALID, "complaint %s has no reason the letter can explain (%s); spam is not answered", c.Reference, strings.Join(inadmissibleAnswered, ", "))
		}

	case klachtdesk.LetterReferral:
		if strings.TrimSpace(s.MediatorName) == "" || strings.TrimSpace(s.MediatorURL) == "" {
			return p, klachtdesk.Errorf(klachtdesk.EINVALID, "settings mediator.name and mediator.url are needed to refer complaint %s", c.Reference)
		}
		p.AfterDecision = !c.AnsweredAt.IsZero()
		if !c.ReferredAt.IsZero() {
			p.ReferredOn = date(klachtdesk.DateOf(c.ReferredAt, loc))
		}
		p.ExternalRef = cut(oneLine(c.ExternalRef), maxSetting, false)
		p.WatchMonths = s.ReferralWatchMonths

	case klachtdesk.LetterExtension:
		p.ExtensionReason = paragraphs(c.ExtensionReason)
		if c.PromisedDate.IsZero() || p.ExtensionReason == "" {
			return p, klachtdesk.Errorf(klachtdesk.EINVALID, "complaint %s has no extension (reason and promised date) to announce", c.Reference)
		}
		p.Promised = date(c.PromisedDate.Date)
		if c.AnswerDue.Date != c.PromisedDate.Date {
			p.OriginalDue = date(c.AnswerDue.Date)
		}
		p.Consent = c.ExtensionConsent

	case klachtdesk.LetterDecision:
		d := klachtdesk.Decision{Finding: c.Finding, Motivation: c.Motivation, SettlementType: c.SettlementType, Settlement: c.Settlement}
		if err := klachtdesk.ValidateDecision(d); err != nil {
			return p, klachtdesk.Errorf(klachtdesk.EINVALID, "complaint %s has no decision to write: %s", c.Reference, klachtdesk.ErrorMessage(err))
		}
		p.Finding = findingText(c.Finding, lang)
		p.Motivation = paragraphs(c.Motivation)
		p.Settlement = paragraphs(c.Settlement)
		if p.Settlement != "" {
			p.SettlementType = settlementText(c.SettlementType, lang)
		}
		p.ReactionDue = date(c.ReactionDue.Date)
		p.ReactionDays = s.ReactionDays
		p.ADR = klachtdesk.ADRInformationDue(c)

	case klachtdesk.LetterClosing:
		if !slices.Contains(closingReasons, c.CloseReason) {
			return p, klachtdesk.Errorf(klachtdesk.EINVALID, "complaint %s has no close reason the closing letter can explain", c.Reference)
		}
		p.CloseReason = string(c.CloseReason)
		if c.CloseReason == klachtdesk.CloseExternalOutcome {
			p.Outcome = paragraphs(c.ExternalOutcome)
		}
		if !c.AnsweredAt.IsZero() {
			p.AnsweredOn = date(klachtdesk.DateOf(c.AnsweredAt, loc))
		}
		if !c.ReferredAt.IsZero() {
			p.ReferredOn = date(klachtdesk.DateOf(c.ReferredAt, loc))
		}
		if !c.ClosedAt.IsZero() {
			p.ClosedOn = date(klachtdesk.DateOf(c.ClosedAt, loc))
		}
		p.ReactionDue = date(c.ReactionDue.Date)
		p.WatchMonths = s.ReferralWatchMonths
		if c.CloseReason == klachtdesk.CloseAccepted || c.CloseReason == klachtdesk.CloseNoResponse {
			// Only these reopen when the complainant replies in time
			// (klachtdesk.Reopen).
			p.ReopenDays = s.ReopenWindowDays
		}
		if !c.LegalHold {
			p.RetainedUntil = date(c.RetentionUntil.Date)
		}
	}
	return p, nil
}

// findingText is the finding as a letter names it (GLOSSARY.md).
func findingText(f klachtdesk.Finding, lang klachtdesk.Language) string {
	nl := map[klachtdesk.Finding]string{
		klachtdesk.FindingFounded: "gegrond", klachtdesk.FindingPartlyFounded: "deels gegrond", klachtdesk.FindingUnfounded: "ongegrond",
	}
	en := map[klachtdesk.Finding]string{
		klachtdesk.FindingFounded: "founded", klachtdesk.FindingPartlyFounded: "partly founded", klachtdesk.FindingUnfounded: "unfounded",
	}
	if lang == klachtdesk.LanguageEnglish {
		return en[f]
	}
	return nl[f]
}

// settlementText names a settlement type in the letter's language; ""
// for other, whose text speaks for itself.
func settlementText(t string, lang klachtdesk.Language) string {
	names := map[string][2]string{
		"apology":        {"excuses", "apology"},
		"repair":         {"herstel", "repair"},
		"replacement":    {"vervanging", "replacement"},
		"refund":         {"terugbetaling", "refund"},
		"compensation":   {"schadevergoeding", "compensation"},
		"service_credit": {"tegoed", "service credit"},
		"process_change": {"aanpassing van onze werkwijze", "change to our procedures"},
	}
	n, ok := names[t]
	if !ok {
		return ""
	}
	if lang == klachtdesk.LanguageEnglish {
		return n[1]
	}
	return n[0]
}

// paragraphs makes a text staff wrote (a question, a motivation) safe to put
// in a letter while keeping its lines: each line is made safe as oneLine
// does, blank lines at the start and end go, and runs of blank lines
// become one.
func paragraphs(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	s = strings.NewReplacer("\u2028", "\n", "\u2029", "\n\n", "\u0085", "\n").Replace(s)
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = oneLine(line)
		if line == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, line)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}
