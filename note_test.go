package klachtdesk_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	kd "github.com/klachtdesk/klachtdesk"
)

func noteCodes(notes []kd.Note) []string {
	var out []string
	for _, n := range notes {
		out = append(out, n.Code)
	}
	return out
}

func TestRegistrationNotes(t *testing.T) {
	at := func(date string) time.Time {
		d := kd.MustParseDate(date)
		return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
	}
	tests := []struct {
		name       string
		received   string
		today      string
		change     func(n *kd.NewComplaint)
		want       []string
		wantInText []string
	}{
		{"received today", "2026-11-20", "2026-11-20", nil, nil, nil},
		{"received two days ago, within the acknowledgement term", "2026-11-18", "2026-11-20", nil, nil, nil},
		{"acknowledgement term over", "2026-11-02", "2026-11-10", nil, []string{kd.NoteAcknowledgementHeld}, []string{"2026-11-05"}},
		{"overdue at once", "2026-10-01", "2026-11-20", nil, []string{kd.NoteOverdue, kd.NoteAcknowledgementHeld}, []string{"2026-10-15", "36"}},
		{"archive letter of 1999", "1999-01-01", "2026-11-20", nil,
			[]string{kd.NoteOverdue, kd.NoteAcknowledgementHeld, kd.NoteEarlierYear}, []string{"1999", "KL-1999-000001"}},
		{"last year, not yet overdue", "2025-12-30", "2026-01-07", nil, []string{kd.NoteAcknowledgementHeld, kd.NoteEarlierYear}, []string{"2025"}},
		{"no address", "2026-11-20", "2026-11-20", func(n *kd.NewComplaint) { n.Complainant.Email = "" }, []string{kd.NoteNoAddress}, nil},
		{"late notice", "2026-11-20", "2026-11-20", func(n *kd.NewComplaint) {
			n.Kind, n.Subtype, n.Discovered = kd.KindProduct, "defect", kd.MustParseDate("2026-06-01")
		}, []string{kd.NoteLateNotice}, []string{"2026-06-01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newComplaint(kd.KindService, "reachability", kd.Consumer)
			n.ReceivedAt = at(tt.received)
			if tt.change != nil {
				tt.change(n)
			}
			today := kd.MustParseDate(tt.today)
			c, err := kd.Register(n, "KL-"+tt.received[:4]+"-000001", 1, env(at(tt.today)))
			if err != nil {
				t.Fatal(err)
			}
			notes := kd.RegistrationNotes(c, today)
			if got := noteCodes(notes); !slices.Equal(got, tt.want) {
				t.Errorf("notes %v, want %v", got, tt.want)
			}
			var all strings.Builder
			for _, n := range notes {
				if n.Dutch == "" || n.English == "" || n.String() != n.Dutch+" / "+n.English || n.In(kd.LanguageEnglish) != n.English || n.In(kd.LanguageDutch) != n.Dutch {
					t.Errorf("note %s is not in Dutch and English: %+v", n.Code, n)
				}
				all.WriteString(n.String())
			}
			if !containsAll(all.String(), tt.wantInText...) {
				t.Errorf("notes %q do not mention %q", all.String(), tt.wantInText)
			}
		})
	}
}
