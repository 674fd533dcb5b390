package klachtdesk

import (
	"slices"
	"strings"
	"time"
)

// Holiday is one legal holiday on one date, as listed on the documentation
// and settings pages.
type Holiday struct {
	Date Date
	Name string
}

// bridgeDayName is the name LegalHoliday and Holidays give a decreed bridge
// day (a day "met een algemeen erkende feestdag gelijkgesteld", Atw art. 3(3)).
const bridgeDayName = "Brugdag"

// holidayRuleKind tells the two holidays whose working-day status is a setting
// apart from those that are always a day off.
type holidayRuleKind int

const (
	holidayAlwaysOff holidayRuleKind = iota
	holidayGoodFriday
	holidayLiberation
)

// holidayRule computes one holiday for a year; on gives the zero date in a
// year the holiday is not held.
type holidayRule struct {
	name string
	kind holidayRuleKind
	on   func(year int) Date
}

// legalHolidayRules are the general recognised holidays of the Algemene
// termijnenwet (art. 3(1), with Good Friday by art. 3(2)), plus Easter Sunday
// and Whit Sunday, which are Sundays anyway but belong on the official list
// shown to staff.
//
// They are computed here rather than taken from github.com/rickar/cal/v2/nl,
// which was checked and does not fit: it lacks Easter Sunday and Whit Sunday,
// gives Koningsdag for years before 2014, and computes every date at midnight
// in cal.DefaultLoc (the process's local zone), so on a host whose zone skips
// midnight for summer time (America/Havana) Easter 1994 comes out as a
// Saturday. A deadline must not depend on the server's zone.
var legalHolidayRules = []holidayRule{
	{"Nieuwjaarsdag", holidayAlwaysOff, fixedHoliday(time.January, 1)},
	{"Goede Vrijdag", holidayGoodFriday, easterHoliday(-2)},
	{"Eerste Paasdag", holidayAlwaysOff, easterHoliday(0)},
	{"Tweede Paasdag", holidayAlwaysOff, easterHoliday(1)},
	{"Koninginnedag", holidayAlwaysOff, queensDay},
	{"Koningsdag", holidayAlwaysOff, kingsDay},
	{"Bevrijdingsdag", holidayLiberation, fixedHoliday(time.May, 5)},
	{"Hemelvaartsdag", holidayAlwaysOff, easterHoliday(39)},
	{"Eerste Pinksterdag", holidayAlwaysOff, easterHoliday(49)},
	{"Tweede Pinksterdag", holidayAlwaysOff, easterHoliday(50)},
	{"Eerste Kerstdag", holidayAlwaysOff, fixedHoliday(time.December, 25)},
	{"Tweede Kerstdag", holidayAlwaysOff, fixedHoliday(time.December, 26)},
}

// fixedHoliday is a holiday on the same date every year.
func fixedHoliday(month time.Month, day int) func(int) Date {
	return func(year int) Date { return Date{year, month, day} }
}

// easterHoliday is a holiday days after (or before) Easter Sunday.
func easterHoliday(days int) func(int) Date {
	return func(year int) Date { return easterSunday(year).AddDays(days) }
}

// easterSunday returns Western (Gregorian) Easter Sunday of year by the
// Meeus/Jones/Butcher algorithm, valid for every Gregorian year.
func easterSunday(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{year, time.Month(month), day}
}

// kingsDayFrom is the first year of Koningsdag; before it the monarch's
// birthday was celebrated as Koninginnedag.
const kingsDayFrom = 2014

// kingsDay returns Koningsdag: 27 April, or Saturday 26 April when the 27th
// is a Sunday, and the zero date before 2014.
func kingsDay(year int) Date {
	if year < kingsDayFrom {
		return Date{}
	}
	d := Date{year, time.April, 27}
	if d.Weekday() == time.Sunday {
		d = d.AddDays(-1)
	}
	return d
}

// queensDay returns Koninginnedag: 30 April, or Saturday 29 April when the
// 30th was a Sunday (the rule from 1980 to 2013; earlier years are out of
// scope for complaints), and the zero date from 2014.
func queensDay(year int) Date {
	if year >= kingsDayFrom {
		return Date{}
	}
	d := Date{year, time.April, 30}
	if d.Weekday() == time.Sunday {
		d = d.AddDays(-1)
	}
	return d
}

// Calendar answers which days are legal days off and which are working days
// for one organisation's settings. It is immutable once built, so one value
// may be shared between goroutines. The zero Calendar is that of the default
// settings without closing or bridge days.
type Calendar struct {
	goodFridayOff bool
	liberation    LiberationDay
	closing       map[Date]bool
	bridge        map[Date]bool
}

