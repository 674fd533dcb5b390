package klachtdesk

import (
	"context"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RulesetVersion identifies the version of the deadline rules in this code.
// Together with the settings revision it names the rule version that computed
// a deadline (see Settings.RuleVersion).
const RulesetVersion = 1

// Roll says how a deadline that falls on a weekend or legal holiday moves.
type Roll string

// Rolls.
const (
	RollNone     Roll = "none"
	RollForward  Roll = "forward"
	RollBackward Roll = "backward"
)

// ReferralTiming says when a consumer's product complaint goes to the mediator.
type ReferralTiming string

// Referral timings.
const (
	// ReferOnClassification refers as soon as the complaint is classified as a
	// consumer's product complaint (the seed procedure).
	ReferOnClassification ReferralTiming = "on_classification"
	// ReferAfterDecision decides in-house first and refers when the consumer
	// rejects the answer (ICTWaarborg's published condition).
	ReferAfterDecision ReferralTiming = "after_decision"
)

// LiberationDay says whether 5 May is a day off for working-day arithmetic.
type LiberationDay string

// Liberation Day choices.
const (
	LiberationLustrum LiberationDay = "lustrum" // off every 5th year (2025, 2030, …)
	LiberationAlways  LiberationDay = "always"
	LiberationNever   LiberationDay = "never"
)

// Settings are the organisation's details and every rule setting of the
// procedure. Revision increases with every stored change; it is part of the
// rule version recorded with each deadline.
type Settings struct {
	Revision int

	OrgName        string
	ComplaintEmail string
	PostalAddress  string
	TimeZone       string

	AnswerTermDays      int
	AnswerRoll          Roll
	AckWorkingDays      int
	ReactionDays        int
	ExtensionMaxDays    int
	EscalateWorkingDays int
	LateNoticeMonths    int
	RetentionMonths     int
	ReferralTiming      ReferralTiming
	ReferralWatchMonths int
	ReopenWindowDays    int
	MediatorName        string
	MediatorURL         string
	GoodFridayOff       bool
	LiberationDay       LiberationDay
	ClosingDays         []Date // company closing days: not working days
	BridgeDays          []Date // decreed bridge days: treated as legal holidays
	ProcedureVersion    string
	DefaultLanguage     Language
	// AutoLetterMax automatic letters may go to one address within
	// AutoLetterWindowHours; an address that sent an auto-submitted mail
	// gets none for the same window.
	AutoLetterMax         int
	AutoLetterWindowHours int
}

// DefaultSettings returns the settings of a new organisation. Company name
// and addresses are the seed's placeholders, to be filled in.
func DefaultSettings() Settings {
	return Settings{
		OrgName:               "ACT Webservice",
		ComplaintEmail:        "klachten@example.org",
		PostalAddress:         "[ADRESGEGEVENS]",
		TimeZone:              "Europe/Amsterdam",
		AnswerTermDays:        14,
		AnswerRoll:            RollNone,
		AckWorkingDays:        3,
		ReactionDays:          14,
		ExtensionMaxDays:      28,
		EscalateWorkingDays:   2,
		LateNoticeMonths:      2,
		RetentionMonths:       24,
		ReferralTiming:        ReferOnClassification,
		ReferralWatchMonths:   12,
		ReopenWindowDays:      30,
		MediatorName:          "ICTWaarborg",
		MediatorURL:           "https://extranet.ictwaarborg.nl/contact/bemiddeling",
		GoodFridayOff:         false,
		LiberationDay:         LiberationLustrum,
		ProcedureVersion:      "1",
		DefaultLanguage:       LanguageDutch,
		AutoLetterMax:         3,
		AutoLetterWindowHours: 24,
	}
}

// RuleVersion names the rules that compute deadlines under these settings,
// e.g. "r1.s4": ruleset 1 of the code, settings revision 4.
func (s Settings) RuleVersion() string {
	return fmt.Sprintf("r%d.s%d", RulesetVersion, s.Revision)
}

// Location returns the organisation's time zone. An unknown zone (which Set
// refuses) falls back to Europe/Amsterdam, then UTC.
func (s Settings) Location() *time.Location {
	if loc, ok := loadZone(s.TimeZone); ok && s.TimeZone != "" {
		return loc
	}
	if loc, ok := loadZone("Europe/Amsterdam"); ok {
		return loc
	}
	return time.UTC
}

// zones caches loaded time zones: time.LoadLocation reads the zone database
// on every call, and Location is on the path of every deadline.
var zones sync.Map // name → *time.Location

func loadZone(name string) (*time.Location, bool) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), true
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	zones.Store(name, loc)
	return loc, true
}

// SettingKey describes one setting for `settings get|set` and the settings page.
type SettingKey struct {
	Key     string
	Help    string   // English description
	Allowed []string // the allowed values, when they are a fixed list
	get     func(*Settings) string
	set     func(*Settings, string) error
}

