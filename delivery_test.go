package klachtdesk_test

import (
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

func TestRefusalReply(t *testing.T) {
	a := klachtdesk.RefusalReply("failed to set mail recipient: 550 5.1.1 Relay access denied, affected recipient(s): a@example.nl, affected message ID: kl-2026-000001.x@klachten.nl")
	b := klachtdesk.RefusalReply("failed to set mail recipient:  550 5.1.1 Relay access denied, affected recipient(s): B@example.org, affected message ID: kl-2026-000002.y@klachten.nl")
	if a != b {
		t.Errorf("the same reply to two recipients differs:\n%s\n%s", a, b)
	}
	if c := klachtdesk.RefusalReply("550 5.1.1 User unknown <a@example.nl>"); c == klachtdesk.RefusalReply("550 5.7.1 User unknown <a@example.nl>") {
		t.Error("different enhanced codes compare equal")
	}
}

func TestSuspectRelay(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	r := func(to, reply string, ago time.Duration) klachtdesk.Refusal {
		return klachtdesk.Refusal{Recipient: to, Reply: reply, At: now.Add(-ago)}
	}
	const x, y = "550 5.7.1 relaying denied", "550 5.1.1 no such user"
	tests := []struct {
		name     string
		refusals []klachtdesk.Refusal
		want     bool
	}{
		{"none", nil, false},
		{"three recipients, one reply", []klachtdesk.Refusal{r("a@x.nl", x, 0), r("b@x.nl", x, time.Minute), r("c@x.nl", x, 2*time.Minute)}, true},
		{"two recipients", []klachtdesk.Refusal{r("a@x.nl", x, 0), r("b@x.nl", x, time.Minute)}, false},
		{"one recipient three times, case aside", []klachtdesk.Refusal{r("a@x.nl", x, 0), r("A@x.nl", x, 0), r(" a@X.nl", x, 0)}, false},
		{"different replies", []klachtdesk.Refusal{r("a@x.nl", x, 0), r("b@x.nl", y, 0), r("c@x.nl", x, 0)}, false},
		{"one outside the window", []klachtdesk.Refusal{r("a@x.nl", x, 0), r("b@x.nl", x, 0), r("c@x.nl", x, klachtdesk.RelaySuspectWindow)}, false},
		{"just inside the window", []klachtdesk.Refusal{r("a@x.nl", x, 0), r("b@x.nl", x, 0), r("c@x.nl", x, klachtdesk.RelaySuspectWindow-time.Second)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, got := klachtdesk.SuspectRelay(tt.refusals, now)
			if got != tt.want {
				t.Fatalf("SuspectRelay = %v, want %v", got, tt.want)
			}
			if got && reply != x {
				t.Errorf("reply = %q", reply)
			}
		})
	}
}

func TestRelayProbeDelay(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 6: 30 * time.Minute, 40: 30 * time.Minute} {
		if got := klachtdesk.RelayProbeDelay(n); got != want {
			t.Errorf("RelayProbeDelay(%d) = %s, want %s", n, got, want)
		}
	}
}
