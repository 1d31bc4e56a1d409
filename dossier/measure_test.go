package dossier

import (
	"testing"
	"time"

	"motcua/calendar"
)

// TestMeasureDate: the date lateness is measured against in the reports is
// the original appointment plus the working time spent waiting for the
// applicant (regulation.md Part B §4.5: the QĐ 766 method subtracts the
// waiting time); an apology's new date (NĐ 61/2018 Điều 19.9, Mẫu 04) is
// the applicant's new appointment and never moves it. ReportDue is when an
// open dossier starts to count past due: never while it waits for the
// applicant since before its measure date, still late when it was paused
// already late.
//
// Worked by hand on the national calendar (07:30–11:30, 13:30–17:00, 7.5
// working hours a day): received Thu 26/11/2026 09:00, 3 working days, due
// Tue 1/12 17:00. A pause from Fri 27/11 09:00 to Mon 30/11 09:00 is
// 2.5 + 3.5 (Fri) + 1.5 (Mon) = 7.5 working hours, one working day: the
// measure date moves to Wed 2/12 17:00.
func TestMeasureDate(t *testing.T) {
	due := at(2026, 12, 1, 17, 0)
	for _, c := range []struct {
		name      string
		steps     func(t *testing.T, d *Dossier)
		measure   time.Time
		appoint   time.Time  // DueAt, the applicant's appointment
		reportDue *time.Time // nil: not counted past due while so
	}{
		{"received", func(*testing.T, *Dossier) {}, due, due, &due},
		{"apology to Fri 4/12: the measure stays", func(t *testing.T, d *Dossier) {
			act(t, d, cast[RoleReception], ActApologize, at(2026, 11, 27, 10, 0), national, nil)
		}, due, at(2026, 12, 4, 17, 0), &due},
		{"waiting for the applicant since before the measure date", func(t *testing.T, d *Dossier) {
			act(t, d, cast[RoleAppraiser], ActRequestSupplement, at(2026, 11, 27, 9, 0), national, nil)
		}, due, due, nil},
		{"supplemented after one working day", func(t *testing.T, d *Dossier) {
			act(t, d, cast[RoleAppraiser], ActRequestSupplement, at(2026, 11, 27, 9, 0), national, nil)
			act(t, d, cast[RoleReception], ActSupplement, at(2026, 11, 30, 9, 0), national, nil)
		}, at(2026, 12, 2, 17, 0), at(2026, 12, 2, 17, 0), ptr(at(2026, 12, 2, 17, 0))},
		{"paused once already late: still late", func(t *testing.T, d *Dossier) {
			act(t, d, cast[RoleAppraiser], ActRequestSupplement, at(2026, 12, 2, 9, 0), national, nil)
		}, due, due, &due},
		{"supplement, then an apology: the measure keeps the pause only", func(t *testing.T, d *Dossier) {
			act(t, d, cast[RoleAppraiser], ActRequestSupplement, at(2026, 11, 27, 9, 0), national, nil)
			act(t, d, cast[RoleReception], ActSupplement, at(2026, 11, 30, 9, 0), national, nil)
			act(t, d, cast[RoleAppraiser], ActApologize, at(2026, 12, 1, 9, 0), national, nil)
		}, at(2026, 12, 2, 17, 0), at(2026, 12, 4, 17, 0), ptr(at(2026, 12, 2, 17, 0))},
	} {
		d := dossierIn(StatusAppraising)
		c.steps(t, d)
		if d.MeasureDueAt == nil || !d.MeasureDueAt.Equal(c.measure) || !d.DueAt.Equal(c.appoint) {
			t.Errorf("%s: measure %v, appointment %v; want %v, %v", c.name, d.MeasureDueAt, d.DueAt.In(ict), c.measure, c.appoint)
		}
		got := ReportDue(d)
		if (got == nil) != (c.reportDue == nil) || (got != nil && !got.Equal(*c.reportDue)) {
			t.Errorf("%s: report due %v; want %v", c.name, got, c.reportDue)
		}
	}
	// The defect of issue 15 item 2: on Wed 2/12 10:00 a dossier with an
	// apology to 4/12 is not overdue for the applicant (contract §4) but is
	// past its measure date for the reports.
	d := dossierIn(StatusAppraising)
	act(t, d, cast[RoleReception], ActApologize, at(2026, 11, 27, 10, 0), national, nil)
	now := at(2026, 12, 2, 10, 0)
	if Overdue(d, now) || !ReportDue(d).Before(now) {
		t.Errorf("apology: overdue %v, report due %v at %v; want false, before", Overdue(d, now), ReportDue(d), now)
	}
	if ReportDue(&Dossier{}) != nil {
		t.Errorf("a dossier without a measure date has no report due")
	}
}