func intSetting(key, help string, lo, hi int, f func(*Settings) *int) SettingKey {
	return SettingKey{
		Key: key, Help: fmt.Sprintf("%s (whole number %d–%d)", help, lo, hi),
		get: func(s *Settings) string { return strconv.Itoa(*f(s)) },
		set: func(s *Settings, v string) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < lo || n > hi {
				return Errorf(EINVALID, "setting %s must be a whole number from %d to %d, not %q", key, lo, hi, v)
			}
			*f(s) = n
			return nil
		},
	}
}

func choiceSetting[T ~string](key, help string, allowed []T, f func(*Settings) *T) SettingKey {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return SettingKey{
		Key: key, Help: help, Allowed: names,
		get: func(s *Settings) string { return string(*f(s)) },
		set: func(s *Settings, v string) error {
			if !slices.Contains(names, v) {
				return Errorf(EINVALID, "setting %s must be one of %s, not %q", key, strings.Join(names, ", "), v)
			}
			*f(s) = T(v)
			return nil
		},
	}
}

func textSetting(key, help string, check func(string) error, f func(*Settings) *string) SettingKey {
	return SettingKey{
		Key: key, Help: help,
		get: func(s *Settings) string { return *f(s) },
		set: func(s *Settings, v string) error {
			v = strings.TrimSpace(v)
			if v == "" {
				return Errorf(EINVALID, "setting %s must not be empty", key)
			}
			if len(v) > 1000 {
				return Errorf(EINVALID, "setting %s is longer than 1000 characters", key)
			}
			if check != nil {
				if err := check(v); err != nil {
					return err
				}
			}
			*f(s) = v
			return nil
		},
	}
}

func boolSetting(key, help string, f func(*Settings) *bool) SettingKey {
	return SettingKey{
		Key: key, Help: help, Allowed: []string{"true", "false"},
		get: func(s *Settings) string { return strconv.FormatBool(*f(s)) },
		set: func(s *Settings, v string) error {
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				return Errorf(EINVALID, "setting %s must be one of true, false, not %q", key, v)
			}
			*f(s) = b
			return nil
		},
	}
}

func datesSetting(key, help string, f func(*Settings) *[]Date) SettingKey {
	return SettingKey{
		Key: key, Help: help + " (comma-separated YYYY-MM-DD dates, empty for none)",
		get: func(s *Settings) string {
			parts := make([]string, len(*f(s)))
			for i, d := range *f(s) {
				parts[i] = d.String()
			}
			return strings.Join(parts, ",")
		},
		set: func(s *Settings, v string) error {
			var ds []Date
			for _, p := range strings.Split(v, ",") {
				if p = strings.TrimSpace(p); p == "" {
					continue
				}
				d, err := ParseDate(p)
				if err != nil {
					return Errorf(EINVALID, "setting %s: %q is not a date of the form YYYY-MM-DD", key, p)
				}
				ds = append(ds, d)
			}
			sort.Slice(ds, func(i, j int) bool { return ds[i].Before(ds[j]) })
			*f(s) = slices.Compact(ds)
			return nil
		},
	}
}

func checkEmail(v string) error {
	if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
		return Errorf(EINVALID, "%q is not a plain e-mail address such as klachten@example.nl", v)
	}
	return nil
}

func checkURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Errorf(EINVALID, "%q is not an http(s) URL", v)
	}
	return nil
}

func checkZone(v string) error {
	if _, err := time.LoadLocation(v); err != nil || v == "Local" {
		return Errorf(EINVALID, "%q is not an IANA time zone such as Europe/Amsterdam", v)
	}
	return nil
}

