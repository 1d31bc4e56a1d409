package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua/bench"
	"motcua/internal/clocktest"
	"motcua/store"
)

// uiPageTimes requests each page n times straight on the handler (server
// time, no network) as user and returns the p95 per page and the body size.
func uiPageTimes(t testing.TB, h http.Handler, cookie string, pages []string, n int) map[string][2]float64 {
	t.Helper()
	out := map[string][2]float64{}
	for _, p := range pages {
		var lat []time.Duration
		size := 0
		for i := 0; i < n; i++ {
			req := httptest.NewRequest("GET", p, nil)
			req.Header.Set("Cookie", "motcua_session="+cookie)
			rec := httptest.NewRecorder()
			t0 := clocktest.Now()
			h.ServeHTTP(rec, req)
			lat = append(lat, time.Since(t0))
			if rec.Code != 200 {
				t.Fatalf("GET %s = %d\n%s", p, rec.Code, rec.Body.String())
			}
			size = rec.Body.Len()
		}
		slices.Sort(lat)
		out[p] = [2]float64{float64(lat[len(lat)*95/100].Microseconds()) / 1000, float64(size)}
	}
	return out
}

// TestUIWorkListPageWeight checks that a full work-list page (50 rows) with
// its stylesheet and scripts stays under 150 KB transferred without cache.
func TestUIWorkListPageWeight(t *testing.T) {
	ev := newUIEnv(t)
	ctx := context.Background()
	if err := bench.GenerateDossiers(ctx, ev.db, bench.GenerateOptions{N: 400, Seed: 7, Start: clocktest.Now().AddDate(0, -1, 0), Days: 30}); err != nil {
		t.Fatal(err)
	}
	c := ev.login(t, "admin")
	res, body := ev.get(t, c, "/ho-so?status=all")
	if res.StatusCode != 200 {
		t.Fatalf("work list: %d", res.StatusCode)
	}
	rows := strings.Count(body, "<tr class=")
	total := len(body)
	for _, a := range []string{"/static/style.css", "/static/htmx.min.js", "/static/ui.js", "/static/keys.js"} {
		_, b := ev.get(t, c, a)
		total += len(b)
	}
	t.Logf("work list: %d rows, HTML %.1f KB, with assets %.1f KB (uncompressed, no cache)", rows, float64(len(body))/1024, float64(total)/1024)
	if rows != 50 {
		t.Errorf("rows = %d; want a full page of 50", rows)
	}
	if total > 150*1024 {
		t.Errorf("work list page weighs %d bytes; want ≤ 150 KB", total)
	}
	if !strings.Contains(body, `rel="next"`) {
		t.Errorf("no next-page link")
	}
}

// BenchmarkUIPages measures server time per officer page with many
// dossiers stored (MOTCUA_BENCH_N, default 100,000) and reports the p95 of
// each page in milliseconds, and its size.
func BenchmarkUIPages(b *testing.B) {
	ev := newUIEnv(b)
	ctx := context.Background()
	n := 100000
	if v := os.Getenv("MOTCUA_BENCH_N"); v != "" {
		fmt.Sscan(v, &n)
	}
	if err := bench.GenerateDossiers(ctx, ev.db, bench.GenerateOptions{N: n, Seed: 1, Start: clocktest.Now().AddDate(-1, 0, 0)}); err != nil {
		b.Fatal(err)
	}
	ev.db.SQL().Exec(`ANALYZE`)
	h := ev.srv.Config.Handler
	rc, err := ev.db.UserByName(ctx, "reception")
	if err != nil {
		b.Fatal(err)
	}
	rows, _, err := ev.svc.Dossiers(ctx, rc, store.DossierFilter{Limit: 1})
	if err != nil || len(rows) == 0 {
		b.Fatal("no dossier", err)
	}
	pages := map[string][]string{
		"reception": {"/", "/ho-so?status=all", "/ho-so?q=nguyen", "/tiep-nhan", "/tiep-nhan?procedure=2.001610", "/ho-so/" + rows[0].Code},
		"appraiser": {"/", "/ho-so?status=appraising"},
		"approver":  {"/"},
		"clerk":     {"/"},
		"admin":     {"/ho-so?status=all", "/quan-tri/tai-khoan", "/quan-tri/thu-tuc", "/quan-tri/ngay-nghi"},
	}
	b.ResetTimer()
	for b.Loop() {
		for user, ps := range pages {
			tok, _, err := ev.svc.Login(ctx, user, "demo")
			if err != nil {
				b.Fatal(err)
			}
			for p, v := range uiPageTimes(b, h, tok, ps, 40) {
				fmt.Fprintf(os.Stderr, "%-10s %-40s p95 %7.2f ms  %6.1f KB\n", user, p, v[0], v[1]/1024)
			}
		}
	}
}
