package workflow_test

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

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
