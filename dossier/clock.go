package dossier

import (
	"fmt"
	"time"

	"motcua/calendar"
)

// The time rules of a dossier (regulation.md Part B §4). Every function
// takes the calendar of the dossier's center (its working week, its days
// off) and the instant as arguments; none reads a clock.

// Cutoff returns the procedure's cut-off hour: a dossier received later
// counts from the next working day (NĐ 61/2018 Điều 18.2–3). Procedures of
// one working day (processing_hours = 8: "the same working day, or the next
// when received after 15:00") default to 15:00; others have none unless
// the catalog sets one.
func Cutoff(p *Procedure) calendar.Clock {
	if p.Cutoff != "" {
		if c, err := calendar.ParseClock(p.Cutoff); err == nil {
			return c
		}
	}
	if p.ProcessingHours != nil && *p.ProcessingHours == 8 {
		return calendar.DefaultCutoff
	}
	return 0
}

// DueFor returns the due instant of procedure p for a dossier received at
// from, on the center's calendar cal: this is the only place the catalog's
// time units become a deadline (Civil Code 2015 Art. 147–148; regulation.md
// §4 engine steps 1–2).
func DueFor(p *Procedure, cal *calendar.Calendar, from time.Time) time.Time {
	cut := Cutoff(p)
	switch {
	case p.ProcessingHours != nil && *p.ProcessingHours == 8:
		return cal.DueDays(from, 0, cut).UTC()
	case p.ProcessingHours != nil:
		return cal.DueHours(from, *p.ProcessingHours, cut).UTC()
	case p.ProcessingDays != nil:
		return cal.DueDays(from, *p.ProcessingDays, cut).UTC()
	}
	return cal.DueDays(from, 0, cut).UTC()
}

// StepRole returns the role that works a dossier in status s (the step of
// the internal process whose budget applies), or "".
func StepRole(s Status) Role {
	switch s {
	case StatusReceived, StatusAppraising:
		return RoleAppraiser
	case StatusAwaitingApproval:
		return RoleApprover
	case StatusApproved:
		return RoleClerk
	case StatusIssued:
		return RoleReception
	}
	return ""
}

// StepDue returns the deadline of the step that starts at now in status to,
// from the procedure's internal process budgets (quy trình nội bộ, never
// later than the dossier's due); without a budget it is the dossier's due.
// A terminal status or a dossier waiting for the applicant has none.
func StepDue(p *Procedure, cal *calendar.Calendar, to Status, now time.Time, due *time.Time) *time.Time {
	if to.Terminal() || to == StatusSupplementRequested {
		return nil
	}
	role := StepRole(to)
	for _, st := range p.Process {
		if role != "" && st.Role == role && st.Hours > 0 {
			t := cal.AddWorking(now, time.Duration(st.Hours*float64(time.Hour))).UTC()
			if due != nil && t.After(*due) {
				t = *due
			}
			return &t
		}
	}
	if due == nil {
		return nil
	}
	t := *due
	return &t
}

// StartClock sets the receipt instant and the deadlines of d received at
// now: the appointment, the original appointment, the legal deadline and
// the measure date are the same until a supplement or an apology moves
// them.
func StartClock(d *Dossier, p *Procedure, cal *calendar.Calendar, now time.Time) {
	due := DueFor(p, cal, now)
	d.ReceivedAt, d.DueAt, d.OriginalDueAt, d.LegalDueAt, d.MeasureDueAt = tptr(now.UTC()), tptr(due), tptr(due), tptr(due), tptr(due)
}

// MeasureDue is the due instant against which a dossier's lateness is
// judged for the reports (on-time rate, QĐ 766 indicators 2.1 and 5.4,
// Circular 01/2018 index 1): the original appointment, extended by the
// working time spent waiting for the applicant (regulation.md §4.5, the
// QĐ 766 method subtracts the waiting time). An apology's new date is the
// applicant's new appointment, never the measure (NĐ 61/2018 Điều 19.9:
// the apology admits the lateness). Nil before the clock starts.
func MeasureDue(d *Dossier, cal *calendar.Calendar) *time.Time {
	base := d.OriginalDueAt
	if base == nil {
		base = d.DueAt
	}
	if base == nil {
		return nil
	}
	t := cal.ExtendDue(*base, time.Duration(d.PausedSeconds)*time.Second).UTC()
	return &t
}

