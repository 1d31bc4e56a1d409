package dossier

import (
	"strings"
	"testing"
	"time"

	"motcua/calendar"
)

func hours(n int) *int { return &n }

// TestDueFor: the catalog's time units become a due instant on the center's
// calendar (Civil Code 2015 Art. 147–148: a period in days starts the next
// day and ends at the close of the last; NĐ 61/2018 Điều 18.2–3: a receipt
// after 15:00 counts from the next working day).
func TestDueFor(t *testing.T) {
	for _, c := range []struct {
		name string
		p    func(*Procedure)
		cal  *calendar.Calendar
		from time.Time
		want time.Time
	}{
		{"3 working days from Thursday", nil, national, at(2026, 11, 26, 9, 0), at(2026, 12, 1, 17, 0)},
		{"8 hours: the same working day", func(p *Procedure) { p.ProcessingDays, p.ProcessingHours = nil, hours(8) }, national, at(2026, 11, 30, 14, 0), at(2026, 11, 30, 17, 0)},
		{"8 hours after 15:00: the next working day", func(p *Procedure) { p.ProcessingDays, p.ProcessingHours = nil, hours(8) }, national, at(2026, 11, 30, 15, 30), at(2026, 12, 1, 17, 0)},
		{"4 working hours across the lunch break", func(p *Procedure) { p.ProcessingDays, p.ProcessingHours = nil, hours(4) }, national, at(2026, 11, 30, 9, 0), at(2026, 11, 30, 15, 0)},
		{"cut-off 15:00 on a procedure in days", func(p *Procedure) { p.Cutoff = "15:00" }, national, at(2026, 11, 26, 16, 0), at(2026, 12, 2, 17, 0)},
		{"no period: the close of the start day", func(p *Procedure) { p.ProcessingDays = nil }, national, at(2026, 11, 26, 9, 0), at(2026, 11, 26, 17, 0)},
		{"1 day on Friday, national calendar: Monday", func(p *Procedure) { one := 1; p.ProcessingDays = &one }, national, at(2026, 11, 27, 10, 0), at(2026, 11, 30, 17, 0)},
		{"1 day on Friday, a center open on Saturday: Saturday 11:30", func(p *Procedure) { one := 1; p.ProcessingDays = &one }, saturdays, at(2026, 11, 27, 10, 0), at(2026, 11, 28, 11, 30)},
	} {
		p := procedure()
		if c.p != nil {
			c.p(p)
		}
		if got := DueFor(p, c.cal, c.from); !got.Equal(c.want) {
			t.Errorf("%s: due %v; want %v", c.name, got.In(ict), c.want)
		}
	}
	if Cutoff(&Procedure{Cutoff: "bad"}) != 0 {
		t.Errorf("a bad cut-off counts as none")
	}
}

// TestStepDue: each step's deadline comes from the internal process
// (regulation.md §4 engine step 3), never later than the dossier's.
func TestStepDue(t *testing.T) {
	p := procedure()
	p.Process = []ProcessStep{{Code: "TD", Role: RoleAppraiser, Hours: 4}, {Code: "PD", Role: RoleApprover, Hours: 100}}
	due := at(2026, 12, 1, 17, 0)
	now := at(2026, 11, 30, 9, 0)
	for _, c := range []struct {
		to   Status
		want *time.Time
	}{
		{StatusReceived, ptr(at(2026, 11, 30, 15, 0))},
		{StatusAppraising, ptr(at(2026, 11, 30, 15, 0))},
		{StatusAwaitingApproval, &due}, // 100 h is capped at the dossier's due
		{StatusApproved, &due},         // no budget for the clerk
		{StatusSupplementRequested, nil},
		{StatusReturned, nil},
	} {
		got := StepDue(p, national, c.to, now, &due)
		if (got == nil) != (c.want == nil) || (got != nil && !got.Equal(*c.want)) {
			t.Errorf("step due in %s = %v; want %v", c.to, got, c.want)
		}
	}
	if StepDue(p, national, StatusApproved, now, nil) != nil || StepRole(StatusSubmitted) != "" {
		t.Errorf("a step with neither budget nor due has no deadline")
	}
}

