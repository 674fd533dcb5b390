package web

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"syscall"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/prometheus/client_golang/prometheus"
)

// storeErrorKinds are the kinds above, each exported from the start (at 0)
// so that increase() and rate() see the first error.
var storeErrorKinds = []string{
	klachtdesk.StoreFailureDiskFull, klachtdesk.StoreFailureReadOnly, klachtdesk.StoreFailureIO, klachtdesk.StoreFailureBusy,
	klachtdesk.StoreFailureCorrupt, klachtdesk.StoreFailureConnection, klachtdesk.StoreFailureTimeout, klachtdesk.StoreFailureOther,
}

// outcomes are the intake outcomes klachtdesk_mails_taken always reports,
// at 0 when the store has none.
var outcomes = []klachtdesk.Outcome{
	klachtdesk.OutcomeNew, klachtdesk.OutcomeReply, klachtdesk.OutcomeAutoReply,
	klachtdesk.OutcomeBounce, klachtdesk.OutcomeDuplicate, klachtdesk.OutcomeRejected,
	klachtdesk.OutcomeError,
}

// StoreError counts one failure of the store itself (disk full, read-only,
// I/O error, busy, connection lost) in klachtdesk_store_errors_total under
// kind, one of the StoreError* constants; another kind counts as
// klachtdesk.StoreFailureOther. It is the hook for the parts of the program that meet
// such failures away from HTTP (intake, the outbox worker, the store's own
// error classification), which cmd/klachtdesk wires to it; failures the
// server meets itself (readiness, metrics) are counted without it. Safe for
// concurrent use.
func (s *Server) StoreError(kind string) {
	if !slices.Contains(storeErrorKinds, kind) {
		kind = klachtdesk.StoreFailureOther
	}
	s.storeErrors.WithLabelValues(kind).Inc()
}

// storeFailed counts a failure of the store the server met itself.
func (s *Server) storeFailed(err error) { s.StoreError(storeErrorKind(err)) }

// storeErrorKind is the kind of a store failure as far as the server can
// tell from the error alone: a deadline, or an operating-system error the
// store wrapped. The store classifies its driver's codes itself and reports
// them through StoreError.
func storeErrorKind(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return klachtdesk.StoreFailureTimeout
	case errors.Is(err, syscall.ENOSPC):
		return klachtdesk.StoreFailureDiskFull
	case errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return klachtdesk.StoreFailureReadOnly
	case errors.Is(err, syscall.EIO):
		return klachtdesk.StoreFailureIO
	default:
		return klachtdesk.StoreFailureOther
	}
}

// statusCollector reads the figures an operator alerts on at scrape time:
// each mailbox's status from the server's status function, and the store's
// writability and counts through its HealthService, each call bounded by
// StoreTimeout so a stuck store cannot hang a scrape.
type statusCollector struct {
	s *Server

	mailboxLastPoll, mailboxLastTaken, mailboxInterval, mailboxFailing *prometheus.Desc

	storeWritable, storeStatusOK, quarantine, taken *prometheus.Desc

	outboxLetters, outboxOldestAge, lettersSent, smtpConfigured *prometheus.Desc
}

func newStatusCollector(s *Server) *statusCollector {
	mb := []string{"mailbox"}
	return &statusCollector{
		s: s,
		mailboxLastPoll: prometheus.NewDesc("klachtdesk_mailbox_last_poll_timestamp_seconds",
			"When the mailbox was last checked successfully (Unix time); 0 before the first check.", mb, nil),
		mailboxLastTaken: prometheus.NewDesc("klachtdesk_mailbox_last_taken_timestamp_seconds",
			"When a mail was last taken from the mailbox (Unix time); 0 before the first since the start.", mb, nil),
		mailboxInterval: prometheus.NewDesc("klachtdesk_mailbox_poll_interval_seconds",
			"How often the mailbox is checked at the latest (IDLE re-issue or polling interval).", mb, nil),
		mailboxFailing: prometheus.NewDesc("klachtdesk_mailbox_last_attempt_failed",
			"1 when the last attempt to check the mailbox failed (connection, store), else 0.", mb, nil),
		storeWritable: prometheus.NewDesc("klachtdesk_store_writable",
			"1 when the store took writes at this scrape, else 0 (read-only, disk full, locked, connection lost).", nil, nil),
		storeStatusOK: prometheus.NewDesc("klachtdesk_store_status_ok",
			"1 when the store's figures (outbox, quarantine, mails taken) were read at this scrape, else 0 and they are missing.", nil, nil),
		quarantine: prometheus.NewDesc("klachtdesk_quarantine_mails",
			"Mails in quarantine: rejected or not processable, waiting for staff.", nil, nil),
		taken: prometheus.NewDesc("klachtdesk_mails_taken",
			"Mails in the intake log, by outcome (a gauge: quarantine retry moves a mail from one outcome to another).", []string{"outcome"}, nil),
		outboxLetters: prometheus.NewDesc("klachtdesk_outbox_letters",
			"Letters in the outbox not sent, by state: queued (for delivery), waiting (for the organisation's details), failed (staff must act), held.", []string{"state"}, nil),
		outboxOldestAge: prometheus.NewDesc("klachtdesk_outbox_oldest_queued_age_seconds",
			"Age of the oldest queued letter; 0 when none is queued.", nil, nil),
		lettersSent: prometheus.NewDesc("klachtdesk_letters_sent_total",
			"Letters the SMTP server accepted, as the store counts them.", nil, nil),
		smtpConfigured: prometheus.NewDesc("klachtdesk_outbox_smtp_configured",
			"1 when an SMTP server is configured, so queued letters are expected to leave; 0 when letters wait in the outbox.", nil, nil),
	}
}

