package demo

import (
	"fmt"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// Times of steps.

// office returns a time during office hours on date.
func (g *generator) office(date klachtdesk.Date) time.Time {
	minute := 8*60 + 30 + g.rnd.IntN(8*60+30)
	return time.Date(date.Year, date.Month, date.Day, minute/60, minute%60, g.rnd.IntN(60), 0, g.loc)
}

// workday returns date, or the next working day after it.
func (g *generator) workday(date klachtdesk.Date) klachtdesk.Date {
	for !g.cal.IsWorkingDay(date) {
		date = date.AddDays(1)
	}
	return date
}

// localDate is the organisation's date of t.
func (g *generator) localDate(t time.Time) klachtdesk.Date { return klachtdesk.DateOf(t, g.loc) }

// today is the simulated date.
func (g *generator) today() klachtdesk.Date { return g.localDate(g.clock.Now()) }

// days returns a step time lo to hi days after prev, during office hours on
// a working day.
func (g *generator) days(lo, hi int) func(d *journey, prev time.Time) time.Time {
	return func(d *journey, prev time.Time) time.Time {
		return g.office(g.workday(g.localDate(prev).AddDays(lo + g.rnd.IntN(hi-lo+1))))
	}
}

// onDate returns a step time during office hours on the working day on or
// after the date date returns.
func (g *generator) onDate(date func(d *journey) klachtdesk.Date, lo, hi int) func(d *journey, prev time.Time) time.Time {
	return func(d *journey, prev time.Time) time.Time {
		return g.office(g.workday(date(d).AddDays(lo + g.rnd.IntN(hi-lo+1))))
	}
}

// between returns a step time on a working day from the day after prev up to
// last, or right after prev when that window is closed.
func (g *generator) between(last func(d *journey) klachtdesk.Date) func(d *journey, prev time.Time) time.Time {
	return func(d *journey, prev time.Time) time.Time {
		first := g.localDate(prev).AddDays(1)
		end := last(d)
		if end.Before(first) {
			return g.office(g.workday(first))
		}
		day := first.AddDays(g.rnd.IntN(first.DaysUntil(end) + 1))
		if !g.cal.IsWorkingDay(day) {
			day = g.cal.WorkingDayOnOrBefore(day)
			if day.Before(first) {
				day = g.workday(first)
			}
		}
		return g.office(day)
	}
}

// Steps.

// acknowledge sends M1, which goes out at once on registration.
func (g *generator) acknowledge() step {
	return step{when: func(d *journey, prev time.Time) time.Time {
		return prev.Add(time.Duration(1+g.rnd.IntN(20)) * time.Minute)
	}, act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.Acknowledge{}, nil
	}}
}

func (g *generator) assign() step {
	return step{when: g.days(0, 1), act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.Assign{HandlerID: d.handler.ID}, g.lead
	}}
}

func (g *generator) startTreatment() step {
	return step{when: g.days(0, 2), act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.StartTreatment{}, d.handler
	}}
}

func (g *generator) requestInfo() step {
	return step{when: g.days(1, 3), act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.RequestInfo{Question: pick(g, fragmentsIn[d.n.Complainant.Language].questions)}, d.handler
	}}
}

func (g *generator) receiveInfo() step {
	return step{when: g.days(2, 6), act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.ReceiveInfo{}, d.handler
	}}
}

// extend announces an extension a few days before answer_due, never after
// it (the rule refuses a late extension).
func (g *generator) extend() step {
	return step{
		when: g.between(func(d *journey) klachtdesk.Date { return d.c.AnswerDue.Date.AddDays(-1) }),
		act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
			due := d.c.AnswerDue.Date
			if g.today().After(due) || d.c.Extended {
				return nil, nil
			}
			x := klachtdesk.Extension{Reason: pick(g, fragmentsIn[d.n.Complainant.Language].extensionWhy)}
			if span := g.settings.ExtensionMaxDays - 6; span > 0 {
				x.Promised = due.AddDays(7 + g.rnd.IntN(span))
			}
			if d.consent || x.Promised.IsZero() {
				// With the complainant's recorded consent the promised date
				// may lie beyond the usual limit.
				x.Consent = true
				x.Promised = due.AddDays(g.settings.ExtensionMaxDays + 3 + g.rnd.IntN(14))
			}
			return klachtdesk.Extend{Extension: x}, d.handler
		},
	}
}

// escalate is the deadline job flagging a complaint near its act_by.
func (g *generator) escalate() step {
	return step{
		when: g.onDate(func(d *journey) klachtdesk.Date {
			return klachtdesk.EscalateOn(d.c.ActBy.Date, g.settings, g.cal)
		}, 0, 0),
		act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
			switch d.c.State {
			case klachtdesk.StateReceived, klachtdesk.StateAcknowledged, klachtdesk.StateInTreatment, klachtdesk.StateAwaitingInfo:
				if !d.c.Escalated && !d.c.Extended {
					return klachtdesk.Escalate{}, nil
				}
			}
			return nil, nil
		},
	}
}

