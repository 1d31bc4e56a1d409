package bench_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"motcua/bench"
	"motcua/blob"
	"motcua/internal/clocktest"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/workflow"
)

// TestSeed writes a small province and checks it is consistent the way
// `motcua check` sees it: every status agrees with the history, every
// register is gap-free, the aggregates count every dossier, and the
// public lookup finds a seeded dossier by its token.
func TestSeed(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, e)
			clock := clocktest.Now
			blobs, err := blob.Open(filepath.Join(t.TempDir(), "blobs"))
			if err != nil {
				t.Fatal(err)
			}
			svc, err := workflow.New(db, blobs, workflow.Ports{}, slog.New(slog.DiscardHandler), workflow.Config{Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			indexes := seedIndexes(t, db)
			if len(indexes) < 10 {
				t.Fatalf("indexes of the seeded tables: %v", indexes)
			}
			const n = 3000
			rep, err := bench.Seed(ctx, db, svc, bench.SeedOptions{Dossiers: n, Now: clock(), Years: 2, Seed: 7, Batch: 1000})
			if err != nil {
				t.Fatal(err)
			}
			// The load drops the secondary indexes and builds them again.
			if got := seedIndexes(t, db); !slices.Equal(got, indexes) {
				t.Errorf("indexes after the seed:\n%v\nwant\n%v", got, indexes)
			}
			if rep.Dossiers != n || rep.LastID-rep.FirstID+1 != n || rep.History < 3*n || rep.Results == 0 || rep.Ratings == 0 {
				t.Errorf("report %+v", rep)
			}
			bad, count, err := db.CheckConsistency(ctx)
			if err != nil || len(bad) > 0 || count < n {
				t.Errorf("consistency: %d dossiers, %v, %v", count, bad, err)
			}
			ps, err := svc.Lookup(ctx, bench.SeedLookupToken(rep.FirstID+n/2))
			if err != nil || len(ps.Steps) == 0 {
				t.Errorf("lookup of a seeded dossier: %v, %v", ps, err)
			}
			// A second seed on the same database continues codes,
			// registers and ids.
			if _, err := bench.Seed(ctx, db, svc, bench.SeedOptions{Dossiers: 500, Now: clock(), Years: 2, Seed: 8}); err != nil {
				t.Fatal(err)
			}
			if bad, _, err := db.CheckConsistency(ctx); err != nil || len(bad) > 0 {
				t.Errorf("consistency after a second seed: %v, %v", bad, err)
			}
			// A seed cancelled in the middle of its load leaves the indexes
			// in place.
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			_, err = bench.Seed(cctx, db, svc, bench.SeedOptions{Dossiers: 20000, Now: clock(), Years: 2, Seed: 9, Batch: 1000,
				Progress: func(done, _ int) {
					if done >= 2000 {
						cancel()
					}
				}})
			if err == nil {
				t.Error("a cancelled seed succeeded")
			}
			if got := seedIndexes(t, db); !slices.Equal(got, indexes) {
				t.Errorf("indexes after a cancelled seed:\n%v\nwant\n%v", got, indexes)
			}
		})
	}
}

// seedIndexes lists the indexes of the tables the seed fills, with their
// definitions.
func seedIndexes(t *testing.T, db *store.DB) []string {
	t.Helper()
	q := `SELECT name || ': ' || COALESCE(sql, '') FROM sqlite_master WHERE type = 'index'
		AND tbl_name IN ('dossiers', 'dossier_history', 'results', 'ratings') ORDER BY name`
	if db.Engine() == store.Postgres {
		q = `SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
			AND tablename IN ('dossiers', 'dossier_history', 'results', 'ratings') ORDER BY indexname`
	}
	return storetest.Strings(t, db, q)
}

// TestReadMix seeds a few hundred dossiers behind an in-process server and
// runs the read mix briefly: every kind of read is made, none fails (the
// public lookups find the seeded dossiers by their tokens, each simulated
// citizen from its own address).
func TestReadMix(t *testing.T) {
	base, db, svc := newServerWith(t, store.SQLite)
	const n = 400
	rep, err := bench.Seed(context.Background(), db, svc, bench.SeedOptions{Dossiers: n, Now: clocktest.Now(), Years: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	const reads = 400
	out := run(t, bench.Config{Base: base, Mode: bench.ModeRead, Users: 20, Think: time.Millisecond, Count: reads,
		Seeded: rep.LastID, RawDuration: -1, Seed: 5})
	if out["error_count"].(float64) != 0 {
		t.Errorf("errors: %v", out["errors"])
	}
	got := steps(t, out)
	for _, k := range []string{"worklist", "dossier", "lookup", "dashboard"} {
		if got[k] == 0 {
			t.Errorf("no %s read in %v", k, got)
		}
	}
	if out["clients"].(float64) != 20 || out["requests"].(float64) != reads {
		t.Errorf("clients = %v, requests = %v; want the 20 users, %d requests", out["clients"], out["requests"], reads)
	}
}

// BenchmarkSeed measures the seeder on SQLite: b.N batches of 5,000
// dossiers into one database (go test ./bench -run '^$' -bench Seed
// -benchtime 4x -cpuprofile cpu.out).
func BenchmarkSeed(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b, store.SQLite)
	blobs, err := blob.Open(filepath.Join(b.TempDir(), "blobs"))
	if err != nil {
		b.Fatal(err)
	}
	svc, err := workflow.New(db, blobs, workflow.Ports{}, slog.New(slog.DiscardHandler), workflow.Config{Now: clocktest.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if _, err := bench.Seed(ctx, db, svc, bench.SeedOptions{Dossiers: 5000 * b.N, Now: clocktest.Now(), Seed: 1}); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(5000*b.N)/b.Elapsed().Seconds(), "dossiers/s")
}
