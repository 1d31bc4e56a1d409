package workflow_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/testfile"
	"motcua/store"
	"motcua/workflow"
)

// TestOpenLatenessHandCase is issue 15's hand case for open dossiers (item
// 2): an open dossier is late for the reports when it is past its measure
// date — the original appointment plus the working time spent waiting for
// the applicant (regulation.md Part B §4.5) — never judged against an
// apology's new date (NĐ 61/2018 Điều 19.9); a dossier waiting for the
// applicant since before that date is not late; more than one supplement
// request is late for QĐ 766 (indicators 2.1 and 5.4); a supplement asked
// later than 3 working days after receipt is flagged (Điều 19.4).
//
// Procedure 2.001610 (3 working days), the week Mon 2/11 – Fri 6/11/2026,
// working hours 07:30–11:30, 13:30–17:00. Worked by hand:
//
//	R1 rec Mon 09:00, supplements Mon 10:00–10:30 and 11:00–13:30 (1 h
//	   paused, under half a working day: the date stays Thu 17:00,
//	   calendar.ExtendDue), returned Wed 10:00
//	                                       early; 2 requests: late for QĐ 766
//	R2 rec Mon 09:30, returned Tue 10:00   early
//	O1 rec Mon 10:00 (due Thu 17:00), apology Tue to Mon 9/11: measure Thu
//	   17:00                               open, overdue (was on time)
//	O2 rec Mon 10:30                       open, overdue
//	O3 rec Wed 09:00 (due Mon 9/11 17:00)  open, on time
//	O4 rec Mon 11:00, supplement asked Tue 09:00, still waiting
//	                                       open, on time (was overdue)
//	O5 rec Mon 13:30, paused Tue 09:00 → Wed 09:00 = 7.5 h: measure Fri
//	   6/11 17:00                          open, overdue
//	O6 rec Wed 09:00, two requests (0.5 h + 0.5 h): measure Mon 9/11 17:00
//	                                       open, on time; late for QĐ 766
//	O7 rec Mon 14:00, apology Wed to Tue 10/11 (measure Thu 17:00)
//	                                       open, overdue (was on time)
//	L1 rec Mon 14:30, supplement asked Fri 6/11 09:00: 4th working day
//	   after receipt (flagged), after its measure date Thu 17:00
//	                                       open, overdue
//
// received 10; resolved 2, both early, on-time rate 100.00; open 8,
// open_overdue 5 (O1 O2 O5 O7 L1; judged against due_at it was 4: O2 O4
// O5 L1); QĐ 766 2.1 = (R2 + O3 + O4) / (2 + 8) = 3/10 = 30.00 (it was
// 4/10); 5.4 = 100 − 100 × 1/2 (R1 late for QĐ 766) = 50.00 (it was 100).
func TestOpenLatenessHandCase(t *testing.T) {
	eachREnv(t, func(t *testing.T, ev *rEnv) {
		ctx := context.Background()
		const p = "2.001610"
		none := workflow.ActionInput{}
		supp := func(d *dossier.Dossier, ask, give time.Time) *dossier.Dossier {
			d = ev.act(t, "appraiser", d, ask, dossier.ActRequestSupplement, workflow.ActionInput{Reason: "Thiếu bản sao"})
			if give.IsZero() {
				return d
			}
			return ev.act(t, "reception", d, give, dossier.ActSupplement, none)
		}
		assign := func(d *dossier.Dossier, at time.Time) *dossier.Dossier {
			return ev.act(t, "appraiser", d, at, dossier.ActAssign, none)
		}
		apology := func(d *dossier.Dossier, at, nd time.Time) *dossier.Dossier {
			return ev.act(t, "reception", d, at, dossier.ActApologize, workflow.ActionInput{Reason: "Cần xác minh", NewDueAt: &nd})
		}
		ds := map[string]*dossier.Dossier{}
		d := assign(ev.receive(t, p, vnAt(11, 2, 9, 0, 0, 0)), vnAt(11, 2, 9, 5, 0, 0))
		d = supp(d, vnAt(11, 2, 10, 0, 0, 0), vnAt(11, 2, 10, 30, 0, 0))
		d = supp(d, vnAt(11, 2, 11, 0, 0, 0), vnAt(11, 2, 13, 30, 0, 0))
		d = ev.toIssued(t, d, vnAt(11, 3, 9, 0, 0, 0))
		ds["R1"] = ev.act(t, "reception", d, vnAt(11, 4, 10, 0, 0, 0), dossier.ActReturn, none)
		d = ev.toIssued(t, ev.receive(t, p, vnAt(11, 2, 9, 30, 0, 0)), vnAt(11, 2, 9, 40, 0, 0))
		ds["R2"] = ev.act(t, "reception", d, vnAt(11, 3, 10, 0, 0, 0), dossier.ActReturn, none)
		ds["O1"] = apology(ev.receive(t, p, vnAt(11, 2, 10, 0, 0, 0)), vnAt(11, 3, 9, 0, 0, 0), vnAt(11, 9, 17, 0, 0, 0))
		ds["O2"] = ev.receive(t, p, vnAt(11, 2, 10, 30, 0, 0))
		ds["O3"] = ev.receive(t, p, vnAt(11, 4, 9, 0, 0, 0))
		ds["O4"] = supp(assign(ev.receive(t, p, vnAt(11, 2, 11, 0, 0, 0)), vnAt(11, 2, 11, 5, 0, 0)), vnAt(11, 3, 9, 0, 0, 0), time.Time{})
		ds["O5"] = supp(assign(ev.receive(t, p, vnAt(11, 2, 13, 30, 0, 0)), vnAt(11, 2, 13, 35, 0, 0)), vnAt(11, 3, 9, 0, 0, 0), vnAt(11, 4, 9, 0, 0, 0))
		d = assign(ev.receive(t, p, vnAt(11, 4, 9, 0, 0, 0)), vnAt(11, 4, 9, 5, 0, 0))
		d = supp(d, vnAt(11, 4, 9, 30, 0, 0), vnAt(11, 4, 10, 0, 0, 0))
		ds["O6"] = supp(d, vnAt(11, 4, 10, 30, 0, 0), vnAt(11, 4, 11, 0, 0, 0))
		ds["O7"] = apology(ev.receive(t, p, vnAt(11, 2, 14, 0, 0, 0)), vnAt(11, 4, 10, 0, 0, 0), vnAt(11, 10, 17, 0, 0, 0))
		ds["L1"] = supp(assign(ev.receive(t, p, vnAt(11, 2, 14, 30, 0, 0)), vnAt(11, 2, 14, 35, 0, 0)), vnAt(11, 6, 9, 0, 0, 0), time.Time{})

		// What each dossier stores, read back from the database.
		thu17 := vnAt(11, 5, 17, 0, 0, 0)
		for k, want := range map[string]struct {
			measure     time.Time
			supplements int
			late        bool
		}{
			"R1": {thu17, 2, false}, "R2": {thu17, 0, false}, "O1": {thu17, 0, false},
			"O2": {thu17, 0, false}, "O3": {vnAt(11, 9, 17, 0, 0, 0), 0, false}, "O4": {thu17, 1, false},
			"O5": {vnAt(11, 6, 17, 0, 0, 0), 1, false}, "O6": {vnAt(11, 9, 17, 0, 0, 0), 2, false},
			"O7": {thu17, 0, false}, "L1": {thu17, 1, true},
		} {
			got, err := ev.db.DossierByID(ctx, ds[k].ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.MeasureDueAt == nil || !got.MeasureDueAt.Equal(want.measure) || got.Supplements != want.supplements || got.LateSupplement != want.late {
				t.Errorf("%s: measure %v, supplements %d, late request %v; want %v, %d, %v", k, got.MeasureDueAt, got.Supplements,
					got.LateSupplement, want.measure.In(vnZone), want.supplements, want.late)
			}
		}
		if n := ds["L1"].History[len(ds["L1"].History)-1].Note; !strings.Contains(n, "quá 03 ngày làm việc") {
			t.Errorf("L1's request note %q lacks the flag", n)
		}
		if ds["R1"].Outcome != dossier.OutcomeEarly || ds["R2"].Outcome != dossier.OutcomeEarly {
			t.Errorf("outcomes %s %s; want early early", ds["R1"].Outcome, ds["R2"].Outcome)
		}
		admin := ev.users["admin"]
		week := workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06"}
		sum := ev.summary(t, week)
		if sum.Received != 10 || sum.Resolved != 2 || sum.ResolvedEarly != 2 || sum.OnTimeRate != 100 || sum.Open != 8 || sum.OpenOverdue != 5 {
			t.Errorf("summary: received %d resolved %d early %d rate %.2f open %d overdue %d; want 10 2 2 100.00 8 5",
				sum.Received, sum.Resolved, sum.ResolvedEarly, sum.OnTimeRate, sum.Open, sum.OpenOverdue)
		}
		// The scan of the dossiers table agrees (measure_due_at in SQL).
		if _, open, overdue := scanFor(t, ev, week); open != 8 || overdue != 5 {
			t.Errorf("scan: open %d overdue %d; want 8 5", open, overdue)
		}
		got := ev.indicators(t, week)
		if i := got["2.1"]; i.Numerator != 3 || i.Denominator != 10 || i.Value != 30.00 {
			t.Errorf("2.1 = %d/%d = %.2f; want 3/10 = 30.00", i.Numerator, i.Denominator, i.Value)
		}
		if i := got["5.4"]; i.Numerator != 1 || i.Denominator != 2 || i.Value != 50.00 {
			t.Errorf("5.4 = %d/%d → %.2f; want 1/2 → 50.00", i.Numerator, i.Denominator, i.Value)
		}
		// One week later O3 (due Mon 9/11) and O6 (measure Mon 9/11
		// 17:00) are overdue too; O4 still waits: 7 of 8.
		later := ev.summary(t, workflow.ReportQuery{From: "2026-11-02", To: "2026-11-13"})
		if later.Open != 8 || later.OpenOverdue != 7 {
			t.Errorf("two weeks: open %d overdue %d; want 8 7", later.Open, later.OpenOverdue)
		}
		// The applicant's view is unchanged: O1 is not overdue before its
		// new appointment (contract §4), though late for the reports.
		ev.clk.Set(vnAt(11, 6, 10, 0, 0, 0))
		o1, err := ev.svc.Dossier(ctx, admin, ds["O1"].Code)
		if err != nil {
			t.Fatal(err)
		}
		if o1.Overdue || !o1.DueAt.Equal(vnAt(11, 9, 17, 0, 0, 0)) || !o1.MeasureDueAt.Equal(thu17) {
			t.Errorf("O1: overdue %v, appointment %v, measure %v", o1.Overdue, o1.DueAt, o1.MeasureDueAt)
		}
		// The dashboard's list of overdue dossiers to chase, at the end of
		// the week (Fri 6/11 17:30), lists what open_overdue counts, most
		// overdue first by measure date: O1, O2, O7, L1 (Thu 17:00), O5
		// (Fri 17:00). Judged against due_at it listed O2 and O5 only: the
		// apologised O1 and O7 and the late L1 (waiting since after its
		// measure date) were left off.
		ev.clk.Set(vnAt(11, 6, 17, 30, 0, 0))
		chase, err := ev.svc.OverdueList(ctx, admin, week, 50)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, r := range chase {
			codes = append(codes, r.Code)
		}
		var want []string
		for _, k := range []string{"O1", "O2", "O7", "L1", "O5"} {
			want = append(want, ds[k].Code)
		}
		if strings.Join(codes, " ") != strings.Join(want, " ") || int64(len(chase)) != sum.OpenOverdue {
			t.Errorf("overdue list %v; want %v (open_overdue %d)", codes, want, sum.OpenOverdue)
		}
		if len(chase) > 0 && (!chase[0].DueAt.Equal(vnAt(11, 9, 17, 0, 0, 0)) || !chase[0].MeasureDueAt.Equal(thu17)) {
			t.Errorf("O1 listed with appointment %v, measure %v", chase[0].DueAt, chase[0].MeasureDueAt)
		}
		// The centre's supervisor (a scope of centres, written apart from
		// the index walk on SQLite) sees the same list, and a limit cuts it
		// in the same order.
		for _, c := range []struct {
			who   string
			limit int
			want  []string
		}{{"supervisor", 50, want}, {"supervisor", 2, want[:2]}, {"admin", 3, want[:3]}} {
			got, err := ev.svc.OverdueList(ctx, ev.users[c.who], week, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			codes = codes[:0]
			for _, r := range got {
				codes = append(codes, r.Code)
			}
			if strings.Join(codes, " ") != strings.Join(c.want, " ") {
				t.Errorf("%s, limit %d: overdue list %v; want %v", c.who, c.limit, codes, c.want)
			}
		}
		assertRecountEqual(t, ev)
		// A database migrated from before the measure date (00016): the
		// start fills the measure dates in and recounts; the figures stay.
		wipeRuleColumns(t, ev)
		if done, err := ev.svc.EnsureAggregates(ctx); err != nil || !done {
			t.Fatalf("EnsureAggregates = %v, %v", done, err)
		}
		again := ev.summary(t, week)
		if again.Summary != sum.Summary {
			t.Errorf("after the backfill: %+v; want %+v", again.Summary, sum.Summary)
		}
		for k, d := range ds {
			got, err := ev.db.DossierByID(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.MeasureDueAt == nil || !got.MeasureDueAt.Equal(*d.MeasureDueAt) || got.RuleSet != d.RuleSet {
				t.Errorf("%s after the backfill: measure %v, set %s; want %v, %s", k, got.MeasureDueAt, got.RuleSet, d.MeasureDueAt, d.RuleSet)
			}
		}
	})
}

// wipeRuleColumns puts the database in the state migration 00016 leaves a
// database from before it in: no rule sets, measure dates or "5 tại chỗ"
// verdicts on the dossiers, no aggregates.
func wipeRuleColumns(t testing.TB, ev *rEnv) {
	t.Helper()
	for _, q := range []string{
		`UPDATE dossiers SET rule_set = '', measure_due_at = NULL, five_on_spot_achieved = NULL, returned_same_day = NULL`,
		`DELETE FROM report_facts`, `DELETE FROM report_daily`, `DELETE FROM report_monthly`,
	} {
		if _, err := ev.db.SQL().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFiveOnSpotSupervisionHandCase is issue 15 item 11's supervision
// report: per agency and per center, the "5 tại chỗ" dossiers returned in
// the period, how many achieved it (every step at the center, the leader
// on site or electronically: QĐ 299/QĐ-UBND phần III) and how many were
// returned the working day they were received, next to the procedure
// coverage. Worked by hand, the week Mon 2/11 – Fri 6/11/2026:
//
//	center BN.TTHCC, Sở KH&ĐT (2.001610, 5 tại chỗ):
//	  A1 rec Mon 09:00, returned Mon 16:00                achieved, same day
//	  A2 rec Mon 09:30, returned Tue 10:00                achieved
//	  A3 rec Mon 10:00, sealed by a clerk at the department,
//	     returned Mon 15:00                               not achieved, same day
//	  A4 refused; A5 open                                 not counted
//	  IMP-A imported, rec Mon 08:00, returned Mon 11:00 (no places
//	     recorded by the old system)                      not achieved, same day
//	  → 4 returned, 2 achieved (50.00), 3 same day (75.00)
//	center BN.TPBACNINH.TTHCC, Phòng Tư pháp (2.000815, 8 hours, 5 tại chỗ):
//	  B1 rec Tue 08:00, returned Tue 14:00                achieved, same day
//	  B2 rec Tue 09:00, apology once overdue, returned Wed 09:00
//	                                                      achieved
//	  IMP-B imported, 2.000528 (not 5 tại chỗ), returned  not counted
//	  → 2 returned, 2 achieved (100.00), 1 same day (50.00)
//	total: 6 returned, 4 achieved (66.67), 4 same day (66.67).
func TestFiveOnSpotSupervisionHandCase(t *testing.T) {
	eachREnv(t, func(t *testing.T, ev *rEnv) {
		ctx := context.Background()
		const centerB, ptp = "BN.TPBACNINH.TTHCC", "BN.TPBACNINH.PTP"
		mk := func(name, full, agency, position string, role dossier.Role, centers ...string) *dossier.User {
			u, err := ev.svc.CreateUser(ctx, nil, workflow.NewUserInput{Username: name, Password: "Trung-tâm-2026", Name: full, Agency: agency,
				Position: position, Roles: []dossier.Role{role}, Centers: centers, Counter: "Q01"})
			if err != nil {
				t.Fatal(err)
			}
			ev.users[name] = u
			return u
		}
		mk("vanthu.so", "Phạm Thị Lưu", "BN.SKHDT", "Văn thư", dossier.RoleClerk) // works at the department
		mk("tn.tp", "Ngô Thị Lan", centerB, "", dossier.RoleReception, centerB)
		mk("td.tp", "Lý Văn Bình", ptp, "Chuyên viên", dossier.RoleAppraiser, centerB)
		mk("pd.tp", "Đào Thị Hương", ptp, "Trưởng phòng", dossier.RoleApprover, centerB)
		mk("vt.tp", "Hà Văn Tâm", ptp, "Văn thư", dossier.RoleClerk, centerB)
		info, err := ev.svc.Upload(ctx, ev.users["tn.tp"], bytes.NewReader(testfile.PDF("bản chụp")))
		if err != nil {
			t.Fatal(err)
		}
		none := workflow.ActionInput{}
		full := func(d *dossier.Dossier, at time.Time, reception, appraiser, approver, clerk string) *dossier.Dossier {
			if d.Status == dossier.StatusReceived {
				d = ev.act(t, appraiser, d, at, dossier.ActAssign, none)
			}
			d = ev.act(t, appraiser, d, at, dossier.ActSubmitAppraisal, workflow.ActionInput{Recommendation: "approve", Report: "Hợp lệ", DraftResult: "Cấp"})
			d = ev.act(t, approver, d, at, dossier.ActApprove, none)
			return ev.act(t, clerk, d, at, dossier.ActIssue, none)
		}
		ret := func(who string, d *dossier.Dossier, at time.Time) *dossier.Dossier {
			return ev.act(t, who, d, at, dossier.ActReturn, none)
		}
		const pa = "2.001610"
		a1 := ret("reception", full(ev.receive(t, pa, vnAt(11, 2, 9, 0, 0, 0)), vnAt(11, 2, 9, 10, 0, 0), "reception", "appraiser", "approver", "clerk"), vnAt(11, 2, 16, 0, 0, 0))
		a2 := ret("reception", full(ev.receive(t, pa, vnAt(11, 2, 9, 30, 0, 0)), vnAt(11, 2, 9, 40, 0, 0), "reception", "appraiser", "approver", "clerk"), vnAt(11, 3, 10, 0, 0, 0))
		a3 := ret("reception", full(ev.receive(t, pa, vnAt(11, 2, 10, 0, 0, 0)), vnAt(11, 2, 10, 10, 0, 0), "reception", "appraiser", "approver", "vanthu.so"), vnAt(11, 2, 15, 0, 0, 0))
		a4 := ev.act(t, "appraiser", ev.receive(t, pa, vnAt(11, 2, 10, 30, 0, 0)), vnAt(11, 2, 10, 35, 0, 0), dossier.ActAssign, none)
		ev.act(t, "approver", a4, vnAt(11, 2, 11, 0, 0, 0), dossier.ActRefuse, workflow.ActionInput{Reason: "Không đủ điều kiện"})
		ev.receive(t, pa, vnAt(11, 3, 9, 0, 0, 0))
		for _, c := range []struct {
			d               *dossier.Dossier
			achieved, today bool
		}{{a1, true, true}, {a2, true, false}, {a3, false, true}} {
			if c.d.FiveOnSpotAchieved == nil || *c.d.FiveOnSpotAchieved != c.achieved || *c.d.ReturnedSameDay != c.today {
				t.Errorf("%s: achieved %v same day %v; want %v %v", c.d.Code, c.d.FiveOnSpotAchieved, c.d.ReturnedSameDay, c.achieved, c.today)
			}
		}
		receiveB := func(at time.Time) *dossier.Dossier {
			ev.clk.Set(at)
			d, err := ev.svc.Receive(ctx, ev.users["tn.tp"], workflow.ReceiveInput{ProcedureCode: "2.000815", Channel: dossier.ChannelCounter,
				Components: []workflow.ComponentInput{{Code: "BC", BlobID: info.ID}, {Code: "BS", BlobID: info.ID}},
				Applicant:  dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Trịnh Văn Hải", IDNumber: "027190001235"}})
			if err != nil {
				t.Fatalf("receive at center B: %v (%+v)", err, dossier.ErrorFields(err))
			}
			if d.Mode != dossier.ModeFiveOnSpot || d.CenterCode != centerB {
				t.Fatalf("B dossier: mode %s center %s", d.Mode, d.CenterCode)
			}
			return d
		}
		ret("tn.tp", full(receiveB(vnAt(11, 3, 8, 0, 0, 0)), vnAt(11, 3, 9, 0, 0, 0), "tn.tp", "td.tp", "pd.tp", "vt.tp"), vnAt(11, 3, 14, 0, 0, 0))
		b2 := full(receiveB(vnAt(11, 3, 9, 0, 0, 0)), vnAt(11, 3, 10, 0, 0, 0), "tn.tp", "td.tp", "pd.tp", "vt.tp")
		nd := vnAt(11, 4, 17, 0, 0, 0)
		b2 = ev.act(t, "tn.tp", b2, vnAt(11, 4, 8, 0, 0, 0), dossier.ActApologize, workflow.ActionInput{Reason: "Chờ xác minh", NewDueAt: &nd})
		b2 = ret("tn.tp", b2, vnAt(11, 4, 9, 0, 0, 0))
		if b2.Outcome != dossier.OutcomeLate || b2.FiveOnSpotAchieved == nil || !*b2.FiveOnSpotAchieved || *b2.ReturnedSameDay {
			t.Errorf("B2: outcome %s achieved %v same day %v", b2.Outcome, b2.FiveOnSpotAchieved, b2.ReturnedSameDay)
		}
		ev.clk.Set(vnAt(11, 20, 9, 0, 0, 0))
		const imports = `{"code":"IMP-A","procedure_code":"2.001610","channel":"counter","applicant":{"kind":"citizen","name":"Trần Thị Bình","id_number":"027190005678"},"received_at":"2026-11-02T08:00:00+07:00","due_at":"2026-11-05T17:00:00+07:00","status":"returned","finished_at":"2026-11-02T11:00:00+07:00"}
{"code":"IMP-B","procedure_code":"2.000528","channel":"counter","applicant":{"kind":"citizen","name":"Lê Văn Cường","id_number":"027190005679"},"received_at":"2026-11-03T08:00:00+07:00","due_at":"2026-11-03T17:00:00+07:00","status":"returned","finished_at":"2026-11-03T10:00:00+07:00"}
`
		if _, err := ev.svc.ImportDossiers(ctx, ev.users["admin"], strings.NewReader(imports), workflow.ImportOptions{}); err != nil {
			t.Fatalf("import: %v (%+v)", err, dossier.ErrorFields(err))
		}

		type fig struct {
			returned, achieved, sameDay int64
			achievedRate, sameDayRate   float64
		}
		of := func(x workflow.Summary) fig {
			return fig{x.DossiersFiveOnSpot, x.DossiersFiveOnSpotAchieved, x.DossiersReturnedSameDay, x.FiveOnSpotAchievedRate, x.SameDayRate}
		}
		wantA, wantB := fig{4, 2, 3, 50, 75}, fig{2, 2, 1, 100, 50}
		week := workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06"}
		sum, err := ev.svc.Summary(ctx, ev.users["admin"], week)
		if err != nil {
			t.Fatal(err)
		}
		if g := of(sum.Summary); g != (fig{6, 4, 4, 66.67, 66.67}) {
			t.Errorf("total = %+v; want 6 4 4 66.67 66.67", g)
		}
		for by, want := range map[string]map[string]fig{
			workflow.ByAgency: {"BN.SKHDT": wantA, ptp: wantB},
			workflow.ByCenter: {"BN.TTHCC": wantA, centerB: wantB},
		} {
			b, err := ev.svc.Breakdown(ctx, ev.users["admin"], week, by)
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, it := range b.Items {
				w, ok := want[it.Code]
				if !ok {
					if it.DossiersFiveOnSpot != 0 {
						t.Errorf("by %s %s: %+v; want no 5 tại chỗ dossiers", by, it.Code, of(it.Summary))
					}
					continue
				}
				seen++
				if g := of(it.Summary); g != w {
					t.Errorf("by %s %s = %+v; want %+v", by, it.Code, g, w)
				}
				// Next to the procedure coverage of the same rows.
				if it.ProceduresWithDossiersFiveOnSpot == 0 || it.FiveOnSpotCoverage == 0 {
					t.Errorf("by %s %s: coverage %d / %.2f", by, it.Code, it.ProceduresWithDossiersFiveOnSpot, it.FiveOnSpotCoverage)
				}
			}
			if seen != len(want) {
				t.Errorf("by %s: %d rows of %d", by, seen, len(want))
			}
		}
		// The supervisor of BN.TTHCC sees center A only.
		sup, err := ev.svc.Summary(ctx, ev.users["supervisor"], week)
		if err != nil {
			t.Fatal(err)
		}
		if g := of(sup.Summary); g != wantA {
			t.Errorf("supervisor = %+v; want %+v", g, wantA)
		}
		// The scan of the dossiers table agrees with the aggregates.
		c, _, _ := scanFor(t, ev, week)
		if c.FOSReturned != 6 || c.FOSAchieved != 4 || c.FOSSameDay != 4 {
			t.Errorf("scan = %d %d %d; want 6 4 4", c.FOSReturned, c.FOSAchieved, c.FOSSameDay)
		}
		assertRecountEqual(t, ev)
		// From before migration 00016: the verdicts are derived from the
		// stored history at the next start.
		wipeRuleColumns(t, ev)
		if done, err := ev.svc.EnsureAggregates(ctx); err != nil || !done {
			t.Fatalf("EnsureAggregates = %v, %v", done, err)
		}
		if again, err := ev.svc.Summary(ctx, ev.users["admin"], week); err != nil || of(again.Summary) != of(sum.Summary) {
			t.Errorf("after the backfill: %+v, %v; want %+v", of(again.Summary), err, of(sum.Summary))
		}
	})
}

// TestRuleSetSchedule (issue 15 item 9; regulation.md Part B §0): which rule
// set a dossier is received under is the province's data; a dossier keeps
// the set of its receipt (an online one: of its acceptance) when the
// schedule moves on, and is printed and judged by it.
func TestRuleSetSchedule(t *testing.T) {
	eachREnv(t, func(t *testing.T, ev *rEnv) {
		ctx := context.Background()
		admin := ev.users["admin"]
		// The migration's defaults: three periods, none confirmed.
		v, err := ev.svc.RuleSets(ctx, ev.users["reception"])
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Schedule) != 3 || len(v.Unconfirmed) != 3 || v.Today != dossier.RuleSetND118 || len(v.RuleSets) != len(dossier.RuleSets) {
			t.Fatalf("defaults = %+v", v)
		}
		const p = "2.001610"
		before := ev.receive(t, p, vnAt(11, 2, 9, 0, 0, 0))
		if before.RuleSet != dossier.RuleSetND118 || before.FormSet != "TT03/2025" {
			t.Fatalf("received under %s/%s", before.RuleSet, before.FormSet)
		}
		// The province had not switched to TT 03/2025's forms until Wed
		// 4/11/2026.
		sched := dossier.Schedule{
			{From: "2018-06-21", RuleSet: dossier.RuleSetND61, Basis: "NĐ 61/2018/NĐ-CP", Confirmed: true},
			{From: "2025-07-01", RuleSet: dossier.RuleSetND118TT01, Basis: "NĐ 118/2025/NĐ-CP", Confirmed: true},
			{From: "2026-11-04", RuleSet: dossier.RuleSetND118, Basis: "Văn bản của UBND tỉnh", Confirmed: true},
		}
		for _, c := range []struct {
			u    *dossier.User
			s    dossier.Schedule
			code string
		}{
			{ev.users["supervisor"], sched, dossier.EFORBIDDEN},
			{admin, dossier.Schedule{{From: "2026-13-01", RuleSet: dossier.RuleSetND61}}, dossier.EINVALID},
			{admin, dossier.Schedule{}, dossier.EINVALID},
		} {
			if _, err := ev.svc.SetRuleSetSchedule(ctx, c.u, c.s); dossier.ErrorCode(err) != c.code {
				t.Errorf("set by %s: %v; want %s", c.u.Username, err, c.code)
			}
		}
		if _, err := ev.svc.RuleSets(ctx, &dossier.User{ID: 99, Roles: []dossier.Role{dossier.RoleCitizen}}); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("citizen reads the schedule: %v", err)
		}
		ev.clk.Set(vnAt(11, 2, 12, 0, 0, 0))
		v, err = ev.svc.SetRuleSetSchedule(ctx, admin, sched)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Unconfirmed) != 0 || v.Today != dossier.RuleSetND118TT01 {
			t.Errorf("after the change: unconfirmed %v, today %s", v.Unconfirmed, v.Today)
		}
		tue := ev.receive(t, p, vnAt(11, 3, 9, 0, 0, 0))
		wed := ev.receive(t, p, vnAt(11, 4, 9, 0, 0, 0))
		if tue.RuleSet != dossier.RuleSetND118TT01 || tue.FormSet != "TT01/2018" || wed.RuleSet != dossier.RuleSetND118 || wed.FormSet != "TT03/2025" {
			t.Errorf("Tue %s/%s, Wed %s/%s", tue.RuleSet, tue.FormSet, wed.RuleSet, wed.FormSet)
		}
		// Each keeps its set: withdrawn on Thu, only the TT 03/2025 one
		// gets the stop notice (TT 03/2025 Điều 7); the one received
		// before the change keeps the set it was received under.
		for _, c := range []struct {
			d    *dossier.Dossier
			set  dossier.RuleSetID
			stop bool
		}{{before, dossier.RuleSetND118, true}, {tue, dossier.RuleSetND118TT01, false}, {wed, dossier.RuleSetND118, true}} {
			d := ev.act(t, "reception", c.d, vnAt(11, 5, 9, 0, 0, 0), dossier.ActWithdraw, workflow.ActionInput{Reason: "Công dân đề nghị dừng"})
			if d.RuleSet != c.set || strings.Contains(d.History[len(d.History)-1].Note, "Thông báo dừng giải quyết hồ sơ") != c.stop {
				t.Errorf("%s: set %s, note %q; want %s, stop notice %v", d.Code, d.RuleSet, d.History[len(d.History)-1].Note, c.set, c.stop)
			}
		}
		// Online: submitted on Tue under the 2018 forms, accepted on Wed:
		// the acceptance is the receipt.
		reg, err := ev.svc.RegisterCitizen(ctx, workflow.NewUserInput{Username: "congdan2", Password: "Mai-vàng-2026", Name: "Phạm Thị Mai", IDNumber: "001203004321"})
		if err != nil || reg.User == nil {
			t.Fatal(err)
		}
		cit := reg.User
		info, err := ev.svc.Upload(ctx, cit, bytes.NewReader(testfile.PDF("online")))
		if err != nil {
			t.Fatal(err)
		}
		ev.clk.Set(vnAt(11, 3, 20, 0, 0, 0))
		o, err := ev.svc.Receive(ctx, cit, workflow.ReceiveInput{ProcedureCode: p, Channel: dossier.ChannelOnline,
			Components: []workflow.ComponentInput{{Code: "GDN", BlobID: info.ID}, {Code: "GTPL", BlobID: info.ID}},
			Applicant:  dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Phạm Thị Mai", IDNumber: "001203004321"}})
		if err != nil {
			t.Fatalf("submit: %v (%+v)", err, dossier.ErrorFields(err))
		}
		if o.RuleSet != dossier.RuleSetND118TT01 || o.History[0].Action != dossier.ActSubmit || o.History[0].Place != dossier.PlaceOnline {
			t.Errorf("submitted: %s, %+v", o.RuleSet, o.History)
		}
		o = ev.act(t, "reception", o, vnAt(11, 4, 8, 0, 0, 0), dossier.ActAccept, workflow.ActionInput{})
		if o.RuleSet != dossier.RuleSetND118 || o.FormSet != "TT03/2025" {
			t.Errorf("accepted: %s/%s; want %s/TT03/2025", o.RuleSet, o.FormSet, dossier.RuleSetND118)
		}
		// The ledger of a period prints with the forms of its first day.
		for day, want := range map[string]string{"2026-11-03": "TT01/2018", "2026-11-04": "TT03/2025"} {
			li, err := ev.svc.Ledger(ctx, admin, workflow.ReportQuery{From: day, To: day, Center: "BN.TTHCC"}, func(store.LedgerRow) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			if li.FormSet != want {
				t.Errorf("ledger of %s prints %s; want %s", day, li.FormSet, want)
			}
		}
	})
}

// TestOnTimeRateAfterApology is issue 15's hand case (item 1): after an
// apology (Mẫu 04) the new date is the applicant's new appointment, but the
// original appointment stays the measure of lateness (NĐ 61/2018 Điều 19.9;
// contract §7; QĐ 766 indicators 2.1 and 5.4; Circular 01/2018 index 1).
//
// Four dossiers of 2.001610 (3 working days) received Mon 2/11/2026 09:00,
// due Thu 5/11 17:00, all appraised by the demo appraiser. Worked by hand:
//
//	H1 returned Wed 4/11 10:00                    early    index 1 = 2
//	H2 returned Thu 5/11 16:00                    on time  index 1 = 1
//	H3 returned Tue 3/11 10:00                    early    index 1 = 2
//	H4 apology Tue 3/11 (new date Mon 9/11 17:00),
//	   returned Fri 6/11 10:00                    late     index 1 = 0
//
// on_time_rate = 100 × (2 + 1) / 4 = 75.00 (it was 100: H4 counted early
// against its new date); 2.1 = 3 / 4 = 75.00 (no supplement, none open);
// 5.4 = 100 − (25 late + 0 unsatisfied) = 75.00; the appraiser's index 1 =
// (2 + 1 + 2 + 0) / 4 = 1.25 → 1.3 (one decimal, half up).
func TestOnTimeRateAfterApology(t *testing.T) {
	eachREnv(t, func(t *testing.T, ev *rEnv) {
		ctx := context.Background()
		const p = "2.001610"
		recv := vnAt(11, 2, 9, 0, 0, 0)
		issued := func() *dossier.Dossier {
			d := ev.toIssued(t, ev.receive(t, p, recv), vnAt(11, 2, 9, 10, 0, 0))
			if !d.DueAt.Equal(vnAt(11, 5, 17, 0, 0, 0)) {
				t.Fatalf("due %v", d.DueAt.In(vnZone))
			}
			return d
		}
		ret := func(d *dossier.Dossier, day, h int) *dossier.Dossier {
			return ev.act(t, "reception", d, vnAt(11, day, h, 0, 0, 0), dossier.ActReturn, workflow.ActionInput{})
		}
		h1 := ret(issued(), 4, 10)
		h2 := ret(issued(), 5, 16)
		h3 := ret(issued(), 3, 10)
		h4 := issued()
		nd := vnAt(11, 9, 17, 0, 0, 0)
		h4 = ev.act(t, "reception", h4, vnAt(11, 3, 10, 0, 0, 0), dossier.ActApologize, workflow.ActionInput{Reason: "Cần xác minh thêm", NewDueAt: &nd})
		if !h4.DueAt.Equal(nd) || !h4.OriginalDueAt.Equal(vnAt(11, 5, 17, 0, 0, 0)) {
			t.Fatalf("after the apology: appointment %v, original %v", h4.DueAt.In(vnZone), h4.OriginalDueAt.In(vnZone))
		}
		h4 = ret(h4, 6, 10)
		for _, c := range []struct {
			d    *dossier.Dossier
			want string
		}{{h1, dossier.OutcomeEarly}, {h2, dossier.OutcomeOnTime}, {h3, dossier.OutcomeEarly}, {h4, dossier.OutcomeLate}} {
			if c.d.Outcome != c.want {
				t.Errorf("%s: outcome %q; want %q", c.d.Code, c.d.Outcome, c.want)
			}
		}
		admin := ev.users["admin"]
		week := workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06"}
		sum := ev.summary(t, week)
		if sum.Resolved != 4 || sum.ResolvedEarly != 2 || sum.ResolvedOnTime != 1 || sum.ResolvedLate != 1 || sum.OnTimeRate != 75.00 {
			t.Errorf("summary: resolved %d early %d on time %d late %d rate %.2f; want 4 2 1 1 75.00",
				sum.Resolved, sum.ResolvedEarly, sum.ResolvedOnTime, sum.ResolvedLate, sum.OnTimeRate)
		}
		got := ev.indicators(t, week)
		if i := got["2.1"]; i.Numerator != 3 || i.Denominator != 4 || i.Value != 75.00 {
			t.Errorf("2.1 = %d/%d = %.2f; want 3/4 = 75.00", i.Numerator, i.Denominator, i.Value)
		}
		if i := got["5.4"]; i.Numerator != 1 || i.Denominator != 4 || i.Value != 75.00 {
			t.Errorf("5.4 = %d/%d → %.2f; want 1/4 → 75.00", i.Numerator, i.Denominator, i.Value)
		}
		off, err := ev.svc.ByOfficer(ctx, admin, week)
		if err != nil {
			t.Fatal(err)
		}
		if len(off.Items) != 1 {
			t.Fatalf("officers = %+v", off.Items)
		}
		o := off.Items[0]
		if o.Name != "Trần Văn Minh" || o.Resolved != 4 || o.OnTimeRate != 75.00 || o.Evaluation == nil || o.Evaluation.Index1 != 1.3 {
			t.Errorf("officer %s: resolved %d rate %.2f evaluation %+v; want 4, 75.00, index 1 = 1.3", o.Name, o.Resolved, o.OnTimeRate, o.Evaluation)
		}
		// The register (Sổ theo dõi hồ sơ) reads each row against the
		// appointment lateness is measured by: H4's is the original one.
		var h4Row *workflow.LedgerRow
		if _, err := ev.svc.Ledger(ctx, admin, workflow.ReportQuery{From: week.From, To: week.To, Center: h4.CenterCode}, func(r workflow.LedgerRow) error {
			if r.Code == h4.Code {
				h4Row = &r
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if h4Row == nil || h4Row.MeasureDueAt == nil || !h4Row.MeasureDueAt.Equal(vnAt(11, 5, 17, 0, 0, 0)) || !h4Row.DueAt.Equal(nd) {
			t.Errorf("ledger row of H4 = %+v; want measure Thu 5/11 17:00, appointment Mon 9/11 17:00", h4Row)
		}
		assertRecountEqual(t, ev)
	})
}

// TestImportedApologyMeasuredOnOriginal replays issue 15 item 1 through the
// import of a previous system's history (contract §6): a dossier with an
// apology event carries two appointments, the original (original_due_at)
// and the apology's new date (due_at); it is measured against the original
// (NĐ 61/2018 Điều 19.9), keeps its one apology (a second is 409), and a
// history without the original appointment, or with two apologies, is a
// line error rather than a late dossier counted on time.
//
// Worked by hand (2.001610): A-1 received Mon 2/11 09:00, original
// appointment Thu 5/11 17:00, apology Wed 4/11 to Mon 9/11 17:00, returned
// Fri 6/11 10:00: late (it was early against due_at). A-2 the same, still
// appraising: past its measure date on Fri 6/11 17:30, not overdue for the
// applicant. The week's on-time rate is 0.00 (it was 100.00), open_overdue 1.
func TestImportedApologyMeasuredOnOriginal(t *testing.T) {
	eachREnv(t, func(t *testing.T, ev *rEnv) {
		ctx := context.Background()
		admin := ev.users["admin"]
		const app = `"procedure_code":"2.001610","channel":"counter","applicant":{"kind":"citizen","name":"Trần Thị Bình","id_number":"027190005678"},"received_at":"2026-11-02T09:00:00+07:00"`
		const apology = `{"action":"apologize","at":"2026-11-04T10:00:00+07:00","note":"Cần xác minh thêm"}`
		bad := `{"code":"B-1",` + app + `,"due_at":"2026-11-09T17:00:00+07:00","status":"appraising","finished_at":null,"events":[` + apology + `]}
{"code":"B-2",` + app + `,"due_at":"2026-11-09T17:00:00+07:00","original_due_at":"2026-11-05T17:00:00+07:00","status":"appraising","finished_at":null,"events":[` + apology + `,` + apology + `]}
{"code":"B-3",` + app + `,"due_at":"2026-11-09T17:00:00+07:00","original_due_at":"2026-11-10T17:00:00+07:00","status":"appraising","finished_at":null}
`
		_, err := ev.svc.ImportDossiers(ctx, admin, strings.NewReader(bad), workflow.ImportOptions{})
		got := map[string]bool{}
		for _, f := range dossier.ErrorFields(err) {
			got[itoa(f.Line)+":"+f.Field] = true
		}
		for _, want := range []string{"1:original_due_at", "2:events[1].action", "3:original_due_at"} {
			if !got[want] {
				t.Errorf("missing error %s; got %v (%v)", want, got, err)
			}
		}
		good := `{"code":"A-1",` + app + `,"due_at":"2026-11-09T17:00:00+07:00","original_due_at":"2026-11-05T17:00:00+07:00","status":"returned","finished_at":"2026-11-06T10:00:00+07:00","events":[{"action":"receive","at":"2026-11-02T09:00:00+07:00"},` + apology + `,{"action":"return","at":"2026-11-06T10:00:00+07:00"}]}
{"code":"A-2",` + app + `,"due_at":"2026-11-09T17:00:00+07:00","original_due_at":"2026-11-05T17:00:00+07:00","status":"appraising","finished_at":null,"events":[{"action":"receive","at":"2026-11-02T09:00:00+07:00"},{"action":"assign","at":"2026-11-02T10:00:00+07:00"},` + apology + `]}
`
		if res, err := ev.svc.ImportDossiers(ctx, admin, strings.NewReader(good), workflow.ImportOptions{}); err != nil || res.Created != 2 {
			t.Fatalf("import = %+v, %v", res, err)
		}
		thu17, mon17 := vnAt(11, 5, 17, 0, 0, 0), vnAt(11, 9, 17, 0, 0, 0)
		a1, err := ev.db.Dossier(ctx, "A-1", store.Scope{All: true})
		if err != nil {
			t.Fatal(err)
		}
		if a1.Outcome != dossier.OutcomeLate || !a1.OriginalDueAt.Equal(thu17) || !a1.MeasureDueAt.Equal(thu17) || !a1.DueAt.Equal(mon17) ||
			a1.ApologyAt == nil || !a1.ApologyAt.Equal(vnAt(11, 4, 10, 0, 0, 0)) {
			t.Errorf("A-1: outcome %q, original %v, measure %v, appointment %v, apology %v; want late, Thu 17:00 ×2, Mon 17:00, Wed 10:00",
				a1.Outcome, a1.OriginalDueAt, a1.MeasureDueAt, a1.DueAt, a1.ApologyAt)
		}
		ev.clk.Set(vnAt(11, 6, 17, 30, 0, 0))
		week := workflow.ReportQuery{From: "2026-11-02", To: "2026-11-06"}
		sum := ev.summary(t, week)
		if sum.Resolved != 1 || sum.ResolvedLate != 1 || sum.OnTimeRate != 0 || sum.Open != 1 || sum.OpenOverdue != 1 {
			t.Errorf("summary: resolved %d late %d rate %.2f open %d overdue %d; want 1 1 0.00 1 1",
				sum.Resolved, sum.ResolvedLate, sum.OnTimeRate, sum.Open, sum.OpenOverdue)
		}
		a2, err := ev.svc.Dossier(ctx, admin, "A-2")
		if err != nil {
			t.Fatal(err)
		}
		if a2.Overdue {
			t.Errorf("A-2 overdue for the applicant before its new appointment")
		}
		nd := vnAt(11, 10, 17, 0, 0, 0)
		if _, err := ev.svc.Act(ctx, ev.users["reception"], "A-2", dossier.ActApologize,
			workflow.ActionInput{Version: a2.Version, Reason: "Lần hai", NewDueAt: &nd}); dossier.ErrorCode(err) != dossier.ECONFLICT {
			t.Errorf("second apology on an imported dossier = %v; want 409", err)
		}
		assertRecountEqual(t, ev)
	})
}