// SettingKeys lists every setting, in display order.
var SettingKeys = []SettingKey{
	textSetting("org.name", "company name used in letters and pages", nil, func(s *Settings) *string { return &s.OrgName }),
	textSetting("org.complaint_email", "e-mail address complaints are sent to", checkEmail, func(s *Settings) *string { return &s.ComplaintEmail }),
	textSetting("org.postal_address", "postal address for complaint letters", nil, func(s *Settings) *string { return &s.PostalAddress }),
	textSetting("timezone", "time zone of all date arithmetic", checkZone, func(s *Settings) *string { return &s.TimeZone }),
	intSetting("answer.term_days", "calendar days to answer after the day of receipt", 1, 90, func(s *Settings) *int { return &s.AnswerTermDays }),
	choiceSetting("answer.roll", "how answer_due moves off weekends and legal holidays", []Roll{RollNone, RollForward, RollBackward}, func(s *Settings) *Roll { return &s.AnswerRoll }),
	intSetting("ack.working_days", "working days after receipt to acknowledge", 0, 30, func(s *Settings) *int { return &s.AckWorkingDays }),
	intSetting("reaction.days", "calendar days the complainant has to react to a decision", 1, 90, func(s *Settings) *int { return &s.ReactionDays }),
	intSetting("extension.max_days", "days past answer_due a promised date may lie without consent", 0, 365, func(s *Settings) *int { return &s.ExtensionMaxDays }),
	intSetting("escalate.working_days", "working days before act_by to escalate", 0, 30, func(s *Settings) *int { return &s.EscalateWorkingDays }),
	intSetting("late_notice.months", "months after discovery a consumer's defect report is late (BW 7:23)", 1, 60, func(s *Settings) *int { return &s.LateNoticeMonths }),
	intSetting("retention.months", "months after closing until personal data are anonymised", 1, 240, func(s *Settings) *int { return &s.RetentionMonths }),
	choiceSetting("referral.timing", "when a consumer's product complaint is referred to the mediator", []ReferralTiming{ReferOnClassification, ReferAfterDecision}, func(s *Settings) *ReferralTiming { return &s.ReferralTiming }),
	intSetting("referral.watch_months", "months a referral stays open before it lapses", 1, 60, func(s *Settings) *int { return &s.ReferralWatchMonths }),
	intSetting("reopen.window_days", "days after closing in which a reply reopens a complaint", 0, 365, func(s *Settings) *int { return &s.ReopenWindowDays }),
	textSetting("mediator.name", "name of the independent mediator", nil, func(s *Settings) *string { return &s.MediatorName }),
	textSetting("mediator.url", "where a consumer requests mediation", checkURL, func(s *Settings) *string { return &s.MediatorURL }),
	boolSetting("calendar.good_friday_off", "Good Friday is a day off", func(s *Settings) *bool { return &s.GoodFridayOff }),
	choiceSetting("calendar.liberation_day", "when 5 May is a day off", []LiberationDay{LiberationLustrum, LiberationAlways, LiberationNever}, func(s *Settings) *LiberationDay { return &s.LiberationDay }),
	datesSetting("calendar.closing_days", "company closing days", func(s *Settings) *[]Date { return &s.ClosingDays }),
	datesSetting("calendar.bridge_days", "decreed bridge days, treated as legal holidays", func(s *Settings) *[]Date { return &s.BridgeDays }),
	textSetting("procedure.version", "version of the complaints procedure recorded with each complaint", nil, func(s *Settings) *string { return &s.ProcedureVersion }),
	intSetting("mail.auto_letters_max", "automatic letters one address may receive within mail.auto_letters_window_hours", 0, 100, func(s *Settings) *int { return &s.AutoLetterMax }),
	intSetting("mail.auto_letters_window_hours", "hours over which automatic letters are counted, and an auto-reply silences an address", 1, 24*30, func(s *Settings) *int { return &s.AutoLetterWindowHours }),
	choiceSetting("language.default", "language of letters when the complaint's language is unclear", []Language{LanguageDutch, LanguageEnglish}, func(s *Settings) *Language { return &s.DefaultLanguage }),
}

// LookupSettingKey returns the setting named key, or an EINVALID error naming
// every key.
func LookupSettingKey(key string) (SettingKey, error) {
	for _, k := range SettingKeys {
		if k.Key == key {
			return k, nil
		}
	}
	names := make([]string, len(SettingKeys))
	for i, k := range SettingKeys {
		names[i] = k.Key
	}
	return SettingKey{}, Errorf(EINVALID, "unknown setting %q; settings are: %s", key, strings.Join(names, ", "))
}

// Get returns the value of the setting named key.
func (s Settings) Get(key string) (string, error) {
	k, err := LookupSettingKey(key)
	if err != nil {
		return "", err
	}
	return k.get(&s), nil
}

// Set validates value and stores it in the setting named key. A bad key or
// value is refused with the allowed ones named. Set does not change Revision:
// the store does, when it saves.
func (s *Settings) Set(key, value string) error {
	k, err := LookupSettingKey(key)
	if err != nil {
		return err
	}
	return k.set(s, value)
}

// Map returns every setting as key → value, for storage.
func (s Settings) Map() map[string]string {
	m := make(map[string]string, len(SettingKeys))
	for _, k := range SettingKeys {
		m[k.Key] = k.get(&s)
	}
	return m
}

// SettingsFromMap starts from the defaults and applies every stored value.
// Unknown keys (from a newer version) are ignored; a bad stored value is an
// error.
func SettingsFromMap(m map[string]string, revision int) (Settings, error) {
	s := DefaultSettings()
	s.Revision = revision
	for _, k := range SettingKeys {
		if v, ok := m[k.Key]; ok {
			if err := k.set(&s, v); err != nil {
				return s, err
			}
		}
	}
	return s, nil
}

// SettingsService stores the settings. Every change raises the revision and is
// an audit event; it never moves an existing deadline. Every method returns
// EUNAUTHORIZED when the acting user is inactive.
type SettingsService interface {
	// Settings returns the settings in force: the defaults with every
	// stored value applied, and the revision of the last change.
	Settings(ctx context.Context) (Settings, error)

	// SetSetting validates and stores one setting and returns the new
	// settings; storing the value a setting already has changes nothing.
	// Returns EFORBIDDEN for a user who is not an administrator, and
	// EINVALID naming the allowed keys or values otherwise.
	SetSetting(ctx context.Context, key, value string) (Settings, error)
}
