// Package intake brings received mail into Klachtdesk: from files (.eml,
// .mbox, Maildir) and from IMAP mailboxes. Every mail is parsed, then handed
// to the store, which registers it durably before the source is told it was
// taken.
package intake

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/mailparse"
)

// Item is one mail read from a source.
type Item struct {
	Source string
	// ReceivedAt is when the mail arrived, if the source knows (IMAP's
	// INTERNALDATE); zero lets intake take the mail's Date header or, when
	// that is missing or lies in the future, the time of intake.
	ReceivedAt time.Time
	Raw        []byte
	// Err is a mail the source could not read (too large, unreadable); it
	// is reported with outcome error and not taken.
	Err error
}

// Result is what became of one item.
type Result struct {
	Source    string             `json:"source"`
	Outcome   klachtdesk.Outcome `json:"outcome"`
	Reference string             `json:"reference,omitempty"`
	Reason    string             `json:"reason,omitempty"`
	// Unverified marks a reply matched on the subject reference alone.
	Unverified bool `json:"unverified,omitempty"`
	// Taken is set when the mail is durably stored (registered, recorded
	// or quarantined): its source may let go of it.
	Taken bool `json:"-"`
}

// Pipeline parses mails concurrently and takes them in batches, in the
// order the source gave them, so that a reply later in an mbox finds the
// complaint registered earlier in it.
type Pipeline struct {
	Store klachtdesk.IntakeService
	// Batch is the number of mails per transaction (default 1: each mail
	// is durable before the next is read).
	Batch int
	// Workers is the number of concurrent parsers (default GOMAXPROCS).
	Workers int
	Parse   mailparse.Options
	// Prestore, when set, is called by the parsing workers with each
	// parsed mail, to write its large contents beside the one database
	// writer (sqldb.IntakeService.StoreLarge). An error is left for the
	// store to meet again when it takes the mail.
	Prestore func(klachtdesk.IncomingMail) error
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Run reads items until the channel closes or ctx ends, and calls report
// with each result, in source order, once it is durable. It stops at the
// first error the store cannot attribute to a single mail (the database is
// unavailable): the mails not yet reported were not taken.
func (p *Pipeline) Run(ctx context.Context, items <-chan Item, report func(Result)) error {
	workers := p.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	batchSize := max(p.Batch, 1)
	now := p.Now
	if now == nil {
		now = time.Now
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type job struct {
		seq  int
		item Item
		mail *klachtdesk.InboundMail
		done chan struct{}
	}
	jobs := make(chan *job)
	ordered := make(chan *job, max(workers*4, batchSize*2))
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				if j.item.Err == nil {
					j.mail = mailparse.Parse(j.item.Raw, p.Parse)
					if p.Prestore != nil {
						_ = p.Prestore(klachtdesk.IncomingMail{Source: j.item.Source, Raw: j.item.Raw, Mail: j.mail})
					}
				}
				close(j.done)
			}
		})
	}
	// The feeder hands items to the parsers and, in the same order, to the
	// committer, which waits for each to be parsed.
	go func() {
		defer close(ordered)
		defer close(jobs)
		seq := 0
		for {
			select {
			case <-ctx.Done():
				return
			case it, ok := <-items:
				if !ok {
					return
				}
				j := &job{seq: seq, item: it, done: make(chan struct{})}
				seq++
				select {
				case ordered <- j:
				case <-ctx.Done():
					return
				}
				select {
				case jobs <- j:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	defer wg.Wait()

	var batch []*job
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		in := make([]klachtdesk.IncomingMail, 0, len(batch))
		var take []*job
		for _, j := range batch {
			if j.item.Err != nil {
				report(Result{Source: j.item.Source, Outcome: klachtdesk.OutcomeError, Reason: j.item.Err.Error()})
				continue
			}
			in = append(in, klachtdesk.IncomingMail{Source: j.item.Source, ReceivedAt: arrival(j.item, j.mail, now()), Raw: j.item.Raw, Mail: j.mail})
			take = append(take, j)
		}
		batch = batch[:0]
		rs, kept, err := p.take(ctx, in)
		if err != nil {
			return err
		}
		for i, r := range rs {
			report(Result{Source: take[i].item.Source, Outcome: r.Outcome, Reference: r.Reference, Reason: r.Reason,
				Unverified: r.Unverified, Taken: kept[i]})
		}
		return nil
	}
	// A batch is cut when full, or when the source has nothing more for
	// a moment (Linger): a slow source never holds taken mail back
	// unreported, and a fast one fills its batches.
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	defer linger.Stop()
	for {
		var j *job
		select {
		case next, ok := <-ordered:
			if !ok {
				if err := flush(); err != nil {
					return err
				}
				return ctx.Err()
			}
			j = next
		case <-linger.C:
			if err := flush(); err != nil {
				cancel()
				return err
			}
			continue
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case <-j.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		batch = append(batch, j)
		if len(batch) >= batchSize {
			linger.Stop()
			if err := flush(); err != nil {
				cancel()
				return err
			}
		} else if len(batch) == 1 {
			linger.Reset(lingerFor)
		}
	}
}

// lingerFor is how long a partly filled batch waits for more mail.
const lingerFor = 20 * time.Millisecond

// take registers a batch. When the batch is refused because of one mail
// (a domain error, not an unavailable database), the mails are taken one by
// one and a mail that is refused on its own is quarantined with the reason.
// kept[i] is false for a mail that could not even be quarantined.
func (p *Pipeline) take(ctx context.Context, in []klachtdesk.IncomingMail) (rs []*klachtdesk.IntakeResult, kept []bool, err error) {
	kept = make([]bool, len(in))
	if len(in) == 0 {
		return nil, kept, nil
	}
	rs, err = p.Store.TakeMails(ctx, in)
	if err == nil {
		for i := range kept {
			kept[i] = true
		}
		return rs, kept, nil
	}
	if fatal := storeFailed(ctx, err); fatal != nil {
		return nil, nil, fatal
	}
	rs = make([]*klachtdesk.IntakeResult, len(in))
	for i, m := range in {
		r, err := p.Store.TakeMails(ctx, in[i:i+1])
		if err == nil {
			rs[i], kept[i] = r[0], true
			continue
		}
		if fatal := storeFailed(ctx, err); fatal != nil {
			return nil, nil, fatal
		}
		reason := klachtdesk.ErrorMessage(err)
		if qerr := p.Store.Quarantine(ctx, m, reason); qerr != nil {
			if fatal := storeFailed(ctx, qerr); fatal != nil {
				return nil, nil, fatal
			}
			rs[i] = &klachtdesk.IntakeResult{Outcome: klachtdesk.OutcomeError, Reason: fmt.Sprintf("%s; not quarantined: %s", reason, klachtdesk.ErrorMessage(qerr))}
			continue
		}
		rs[i], kept[i] = &klachtdesk.IntakeResult{Outcome: klachtdesk.OutcomeError, Reason: "quarantined: " + reason}, true
	}
	return rs, kept, nil
}

// storeFailed returns err when it means the store itself failed (so that
// nothing more can be taken: EUNAVAILABLE, or an error it could not
// classify), nil when a single mail was refused.
func storeFailed(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	switch klachtdesk.ErrorCode(err) {
	case klachtdesk.EINTERNAL, klachtdesk.EUNAVAILABLE:
		return err
	}
	return nil
}

// arrival is when a mail counts as received, by the domain's rule
// (klachtdesk.MailReceivedAt): the source's own arrival time, else the Date
// header, else now.
func arrival(it Item, m *klachtdesk.InboundMail, now time.Time) time.Time {
	var date time.Time
	if m != nil {
		date = m.Date
	}
	return klachtdesk.MailReceivedAt(it.ReceivedAt, date, now)
}
