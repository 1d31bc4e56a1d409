package calendar

import "time"

// start returns the day and the time of day at which counting starts for a
// receipt at from (see Start).
func (c *Calendar) start(from time.Time, cutoff Clock) (cursor, time.Duration) {
	day, off := c.split(from)
	k := c.cursorAt(day)
	if k.kind() != dayOff {
		s := k.sched()
		if off < s.close && (cutoff <= 0 || off <= cutoff.duration()) {
			for _, sp := range s.spans {
				if off < sp.end {
					return k, max(off, sp.start)
				}
			}
		}
	}
	k.nextWorking()
	return k, k.sched().open
}

// Start returns the instant at which a period starts counting for a receipt
// at from:
//   - from itself when it falls inside a working span of a working day, no
//     later than cutoff;
//   - the start of the next span of the same day when from falls before
//     opening or in a break (e.g. the lunch break), no later than cutoff;
//   - otherwise, i.e. after cutoff, at or after close of business, or on a
//     day off, the opening of the next working day.
//
// The cut-off is inclusive: with cutoff 15:00 a receipt at 15:00:00 counts
// from that day and one at 15:00:01 from the next working day. A cutoff
// <= 0 means no cut-off; one at or after close of business has no effect.
func (c *Calendar) Start(from time.Time, cutoff Clock) time.Time {
	k, off := c.start(from, cutoff)
	return c.at(k.day, off)
}

// DueDays returns the due instant of a period of n working days for a
// receipt at from, following the Civil Code 2015 Art. 147–148 and
// regulation.md Part B §4: the period starts the day after the start day, so
// the due instant is the close of business (the end of the last working
// span, 17:00 by default) of the n-th working day after the start day. The
// start day is the day of Start(from, cutoff): the receipt day, or the next
// working day for a receipt after cutoff, after close of business or on a
// day off. Examples with the default calendar and cutoff 15:00:
//
//	received Mon 10:00, n = 1  → Tue 17:00
//	received Mon 16:00, n = 1  → Wed 17:00 (after the cut-off: start Tue)
//	received Sat 09:00, n = 1  → Tue 17:00 (start Mon)
//	received Mon 10:00, n = 0  → Mon 17:00 (close of the start day)
//
// n < 0 counts as 0. The day counting is O(n) with no allocation.
func (c *Calendar) DueDays(from time.Time, n int, cutoff Clock) time.Time {
	k, _ := c.start(from, cutoff)
	for ; n > 0; n-- {
		k.nextWorking()
	}
	return c.at(k.day, k.sched().close)
}

// DueHours returns the due instant of a period of the given working hours
// for a receipt at from: AddWorking(Start(from, cutoff), hours). Only time
// inside working spans counts (not the lunch break, nights or days off); a
// period that ends exactly at the end of a span is due at that instant, not
// at the next opening. hours <= 0 gives Start(from, cutoff).
//
// This is exact working-time arithmetic: with the default 7.5-hour day,
// 8 hours from Mon 09:00 is due Tue 09:30. The catalog convention
// "processing_hours = 8: the same working day, or the next working day when
// received after 15:00" is DueDays(from, 0, DefaultCutoff) instead.
func (c *Calendar) DueHours(from time.Time, hours int, cutoff Clock) time.Time {
	k, off := c.start(from, cutoff)
	if hours <= 0 {
		return c.at(k.day, off)
	}
	return c.addForward(k, off, time.Duration(hours)*time.Hour)
}

// AddWorking returns the instant at which d of working time has elapsed
// after t, counting only time inside the working spans of working days. A
// t outside working time first moves to the next working instant. The
// result lies inside a working span or at its end (a span's end is never
// rolled over to the next opening), so that
// WorkingDuration(t, AddWorking(t, d)) == d. AddWorking(t, 0) is t.
// With d < 0 it moves backwards: the result r is the latest instant with
// WorkingDuration(r, t) == -d.
//
// Pauses: to extend a due date by the working time a dossier spent paused
// (waiting for a supplement), use
// AddWorking(due, WorkingDuration(pausedFrom, pausedTo)); the paused time
// then does not count against the applicant.
func (c *Calendar) AddWorking(t time.Time, d time.Duration) time.Time {
	if d == 0 {
		return t.In(c.loc)
	}
	day, off := c.split(t)
	k := c.cursorAt(day)
	if d > 0 {
		return c.addForward(k, off, d)
	}
	return c.addBackward(k, off, -d)
}