// act decides and applies action a (a full request, changed by mod) at
// now on calendar cal, failing the test on refusal.
func act(t *testing.T, d *Dossier, who *User, a Action, now time.Time, cal *calendar.Calendar, mod func(*Request)) *Decision {
	t.Helper()
	req := full(a, d.Version)
	if mod != nil {
		mod(&req)
	}
	f := facts(now)
	f.Calendar = cal
	return actUnder(t, d, who, req, f)
}

// actUnder decides and applies req under facts f, failing the test on
// refusal, and moves the version on as a store write does.
func actUnder(t *testing.T, d *Dossier, who *User, req Request, f Facts) *Decision {
	t.Helper()
	dec, err := Decide(d, who, req, f)
	if err != nil {
		t.Fatalf("%s by %s at %v: %v", req.Action, who.Name, f.Now, err)
	}
	Apply(d, dec, req, f)
	d.Version++
	return dec
}

// TestPauses: a supplement asked after receipt pauses the clock; the
// applicant's supplement resumes it. The QĐ 766 view adds the paused working
// time to the appointment; the legal view restarts the period from zero
// (NĐ 61/2018 Điều 19.4); both and the original appointment are kept, with
// the pause interval (regulation.md §4.5).
func TestPauses(t *testing.T) {
	d := dossierIn(StatusAppraising)
	dec := act(t, d, cast[RoleAppraiser], ActRequestSupplement, at(2026, 11, 26, 10, 0), national, nil)
	if !dec.PauseStarted || d.PausedAt == nil || d.Supplements != 1 || d.StepDueAt != nil || d.Reason != "Lý do" {
		t.Fatalf("after the request: %+v", d)
	}
	// Paused Thu 10:00 → Mon 14:00: Thu 5 h + Fri 7.5 h + Mon 4.5 h = 17 h.
	dec = act(t, d, cast[RoleReception], ActSupplement, at(2026, 11, 30, 14, 0), national, nil)
	if !dec.PauseEnded || dec.Paused != 17*time.Hour || d.PausedSeconds != 17*3600 || d.PausedAt != nil {
		t.Errorf("pause = %v (%d s), ended %v", dec.Paused, d.PausedSeconds, dec.PauseEnded)
	}
	// Appointment Tue 1/12 17:00, a date: the 17 h paused count as two
	// working days of 7.5 h, rounded to the nearest (calendar.ExtendDue),
	// so Thu 3/12 17:00 — never an appointment at an odd hour of a
	// morning (issue 19).
	if want := at(2026, 12, 3, 17, 0); !d.DueAt.Equal(want) {
		t.Errorf("appointment = %v; want %v", d.DueAt.In(ict), want)
	}
	// Restarted from the supplement, Mon 14:00 + 3 working days.
	if want := at(2026, 12, 3, 17, 0); !d.LegalDueAt.Equal(want) {
		t.Errorf("legal due = %v; want %v", d.LegalDueAt.In(ict), want)
	}
	if want := at(2026, 12, 1, 17, 0); !d.OriginalDueAt.Equal(want) {
		t.Errorf("original appointment moved: %v", d.OriginalDueAt.In(ict))
	}
	if got := MeasureDue(d, national); !got.Equal(at(2026, 12, 3, 17, 0)) {
		t.Errorf("measure due = %v", got.In(ict))
	}
	for _, c := range []struct {
		finished time.Time
		want     string
	}{
		{at(2026, 12, 2, 16, 0), OutcomeEarly},
		{at(2026, 12, 3, 17, 0), OutcomeOnTime},
		{at(2026, 12, 3, 17, 1), OutcomeLate},
	} {
		if got := Judge(d, national, c.finished); got != c.want {
			t.Errorf("finished %v: %s; want %s", c.finished.In(ict), got, c.want)
		}
	}
	// A pause of 44 seconds keeps the appointment (it moved it to 07:30
	// the next working day).
	short := dossierIn(StatusAppraising)
	act(t, short, cast[RoleAppraiser], ActRequestSupplement, at(2026, 11, 26, 10, 0), national, nil)
	due := *short.DueAt
	act(t, short, cast[RoleReception], ActSupplement, at(2026, 11, 26, 10, 0).Add(44*time.Second), national, nil)
	if !short.DueAt.Equal(due) || !MeasureDue(short, national).Equal(due) {
		t.Errorf("44 s paused: appointment %v, measure %v; want %v", short.DueAt.In(ict), MeasureDue(short, national).In(ict), due.In(ict))
	}

	// The pause counts on the center's calendar: a center open on
	// Saturday morning loses those 4 hours to the applicant's wait.
	for _, c := range []struct {
		cal  *calendar.Calendar
		want time.Duration
	}{
		{national, 5 * time.Hour},  // Fri 11:00–11:30, 13:30–17:00; Mon 07:30–08:30
		{saturdays, 9 * time.Hour}, // the same + Sat 07:30–11:30
	} {
		d := dossierIn(StatusAppraising)
		act(t, d, cast[RoleAppraiser], ActRequestSupplement, at(2026, 11, 27, 11, 0), c.cal, nil)
		if dec := act(t, d, cast[RoleReception], ActSupplement, at(2026, 11, 30, 8, 30), c.cal, nil); dec.Paused != c.want {
			t.Errorf("paused over the weekend = %v; want %v", dec.Paused, c.want)
		}
	}

	// Withdrawn while paused: the clock closes, nothing is judged.
	w := dossierIn(StatusAppraising)
	act(t, w, cast[RoleAppraiser], ActRequestSupplement, at(2026, 11, 26, 10, 0), national, nil)
	act(t, w, cast[RoleReception], ActWithdraw, at(2026, 11, 27, 10, 0), national, nil)
	if w.PausedAt != nil || w.FinishedAt == nil || w.Outcome != "" || w.Status != StatusWithdrawn {
		t.Errorf("withdrawn while paused: %+v", w)
	}

	// A second supplement request makes the dossier late for QĐ 766
	// indicator 2.1 whatever its outcome (regulation.md §4.5).
	act(t, d, cast[RoleAppraiser], ActRequestSupplement, at(2026, 11, 30, 15, 0), national, nil)
	act(t, d, cast[RoleReception], ActSupplement, at(2026, 11, 30, 16, 0), national, nil)
	d.Outcome = OutcomeEarly
	if d.Supplements != 2 || !LateFor766(d) || LateFor766(&Dossier{Outcome: OutcomeOnTime, Supplements: 1}) ||
		!LateFor766(&Dossier{Outcome: OutcomeLate}) {
		t.Errorf("QĐ 766 lateness with %d requests", d.Supplements)
	}
	if MeasureDue(&Dossier{}, national) != nil || Judge(&Dossier{}, national, received) != "" {
		t.Errorf("no clock, no measure")
	}
	// Imported dossiers carry only a due date.
	if got := MeasureDue(&Dossier{DueAt: ptr(received)}, national); !got.Equal(received) {
		t.Errorf("measure of an imported dossier = %v", got)
	}
}

