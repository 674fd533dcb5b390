package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/mock"
	"github.com/klachtdesk/klachtdesk/web"
)

// scrape returns the samples of /metrics: the series (name and labels, as
// the text format writes them) and its value.
func scrape(t *testing.T, s http.Handler) map[string]float64 {
	t.Helper()
	resp := get(t, s, "/metrics")
	text := body(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics = %d\n%s", resp.StatusCode, text)
	}
	samples := map[string]float64{}
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		samples[line[:i]] = v
	}
	return samples
}

// wantSamples checks that every series in want has its value.
func wantSamples(t *testing.T, got map[string]float64, want map[string]float64) {
	t.Helper()
	for series, v := range want {
		g, ok := got[series]
		if !ok {
			t.Errorf("no sample %s", series)
		} else if g != v {
			t.Errorf("%s = %v, want %v", series, g, v)
		}
	}
}

// noSamples checks that no series starts with one of the names.
func noSamples(t *testing.T, got map[string]float64, names ...string) {
	t.Helper()
	for series := range got {
		for _, name := range names {
			if strings.HasPrefix(series, name) {
				t.Errorf("unexpected sample %s", series)
			}
		}
	}
}

func TestMetricsStatus(t *testing.T) {
	st := klachtdesk.StoreStatus{
		Outbox: klachtdesk.OutboxStatus{
			Queued: 12, Waiting: 3, Failed: 2, Held: 1, Sent: 30,
			OldestQueued: now.Add(-4 * time.Minute),
		},
		Quarantine: 4,
		Taken:      map[klachtdesk.Outcome]int{klachtdesk.OutcomeNew: 10, klachtdesk.OutcomeReply: 5, klachtdesk.OutcomeError: 4},
	}
	s := web.NewServer(web.Config{
		Health: status(st),
		Mailboxes: func() []klachtdesk.MailboxStatus {
			return []klachtdesk.MailboxStatus{
				{Mailbox: "INBOX@imap.example", PollInterval: time.Minute, LastPoll: now.Add(-3 * time.Minute), LastTaken: now.Add(-time.Hour)},
				{Mailbox: "klachten@imap.example", PollInterval: 29 * time.Minute, LastError: "connection refused"},
			}
		},
		SMTP: true,
		Now:  func() time.Time { return now },
	})
	unix := func(t time.Time) float64 { return float64(t.Unix()) }
	wantSamples(t, scrape(t, s), map[string]float64{
		`klachtdesk_mailbox_last_poll_timestamp_seconds{mailbox="INBOX@imap.example"}`:     unix(now.Add(-3 * time.Minute)),
		`klachtdesk_mailbox_last_taken_timestamp_seconds{mailbox="INBOX@imap.example"}`:    unix(now.Add(-time.Hour)),
		`klachtdesk_mailbox_poll_interval_seconds{mailbox="INBOX@imap.example"}`:           60,
		`klachtdesk_mailbox_last_attempt_failed{mailbox="INBOX@imap.example"}`:             0,
		`klachtdesk_mailbox_last_poll_timestamp_seconds{mailbox="klachten@imap.example"}`:  0,
		`klachtdesk_mailbox_last_taken_timestamp_seconds{mailbox="klachten@imap.example"}`: 0,
		`klachtdesk_mailbox_poll_interval_seconds{mailbox="klachten@imap.example"}`:        29 * 60,
		`klachtdesk_mailbox_last_attempt_failed{mailbox="klachten@imap.example"}`:          1,

		`klachtdesk_store_writable`:                       1,
		`klachtdesk_store_status_ok`:                      1,
		`klachtdesk_quarantine_mails`:                     4,
		`klachtdesk_mails_taken{outcome="new"}`:           10,
		`klachtdesk_mails_taken{outcome="reply"}`:         5,
		`klachtdesk_mails_taken{outcome="error"}`:         4,
		`klachtdesk_mails_taken{outcome="bounce"}`:        0,
		`klachtdesk_mails_taken{outcome="rejected"}`:      0,
		`klachtdesk_outbox_letters{state="queued"}`:       12,
		`klachtdesk_outbox_letters{state="waiting"}`:      3,
		`klachtdesk_outbox_letters{state="failed"}`:       2,
		`klachtdesk_outbox_letters{state="held"}`:         1,
		`klachtdesk_outbox_oldest_queued_age_seconds`:     240,
		`klachtdesk_letters_sent_total`:                   30,
		`klachtdesk_outbox_smtp_configured`:               1,
		`klachtdesk_store_errors_total{kind="disk_full"}`: 0,
		`klachtdesk_store_errors_total{kind="other"}`:     0,
	})
}

