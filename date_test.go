package klachtdesk_test

import (
	"encoding/json"
	"testing"
	"time"

	kd "github.com/klachtdesk/klachtdesk"
)

func TestDateArithmetic(t *testing.T) {
	tests := []struct {
		name string
		got  kd.Date
		want string
	}{
		{"add across month end", kd.MustParseDate("2026-01-31").AddDays(1), "2026-02-01"},
		{"add across leap day", kd.MustParseDate("2028-02-28").AddDays(1), "2028-02-29"},
		{"add across year end", kd.MustParseDate("2026-12-25").AddDays(14), "2027-01-08"},
		{"subtract", kd.MustParseDate("2026-03-01").AddDays(-1), "2026-02-28"},
		{"add over DST start", kd.MustParseDate("2026-03-28").AddDays(2), "2026-03-30"},
		{"month clamps to month end", kd.MustParseDate("2026-01-31").AddMonths(1), "2026-02-28"},
		{"month clamps in leap year", kd.MustParseDate("2028-01-31").AddMonths(1), "2028-02-29"},
		{"months across year", kd.MustParseDate("2026-11-30").AddMonths(3), "2027-02-28"},
		{"negative months", kd.MustParseDate("2026-03-31").AddMonths(-1), "2026-02-28"},
		{"normalised", kd.NewDate(2026, 2, 30), "2026-03-02"},
	}
	for _, tt := range tests {
		if tt.got.String() != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, tt.got, tt.want)
		}
	}
}

func TestDateOfAndBounds(t *testing.T) {
	// 2026-03-29 02:00 CET → 03:00 CEST: the day has 23 hours.
	d := kd.MustParseDate("2026-03-29")
	if got := d.End(amsterdam).Sub(d.Start(amsterdam)); got != 23*time.Hour-time.Second {
		t.Errorf("DST start day lasts %v", got)
	}
	d = kd.MustParseDate("2026-10-25")
	if got := d.End(amsterdam).Sub(d.Start(amsterdam)); got != 25*time.Hour-time.Second {
		t.Errorf("DST end day lasts %v", got)
	}
	if got := kd.DateOf(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), amsterdam); got.String() != "2027-01-01" {
		t.Errorf("DateOf new year's eve 23:30 UTC in Amsterdam = %s", got)
	}
	if got := kd.MustParseDate("2026-11-02").DaysUntil(kd.MustParseDate("2026-11-16")); got != 14 {
		t.Errorf("DaysUntil = %d", got)
	}
	if got := kd.MustParseDate("2026-03-27").DaysUntil(kd.MustParseDate("2026-03-30")); got != 3 {
		t.Errorf("DaysUntil over DST = %d", got)
	}
}

func TestDateText(t *testing.T) {
	for _, bad := range []string{"2026-13-01", "2026-02-30", "02-11-2026", "", "2026-1-1"} {
		if _, err := kd.ParseDate(bad); kd.ErrorCode(err) != kd.EINVALID {
			t.Errorf("ParseDate(%q) = %v, want EINVALID", bad, err)
		}
	}
	var v struct {
		D kd.Date `json:"d"`
		Z kd.Date `json:"z"`
	}
	if err := json.Unmarshal([]byte(`{"d":"2026-11-25","z":""}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.D != kd.NewDate(2026, 11, 25) || !v.Z.IsZero() {
		t.Errorf("decoded %+v", v)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"d":"2026-11-25","z":""}` {
		t.Errorf("encoded %s", b)
	}
	if err := json.Unmarshal([]byte(`{"d":"yesterday"}`), &v); err == nil {
		t.Error("bad date decoded without error")
	}
}
