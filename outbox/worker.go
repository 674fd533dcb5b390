// Package outbox delivers the letters in the durable outbox.
//
// Delivery is at least once: a letter is marked sent only after the SMTP
// server accepted it, so a crash between the two sends it again, with the
// same Message-ID, which lets receivers discard the copy (docs/outbox.md).
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// SendFunc delivers one letter.
type SendFunc func(ctx context.Context, l *klachtdesk.OutgoingLetter) error

// Worker drains the outbox.
type Worker struct {
	Outbox klachtdesk.OutboxService
	Send   SendFunc
	// Permanent reports whether a send error means the letter can never
	// be delivered as addressed; everything else is retried.
	Permanent func(error) bool
	// ConfigProblem reports a send error caused by our own mail settings
	// (authentication, TLS): retried, and logged as an error for the
	// operator. May be nil.
	ConfigProblem func(error) bool
	Logger        *slog.Logger

	Interval time.Duration // between polls of an empty outbox (default 5 s)
	Lease    time.Duration // how long a claimed letter is ours (default 5 min)
	Batch    int           // letters claimed at once (default 10)
	Now      func() time.Time
	Jitter   func() float64 // in [0,1) (default math/rand/v2)
	// Wake, when not nil, ends the wait between polls early: send on it
	// when a letter was queued.
	Wake <-chan struct{}
}

// Stats counts what one pass did.
type Stats struct{ Sent, Retried, Failed int }

// Run delivers due letters until ctx ends. A failing outbox (the database
// is unavailable) is logged and retried on the next poll.
func (w *Worker) Run(ctx context.Context) error {
	w.defaults()
	for {
		st, err := w.DeliverDue(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			w.Logger.Error("outbox", "err", err)
		}
		if st.Sent+st.Retried+st.Failed > 0 && err == nil {
			continue // more may be due
		}
		t := time.NewTimer(w.Interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-w.Wake:
			t.Stop()
		case <-t.C:
		}
	}
}

func (w *Worker) defaults() {
	if w.Interval <= 0 {
		w.Interval = 5 * time.Second
	}
	if w.Lease <= 0 {
		w.Lease = 5 * time.Minute
	}
	if w.Batch <= 0 {
		w.Batch = 10
	}
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Jitter == nil {
		w.Jitter = rand.Float64
	}
	if w.Logger == nil {
		w.Logger = slog.New(slog.DiscardHandler)
	}
	if w.Permanent == nil {
		w.Permanent = func(error) bool { return false }
	}
}

// Drain delivers until no letter is due any more (a letter retried later
// is not due), and returns what it did in all: deliver --once.
func (w *Worker) Drain(ctx context.Context) (Stats, error) {
	var total Stats
	for {
		st, err := w.DeliverDue(ctx)
		total.Sent, total.Retried, total.Failed = total.Sent+st.Sent, total.Retried+st.Retried, total.Failed+st.Failed
		if err != nil || st.Sent+st.Retried+st.Failed == 0 {
			return total, err
		}
	}
}

// DeliverDue claims the letters due now and tries each once.
func (w *Worker) DeliverDue(ctx context.Context) (Stats, error) {
	w.defaults()
	var st Stats
	letters, err := w.Outbox.ClaimLetters(ctx, w.Batch, w.Lease)
	if err != nil {
		return st, fmt.Errorf("claim letters: %w", err)
	}
	for _, l := range letters {
		if err := ctx.Err(); err != nil {
			return st, err // the lease runs out and the letter falls due again
		}
		sctx, cancel := context.WithTimeout(ctx, w.Lease/2)
		sendErr := w.Send(sctx, l)
		cancel()
		log := w.Logger.With("reference", l.Reference, "letter", l.ID, "kind", l.Kind, "attempt", l.Attempts)
		switch {
		case sendErr == nil:
			if err := w.Outbox.LetterSent(ctx, l.ID); err != nil {
				return st, fmt.Errorf("record letter %d sent: %w", l.ID, err)
			}
			st.Sent++
			log.Info("letter sent")
		case w.Permanent(sendErr):
			if err := w.Outbox.LetterFailed(ctx, l.ID, sendErr.Error()); err != nil {
				return st, fmt.Errorf("record letter %d failed: %w", l.ID, err)
			}
			st.Failed++
			log.Warn("letter refused permanently", "err", sendErr)
		case errors.Is(sendErr, context.Canceled) && ctx.Err() != nil:
			return st, ctx.Err()
		case w.Now().Sub(l.CreatedAt) >= klachtdesk.GiveUpAfter:
			reason := fmt.Sprintf("not delivered within %s: %v", klachtdesk.GiveUpAfter, sendErr)
			if err := w.Outbox.LetterFailed(ctx, l.ID, reason); err != nil {
				return st, fmt.Errorf("record letter %d failed: %w", l.ID, err)
			}
			st.Failed++
			log.Warn("letter given up", "err", sendErr)
		default:
			next := w.Now().Add(klachtdesk.RetryDelay(l.Attempts, w.Jitter()))
			if err := w.Outbox.LetterRetry(ctx, l.ID, sendErr.Error(), next); err != nil {
				return st, fmt.Errorf("record letter %d retry: %w", l.ID, err)
			}
			st.Retried++
			level := slog.LevelWarn
			if w.ConfigProblem != nil && w.ConfigProblem(sendErr) {
				level = slog.LevelError
				log = log.With("hint", "check the SMTP settings (address, TLS, user name and password)")
			}
			log.Log(ctx, level, "letter not delivered, will retry", "err", sendErr, "next", next)
		}
	}
	return st, nil
}