// Describe sends every metric the collector can send.
func (c *statusCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		c.mailboxLastPoll, c.mailboxLastTaken, c.mailboxInterval, c.mailboxFailing,
		c.storeWritable, c.storeStatusOK, c.quarantine, c.taken,
		c.outboxLetters, c.outboxOldestAge, c.lettersSent, c.smtpConfigured,
	} {
		ch <- d
	}
	c.s.storeErrors.Describe(ch)
}

// Collect reads the figures now, then sends the store errors counted so
// far, those met by this scrape included (the registry runs collectors in
// parallel, so a counter registered on its own might be read before).
func (c *statusCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.s
	defer s.storeErrors.Collect(ch)
	// The registry may run Collect on a goroutine of its own: a panic
	// (in the mailbox status function, say) must cost figures, not the
	// program.
	defer func() {
		if v := recover(); v != nil {
			s.logger.Error("metrics: collecting the status panicked", "panic", v)
		}
	}()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	seen := map[string]bool{}
	for _, mb := range s.mailboxes() {
		// Two series with one label value would fail the whole scrape.
		if seen[mb.Mailbox] {
			continue
		}
		seen[mb.Mailbox] = true
		gauge(c.mailboxLastPoll, unixSeconds(mb.LastPoll), mb.Mailbox)
		gauge(c.mailboxLastTaken, unixSeconds(mb.LastTaken), mb.Mailbox)
		gauge(c.mailboxInterval, mb.PollInterval.Seconds(), mb.Mailbox)
		gauge(c.mailboxFailing, boolValue(mb.LastError != ""), mb.Mailbox)
	}
	gauge(c.smtpConfigured, boolValue(s.cfg.SMTP))
	if s.cfg.Health == nil {
		gauge(c.storeWritable, 0)
		gauge(c.storeStatusOK, 0)
		return
	}

	err := c.ask(func(ctx context.Context) error { return s.cfg.Health.Writable(ctx) })
	if err != nil {
		s.storeFailed(err)
		s.logger.Warn("metrics: store not writable", "err", err)
	}
	gauge(c.storeWritable, boolValue(err == nil))

	var st *klachtdesk.StoreStatus
	err = c.ask(func(ctx context.Context) (err error) {
		st, err = s.cfg.Health.StoreStatus(ctx)
		return err
	})
	if err != nil {
		s.storeFailed(err)
		s.logger.Warn("metrics: store figures not read", "err", err)
		gauge(c.storeStatusOK, 0)
		return
	}
	gauge(c.storeStatusOK, 1)
	gauge(c.quarantine, float64(st.Quarantine))
	for _, o := range outcomes {
		gauge(c.taken, float64(st.Taken[o]), string(o))
	}
	for o, n := range st.Taken {
		if !slices.Contains(outcomes, o) {
			gauge(c.taken, float64(n), string(o))
		}
	}
	o := st.Outbox
	gauge(c.outboxLetters, float64(o.Queued), "queued")
	gauge(c.outboxLetters, float64(o.Waiting), "waiting")
	gauge(c.outboxLetters, float64(o.Failed), "failed")
	gauge(c.outboxLetters, float64(o.Held), "held")
	age := 0.0
	if !o.OldestQueued.IsZero() {
		age = max(s.cfg.Now().Sub(o.OldestQueued).Seconds(), 0)
	}
	gauge(c.outboxOldestAge, age)
	ch <- prometheus.MustNewConstMetric(c.lettersSent, prometheus.CounterValue, float64(o.Sent))
}

// ask calls the store within StoreTimeout. A panic becomes an error: the
// registry may run Collect on a goroutine of its own, where a panic would
// end the program, and a scrape must never do that.
func (c *statusCollector) ask(f func(ctx context.Context) error) (err error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.s.cfg.StoreTimeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return f(ctx)
}

// unixSeconds is t as Unix time in seconds, 0 for the zero time.
func unixSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}

// boolValue is 1 for true, 0 for false.
func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
