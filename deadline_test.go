package klachtdesk_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the machine's zoneinfo

	"github.com/klachtdesk/klachtdesk"
)

// calInstant parses an RFC 3339 instant for tables.
func calInstant(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDomainWorkedExamples runs the examples of DOMAIN.md ("Calendars")
// through the whole chain: receipt → answer_due (each roll) → act_by.
func TestDomainWorkedExamples(t *testing.T) {
	tests := []struct {
		name         string
		receipt      string
		wantDue      string
		wantForward  string
		wantBackward string
		wantActBy    string
	}{
		{"received Mon 2026-04-13, due on King's Day", "2026-04-13", "2026-04-27", "2026-04-28", "2026-04-24", "2026-04-24"},
		{"received Fri 2025-12-12, due on Boxing Day", "2025-12-12", "2025-12-26", "2025-12-29", "2025-12-24", "2025-12-24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := klachtdesk.NewCalendar(klachtdesk.DefaultSettings())
			for roll, want := range map[klachtdesk.Roll]string{
				klachtdesk.RollNone:     tt.wantDue,
				klachtdesk.RollForward:  tt.wantForward,
				klachtdesk.RollBackward: tt.wantBackward,
			} {
				s := calSettings(func(s *klachtdesk.Settings) { s.AnswerRoll = roll })
				if got := klachtdesk.AnswerDue(calDate(tt.receipt), s, c); got != calDate(want) {
					t.Errorf("AnswerDue(%s, roll %s) = %s, want %s", tt.receipt, roll, got, want)
				}
			}
			due := klachtdesk.AnswerDue(calDate(tt.receipt), klachtdesk.DefaultSettings(), c)
			if got := klachtdesk.ActBy(due, c); got != calDate(tt.wantActBy) {
				t.Errorf("ActBy(%s) = %s, want %s", due, got, tt.wantActBy)
			}
		})
	}
}