// NewCalendar builds the calendar of s. The day lists are copied, so a later
// change to s does not move deadlines computed with this calendar.
func NewCalendar(s Settings) Calendar {
	c := Calendar{
		goodFridayOff: s.GoodFridayOff,
		liberation:    s.LiberationDay,
		closing:       make(map[Date]bool, len(s.ClosingDays)),
		bridge:        make(map[Date]bool, len(s.BridgeDays)),
	}
	for _, d := range s.ClosingDays {
		c.closing[d] = true
	}
	for _, d := range s.BridgeDays {
		c.bridge[d] = true
	}
	return c
}

// legalHolidaysOn returns the rules that fall on d; more than one when holidays
// coincide, as Ascension Day and Liberation Day did in 2016.
func legalHolidaysOn(d Date) []holidayRule {
	if d.IsZero() {
		return nil // the zero date means "not set", and rules use it for "none this year"
	}
	var rules []holidayRule
	for _, r := range legalHolidayRules {
		if r.on(d.Year) == d {
			rules = append(rules, r)
		}
	}
	return rules
}

// LegalHoliday reports whether d is a general recognised holiday of the
// Algemene termijnenwet (New Year, Good Friday, Easter Sunday and Monday,
// King's Day 27 April or 26 April when the 27th is a Sunday, Liberation Day
// 5 May (every year, for the legal calendar), Ascension Day, Whit Sunday and
// Monday, Christmas, Boxing Day) or one of Settings.BridgeDays; name is the
// Dutch name (e.g. "Koningsdag", "Tweede Kerstdag", "Bevrijdingsdag").
// Coinciding holidays are named together ("Bevrijdingsdag en
// Hemelvaartsdag"); a bridge day is named "Brugdag"; before 2014 the
// monarch's day is Koninginnedag (30 April, or 29 April when that is a Sunday).
func (c Calendar) LegalHoliday(d Date) (name string, ok bool) {
	rules := legalHolidaysOn(d)
	if len(rules) == 0 {
		if c.bridge[d] {
			return bridgeDayName, true
		}
		return "", false
	}
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i] = r.name
	}
	return strings.Join(names, " en "), true
}

// IsLegalDayOff reports whether d is a Saturday, Sunday or LegalHoliday: the
// days a deadline roll skips, as Algemene termijnenwet art. 1 does for legal
// terms. Company closing days are not legal days off.
func (c Calendar) IsLegalDayOff(d Date) bool {
	if c.isWeekend(d) {
		return true
	}
	_, ok := c.LegalHoliday(d)
	return ok
}

// IsWorkingDay reports whether staff work on d: Monday to Friday, not a legal
// holiday, except that Good Friday is a working day unless
// Settings.GoodFridayOff, and 5 May is a day off only per
// Settings.LiberationDay (lustrum = years divisible by 5, always, never); and
// not one of Settings.ClosingDays. Bridge days are never working days.
func (c Calendar) IsWorkingDay(d Date) bool {
	if c.isWeekend(d) || c.closing[d] || c.bridge[d] {
		return false
	}
	for _, r := range legalHolidaysOn(d) {
		switch r.kind {
		case holidayGoodFriday:
			if c.goodFridayOff {
				return false
			}
		case holidayLiberation:
			if c.liberationOff(d.Year) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// liberationOff reports whether 5 May of year is a day off for working-day
// arithmetic. An unset choice means the default, lustrum years only, as most
// collective agreements give the day off every fifth year.
func (c Calendar) liberationOff(year int) bool {
	switch c.liberation {
	case LiberationAlways:
		return true
	case LiberationNever:
		return false
	default:
		return year%5 == 0
	}
}

// AddWorkingDays returns the n-th working day after d for n > 0, the |n|-th
// working day before d for n < 0, and d itself for n == 0. d need not be a
// working day: the count starts from the day next to it.
func (c Calendar) AddWorkingDays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// WorkingDayOnOrBefore returns d if it is a working day, else the last
// working day before it.
func (c Calendar) WorkingDayOnOrBefore(d Date) Date {
	for !c.IsWorkingDay(d) {
		d = d.AddDays(-1)
	}
	return d
}

// Holidays lists the legal holidays of year in date order, bridge days of
// that year included, for the documentation and settings pages. Coinciding
// holidays are listed once each, on the same date.
func (c Calendar) Holidays(year int) []Holiday {
	var hs []Holiday
	for _, r := range legalHolidayRules {
		if d := r.on(year); !d.IsZero() {
			hs = append(hs, Holiday{Date: d, Name: r.name})
		}
	}
	for d := range c.bridge {
		if d.Year == year && len(legalHolidaysOn(d)) == 0 {
			hs = append(hs, Holiday{Date: d, Name: bridgeDayName})
		}
	}
	// Stable, so that coinciding holidays keep the order of legalHolidayRules.
	slices.SortStableFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return hs
}

// isWeekend reports whether d is a Saturday or Sunday.
func (Calendar) isWeekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}
