package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"motcua/dossier"
	"motcua/store"
	"motcua/store/storetest"
)

func seedCenter(t *testing.T, db *store.DB) {
	t.Helper()
	err := db.InTx(context.Background(), at, func(tx *store.Tx) error {
		if err := tx.UpsertAgency(&dossier.Agency{Code: "P", Name: "Tỉnh P", Level: dossier.LevelProvince}); err != nil {
			return err
		}
		if err := tx.UpsertAgency(&dossier.Agency{Code: "P.HCC", Name: "Trung tâm HCC", Level: dossier.LevelProvince, ParentCode: "P"}); err != nil {
			return err
		}
		if err := tx.UpsertCenter(&dossier.Center{Code: "P.HCC", Name: "Trung tâm HCC", Level: dossier.LevelProvince, AgencyCode: "P.HCC",
			Counters: []dossier.Counter{{Code: "Q01", Name: "Quầy 01"}, {Code: "Q02", Name: "Quầy 02"}}}); err != nil {
			return err
		}
		return tx.ReplaceQueueServices("P.HCC", []store.QueueService{{ServiceCode: "A", Name: "Dịch vụ A"}, {ServiceCode: "B", Name: "Dịch vụ B"}})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func issue(db *store.DB, service string) (*store.QueueTicket, error) {
	var t *store.QueueTicket
	err := db.InTx(context.Background(), at, func(tx *store.Tx) error {
		var err error
		t, err = tx.IssueTicket("P.HCC", service, "2026-11-27")
		return err
	})
	return t, err
}

// TestIssueTicketConcurrent: 100 kiosks issuing at once get 1..100, each
// number once, on every engine.
func TestIssueTicketConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		db := storetest.Open(t, e)
		seedCenter(t, db)
		const n = 100
		var wg sync.WaitGroup
		nums := make(chan int64, n)
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				svc := "A"
				if i%2 == 1 {
					svc = "B"
				}
				tk, err := issue(db, svc)
				if err != nil {
					errs <- err
					return
				}
				nums <- tk.Number
			}(i)
		}
		wg.Wait()
		close(nums)
		close(errs)
		for err := range errs {
			t.Fatalf("IssueTicket: %v", err)
		}
		seen := map[int64]bool{}
		for v := range nums {
			if seen[v] || v < 1 || v > n {
				t.Errorf("number %d duplicated or out of 1..%d", v, n)
			}
			seen[v] = true
		}
		if len(seen) != n {
			t.Errorf("got %d distinct numbers; want %d", len(seen), n)
		}
	})
}

func TestWaitingBeforeAndCallNext(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		seedCenter(t, db)
		var got []int
		for _, s := range []string{"A", "A", "B", "A"} {
			tk, err := issue(db, s)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, tk.WaitingBefore)
		}
		if want := []int{0, 1, 0, 2}; !equalInts(got, want) {
			t.Errorf("waiting_before = %v; want %v (same service only)", got, want)
		}
		call := func(counter string, services ...string) (*store.QueueTicket, error) {
			var tk *store.QueueTicket
			err := db.InTx(ctx, at, func(tx *store.Tx) error {
				var err error
				tk, err = tx.CallNext("P.HCC", counter, "2026-11-27", services, 7)
				return err
			})
			return tk, err
		}
		tk, err := call("Q01", "B")
		if err != nil || tk.Number != 3 || tk.CounterCode != "Q01" || tk.Status != store.TicketCalled {
			t.Fatalf("CallNext(B) = %+v, %v; want number 3 at Q01", tk, err)
		}
		tk, err = call("Q01")
		if err != nil || tk.Number != 1 {
			t.Fatalf("CallNext = %+v, %v; want number 1", tk, err)
		}
		ts, _ := db.Tickets(ctx, "P.HCC", "2026-11-27")
		if ts[2].Status != store.TicketDone {
			t.Errorf("ticket 3 after the counter's next call = %s; want done", ts[2].Status)
		}
		if _, err := call("Q02", "B"); !errors.Is(err, store.ErrNoTicket) {
			t.Errorf("CallNext(B) with no B waiting = %v; want ErrNoTicket", err)
		}
		var rc *store.QueueTicket
		db.InTx(ctx, at, func(tx *store.Tx) error { rc, err = tx.UpdateCurrentTicket("P.HCC", "Q01", "recall"); return err })
		if err != nil || rc.Number != 1 || rc.Recalls != 1 {
			t.Errorf("recall = %+v, %v; want number 1 recalled once", rc, err)
		}
		db.InTx(ctx, at, func(tx *store.Tx) error { rc, err = tx.UpdateCurrentTicket("P.HCC", "Q01", "skip"); return err })
		if err != nil || rc.Status != store.TicketSkipped {
			t.Errorf("skip = %+v, %v; want skipped", rc, err)
		}
		stats, err := db.QueueStats(ctx, "P.HCC", ts[0].IssuedAt.Add(-1e9), ts[0].IssuedAt.Add(1e12))
		if err != nil || len(stats) == 0 {
			t.Errorf("QueueStats = %v, %v; want rows", stats, err)
		}
	})
}

// TestCallNextConcurrent: counters calling at once never share a ticket.
func TestCallNextConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		db := storetest.Open(t, e)
		seedCenter(t, db)
		const n = 60
		for i := 0; i < n; i++ {
			if _, err := issue(db, "A"); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		called := map[int64]int{}
		var wg sync.WaitGroup
		for c := 0; c < 6; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				counter := []string{"Q01", "Q02", "Q03", "Q04", "Q05", "Q06"}[c]
				for {
					var tk *store.QueueTicket
					err := db.InTx(context.Background(), at, func(tx *store.Tx) error {
						var err error
						tk, err = tx.CallNext("P.HCC", counter, "2026-11-27", nil, 1)
						return err
					})
					if errors.Is(err, store.ErrNoTicket) {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					called[tk.Number]++
					mu.Unlock()
				}
			}(c)
		}
		wg.Wait()
		if len(called) != n {
			t.Errorf("called %d distinct tickets; want %d", len(called), n)
		}
		for num, k := range called {
			if k != 1 {
				t.Errorf("ticket %d called %d times", num, k)
			}
		}
	})
}

// TestCallNextOneCounterAtOnce: calls at one counter at once (a double
// click, two tabs) each close the previous ticket and call the next, one
// after the other: the counter ends serving exactly one ticket.
func TestCallNextOneCounterAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		db := storetest.Open(t, e)
		seedCenter(t, db)
		const waiting, calls = 12, 8
		for range waiting {
			if _, err := issue(db, "A"); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		for range calls {
			wg.Go(func() {
				err := db.InTx(context.Background(), at, func(tx *store.Tx) error {
					_, err := tx.CallNext("P.HCC", "Q01", "2026-11-27", nil, 1)
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		ts, err := db.Tickets(context.Background(), "P.HCC", "2026-11-27")
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, tk := range ts {
			count[tk.Status]++
		}
		if count["called"] != 1 || count["done"] != calls-1 || count["waiting"] != waiting-calls {
			t.Errorf("tickets by status = %v; want 1 called, %d done, %d waiting", count, calls-1, waiting-calls)
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