func TestAnswerDue(t *testing.T) {
	bridge := []klachtdesk.Date{calDate("2026-05-15")}
	closing := []klachtdesk.Date{calDate("2026-12-28"), calDate("2026-12-29"), calDate("2026-12-30"), calDate("2026-12-31")}
	tests := []struct {
		name         string
		receipt      string
		termDays     int // 0 means the default, 14
		bridge       []klachtdesk.Date
		closing      []klachtdesk.Date
		wantNone     string
		wantForward  string
		wantBackward string
	}{
		{name: "due on a working day does not roll", receipt: "2026-03-02", wantNone: "2026-03-16", wantForward: "2026-03-16", wantBackward: "2026-03-16"},
		{name: "due on a Saturday", receipt: "2026-03-14", wantNone: "2026-03-28", wantForward: "2026-03-30", wantBackward: "2026-03-27"},
		{name: "due on Easter Monday, back over Good Friday", receipt: "2026-03-23", wantNone: "2026-04-06", wantForward: "2026-04-07", wantBackward: "2026-04-02"},
		{name: "due on Koningsdag 2025, a Saturday", receipt: "2025-04-12", wantNone: "2025-04-26", wantForward: "2025-04-28", wantBackward: "2025-04-25"},
		{name: "due on 5 May outside a lustrum rolls all the same", receipt: "2026-04-21", wantNone: "2026-05-05", wantForward: "2026-05-06", wantBackward: "2026-05-04"},
		{name: "due on Ascension Day", receipt: "2026-04-30", wantNone: "2026-05-14", wantForward: "2026-05-15", wantBackward: "2026-05-13"},
		{name: "due on Ascension Day with a bridge day after it", receipt: "2026-04-30", bridge: bridge, wantNone: "2026-05-14", wantForward: "2026-05-18", wantBackward: "2026-05-13"},
		{name: "due on a closing day does not roll", receipt: "2026-12-14", closing: closing, wantNone: "2026-12-28", wantForward: "2026-12-28", wantBackward: "2026-12-28"},
		{name: "term of 28 days", receipt: "2026-04-13", termDays: 28, wantNone: "2026-05-11", wantForward: "2026-05-11", wantBackward: "2026-05-11"},

		// Month ends and 29 February.
		{name: "from 31 January 2028", receipt: "2028-01-31", wantNone: "2028-02-14", wantForward: "2028-02-14", wantBackward: "2028-02-14"},
		{name: "due on 29 February 2028", receipt: "2028-02-15", wantNone: "2028-02-29", wantForward: "2028-02-29", wantBackward: "2028-02-29"},
		{name: "over 29 February 2028", receipt: "2028-02-16", wantNone: "2028-03-01", wantForward: "2028-03-01", wantBackward: "2028-03-01"},
		{name: "due on Sunday 28 February 2027", receipt: "2027-02-14", wantNone: "2027-02-28", wantForward: "2027-03-01", wantBackward: "2027-02-26"},
		{name: "from Saturday 31 January 2026", receipt: "2026-01-31", wantNone: "2026-02-14", wantForward: "2026-02-16", wantBackward: "2026-02-13"},

		// Year ends.
		{name: "due on Christmas 2026", receipt: "2026-12-11", wantNone: "2026-12-25", wantForward: "2026-12-28", wantBackward: "2026-12-24"},
		{name: "due on Boxing Day 2026, a Saturday", receipt: "2026-12-12", wantNone: "2026-12-26", wantForward: "2026-12-28", wantBackward: "2026-12-24"},
		{name: "due on New Year 2027", receipt: "2026-12-18", wantNone: "2027-01-01", wantForward: "2027-01-04", wantBackward: "2026-12-31"},
		{name: "from Saturday 20 December 2025 into January", receipt: "2025-12-20", wantNone: "2026-01-03", wantForward: "2026-01-05", wantBackward: "2026-01-02"},
		{name: "from 31 December 2025", receipt: "2025-12-31", wantNone: "2026-01-14", wantForward: "2026-01-14", wantBackward: "2026-01-14"},
		{name: "due on Christmas 2027, a Saturday", receipt: "2027-12-11", wantNone: "2027-12-25", wantForward: "2027-12-27", wantBackward: "2027-12-24"},
		{name: "due on New Year 2028, a Saturday", receipt: "2027-12-18", wantNone: "2028-01-01", wantForward: "2028-01-03", wantBackward: "2027-12-31"},
		{name: "due on Boxing Day 2028, back over Christmas and a weekend", receipt: "2028-12-12", wantNone: "2028-12-26", wantForward: "2028-12-27", wantBackward: "2028-12-22"},

		{name: "zero receipt date", receipt: "", wantNone: "", wantForward: "", wantBackward: ""},
	}
	for _, tt := range tests {
		for _, roll := range []struct {
			roll klachtdesk.Roll
			want string
		}{
			{klachtdesk.RollNone, tt.wantNone},
			{klachtdesk.RollForward, tt.wantForward},
			{klachtdesk.RollBackward, tt.wantBackward},
		} {
			t.Run(tt.name+"/"+string(roll.roll), func(t *testing.T) {
				s := calSettings(func(s *klachtdesk.Settings) {
					s.AnswerRoll = roll.roll
					s.BridgeDays = tt.bridge
					s.ClosingDays = tt.closing
					if tt.termDays != 0 {
						s.AnswerTermDays = tt.termDays
					}
				})
				var receipt, want klachtdesk.Date
				if tt.receipt != "" {
					receipt, want = calDate(tt.receipt), calDate(roll.want)
				}
				got := klachtdesk.AnswerDue(receipt, s, klachtdesk.NewCalendar(s))
				if got != want {
					t.Errorf("AnswerDue(%s) = %s, want %s", tt.receipt, got, want)
				}
			})
		}
	}
}