// TestSupplementWindow: a dossier found insufficient during appraisal goes
// back with Mẫu 02 within 3 working days of receipt (NĐ 61/2018 Điều 19.4);
// a later request is flagged in the history.
func TestSupplementWindow(t *testing.T) {
	// Received Thu 26/11: the window ends with Tue 1/12 (Fri, Mon, Tue),
	// or Mon 30/11 at a center working Saturday (Fri, Sat, Mon).
	for _, c := range []struct {
		name string
		s    Status
		cal  *calendar.Calendar
		now  time.Time
		late bool
	}{
		{"third working day", StatusAppraising, national, at(2026, 12, 1, 16, 0), false},
		{"fourth working day", StatusAppraising, national, at(2026, 12, 2, 8, 0), true},
		{"fourth working day with Saturday", StatusAppraising, saturdays, at(2026, 12, 1, 8, 0), true},
		{"received, within the window", StatusReceived, national, at(2026, 12, 1, 9, 0), false},
		{"online, before acceptance", StatusSubmitted, national, at(2026, 12, 9, 9, 0), false},
	} {
		d := dossierIn(c.s)
		who := cast[RoleAppraiser]
		dec := act(t, d, who, ActRequestSupplement, c.now, c.cal, nil)
		if dec.LateSupplement != c.late || strings.Contains(dec.History.Note, RuleSetOf(d).LateSupplementNote()) != c.late {
			t.Errorf("%s: late %v, note %q; want late %v", c.name, dec.LateSupplement, dec.History.Note, c.late)
		}
	}
	// The window counts from the day the period starts (Điều 18.2–3: a
	// receipt after the cut-off, after hours or on a day off reaches the
	// processing body the next working day), as the due date does.
	cut := procedure()
	cut.Cutoff = "15:00"
	nd61 := RuleSetOf(&Dossier{})
	for _, c := range []struct {
		name string
		p    *Procedure
		rec  time.Time
		now  time.Time
		late bool
	}{
		{"received Thu 16:00 after a 15:00 cut-off: Fri, Mon, Tue, Wed — Wed in time", cut, at(2026, 11, 26, 16, 0), at(2026, 12, 2, 10, 0), false},
		{"received Thu 16:00 after a 15:00 cut-off: Thu 3/12 late", cut, at(2026, 11, 26, 16, 0), at(2026, 12, 3, 8, 0), true},
		{"received Thu 14:00 before the cut-off: Wed 2/12 late", cut, at(2026, 11, 26, 14, 0), at(2026, 12, 2, 10, 0), true},
		{"received Thu 16:00 with no cut-off: Wed 2/12 late", procedure(), at(2026, 11, 26, 16, 0), at(2026, 12, 2, 10, 0), true},
		{"received Thu 18:00 after hours: Wed 2/12 in time", procedure(), at(2026, 11, 26, 18, 0), at(2026, 12, 2, 10, 0), false},
		{"received Sat 28/11 (a day off): Thu 3/12 in time", procedure(), at(2026, 11, 28, 9, 0), at(2026, 12, 3, 16, 0), false},
	} {
		d := dossierIn(StatusAppraising)
		d.ReceivedAt = ptr(c.rec)
		if got := SupplementRequestLate(d, nd61, c.p, national, c.now); got != c.late {
			t.Errorf("%s: late %v; want %v", c.name, got, c.late)
		}
	}
	// A checklist of missing components is spelled out in the reason.
	d := dossierIn(StatusAppraising)
	act(t, d, cast[RoleAppraiser], ActRequestSupplement, at(2026, 11, 27, 9, 0), national, func(r *Request) { r.Missing = []string{"GTPL"} })
	if d.Reason != "Lý do Cần bổ sung: Giấy tờ pháp lý" {
		t.Errorf("reason = %q", d.Reason)
	}
	d = dossierIn(StatusAppraising)
	req := full(ActRequestSupplement, d.Version)
	req.Missing = []string{"NOPE"}
	if _, err := Decide(d, cast[RoleAppraiser], req, facts(at(2026, 11, 27, 9, 0))); ErrorCode(err) != EINVALID {
		t.Errorf("unknown component = %v", err)
	}
}

