package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/internal/clocktest"
	"motcua/store"
	"motcua/store/storetest"
)

// openN opens n handles (n instances' pools) on one fresh PostgreSQL
// database, migrating from each at the same time.
func openN(t *testing.T, n int) []*store.DB {
	return openNWith(t, n, store.Options{})
}

func openNWith(t *testing.T, n int, opts store.Options) []*store.DB {
	t.Helper()
	opts.DSN = storetest.CreateDatabase(t)
	dsn := opts.DSN
	ctx := context.Background()
	dbs := make([]*store.DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		o := opts
		o.DSN = dsn
		db, err := store.Open(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = db.Migrate(ctx) }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d migrate: %v", i+1, err)
		}
	}
	return dbs
}

func TestTryLockOneHolderAcrossInstances(t *testing.T) {
	dbs := openN(t, 3)
	ctx := context.Background()
	var holders, peak, rounds atomic.Int32
	var wg sync.WaitGroup
	for _, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 30 {
				release, ok, err := db.TryLock(ctx, "job")
				if err != nil {
					t.Error(err)
					return
				}
				if !ok {
					continue
				}
				if n := holders.Add(1); n > peak.Load() {
					peak.Store(n)
				}
				rounds.Add(1)
				time.Sleep(time.Millisecond)
				holders.Add(-1)
				release()
			}
		}()
	}
	wg.Wait()
	if peak.Load() != 1 || rounds.Load() == 0 {
		t.Errorf("peak holders %d over %d rounds; want 1 holder at a time", peak.Load(), rounds.Load())
	}
	// Released: another instance takes it at once.
	release, ok, err := dbs[2].TryLock(ctx, "job")
	if err != nil || !ok {
		t.Fatalf("TryLock after release = %v, %v", ok, err)
	}
	release()
}

func TestNotifyReachesListenersAtCommitOnly(t *testing.T) {
	dbs := openN(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan string, 4)
	ready := make(chan struct{}, 1)
	go dbs[0].Listen(ctx, "motcua_test", func() { ready <- struct{}{} }, func(m string) { got <- m })
	<-ready
	now := clocktest.Now()
	rolledBack := dbs[1].InTx(ctx, now, func(tx *store.Tx) error {
		if err := tx.Notify("motcua_test", "rolled back"); err != nil {
			return err
		}
		return context.Canceled
	})
	if rolledBack == nil {
		t.Fatal("InTx returned nil")
	}
	if err := dbs[1].InTx(ctx, now, func(tx *store.Tx) error { return tx.Notify("motcua_test", "committed") }); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		if m != "committed" {
			t.Errorf("listener heard %q; want only the committed message", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no notification")
	}
}

// TestIdempotencyLeaseAcrossInstances: the claim on an Idempotency-Key
// taken by instance 1 is renewed while instance 1 lives, so a retry
// reaching instance 2 waits (409) even past the lease; once instance 1 is
// gone (its pool closed: no renewal, as after kill -9) the retry on
// instance 2 takes the key over after one lease.
func TestIdempotencyLeaseAcrossInstances(t *testing.T) {
	const lease = 600 * time.Millisecond
	dbs := openNWith(t, 2, store.Options{IdempotencyLease: lease})
	ctx := context.Background()
	const fp = "POST /api/v1/dossiers h"
	if _, prev, err := dbs[0].ClaimIdempotencyKey(ctx, clocktest.Now, 7, "k", fp); err != nil || prev != nil {
		t.Fatalf("instance 1 claim = %+v, %v", prev, err)
	}
	time.Sleep(2 * lease) // instance 1 renews meanwhile
	if _, prev, err := dbs[1].ClaimIdempotencyKey(ctx, clocktest.Now, 7, "k", fp); err != nil || prev == nil || prev.Status != 0 || prev.Lost {
		t.Fatalf("retry on instance 2 while instance 1 runs = %+v, %v; want in flight", prev, err)
	}
	dbs[0].Close() // instance 1 dies
	deadline := clocktest.Now().Add(10 * lease)
	for {
		owned, prev, err := dbs[1].ClaimIdempotencyKey(ctx, clocktest.Now, 7, "k", fp)
		if err != nil {
			t.Fatal(err)
		}
		if prev == nil {
			if err := dbs[1].CompleteIdempotencyKey(owned, 201, []byte(`{"ok":true}`)); err != nil {
				t.Fatal(err)
			}
			break
		}
		if prev.Status != 0 || prev.Lost {
			t.Fatalf("retry on instance 2 = %+v; want in flight until taken over", prev)
		}
		if clocktest.Now().After(deadline) {
			t.Fatalf("instance 2 never took the key over after instance 1 died")
		}
		time.Sleep(lease / 4)
	}
}

// TestReportsReadFromTheReplica: with ReportsDSN the report queries read
// the replica's rows, everything else the primary's. Here the "replica" is
// a second database with the same schema and different rows, which shows
// where each query goes (streaming replication itself is exercised by
// scripts/ha-drill.sh).
func TestReportsReadFromTheReplica(t *testing.T) {
	ctx := context.Background()
	primaryDSN, replicaDSN := storetest.CreateDatabase(t), storetest.CreateDatabase(t)
	r := storetest.OpenWith(t, store.Options{DSN: replicaDSN})
	if _, err := r.SQL().Exec(`INSERT INTO report_daily (day, center_code, agency_code, procedure_code, received)
		VALUES ('2026-11-26', 'BN.TTHCC', 'BN.SKHDT', '2.001610', 5)`); err != nil {
		t.Fatal(err)
	}
	p := storetest.OpenWith(t, store.Options{DSN: primaryDSN, ReportsDSN: replicaDSN})
	if !p.ReadsReportsFromReplica() {
		t.Fatal("ReadsReportsFromReplica = false")
	}
	rows, err := p.AggregateRows(ctx, "2026-11-02", "2026-11-27", store.AggFilter{All: true}, false)
	if err != nil {
		t.Fatal(err)
	}
	var received int64
	for _, row := range rows {
		received += row.Received
	}
	if received != 5 {
		t.Errorf("report read %d received; want the replica's 5", received)
	}
	var onPrimary int
	if err := p.SQL().QueryRow(`SELECT COUNT(*) FROM report_daily`).Scan(&onPrimary); err != nil || onPrimary != 0 {
		t.Errorf("primary report_daily rows = %d, %v; want 0 (the write side is the primary)", onPrimary, err)
	}
	if _, err := store.Open(ctx, store.Options{DSN: primaryDSN, ReportsDSN: "sqlite:/tmp/x.db"}); err == nil {
		t.Error("an SQLite reports database was accepted")
	}
}