// TestMetricsStoreFailing: a store that takes no writes and whose figures
// cannot be read still gives a scrape, which says so, counts the errors by
// kind and leaves the figures out rather than report zeros; once the fault
// is gone the figures are back.
func TestMetricsStoreFailing(t *testing.T) {
	// The kind of disk-full error a blob write wraps.
	var fault error = fmt.Errorf("store blob: %w", &os.PathError{Op: "write", Path: "/data/blobs/ab/cd", Err: syscall.ENOSPC})
	s := web.NewServer(web.Config{
		Health: &mock.HealthService{
			WritableFn: func(context.Context) error { return fault },
			StoreStatusFn: func(ctx context.Context) (*klachtdesk.StoreStatus, error) {
				if fault != nil {
					<-ctx.Done() // the figures do not come: the store hangs
					return nil, fmt.Errorf("count outbox: %w", ctx.Err())
				}
				return &klachtdesk.StoreStatus{Quarantine: 1}, nil
			},
		},
		StoreTimeout: 20 * time.Millisecond,
		Now:          func() time.Time { return now },
	})
	got := scrape(t, s)
	wantSamples(t, got, map[string]float64{
		`klachtdesk_store_writable`:                       0,
		`klachtdesk_store_status_ok`:                      0,
		`klachtdesk_outbox_smtp_configured`:               0,
		`klachtdesk_store_errors_total{kind="disk_full"}`: 1,
		`klachtdesk_store_errors_total{kind="timeout"}`:   1,
	})
	noSamples(t, got, "klachtdesk_quarantine_mails", "klachtdesk_outbox_letters", "klachtdesk_mails_taken", "klachtdesk_letters_sent_total")

	// /readyz meets the same failures and counts them too.
	if resp := get(t, s, "/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d, want 503", resp.StatusCode)
	}
	wantSamples(t, scrape(t, s), map[string]float64{
		`klachtdesk_store_errors_total{kind="disk_full"}`: 3,
		`klachtdesk_store_errors_total{kind="timeout"}`:   3,
	})

	fault = nil
	got = scrape(t, s)
	wantSamples(t, got, map[string]float64{
		`klachtdesk_store_writable`:                       1,
		`klachtdesk_store_status_ok`:                      1,
		`klachtdesk_quarantine_mails`:                     1,
		`klachtdesk_outbox_oldest_queued_age_seconds`:     0,
		`klachtdesk_store_errors_total{kind="disk_full"}`: 3,
		`klachtdesk_store_errors_total{kind="timeout"}`:   3,
	})
}

func TestMetricsStoreNotConfigured(t *testing.T) {
	got := scrape(t, web.NewServer(web.Config{}))
	wantSamples(t, got, map[string]float64{
		`klachtdesk_store_writable`:  0,
		`klachtdesk_store_status_ok`: 0,
	})
	noSamples(t, got, "klachtdesk_mailbox_", "klachtdesk_quarantine_mails")
}

// TestMetricsStorePanics: a store that panics does not take the scrape
// (or the program) down with it.
func TestMetricsStorePanics(t *testing.T) {
	s := server(&mock.HealthService{
		WritableFn:    func(context.Context) error { panic("bug in the store") },
		StoreStatusFn: func(context.Context) (*klachtdesk.StoreStatus, error) { panic("bug in the store") },
	})
	wantSamples(t, scrape(t, s), map[string]float64{
		`klachtdesk_store_writable`:                   0,
		`klachtdesk_store_status_ok`:                  0,
		`klachtdesk_store_errors_total{kind="other"}`: 2,
	})
}

