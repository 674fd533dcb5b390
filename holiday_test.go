package klachtdesk_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/nl"

	"github.com/klachtdesk/klachtdesk"
)

// calDate is short for MustParseDate in tables.
func calDate(s string) klachtdesk.Date { return klachtdesk.MustParseDate(s) }

// officialHolidays are the general recognised holidays of 2024–2030 as
// published by the government (rijksoverheid.nl "officiële feestdagen"),
// written out so that a wrong computation cannot agree with itself. Easter
// Sundays: 2024-03-31, 2025-04-20, 2026-04-05, 2027-03-28, 2028-04-16,
// 2029-04-01, 2030-04-21. Koningsdag 2025 and 2031 is Saturday 26 April
// because 27 April is a Sunday.
var officialHolidays = map[int][]klachtdesk.Holiday{
	2024: {
		{Date: calDate("2024-01-01"), Name: "Nieuwjaarsdag"},
		{Date: calDate("2024-03-29"), Name: "Goede Vrijdag"},
		{Date: calDate("2024-03-31"), Name: "Eerste Paasdag"},
		{Date: calDate("2024-04-01"), Name: "Tweede Paasdag"},
		{Date: calDate("2024-04-27"), Name: "Koningsdag"},
		{Date: calDate("2024-05-05"), Name: "Bevrijdingsdag"},
		{Date: calDate("2024-05-09"), Name: "Hemelvaartsdag"},
		{Date: calDate("2024-05-19"), Name: "Eerste Pinksterdag"},
		{Date: calDate("2024-05-20"), Name: "Tweede Pinksterdag"},
		{Date: calDate("2024-12-25"), Name: "Eerste Kerstdag"},
		{Date: calDate("2024-12-26"), Name: "Tweede Kerstdag"},
	},
	2025: {
		{Date: calDate("2025-01-01"), Name: "Nieuwjaarsdag"},
		{Date: calDate("2025-04-18"), Name: "Goede Vrijdag"},
		{Date: calDate("2025-04-20"), Name: "Eerste Paasdag"},
		{Date: calDate("2025-04-21"), Name: "Tweede Paasdag"},
		{Date: calDate("2025-04-26"), Name: "Koningsdag"},
		{Date: calDate("2025-05-05"), Name: "Bevrijdingsdag"},
		{Date: calDate("2025-05-29"), Name: "Hemelvaartsdag"},
		{Date: calDate("2025-06-08"), Name: "Eerste Pinksterdag"},
		{Date: calDate("2025-06-09"), Name: "Tweede Pinksterdag"},
		{Date: calDate("2025-12-25"), Name: "Eerste Kerstdag"},
		{Date: calDate("2025-12-26"), Name: "Tweede Kerstdag"},
	},
	2026: {
		{Date: calDate("2026-01-01"), Name: "Nieuwjaarsdag"},
		{Date: calDate("2026-04-03"), Name: "Goede Vrijdag"},
		{Date: calDate("2026-04-05"), Name: "Eerste Paasdag"},
		{Date: calDate("2026-04-06"), Name: "Tweede Paasdag"},
		{Date: calDate("2026-04-27"), Name: "Koningsdag"},
		{Date: calDate("2026-05-05"), Name: "Bevrijdingsdag"},
		{Date: calDate("2026-05-14"), Name: "Hemelvaartsdag"},
		{Date: calDate("2026-05-24"), Name: "Eerste Pinksterdag"},
		{Date: calDate("2026-05-25"), Name: "Tweede Pinksterdag"},
		{Date: calDate("2026-12-25"), Name: "Eerste Kerstdag"},
		{Date: calDate("2026-12-26"), Name: "Tweede Kerstdag"},
	},
	2027: {
		{Date: calDate("2027-01-01"), Name: "Nieuwjaarsdag"},
		{Date: calDate("2027-03-26"), Name: "Goede Vrijdag"},
		{Date: calDate("2027-03-28"), Name: "Eerste Paasdag"},
		{Date: calDate("2027-03-29"), Name: "Tweede Paasdag"},
		{Date: calDate("2027-04-27"), Name: "Koningsdag"},
		{Date: calDate("2027-05-05"), Name: "Bevrijdingsdag"},
		{Date: calDate("2027-05-06"), Name: "Hemelvaartsdag"},
		{Date: calDate("2027-05-16"), Name: "Eerste Pinksterdag"},
		{Date: calDate("2027-05-17"), Name: "Tweede Pinksterdag"},
		{Date: calDate("2027-12-25"), Name: "Eerste Kerstdag"},
		{Date: calDate("2027-12-26"), Name: "Tweede Kerstdag"},
	},
	2028: {
		{Date: calDate("2028-01-01"), Name: "Nieuwjaarsdag"},
		{Date: calDate("2028-04-14"), Name: "Goede Vrijdag"},
		{Date: calDate("2028-04-16"), Name: "Eerste Paasdag"},
		{Date: calDate("2028-04-17"), Name: "Tweede Paasdag"},
		{Date: calDate("2028-04-27"), Name: "Koningsdag"},
		{Date: calDate("2028-05-05"), Name: "Bevrijdingsdag"},
		{Date: calDate("2028-05-25"), Name: "Hemelvaartsdag"},
		{Date: calDate("2028-06-04"), Name: "Eerste Pinksterdag"},
		{Date: calDate("2028-06-05"), Name: "Tweede Pinksterdag"},
		{Date: calDate("2028-12-25"), Name: "Eerste Kerstdag"},
		{Date: calDate("2028-12-26"), Name: "Tweede Kerstdag"},
	},
	2029: {
		{Date: calDate("2029-01-01"), Name: "Nieuwjaarsdag"},
		{Date: calDate("2029-03-30"), Name: "Goede Vrijdag"},
		{Date: calDate("2029-04-01"), Name: "Eerste Paasdag"},
		{Date: calDate("2029-04-02"), Name: "Tweede Paasdag"},
		{Date: calDate("2029-04-27"), Name: "Koningsdag"},
		{Date: calDate("2029-05-05"), Name: "Bevrijdingsdag"},
		{Date: calDate("2029-05-10"), Name: "Hemelvaartsdag"},
		{Date: calDate("2029-05-20"), Name: "Eerste Pinksterdag"},
		{Date: calDate("2029-05-21"), Name: "Tweede Pinksterdag"},
		{Date: calDate("2029-12-25"), Name: "Eerste Kerstdag"},
		{Date: calDate("2029-12-26"), Name: "Tweede Kerstdag"},
	},
	2030: {
		{Date: calDate("2030-01-01"), Name: "Nieuwjaarsdag"},
		{Date: calDate("2030-04-19"), Name: "Goede Vrijdag"},
		{Date: calDate("2030-04-21"), Name: "Eerste Paasdag"},
		{Date: calDate("2030-04-22"), Name: "Tweede Paasdag"},
		{Date: calDate("2030-04-27"), Name: "Koningsdag"},
		{Date: calDate("2030-05-05"), Name: "Bevrijdingsdag"},
		{Date: calDate("2030-05-30"), Name: "Hemelvaartsdag"},
		{Date: calDate("2030-06-09"), Name: "Eerste Pinksterdag"},
		{Date: calDate("2030-06-10"), Name: "Tweede Pinksterdag"},
		{Date: calDate("2030-12-25"), Name: "Eerste Kerstdag"},
		{Date: calDate("2030-12-26"), Name: "Tweede Kerstdag"},
	},
	2031: {
		{Date: calDate("2031-01-01"), Name: "Nieuwjaarsdag"},
		{Date: calDate("2031-04-11"), Name: "Goede Vrijdag"},
		{Date: calDate("2031-04-13"), Name: "Eerste Paasdag"},
		{Date: calDate("2031-04-14"), Name: "Tweede Paasdag"},
		{Date: calDate("2031-04-26"), Name: "Koningsdag"},
		{Date: calDate("2031-05-05"), Name: "Bevrijdingsdag"},
		{Date: calDate("2031-05-22"), Name: "Hemelvaartsdag"},
		{Date: calDate("2031-06-01"), Name: "Eerste Pinksterdag"},
		{Date: calDate("2031-06-02"), Name: "Tweede Pinksterdag"},
		{Date: calDate("2031-12-25"), Name: "Eerste Kerstdag"},
		{Date: calDate("2031-12-26"), Name: "Tweede Kerstdag"},
	},
}

