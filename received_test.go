package klachtdesk_test

import (
	"testing"
	"time"

	kd "github.com/klachtdesk/klachtdesk"
)

func TestMailReceivedAt(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	cet := time.FixedZone("CET", 3600)
	hourAgo := now.Add(-time.Hour)
	tests := []struct {
		name           string
		source, header time.Time
		want           time.Time
	}{
		{"source known", hourAgo, now.Add(-2 * time.Hour), hourAgo},
		{"source in another zone is kept, in UTC", hourAgo.In(cet), time.Time{}, hourAgo},
		{"source ahead: now, not the header", now.Add(time.Minute), hourAgo, now},
		{"source before 1990: now", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), hourAgo, now},
		{"source exactly now", now, time.Time{}, now},
		{"no source: the Date header", time.Time{}, hourAgo.In(cet), hourAgo},
		{"no source, header ahead: now", time.Time{}, now.Add(time.Second), now},
		{"no source, header before 1990: now", time.Time{}, time.Date(1989, 12, 31, 23, 59, 59, 0, time.UTC), now},
		{"no source, header on the 1990 floor", time.Time{}, kd.EarliestMailClock, kd.EarliestMailClock},
		{"neither: now", time.Time{}, time.Time{}, now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := kd.MailReceivedAt(tt.source, tt.header, now)
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("MailReceivedAt = %v, want %v in UTC", got, tt.want)
			}
		})
	}
}

func TestClampMailClock(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   time.Time
		want time.Time
	}{
		{"unset", time.Time{}, now},
		{"ahead", now.Add(time.Nanosecond), now},
		{"absurd", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), now},
		{"before 1990", kd.EarliestMailClock.Add(-time.Nanosecond), now},
		{"1990", kd.EarliestMailClock, kd.EarliestMailClock},
		{"sane", now.Add(-24 * time.Hour), now.Add(-24 * time.Hour)},
	}
	for _, tt := range tests {
		if got := kd.ClampMailClock(tt.in, now); !got.Equal(tt.want) {
			t.Errorf("%s: ClampMailClock(%v) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestCheckReceivedAt(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   time.Time
		want string // error code, "" when valid
	}{
		{"unset", time.Time{}, kd.EINVALID},
		{"now", now, ""},
		{"within the skew", now.Add(kd.ReceivedAtSkew), ""},
		{"beyond the skew", now.Add(kd.ReceivedAtSkew + time.Second), kd.EINVALID},
		{"an archive letter of 1999", time.Date(1999, 1, 1, 12, 0, 0, 0, time.UTC), ""},
		{"before the 1990 mail floor is still a complaint", time.Date(1950, 6, 1, 0, 0, 0, 0, time.UTC), ""},
		{"on the 1900 floor", kd.EarliestReceipt, ""},
		{"before 1900", kd.EarliestReceipt.Add(-time.Second), kd.EINVALID},
		{"year 0", time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), kd.EINVALID},
	}
	for _, tt := range tests {
		err := kd.CheckReceivedAt(tt.in, now)
		if got := kd.ErrorCode(err); got != tt.want {
			t.Errorf("%s: CheckReceivedAt(%v) = %v, want code %q", tt.name, tt.in, err, tt.want)
		}
		if err != nil && !containsAll(kd.ErrorMessage(err), "received_at", " / ") {
			t.Errorf("%s: message %q does not name the field in Dutch and English", tt.name, kd.ErrorMessage(err))
		}
	}
}