// TestApology: the apology slip (Mẫu 04) gives the applicant a new
// appointment (NĐ 61/2018 Điều 19.9 as amended; contract §4): filed at
// least one working day before the due date, or once overdue when the
// lateness was not foreseen, before the return; only once; the new date a
// working day of the center, within its working hours that day. A dossier
// waiting for the applicant since before its appointment is not late (its
// period is paused, NĐ 61/2018 Điều 19.4), so no "unforeseen lateness" can
// be claimed for it. The original appointment stays the measure of
// lateness (issue 15 item 1).
func TestApology(t *testing.T) {
	fri4 := at(2026, 12, 4, 17, 0)
	monDue := func(d *Dossier) {
		d.DueAt, d.OriginalDueAt = ptr(at(2026, 11, 30, 17, 0)), ptr(at(2026, 11, 30, 17, 0))
	}
	for _, c := range []struct {
		name string
		mod  func(*Dossier)
		cal  *calendar.Calendar
		now  time.Time
		nd   time.Time
		code string
	}{
		{"two working days ahead", nil, national, at(2026, 11, 27, 10, 0), fri4, ""},
		{"on the last working day before the due date", nil, national, at(2026, 11, 30, 16, 0), fri4, ""},
		{"on the due date itself", nil, national, at(2026, 12, 1, 10, 0), fri4, EUNPROCESSABLE},
		{"on Saturday before a Monday due date", monDue, national, at(2026, 11, 28, 9, 0), fri4, EUNPROCESSABLE},
		{"on Friday before a Monday due date", monDue, national, at(2026, 11, 27, 16, 0), fri4, ""},
		{"overdue: lateness not foreseen", nil, national, at(2026, 12, 2, 9, 0), fri4, ""},
		{"a second apology", func(d *Dossier) { d.ApologyAt = ptr(received) }, national, at(2026, 11, 27, 10, 0), fri4, ECONFLICT},
		{"new date before the appointment", nil, national, at(2026, 11, 27, 10, 0), at(2026, 11, 30, 17, 0), EINVALID},
		{"new date already past", nil, national, at(2026, 12, 3, 9, 0), at(2026, 12, 2, 17, 0), EINVALID},
		{"new date on a Saturday", nil, national, at(2026, 11, 27, 10, 0), at(2026, 12, 5, 11, 0), EUNPROCESSABLE},
		{"new date on a Saturday the center works", nil, saturdays, at(2026, 11, 27, 10, 0), at(2026, 12, 5, 11, 0), ""},
		{"new date on a Sunday", nil, saturdays, at(2026, 11, 27, 10, 0), at(2026, 12, 6, 11, 0), EUNPROCESSABLE},
		{"new date on New Year's Day", nil, national, at(2026, 11, 27, 10, 0), at(2027, 1, 1, 11, 0), EUNPROCESSABLE},
		{"no appointment yet", func(d *Dossier) { d.DueAt = nil }, national, at(2026, 11, 27, 10, 0), fri4, ECONFLICT},
		{"new time after the close: Friday 17:30", nil, national, at(2026, 11, 27, 10, 0), at(2026, 12, 4, 17, 30), EUNPROCESSABLE},
		{"new time a few seconds after the close", nil, national, at(2026, 11, 27, 10, 0), fri4.Add(30 * time.Second), EUNPROCESSABLE},
		{"new time before the opening: Friday 07:00", nil, national, at(2026, 11, 27, 10, 0), at(2026, 12, 4, 7, 0), EUNPROCESSABLE},
		{"new time at the opening", nil, national, at(2026, 11, 27, 10, 0), at(2026, 12, 4, 7, 30), ""},
		{"new time in the lunch break (the center is open that day)", nil, national, at(2026, 11, 27, 10, 0), at(2026, 12, 4, 12, 0), ""},
		{"Saturday the center works, after its 11:30 close", nil, saturdays, at(2026, 11, 27, 10, 0), at(2026, 12, 5, 16, 30), EUNPROCESSABLE},
		{"waiting for the applicant since before the due date: not late", pausedAt(at(2026, 11, 30, 9, 0)), national, at(2026, 12, 2, 9, 0), fri4, EUNPROCESSABLE},
		{"waiting for the applicant, filed two working days ahead", pausedAt(at(2026, 11, 26, 10, 0)), national, at(2026, 11, 27, 10, 0), fri4, ""},
		{"waiting for the applicant since after the due date: late", pausedAt(at(2026, 12, 2, 8, 0)), national, at(2026, 12, 2, 9, 0), fri4, ""},
	} {
		d := dossierIn(StatusIssued)
		if c.mod != nil {
			c.mod(d)
		}
		req := full(ActApologize, d.Version)
		req.NewDueAt = &c.nd
		f := facts(c.now)
		f.Calendar = c.cal
		dec, err := Decide(d, cast[RoleReception], req, f)
		if ErrorCode(err) != c.code {
			t.Errorf("%s: %v; want %q", c.name, err, c.code)
			continue
		}
		if err != nil {
			continue
		}
		step, status := d.StepDueAt, d.Status
		Apply(d, dec, req, f)
		if !d.DueAt.Equal(c.nd) || d.ApologyAt == nil || d.Status != status || d.StepDueAt != step ||
			!strings.Contains(dec.History.Note, "Hẹn lại: ") {
			t.Errorf("%s: applied %+v", c.name, d)
		}
	}

	// Late with an apology: returned Wed 2/12 after the original Tue 1/12
	// 17:00 but before the new date — late, not on time.
	d := dossierIn(StatusIssued)
	act(t, d, cast[RoleReception], ActApologize, at(2026, 11, 27, 10, 0), national, nil)
	if _, err := Decide(d, cast[RoleReception], full(ActApologize, d.Version), facts(at(2026, 11, 27, 11, 0))); ErrorCode(err) != ECONFLICT {
		t.Errorf("second apology = %v; want 409", err)
	}
	act(t, d, cast[RoleReception], ActReturn, at(2026, 12, 2, 10, 0), national, nil)
	if d.Outcome != OutcomeLate || !d.DueAt.Equal(fri4) {
		t.Errorf("returned after the original appointment: %s (appointment %v)", d.Outcome, d.DueAt.In(ict))
	}
	// Overdue without an apology: no return.
	o := dossierIn(StatusIssued)
	if _, err := Decide(o, cast[RoleReception], full(ActReturn, o.Version), facts(at(2026, 12, 2, 10, 0))); ErrorCode(err) != EUNPROCESSABLE {
		t.Errorf("return overdue without apology = %v; want 422", err)
	}
	// The form proposes the close of the first working day past the
	// appointment (past today when overdue), which the check accepts.
	sat := dossierIn(StatusIssued)
	sat.DueAt = ptr(fri4)
	for _, c := range []struct {
		name string
		d    *Dossier
		cal  *calendar.Calendar
		now  time.Time
		want time.Time
	}{
		{"due Tue 1/12: Wed 2/12 at the close", o, national, at(2026, 11, 27, 10, 0), at(2026, 12, 2, 17, 0)},
		{"overdue on Fri 4/12: Mon 7/12", o, national, at(2026, 12, 4, 16, 0), at(2026, 12, 7, 17, 0)},
		{"due Fri 4/12 at a center open on Saturday: Sat 5/12 at 11:30", sat, saturdays, at(2026, 11, 27, 10, 0), at(2026, 12, 5, 11, 30)},
	} {
		got := DefaultApologyDue(c.d, c.cal, c.now)
		if !got.Equal(c.want) {
			t.Errorf("%s: default new appointment %v; want %v", c.name, got.In(ict), c.want)
		}
		if err := CheckAppointment(c.cal, got); err != nil {
			t.Errorf("%s: the default is refused: %v", c.name, err)
		}
	}
}