// calSettings returns the default settings changed by f.
func calSettings(f func(*klachtdesk.Settings)) klachtdesk.Settings {
	s := klachtdesk.DefaultSettings()
	if f != nil {
		f(&s)
	}
	return s
}

func TestCalendarLegalHolidayOfficialDates(t *testing.T) {
	c := klachtdesk.NewCalendar(klachtdesk.DefaultSettings())
	for year, holidays := range officialHolidays {
		for _, h := range holidays {
			t.Run(fmt.Sprintf("%s %s", h.Date, h.Name), func(t *testing.T) {
				got, ok := c.LegalHoliday(h.Date)
				if !ok || got != h.Name {
					t.Errorf("LegalHoliday(%s) = %q, %v; want %q, true", h.Date, got, ok, h.Name)
				}
				if !c.IsLegalDayOff(h.Date) {
					t.Errorf("IsLegalDayOff(%s) = false, want true", h.Date)
				}
			})
		}
		t.Run(fmt.Sprintf("no other holidays in %d", year), func(t *testing.T) {
			want := make(map[klachtdesk.Date]bool)
			for _, h := range holidays {
				want[h.Date] = true
			}
			for d := calDate(fmt.Sprintf("%d-01-01", year)); d.Year == year; d = d.AddDays(1) {
				if name, ok := c.LegalHoliday(d); ok && !want[d] {
					t.Errorf("LegalHoliday(%s) = %q, true; not an official holiday", d, name)
				}
			}
		})
	}
}

