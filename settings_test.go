package klachtdesk_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	kd "github.com/klachtdesk/klachtdesk"
)

func TestSettingsSet(t *testing.T) {
	tests := []struct {
		key, value string
		wantCode   string
		wantInMsg  string // the refusal names the allowed values
	}{
		{"answer.term_days", "21", "", ""},
		{"answer.term_days", "0", kd.EINVALID, "1 to 90"},
		{"answer.term_days", "veertien", kd.EINVALID, "1 to 90"},
		{"answer.roll", "forward", "", ""},
		{"answer.roll", "sideways", kd.EINVALID, "none, forward, backward"},
		{"referral.timing", "after_decision", "", ""},
		{"referral.timing", "never", kd.EINVALID, "on_classification, after_decision"},
		{"timezone", "Europe/Brussels", "", ""},
		{"timezone", "Mars/Olympus", kd.EINVALID, "IANA time zone"},
		{"timezone", "Local", kd.EINVALID, "IANA time zone"},
		{"org.complaint_email", "klachten@actwebservice.nl", "", ""},
		{"org.complaint_email", "Klachten <klachten@actwebservice.nl>", kd.EINVALID, "plain e-mail address"},
		{"org.name", "  ", kd.EINVALID, "must not be empty"},
		{"mediator.url", "javascript:alert(1)", kd.EINVALID, "http(s) URL"},
		{"calendar.good_friday_off", "true", "", ""},
		{"calendar.good_friday_off", "ja", kd.EINVALID, "true, false"},
		{"calendar.liberation_day", "always", "", ""},
		{"calendar.closing_days", "2026-12-31, 2026-12-28,2026-12-28", "", ""},
		{"calendar.closing_days", "31-12-2026", kd.EINVALID, "YYYY-MM-DD"},
		{"language.default", "fr", kd.EINVALID, "nl, en"},
		{"no.such.key", "1", kd.EINVALID, "answer.term_days"},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			s := kd.DefaultSettings()
			err := s.Set(tt.key, tt.value)
			if got := kd.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("Set: code %q (%v), want %q", got, err, tt.wantCode)
			}
			if err != nil {
				if !strings.Contains(kd.ErrorMessage(err), tt.wantInMsg) {
					t.Errorf("message %q does not name %q", kd.ErrorMessage(err), tt.wantInMsg)
				}
				if diff := cmp.Diff(kd.DefaultSettings(), s); diff != "" {
					t.Errorf("refused Set changed the settings:\n%s", diff)
				}
				return
			}
			if _, err := s.Get(tt.key); err != nil {
				t.Errorf("Get after Set: %v", err)
			}
		})
	}
	t.Run("closing days are sorted and deduplicated", func(t *testing.T) {
		s := kd.DefaultSettings()
		if err := s.Set("calendar.closing_days", "2026-12-31, 2026-12-28,2026-12-28"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Get("calendar.closing_days"); got != "2026-12-28,2026-12-31" {
			t.Errorf("closing days = %q", got)
		}
	})
}

func TestSettingsMapRoundTrip(t *testing.T) {
	s := kd.DefaultSettings()
	for k, v := range map[string]string{"answer.term_days": "10", "answer.roll": "backward", "calendar.bridge_days": "2026-05-15", "org.name": "Voorbeeld B.V."} {
		if err := s.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	s.Revision = 5
	got, err := kd.SettingsFromMap(s.Map(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if got.RuleVersion() != "r1.s5" {
		t.Errorf("RuleVersion = %q", got.RuleVersion())
	}
	if _, err := kd.SettingsFromMap(map[string]string{"answer.term_days": "-3"}, 1); kd.ErrorCode(err) != kd.EINVALID {
		t.Errorf("bad stored value: %v", err)
	}
	if _, err := kd.SettingsFromMap(map[string]string{"from.a.newer.version": "x"}, 1); err != nil {
		t.Errorf("unknown stored key should be ignored: %v", err)
	}
}

func TestDefaultSettingsAreValid(t *testing.T) {
	s := kd.DefaultSettings()
	for _, k := range kd.SettingKeys {
		v, err := s.Get(k.Key)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Set(k.Key, v); err != nil {
			t.Errorf("default of %s (%q) does not validate: %v", k.Key, v, err)
		}
	}
	if s.Location().String() != "Europe/Amsterdam" {
		t.Errorf("default zone %v", s.Location())
	}
	if s.MediatorURL != "https://extranet.ictwaarborg.nl/contact/bemiddeling" || s.AnswerTermDays != 14 || s.AnswerRoll != kd.RollNone || s.ReferralTiming != kd.ReferOnClassification {
		t.Errorf("defaults differ from DOMAIN.md: %+v", s)
	}
}
