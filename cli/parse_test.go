package cli

import (
	"flag"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args           []string
		wantPositional []string
		wantLimit      int
		wantJSON       bool
	}{
		{[]string{"a", "--limit", "3", "b"}, []string{"a", "b"}, 3, false},
		{[]string{"answer.term_days", "-5"}, []string{"answer.term_days", "-5"}, 0, false},
		{[]string{"-5", "--json", "-0.5"}, []string{"-5", "-0.5"}, 0, true},
		{[]string{"--limit", "-1", "x"}, []string{"x"}, -1, false},
		{[]string{"--limit=-2", "-3"}, []string{"-3"}, -2, false},
		{[]string{"--json", "-7", "--limit", "4"}, []string{"-7"}, 4, true},
		{[]string{"a", "--", "--json", "-5"}, []string{"a", "--json", "-5"}, 0, false},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		limit := fs.Int("limit", 0, "")
		json := fs.Bool("json", false, "")
		got, err := parseInterspersed(fs, tt.args)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if !cmp.Equal(got, tt.wantPositional) || *limit != tt.wantLimit || *json != tt.wantJSON {
			t.Errorf("%q: positional %q, limit %d, json %v; want %q, %d, %v", tt.args, got, *limit, *json, tt.wantPositional, tt.wantLimit, tt.wantJSON)
		}
	}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := parseInterspersed(fs, []string{"x", "-colour"}); err == nil || !strings.Contains(err.Error(), "-colour") {
		t.Errorf("an unknown flag: %v", err)
	}
}

func TestSettingsSetNegative(t *testing.T) {
	s := newFakeStore()
	r := run(t, s, "", "settings", "set", "answer.term_days", "-5")
	if r.code != 1 || !strings.Contains(r.stderr, `setting answer.term_days must be a whole number from 1 to 90, not "-5"`) {
		t.Errorf("settings set answer.term_days -5: %+v", r)
	}
	// A setting whose check does not name it is named all the same.
	r = run(t, s, "", "settings", "set", "org.complaint_email", "nobody")
	if r.code != 1 || !strings.Contains(r.stderr, "setting org.complaint_email: ") {
		t.Errorf("settings set org.complaint_email nobody: %+v", r)
	}
	if out := mustRun(t, s, "settings", "set", "answer.term_days", "21"); out != "answer.term_days = 21\n" {
		t.Errorf("settings set = %q", out)
	}
}

func TestVersion(t *testing.T) {
	a, stdout, _ := newTestApp(newFakeStore(), "")
	a.Version = "1.2.3"
	if r := execute(t, a, "version"); r.code != 0 || stdout.String() != "klachtdesk 1.2.3 ("+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH+")\n" {
		t.Errorf("version = %+v", r)
	}
}
