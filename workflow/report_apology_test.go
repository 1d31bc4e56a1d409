package workflow_test

import (
	"context"
	"testing"

	"motcua/dossier"
	"motcua/store"
	"motcua/store/storetest"
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
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		ev := newREnv(t, e)
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
		sum, err := ev.svc.Summary(ctx, admin, week)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Resolved != 4 || sum.ResolvedEarly != 2 || sum.ResolvedOnTime != 1 || sum.ResolvedLate != 1 || sum.OnTimeRate != 75.00 {
			t.Errorf("summary: resolved %d early %d on time %d late %d rate %.2f; want 4 2 1 1 75.00",
				sum.Resolved, sum.ResolvedEarly, sum.ResolvedOnTime, sum.ResolvedLate, sum.OnTimeRate)
		}
		ind, err := ev.svc.Indicators(ctx, admin, week)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]workflow.Indicator{}
		for _, i := range ind.Indicators {
			got[i.Code] = i
		}
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
		assertRecountEqual(t, ev)
	})
}
