package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/mock"
	"github.com/klachtdesk/klachtdesk/web"
)

// now is the fixed time of the check tests.
var now = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

// clock is a settable clock for the server's checks.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// status returns a store that takes writes and answers st.
func status(st klachtdesk.StoreStatus) *mock.HealthService {
	return &mock.HealthService{
		WritableFn:    func(context.Context) error { return nil },
		StoreStatusFn: func(context.Context) (*klachtdesk.StoreStatus, error) { return &st, nil },
	}
}

// inbox is the status of one mailbox polled every minute.
func inbox(lastPoll time.Time) klachtdesk.MailboxStatus {
	return klachtdesk.MailboxStatus{Mailbox: "INBOX@imap.example", PollInterval: time.Minute, LastPoll: lastPoll}
}

func TestReadyzChecks(t *testing.T) {
	readOnly := klachtdesk.Errorf(klachtdesk.EUNAVAILABLE, "the database file is read-only")
	tests := []struct {
		name       string
		health     klachtdesk.HealthService
		mailboxes  []klachtdesk.MailboxStatus
		smtp       bool
		since      time.Duration // the clock's advance after the start
		wantStatus int
		want       []string // lines, or parts of lines, of the body
		notWant    []string
	}{
		{
			name:      "all pass",
			health:    status(klachtdesk.StoreStatus{Outbox: klachtdesk.OutboxStatus{Queued: 12, OldestQueued: now.Add(-4 * time.Minute)}}),
			mailboxes: []klachtdesk.MailboxStatus{inbox(now.Add(-3 * time.Minute))},
			smtp:      true,
			want: []string{
				"store: writable (ok)\n",
				"mailbox INBOX@imap.example: last poll 3m ago (ok)\n",
				"outbox: 12 queued, oldest 4m (ok)\n",
				"\nready\n",
			},
			wantStatus: http.StatusOK,
			notWant:    []string{"FAILING", "not ready"},
		},
		{
			name:       "store read-only",
			health:     &mock.HealthService{WritableFn: func(context.Context) error { return readOnly }, StoreStatusFn: status(klachtdesk.StoreStatus{}).StoreStatusFn},
			wantStatus: http.StatusServiceUnavailable,
			want: []string{
				"store: not writable: database unavailable: the database file is read-only (FAILING)\n",
				"outbox: none queued (ok)\n",
				"\nnot ready\n",
			},
		},
		{
			name:       "no store",
			wantStatus: http.StatusServiceUnavailable,
			want:       []string{"store: database not configured (FAILING)\n", "outbox: figures not read: database not configured (ok)\n"},
		},
		{
			name:   "mailbox not polled for 47 minutes",
			health: status(klachtdesk.StoreStatus{}),
			mailboxes: []klachtdesk.MailboxStatus{
				inbox(now.Add(-time.Minute)),
				{Mailbox: "klachten@imap.example", PollInterval: 10 * time.Minute, LastPoll: now.Add(-47 * time.Minute), LastTaken: now.Add(-50 * time.Minute), LastError: "read tcp: i/o timeout\nretrying"},
			},
			wantStatus: http.StatusServiceUnavailable,
			want: []string{
				"mailbox INBOX@imap.example: last poll 1m ago (ok)\n",
				"mailbox klachten@imap.example: last poll 47m ago, limit 30m: intake is stuck; last mail taken 50m ago; last error: read tcp: i/o timeout retrying (FAILING)\n",
			},
		},
		{
			name:       "short poll interval: the limit is at least five minutes",
			health:     status(klachtdesk.StoreStatus{}),
			mailboxes:  []klachtdesk.MailboxStatus{{Mailbox: "INBOX@imap.example", PollInterval: time.Second, LastPoll: now.Add(-4 * time.Minute), LastError: "connection reset"}},
			wantStatus: http.StatusOK,
			want:       []string{"mailbox INBOX@imap.example: last poll 4m ago; last error: connection reset (ok)\n"},
		},
		{
			name:       "mailbox not polled yet, just started",
			health:     status(klachtdesk.StoreStatus{}),
			mailboxes:  []klachtdesk.MailboxStatus{{Mailbox: "INBOX@imap.example", PollInterval: time.Minute}},
			since:      30 * time.Second,
			wantStatus: http.StatusOK,
			want:       []string{"mailbox INBOX@imap.example: not polled yet, started 30s ago (ok)\n"},
		},
		{
			name:       "mailbox never polled since the start",
			health:     status(klachtdesk.StoreStatus{}),
			mailboxes:  []klachtdesk.MailboxStatus{{Mailbox: "INBOX@imap.example", PollInterval: time.Minute, LastError: "dial tcp 192.0.2.1:993: connection refused"}},
			since:      20 * time.Minute,
			wantStatus: http.StatusServiceUnavailable,
			want:       []string{"mailbox INBOX@imap.example: never polled since the start 20m ago, limit 5m: intake is stuck; last error: dial tcp 192.0.2.1:993: connection refused (FAILING)\n"},
		},
		{
			name:       "outbox stuck",
			health:     status(klachtdesk.StoreStatus{Outbox: klachtdesk.OutboxStatus{Queued: 49, Failed: 2, OldestQueued: now.Add(-125 * time.Minute)}}),
			smtp:       true,
			wantStatus: http.StatusServiceUnavailable,
			want:       []string{"outbox: 49 queued, oldest 2h5m, limit 1h: delivery is stuck; 2 failed: staff must act (FAILING)\n"},
		},
		{
			name:       "old letters without SMTP wait, not stuck",
			health:     status(klachtdesk.StoreStatus{Outbox: klachtdesk.OutboxStatus{Queued: 5, OldestQueued: now.Add(-72 * time.Hour)}}),
			wantStatus: http.StatusOK,
			want:       []string{"outbox: 5 queued, no SMTP server configured: letters wait (ok)\n"},
		},
		{
			name:       "letters waiting for the organisation's details",
			health:     status(klachtdesk.StoreStatus{Outbox: klachtdesk.OutboxStatus{Waiting: 3}}),
			smtp:       true,
			wantStatus: http.StatusOK,
			want:       []string{"outbox: none queued; 3 waiting for the organisation's details (klachtdesk settings set org.complaint_email …) (ok)\n"},
		},
		{
			name: "outbox figures not read, SMTP configured",
			health: &mock.HealthService{
				WritableFn: func(context.Context) error { return nil },
				StoreStatusFn: func(context.Context) (*klachtdesk.StoreStatus, error) {
					return nil, errors.New("no such table: outbox at /secret/path")
				},
			},
			smtp:       true,
			wantStatus: http.StatusServiceUnavailable,
			want:       []string{"store: writable (ok)\n", "outbox: figures not read: database unavailable (FAILING)\n"},
			notWant:    []string{"/secret/path"},
		},
		{
			name: "outbox figures not read, no SMTP",
			health: &mock.HealthService{
				WritableFn: func(context.Context) error { return nil },
				StoreStatusFn: func(context.Context) (*klachtdesk.StoreStatus, error) {
					return nil, errors.New("no such table: outbox")
				},
			},
			wantStatus: http.StatusOK,
			want:       []string{"outbox: figures not read: database unavailable (ok)\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{t: now.Add(-tt.since)}
			cfg := web.Config{Health: tt.health, SMTP: tt.smtp, Now: clk.Now}
			if tt.mailboxes != nil {
				cfg.Mailboxes = func() []klachtdesk.MailboxStatus { return tt.mailboxes }
			}
			s := web.NewServer(cfg)
			clk.t = now
			resp := get(t, s, "/readyz")
			got := body(t, resp)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			for _, want := range tt.want {
				if !strings.Contains(got, want) {
					t.Errorf("body lacks %q:\n%s", want, got)
				}
			}
			for _, bad := range tt.notWant {
				if strings.Contains(got, bad) {
					t.Errorf("body has %q:\n%s", bad, got)
				}
			}
		})
	}
}