// decide answers on time (before act_by, or the promised date when
// extended), or late after an escalation.
func (g *generator) decide(late bool) step {
	when := g.between(func(d *journey) klachtdesk.Date {
		if d.c.Extended {
			return d.c.PromisedDate.Date.AddDays(-1)
		}
		return d.c.ActBy.Date
	})
	if late {
		when = g.onDate(func(d *journey) klachtdesk.Date { return d.c.ActBy.Date }, 3, 12)
	}
	return step{when: when, act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
		texts := fragmentsIn[d.n.Complainant.Language]
		finding := pick(g, []klachtdesk.Finding{klachtdesk.FindingFounded, klachtdesk.FindingFounded,
			klachtdesk.FindingPartlyFounded, klachtdesk.FindingPartlyFounded, klachtdesk.FindingUnfounded})
		fill := g.filler(d.n.Complainant.Language, g.today(), "")
		dec := klachtdesk.Decision{Finding: finding, Motivation: pick(g, texts.motivations[finding])}
		if finding != klachtdesk.FindingUnfounded {
			types := []string{"apology", "compensation", "service_credit", "process_change"}
			if d.n.Kind == klachtdesk.KindProduct {
				types = []string{"repair", "replacement", "refund", "compensation"}
			}
			dec.SettlementType = pick(g, types)
			dec.Settlement = fill(pick(g, texts.settlements[dec.SettlementType]))
		}
		return klachtdesk.Decide{Decision: dec}, d.handler
	}}
}

func (g *generator) closeAccepted() step {
	return step{when: g.days(1, 10), act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.Close{Reason: klachtdesk.CloseAccepted, Detail: pick(g, fragmentsIn[d.n.Complainant.Language].acceptedNotes)}, d.handler
	}}
}

// closeNoResponse is the deadline job closing after the reaction term.
func (g *generator) closeNoResponse() step {
	return step{
		when: g.onDate(func(d *journey) klachtdesk.Date { return d.c.ReactionDue.Date }, 1, 4),
		act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
			return klachtdesk.Close{Reason: klachtdesk.CloseNoResponse}, nil
		},
	}
}

func (g *generator) reopen() step {
	return step{when: g.days(2, 8), act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
		a := klachtdesk.Reopen{Reason: pick(g, fragmentsIn[d.n.Complainant.Language].reopenReasons)}
		if d.reviewer != nil {
			a.ReviewerID = d.reviewer.ID
			d.handler = d.reviewer
		}
		return a, g.lead
	}}
}

func (g *generator) refer() step {
	return step{when: g.days(0, 2), act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
		a := klachtdesk.Refer{}
		if g.chance(0.5) {
			a.ExternalRef = fmt.Sprintf("ICTW-%d-%04d", g.today().Year, 100+g.rnd.IntN(9000))
		}
		return a, d.handler
	}}
}

func (g *generator) closeExternal() step {
	return step{when: g.days(30, 150), act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
		fill := g.filler(d.n.Complainant.Language, g.today(), "")
		return klachtdesk.Close{Reason: klachtdesk.CloseExternalOutcome, Detail: fill(pick(g, fragmentsIn[d.n.Complainant.Language].externalOutcome))}, d.handler
	}}
}

// closeLapsed is the deadline job closing a referral without outcome after
// the watch period.
func (g *generator) closeLapsed() step {
	return step{
		when: g.onDate(func(d *journey) klachtdesk.Date {
			return klachtdesk.ReferralLapses(g.localDate(d.c.ReferredAt), g.settings)
		}, 1, 20),
		act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
			return klachtdesk.Close{Reason: klachtdesk.CloseReferralLapsed}, nil
		},
	}
}

func (g *generator) closeNotAdmissible() step {
	return step{when: g.days(0, 3), act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.Close{Reason: klachtdesk.CloseNotAdmissible, Detail: pick(g, klachtdesk.InadmissibleReasons)}, g.lead
	}}
}

func (g *generator) closeWithdrawn() step {
	return step{when: g.days(1, 10), act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
		return klachtdesk.Close{Reason: klachtdesk.CloseWithdrawn, Detail: pick(g, fragmentsIn[d.n.Complainant.Language].withdrawnNotes)}, d.handler
	}}
}

func (g *generator) setLegalHold(lo, hi int) step {
	return step{when: g.days(lo, hi), act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
		if d.c.LegalHold || d.c.State == klachtdesk.StateAnonymised {
			return nil, nil
		}
		return klachtdesk.SetLegalHold{On: true, Reason: pick(g, fragmentsIn[d.n.Complainant.Language].legalHoldWhy)}, g.lead
	}}
}

