package klachtdesk_test

import (
	"encoding/json"
	"slices"
	"strings"
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

func TestMessageValidate(t *testing.T) {
	valid := func() *kd.Message {
		return &kd.Message{Direction: kd.Inbound, Channel: kd.ChannelEmail, From: "a@example.nl", Subject: "Klacht", Text: "tekst"}
	}
	tests := []struct {
		name   string
		change func(m *kd.Message)
		ok     bool
	}{
		{"valid", func(m *kd.Message) {}, true},
		{"bad direction", func(m *kd.Message) { m.Direction = "sideways" }, false},
		{"bad channel", func(m *kd.Message) { m.Channel = "fax" }, false},
		{"NUL in subject", func(m *kd.Message) { m.Subject = "a\x00b" }, false},
		{"invalid UTF-8 text", func(m *kd.Message) { m.Text = "\xc3\x28" }, false},
		{"raw hash not hex", func(m *kd.Message) { m.RawSHA256 = "zz" }, false},
		{"raw hash", func(m *kd.Message) { m.RawSHA256 = strings.Repeat("ab", 32) }, true},
	}
	for _, tt := range tests {
		m := valid()
		tt.change(m)
		if err := m.Validate(); (err == nil) != tt.ok || (err != nil && kd.ErrorCode(err) != kd.EINVALID) {
			t.Errorf("%s: Validate = %v", tt.name, err)
		}
	}
	var nilMessage *kd.Message
	if kd.ErrorCode(nilMessage.Validate()) != kd.EINVALID {
		t.Error("nil message validates")
	}
	a, err := kd.NewAttachment{Content: strings.NewReader("x")}.Validate()
	if err != nil || a.Filename != "attachment" || a.ContentType != "application/octet-stream" {
		t.Errorf("attachment defaults: %+v, %v", a, err)
	}
	if _, err := (kd.NewAttachment{Filename: "x.pdf"}).Validate(); kd.ErrorCode(err) != kd.EINVALID {
		t.Errorf("attachment without content: %v", err)
	}
	if _, err := (kd.NewAttachment{Filename: strings.Repeat("a", 256), Content: strings.NewReader("")}).Validate(); kd.ErrorCode(err) != kd.EINVALID {
		t.Errorf("long attachment name: %v", err)
	}
}

func TestPersonalEventFields(t *testing.T) {
	complaintChange := append(slices.Clone(kd.PersonalFields), kd.EventNoteKey)
	tests := []struct {
		kind string
		want []string
	}{
		{kd.EventCreated, complaintChange},
		{"decided", complaintChange},
		{kd.EventComplainantUpdated, []string{"complainant.name", "complainant.email", "complainant.postal_address", "complainant.phone", "complainant.customer_number"}},
		{kd.EventComplainantAnonymised, nil},
		{kd.EventMessageAdded, []string{"message.subject", "message.attachments"}},
		{kd.EventLetterRewritten, []string{"message.subject", "message.attachments"}},
		{kd.EventUndeliverable, []string{"address", "reason"}},
		{kd.EventLetterFailed, []string{"reason"}},
		{kd.EventLetterHeld, []string{"reason"}},
		{kd.EventLetterSent, nil},
		{kd.EventMessageAccepted, nil},
		{kd.EventSettingsChanged, nil},
		{kd.EventUserCreated, nil},
	}
	for _, tt := range tests {
		if got := kd.PersonalEventFields(tt.kind); !slices.Equal(got, tt.want) {
			t.Errorf("PersonalEventFields(%q) = %q, want %q", tt.kind, got, tt.want)
		}
	}
}