func TestActBy(t *testing.T) {
	def := klachtdesk.DefaultSettings()
	tests := []struct {
		name     string
		settings klachtdesk.Settings
		due      string
		want     string
	}{
		{"King's Day to the Friday before", def, "2026-04-27", "2026-04-24"},
		{"Boxing Day to Christmas Eve", def, "2025-12-26", "2025-12-24"},
		{"working day itself", def, "2026-04-28", "2026-04-28"},
		{"Easter Monday to Good Friday, worked by default", def, "2026-04-06", "2026-04-03"},
		{"Easter Monday over Good Friday off", calSettings(func(s *klachtdesk.Settings) { s.GoodFridayOff = true }), "2026-04-06", "2026-04-02"},
		{"5 May 2025 (lustrum) to the Friday before", def, "2025-05-05", "2025-05-02"},
		{"5 May 2025 under LiberationNever", calSettings(func(s *klachtdesk.Settings) { s.LiberationDay = klachtdesk.LiberationNever }), "2025-05-05", "2025-05-05"},
		{"5 May 2026 is worked by default", def, "2026-05-05", "2026-05-05"},
		{"5 May 2026 under LiberationAlways", calSettings(func(s *klachtdesk.Settings) { s.LiberationDay = klachtdesk.LiberationAlways }), "2026-05-05", "2026-05-04"},
		{"closing day back over Christmas", calSettings(func(s *klachtdesk.Settings) {
			s.ClosingDays = []klachtdesk.Date{calDate("2026-12-28"), calDate("2026-12-29"), calDate("2026-12-30"), calDate("2026-12-31")}
		}), "2026-12-28", "2026-12-24"},
		{"bridge day back over Ascension", calSettings(func(s *klachtdesk.Settings) { s.BridgeDays = []klachtdesk.Date{calDate("2026-05-15")} }), "2026-05-16", "2026-05-13"},
		{"New Year to New Year's Eve", def, "2027-01-01", "2026-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := klachtdesk.ActBy(calDate(tt.due), klachtdesk.NewCalendar(tt.settings))
			if got != calDate(tt.want) {
				t.Errorf("ActBy(%s) = %s, want %s", tt.due, got, tt.want)
			}
		})
	}
	t.Run("zero due date", func(t *testing.T) {
		if got := klachtdesk.ActBy(klachtdesk.Date{}, klachtdesk.NewCalendar(def)); !got.IsZero() {
			t.Errorf("ActBy(zero) = %s, want the zero date", got)
		}
	})
}

func TestAckDue(t *testing.T) {
	def := klachtdesk.DefaultSettings()
	tests := []struct {
		name     string
		settings klachtdesk.Settings
		receipt  string
		want     string
	}{
		{"Monday to Thursday", def, "2026-04-13", "2026-04-16"},
		{"Friday over King's Day", def, "2026-04-24", "2026-04-30"},
		{"Thursday before Easter, Good Friday worked", def, "2026-04-02", "2026-04-08"},
		{"Thursday before Easter, Good Friday off", calSettings(func(s *klachtdesk.Settings) { s.GoodFridayOff = true }), "2026-04-02", "2026-04-09"},
		{"over 5 May 2025 (lustrum)", def, "2025-05-01", "2025-05-07"},
		{"over 5 May 2025 under LiberationNever", calSettings(func(s *klachtdesk.Settings) { s.LiberationDay = klachtdesk.LiberationNever }), "2025-05-01", "2025-05-06"},
		{"received on a Saturday", def, "2026-03-28", "2026-04-01"},
		{"zero working days is the day itself", calSettings(func(s *klachtdesk.Settings) { s.AckWorkingDays = 0 }), "2026-04-13", "2026-04-13"},

		// Month ends.
		{"Friday 30 January 2026", def, "2026-01-30", "2026-02-04"},
		{"over 29 February 2028", def, "2028-02-25", "2028-03-01"},
		{"from 28 February 2028", def, "2028-02-28", "2028-03-02"},

		// Year ends.
		{"Saturday 20 December 2025", def, "2025-12-20", "2025-12-24"},
		{"Monday 22 December 2025 over Christmas", def, "2025-12-22", "2025-12-29"},
		{"Christmas Eve 2025", def, "2025-12-24", "2025-12-31"},
		{"30 December 2025 over New Year", def, "2025-12-30", "2026-01-05"},
		{"New Year's Eve 2025", def, "2025-12-31", "2026-01-06"},
		{"over Christmas, closing days and New Year", calSettings(func(s *klachtdesk.Settings) {
			s.ClosingDays = []klachtdesk.Date{calDate("2026-12-28"), calDate("2026-12-29"), calDate("2026-12-30"), calDate("2026-12-31")}
		}), "2026-12-23", "2027-01-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := klachtdesk.AckDue(calDate(tt.receipt), tt.settings, klachtdesk.NewCalendar(tt.settings))
			if got != calDate(tt.want) {
				t.Errorf("AckDue(%s) = %s, want %s", tt.receipt, got, tt.want)
			}
		})
	}
}