// anonymise is the nightly retention job.
func (g *generator) anonymise() step {
	return step{
		when: func(d *journey, prev time.Time) time.Time {
			day := d.c.RetentionUntil.Date.AddDays(g.rnd.IntN(10))
			return time.Date(day.Year, day.Month, day.Day, 2, g.rnd.IntN(60), 0, 0, g.loc)
		},
		act: func(d *journey) (klachtdesk.Action, *klachtdesk.User) {
			if d.c.LegalHold || d.c.State != klachtdesk.StateClosed || d.c.RetentionUntil.IsZero() || g.today().Before(d.c.RetentionUntil.Date) {
				return nil, nil
			}
			return klachtdesk.Anonymise{}, nil
		},
	}
}

// Plans.

func (g *generator) planNone(d *journey) []step { return nil }

func (g *generator) planAcknowledged(d *journey) []step {
	steps := []step{g.acknowledge()}
	if g.chance(0.5) && d.c.Route == klachtdesk.RouteInternal {
		steps = append(steps, g.assign())
	}
	return steps
}

// treatment is acknowledgement, assignment and the start of treatment.
func (g *generator) treatment() []step {
	return []step{g.acknowledge(), g.assign(), g.startTreatment()}
}

func (g *generator) planInTreatment(d *journey) []step {
	return g.withLegalHold(d, g.treatment())
}

func (g *generator) planAwaitingInfo(d *journey) []step {
	return append(g.treatment(), g.requestInfo())
}

func (g *generator) planOverdue(d *journey) []step {
	steps := g.treatment()
	if d.info {
		steps = append(steps, g.requestInfo(), g.receiveInfo())
	}
	if d.escalate {
		steps = append(steps, g.escalate())
	}
	return steps
}

func (g *generator) planExtended(d *journey) []step {
	return append(g.treatment(), g.extend())
}

// decided is treatment up to the decision, with the case's features: a
// request for information, an extension, or an escalation and a late answer.
func (g *generator) decided(d *journey) []step {
	steps := g.treatment()
	if d.info {
		steps = append(steps, g.requestInfo(), g.receiveInfo())
	}
	switch {
	case d.extend:
		steps = append(steps, g.extend(), g.decide(false))
	case d.escalate:
		steps = append(steps, g.escalate(), g.decide(true))
	default:
		steps = append(steps, g.decide(false))
	}
	return steps
}

func (g *generator) planAnswered(d *journey) []step {
	return append(g.treatment(), g.decide(false))
}

func (g *generator) planReferred(d *journey) []step {
	return []step{g.acknowledge(), g.refer()}
}

// closed adds what happens after closing: now and then a legal hold, and
// anonymisation when the retention term has passed.
func (g *generator) closed(d *journey, steps []step) []step {
	if d.legalHold {
		steps = append(steps, g.setLegalHold(1, 60))
	}
	return append(steps, g.anonymise())
}

func (g *generator) withLegalHold(d *journey, steps []step) []step {
	if d.legalHold {
		steps = append(steps, g.setLegalHold(0, 3))
	}
	return steps
}

func (g *generator) planClosedAccepted(d *journey) []step {
	return g.closed(d, append(g.decided(d), g.closeAccepted()))
}

func (g *generator) planClosedNoResponse(d *journey) []step {
	return g.closed(d, append(g.decided(d), g.closeNoResponse()))
}

func (g *generator) planClosedExternal(d *journey) []step {
	return g.closed(d, []step{g.acknowledge(), g.refer(), g.closeExternal()})
}

func (g *generator) planClosedLapsed(d *journey) []step {
	return g.closed(d, []step{g.acknowledge(), g.refer(), g.closeLapsed()})
}

func (g *generator) planNotAdmissible(d *journey) []step {
	var steps []step
	if g.chance(0.6) {
		steps = append(steps, g.acknowledge())
	}
	return g.closed(d, append(steps, g.closeNotAdmissible()))
}

func (g *generator) planWithdrawn(d *journey) []step {
	steps := []step{g.acknowledge()}
	switch {
	case d.c.Route == klachtdesk.RouteMediator:
	case g.chance(0.5):
		steps = append(steps, g.assign(), g.startTreatment())
	}
	return g.closed(d, append(steps, g.closeWithdrawn()))
}

func (g *generator) planLegalHold(d *journey) []step {
	d.legalHold = true
	return g.closed(d, append(g.decided(d), g.closeAccepted()))
}

func (g *generator) planReopened(d *journey) []step {
	steps := append(g.decided(d), g.reopen(), g.decide(false), g.closeAccepted())
	return g.closed(d, steps)
}

func (g *generator) planOld(d *journey) []step {
	if d.c.Route == klachtdesk.RouteMediator {
		return g.planClosedExternal(d)
	}
	switch g.rnd.IntN(6) {
	case 0:
		return g.planNotAdmissible(d)
	case 1, 2:
		return g.planClosedNoResponse(d)
	}
	return g.planClosedAccepted(d)
}
