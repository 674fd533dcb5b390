package klachtdesk

import (
	"encoding/json"
	"testing"
)

func TestTopLevelFields(t *testing.T) {
	in := map[string]any{
		"a":            `tricky "quoted" {value} [with] , and : and \ backslash`,
		"b\"key":       []any{1.0, "x]", map[string]any{"n": nil, "s": "}{"}},
		"c":            nil,
		"d":            true,
		"e":            -12.5e3,
		"empty":        map[string]any{},
		"list":         []any{},
		"unicode é \n": "<script>&",
	}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	fields, err := topLevelFields(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(fields) != len(in) {
		t.Fatalf("%d fields, want %d: %s", len(fields), len(in), raw)
	}
	for _, f := range fields {
		want, err := json.Marshal(in[f.key])
		if err != nil {
			t.Fatal(err)
		}
		if string(f.value) != string(want) {
			t.Errorf("field %q = %s, want %s", f.key, f.value, want)
		}
	}
	for _, bad := range []string{``, `[]`, `{"a"}`, `{"a":"x}`} { // input is encoding/json output: brackets always match
		if _, err := topLevelFields([]byte(bad)); err == nil {
			t.Errorf("topLevelFields(%s) gave no error", bad)
		}
	}
}