func TestStoreError(t *testing.T) {
	s := server(store(nil, 0))
	s.StoreError(klachtdesk.StoreFailureDiskFull)
	s.StoreError(klachtdesk.StoreFailureDiskFull)
	s.StoreError(klachtdesk.StoreFailureBusy)
	s.StoreError("made up by a caller") // kept out of the label's values
	got := scrape(t, s)
	wantSamples(t, got, map[string]float64{
		`klachtdesk_store_errors_total{kind="disk_full"}`:  2,
		`klachtdesk_store_errors_total{kind="busy"}`:       1,
		`klachtdesk_store_errors_total{kind="other"}`:      1,
		`klachtdesk_store_errors_total{kind="read_only"}`:  0,
		`klachtdesk_store_errors_total{kind="io"}`:         0,
		`klachtdesk_store_errors_total{kind="corrupt"}`:    0,
		`klachtdesk_store_errors_total{kind="connection"}`: 0,
		`klachtdesk_store_errors_total{kind="timeout"}`:    0,
	})
	noSamples(t, got, `klachtdesk_store_errors_total{kind="made`)
}

// TestMetricsDocumented: every metric the README's rules and
// docs/operations.md name is one the server exports, and every metric of
// Klachtdesk's own is documented.
func TestMetricsDocumented(t *testing.T) {
	s := web.NewServer(web.Config{
		Health:    status(klachtdesk.StoreStatus{}),
		Mailboxes: func() []klachtdesk.MailboxStatus { return []klachtdesk.MailboxStatus{inbox(now)} },
	})
	get(t, s, "/healthz") // the request metrics appear with the first request
	exported := map[string]bool{}
	for line := range strings.Lines(body(t, get(t, s, "/metrics"))) {
		if f := strings.Fields(line); len(f) == 4 && f[1] == "TYPE" && strings.HasPrefix(f[2], "klachtdesk_") {
			exported[f[2]] = true
		}
	}
	name := regexp.MustCompile(`klachtdesk_[a-z_]+[a-z]`)
	operations := ""
	for _, doc := range []string{"../README.md", "../docs/operations.md"} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(doc, "operations.md") {
			operations = string(b)
		}
		for _, n := range name.FindAllString(string(b), -1) {
			if !exported[n] {
				t.Errorf("%s names %s, which /metrics does not export", doc, n)
			}
		}
	}
	for n := range exported {
		if !strings.Contains(operations, "`"+n+"`") {
			t.Errorf("docs/operations.md does not document %s", n)
		}
	}
}

// TestMetricsMailboxFaults: a mailbox status function that panics, or names
// one mailbox twice, costs figures but never the scrape.
func TestMetricsMailboxFaults(t *testing.T) {
	twice := web.NewServer(web.Config{
		Health: status(klachtdesk.StoreStatus{}),
		Mailboxes: func() []klachtdesk.MailboxStatus {
			return []klachtdesk.MailboxStatus{inbox(now), inbox(now.Add(-time.Hour))}
		},
	})
	wantSamples(t, scrape(t, twice), map[string]float64{
		`klachtdesk_mailbox_last_poll_timestamp_seconds{mailbox="INBOX@imap.example"}`: float64(now.Unix()),
		`klachtdesk_store_writable`: 1,
	})

	panics := web.NewServer(web.Config{
		Health:    status(klachtdesk.StoreStatus{}),
		Mailboxes: func() []klachtdesk.MailboxStatus { panic("bug in intake") },
	})
	got := scrape(t, panics)
	wantSamples(t, got, map[string]float64{`klachtdesk_store_errors_total{kind="other"}`: 0})
	noSamples(t, got, "klachtdesk_mailbox_")
}