// pausedAt makes the fixture dossier wait for the applicant since t.
// TestOfferedAt: the dossier page offers the apology (Mẫu 04) exactly when
// CheckApology would accept it whatever the new date (issue 15): at least
// one working day before the due date, or once late when the lateness was
// not foreseen (NĐ 61/2018 Điều 19.9); never for a dossier waiting for the
// applicant since before its appointment, which is not late (Điều 19.4);
// only once. Other actions are offered as Offered says.
func TestOfferedAt(t *testing.T) {
	for _, c := range []struct {
		name string
		mod  func(*Dossier)
		now  time.Time
		a    Action
		want bool
	}{
		{"NĐ 61/2018 Điều 19.9: two working days ahead", nil, at(2026, 11, 27, 10, 0), ActApologize, true},
		{"NĐ 61/2018 Điều 19.9: the last working day before the due date", nil, at(2026, 11, 30, 16, 0), ActApologize, true},
		{"NĐ 61/2018 Điều 19.9: on the due date itself, not yet late", nil, at(2026, 12, 1, 10, 0), ActApologize, false},
		{"NĐ 61/2018 Điều 19.9: late, lateness not foreseen", nil, at(2026, 12, 2, 9, 0), ActApologize, true},
		{"NĐ 61/2018 Điều 19.9: only once", func(d *Dossier) { d.ApologyAt = ptr(received) }, at(2026, 11, 27, 10, 0), ActApologize, false},
		{"NĐ 61/2018 Điều 19.4: waiting for the applicant since before the due date, not late", pausedAt(at(2026, 11, 30, 9, 0)), at(2026, 12, 2, 9, 0), ActApologize, false},
		{"NĐ 61/2018 Điều 19.4: waiting since after the due date, late", pausedAt(at(2026, 12, 2, 8, 0)), at(2026, 12, 2, 9, 0), ActApologize, true},
		{"contract §4: the return stays offered on the due date", nil, at(2026, 12, 1, 10, 0), ActReturn, true},
	} {
		d := dossierIn(StatusIssued)
		if c.mod != nil {
			c.mod(d)
		}
		got := OfferedAt(cast[RoleReception], c.a, d, national, c.now)
		if got != c.want {
			t.Errorf("%s: offered %v; want %v", c.name, got, c.want)
		}
		if c.a != ActApologize {
			continue
		}
		// Offered means accepted: the same dossier at the same time, with
		// a valid new date, passes CheckApology (and only then).
		nd := DefaultApologyDue(d, national, c.now)
		if err := CheckApology(d, RuleSetOf(d), national, c.now, nd); (err == nil) != got {
			t.Errorf("%s: offered %v but CheckApology = %v", c.name, got, err)
		}
	}
}