// addForward moves forward from (k, off) by d > 0 of working time.
func (c *Calendar) addForward(k cursor, off, d time.Duration) time.Time {
	for {
		if k.kind() != dayOff {
			for _, sp := range k.sched().spans {
				if off >= sp.end {
					continue
				}
				s := max(off, sp.start)
				if avail := sp.end - s; d <= avail {
					return c.at(k.day, s+d)
				} else {
					d -= avail
				}
				off = sp.end
			}
		}
		k.next()
		off = 0
	}
}

// addBackward moves backward from (k, off) by d > 0 of working time.
func (c *Calendar) addBackward(k cursor, off, d time.Duration) time.Time {
	for {
		if k.kind() != dayOff {
			spans := k.sched().spans
			for i := len(spans) - 1; i >= 0; i-- {
				sp := spans[i]
				if off <= sp.start {
					continue
				}
				e := min(off, sp.end)
				if avail := e - sp.start; d <= avail {
					return c.at(k.day, e-d)
				} else {
					d -= avail
				}
				off = sp.start
			}
		}
		k.prev()
		off = 24 * time.Hour
	}
}

// WorkingDuration returns the working time between from and to: the time
// inside working spans of working days. It is negative when to is before
// from, and additive: WorkingDuration(a, c) == WorkingDuration(a, b) +
// WorkingDuration(b, c). Use it for the paused time of a dossier and for the
// minutes used by a step.
func (c *Calendar) WorkingDuration(from, to time.Time) time.Duration {
	if to.Before(from) {
		return -c.WorkingDuration(to, from)
	}
	d1, o1 := c.split(from)
	d2, o2 := c.split(to)
	k := c.cursorAt(d1)
	if d1 == d2 {
		if k.kind() == dayOff {
			return 0
		}
		return k.sched().overlap(o1, o2)
	}
	var total time.Duration
	if k.kind() != dayOff {
		total = k.sched().overlap(o1, 24*time.Hour)
	}
	for k.next(); k.day < d2; k.next() {
		if k.kind() != dayOff {
			total += k.sched().total
		}
	}
	if k.kind() != dayOff {
		total += k.sched().overlap(0, o2)
	}
	return total
}

// StepBudget is the time allotted to one step of a procedure's internal
// process (quy trình nội bộ). Days is a period in whole working days, Work a
// period of working time; a step with both ends Work after the close of
// business of its last day. Negative values count as zero. A half day is
// Work: half of the day's working time (3h45m with the default hours).
type StepBudget struct {
	Days int
	Work time.Duration
}

// StepDues returns the due instant of each step, chained: each step starts
// at the due instant of the one before, the first at Start(start, 0) (pass
// Start(received, cutoff) to apply a receipt cut-off). A step's Days count
// like DueDays from the day its start falls on — so a one-day step that
// starts at 17:00 Tuesday is due 17:00 Wednesday — then its Work is added
// with AddWorking. A zero budget is due when it starts.
func (c *Calendar) StepDues(start time.Time, budgets []StepBudget) []time.Time {
	dues := make([]time.Time, len(budgets))
	k, off := c.start(start, 0)
	for i, b := range budgets {
		for n := b.Days; n > 0; n-- {
			k.nextWorking()
			off = k.sched().close
		}
		t := c.at(k.day, off)
		if b.Work > 0 {
			t = c.addForward(k, off, b.Work)
			var day int
			day, off = c.split(t)
			k = c.cursorAt(day)
		}
		dues[i] = t
	}
	return dues
}

// Outcome classifies when a dossier or step finished against its due
// instant (contract §7, TT 01/2018 Art. 13–15).
type Outcome string

// The outcomes, as stored and sent in the API.
const (
	OutcomeEarly  Outcome = "early"   // trước hạn: finished before the due day
	OutcomeOnTime Outcome = "on_time" // đúng hạn: on the due day, no later than the due instant
	OutcomeLate   Outcome = "late"    // quá hạn: after the due instant
)

// Label returns the Vietnamese label of o ("Trước hạn", "Đúng hạn",
// "Quá hạn"), or "" for an unknown outcome.
func (o Outcome) Label() string {
	switch o {
	case OutcomeEarly:
		return "Trước hạn"
	case OutcomeOnTime:
		return "Đúng hạn"
	case OutcomeLate:
		return "Quá hạn"
	}
	return ""
}

// Classify compares a finish instant with a due instant: late when finished
// is after due; otherwise early when finished falls on an earlier local date
// (in Location) than due, and on time when it falls on the due date. Paused
// time must already be reflected in due (see AddWorking).
func (c *Calendar) Classify(finished, due time.Time) Outcome {
	if finished.After(due) {
		return OutcomeLate
	}
	fd, _ := c.split(finished)
	dd, _ := c.split(due)
	if fd < dd {
		return OutcomeEarly
	}
	return OutcomeOnTime
}
