package sqldb

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

func testAEAD(tb testing.TB) func(name string, v json.RawMessage) (json.RawMessage, error) {
	aead, err := newAEAD(bytes.Repeat([]byte{7}, complaintKeySize))
	if err != nil {
		tb.Fatal(err)
	}
	return func(name string, v json.RawMessage) (json.RawMessage, error) { return sealValue(aead, 42, name, v) }
}

func TestSealObject(t *testing.T) {
	seal := testAEAD(t)
	fields := []string{"description", "motivation", "complainant.phone"}
	tests := []struct {
		name, in string
		sealed   []string // names whose values must be sealed
	}{
		{"empty", `{}`, nil},
		{"no personal field", `{"state":"closed","version":3}`, nil},
		{"personal fields", `{"description":"Tekst met \"quotes\", {haken} en \u003c","finding":"founded","motivation":""}`, []string{"description", "motivation"}},
		{"null is left alone", `{"description":null,"motivation":"m"}`, []string{"motivation"}},
		{"white space", "{ \"description\" : \"x\" ,\n\t\"state\" : [1, {\"a\":\"}\"}] }", []string{"description"}},
		{"escaped key", `{"descr\u0069ption":"x"}`, []string{"description"}},
		{"nested", `{"complainant":{"id":1,"name":"n","phone":"06"},"phone":"top level: not listed"}`, []string{"complainant.phone"}},
		{"nested null", `{"complainant":null}`, nil},
		{"objects and numbers", `{"ack_due":{"date":"2026-03-05","rule":"r1.s0"},"satisfaction":-1.5e3,"description":"d"}`, []string{"description"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			out, err := sealObject(json.RawMessage(tt.in), fields, func(name string, v json.RawMessage) (json.RawMessage, error) {
				got = append(got, name)
				return seal(name, v)
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.sealed) {
				t.Errorf("sealed %v, want %v", got, tt.sealed)
			}
			if len(tt.sealed) == 0 && string(out) != tt.in {
				t.Errorf("nothing to seal, but %s became %s", tt.in, out)
			}
			if !json.Valid(out) {
				t.Fatalf("sealed payload is not JSON: %s", out)
			}
			aead, _ := newAEAD(bytes.Repeat([]byte{7}, complaintKeySize))
			opened, err := openObject(out, func(name, s string) (json.RawMessage, error) { return openValue(aead, 42, name, s) })
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(t, opened, json.RawMessage(tt.in)) {
				t.Errorf("opened %s, want %s", opened, tt.in)
			}
		})
	}

	t.Run("not an object", func(t *testing.T) {
		for _, in := range []string{``, `[]`, `"description"`, `{"description":`, `null`} {
			if _, err := sealObject(json.RawMessage(in), fields, seal); err == nil {
				t.Errorf("sealObject(%q) succeeded", in)
			}
		}
	})

	t.Run("compact input stays canonical", func(t *testing.T) {
		in := `{"a":1,"description":"x","z":{"sealed":"no: not a listed field"}}`
		out, err := sealObject(json.RawMessage(in), fields, seal)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(out), `{"a":1,"description":{"sealed":"`) || !strings.HasSuffix(string(out), `"},"z":{"sealed":"no: not a listed field"}}`) {
			t.Errorf("sealed payload %s", out)
		}
	})
}

func jsonEqual(tb testing.TB, a, b json.RawMessage) bool {
	tb.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		tb.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		tb.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

// FuzzSealObject: whatever object goes in, sealing keeps it a JSON object
// and opening gives back the same values.
func FuzzSealObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"description":"x"}`, `{"complainant":{"phone":"1"},"description":[1,"]"]}`, "{\"motivation\" :\t\"\\\"\"}"} {
		f.Add(s)
	}
	seal := testAEAD(f)
	aead, _ := newAEAD(bytes.Repeat([]byte{7}, complaintKeySize))
	fields := []string{"description", "motivation", "complainant.phone"}
	f.Fuzz(func(t *testing.T, in string) {
		var m map[string]any
		if json.Unmarshal([]byte(in), &m) != nil || m == nil || bytes.Contains([]byte(in), []byte(`"sealed"`)) {
			t.Skip()
		}
		out, err := sealObject(json.RawMessage(in), fields, seal)
		if err != nil {
			t.Fatalf("sealObject(%s): %v", in, err)
		}
		opened, err := openObject(out, func(name, s string) (json.RawMessage, error) { return openValue(aead, 42, name, s) })
		if err != nil {
			t.Fatalf("openObject(%s): %v", out, err)
		}
		if !jsonEqual(t, opened, json.RawMessage(in)) {
			t.Fatalf("%s sealed to %s opened to %s", in, out, opened)
		}
	})
}

// BenchmarkSealCreatedEvent measures what sealing adds to a registration
// in CPU alone: a new key's cipher and the sealing of the "created" event's
// before and after, as Register and Diff write them.
func BenchmarkSealCreatedEvent(b *testing.B) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c, err := klachtdesk.Register(&klachtdesk.NewComplaint{
		Channel: klachtdesk.ChannelEmail, ReceivedAt: now.Add(-time.Hour),
		Complainant: klachtdesk.Complainant{Name: "Jan Jansen", Email: "jan@example.org", Type: klachtdesk.Consumer, Language: klachtdesk.LanguageDutch},
		Kind:        klachtdesk.KindService, Subtype: "communication", Subject: "Geen reactie",
		Description: strings.Repeat("Ik heb drie keer gebeld en niemand belt terug. ", 20),
	}, "KL-2026-000001", 1, klachtdesk.Env{Now: now, Settings: klachtdesk.DefaultSettings(), Actor: klachtdesk.SystemUser})
	if err != nil {
		b.Fatal(err)
	}
	before, after, _, err := klachtdesk.Diff(nil, c)
	if err != nil {
		b.Fatal(err)
	}
	key := bytes.Repeat([]byte{7}, complaintKeySize)
	b.ReportAllocs()
	for b.Loop() {
		aead, err := newAEAD(key)
		if err != nil {
			b.Fatal(err)
		}
		seal := func(name string, v json.RawMessage) (json.RawMessage, error) { return sealValue(aead, 1, name, v) }
		if _, err := sealObject(before, klachtdesk.PersonalFields, seal); err != nil {
			b.Fatal(err)
		}
		if _, err := sealObject(after, klachtdesk.PersonalFields, seal); err != nil {
			b.Fatal(err)
		}
	}
}