// Judge classifies a dossier finished at finished against its measure due
// (contract §7: early, on time, late); "" when it has no due date.
func Judge(d *Dossier, cal *calendar.Calendar, finished time.Time) string {
	due := MeasureDue(d, cal)
	if due == nil {
		return ""
	}
	return string(cal.Classify(finished, *due))
}

// LateFor766 reports whether QĐ 766 counts a resolved dossier late: late
// against its measure due, or asked for a supplement more than once
// (regulation.md §4.5, §5 indicator 2.1).
func LateFor766(d *Dossier) bool {
	return d.Outcome == OutcomeLate || d.Supplements > 1
}

// ReportDue is the instant from which an open dossier d counts past due in
// the reports (open_overdue, the open part of QĐ 766 indicator 2.1): its
// measure date (MeasureDueAt), unless it has been waiting for the applicant
// since before that date — a wait the QĐ 766 method subtracts, so it cannot
// turn late before it resumes (nil). A dossier paused once already past its
// measure date stays late. The store's scan (store.ScanSummary) says the
// same in SQL.
func ReportDue(d *Dossier) *time.Time {
	m := d.MeasureDueAt
	if m == nil || (d.PausedAt != nil && d.PausedAt.Before(*m)) {
		return nil
	}
	t := *m
	return &t
}

// SupplementRequestLate reports whether a supplement requested at now during
// appraisal comes later than rule set rs allows after receipt (3 working
// days: NĐ 61/2018 Điều 19.4): the limit is the close of the last working
// day of the window counted from the day the period starts — the receipt
// day, or the next working day for a receipt after the procedure's
// cut-off, after hours or on a day off, when the dossier reaches the
// processing body (Điều 18.2–3) and its due date starts too (DueFor).
// Requests before receipt (an online dossier at reception's check) are
// never late.
func SupplementRequestLate(d *Dossier, rs *RuleSet, p *Procedure, cal *calendar.Calendar, now time.Time) bool {
	if d.ReceivedAt == nil {
		return false
	}
	loc := cal.Location()
	start := cal.Start(*d.ReceivedAt, Cutoff(p))
	limit := cal.AddWorkingDays(calendar.DateOf(start.In(loc)), rs.SupplementWindowDays)
	return calendar.DateOf(now.In(loc)).After(limit)
}

// CheckApology checks an apology (Mẫu 04) filed at now with the new
// appointment newDue under rule set rs (NĐ 61/2018 Điều 19.9; contract §4):
//   - only once (409);
//   - at least rs.ApologyLeadDays (one) working day before the due date,
//     or — lateness not foreseen — once the dossier is late, before it is
//     returned (422). A dossier waiting for the applicant since before its
//     appointment is not late: its period is paused (Điều 19.4) and the
//     appointment moves when it resumes, so a lateness "not foreseen"
//     cannot be claimed then (422);
//   - the new date after the current appointment and after now (400), on a
//     working day of the center's calendar, within that day's working
//     hours (422: a Saturday only where the center works it, and only in
//     its Saturday hours).
func CheckApology(d *Dossier, rs *RuleSet, cal *calendar.Calendar, now, newDue time.Time) error {
	if err := ApologyOpen(d, rs, cal, now); err != nil {
		return err
	}
	if !newDue.After(*d.DueAt) || !newDue.After(now) {
		return Invalid("Ngày hẹn mới phải sau hạn cũ", FieldError{Field: "new_due_at", Message: "Phải sau hạn trả hiện tại"})
	}
	return CheckAppointment(cal, newDue)
}

