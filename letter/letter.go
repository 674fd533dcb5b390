// Package letter writes the letters Klachtdesk sends to a complainant, in
// Dutch and English: every kind the procedure names (klachtdesk.LetterKinds),
// from the acknowledgement of receipt (M1) to the closing letter (M7), and
// the confirmation that a reply was received. Rendering is pure: it reads
// the complaint and the settings and returns text, without I/O, so the
// store can keep the letter verbatim as sent. Writer implements
// klachtdesk.LetterWriter.
package letter

import (
	"embed"
	"fmt"
	"strings"
	"text/template"

	"github.com/klachtdesk/klachtdesk"
)

// Kinds lists every kind of letter this package writes: all of the
// procedure's.
var Kinds = klachtdesk.LetterKinds

// Languages lists every language this package writes letters in.
var Languages = []klachtdesk.Language{klachtdesk.LanguageDutch, klachtdesk.LanguageEnglish}

// Letter is a rendered letter, ready to be stored and sent.
type Letter struct {
	Kind     klachtdesk.LetterKind
	Language klachtdesk.Language
	// Subject is one line and always carries the reference in brackets, so
	// that a reply finds its complaint: "Ontvangstbevestiging van uw klacht
	// [KL-2026-000042]".
	Subject string
	// Text is plain text with LF line ends, wrapped at 76 characters where
	// possible, ending in one newline.
	Text string
}

// Width is the line length Text is wrapped at. Only a word longer than
// Width (a long URL or address) makes a longer line.
const Width = 76

// Length limits for values from the complaint: a letter must stay readable
// whatever a complainant typed as their name or subject.
const (
	maxName    = 60
	maxSubject = 64 // "Onderwerp: " plus the subject fits on one line
	maxSetting = 200
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// templates holds one parsed template per kind and language; each defines
// "subject" and "body", and may use the paragraphs the language's
// common.LANG.tmpl defines. Parsed at start so that a broken template fails
// fast.
var templates = parseTemplates()

type templateKey struct {
	kind klachtdesk.LetterKind
	lang klachtdesk.Language
}

func parseTemplates() map[templateKey]*template.Template {
	m := make(map[templateKey]*template.Template)
	for _, k := range Kinds {
		for _, l := range Languages {
			name := fmt.Sprintf("templates/%s.%s.tmpl", k, l)
			common := fmt.Sprintf("templates/common.%s.tmpl", l)
			t := template.Must(template.New(name).Option("missingkey=error").ParseFS(templateFS, name, common))
			for _, def := range []string{"subject", "body"} {
				if t.Lookup(def) == nil {
					panic(fmt.Sprintf("letter: %s does not define %q", name, def))
				}
			}
			m[templateKey{k, l}] = t
		}
	}
	return m
}

// SubjectTag returns the reference as it appears in a subject line:
// "[KL-2026-000042]". Line breaks and other control characters are removed,
// so the tag can never start a new mail header.
func SubjectTag(reference string) string {
	return "[" + cut(oneLine(reference), 40, false) + "]"
}

// Writer writes letters with this package's templates; it implements
// klachtdesk.LetterWriter.
type Writer struct{}

var _ klachtdesk.LetterWriter = Writer{}

// WriteLetter implements klachtdesk.LetterWriter: RenderLetter in the
// complaint's language.
func (Writer) WriteLetter(l klachtdesk.Letter, c *klachtdesk.Complaint, s klachtdesk.Settings) (subject, text string, err error) {
	out, err := RenderLetter(l, c, s, "")
	if err != nil {
		return "", "", err
	}
	return out.Subject, out.Text, nil
}

// Render writes the letter of kind k for complaint c; see RenderLetter. A
// request for information needs its question: use RenderLetter.
func Render(k klachtdesk.LetterKind, c *klachtdesk.Complaint, s klachtdesk.Settings, lang klachtdesk.Language) (*Letter, error) {
	return RenderLetter(klachtdesk.Letter{Kind: k}, c, s, lang)
}

// RenderLetter writes letter l for complaint c in language lang, or in the
// complaint's language when lang is "" (the organisation's default language
// when the complaint has none), using the organisation's details and rules
// in s. An unknown kind or language, a complaint without a valid reference,
// or a complaint that lacks what the letter must say (an acknowledgement
// without receipt or answer due date, a request for information without
// its question, a decision without finding and motivation, …) is an
// EINVALID error. The letter says what the complaint holds; which letter
// to send when is the rules' business (klachtdesk.LetterForAction).
func RenderLetter(l klachtdesk.Letter, c *klachtdesk.Complaint, s klachtdesk.Settings, lang klachtdesk.Language) (*Letter, error) {
	k := l.Kind
	if c == nil {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "no complaint to write a letter for")
	}
	if lang == "" {
		lang = c.Language
	}
	if lang == "" {
		lang = s.DefaultLanguage
	}
	if !k.Valid() {
		names := make([]string, len(Kinds))
		for i, kk := range Kinds {
			names[i] = string(kk)
		}
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "unknown letter kind %q; kinds are %s", k, strings.Join(names, ", "))
	}
	t, ok := templates[templateKey{k, lang}]
	if !ok {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "no letters in language %q; languages are nl, en", lang)
	}
	d, err := newData(l, c, s, lang)
	if err != nil {
		return nil, err
	}

	var subject, body strings.Builder
	if err := t.ExecuteTemplate(&subject, "subject", d); err != nil {
		return nil, fmt.Errorf("letter %s/%s subject: %w", k, lang, err)
	}
	if err := t.ExecuteTemplate(&body, "body", d); err != nil {
		return nil, fmt.Errorf("letter %s/%s body: %w", k, lang, err)
	}
	return &Letter{
		Kind:     k,
		Language: lang,
		// oneLine again: whatever a template or value holds, the subject
		// is a single header line.
		Subject: oneLine(subject.String()),
		Text:    layout(body.String()),
	}, nil
}

