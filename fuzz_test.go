package klachtdesk_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	kd "github.com/klachtdesk/klachtdesk"
)

// FuzzRegister feeds hostile JSON through the path of `complaint add --json`:
// decode, validate, register. Whatever the bytes, the outcome is a complaint
// or an error with a code — never a panic, and never a complaint that breaks
// the invariants below.
func FuzzRegister(f *testing.F) {
	seeds := []string{
		`{"channel":"email","received_at":"2026-11-02T09:00:00+01:00","complainant":{"name":"Jan","type":"consumer","language":"nl"},"kind":"service","subtype":"reachability","description":"Onbereikbaar"}`,
		`{"channel":"letter","received_at":"2025-12-12T10:00:00Z","complainant":{"email":"a@b.nl","type":"business","language":"en"},"kind":"product","subtype":"defect","description":"x","discovered":"2025-01-01"}`,
		`{"channel":"phone"}`,
		`{"received_at":"0001-01-01T00:00:00Z"}`,
		`{"received_at":"9999-12-31T23:59:59Z","kind":"product"}`,
		`{"complainant":{"name":"\u0000<script>alert(1)</script>","type":"consumer","language":"nl"}}`,
		`{"channel":"letter","received_at":"2026-11-02T09:00:00Z","complainant":{"name":"\u001b[31mJan\u001b]0;x\u0007","postal_address":"a\r\nb\u0085c","type":"consumer","language":"nl"},"kind":"service","description":"\u001b[2J\u0000tekst\u009b1m"}`,
		`{"discovered":"2026-02-30"}`,
		`[]`, `null`, `{"concerned_employees":[-1,0,9223372036854775807]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		var n kd.NewComplaint
		if err := json.Unmarshal(data, &n); err != nil {
			return
		}
		e := kd.Env{Now: now, Settings: kd.DefaultSettings()}
		c, err := kd.Register(&n, "KL-2026-000001", 1, e)
		if err != nil {
			if kd.ErrorCode(err) == kd.EINTERNAL {
				t.Fatalf("Register returned an internal error for user input: %v", err)
			}
			return
		}
		if c.State != kd.StateReceived || c.ReceiptDate.IsZero() || c.AnswerDue.IsZero() || c.ActBy.Date.After(c.AnswerDue.Date) {
			t.Fatalf("registered complaint breaks an invariant: %+v", c)
		}
		if c.Route != kd.RouteFor(c.Kind, c.CustomerType) {
			t.Fatalf("route %s for %s/%s", c.Route, c.Kind, c.CustomerType)
		}
		if _, _, _, err := kd.Diff(nil, c); err != nil {
			t.Fatalf("Diff of a registered complaint: %v", err)
		}
		// One cleaning rule for every way text enters: nothing registered
		// carries a control character or an escape sequence, and every
		// complainant has a name.
		for _, v := range []string{c.Subject, c.ProductRef, n.Complainant.Name, n.Complainant.Email, n.Complainant.Phone, n.Complainant.CustomerNumber} {
			if !kd.IsClean(v, false) {
				t.Fatalf("registered one-line text %q is not clean", v)
			}
		}
		for _, v := range []string{c.Description, c.RemedySought, c.InformalContact, n.Complainant.PostalAddress} {
			if !kd.IsClean(v, true) {
				t.Fatalf("registered text %q is not clean", v)
			}
		}
		if strings.TrimSpace(n.Complainant.Name) == "" {
			t.Fatalf("registered a complainant without a name")
		}
	})
}

// FuzzSettingsSet: any key and value is either stored and read back as
// valid, or refused with EINVALID; the settings stay valid either way.
func FuzzSettingsSet(f *testing.F) {
	for _, k := range kd.SettingKeys {
		v, _ := kd.DefaultSettings().Get(k.Key)
		f.Add(k.Key, v)
		f.Add(k.Key, "")
		f.Add(k.Key, "-1")
	}
	f.Add("timezone", "../../../etc/passwd")
	f.Add("calendar.closing_days", "2026-12-31,,x")
	f.Fuzz(func(t *testing.T, key, value string) {
		s := kd.DefaultSettings()
		err := s.Set(key, value)
		if err != nil {
			if kd.ErrorCode(err) != kd.EINVALID {
				t.Fatalf("Set(%q, %q) = %v, want EINVALID", key, value, err)
			}
			return
		}
		if _, err := kd.SettingsFromMap(s.Map(), 1); err != nil {
			t.Fatalf("stored value of %s does not load back: %v", key, err)
		}
	})
}