func TestCalendarHolidays(t *testing.T) {
	for year, want := range officialHolidays {
		t.Run(fmt.Sprint(year), func(t *testing.T) {
			got := klachtdesk.NewCalendar(klachtdesk.DefaultSettings()).Holidays(year)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Holidays(%d) mismatch (-want +got):\n%s", year, diff)
			}
		})
	}

	tests := []struct {
		name     string
		settings klachtdesk.Settings
		year     int
		want     []klachtdesk.Holiday
	}{
		{
			name: "bridge days of the year are listed in date order",
			settings: calSettings(func(s *klachtdesk.Settings) {
				s.BridgeDays = []klachtdesk.Date{calDate("2027-01-02"), calDate("2026-05-15"), calDate("2026-12-24")}
			}),
			year: 2026,
			want: []klachtdesk.Holiday{
				{Date: calDate("2026-01-01"), Name: "Nieuwjaarsdag"},
				{Date: calDate("2026-04-03"), Name: "Goede Vrijdag"},
				{Date: calDate("2026-04-05"), Name: "Eerste Paasdag"},
				{Date: calDate("2026-04-06"), Name: "Tweede Paasdag"},
				{Date: calDate("2026-04-27"), Name: "Koningsdag"},
				{Date: calDate("2026-05-05"), Name: "Bevrijdingsdag"},
				{Date: calDate("2026-05-14"), Name: "Hemelvaartsdag"},
				{Date: calDate("2026-05-15"), Name: "Brugdag"},
				{Date: calDate("2026-05-24"), Name: "Eerste Pinksterdag"},
				{Date: calDate("2026-05-25"), Name: "Tweede Pinksterdag"},
				{Date: calDate("2026-12-24"), Name: "Brugdag"},
				{Date: calDate("2026-12-25"), Name: "Eerste Kerstdag"},
				{Date: calDate("2026-12-26"), Name: "Tweede Kerstdag"},
			},
		},
		{
			name: "a bridge day on a holiday is not listed twice",
			settings: calSettings(func(s *klachtdesk.Settings) {
				s.BridgeDays = []klachtdesk.Date{calDate("2026-12-25")}
			}),
			year: 2026,
			want: officialHolidays[2026],
		},
		{
			name:     "Ascension Day on 5 May 2016 lists both",
			settings: klachtdesk.DefaultSettings(),
			year:     2016,
			want: []klachtdesk.Holiday{
				{Date: calDate("2016-01-01"), Name: "Nieuwjaarsdag"},
				{Date: calDate("2016-03-25"), Name: "Goede Vrijdag"},
				{Date: calDate("2016-03-27"), Name: "Eerste Paasdag"},
				{Date: calDate("2016-03-28"), Name: "Tweede Paasdag"},
				{Date: calDate("2016-04-27"), Name: "Koningsdag"},
				{Date: calDate("2016-05-05"), Name: "Bevrijdingsdag"},
				{Date: calDate("2016-05-05"), Name: "Hemelvaartsdag"},
				{Date: calDate("2016-05-15"), Name: "Eerste Pinksterdag"},
				{Date: calDate("2016-05-16"), Name: "Tweede Pinksterdag"},
				{Date: calDate("2016-12-25"), Name: "Eerste Kerstdag"},
				{Date: calDate("2016-12-26"), Name: "Tweede Kerstdag"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := klachtdesk.NewCalendar(tt.settings).Holidays(tt.year)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Holidays(%d) mismatch (-want +got):\n%s", tt.year, diff)
			}
		})
	}
}

