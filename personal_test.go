package klachtdesk_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	kd "github.com/klachtdesk/klachtdesk"
)

// TestPersonalFieldsAreEmptiedByAnonymise keeps PersonalFields and Anonymise
// in step: every listed field exists, and after anonymisation none is left.
func TestPersonalFieldsAreEmptiedByAnonymise(t *testing.T) {
	c := fixture(t, kd.StateClosed, false)
	c.Subject, c.RemedySought, c.ProductRef, c.InformalContact = "s", "r", "p", "i"
	c.Settlement, c.ExtensionReason, c.ExternalRef, c.ExternalOutcome, c.RootCause = "x", "e", "ref", "o", "rc"
	var before map[string]any
	raw, _ := json.Marshal(c)
	_ = json.Unmarshal(raw, &before)
	for _, f := range kd.PersonalFields {
		if before[f] == nil && f != "close_note" && f != "motivation" {
			t.Errorf("personal field %q is not a field of the complaint", f)
		}
	}
	mustApply(t, c, env(received.AddDate(3, 0, 0).Add(time.Hour)), kd.Anonymise{})
	var after map[string]any
	raw, _ = json.Marshal(c)
	_ = json.Unmarshal(raw, &after)
	for k, v := range after {
		if slices.Contains(kd.PersonalFields, k) && v != nil && v != "" {
			t.Errorf("personal field %q survives anonymisation: %v", k, v)
		}
	}
}