func TestEscalateOn(t *testing.T) {
	def := klachtdesk.DefaultSettings()
	tests := []struct {
		name     string
		settings klachtdesk.Settings
		actBy    string
		want     string
	}{
		{"Friday before King's Day", def, "2026-04-24", "2026-04-22"},
		{"Christmas Eve", def, "2025-12-24", "2025-12-22"},
		{"Monday after Christmas", def, "2025-12-29", "2025-12-23"},
		{"Wednesday after Easter, Good Friday worked", def, "2026-04-08", "2026-04-03"},
		{"Wednesday after Easter, Good Friday off", calSettings(func(s *klachtdesk.Settings) { s.GoodFridayOff = true }), "2026-04-08", "2026-04-02"},
		{"Monday after New Year 2027", def, "2027-01-04", "2026-12-30"},
		{"Monday after New Year 2026", def, "2026-01-05", "2025-12-31"},
		{"Monday after the spring DST change", def, "2026-03-30", "2026-03-26"},
		{"back over 29 February 2028", def, "2028-03-01", "2028-02-28"},
		{"back over a month end", def, "2026-02-02", "2026-01-29"},
		{"five working days", calSettings(func(s *klachtdesk.Settings) { s.EscalateWorkingDays = 5 }), "2026-04-24", "2026-04-17"},
		{"zero working days is act_by", calSettings(func(s *klachtdesk.Settings) { s.EscalateWorkingDays = 0 }), "2026-04-24", "2026-04-24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := klachtdesk.EscalateOn(calDate(tt.actBy), tt.settings, klachtdesk.NewCalendar(tt.settings))
			if got != calDate(tt.want) {
				t.Errorf("EscalateOn(%s) = %s, want %s", tt.actBy, got, tt.want)
			}
		})
	}
}

// TestDeadlinesAcrossDST follows a receipt instant in UTC through its local
// receipt date to every working-day deadline, around the last Sundays of
// March and October, when Amsterdam's offset changes.
func TestDeadlinesAcrossDST(t *testing.T) {
	tests := []struct {
		name        string
		receivedAt  string
		wantReceipt string
		wantDue     string // roll none
		wantForward string
		wantActBy   string
		wantAck     string
		wantEscal   string
	}{
		{"last second of Saturday before spring change (CET)", "2026-03-28T22:59:59Z", "2026-03-28", "2026-04-11", "2026-04-13", "2026-04-10", "2026-04-01", "2026-04-08"},
		{"00:30 CET on the spring-change Sunday", "2026-03-28T23:30:00Z", "2026-03-29", "2026-04-12", "2026-04-13", "2026-04-10", "2026-04-01", "2026-04-08"},
		{"03:00 CEST just after the spring change", "2026-03-29T01:00:00Z", "2026-03-29", "2026-04-12", "2026-04-13", "2026-04-10", "2026-04-01", "2026-04-08"},
		{"last second of the spring-change Sunday (CEST)", "2026-03-29T21:59:59Z", "2026-03-29", "2026-04-12", "2026-04-13", "2026-04-10", "2026-04-01", "2026-04-08"},
		{"00:30 CEST on the Monday after the spring change", "2026-03-29T22:30:00Z", "2026-03-30", "2026-04-13", "2026-04-13", "2026-04-13", "2026-04-02", "2026-04-09"},
		{"00:30 CET on the spring-change Sunday 2025", "2025-03-29T23:30:00Z", "2025-03-30", "2025-04-13", "2025-04-14", "2025-04-11", "2025-04-02", "2025-04-09"},
		{"last second of Saturday before autumn change (CEST)", "2026-10-24T21:59:59Z", "2026-10-24", "2026-11-07", "2026-11-09", "2026-11-06", "2026-10-28", "2026-11-04"},
		{"00:30 CEST on the autumn-change Sunday", "2026-10-24T22:30:00Z", "2026-10-25", "2026-11-08", "2026-11-09", "2026-11-06", "2026-10-28", "2026-11-04"},
		{"02:30 CET, the repeated hour", "2026-10-25T01:30:00Z", "2026-10-25", "2026-11-08", "2026-11-09", "2026-11-06", "2026-10-28", "2026-11-04"},
		{"23:30 CET on the autumn-change Sunday", "2026-10-25T22:30:00Z", "2026-10-25", "2026-11-08", "2026-11-09", "2026-11-06", "2026-10-28", "2026-11-04"},
		{"midnight CET on the Monday after the autumn change", "2026-10-25T23:00:00Z", "2026-10-26", "2026-11-09", "2026-11-09", "2026-11-09", "2026-10-29", "2026-11-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := klachtdesk.DefaultSettings()
			c := klachtdesk.NewCalendar(s)
			receipt := klachtdesk.ReceiptDate(calInstant(t, tt.receivedAt), s)
			if receipt != calDate(tt.wantReceipt) {
				t.Fatalf("ReceiptDate(%s) = %s, want %s", tt.receivedAt, receipt, tt.wantReceipt)
			}
			due := klachtdesk.AnswerDue(receipt, s, c)
			fwd := calSettings(func(s *klachtdesk.Settings) { s.AnswerRoll = klachtdesk.RollForward })
			actBy := klachtdesk.ActBy(due, c)
			got := []klachtdesk.Date{
				due,
				klachtdesk.AnswerDue(receipt, fwd, c),
				actBy,
				klachtdesk.AckDue(receipt, s, c),
				klachtdesk.EscalateOn(actBy, s, c),
			}
			want := []string{tt.wantDue, tt.wantForward, tt.wantActBy, tt.wantAck, tt.wantEscal}
			for i, what := range []string{"AnswerDue", "AnswerDue forward", "ActBy", "AckDue", "EscalateOn"} {
				if got[i] != calDate(want[i]) {
					t.Errorf("%s = %s, want %s", what, got[i], want[i])
				}
			}
		})
	}
}

