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

// Worker drains the outbox. It is not safe for concurrent use: one
// goroutine runs Run, Drain or DeliverDue.
//
// A permanent refusal while the relay accepted no letter lately is held,
// not recorded: when refusals of letters to several recipients carry the
// same reply, the relay is suspected (klachtdesk.SuspectRelay), one error
// is logged, the letters stay queued, and one letter at a time probes the
// relay after a growing pause until one goes through.
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

	// What the worker remembers of the relay between passes
	// (klachtdesk.SuspectRelay): when it last accepted a letter, the
	// refusals on which judgment is held, and the suspicion.
	lastAccepted time.Time
	held         []heldRefusal
	suspect      *suspicion
}

// heldRefusal is a permanent refusal whose letter stays queued until the
// worker judges it: the refusal and the error to record if it fails.
type heldRefusal struct {
	klachtdesk.Refusal
	err string
}

// suspicion is a relay suspected of refusing every letter: its reply, how
// many probes it refused since, and when the next probe is due.
type suspicion struct {
	reply     string
	probes    int
	nextProbe time.Time
}

// Stats counts what one pass did.
// Letters kept queued because the relay is suspected count as Retried.
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
			if err == nil {
				// The run is over: no more evidence about held
				// refusals will come, so they are judged now.
				n, serr := w.settle(ctx, time.Time{})
				total.Failed += n
				err = serr
			}
			return total, err
		}
	}
}