func TestCalendarLegalHoliday(t *testing.T) {
	tests := []struct {
		name     string
		settings klachtdesk.Settings
		day      string
		want     string
		wantOK   bool
	}{
		{"27 April 2025 is a Sunday, not Koningsdag", klachtdesk.DefaultSettings(), "2025-04-27", "", false},
		{"first Koningsdag, 26 April 2014", klachtdesk.DefaultSettings(), "2014-04-26", "Koningsdag", true},
		{"27 April 2014 is a Sunday", klachtdesk.DefaultSettings(), "2014-04-27", "", false},
		{"Koninginnedag 2013 on 30 April", klachtdesk.DefaultSettings(), "2013-04-30", "Koninginnedag", true},
		{"27 April 2013 was no holiday", klachtdesk.DefaultSettings(), "2013-04-27", "", false},
		{"Koninginnedag 2006 on Saturday 29 April", klachtdesk.DefaultSettings(), "2006-04-29", "Koninginnedag", true},
		{"5 May outside a lustrum is still a legal holiday", klachtdesk.DefaultSettings(), "2026-05-05", "Bevrijdingsdag", true},
		{"5 May under LiberationNever is still a legal holiday", calSettings(func(s *klachtdesk.Settings) { s.LiberationDay = klachtdesk.LiberationNever }), "2026-05-05", "Bevrijdingsdag", true},
		{"Good Friday is a legal holiday even when worked", klachtdesk.DefaultSettings(), "2026-04-03", "Goede Vrijdag", true},
		{"Ascension Day on Liberation Day", klachtdesk.DefaultSettings(), "2016-05-05", "Bevrijdingsdag en Hemelvaartsdag", true},
		{"bridge day", calSettings(func(s *klachtdesk.Settings) { s.BridgeDays = []klachtdesk.Date{calDate("2026-05-15")} }), "2026-05-15", "Brugdag", true},
		{"bridge day on a holiday keeps the holiday's name", calSettings(func(s *klachtdesk.Settings) { s.BridgeDays = []klachtdesk.Date{calDate("2026-12-26")} }), "2026-12-26", "Tweede Kerstdag", true},
		{"closing day is no legal holiday", calSettings(func(s *klachtdesk.Settings) { s.ClosingDays = []klachtdesk.Date{calDate("2026-12-28")} }), "2026-12-28", "", false},
		{"Friday after Ascension without a bridge day", klachtdesk.DefaultSettings(), "2026-05-15", "", false},
		{"ordinary weekday", klachtdesk.DefaultSettings(), "2026-04-14", "", false},
		{"Christmas Eve", klachtdesk.DefaultSettings(), "2026-12-24", "", false},
		{"New Year's Eve", klachtdesk.DefaultSettings(), "2026-12-31", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := klachtdesk.NewCalendar(tt.settings).LegalHoliday(calDate(tt.day))
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("LegalHoliday(%s) = %q, %v; want %q, %v", tt.day, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// knuthEaster computes Gregorian Easter Sunday by the epact method of Knuth
// (TAOCP vol. 1, 1.3.2 exercise 14), independent of the Meeus/Jones/Butcher
// formula rickar/cal uses.
func knuthEaster(y int) klachtdesk.Date {
	g := y%19 + 1
	c := y/100 + 1
	x := 3*c/4 - 12
	z := (8*c+5)/25 - 5
	d := 5*y/4 - x - 10
	e := (11*g + 20 + z - x) % 30
	if (e == 25 && g > 11) || e == 24 {
		e++
	}
	n := 44 - e
	if n < 21 {
		n += 30
	}
	n = n + 7 - (d+n)%7
	if n > 31 {
		return klachtdesk.NewDate(y, time.April, n-31)
	}
	return klachtdesk.NewDate(y, time.March, n)
}

// TestCalendarEasterCycle checks the Easter-dependent holidays for three
// centuries against an independent algorithm, and their weekdays.
func TestCalendarEasterCycle(t *testing.T) {
	c := klachtdesk.NewCalendar(klachtdesk.DefaultSettings())
	for year := 1900; year < 2200; year++ {
		easter := knuthEaster(year)
		want := map[string]struct {
			date    klachtdesk.Date
			weekday time.Weekday
		}{
			"Goede Vrijdag":      {easter.AddDays(-2), time.Friday},
			"Eerste Paasdag":     {easter, time.Sunday},
			"Tweede Paasdag":     {easter.AddDays(1), time.Monday},
			"Hemelvaartsdag":     {easter.AddDays(39), time.Thursday},
			"Eerste Pinksterdag": {easter.AddDays(49), time.Sunday},
			"Tweede Pinksterdag": {easter.AddDays(50), time.Monday},
		}
		for _, h := range c.Holidays(year) {
			w, ok := want[h.Name]
			if !ok {
				continue
			}
			if h.Date != w.date || h.Date.Weekday() != w.weekday {
				t.Errorf("%d %s = %s (%s), want %s (%s)", year, h.Name, h.Date, h.Date.Weekday(), w.date, w.weekday)
			}
		}
	}
}

// TestCalendarAgreesWithRickarCal compares the calendar with the Dutch
// holidays of github.com/rickar/cal/v2/nl from 2014, when Koningsdag began, to
// 2100. That package has no Easter Sunday or Whit Sunday, and it is not used
// at run time because its dates depend on the process's local zone; here its
// zone is pinned to UTC.
func TestCalendarAgreesWithRickarCal(t *testing.T) {
	saved := cal.DefaultLoc
	cal.DefaultLoc = time.UTC
	t.Cleanup(func() { cal.DefaultLoc = saved })

	c := klachtdesk.NewCalendar(klachtdesk.DefaultSettings())
	for year := 2014; year <= 2100; year++ {
		var want []klachtdesk.Holiday
		for _, h := range nl.Holidays {
			_, observed := h.Calc(year)
			want = append(want, klachtdesk.Holiday{Date: klachtdesk.DateOf(observed, time.UTC), Name: h.Name})
		}
		slices.SortStableFunc(want, func(a, b klachtdesk.Holiday) int { return a.Date.Compare(b.Date) })
		var got []klachtdesk.Holiday
		for _, h := range c.Holidays(year) {
			if h.Name != "Eerste Paasdag" && h.Name != "Eerste Pinksterdag" {
				got = append(got, h)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Holidays(%d) differs from rickar/cal/v2/nl (-rickar +ours):\n%s", year, diff)
		}
	}
}

func TestCalendarIsWorkingDay(t *testing.T) {
	goodFridayOff := calSettings(func(s *klachtdesk.Settings) { s.GoodFridayOff = true })
	always := calSettings(func(s *klachtdesk.Settings) { s.LiberationDay = klachtdesk.LiberationAlways })
	never := calSettings(func(s *klachtdesk.Settings) { s.LiberationDay = klachtdesk.LiberationNever })
	unset := calSettings(func(s *klachtdesk.Settings) { s.LiberationDay = "" })
	closing := calSettings(func(s *klachtdesk.Settings) {
		s.ClosingDays = []klachtdesk.Date{calDate("2026-12-28"), calDate("2026-12-29"), calDate("2026-12-30"), calDate("2026-12-31")}
	})
	bridge := calSettings(func(s *klachtdesk.Settings) { s.BridgeDays = []klachtdesk.Date{calDate("2026-05-15")} })
	def := klachtdesk.DefaultSettings()

	tests := []struct {
		name     string
		settings klachtdesk.Settings
		day      string
		want     bool
	}{
		{"ordinary Monday", def, "2026-04-13", true},
		{"Saturday", def, "2026-04-11", false},
		{"Sunday", def, "2026-04-12", false},
		{"Good Friday worked by default", def, "2026-04-03", true},
		{"Good Friday with GoodFridayOff", goodFridayOff, "2026-04-03", false},
		{"Good Friday 2025 worked by default", def, "2025-04-18", true},
		{"Good Friday 2025 with GoodFridayOff", goodFridayOff, "2025-04-18", false},
		{"Easter Monday", def, "2026-04-06", false},
		{"Koningsdag 2026", def, "2026-04-27", false},
		{"Friday before Koningsdag 2025 on Saturday", def, "2025-04-25", true},
		{"Monday after Koningsdag 2025 on Saturday", def, "2025-04-28", true},
		{"Ascension Day", def, "2026-05-14", false},
		{"Friday after Ascension without bridge day", def, "2026-05-15", true},
		{"Friday after Ascension as bridge day", bridge, "2026-05-15", false},
		{"Whit Monday", def, "2026-05-25", false},
		{"Christmas", def, "2025-12-25", false},
		{"Boxing Day", def, "2025-12-26", false},
		{"New Year", def, "2026-01-01", false},
		{"5 May 2025 (Monday, lustrum) lustrum", def, "2025-05-05", false},
		{"5 May 2025 (Monday, lustrum) always", always, "2025-05-05", false},
		{"5 May 2025 (Monday, lustrum) never", never, "2025-05-05", true},
		{"5 May 2025 (Monday, lustrum) unset means lustrum", unset, "2025-05-05", false},
		{"5 May 2030 (Sunday, lustrum) lustrum", def, "2030-05-05", false},
		{"5 May 2030 (Sunday, lustrum) always", always, "2030-05-05", false},
		{"5 May 2030 (Sunday, lustrum) never: still a Sunday", never, "2030-05-05", false},
		{"5 May 2020 (Tuesday, lustrum) lustrum", def, "2020-05-05", false},
		{"5 May 2020 (Tuesday, lustrum) never", never, "2020-05-05", true},
		{"5 May 2026 (Tuesday) lustrum", def, "2026-05-05", true},
		{"5 May 2026 (Tuesday) always", always, "2026-05-05", false},
		{"5 May 2026 (Tuesday) never", never, "2026-05-05", true},
		{"5 May 2026 (Tuesday) unset means lustrum", unset, "2026-05-05", true},
		{"5 May 2016 is also Ascension Day, never", never, "2016-05-05", false},
		{"closing day", closing, "2026-12-28", false},
		{"closing day not configured", def, "2026-12-28", true},
		{"day after closing days", closing, "2027-01-04", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := klachtdesk.NewCalendar(tt.settings).IsWorkingDay(calDate(tt.day))
			if got != tt.want {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.day, got, tt.want)
			}
		})
	}
}

func TestCalendarIsLegalDayOff(t *testing.T) {
	def := klachtdesk.DefaultSettings()
	tests := []struct {
		name     string
		settings klachtdesk.Settings
		day      string
		want     bool
	}{
		{"ordinary Tuesday", def, "2026-04-14", false},
		{"Saturday", def, "2026-04-18", true},
		{"Sunday", def, "2026-04-19", true},
		{"Good Friday, though worked", def, "2026-04-03", true},
		{"5 May outside a lustrum, though worked", def, "2026-05-05", true},
		{"Koningsdag", def, "2026-04-27", true},
		{"bridge day", calSettings(func(s *klachtdesk.Settings) { s.BridgeDays = []klachtdesk.Date{calDate("2026-05-15")} }), "2026-05-15", true},
		{"closing day is a company matter", calSettings(func(s *klachtdesk.Settings) { s.ClosingDays = []klachtdesk.Date{calDate("2026-12-28")} }), "2026-12-28", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := klachtdesk.NewCalendar(tt.settings).IsLegalDayOff(calDate(tt.day))
			if got != tt.want {
				t.Errorf("IsLegalDayOff(%s) = %v, want %v", tt.day, got, tt.want)
			}
		})
	}
}

func TestCalendarAddWorkingDays(t *testing.T) {
	def := klachtdesk.DefaultSettings()
	goodFridayOff := calSettings(func(s *klachtdesk.Settings) { s.GoodFridayOff = true })
	closing := calSettings(func(s *klachtdesk.Settings) {
		s.ClosingDays = []klachtdesk.Date{calDate("2026-12-28"), calDate("2026-12-29"), calDate("2026-12-30"), calDate("2026-12-31")}
	})
	tests := []struct {
		name     string
		settings klachtdesk.Settings
		from     string
		n        int
		want     string
	}{
		{"zero is the day itself", def, "2026-04-14", 0, "2026-04-14"},
		{"zero on a Saturday is the Saturday", def, "2026-04-04", 0, "2026-04-04"},
		{"one within a week", def, "2026-04-14", 1, "2026-04-15"},
		{"over a weekend", def, "2026-04-10", 1, "2026-04-13"},
		{"Thursday before Easter to Good Friday", def, "2026-04-02", 1, "2026-04-03"},
		{"Thursday before Easter over Good Friday off", goodFridayOff, "2026-04-02", 1, "2026-04-07"},
		{"from Easter Saturday", def, "2026-04-04", 1, "2026-04-07"},
		{"back from Easter Tuesday to Good Friday", def, "2026-04-07", -1, "2026-04-03"},
		{"back from Easter Tuesday over Good Friday off", goodFridayOff, "2026-04-07", -1, "2026-04-02"},
		{"two back from Easter Tuesday", def, "2026-04-07", -2, "2026-04-02"},
		{"back from Easter Saturday", def, "2026-04-04", -1, "2026-04-03"},
		{"over Christmas 2025", def, "2025-12-24", 1, "2025-12-29"},
		{"back over Christmas 2025", def, "2025-12-29", -1, "2025-12-24"},
		{"three back over Christmas 2025", def, "2025-12-29", -3, "2025-12-22"},
		{"over New Year", def, "2025-12-31", 1, "2026-01-02"},
		{"back over New Year", def, "2026-01-02", -1, "2025-12-31"},
		{"back from New Year's Day", def, "2026-01-01", -1, "2025-12-31"},
		{"over closing days and New Year", closing, "2026-12-24", 1, "2027-01-04"},
		{"back over closing days and Christmas", closing, "2027-01-04", -1, "2026-12-24"},
		{"over Feb 29 2028", def, "2028-02-28", 2, "2028-03-01"},
		{"back over Feb 29 2028", def, "2028-03-01", -2, "2028-02-28"},
		{"ten over Easter and Koningsdag 2026", def, "2026-04-20", 10, "2026-05-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := klachtdesk.NewCalendar(tt.settings).AddWorkingDays(calDate(tt.from), tt.n)
			if got != calDate(tt.want) {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
		})
	}
}

// TestCalendarAddWorkingDaysRoundTrip checks that going n working days
// forward and back returns to the same working day, for every working day of
// 2024–2030: the two directions count the same days.
func TestCalendarAddWorkingDaysRoundTrip(t *testing.T) {
	c := klachtdesk.NewCalendar(klachtdesk.DefaultSettings())
	for d := calDate("2024-01-01"); d.Year <= 2030; d = d.AddDays(1) {
		if !c.IsWorkingDay(d) {
			continue
		}
		for _, n := range []int{1, 2, 3, 5, 10} {
			there := c.AddWorkingDays(d, n)
			if !c.IsWorkingDay(there) || !there.After(d) {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, not a later working day", d, n, there)
			}
			if back := c.AddWorkingDays(there, -n); back != d {
				t.Fatalf("AddWorkingDays(AddWorkingDays(%s, %d) = %s, %d) = %s", d, n, there, -n, back)
			}
		}
	}
}

func TestCalendarWorkingDayOnOrBefore(t *testing.T) {
	def := klachtdesk.DefaultSettings()
	goodFridayOff := calSettings(func(s *klachtdesk.Settings) { s.GoodFridayOff = true })
	tests := []struct {
		name     string
		settings klachtdesk.Settings
		day      string
		want     string
	}{
		{"working day itself", def, "2026-04-14", "2026-04-14"},
		{"Sunday to Friday", def, "2026-04-12", "2026-04-10"},
		{"Easter Monday to Good Friday", def, "2026-04-06", "2026-04-03"},
		{"Easter Monday over Good Friday off", goodFridayOff, "2026-04-06", "2026-04-02"},
		{"New Year to New Year's Eve", def, "2026-01-01", "2025-12-31"},
		{"Boxing Day to Christmas Eve", def, "2025-12-26", "2025-12-24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := klachtdesk.NewCalendar(tt.settings).WorkingDayOnOrBefore(calDate(tt.day))
			if got != calDate(tt.want) {
				t.Errorf("WorkingDayOnOrBefore(%s) = %s, want %s", tt.day, got, tt.want)
			}
		})
	}
}

// TestNewCalendarCopiesDays checks that changing the settings after building
// a calendar does not change it: deadlines never move silently.
func TestNewCalendarCopiesDays(t *testing.T) {
	s := calSettings(func(s *klachtdesk.Settings) { s.ClosingDays = []klachtdesk.Date{calDate("2026-12-28")} })
	c := klachtdesk.NewCalendar(s)
	s.ClosingDays[0] = calDate("2026-12-29")
	if c.IsWorkingDay(calDate("2026-12-28")) {
		t.Errorf("IsWorkingDay(2026-12-28) = true, want false: the closing day was changed after NewCalendar")
	}
	if !c.IsWorkingDay(calDate("2026-12-29")) {
		t.Errorf("IsWorkingDay(2026-12-29) = false, want true: the closing day was changed after NewCalendar")
	}
}
