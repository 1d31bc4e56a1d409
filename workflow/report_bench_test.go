package workflow_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"motcua/bench"
	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/internal/cputime"
	"motcua/internal/stacktest"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/workflow"
)

// benchService opens (and on first use generates) a benchmark province of
// MOTCUA_BENCH_DOSSIERS dossiers (default 1,000,000) in the SQLite
// database MOTCUA_BENCH_DIR/motcua.db, or in PostgreSQL when
// MOTCUA_BENCH_DSN is set. Without MOTCUA_BENCH_DIR (or _DSN) the
// benchmark is skipped: generating takes minutes.
func benchService(b *testing.B) (*workflow.Service, *store.DB, int) {
	b.Helper()
	ctx := context.Background()
	n := 1_000_000
	if v := os.Getenv("MOTCUA_BENCH_DOSSIERS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	opts := store.Options{Synchronous: "OFF"}
	switch {
	case os.Getenv("MOTCUA_BENCH_DSN") != "":
		opts.DSN = os.Getenv("MOTCUA_BENCH_DSN")
	case os.Getenv("MOTCUA_BENCH_DIR") != "":
		opts.DataDir = os.Getenv("MOTCUA_BENCH_DIR")
	default:
		b.Skip("set MOTCUA_BENCH_DIR (SQLite) or MOTCUA_BENCH_DSN (PostgreSQL) to run")
	}
	db, err := store.Open(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	var have int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM dossiers`).Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have == 0 {
		start := clocktest.Now()
		err := bench.GenerateReportData(ctx, db, bench.GenOptions{Dossiers: n, Seed: 1, Batch: 100000, Progress: func(done, total int) {
			if done%1_000_000 == 0 || done == total {
				fmt.Fprintf(os.Stderr, "generated %d/%d dossiers in %v\n", done, total, time.Since(start).Round(time.Second))
			}
		}})
		if err != nil {
			b.Fatal(err)
		}
		if db.Engine() == store.Postgres {
			db.SQL().Exec(`VACUUM ANALYZE`)
		} else {
			db.SQL().Exec(`ANALYZE`)
		}
		have = n
	}
	return stacktest.Over(b, db, workflow.Ports{}, workflow.Config{Now: clocktest.Now}), db, have
}

// BenchmarkSummary compares the summary read from the aggregates with the
// same figures scanned from the dossiers table, over one year of a
// province of N dossiers (5 years, 10 centers, 1,000 procedures).
//
//	MOTCUA_BENCH_DIR=/tmp/motcua-bench go test ./workflow -run '^$' -bench Summary -benchtime 20x
func BenchmarkSummary(b *testing.B) {
	svc, db, n := benchService(b)
	admin := &dossier.User{Roles: []dossier.Role{dossier.RoleAdmin}}
	ctx := context.Background()
	for _, q := range []workflow.ReportQuery{
		{From: "2025-01-01", To: "2025-12-31"},
		{From: "2023-03-15", To: "2023-09-20", Center: "GEN.C03"},
		{From: "2021-01-01", To: "2025-12-31", Level: "district"},
	} {
		name := q.From + "_" + q.To
		if q.Center != "" {
			name += "_" + q.Center
		}
		if q.Level != "" {
			name += "_" + q.Level
		}
		b.Run(fmt.Sprintf("aggregates/%s/%d", name, n), func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.Summary(ctx, admin, q); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("scan/%s/%d", name, n), func(b *testing.B) {
			from, _ := time.ParseInLocation("2006-01-02", q.From, vnZone)
			to, _ := time.ParseInLocation("2006-01-02", q.To, vnZone)
			for b.Loop() {
				if _, _, _, err := db.ScanSummary(ctx, from, to.AddDate(0, 0, 1), store.AggFilter{All: true, Center: q.Center, Level: q.Level}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkImportDossiers imports legacy dossiers (contract §6 JSON
// lines) into an empty SQLite database in one transaction and reports
// dossiers per second (wall and per CPU second). Two data sets:
//
//   - spread: 100,000 dossiers, one every 17 minutes over 3.2 years,
//     uniformly over 1,000 procedures: about one aggregate row per
//     dossier, the worst case for the aggregates;
//
//   - seed-h1-2021: the provincial center's half year of the seed
//     (61,049 dossiers, 17.35 % online, H1 2021) over 457 procedures
//     with a Zipf distribution, as a real history looks.
//
//     go test ./workflow -run '^$' -bench ImportDossiers -benchtime 1x
func BenchmarkImportDossiers(b *testing.B) {
	b.Run("spread", func(b *testing.B) {
		n := benchImportN()
		base := time.Date(2020, 1, 6, 8, 0, 0, 0, vnZone)
		benchImport(b, n, func(i int) (time.Time, string, string) {
			return base.Add(time.Duration(i) * 17 * time.Minute), fmt.Sprintf("GEN.%02d.%02d.%03d", i%10, i/10%10, i/100%10),
				[]string{"counter", "online", "postal"}[i%3]
		})
	})
	b.Run("seed-h1-2021", func(b *testing.B) {
		const n = 61049
		base := time.Date(2021, 1, 1, 7, 30, 0, 0, vnZone)
		rng := rand.New(rand.NewPCG(1, 2))
		zipf := rand.NewZipf(rng, 1.1, 4, 456)
		procs := make([]string, n)
		for i := range procs {
			k := int(zipf.Uint64())
			procs[i] = fmt.Sprintf("GEN.%02d.%02d.%03d", k/100%10, k/10%10, k%10)
		}
		span := 181 * 24 * time.Hour
		benchImport(b, n, func(i int) (time.Time, string, string) {
			ch := "counter"
			if i%10000 < 1735 {
				ch = "online"
			}
			return base.Add(span * time.Duration(i) / n), procs[i], ch
		})
	})
}

func benchImport(b *testing.B, n int, row func(i int) (time.Time, string, string)) {
	ctx := context.Background()
	var buf strings.Builder
	for i := 0; i < n; i++ {
		rec, proc, ch := row(i)
		due := rec.Add(5 * 24 * time.Hour)
		status, fin := "returned", `"`+rec.Add(time.Duration(i%7)*24*time.Hour).Format(time.RFC3339)+`"`
		if i%10 == 0 {
			status, fin = "appraising", "null"
		}
		fmt.Fprintf(&buf, `{"code":"OLD-%07d","procedure_code":"%s","channel":"%s","applicant":{"kind":"citizen","name":"Nguyễn Thị Lịch Sử","id_number":"027190001234","phone":"0912345678"},"received_at":"%s","due_at":"%s","status":"%s","finished_at":%s}`+"\n",
			i, proc, ch, rec.Format(time.RFC3339), due.Format(time.RFC3339), status, fin)
	}
	data := buf.String()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		b.StopTimer()
		db := storetest.Open(b, store.SQLite)
		if err := bench.GenerateReportData(ctx, db, bench.GenOptions{Dossiers: 0}); err != nil {
			b.Fatal(err)
		}
		svc := stacktest.Over(b, db, workflow.Ports{}, workflow.Config{Now: clocktest.Now})
		b.StartTimer()
		start, cpu0 := clocktest.Now(), cputime.Now()
		res, err := svc.ImportDossiers(ctx, nil, strings.NewReader(data), workflow.ImportOptions{})
		if err != nil {
			b.Fatalf("%v %+v", err, dossier.ErrorFields(err))
		}
		el, cpu := time.Since(start), cputime.Now()-cpu0
		if res.Created != n {
			b.Fatalf("created %d", res.Created)
		}
		b.ReportMetric(float64(n)/el.Seconds(), "dossiers/s")
		b.ReportMetric(float64(n)/cpu.Seconds(), "dossiers/cpu-s")
	}
}

func benchImportN() int {
	if v, err := strconv.Atoi(os.Getenv("MOTCUA_BENCH_IMPORT")); err == nil && v > 0 {
		return v
	}
	return 100_000
}