// TestFiveOnSpotRecordedAtReturn: the return of a "5 tại chỗ" dossier
// records whether it achieved it (every step at the center, the leader on
// site or electronically: QĐ 299/QĐ-UBND phần III) and whether it was
// returned the working day it was received, for the supervision report.
func TestFiveOnSpotRecordedAtReturn(t *testing.T) {
	for _, c := range []struct {
		name             string
		mode             Mode
		earlier          Place // the place of an earlier step
		returned         time.Time
		achieved, sameDy bool
		recorded         bool
	}{
		{"all at the center, same day", ModeFiveOnSpot, PlaceCenter, at(2026, 11, 26, 16, 0), true, true, true},
		{"leader on site, next day", ModeFiveOnSpot, PlaceOnSiteLeader, at(2026, 11, 27, 9, 0), true, false, true},
		{"appraised at the department", ModeFiveOnSpot, PlaceDepartment, at(2026, 11, 26, 16, 0), false, true, true},
		{"standard dossier: not recorded", ModeStandard, PlaceCenter, at(2026, 11, 26, 16, 0), false, false, false},
	} {
		d := dossierIn(StatusIssued)
		d.Mode = c.mode
		d.History = []HistoryEntry{{Action: ActReceive, To: StatusReceived, At: received, Place: PlaceCenter},
			{Action: ActSubmitAppraisal, From: StatusAppraising, To: StatusAwaitingApproval, At: received.Add(time.Hour), Place: c.earlier}}
		act(t, d, cast[RoleReception], ActReturn, c.returned, national, nil)
		if (d.FiveOnSpotAchieved != nil) != c.recorded {
			t.Fatalf("%s: recorded %v; want %v", c.name, d.FiveOnSpotAchieved != nil, c.recorded)
		}
		if c.recorded && (*d.FiveOnSpotAchieved != c.achieved || *d.ReturnedSameDay != c.sameDy) {
			t.Errorf("%s: achieved %v same day %v; want %v %v", c.name, *d.FiveOnSpotAchieved, *d.ReturnedSameDay, c.achieved, c.sameDy)
		}
	}
}

// TestReceiveIsDecided: the creation of a dossier goes through the table
// like every action (contract §4; NĐ 61/2018 Điều 18: reception at the
// center; NĐ 45/2020: the applicant online): reception of the dossier's
// center receives at the counter, the applicant submits their own online,
// nobody else creates.
func TestReceiveIsDecided(t *testing.T) {
	elsewhere := &User{ID: 9, Name: "Ngô Thị Lan", Roles: []Role{RoleReception}, AgencyCode: "C2AG", Centers: []string{"C2"}}
	stranger := &User{ID: 10, Name: "Bùi Văn Khách", Roles: []Role{RoleCitizen}}
	for _, c := range []struct {
		who    *User
		a      Action
		code   string // "" allowed
		status Status
		place  Place
	}{
		{cast[RoleReception], ActReceive, "", StatusReceived, PlaceCenter},
		{cast[RoleCitizen], ActSubmit, "", StatusSubmitted, PlaceOnline},
		{elsewhere, ActReceive, EFORBIDDEN, "", ""},
		{cast[RoleAppraiser], ActReceive, EFORBIDDEN, "", ""},
		{stranger, ActSubmit, EFORBIDDEN, "", ""},
		{cast[RoleReception], ActSubmit, EFORBIDDEN, "", ""},
	} {
		d := dossierIn(StatusNone)
		req := full(c.a, 0)
		dec, err := Decide(d, c.who, req, facts(received))
		if ErrorCode(err) != c.code {
			t.Errorf("%s by %s: %v; want %q", c.a, c.who.Name, err, c.code)
			continue
		}
		if err != nil {
			continue
		}
		Apply(d, dec, req, facts(received))
		h := d.History[len(d.History)-1]
		if d.Status != c.status || h.Action != c.a || h.From != StatusNone || h.Place != c.place {
			t.Errorf("%s by %s: status %s, history %+v", c.a, c.who.Name, d.Status, h)
		}
		if (d.ReceivedAt != nil) != (c.a == ActReceive) || (d.StepDueAt != nil) != (c.a == ActReceive) {
			t.Errorf("%s: received %v step due %v", c.a, d.ReceivedAt, d.StepDueAt)
		}
	}
	// A created dossier cannot be created again.
	d := dossierIn(StatusReceived)
	if _, err := Decide(d, cast[RoleReception], full(ActReceive, d.Version), facts(received)); ErrorCode(err) != ECONFLICT {
		t.Errorf("receive twice: %v; want ECONFLICT", err)
	}
}

