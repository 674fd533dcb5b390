package mailsend

import (
	"bytes"
	"context"
	"net/mail"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/internal/testpeer"
)

// TestLetterOf checks the mail of an outbox letter: automatic letters carry
// the RFC 3834 headers, letters staff caused do not, and every letter names
// its complaint and is threaded to the mail it answers.
func TestLetterOf(t *testing.T) {
	created := time.Date(2026, 11, 25, 9, 14, 0, 0, time.UTC)
	to := klachtdesk.Address{Name: "Jan de Vries", Email: "jan@example.nl"}
	tests := []struct {
		name   string
		letter klachtdesk.OutgoingLetter
		want   Letter
	}{
		{"acknowledgement", klachtdesk.OutgoingLetter{
			Reference: "KL-2026-000042", Kind: klachtdesk.LetterAcknowledgement, MessageID: "kl-2026-000042.abc@actwebservice.nl",
			InReplyTo: "mail-1@example.nl", To: to, Subject: "Ontvangstbevestiging [KL-2026-000042]", Text: "Tekst\n",
			Language: klachtdesk.LanguageDutch, Automatic: true, CreatedAt: created,
		}, Letter{
			MessageID: "kl-2026-000042.abc@actwebservice.nl", InReplyTo: "mail-1@example.nl", References: []string{"mail-1@example.nl"},
			To: to, Subject: "Ontvangstbevestiging [KL-2026-000042]", Text: "Tekst\n", Language: "nl", Date: created,
			Headers: map[string]string{"X-Klachtdesk-Reference": "KL-2026-000042", "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
		}},
		{"decision", klachtdesk.OutgoingLetter{
			Reference: "KL-2026-000042", Kind: klachtdesk.LetterDecision, MessageID: "kl-2026-000042.def@actwebservice.nl",
			To: to, Subject: "Our decision on your complaint [KL-2026-000042]", Text: "Text\n",
			Language: klachtdesk.LanguageEnglish, CreatedAt: created,
		}, Letter{
			MessageID: "kl-2026-000042.def@actwebservice.nl", To: to, Subject: "Our decision on your complaint [KL-2026-000042]",
			Text: "Text\n", Language: "en", Date: created, Headers: map[string]string{"X-Klachtdesk-Reference": "KL-2026-000042"},
		}},
	}
	srv := testpeer.StartSMTP(t, testpeer.SMTPOptions{})
	s := newSender(t, srv, nil)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LetterOf(&tt.letter)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("LetterOf (-want +got):\n%s", diff)
			}
			// And so it goes out.
			if err := s.Send(context.Background(), got); err != nil {
				t.Fatal(err)
			}
			msgs := srv.Messages()
			if len(msgs) != i+1 {
				t.Fatalf("server has %d messages", len(msgs))
			}
			m, err := mail.ReadMessage(bytes.NewReader(msgs[i].Data))
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"Auto-Submitted", "X-Auto-Response-Suppress", "X-Klachtdesk-Reference", "In-Reply-To"} {
				want := tt.want.Headers[name]
				if name == "In-Reply-To" && tt.want.InReplyTo != "" {
					want = "<" + tt.want.InReplyTo + ">"
				}
				if got := m.Header.Get(name); got != want {
					t.Errorf("%s: %q, want %q", name, got, want)
				}
			}
		})
	}
}
