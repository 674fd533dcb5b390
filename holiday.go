package klachtdesk

import (
	"slices"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/nl"
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

// holidayRule computes one holiday for a year. Most rules are rickar/cal's
// Dutch definitions; the rest fill what that package lacks (see legalHolidayRules).
type holidayRule struct {
	name string
	kind holidayRuleKind
	on   func(year int) Date
}

// calHoliday adapts a rickar/cal holiday. The observed date is the one that
// counts: it is where Koningsdag moves when 27 April is a Sunday.
func calHoliday(h *cal.Holiday) func(int) Date {
	return func(year int) Date {
		_, observed := h.Calc(year)
		y, m, d := observed.Date()
		return Date{y, m, d}
	}
}

// kingsDay returns the day the monarch's birthday is celebrated.
// rickar/cal gives Koningsdag (27 April, 26 April when the 27th is a Sunday)
// for every year, but before 2014 the day was Koninginnedag on 30 April, held
// on Saturday 29 April when the 30th was a Sunday (the rule from 1980 on;
// earlier years are out of scope for complaints).
func kingsDay(year int) Date {
	if year >= 2014 {
		return calHoliday(nl.Koningsdag)(year)
	}
	d := Date{year, time.April, 30}
	if d.Weekday() == time.Sunday {
		d = d.AddDays(-1)
	}
	return d
}

// legalHolidayRules are the general recognised holidays of the Algemene termijnenwet
// (art. 3(1), with Good Friday by art. 3(2)), plus Easter Sunday and Whit
// Sunday, which are Sundays anyway but belong on the official list shown to
// staff. rickar/cal's nl package has neither Sunday, so they come from its
// generic aa definitions; its Koningsdag is wrong before 2014 (see kingsDay).
var legalHolidayRules = []holidayRule{
	{"Nieuwjaarsdag", holidayAlwaysOff, calHoliday(nl.Nieuwjaar)},
	{"Goede Vrijdag", holidayGoodFriday, calHoliday(nl.GoedeVrijdag)},
	{"Eerste Paasdag", holidayAlwaysOff, calHoliday(aa.Easter)},
	{"Tweede Paasdag", holidayAlwaysOff, calHoliday(nl.TweedePaasdag)},
	{"Koningsdag", holidayAlwaysOff, kingsDay},
	{"Bevrijdingsdag", holidayLiberation, calHoliday(nl.BevrijdingsDag)},
	{"Hemelvaartsdag", holidayAlwaysOff, calHoliday(nl.Hemelvaart)},
	{"Eerste Pinksterdag", holidayAlwaysOff, calHoliday(aa.Pentecost)},
	{"Tweede Pinksterdag", holidayAlwaysOff, calHoliday(nl.TweedePinksterDag)},
	{"Eerste Kerstdag", holidayAlwaysOff, calHoliday(nl.EersteKerstdag)},
	{"Tweede Kerstdag", holidayAlwaysOff, calHoliday(nl.TweedeKerstdag)},
}

// Calendar answers which days are legal days off and which are working days
// for one organisation's settings. It is immutable once built, so one value
// may be shared between goroutines.
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
// Hemelvaartsdag"); a bridge day is named "Brugdag".
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
		hs = append(hs, Holiday{Date: r.on(year), Name: r.name})
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
