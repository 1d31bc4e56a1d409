package workflow_test

import (
	"context"
	"strings"
	"testing"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

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
