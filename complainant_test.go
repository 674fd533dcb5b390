package klachtdesk_test

import (
	"slices"
	"testing"
	"time"

	kd "github.com/klachtdesk/klachtdesk"
)

func TestComplainantName(t *testing.T) {
	now := received.Add(time.Hour)
	tests := []struct {
		name    string
		in      string
		want    string // stored name; "" when refused
		refused bool
	}{
		{"a name", "Sanne de Vries", "Sanne de Vries", false},
		{"trimmed", "  Sanne  ", "Sanne", false},
		{"empty", "", "", true},
		{"white space only", " \t\n ", "", true},
		{"control characters only", "\x00\x1b[31m\x07", "", true},
		{"escape sequences removed", "\x1b[1mSanne\x1b[0m de Vries", "Sanne de Vries", false},
		{"line break becomes a space", "Sanne\nde Vries", "Sanne de Vries", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newComplaint(kd.KindService, "reachability", kd.Consumer)
			n.Complainant.Name = tt.in
			err := n.Validate(now)
			if tt.refused {
				if kd.ErrorCode(err) != kd.EINVALID || !containsAll(kd.ErrorMessage(err), "complainant.name", "naam", "name is required", " / ") {
					t.Errorf("Validate = %v, want EINVALID naming complainant.name in Dutch and English", err)
				}
				return
			}
			if err != nil || n.Complainant.Name != tt.want {
				t.Errorf("Validate = %v, name %q; want nil, %q", err, n.Complainant.Name, tt.want)
			}
		})
	}
}

// TestNewComplaintCleansText: every free-text field of a new complaint
// leaves Validate without control characters and escape sequences; lines
// stay where the field has several.
func TestNewComplaintCleansText(t *testing.T) {
	n := newComplaint(kd.KindService, "reachability", kd.Consumer)
	n.Complainant.Name = "Jan\x00 Jansen"
	n.Complainant.Email = " jan@example.nl\x1b[0m "
	n.Complainant.PostalAddress = "Dorpsstraat 1\r\n1234 AB Ergens\x07\n"
	n.Complainant.Phone = "06\x1b]0;x\x07-12345678"
	n.Complainant.CustomerNumber = "K\u009b2J42"
	n.Subject = "\x1b[2JOnderwerp\nmet regel"
	n.Description = "Regel 1\r\n\x1b[31mRegel 2\x1b[0m\n\tingesprongen\x00"
	n.RemedySought = "Geld\x08terug"
	n.ProductRef = "P-1\t2"
	n.InformalContact = "Gebeld\x1b]8;;https://x.example/\x1b\\ met Henk"
	if err := n.Validate(received.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got := []string{n.Complainant.Name, n.Complainant.Email, n.Complainant.PostalAddress, n.Complainant.Phone, n.Complainant.CustomerNumber,
		n.Subject, n.Description, n.RemedySought, n.ProductRef, n.InformalContact}
	want := []string{"Jan Jansen", "jan@example.nl", "Dorpsstraat 1\n1234 AB Ergens", "06-12345678", "K42",
		"Onderwerp met regel", "Regel 1\nRegel 2\n\tingesprongen", "Geld terug", "P-1 2", "Gebeld met Henk"}
	if !slices.Equal(got, want) {
		t.Errorf("cleaned fields\n got %q\nwant %q", got, want)
	}
	t.Run("a description of escapes only is empty", func(t *testing.T) {
		n := newComplaint(kd.KindService, "reachability", kd.Consumer)
		n.Description = "\x1b[31m\x1b[0m\x00"
		if err := n.Validate(received.Add(time.Hour)); kd.ErrorCode(err) != kd.EINVALID {
			t.Errorf("Validate = %v, want EINVALID", err)
		}
	})
}

func TestNoAddressWarning(t *testing.T) {
	tests := []struct {
		name          string
		email, postal string
		want          bool
	}{
		{"e-mail", "sanne@example.nl", "", false},
		{"postal address", "", "Dorpsstraat 1, Ergens", false},
		{"both", "sanne@example.nl", "Dorpsstraat 1", false},
		{"neither", "", "", true},
		{"only white space and controls", " ", "\x1b[0m \n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newComplaint(kd.KindService, "reachability", kd.Consumer)
			n.Channel = kd.ChannelLetter
			n.Complainant.Email, n.Complainant.PostalAddress, n.Complainant.Phone = tt.email, tt.postal, "06-12345678"
			c, err := kd.Register(n, "KL-2026-000001", 1, env(received.Add(time.Hour)))
			if err != nil {
				t.Fatalf("an unreachable complainant is still registered: %v", err)
			}
			if c.NoAddress != tt.want {
				t.Errorf("NoAddress = %v, want %v", c.NoAddress, tt.want)
			}
			codes := noteCodes(c.Warnings())
			if slices.Contains(codes, kd.NoteNoAddress) != tt.want {
				t.Errorf("warnings %v, no_address wanted: %v", codes, tt.want)
			}
		})
	}
}

// TestNewComplaintFromMailName: a mail is never refused for lacking a
// display name; its address names the complainant.
func TestNewComplaintFromMailName(t *testing.T) {
	tests := []struct {
		name string
		from kd.Address
		want string
	}{
		{"display name", kd.Address{Name: "Sanne de Vries", Email: "sanne@example.nl"}, "Sanne de Vries"},
		{"no display name", kd.Address{Email: " sanne@example.nl "}, "sanne@example.nl"},
		{"blank display name", kd.Address{Name: " \t", Email: "sanne@example.nl"}, "sanne@example.nl"},
		{"display name of escapes only", kd.Address{Name: "\x1b[31m\x1b[0m", Email: "sanne@example.nl"}, "sanne@example.nl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := kd.NewComplaintFromMail(&kd.InboundMail{From: tt.from, Text: "Klacht."}, received)
			if err := n.Validate(received.Add(time.Hour)); err != nil {
				t.Fatalf("the complaint of a mail must be valid: %v", err)
			}
			if n.Complainant.Name != tt.want {
				t.Errorf("name %q, want %q", n.Complainant.Name, tt.want)
			}
		})
	}
}
