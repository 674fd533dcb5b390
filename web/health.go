package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// Defaults of the readiness thresholds (Config fields of the same name
// override them; docs/operations.md explains the choice).
const (
	// DefaultMailboxPolls: a mailbox whose last successful poll is more
	// than this many poll intervals ago is stuck. Three allows one slow
	// and one failed poll before readiness fails.
	DefaultMailboxPolls = 3
	// DefaultMailboxMinAge is the least age of the last poll that fails
	// the check, so that a short poll interval (seconds) does not make a
	// single slow poll a failure.
	DefaultMailboxMinAge = 5 * time.Minute
	// DefaultOutboxMaxAge: with an SMTP server configured, a queued letter
	// older than this means delivery is stuck. A healthy outbox sends
	// within a minute; after an hour a letter has been tried and retried
	// six times (1, 2, 4, 8, 16 and 32 minutes apart).
	DefaultOutboxMaxAge = time.Hour
)

// check is the outcome of one named readiness check: its name
// ("store", "mailbox INBOX@imap.example", "outbox"), whether it passed,
// and a one-line detail saying what it saw and, when it failed, why.
type check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// String is the check as a line of /readyz's plain-text body.
func (c check) String() string {
	state := "ok"
	if !c.OK {
		state = "FAILING"
	}
	return fmt.Sprintf("%s: %s (%s)", c.Name, c.Detail, state)
}

// readiness is /readyz's answer: every check, ready when all passed.
type readiness struct {
	Ready  bool    `json:"ready"`
	Checks []check `json:"checks"`
}

// handleReadyz is the readiness check: the store takes writes, every
// mailbox was polled recently and the outbox is not stuck. It answers 200
// when all pass and 503 otherwise, with one line per check (or JSON with
// ?format=json).
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.StoreTimeout)
	defer cancel()
	res := s.readiness(ctx)

	status := http.StatusOK
	if !res.Ready {
		status = http.StatusServiceUnavailable
		for _, c := range res.Checks {
			if !c.OK {
				s.logger.Warn("readiness check failed", "check", c.Name, "detail", c.Detail)
			}
		}
	}
	if r.URL.Query().Get("format") == "json" {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(res)
		return
	}
	var b strings.Builder
	for _, c := range res.Checks {
		b.WriteString(c.String())
		b.WriteByte('\n')
	}
	if res.Ready {
		b.WriteString("ready\n")
	} else {
		b.WriteString("not ready\n")
	}
	writeText(w, status, b.String())
}

// readiness runs every check within ctx.
func (s *Server) readiness(ctx context.Context) readiness {
	now := s.cfg.Now()
	checks := []check{s.checkStore(ctx)}
	for _, mb := range s.mailboxes() {
		checks = append(checks, s.checkMailbox(mb, now))
	}
	checks = append(checks, s.checkOutbox(ctx, now))
	res := readiness{Ready: true, Checks: checks}
	for _, c := range checks {
		res.Ready = res.Ready && c.OK
	}
	return res
}

// mailboxes returns the status of every mailbox intake reads, none when
// the server was given no status function.
func (s *Server) mailboxes() []klachtdesk.MailboxStatus {
	if s.cfg.Mailboxes == nil {
		return nil
	}
	return s.cfg.Mailboxes()
}

// checkStore passes when the store takes writes now.
func (s *Server) checkStore(ctx context.Context) check {
	c := check{Name: "store"}
	if s.cfg.Health == nil {
		c.Detail = "database not configured"
		return c
	}
	if err := s.cfg.Health.Writable(ctx); err != nil {
		s.storeFailed(err)
		c.Detail = "not writable: " + s.storeProblem(err)
		return c
	}
	c.OK, c.Detail = true, "writable"
	return c
}