func TestReadyzJSON(t *testing.T) {
	s := web.NewServer(web.Config{
		Health:    status(klachtdesk.StoreStatus{Outbox: klachtdesk.OutboxStatus{Queued: 2, OldestQueued: now.Add(-2 * time.Hour)}}),
		Mailboxes: func() []klachtdesk.MailboxStatus { return []klachtdesk.MailboxStatus{inbox(now.Add(-time.Minute))} },
		SMTP:      true,
		Now:       func() time.Time { return now },
	})
	resp := get(t, s, "/readyz?format=json")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var got struct {
		Ready  bool
		Checks []struct {
			Name, Detail string
			OK           bool
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Ready {
		t.Error("ready = true with a stuck outbox")
	}
	want := []struct {
		name string
		ok   bool
	}{{"store", true}, {"mailbox INBOX@imap.example", true}, {"outbox", false}}
	if len(got.Checks) != len(want) {
		t.Fatalf("checks = %+v, want %d", got.Checks, len(want))
	}
	for i, w := range want {
		if c := got.Checks[i]; c.Name != w.name || c.OK != w.ok || c.Detail == "" {
			t.Errorf("check %d = %+v, want %s ok=%v with a detail", i, c, w.name, w.ok)
		}
	}
	if d := got.Checks[2].Detail; !strings.Contains(d, "delivery is stuck") {
		t.Errorf("outbox detail = %q", d)
	}
}

// TestReadyzRecovers: a check that failed passes once its fault is gone,
// on the same server.
func TestReadyzRecovers(t *testing.T) {
	var writeErr error = klachtdesk.Errorf(klachtdesk.EUNAVAILABLE, "database or disk is full")
	mb := inbox(now.Add(-time.Hour))
	s := web.NewServer(web.Config{
		Health: &mock.HealthService{
			WritableFn:    func(context.Context) error { return writeErr },
			StoreStatusFn: status(klachtdesk.StoreStatus{}).StoreStatusFn,
		},
		Mailboxes: func() []klachtdesk.MailboxStatus { return []klachtdesk.MailboxStatus{mb} },
		Now:       func() time.Time { return now },
	})
	resp := get(t, s, "/readyz")
	got := body(t, resp)
	if resp.StatusCode != http.StatusServiceUnavailable ||
		!strings.Contains(got, "store: not writable: database unavailable: database or disk is full (FAILING)") ||
		!strings.Contains(got, "intake is stuck") {
		t.Fatalf("with the disk full and intake stuck: %d\n%s", resp.StatusCode, got)
	}

	writeErr, mb.LastPoll = nil, now.Add(-10*time.Second)
	resp = get(t, s, "/readyz")
	got = body(t, resp)
	if resp.StatusCode != http.StatusOK || strings.Contains(got, "FAILING") {
		t.Fatalf("after the fault is gone: %d\n%s", resp.StatusCode, got)
	}
	if !strings.Contains(got, "last poll 10s ago (ok)") {
		t.Errorf("body = %s", got)
	}
}

// TestReadyzStoreTimeout: a store that does not answer fails the check
// within the configured timeout.
func TestReadyzStoreTimeout(t *testing.T) {
	s := web.NewServer(web.Config{Health: store(nil, time.Minute), SMTP: true, StoreTimeout: 20 * time.Millisecond})
	resp := get(t, s, "/readyz")
	got := body(t, resp)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", resp.StatusCode)
	}
	for _, want := range []string{
		"store: not writable: database does not answer within 20ms (FAILING)",
		"outbox: figures not read: database does not answer within 20ms (FAILING)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("body lacks %q:\n%s", want, got)
		}
	}
}