func TestReceiptDate(t *testing.T) {
	tests := []struct {
		name       string
		zone       string
		receivedAt string
		want       string
	}{
		{"Amsterdam winter, last second of the day", "Europe/Amsterdam", "2026-01-01T22:59:59Z", "2026-01-01"},
		{"Amsterdam winter, midnight", "Europe/Amsterdam", "2026-01-01T23:00:00Z", "2026-01-02"},
		{"Amsterdam summer, last second of the day", "Europe/Amsterdam", "2026-07-01T21:59:59Z", "2026-07-01"},
		{"Amsterdam summer, midnight", "Europe/Amsterdam", "2026-07-01T22:00:00Z", "2026-07-02"},
		{"Amsterdam, New Year's Eve evening in UTC", "Europe/Amsterdam", "2025-12-31T23:30:00Z", "2026-01-01"},
		{"instant given in another zone", "Europe/Amsterdam", "2026-01-02T09:00:00+14:00", "2026-01-01"},
		{"New York winter, last second of the day", "America/New_York", "2026-01-02T04:59:59Z", "2026-01-01"},
		{"New York winter, midnight", "America/New_York", "2026-01-02T05:00:00Z", "2026-01-02"},
		{"New York summer, last second of the day", "America/New_York", "2026-07-02T03:59:59Z", "2026-07-01"},
		{"New York summer, midnight", "America/New_York", "2026-07-02T04:00:00Z", "2026-07-02"},
		{"UTC", "UTC", "2026-01-01T23:59:59Z", "2026-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := calSettings(func(s *klachtdesk.Settings) { s.TimeZone = tt.zone })
			got := klachtdesk.ReceiptDate(calInstant(t, tt.receivedAt), s)
			if got != calDate(tt.want) {
				t.Errorf("ReceiptDate(%s in %s) = %s, want %s", tt.receivedAt, tt.zone, got, tt.want)
			}
		})
	}
}

func TestReactionDue(t *testing.T) {
	tests := []struct {
		name     string
		days     int
		answered string
		want     string
	}{
		{"fourteen days", 14, "2026-04-14", "2026-04-28"},
		{"falls on a Sunday and stays there", 14, "2026-04-12", "2026-04-26"},
		{"across a year end", 14, "2026-12-20", "2027-01-03"},
		{"across 29 February", 14, "2028-02-20", "2028-03-05"},
		{"thirty days", 30, "2026-01-31", "2026-03-02"},
		{"zero answered date", 14, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := calSettings(func(s *klachtdesk.Settings) { s.ReactionDays = tt.days })
			got := klachtdesk.ReactionDue(calOptDate(tt.answered), s)
			if got != calOptDate(tt.want) {
				t.Errorf("ReactionDue(%s) = %s, want %s", tt.answered, got, tt.want)
			}
		})
	}
}