func pausedAt(t time.Time) func(*Dossier) {
	return func(d *Dossier) { d.Status, d.PausedAt, d.Supplements = StatusSupplementRequested, ptr(t), 1 }
}

// TestHandCaseOnTimeRate is issue 15's hand case: four dossiers of a
// 3-working-day procedure received Thu 26/11 09:00 (due Tue 1/12 17:00),
// one of them late with an apology. Worked by hand: D1 returned Mon 30/11
// (early), D2 Tue 1/12 16:00 (on time), D3 refused Fri 27/11 (early), D4
// apologised on Fri 27/11 for Fri 4/12 and returned Thu 3/12 — before its new
// appointment but after the original one: late. On-time rate = 100 × 3 / 4
// = 75.00 (contract §7), not 100.
func TestHandCaseOnTimeRate(t *testing.T) {
	type run struct {
		name  string
		steps func(d *Dossier)
		want  string
	}
	ret := func(when time.Time) func(d *Dossier) {
		return func(d *Dossier) { act(t, d, cast[RoleReception], ActReturn, when, national, nil) }
	}
	runs := []run{
		{"D1", ret(at(2026, 11, 30, 10, 0)), OutcomeEarly},
		{"D2", ret(at(2026, 12, 1, 16, 0)), OutcomeOnTime},
		{"D3", nil, OutcomeEarly},
		{"D4", func(d *Dossier) {
			act(t, d, cast[RoleReception], ActApologize, at(2026, 11, 27, 10, 0), national, nil)
			act(t, d, cast[RoleReception], ActReturn, at(2026, 12, 3, 10, 0), national, nil)
		}, OutcomeLate},
	}
	var good, resolved int
	for _, r := range runs {
		var d *Dossier
		if r.steps == nil {
			d = dossierIn(StatusAwaitingApproval)
			act(t, d, cast[RoleApprover], ActRefuse, at(2026, 11, 27, 10, 0), national, nil)
		} else {
			d = dossierIn(StatusIssued)
			r.steps(d)
		}
		if d.Outcome != r.want {
			t.Errorf("%s: %s; want %s", r.name, d.Outcome, r.want)
		}
		resolved++
		if d.Outcome != OutcomeLate {
			good++
		}
	}
	if rate := float64(100*good) / float64(resolved); rate != 75.00 {
		t.Errorf("on-time rate = %.2f; want 75.00", rate)
	}
}