// data is what the templates see: every value already made safe (one line,
// cut to length) and every date already written out in the letter's
// language.
type data struct {
	Greeting  string // "Beste Jan de Vries," or "Geachte heer, mevrouw,"
	Reference string // KL-2026-000042
	Tag       string // [KL-2026-000042]
	Subject   string // the complaint's own subject, "" when none
	Received  string // date of receipt, "25 november 2026"
	Due       string // current answer due date, "" when none
	TermDays  int    // the answer term in calendar days

	// Mediator is true for a consumer's complaint about a delivered
	// product: M1 then promises no in-house handling.
	Mediator     bool
	MediatorName string
	MediatorURL  string

	// ByPost is true when the complainant can only be reached by letter,
	// so the letter cannot say "reply to this e-mail".
	ByPost bool

	// Where the complaint is, for the "we received your reply" letter.
	AwaitsAnswer bool // open and not yet answered or referred
	Answered     bool
	Referred     bool
	Closed       bool

	Org           string
	Email         string
	PostalAddress string // one line, "" when not filled in

	// What the letters caused by an action say (procedure.go).
	procedure
}

func newData(l klachtdesk.Letter, c *klachtdesk.Complaint, s klachtdesk.Settings, lang klachtdesk.Language) (*data, error) {
	if _, _, err := klachtdesk.ParseReference(c.Reference); err != nil {
		return nil, err
	}
	org := cut(oneLine(s.OrgName), maxSetting, false)
	email := cut(oneLine(s.ComplaintEmail), maxSetting, false)
	if org == "" || email == "" {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "settings org.name and org.complaint_email are needed to sign a letter")
	}

	receipt := c.ReceiptDate
	if receipt.IsZero() && !c.ReceivedAt.IsZero() {
		receipt = klachtdesk.ReceiptDate(c.ReceivedAt, s)
	}
	due := c.EffectiveDue()
	k := l.Kind
	if k == klachtdesk.LetterAcknowledgement {
		if receipt.IsZero() {
			return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "complaint %s has no date of receipt to acknowledge", c.Reference)
		}
		if c.AnswerDue.IsZero() {
			return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "complaint %s has no answer due date", c.Reference)
		}
		due = c.AnswerDue.Date
	}
	term := s.AnswerTermDays
	if term <= 0 {
		term = klachtdesk.DefaultSettings().AnswerTermDays
	}

	route := c.Route
	if route == "" {
		route = klachtdesk.RouteFor(c.Kind, c.CustomerType)
	}
	name := ""
	if c.Complainant != nil {
		name = cut(oneLine(c.Complainant.Name), maxName, false)
		if strings.Contains(name, "@") {
			// A bare e-mail address is no name to greet someone by.
			name = ""
		}
	}
	byPost := c.Channel == klachtdesk.ChannelLetter && (c.Complainant == nil || strings.TrimSpace(c.Complainant.Email) == "")
	postal := postalLine(s.PostalAddress)
	p, err := newProcedure(l, c, s, lang)
	if err != nil {
		return nil, err
	}

	return &data{
		Greeting:      greeting(lang, name),
		Reference:     c.Reference,
		Tag:           SubjectTag(c.Reference),
		Subject:       cut(oneLine(c.Subject), maxSubject, true),
		Received:      formatDate(receipt, lang, nbsp),
		Due:           formatDate(due, lang, nbsp),
		TermDays:      term,
		Mediator:      route == klachtdesk.RouteMediator,
		MediatorName:  cut(oneLine(s.MediatorName), maxSetting, false),
		MediatorURL:   cut(oneLine(s.MediatorURL), maxSetting, false),
		ByPost:        byPost,
		AwaitsAnswer:  c.AwaitsAnswer(),
		Answered:      c.State == klachtdesk.StateAnswered,
		Referred:      c.State == klachtdesk.StateReferred,
		Closed:        !c.IsOpen(),
		Org:           org,
		Email:         email,
		PostalAddress: postal,
		procedure:     p,
	}, nil
}

func greeting(lang klachtdesk.Language, name string) string {
	switch {
	case lang == klachtdesk.LanguageEnglish && name != "":
		return "Dear " + name + ","
	case lang == klachtdesk.LanguageEnglish:
		return "Dear Sir or Madam,"
	case name != "":
		return "Beste " + name + ","
	default:
		return "Geachte heer, mevrouw,"
	}
}

// postalLine writes the postal address setting on one line, its lines
// joined by commas. A value still in brackets is the seed's unfilled
// placeholder ("[ADRESGEGEVENS]") and is left out rather than sent.
func postalLine(v string) string {
	var parts []string
	for _, l := range strings.Split(v, "\n") {
		if l = oneLine(l); l != "" {
			parts = append(parts, strings.TrimSuffix(l, ","))
		}
	}
	line := cut(strings.Join(parts, ", "), maxSetting, false)
	if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
		return ""
	}
	return line
}
