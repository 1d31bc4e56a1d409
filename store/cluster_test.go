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
	t.Helper()
	dsn := storetest.CreateDatabase(t)
	ctx := context.Background()
	dbs := make([]*store.DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		db, err := store.Open(ctx, store.Options{DSN: dsn})
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
