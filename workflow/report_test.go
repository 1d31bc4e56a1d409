package workflow_test

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/workflow"
)

// vnZone is Bắc Ninh's time zone.
var vnZone = ict

// vnAt is a local instant in Bắc Ninh.
func vnAt(mo time.Month, d, h, mi, s, ms int) time.Time {
	return time.Date(2026, mo, d, h, mi, s, ms*1e6, vnZone)
}

// rEnv is the demo province for the report tests (the workflow tests'
// fixture, started on 15 October 2026).
type rEnv struct {
	*env
	clk *clock
}

func newREnv(t testing.TB, e store.Engine) *rEnv {
	t.Helper()
	ev := newEnvAt(t, e, vnAt(10, 15, 9, 0, 0, 0))
	return &rEnv{env: ev, clk: ev.clock}
}

// eachREnv runs f as a subtest once per engine (storetest.Each), each time
// with a fresh rEnv (newREnv).
func eachREnv(t *testing.T, f func(t *testing.T, ev *rEnv)) {
	storetest.Each(t, func(t *testing.T, e store.Engine) { f(t, newREnv(t, e)) })
}

// receive files a complete dossier of procedure code at time at.
func (ev *rEnv) receive(t testing.TB, code string, at time.Time) *dossier.Dossier {
	t.Helper()
	ev.clk.Set(at)
	return ev.receiveOf(t, code, dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Văn An", IDNumber: "027190001234"})
}

func (ev *rEnv) act(t testing.TB, who string, d *dossier.Dossier, at time.Time, a dossier.Action, in workflow.ActionInput) *dossier.Dossier {
	t.Helper()
	ev.clk.Set(at)
	in.Version = d.Version
	out, err := ev.svc.Act(context.Background(), ev.users[who], d.Code, a, in)
	if err != nil {
		t.Fatalf("%s %s %s at %v: %v", who, a, d.Code, at.In(vnZone), err)
	}
	return out
}

// summary is the admin's summary report for q.
func (ev *rEnv) summary(t testing.TB, q workflow.ReportQuery) *workflow.SummaryReport {
	t.Helper()
	sum, err := ev.svc.Summary(context.Background(), ev.users["admin"], q)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// indicators is the admin's QĐ 766 indicators for q, by code.
func (ev *rEnv) indicators(t testing.TB, q workflow.ReportQuery) map[string]workflow.Indicator {
	t.Helper()
	ind, err := ev.svc.Indicators(context.Background(), ev.users["admin"], q)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]workflow.Indicator{}
	for _, i := range ind.Indicators {
		got[i.Code] = i
	}
	return got
}

// toIssued takes d from appraising (or received) to issued at at.
func (ev *rEnv) toIssued(t testing.TB, d *dossier.Dossier, at time.Time) *dossier.Dossier {
	t.Helper()
	if d.Status == dossier.StatusReceived {
		d = ev.act(t, "appraiser", d, at, dossier.ActAssign, workflow.ActionInput{})
	}
	d = ev.act(t, "appraiser", d, at, dossier.ActSubmitAppraisal, workflow.ActionInput{Recommendation: "approve", Report: "Hợp lệ", DraftResult: "Cấp giấy"})
	d = ev.act(t, "approver", d, at, dossier.ActApprove, workflow.ActionInput{})
	return ev.act(t, "clerk", d, at, dossier.ActIssue, workflow.ActionInput{})
}

const importJSONL = `{"code":"IMP-1","procedure_code":"2.001610","channel":"online","applicant":{"kind":"citizen","name":"Trần Thị Bình","id_number":"027190005678"},"received_at":"2026-11-03T08:00:00+07:00","due_at":"2026-11-06T17:00:00+07:00","status":"returned","finished_at":"2026-11-05T10:00:00+07:00"}
{"code":"IMP-2","procedure_code":"2.001610","channel":"online","applicant":{"kind":"citizen","name":"Lê Văn Cường","id_number":"027190005679"},"received_at":"2026-11-04T09:00:00+07:00","due_at":"2026-11-05T17:00:00+07:00","status":"appraising","finished_at":null}

{"code":"IMP-3","procedure_code":"2.001610","channel":"counter","applicant":{"kind":"citizen","name":"Phạm Thị Dung","id_number":"027190005680"},"received_at":"2026-11-02T14:00:00+07:00","due_at":"2026-11-05T17:00:00+07:00","status":"refused","finished_at":"2026-11-06T08:00:00+07:00","events":[{"action":"receive","at":"2026-11-02T14:00:00+07:00","actor":"Cán bộ cũ"},{"action":"refuse","at":"2026-11-06T08:00:00+07:00","actor":"Lãnh đạo cũ","note":"Không đủ điều kiện"}]}
{"code":"IMP-4","procedure_code":"2.001610","channel":"postal","applicant":{"kind":"organization","name":"Công ty TNHH Hoa Sen","id_number":"0100109106"},"received_at":"2026-10-30T09:00:00+07:00","due_at":"2026-11-04T17:00:00+07:00","status":"returned","finished_at":"2026-11-03T15:00:00+07:00"}
{"code":"IMP-5","procedure_code":"2.001610","channel":"online","applicant":{"kind":"citizen","name":"Đỗ Văn Em","id_number":"027190005681"},"received_at":null,"due_at":null,"status":"submitted","finished_at":null}
`

// buildKnownSet files the hand-built data set of TestSummaryKnownSet.
func buildKnownSet(t testing.TB, ev *rEnv) map[string]*dossier.Dossier {
	ctx := context.Background()
	const p = "2.001610" // 3 working days, 5 tại chỗ since 2021
	ds := map[string]*dossier.Dossier{}
	thu17 := vnAt(11, 5, 17, 0, 0, 0)

	// N1: early (returned Wed, due Thu 17:00).
	d := ev.receive(t, p, vnAt(11, 2, 9, 0, 0, 0))
	if !d.DueAt.Equal(thu17) {
		t.Fatalf("N1 due = %v; want %v", d.DueAt.In(vnZone), thu17)
	}
	d = ev.toIssued(t, d, vnAt(11, 2, 9, 10, 0, 0))
	ds["N1"] = ev.act(t, "reception", d, vnAt(11, 4, 10, 0, 0, 0), dossier.ActReturn, workflow.ActionInput{})

	// N2: returned exactly at the due instant: on time.
	d = ev.toIssued(t, ev.receive(t, p, vnAt(11, 2, 9, 30, 0, 0)), vnAt(11, 2, 9, 40, 0, 0))
	ds["N2"] = ev.act(t, "reception", d, thu17, dossier.ActReturn, workflow.ActionInput{})

	// N3: refused one millisecond after the due instant: late.
	d = ev.act(t, "appraiser", ev.receive(t, p, vnAt(11, 2, 10, 0, 0, 0)), vnAt(11, 2, 10, 5, 0, 0), dossier.ActAssign, workflow.ActionInput{})
	ds["N3"] = ev.act(t, "approver", d, thu17.Add(time.Millisecond), dossier.ActRefuse, workflow.ActionInput{Reason: "Không đủ điều kiện"})

	// N4: paused Mon 14:00 → Wed 14:00 = 15 working hours (2 days): due
	// moves to Mon 9/11 17:00; returned that Monday: on time.
	d = ev.act(t, "appraiser", ev.receive(t, p, vnAt(11, 2, 10, 30, 0, 0)), vnAt(11, 2, 10, 35, 0, 0), dossier.ActAssign, workflow.ActionInput{})
	d = ev.act(t, "appraiser", d, vnAt(11, 2, 14, 0, 0, 0), dossier.ActRequestSupplement, workflow.ActionInput{Reason: "Thiếu bản sao"})
	d = ev.act(t, "reception", d, vnAt(11, 4, 14, 0, 0, 0), dossier.ActSupplement, workflow.ActionInput{})
	if want := vnAt(11, 9, 17, 0, 0, 0); !d.DueAt.Equal(want) {
		t.Fatalf("N4 due after pause = %v; want %v", d.DueAt.In(vnZone), want)
	}
	d = ev.toIssued(t, d, vnAt(11, 4, 15, 0, 0, 0))
	ds["N4"] = ev.act(t, "reception", d, vnAt(11, 9, 10, 0, 0, 0), dossier.ActReturn, workflow.ActionInput{})

	// N5: two supplement requests (the first over lunch: no working time
	// paused; the second 1 h, under half a working day: the appointment
	// keeps its date, calendar.ExtendDue), returned Wed: early, but late
	// for QĐ 766 2.1.
	d = ev.act(t, "appraiser", ev.receive(t, p, vnAt(11, 2, 11, 0, 0, 0)), vnAt(11, 2, 11, 5, 0, 0), dossier.ActAssign, workflow.ActionInput{})
	d = ev.act(t, "appraiser", d, vnAt(11, 2, 11, 30, 0, 0), dossier.ActRequestSupplement, workflow.ActionInput{Reason: "Thiếu 1"})
	d = ev.act(t, "reception", d, vnAt(11, 2, 13, 30, 0, 0), dossier.ActSupplement, workflow.ActionInput{})
	d = ev.act(t, "appraiser", d, vnAt(11, 2, 14, 0, 0, 0), dossier.ActRequestSupplement, workflow.ActionInput{Reason: "Thiếu 2"})
	d = ev.act(t, "reception", d, vnAt(11, 2, 15, 0, 0, 0), dossier.ActSupplement, workflow.ActionInput{})
	if want := thu17; !d.DueAt.Equal(want) {
		t.Fatalf("N5 due after pauses = %v; want %v", d.DueAt.In(vnZone), want)
	}
	d = ev.toIssued(t, d, vnAt(11, 3, 9, 0, 0, 0))
	ds["N5"] = ev.act(t, "reception", d, vnAt(11, 4, 9, 0, 0, 0), dossier.ActReturn, workflow.ActionInput{})

	// N6: received Fri 6/11 23:59:59.999 (last instant of the period).
	ds["N6"] = ev.receive(t, p, vnAt(11, 6, 23, 59, 59, 999))
	// N7: received Sat 7/11 00:00 (first instant after it).
	ds["N7"] = ev.receive(t, p, vnAt(11, 7, 0, 0, 0, 0))
	// N8: received Sun 1/11 23:59:59.999 (before it), never finished.
	ds["N8"] = ev.receive(t, p, vnAt(11, 1, 23, 59, 59, 999))

	// N10: withdrawn: closed, not resolved.
	d = ev.receive(t, p, vnAt(11, 2, 8, 0, 0, 0))
	ds["N10"] = ev.act(t, "reception", d, vnAt(11, 3, 9, 0, 0, 0), dossier.ActWithdraw, workflow.ActionInput{Reason: "Công dân rút"})

	// N11: apology in advance (new date Mon 9/11), returned Fri 6/11
	// 23:59:59.999, in the period: late, because the original appointment
	// (Thu 5/11 17:00) stays the measure of lateness after an apology
	// (NĐ 61/2018 Điều 19.9; issue 15 item 1: this used to count early
	// against the new date).
	d = ev.receive(t, p, vnAt(11, 2, 8, 30, 0, 0))
	nd := vnAt(11, 9, 17, 0, 0, 0)
	d = ev.act(t, "reception", d, vnAt(11, 3, 9, 0, 0, 0), dossier.ActApologize, workflow.ActionInput{Reason: "Cần xác minh", NewDueAt: &nd})
	d = ev.toIssued(t, d, vnAt(11, 3, 10, 0, 0, 0))
	ds["N11"] = ev.act(t, "reception", d, vnAt(11, 6, 23, 59, 59, 999), dossier.ActReturn, workflow.ActionInput{})

	// N12: overdue, apology with a new date Fri 12:00, returned Sat 00:00:
	// late, after the period.
	d = ev.toIssued(t, ev.receive(t, p, vnAt(11, 2, 9, 45, 0, 0)), vnAt(11, 2, 9, 50, 0, 0))
	nd2 := vnAt(11, 6, 12, 0, 0, 0)
	d = ev.act(t, "reception", d, vnAt(11, 6, 9, 0, 0, 0), dossier.ActApologize, workflow.ActionInput{Reason: "Chậm", NewDueAt: &nd2})
	ds["N12"] = ev.act(t, "reception", d, vnAt(11, 7, 0, 0, 0, 0), dossier.ActReturn, workflow.ActionInput{})

	ev.clk.Set(vnAt(11, 20, 9, 0, 0, 0))
	res, err := ev.svc.ImportDossiers(ctx, ev.users["admin"], strings.NewReader(importJSONL), workflow.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v (%+v)", err, dossier.ErrorFields(err))
	}
	if res.Created != 5 || res.Rows != 5 {
		t.Fatalf("import = %+v", res)
	}
	return ds
}

// TestSummaryKnownSet checks every figure of contract §7 on a data set
// where each number is known: early, on time and late at the boundaries,
// pauses, refusals, a withdrawal, apologies, period edges at midnight in
// Asia/Ho_Chi_Minh, and imported plus native dossiers.
func TestSummaryKnownSet(t *testing.T) {
	eachREnv(t, func(t *testing.T, ev *rEnv) {
		ctx := context.Background()
		ds := buildKnownSet(t, ev)
		for k, want := range map[string]string{"N1": "early", "N2": "on_time", "N3": "late", "N4": "on_time", "N5": "early", "N11": "late", "N12": "late"} {
			if ds[k].Outcome != want {
				t.Errorf("%s outcome = %q; want %q", k, ds[k].Outcome, want)
			}
		}
		if !ds["N8"].DueAt.Before(vnAt(11, 7, 0, 0, 0, 0)) || ds["N6"].DueAt.Before(vnAt(11, 7, 0, 0, 0, 0)) {
			t.Fatalf("N8 due %v, N6 due %v", ds["N8"].DueAt.In(vnZone), ds["N6"].DueAt.In(vnZone))
		}
		if !ds["N6"].DueAt.Before(vnAt(11, 14, 0, 0, 0, 0)) || !ds["N7"].DueAt.Before(vnAt(11, 14, 0, 0, 0, 0)) {
			t.Fatalf("N6 due %v, N7 due %v", ds["N6"].DueAt.In(vnZone), ds["N7"].DueAt.In(vnZone))
		}
		admin := ev.users["admin"]
		type fig struct {
			received, online, resolved, early, onTime, late, open, overdue int64
			onlineRate, onTimeRate                                         float64
		}
		for _, c := range []struct {
			name string
			q    workflow.ReportQuery
			want fig
		}{
			// A: Mon 2/11 – Fri 6/11.
			{"week", workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06"}, fig{12, 2, 8, 4, 1, 3, 5, 3, 16.67, 62.5}},
			// B: two weeks: N7 received, N4 and N12 resolved.
			{"two weeks", workflow.ReportQuery{From: "2026-11-02", To: "2026-11-13"}, fig{13, 2, 10, 4, 2, 4, 4, 4, 15.38, 60}},
			// C: Saturday only: N7 received at 00:00, N12 returned at 00:00.
			{"saturday", workflow.ReportQuery{From: "2026-11-07", To: "2026-11-07"}, fig{1, 0, 1, 0, 0, 1, 5, 2, 0, 0}},
			// D: Sunday 1/11: N8 received at 23:59:59.999; IMP-4 still open.
			{"sunday", workflow.ReportQuery{From: "2026-11-01", To: "2026-11-01"}, fig{1, 0, 0, 0, 0, 0, 2, 0, 0, 0}},
			// Province level: the same as A; district: nothing.
			{"province", workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06", Level: "province"}, fig{12, 2, 8, 4, 1, 3, 5, 3, 16.67, 62.5}},
			{"district", workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06", Level: "district"}, fig{}},
			{"center", workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06", Center: "BN.TTHCC", Agency: "BN.SKHDT"}, fig{12, 2, 8, 4, 1, 3, 5, 3, 16.67, 62.5}},
			{"other agency", workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06", Agency: "BN.STC"}, fig{}},
			// Across months (whole October from the monthly table, 1–13/11
			// daily): IMP-4 (30/10) and N8 (1/11) are received too.
			{"months", workflow.ReportQuery{From: "2026-10-01", To: "2026-11-13"}, fig{15, 2, 10, 4, 2, 4, 4, 4, 13.33, 60}},
		} {
			for _, u := range []*dossier.User{admin, ev.users["supervisor"]} {
				got, err := ev.svc.Summary(ctx, u, c.q)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				g := fig{got.Received, got.ReceivedOnline, got.Resolved, got.ResolvedEarly, got.ResolvedOnTime, got.ResolvedLate,
					got.Open, got.OpenOverdue, got.OnlineRate, got.OnTimeRate}
				if g != c.want {
					t.Errorf("%s (%s): got %+v; want %+v", c.name, u.Username, g, c.want)
				}
				// The aggregates equal a straight scan of the dossiers.
				sum, open, overdue := scanFor(t, ev, c.q)
				if sum.Received != got.Received || sum.Resolved != got.Resolved || sum.Early != got.ResolvedEarly ||
					sum.OnTime != got.ResolvedOnTime || sum.Late != got.ResolvedLate || open != got.Open || overdue != got.OpenOverdue {
					t.Errorf("%s: scan %+v open %d overdue %d; aggregates %+v", c.name, sum, open, overdue, got.Summary)
				}
			}
		}
		// Catalog figures, computed independently from the catalog.
		got := ev.summary(t, workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06", Level: "province"})
		var procs, fos, delegated int64
		ps, _, err := ev.db.Procedures(ctx, store.ProcedureFilter{Level: "province", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			procs++
			if p.FiveOnSpotAt("2026-11-06") {
				fos++
				if p.AgencyCode == "BN.SKHDT" { // the demo delegation covers all of SKHĐT's
					delegated++
				}
			}
		}
		if got.Procedures != procs || got.ProceduresFiveOnSpot != fos || got.ProceduresWithDossiers != 1 ||
			got.ProceduresWithDossiersFiveOnSpot != 1 || got.FiveOnSpotCoverage != 100 || got.ProceduresDelegated != delegated ||
			got.FiveOnSpotShare != workflow.Rate(fos, procs) || got.DelegationRate != workflow.Rate(delegated, fos) {
			t.Errorf("catalog figures = %+v; want procedures %d, five on spot %d, delegated %d", got.Summary, procs, fos, delegated)
		}
		// Processing time: N1 Mon 09:00 → Wed 10:00 = 7.5+7.5+... computed by the calendar.
		if got.AvgProcessingHours <= 0 {
			t.Errorf("avg processing hours = %v", got.AvgProcessingHours)
		}
		// Access: reception may not; a supervisor may not see another center.
		if _, err := ev.svc.Summary(ctx, ev.users["reception"], workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06"}); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("reception summary = %v; want forbidden", err)
		}
		if _, err := ev.svc.Summary(ctx, ev.users["supervisor"], workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06", Center: "BN.TPBACNINH.TTHCC"}); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("supervisor other center = %v; want forbidden", err)
		}
		for _, q := range []workflow.ReportQuery{{From: "2026-11-06", To: "2026-11-02"}, {From: "x", To: "2026-11-02"}, {From: "2026-11-02", To: "2026-11-06", Level: "galaxy"}} {
			if _, err := ev.svc.Summary(ctx, admin, q); dossier.ErrorCode(err) != dossier.EINVALID {
				t.Errorf("Summary(%+v) = %v; want invalid", q, err)
			}
		}
		// Breakdowns add up to the summary.
		week := workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06"}
		byProc, err := ev.svc.Breakdown(ctx, admin, week, workflow.ByProcedure)
		if err != nil {
			t.Fatal(err)
		}
		var recv int64
		for _, it := range byProc.Items {
			recv += it.Received
			if it.Code == "2.001610" && (it.Received != 12 || it.Resolved != 8 || it.Open != 5) {
				t.Errorf("by-procedure 2.001610 = %+v", it.Summary)
			}
		}
		if recv != 12 || byProc.Total.Received != 12 {
			t.Errorf("by-procedure received = %d, total %d", recv, byProc.Total.Received)
		}
		byMonth, err := ev.svc.Breakdown(ctx, admin, workflow.ReportQuery{From: "2026-10-01", To: "2026-11-13"}, workflow.ByMonth)
		if err != nil {
			t.Fatal(err)
		}
		if len(byMonth.Items) != 2 || byMonth.Items[0].Received != 1 || byMonth.Items[1].Received != 14 ||
			byMonth.Items[0].Open != 1 || byMonth.Items[1].Open != 4 || byMonth.Items[1].OpenOverdue != 4 {
			t.Errorf("by-month = %+v", byMonth.Items)
		}
		// QĐ 766 2.1 for A: on time (≤ 1 supplement) N1 N2 IMP-1 IMP-4
		// (N5 has two requests; N11 is late against its original
		// appointment) + open not overdue N4 N6 = 6 of 8 + 5.
		i21 := ev.indicators(t, week)["2.1"]
		if i21.Code != "2.1" || i21.Numerator != 6 || i21.Denominator != 13 || i21.Value != 46.15 {
			t.Errorf("2.1 = %+v", i21)
		}
		// Officers: every native dossier resolved in A was assigned to the
		// demo appraiser; the imported ones to nobody.
		off, err := ev.svc.ByOfficer(ctx, admin, week)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, o := range off.Items {
			n += o.Resolved
		}
		if n != 8 {
			t.Errorf("by-officer resolved = %d; want 8 (%+v)", n, off.Items)
		}
		if _, err := ev.svc.Evaluation(ctx, admin, week); err != nil {
			t.Errorf("evaluation: %v", err)
		}
		// A recount changes nothing.
		assertRecountEqual(t, ev)
	})
}

func scanFor(t testing.TB, ev *rEnv, q workflow.ReportQuery) (store.Counts, int64, int64) {
	t.Helper()
	from, _ := time.ParseInLocation("2006-01-02", q.From, vnZone)
	to, _ := time.ParseInLocation("2006-01-02", q.To, vnZone)
	c, open, overdue, err := ev.db.ScanSummary(context.Background(), from, to.AddDate(0, 0, 1),
		store.AggFilter{All: true, Center: q.Center, Agency: q.Agency, Level: q.Level})
	if err != nil {
		t.Fatal(err)
	}
	return c, open, overdue
}

// assertRecountEqual checks that the incremental aggregates equal a full
// recount from the dossiers.
func assertRecountEqual(t testing.TB, ev *rEnv) {
	t.Helper()
	ctx := context.Background()
	rows := func(monthly bool) map[store.AggKey]store.Counts {
		t.Helper()
		m, err := ev.db.DailyRows(ctx, monthly)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	before, beforeM := rows(false), rows(true)
	if _, err := ev.svc.RecountAggregates(ctx, nil); err != nil {
		t.Fatal(err)
	}
	after, afterM := rows(false), rows(true)
	diff := func(name string, a, b map[store.AggKey]store.Counts) {
		for k, v := range a {
			if b[k] != v {
				t.Errorf("%s %+v: incremental %+v; recount %+v", name, k, v, b[k])
			}
		}
		for k, v := range b {
			if _, ok := a[k]; !ok {
				t.Errorf("%s %+v: missing incrementally; recount %+v", name, k, v)
			}
		}
	}
	diff("daily", before, after)
	diff("monthly", beforeM, afterM)
}

// TestImportDossiersValidation: every bad line is reported with its line
// number and field, nothing is written, an existing code is an error
// unless skip-existing.
func TestImportDossiersValidation(t *testing.T) {
	eachREnv(t, func(t *testing.T, ev *rEnv) {
		ctx := context.Background()
		admin := ev.users["admin"]
		bad := `{"code":"B-1","procedure_code":"NOPE","channel":"fax","applicant":{"kind":"citizen","name":"A","id_number":"1"},"received_at":"2026-11-03","due_at":"2026-11-02T08:00:00+07:00","status":"returned","finished_at":null}
{"code":"B-2","procedure_code":"2.001610","channel":"counter","applicant":{"kind":"citizen","name":"Nguyễn An","id_number":"027190001234"},"received_at":"2026-11-03T08:00:00+07:00","due_at":"2026-11-02T08:00:00+07:00","status":"appraising","finished_at":"2026-11-04T08:00:00+07:00"}
not json
{"code":"B-2","procedure_code":"2.001610","channel":"counter","applicant":{"kind":"citizen","name":"Nguyễn An","id_number":"027190001234"},"received_at":"2026-11-03T08:00:00+07:00","due_at":"2026-11-06T08:00:00+07:00","status":"received","finished_at":null,"events":[{"action":"fly","at":"2026-11-03T08:00:00+07:00"}]}
`
		_, err := ev.svc.ImportDossiers(ctx, admin, strings.NewReader(bad), workflow.ImportOptions{})
		if dossier.ErrorCode(err) != dossier.EINVALID {
			t.Fatalf("import bad = %v; want invalid", err)
		}
		got := map[string]bool{}
		for _, f := range dossier.ErrorFields(err) {
			got[strings.Join([]string{itoa(f.Line), f.Field}, ":")] = true
		}
		for _, want := range []string{"1:procedure_code", "1:channel", "1:applicant.id_number", "1:applicant.name", "1:received_at",
			"1:finished_at", "2:due_at", "2:finished_at", "3:line", "4:code", "4:events[0].action"} {
			if !got[want] {
				t.Errorf("missing error %s; got %v", want, got)
			}
		}
		var n int
		if err := ev.db.SQL().QueryRow(`SELECT COUNT(*) FROM dossiers`).Scan(&n); err != nil || n != 0 {
			t.Errorf("dossiers after failed import = %d, %v", n, err)
		}
		// Non-admins may not import.
		if _, err := ev.svc.ImportDossiers(ctx, ev.users["supervisor"], strings.NewReader(importJSONL), workflow.ImportOptions{}); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("supervisor import = %v", err)
		}
		var progress []int
		res, err := ev.svc.ImportDossiers(ctx, nil, strings.NewReader(importJSONL), workflow.ImportOptions{Progress: func(done, total int) { progress = append(progress, done, total) }})
		if err != nil || res.Created != 5 {
			t.Fatalf("import = %+v, %v", res, err)
		}
		if len(progress) < 2 || progress[len(progress)-2] != 5 || progress[len(progress)-1] != 5 {
			t.Errorf("progress = %v", progress)
		}
		// Again: every code exists → line-numbered errors; then skip-existing.
		_, err = ev.svc.ImportDossiers(ctx, admin, strings.NewReader(importJSONL), workflow.ImportOptions{})
		if fs := dossier.ErrorFields(err); len(fs) != 5 || fs[2].Line != 4 || fs[2].Field != "code" {
			t.Errorf("re-import = %v %+v", err, fs)
		}
		res, err = ev.svc.ImportDossiers(ctx, admin, strings.NewReader(importJSONL), workflow.ImportOptions{SkipExisting: true})
		if err != nil || res.Created != 0 || res.Skipped != 5 {
			t.Errorf("skip-existing = %+v, %v", res, err)
		}
		d, err := ev.db.Dossier(ctx, "IMP-3", store.Scope{All: true})
		if err != nil || !d.Imported || d.Outcome != "late" || len(d.History) != 2 || d.History[1].Action != dossier.ActRefuse || d.Mode != dossier.ModeFiveOnSpot {
			t.Errorf("IMP-3 = %+v, %v", d, err)
		}
		assertRecountEqual(t, ev)
		// A database whose aggregates are empty is recounted at start.
		week := workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06"}
		want, _ := ev.svc.Summary(ctx, admin, week)
		if err := ev.db.InTx(ctx, ev.svc.Now(), func(tx *store.Tx) error { return tx.ClearAggregates() }); err != nil {
			t.Fatal(err)
		}
		if done, err := ev.svc.EnsureAggregates(ctx); err != nil || !done {
			t.Errorf("EnsureAggregates = %v, %v", done, err)
		}
		if done, err := ev.svc.EnsureAggregates(ctx); err != nil || done {
			t.Errorf("second EnsureAggregates = %v, %v", done, err)
		}
		if got, _ := ev.svc.Summary(ctx, admin, week); got.Received != want.Received || got.Received != 3 || got.Open != want.Open {
			t.Errorf("after EnsureAggregates: %+v; want %+v", got.Summary, want.Summary)
		}
	})
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestIndicatorsHandCase is issue 15 item 8's hand-built data set: the
// whole QĐ 766 indicator set, its group scores and total, and Circular
// 01/2018 indices 6 and 8 and the officers' evaluations, for the
// department of planning (BN.SKHDT) in the week Mon 2/11 – Fri 6/11/2026.
//
// The department's catalog: 3 procedures (2.001610, 2.001583, 2.002043),
// each complete, online (toàn trình), with a fee of 50.000 đ. The week:
//
//	D1 2.001610 counter, received Mon 09:00, issued 09:10, returned Mon 11:00   early; rated "rất hài lòng"
//	D2 2.001610 counter, received Mon 09:00, issued 09:10, apology Fri 09:00,
//	   returned Fri 10:00 (due Thu 5/11 17:00)                                   late;  rated "chưa hài lòng"
//	D3 2.001610 online, submitted Mon 08:00, accepted 09:00, issued 09:10,
//	   returned Mon 11:00                                                         early
//	D4 2.001583 counter, received Thu 5/11 09:00 (due Tue 10/11), appraising     open, not overdue
//	The feedback (D2's rating, Fri 11:00) answered Tue 10/11 as "behaviour".
//
// Worked by hand (rates to 2 decimals; points = rate × max / threshold):
//
//	1.3 3/3 = 100 → 2      2.1 (D1 + D3 + D4 open) 3/4 = 75 → 15
//	3.1 3/3 = 100 → 4      3.2 1/3 = 33.33 → 1.33   3.3 1/4 = 25 (T 50) → 2
//	3.5 3/3 = 100 (no points)                       3.6 0/4 = 0 → 0
//	4.1 0/3 (no result file without a renderer) → 0 4.2 4/4 = 100 → 6
//	4.3 0/4 → 0            4.4 0/4 → 0
//	4.5 0/1 (D3 submitted from a password session, not VNeID) → 0
//	5.1 1/1 = 100 (no points)                       5.2 1/1 = 100 → 6
//	5.4 100 − (33.33 + 33.33) = 33.34 (T 90) → 33.34 × 6 / 90 = 2.22
//	groups: 2 | 15 | 4 + 1.33 + 2 + 0 = 7.33 | 6 | 6 + 2.22 = 8.22; total 38.55
//	computed 16, not measurable 4 (1.1, 1.2, 1.4, 5.3)
//
// Circular 01/2018 for BN.SKHDT: index 6 = 2 (3 of 3 complete), index 8 = 2
// (1 answered on time, none late). Officers (each acted on D1, D2, D3; D2's
// rating reaches all four): index 1 = (2 + 0 + 2) / 3 = 1.3; index 7 =
// (2 + 0 + 2) / 3 = 1.3 (the complaint on D2); index 2 on their own steps
// — reception: D1 assign early + return on time = 1, D2 return late = 0,
// D3 = 1 → 0.7; appraiser: submissions before the appraisal step's due
// day = 2, 2, 2 → 2.0; approver and clerk: the same day as their step's
// due = 1, 1, 1 → 1.0.
func TestIndicatorsHandCase(t *testing.T) {
	eachREnv(t, func(t *testing.T, ev *rEnv) {
		ctx := context.Background()
		const p1, p2 = "2.001610", "2.001583"
		ret := func(d *dossier.Dossier, day, h int) *dossier.Dossier {
			return ev.act(t, "reception", d, vnAt(11, day, h, 0, 0, 0), dossier.ActReturn, workflow.ActionInput{})
		}
		d1 := ev.receive(t, p1, vnAt(11, 2, 9, 0, 0, 0))
		tok1 := d1.LookupToken
		d1 = ret(ev.toIssued(t, d1, vnAt(11, 2, 9, 10, 0, 0)), 2, 11)
		d2 := ev.receive(t, p1, vnAt(11, 2, 9, 0, 0, 0))
		tok2 := d2.LookupToken
		d2 = ev.toIssued(t, d2, vnAt(11, 2, 9, 10, 0, 0))
		nd := vnAt(11, 9, 17, 0, 0, 0)
		d2 = ev.act(t, "reception", d2, vnAt(11, 6, 9, 0, 0, 0), dossier.ActApologize, workflow.ActionInput{Reason: "Chậm do lỗi hệ thống", NewDueAt: &nd})
		d2 = ret(d2, 6, 10)
		citizen := ev.citizen(t, "congdan1", "027190005555")
		ev.clk.Set(vnAt(11, 2, 8, 0, 0, 0))
		d3, err := ev.submitOnline(t, citizen, "027190005555")
		if err != nil {
			t.Fatal(err)
		}
		d3 = ev.act(t, "reception", d3, vnAt(11, 2, 9, 0, 0, 0), dossier.ActAccept, workflow.ActionInput{})
		d3 = ret(ev.toIssued(t, d3, vnAt(11, 2, 9, 10, 0, 0)), 2, 11)
		d4 := ev.receive(t, p2, vnAt(11, 5, 9, 0, 0, 0))
		ev.act(t, "appraiser", d4, vnAt(11, 5, 9, 30, 0, 0), dossier.ActAssign, workflow.ActionInput{})
		for _, c := range []struct {
			d    *dossier.Dossier
			want string
		}{{d1, dossier.OutcomeEarly}, {d2, dossier.OutcomeLate}, {d3, dossier.OutcomeEarly}} {
			if c.d.Outcome != c.want {
				t.Fatalf("%s: outcome %q; want %q", c.d.Code, c.d.Outcome, c.want)
			}
		}
		ev.clk.Set(vnAt(11, 6, 11, 0, 0, 0))
		if _, err := ev.svc.Rate(ctx, workflow.RatingInput{Token: tok1, Level: store.RatingVerySatisfied}); err != nil {
			t.Fatal(err)
		}
		r2, err := ev.svc.Rate(ctx, workflow.RatingInput{Token: tok2, Level: store.RatingUnsatisfied, Comment: "Trả kết quả chậm, không báo trước"})
		if err != nil {
			t.Fatal(err)
		}
		// Answering: not by an appraiser, and only a feedback; then by the
		// center's supervisor, once.
		ev.clk.Set(vnAt(11, 10, 9, 0, 0, 0))
		ans := workflow.FeedbackAnswer{Answer: "Trung tâm xin lỗi và đã nhắc nhở bộ phận liên quan", Category: dossier.FeedbackBehaviour}
		if err := ev.svc.AnswerFeedback(ctx, ev.users["appraiser"], r2.ID, ans); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("appraiser answers: %v", err)
		}
		if err := ev.svc.AnswerFeedback(ctx, ev.users["supervisor"], r2.ID, workflow.FeedbackAnswer{Answer: "x", Category: "rude"}); dossier.ErrorCode(err) != dossier.EINVALID {
			t.Errorf("bad answer: %v", err)
		}
		if err := ev.svc.AnswerFeedback(ctx, ev.users["supervisor"], r2.ID, ans); err != nil {
			t.Fatal(err)
		}
		if err := ev.svc.AnswerFeedback(ctx, ev.users["supervisor"], r2.ID, ans); dossier.ErrorCode(err) != dossier.ECONFLICT {
			t.Errorf("second answer: %v", err)
		}

		admin := ev.users["admin"]
		week := workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06", Agency: "BN.SKHDT"}
		ind, err := ev.svc.Indicators(ctx, admin, week)
		if err != nil {
			t.Fatal(err)
		}
		type want struct {
			num, den int64
			value    float64
			points   float64 // -1: none
		}
		wants := map[string]want{
			"1.3": {3, 3, 100, 2}, "2.1": {3, 4, 75, 15},
			"3.1": {3, 3, 100, 4}, "3.2": {1, 3, 33.33, 1.33}, "3.3": {1, 4, 25, 2}, "3.5": {0, 3, 0, -1}, "3.6": {0, 4, 0, 0}, // no payment through the gateway: TestIndicatorOnlinePayment
			"4.1": {0, 3, 0, 0}, "4.2": {4, 4, 100, 6}, "4.3": {0, 4, 0, 0}, "4.4": {0, 4, 0, 0}, "4.5": {0, 1, 0, 0},
			"5.1": {1, 1, 100, -1}, "5.2": {1, 1, 100, 6}, "5.4": {2, 3, 33.34, 2.22},
		}
		notMeasurable := map[string]bool{"1.1": true, "1.2": true, "1.4": true, "5.3": true}
		if len(ind.Indicators) != 20 {
			t.Fatalf("%d indicators; want the 20 of the set", len(ind.Indicators))
		}
		for _, i := range ind.Indicators {
			if notMeasurable[i.Code] {
				if i.Status != workflow.IndicatorNotMeasurable || i.Reason == "" || i.Points != nil {
					t.Errorf("%s = %+v; want not measurable with a reason", i.Code, i)
				}
				continue
			}
			if i.Status != workflow.IndicatorComputed {
				t.Errorf("%s: status %q", i.Code, i.Status)
				continue
			}
			if i.Code == "2.2" {
				continue // hours: checked by the report tests
			}
			w, ok := wants[i.Code]
			if !ok {
				t.Errorf("unexpected indicator %s", i.Code)
				continue
			}
			pts := -1.0
			if i.Points != nil {
				pts = *i.Points
			}
			if i.Numerator != w.num || i.Denominator != w.den || i.Value != w.value || pts != w.points {
				t.Errorf("%s = %d/%d = %.2f, %.2f points; want %d/%d = %.2f, %.2f", i.Code, i.Numerator, i.Denominator, i.Value, pts,
					w.num, w.den, w.value, w.points)
			}
		}
		groups := []float64{2, 15, 7.33, 6, 8.22}
		if len(ind.Groups) != len(groups) {
			t.Fatalf("groups = %+v", ind.Groups)
		}
		for k, g := range ind.Groups {
			if g.Points != groups[k] {
				t.Errorf("group %d (%s) = %.2f; want %.2f", g.Group, g.Name, g.Points, groups[k])
			}
		}
		if ind.Total != 38.55 || ind.MaxPoints != 100 || ind.Computed != 16 || ind.NotMeasurable != 4 {
			t.Errorf("total %.2f of %.0f, %d computed, %d not measurable; want 38.55 of 100, 16, 4", ind.Total, ind.MaxPoints, ind.Computed, ind.NotMeasurable)
		}

		ev2, err := ev.svc.Evaluation(ctx, admin, week)
		if err != nil {
			t.Fatal(err)
		}
		if len(ev2.Agencies) != 1 || ev2.Agencies[0].Code != "BN.SKHDT" {
			t.Fatalf("agencies = %+v", ev2.Agencies)
		}
		a := ev2.Agencies[0]
		if a.Indices[5] == nil || *a.Indices[5] != 2 || a.Indices[7] == nil || *a.Indices[7] != 2 || a.Partial {
			t.Errorf("BN.SKHDT indices 6 and 8 = %v, %v (partial %v); want 2 and 2, none missing", a.Indices[5], a.Indices[7], a.Partial)
		}
		officers := map[string]workflow.OfficerRow{}
		for _, o := range ev2.Officers {
			officers[o.Name] = o
		}
		for name, index2 := range map[string]float64{"Nguyễn Thị Hoa": 0.7, "Trần Văn Minh": 2, "Lê Thị Thu Hà": 1, "Phạm Văn Đức": 1} {
			o, ok := officers[name]
			if !ok {
				t.Errorf("no evaluation of %s: %+v", name, ev2.Officers)
				continue
			}
			e := o.Evaluation
			if o.Resolved != 3 || o.Complaints != 1 || e.Index1 != 1.3 || e.Index2 != index2 || e.Index3 != 2 || e.Index4 != 1.3 || e.Index7 != 1.3 {
				t.Errorf("%s: resolved %d, complaints %d, evaluation %+v; want 3, 1, indices 1.3 %.1f 2 1.3 1.3", name, o.Resolved, o.Complaints, e, index2)
			}
		}
		if len(ev2.Officers) != 4 {
			t.Errorf("officers = %+v; want the four who acted (not the citizen)", ev2.Officers)
		}
		fb, err := ev.svc.FeedbackReport(ctx, admin, week)
		if err != nil || len(fb) != 1 || fb[0].Timeliness != dossier.FeedbackOnTime || fb[0].Category != dossier.FeedbackBehaviour {
			t.Errorf("feedback report = %+v, %v", fb, err)
		}
	})
}

// TestRatingsDailyCounts: the summary's ratings come from the daily counts
// (rating_daily), kept by each rating and rebuilt by the recount; a day is
// a civil day in Asia/Ho_Chi_Minh, so a rating at 00:30 there (17:30 UTC
// the day before) counts on the new day.
func TestRatingsDailyCounts(t *testing.T) {
	eachREnv(t, func(t *testing.T, ev *rEnv) {
		ctx := context.Background()
		var toks []string
		for range 3 {
			d := ev.receive(t, "2.001610", vnAt(11, 2, 9, 0, 0, 0))
			toks = append(toks, d.LookupToken)
			ev.act(t, "reception", ev.toIssued(t, d, vnAt(11, 2, 9, 10, 0, 0)), vnAt(11, 2, 11, 0, 0, 0), dossier.ActReturn, workflow.ActionInput{})
		}
		for i, r := range []struct {
			at    time.Time
			level string
		}{{vnAt(11, 6, 23, 30, 0, 0), store.RatingVerySatisfied}, {vnAt(11, 7, 0, 30, 0, 0), store.RatingUnsatisfied},
			{vnAt(11, 7, 16, 0, 0, 0), store.RatingSatisfied}} {
			ev.clk.Set(r.at)
			if _, err := ev.svc.Rate(ctx, workflow.RatingInput{Token: toks[i], Level: r.level, Comment: "Trả kết quả chậm"}); err != nil {
				t.Fatal(err)
			}
		}
		check := func(when string, from, to string, ratings int64, rate float64) {
			t.Helper()
			sum, err := ev.svc.Summary(ctx, ev.users["admin"], workflow.ReportQuery{From: from, To: to})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Summary.Ratings != ratings || sum.Summary.SatisfactionRate != rate {
				t.Errorf("%s, %s to %s: %d ratings, %.2f %% satisfied; want %d, %.2f %%", when, from, to,
					sum.Summary.Ratings, sum.Summary.SatisfactionRate, ratings, rate)
			}
		}
		check("kept", "2026-11-06", "2026-11-06", 1, 100)
		check("kept", "2026-11-07", "2026-11-07", 2, 50)
		check("kept", "2026-11-01", "2026-11-30", 3, 66.67)
		if _, err := ev.db.SQL().Exec(`DELETE FROM rating_daily`); err != nil {
			t.Fatal(err)
		}
		check("counts deleted", "2026-11-01", "2026-11-30", 0, 0)
		// A period that is not whole days reads the ratings themselves.
		if rs, _, err := ev.db.RatingsBreakdown(ctx, vnAt(11, 6, 23, 0, 0, 0), vnAt(11, 7, 1, 0, 0, 0)); err != nil || len(rs) != 2 {
			t.Errorf("ratings from 23:00 to 01:00: %+v, %v; want the two of those hours", rs, err)
		}
		if _, err := ev.svc.RecountAggregates(ctx, nil); err != nil {
			t.Fatal(err)
		}
		check("recounted", "2026-11-06", "2026-11-06", 1, 100)
		check("recounted", "2026-11-07", "2026-11-07", 2, 50)
	})
}

// TestDashboardByMonthRatings: the dashboards page reads the ratings of
// every month of the period in one query (store.RatingsByPeriods); each
// month's ratings equal what RatingsBreakdown gives for that month, with
// ratings on either side of a local midnight and of a month's end, and
// every month row equals the summary of that month alone. The page's
// summary and breakdowns equal the ones the API computes one by one. In
// the store, the grouped query equals the per-period calls both from the
// daily counts (midnight bounds) and from the ratings (other bounds).
func TestDashboardByMonthRatings(t *testing.T) {
	eachREnv(t, func(t *testing.T, ev *rEnv) {
		ctx := context.Background()
		admin := ev.users["admin"]
		rates := []struct {
			at    time.Time
			level string
		}{
			{vnAt(10, 31, 23, 30, 0, 0), store.RatingVerySatisfied}, // October
			{vnAt(11, 1, 0, 30, 0, 0), store.RatingUnsatisfied},     // November (still 31/10 in UTC)
			{vnAt(11, 15, 12, 0, 0, 0), store.RatingSatisfied},
			{vnAt(11, 30, 23, 59, 0, 0), store.RatingUnsatisfied},
			{vnAt(12, 1, 0, 0, 0, 0), store.RatingSatisfied},  // December
			{vnAt(12, 5, 10, 0, 0, 0), store.RatingSatisfied}, // after the period
		}
		var toks []string
		for range rates {
			d := ev.receive(t, "2.001610", vnAt(10, 16, 9, 0, 0, 0))
			toks = append(toks, d.LookupToken)
			ev.act(t, "reception", ev.toIssued(t, d, vnAt(10, 16, 9, 10, 0, 0)), vnAt(10, 16, 11, 0, 0, 0), dossier.ActReturn, workflow.ActionInput{})
		}
		for i, r := range rates {
			ev.clk.Set(r.at)
			if _, err := ev.svc.Rate(ctx, workflow.RatingInput{Token: toks[i], Level: r.level, Comment: "Trả kết quả chậm"}); err != nil {
				t.Fatal(err)
			}
		}
		q := workflow.ReportQuery{From: "2026-10-20", To: "2026-12-03"}
		d, err := ev.svc.ReportDashboard(ctx, admin, q)
		if err != nil {
			t.Fatal(err)
		}
		months := []struct {
			from, to string
			ratings  int64
		}{{"2026-10-20", "2026-10-31", 1}, {"2026-11-01", "2026-11-30", 3}, {"2026-12-01", "2026-12-03", 1}}
		if len(d.ByMonth.Items) != len(months) {
			t.Fatalf("by-month = %+v", d.ByMonth.Items)
		}
		for i, m := range months {
			it := d.ByMonth.Items[i]
			from, _ := time.ParseInLocation("2006-01-02", m.from, vnZone)
			to, _ := time.ParseInLocation("2006-01-02", m.to, vnZone)
			rs, _, err := ev.db.RatingsBreakdown(ctx, from, to.AddDate(0, 0, 1))
			if err != nil {
				t.Fatal(err)
			}
			var n, satisfied int64
			for _, r := range rs {
				n += r.N
				if r.Level != store.RatingUnsatisfied {
					satisfied += r.N
				}
			}
			if it.Code != m.from[:7] || it.Ratings != n || it.Ratings != m.ratings || it.SatisfactionRate != workflow.Rate(satisfied, n) {
				t.Errorf("%s: %d ratings, %.2f %% satisfied; RatingsBreakdown %d, %.2f %%; want %d", it.Code, it.Ratings,
					it.SatisfactionRate, n, workflow.Rate(satisfied, n), m.ratings)
			}
			if alone := ev.summary(t, workflow.ReportQuery{From: m.from, To: m.to}); it.Summary != alone.Summary {
				t.Errorf("%s: row %+v; summary of the month alone %+v", it.Code, it.Summary, alone.Summary)
			}
		}
		if sum := ev.summary(t, q); *d.Summary != sum.Summary || d.ByMonth.Total != sum.Summary || sum.Ratings != 5 {
			t.Errorf("page summary %+v, by-month total %+v; summary %+v (want 5 ratings)", *d.Summary, d.ByMonth.Total, sum.Summary)
		}
		for by, got := range map[string]*workflow.Breakdown{workflow.ByAgency: d.ByAgency, workflow.ByLevel: d.ByLevel,
			workflow.ByMonth: d.ByMonth, workflow.ByProcedure: d.ByProcedure, workflow.ByCenter: d.ByCenter} {
			want, err := ev.svc.Breakdown(ctx, admin, q, by)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("page by %s = %+v; Breakdown %+v", by, got, want)
			}
		}

		sorted := func(rs []store.RatingCount) []store.RatingCount {
			rs = slices.Clone(rs)
			slices.SortFunc(rs, func(a, b store.RatingCount) int {
				return cmp.Or(cmp.Compare(a.Center, b.Center), cmp.Compare(a.Agency, b.Agency), cmp.Compare(a.Procedure, b.Procedure), cmp.Compare(a.Level, b.Level))
			})
			return rs
		}
		for _, bounds := range [][]time.Time{
			{vnAt(10, 20, 0, 0, 0, 0), vnAt(11, 1, 0, 0, 0, 0), vnAt(12, 1, 0, 0, 0, 0), vnAt(12, 4, 0, 0, 0, 0)},
			{vnAt(10, 20, 0, 0, 0, 0), vnAt(12, 31, 0, 0, 0, 0)},
			{vnAt(10, 31, 23, 0, 0, 0), vnAt(11, 1, 0, 0, 0, 0), vnAt(11, 1, 1, 0, 0, 0), vnAt(11, 30, 23, 59, 30, 0), vnAt(12, 6, 0, 0, 0, 0)},
		} {
			per, ok, err := ev.db.RatingsByPeriods(ctx, bounds)
			if err != nil || !ok || len(per) != len(bounds)-1 {
				t.Fatalf("RatingsByPeriods(%v) = %+v, %v, %v", bounds, per, ok, err)
			}
			total := 0
			for i := range per {
				want, _, err := ev.db.RatingsBreakdown(ctx, bounds[i], bounds[i+1])
				if err != nil {
					t.Fatal(err)
				}
				if got := sorted(per[i]); !reflect.DeepEqual(got, sorted(want)) && (len(got) > 0 || len(want) > 0) {
					t.Errorf("[%v, %v): grouped %+v; RatingsBreakdown %+v", bounds[i], bounds[i+1], got, want)
				}
				total += len(per[i])
			}
			if total == 0 {
				t.Errorf("%v: no ratings in any period", bounds)
			}
		}
	})
}