// TestFiveOnSpot: a "5 tại chỗ" dossier is appraised at the center only —
// "Không luân chuyển hồ sơ TTHC thực hiện theo quy trình 5 tại chỗ về phòng,
// ban chuyên môn" (QĐ 299/QĐ-UBND phần III; issue 15 item 11).
func TestFiveOnSpot(t *testing.T) {
	now := at(2026, 11, 27, 10, 0)
	away := &User{ID: 20, Name: "Đinh Văn Xa", Roles: []Role{RoleAppraiser}, AgencyCode: agency, Centers: []string{"C2"}}
	fos := func(s Status) *Dossier { d := dossierIn(s); d.Mode = ModeFiveOnSpot; return d }
	for _, c := range []struct {
		name     string
		d        *Dossier
		who      *User
		a        Action
		assignee *User
		code     string
	}{
		{"appraiser away takes it", fos(StatusReceived), away, ActAssign, nil, EFORBIDDEN},
		{"appraiser away submits the appraisal", fos(StatusAppraising), away, ActSubmitAppraisal, nil, EFORBIDDEN},
		{"appraiser away asks a supplement", fos(StatusAppraising), away, ActRequestSupplement, nil, EFORBIDDEN},
		{"reception assigns it away", fos(StatusReceived), cast[RoleReception], ActAssign, away, EUNPROCESSABLE},
		{"reception assigns it at the center", fos(StatusReceived), cast[RoleReception], ActAssign, cast[RoleAppraiser], ""},
		{"appraiser at the center takes it", fos(StatusReceived), cast[RoleAppraiser], ActAssign, nil, ""},
		{"standard dossier appraised away", dossierIn(StatusAppraising), away, ActSubmitAppraisal, nil, ""},
		{"assigned to a clerk", fos(StatusReceived), cast[RoleReception], ActAssign, cast[RoleClerk], EINVALID},
	} {
		f := facts(now)
		f.Assignee = c.assignee
		req := full(c.a, c.d.Version)
		dec, err := Decide(c.d, c.who, req, f)
		if ErrorCode(err) != c.code {
			t.Errorf("%s: %v; want %q", c.name, err, c.code)
			continue
		}
		if err == nil && c.a == ActAssign {
			Apply(c.d, dec, req, f)
			want := c.who.ID
			if c.assignee != nil {
				want = c.assignee.ID
			}
			if c.d.AssigneeID != want {
				t.Errorf("%s: assignee %d; want %d", c.name, c.d.AssigneeID, want)
			}
		}
	}
}