func TestExtensionLimit(t *testing.T) {
	tests := []struct {
		name    string
		maxDays int
		due     string
		want    string
	}{
		{"28 days after King's Day", 28, "2026-04-27", "2026-05-25"},
		{"across a year end", 28, "2026-12-10", "2027-01-07"},
		{"across 29 February", 28, "2028-02-14", "2028-03-13"},
		{"no extension without consent", 0, "2026-04-27", "2026-04-27"},
		{"zero due date", 28, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := calSettings(func(s *klachtdesk.Settings) { s.ExtensionMaxDays = tt.maxDays })
			got := klachtdesk.ExtensionLimit(calOptDate(tt.due), s)
			if got != calOptDate(tt.want) {
				t.Errorf("ExtensionLimit(%s) = %s, want %s", tt.due, got, tt.want)
			}
		})
	}
}

func TestRetentionUntil(t *testing.T) {
	tests := []struct {
		name   string
		months int
		closed string
		want   string
	}{
		{"31 August plus 24 months", 24, "2026-08-31", "2028-08-31"},
		{"28 February plus 24 months stays the 28th in a leap year", 24, "2026-02-28", "2028-02-28"},
		{"29 February plus 24 months clamps to the 28th", 24, "2028-02-29", "2030-02-28"},
		{"31 March plus 23 months clamps to 29 February", 23, "2026-03-31", "2028-02-29"},
		{"31 January plus 1 month clamps to 28 February", 1, "2026-01-31", "2026-02-28"},
		{"31 December plus 24 months", 24, "2026-12-31", "2028-12-31"},
		{"zero closed date", 24, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := calSettings(func(s *klachtdesk.Settings) { s.RetentionMonths = tt.months })
			got := klachtdesk.RetentionUntil(calOptDate(tt.closed), s)
			if got != calOptDate(tt.want) {
				t.Errorf("RetentionUntil(%s) = %s, want %s", tt.closed, got, tt.want)
			}
		})
	}
}

func TestReferralLapses(t *testing.T) {
	tests := []struct {
		name     string
		months   int
		referred string
		want     string
	}{
		{"12 months", 12, "2026-03-31", "2027-03-31"},
		{"29 February plus 12 months clamps", 12, "2028-02-29", "2029-02-28"},
		{"31 August plus 6 months clamps", 6, "2026-08-31", "2027-02-28"},
		{"across a year end", 1, "2026-12-15", "2027-01-15"},
		{"zero referral date", 12, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := calSettings(func(s *klachtdesk.Settings) { s.ReferralWatchMonths = tt.months })
			got := klachtdesk.ReferralLapses(calOptDate(tt.referred), s)
			if got != calOptDate(tt.want) {
				t.Errorf("ReferralLapses(%s) = %s, want %s", tt.referred, got, tt.want)
			}
		})
	}
}

func TestIsLateNotice(t *testing.T) {
	tests := []struct {
		name       string
		months     int
		discovered string
		reported   string
		want       bool
	}{
		{"exactly two months is on time", 2, "2026-01-15", "2026-03-15", false},
		{"two months and a day is late", 2, "2026-01-15", "2026-03-16", true},
		{"same day", 2, "2026-01-15", "2026-01-15", false},
		{"reported before discovery", 2, "2026-01-15", "2026-01-10", false},
		{"31 December: two months end on 28 February", 2, "2025-12-31", "2026-02-28", false},
		{"31 December: 1 March is late", 2, "2025-12-31", "2026-03-01", true},
		{"29 December 2027: two months end on 29 February", 2, "2027-12-29", "2028-02-29", false},
		{"29 December 2027: 1 March 2028 is late", 2, "2027-12-29", "2028-03-01", true},
		{"across a year end, on time", 2, "2026-11-30", "2027-01-30", false},
		{"across a year end, late", 2, "2026-11-30", "2027-01-31", true},
		{"six months setting, on time", 6, "2026-01-15", "2026-07-15", false},
		{"six months setting, late", 6, "2026-01-15", "2026-07-16", true},
		{"no discovery date is never late", 2, "", "2030-01-01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := calSettings(func(s *klachtdesk.Settings) { s.LateNoticeMonths = tt.months })
			got := klachtdesk.IsLateNotice(calOptDate(tt.discovered), calOptDate(tt.reported), s)
			if got != tt.want {
				t.Errorf("IsLateNotice(%s, %s) = %v, want %v", tt.discovered, tt.reported, got, tt.want)
			}
		})
	}
}

// calOptDate is calDate with "" for the zero date.
func calOptDate(s string) klachtdesk.Date {
	if s == "" {
		return klachtdesk.Date{}
	}
	return calDate(s)
}