// TestStepsCappedByTheMeasure: a step's deadline (the internal process's
// allotment, quy trình nội bộ) is capped by the date the dossier is
// measured against, never by an apology's new appointment: the apology
// moves the applicant's date (NĐ 61/2018 Điều 19.9), not the units'
// allotments, so a step finished after the original appointment is late on
// the control slip (TT 01/2018 Mẫu 05) and in the officer's index 2 (TT
// 01/2018 Điều 13–15).
//
// By hand: received Thu 26/11 09:00, due Tue 1/12 17:00; apology on Fri
// 27/11 to Fri 4/12 17:00; appraisal submitted Wed 2/12 09:00. The approval
// step has no budget: its deadline is Tue 1/12 17:00 (it was Fri 4/12), so
// an approval on Thu 3/12 is late (it was "early"). A pause of one working
// day moves the cap with it.
func TestStepsCappedByTheMeasure(t *testing.T) {
	d := dossierIn(StatusAppraising)
	act(t, d, cast[RoleReception], ActApologize, at(2026, 11, 27, 10, 0), national, nil)
	act(t, d, cast[RoleAppraiser], ActSubmitAppraisal, at(2026, 12, 2, 9, 0), national, nil)
	if want := at(2026, 12, 1, 17, 0); d.StepDueAt == nil || !d.StepDueAt.Equal(want) {
		t.Fatalf("approval step due %v; want %v (the original appointment)", d.StepDueAt, want)
	}
	act(t, d, cast[RoleApprover], ActApprove, at(2026, 12, 3, 9, 0), national, nil)
	rows := ControlSlip(d, national, "")
	var verdict string
	for _, r := range rows {
		if r.Action == ActApprove {
			verdict = r.Verdict
		}
	}
	if verdict != string(calendar.OutcomeLate) {
		t.Errorf("approval after the original appointment: verdict %q; want late (rows %+v)", verdict, rows)
	}

	// Waiting for the applicant moves the cap: paused Fri 27/11 09:00 to
	// Mon 30/11 09:00 (7.5 working hours), the measure and the cap are Wed
	// 2/12 17:00.
	p := dossierIn(StatusAppraising)
	act(t, p, cast[RoleAppraiser], ActRequestSupplement, at(2026, 11, 27, 9, 0), national, nil)
	act(t, p, cast[RoleReception], ActSupplement, at(2026, 11, 30, 9, 0), national, nil)
	act(t, p, cast[RoleReception], ActApologize, at(2026, 11, 30, 10, 0), national, nil)
	act(t, p, cast[RoleAppraiser], ActSubmitAppraisal, at(2026, 12, 1, 9, 0), national, nil)
	if want := at(2026, 12, 2, 17, 0); p.StepDueAt == nil || !p.StepDueAt.Equal(want) {
		t.Errorf("after a pause and an apology: step due %v; want %v", p.StepDueAt, want)
	}
}