// DeliverDue claims the letters due now and tries each once. While the
// relay is suspected it tries one letter when the next probe is due, and
// none before.
func (w *Worker) DeliverDue(ctx context.Context) (Stats, error) {
	w.defaults()
	var st Stats
	n, err := w.settle(ctx, w.Now().Add(-klachtdesk.RelaySuspectWindow))
	st.Failed += n
	if err != nil {
		return st, err
	}
	limit, suspected := w.Batch, w.suspect != nil
	if suspected {
		if w.Now().Before(w.suspect.nextProbe) {
			return st, nil
		}
		limit = 1
	}
	letters, err := w.Outbox.ClaimLetters(ctx, limit, w.Lease)
	if err != nil {
		return st, fmt.Errorf("claim letters: %w", err)
	}
	for i, l := range letters {
		if err := ctx.Err(); err != nil {
			return st, err // the lease runs out and the letter falls due again
		}
		if !suspected && w.suspect != nil {
			// The relay became suspect in this pass: the rest of the
			// batch waits, untried, for the relay to be cleared.
			if err := w.release(ctx, letters[i:]); err != nil {
				return st, err
			}
			st.Retried += len(letters[i:])
			return st, nil
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
			if err := w.accepted(ctx, &st); err != nil {
				return st, err
			}
		case w.Permanent(sendErr):
			if err := w.refused(ctx, &st, log, l, sendErr); err != nil {
				return st, err
			}
		case errors.Is(sendErr, context.Canceled) && ctx.Err() != nil:
			return st, ctx.Err()
		case w.suspect == nil && w.Now().Sub(l.GiveUpFrom()) >= klachtdesk.GiveUpAfter:
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
			if w.suspect != nil {
				w.probeRefused()
			}
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

// accepted notes that the relay accepted a letter: a suspicion ends, and
// the refusals held are judged as the recipients' (the relay works).
func (w *Worker) accepted(ctx context.Context, st *Stats) error {
	w.lastAccepted = w.Now()
	if w.suspect != nil {
		w.Logger.Info("the mail relay accepts letters again: delivering the queued letters", "reply", w.suspect.reply)
		w.suspect = nil
	}
	n, err := w.settle(ctx, time.Time{})
	st.Failed += n
	return err
}

// refused handles a permanent refusal of letter l: while the relay is
// suspected the letter stays queued; after a letter the relay accepted
// within the window it fails; else judgment is held, which may make the
// relay suspect.
func (w *Worker) refused(ctx context.Context, st *Stats, log *slog.Logger, l *klachtdesk.OutgoingLetter, sendErr error) error {
	now := w.Now()
	if w.suspect != nil {
		w.probeRefused()
		if err := w.keepForRelay(ctx, l.ID, sendErr.Error(), w.suspect.nextProbe); err != nil {
			return err
		}
		st.Retried++
		log.Warn("the mail relay still refuses letters: the letter stays queued", "err", sendErr, "next_probe", w.suspect.nextProbe)
		return nil
	}
	if !w.lastAccepted.IsZero() && now.Sub(w.lastAccepted) < klachtdesk.RelaySuspectWindow {
		if err := w.Outbox.LetterFailed(ctx, l.ID, sendErr.Error()); err != nil {
			return fmt.Errorf("record letter %d failed: %w", l.ID, err)
		}
		st.Failed++
		log.Warn("letter refused permanently", "err", sendErr)
		return nil
	}
	// Held: queued, not due again before it is judged.
	next := now.Add(klachtdesk.RelaySuspectWindow + w.Lease)
	if err := w.Outbox.LetterRetry(ctx, l.ID, "refused, judgment held while the relay accepts no letter: "+sendErr.Error(), next); err != nil {
		return fmt.Errorf("record letter %d held: %w", l.ID, err)
	}
	w.held = append(w.held, heldRefusal{klachtdesk.Refusal{LetterID: l.ID, Recipient: l.To.Email, Reply: klachtdesk.RefusalReply(sendErr.Error()), At: now}, sendErr.Error()})
	reply, ok := klachtdesk.SuspectRelay(w.refusals(), now)
	if !ok {
		st.Retried++
		log.Warn("letter refused permanently: judgment held until the relay accepts a letter", "err", sendErr)
		return nil
	}
	w.suspect = &suspicion{reply: reply, nextProbe: now.Add(klachtdesk.RelayProbeDelay(1))}
	var keep []heldRefusal
	kept := 0
	for _, h := range w.held {
		if h.Reply != reply {
			keep = append(keep, h)
			continue
		}
		if err := w.keepForRelay(ctx, h.LetterID, h.err, now); err != nil {
			return err
		}
		kept++
	}
	w.held = keep
	st.Retried++
	w.Logger.Error("the mail relay refuses letters to different recipients with the same reply: suspecting the relay, not the recipients; letters stay queued",
		"reply", reply, "recipients", kept, "next_probe", w.suspect.nextProbe,
		"hint", "check the SMTP relay: does it allow relaying for our server and sender address (its own log says why), are host, port and credentials right; "+
			"the outbox tries one letter after a growing pause and delivers the rest once one goes through")
	return nil
}

// keepForRelay keeps letter id queued, due at next, because the relay is
// suspected.
func (w *Worker) keepForRelay(ctx context.Context, id int64, reason string, next time.Time) error {
	if err := w.Outbox.LetterRetry(ctx, id, klachtdesk.LetterRelaySuspected+": "+reason, next); err != nil {
		return fmt.Errorf("keep letter %d queued: %w", id, err)
	}
	return nil
}

// probeRefused notes that a probe of the suspected relay did not go
// through: the next waits longer.
func (w *Worker) probeRefused() {
	w.suspect.probes++
	w.suspect.nextProbe = w.Now().Add(klachtdesk.RelayProbeDelay(w.suspect.probes + 1))
}

// release puts claimed letters back untried, due at once.
func (w *Worker) release(ctx context.Context, letters []*klachtdesk.OutgoingLetter) error {
	for _, l := range letters {
		if err := w.keepForRelay(ctx, l.ID, "not tried", w.Now()); err != nil {
			return err
		}
	}
	return nil
}

// refusals returns the held refusals.
func (w *Worker) refusals() []klachtdesk.Refusal {
	out := make([]klachtdesk.Refusal, len(w.held))
	for i, h := range w.held {
		out[i] = h.Refusal
	}
	return out
}

// settle fails the letters of the held refusals made at or before cutoff (all
// of them when cutoff is zero), and returns how many.
func (w *Worker) settle(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	for len(w.held) > 0 && (cutoff.IsZero() || !w.held[0].At.After(cutoff)) {
		h := w.held[0]
		if err := w.Outbox.LetterFailed(ctx, h.LetterID, h.err); err != nil {
			return n, fmt.Errorf("record letter %d failed: %w", h.LetterID, err)
		}
		w.Logger.Warn("letter refused permanently", "letter", h.LetterID, "err", h.err)
		w.held = w.held[1:]
		n++
	}
	return n, nil
}
