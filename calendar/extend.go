package calendar

import "time"

// ExtendDue moves an appointment due by the working time paused that a
// dossier spent waiting for the applicant (a supplement; regulation.md
// Part B §4.5: the QĐ 766 method subtracts the waiting time).
//
// An appointment at the close of business of a working day is a date (a
// period in working days, DueDays): it stays one. The pause counts in
// whole working days of that day's length, rounded to the nearest — a
// pause shorter than half a working day leaves the date as it is, one of
// half a day up to a day and a half moves it one working day — and the
// appointment remains at the close of business. So a pause of 44 seconds
// keeps the date instead of moving the appointment to the next opening.
//
// Any other appointment (a period in working hours, DueHours) moves by
// exactly paused, with AddWorking. A paused <= 0 returns due unchanged.
func (c *Calendar) ExtendDue(due time.Time, paused time.Duration) time.Time {
	if paused <= 0 {
		return due
	}
	day, off := c.split(due)
	k := c.cursorAt(day)
	if k.kind() == dayOff || off != k.sched().close {
		return c.AddWorking(due, paused)
	}
	full := k.sched().total
	n := int((paused + full/2) / full)
	for ; n > 0; n-- {
		k.nextWorking()
	}
	return c.at(k.day, k.sched().close).In(due.Location())
}