// checkMailbox passes when the mailbox was polled successfully within its
// limit (MailboxPolls poll intervals, at least MailboxMinAge), or has not
// been polled yet but the server started less than that limit ago.
func (s *Server) checkMailbox(mb klachtdesk.MailboxStatus, now time.Time) check {
	c := check{Name: "mailbox " + oneLine(mb.Mailbox, 200)}
	limit := max(time.Duration(s.cfg.MailboxPolls)*mb.PollInterval, s.cfg.MailboxMinAge)
	var parts []string
	if mb.LastPoll.IsZero() {
		since := now.Sub(s.started)
		c.OK = since <= limit
		if c.OK {
			parts = append(parts, "not polled yet, started "+ago(since))
		} else {
			parts = append(parts, fmt.Sprintf("never polled since the start %s, limit %s: intake is stuck", ago(since), short(limit)))
		}
	} else {
		age := now.Sub(mb.LastPoll)
		c.OK = age <= limit
		if c.OK {
			parts = append(parts, "last poll "+ago(age))
		} else {
			parts = append(parts, fmt.Sprintf("last poll %s, limit %s: intake is stuck", ago(age), short(limit)))
		}
	}
	if !mb.LastTaken.IsZero() {
		parts = append(parts, "last mail taken "+ago(now.Sub(mb.LastTaken)))
	}
	if mb.LastError != "" {
		parts = append(parts, "last error: "+oneLine(mb.LastError, 300))
	}
	c.Detail = strings.Join(parts, "; ")
	return c
}

// checkOutbox passes unless an SMTP server is configured and the oldest
// queued letter is older than OutboxMaxAge, or the outbox's figures cannot
// be read while an SMTP server is configured. Letters waiting for the
// organisation's details and failed letters are named but fail nothing:
// they wait for staff, not for delivery.
func (s *Server) checkOutbox(ctx context.Context, now time.Time) check {
	c := check{Name: "outbox"}
	if s.cfg.Health == nil {
		c.OK = !s.cfg.SMTP
		c.Detail = "figures not read: database not configured"
		return c
	}
	st, err := s.cfg.Health.StoreStatus(ctx)
	if err != nil {
		s.storeFailed(err)
		// Without SMTP nothing can be stuck; the store check says
		// whether the store itself is at fault.
		c.OK = !s.cfg.SMTP
		c.Detail = "figures not read: " + s.storeProblem(err)
		return c
	}
	o := st.Outbox
	var parts []string
	switch {
	case o.Queued == 0:
		parts = append(parts, "none queued")
		c.OK = true
	case !s.cfg.SMTP:
		parts = append(parts, fmt.Sprintf("%d queued, no SMTP server configured: letters wait", o.Queued))
		c.OK = true
	case o.OldestQueued.IsZero():
		parts = append(parts, fmt.Sprintf("%d queued", o.Queued))
		c.OK = true
	default:
		age := now.Sub(o.OldestQueued)
		c.OK = age <= s.cfg.OutboxMaxAge
		if c.OK {
			parts = append(parts, fmt.Sprintf("%d queued, oldest %s", o.Queued, short(age)))
		} else {
			parts = append(parts, fmt.Sprintf("%d queued, oldest %s, limit %s: delivery is stuck", o.Queued, short(age), short(s.cfg.OutboxMaxAge)))
		}
	}
	if o.Waiting > 0 {
		parts = append(parts, fmt.Sprintf("%d waiting for the organisation's details (klachtdesk settings set org.complaint_email …)", o.Waiting))
	}
	if o.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed: staff must act", o.Failed))
	}
	c.Detail = strings.Join(parts, "; ")
	return c
}

// storeProblem says why the store did not answer, without the internals
// of an unexpected error (a file path, a query), which go to the log.
func (s *Server) storeProblem(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("database does not answer within %s", short(s.cfg.StoreTimeout))
	case klachtdesk.ErrorCode(err) != klachtdesk.EINTERNAL:
		return "database unavailable: " + oneLine(klachtdesk.ErrorMessage(err), 300)
	default:
		s.logger.Warn("store check failed", "err", err)
		return "database unavailable"
	}
}

// ago is how long ago d was, as a short duration: "3m ago".
func ago(d time.Duration) string { return short(d) + " ago" }

// short is d rounded for a person: milliseconds below a second, seconds
// below a minute, minutes below
// an hour, hours and minutes below two days, else days and hours.
func short(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Second:
		return fmt.Sprintf("%dms", int(d/time.Millisecond))
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	default:
		return fmt.Sprintf("%dd%dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
	}
}

// oneLine keeps s on one line of at most n bytes, for a check's detail.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}