// TestUrgencyAndOverdue: the work list's urgency on the dossier's own
// center calendar.
func TestUrgencyAndOverdue(t *testing.T) {
	fri := at(2026, 11, 27, 10, 0)
	mon := ptr(at(2026, 11, 30, 17, 0))
	for _, c := range []struct {
		name string
		s    Status
		due  *time.Time
		cal  *calendar.Calendar
		want string
	}{
		{"past due", StatusAppraising, ptr(at(2026, 11, 27, 9, 0)), national, UrgencyOverdue},
		{"due later today", StatusAppraising, ptr(at(2026, 11, 27, 16, 0)), national, UrgencyToday},
		{"due later today on a Saturday-working center", StatusAwaitingApproval, ptr(at(2026, 11, 27, 10, 1)), saturdays, UrgencyToday},
		{"due Monday, national: the next working day", StatusAppraising, mon, national, UrgencyNear},
		{"due Monday, the center works Saturday", StatusAppraising, mon, saturdays, ""},
		{"waiting for the applicant", StatusSupplementRequested, ptr(at(2026, 11, 27, 9, 0)), national, ""},
		{"finished", StatusReturned, ptr(at(2026, 11, 27, 9, 0)), national, ""},
		{"no due date", StatusSubmitted, nil, national, ""},
	} {
		if got := Urgency(c.s, c.due, c.cal, fri); got != c.want {
			t.Errorf("%s: %q; want %q", c.name, got, c.want)
		}
	}
	d := dossierIn(StatusIssued)
	if Overdue(d, at(2026, 12, 1, 17, 0)) || !Overdue(d, at(2026, 12, 1, 17, 1)) {
		t.Errorf("overdue is after the due instant")
	}
}
