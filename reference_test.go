package klachtdesk_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	kd "github.com/klachtdesk/klachtdesk"
)

func TestFormatReference(t *testing.T) {
	tests := []struct {
		year, n  int
		want     string
		wantCode string
	}{
		{2026, 1, "KL-2026-000001", ""},
		{2026, 42, "KL-2026-000042", ""},
		{2027, 999_999, "KL-2027-999999", ""},
		{2026, 0, "", kd.EINVALID},
		{2026, 1_000_000, "", kd.EINVALID},
		{999, 1, "", kd.EINVALID},
	}
	for _, tt := range tests {
		got, err := kd.FormatReference(tt.year, tt.n)
		if got != tt.want || kd.ErrorCode(err) != tt.wantCode {
			t.Errorf("FormatReference(%d, %d) = %q, %v; want %q, %q", tt.year, tt.n, got, err, tt.want, tt.wantCode)
		}
	}
}

func TestParseReference(t *testing.T) {
	tests := []struct {
		ref     string
		year, n int
		ok      bool
	}{
		{"KL-2026-000042", 2026, 42, true},
		{"KL-2026-000000", 0, 0, false},
		{"kl-2026-000042", 0, 0, false},
		{"KL-2026-42", 0, 0, false},
		{"KL-2026-0000420", 0, 0, false},
		{" KL-2026-000042", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		year, n, err := kd.ParseReference(tt.ref)
		if (err == nil) != tt.ok || year != tt.year || n != tt.n {
			t.Errorf("ParseReference(%q) = %d, %d, %v", tt.ref, year, n, err)
		}
	}
}

func TestFindReferences(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Re: [KL-2026-000042] Uw klacht", []string{"KL-2026-000042"}},
		{"KL-2026-000001 en KL-2026-000002, KL-2026-000001", []string{"KL-2026-000001", "KL-2026-000002"}},
		{"XKL-2026-000001 KL-2026-0000012 KL-2026-00001", nil},
		{"(KL-2025-999999)", []string{"KL-2025-999999"}},
		{"geen referentie", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, kd.FindReferences(tt.text)); diff != "" {
			t.Errorf("FindReferences(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestNormalizeReference(t *testing.T) {
	tests := []struct{ in, want string }{
		{"KL-2026-000042", "KL-2026-000042"},
		{"kl-2026-000042", "KL-2026-000042"},
		{"  Kl-2026-000042\t\n", "KL-2026-000042"},
		{"", ""},
		{"geen referentie", "GEEN REFERENTIE"},
	}
	for _, tt := range tests {
		got := kd.NormalizeReference(tt.in)
		if got != tt.want {
			t.Errorf("NormalizeReference(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if _, _, err := kd.ParseReference(got); (err == nil) != (tt.want == "KL-2026-000042") {
			t.Errorf("ParseReference(NormalizeReference(%q)) = %v", tt.in, err)
		}
	}
	if diff := cmp.Diff([]string{"KL-2026-000042", "KL-2026-000043"}, kd.FindReferences("Re: kl-2026-000042 en Kl-2026-000043, KL-2026-000042")); diff != "" {
		t.Errorf("FindReferences in lower case (-want +got):\n%s", diff)
	}
	if got := kd.FindReferences("\u212aL-2026-000042"); got != nil {
		t.Errorf("FindReferences with a Kelvin sign = %q", got)
	}
}