// ApologyOpen reports (nil) whether an apology may be filed on d at now
// under rule set rs, whatever its new date: the part of CheckApology that
// does not depend on the request (NĐ 61/2018 Điều 19.9 and 19.4), so that
// a dossier page offers the apology exactly when it would be accepted.
func ApologyOpen(d *Dossier, rs *RuleSet, cal *calendar.Calendar, now time.Time) error {
	if d.ApologyAt != nil {
		return Errorf(ECONFLICT, "Hồ sơ đã có phiếu xin lỗi; chỉ được hẹn lại một lần")
	}
	if d.DueAt == nil {
		return Errorf(ECONFLICT, "Hồ sơ chưa có hạn trả kết quả")
	}
	loc := cal.Location()
	lastDay := cal.AddWorkingDays(calendar.DateOf(d.DueAt.In(loc)), -rs.ApologyLeadDays)
	if calendar.DateOf(now.In(loc)).After(lastDay) && !lateAt(d, now) {
		if d.PausedAt != nil && now.After(*d.DueAt) {
			return Errorf(EUNPROCESSABLE, "Hồ sơ đang chờ người nộp bổ sung từ trước hạn trả: thời hạn giải quyết tạm dừng, hồ sơ chưa trễ hạn (%s)", rs.SupplementBasis)
		}
		return Errorf(EUNPROCESSABLE, "Phiếu xin lỗi phải lập chậm nhất %02d ngày làm việc trước hạn trả (%s; %s)",
			rs.ApologyLeadDays, d.DueAt.In(loc).Format("02/01/2006"), rs.ApologyBasis)
	}
	return nil
}

// lateAt reports whether d, not yet returned, is late at now: past its
// appointment with the clock running, or waiting for the applicant only
// since after the appointment (the wait does not excuse a lateness that
// came before it; ReportDue says the same for the reports).
func lateAt(d *Dossier, now time.Time) bool {
	if d.DueAt == nil || !now.After(*d.DueAt) {
		return false
	}
	return d.PausedAt == nil || !d.PausedAt.Before(*d.DueAt)
}

// CheckAppointment checks an appointment given to the applicant on the
// center's calendar cal (an apology's new date: NĐ 61/2018 Điều 19.9; the
// Civil Code 2015 Art. 148 ends a period at the close of a working day):
// a working day of the center, between its opening and its close that day
// (422 otherwise, naming the hours).
func CheckAppointment(cal *calendar.Calendar, t time.Time) error {
	loc := cal.Location()
	day := calendar.DateOf(t.In(loc))
	spans := cal.WorkingSpans(day)
	if len(spans) == 0 {
		return &Error{Code: EUNPROCESSABLE, Message: "Ngày hẹn trả mới phải là ngày làm việc của trung tâm",
			Fields: []FieldError{{Field: "new_due_at", Message: t.In(loc).Format("02/01/2006") + " không phải ngày làm việc"}}}
	}
	lt := t.In(loc)
	clock := calendar.ClockAt(lt.Hour(), lt.Minute())
	if lt.Second() > 0 || lt.Nanosecond() > 0 {
		clock++ // 17:00:30 is after a 17:00 close
	}
	open, closing := spans[0].Start, spans[len(spans)-1].End
	if clock < open || clock > closing {
		return &Error{Code: EUNPROCESSABLE, Message: "Giờ hẹn trả mới phải trong giờ làm việc của trung tâm",
			Fields: []FieldError{{Field: "new_due_at", Message: fmt.Sprintf("Ngày %s trung tâm làm việc %s–%s",
				lt.Format("02/01/2006"), open, closing)}}}
	}
	return nil
}

// DefaultApologyDue proposes the new appointment of an apology: the close
// of the first working day after the appointment (after today, when the
// dossier is already overdue), on the center's calendar — a time
// CheckAppointment accepts.
func DefaultApologyDue(d *Dossier, cal *calendar.Calendar, now time.Time) time.Time {
	loc := cal.Location()
	from := now
	if d.DueAt != nil && d.DueAt.After(now) {
		from = *d.DueAt
	}
	day := cal.AddWorkingDays(calendar.DateOf(from.In(loc)), 1)
	spans := cal.WorkingSpans(day)
	if len(spans) == 0 {
		return day.At(calendar.ClockAt(17, 0), loc)
	}
	return day.At(spans[len(spans)-1].End, loc)
}

func tptr(t time.Time) *time.Time { return &t }
