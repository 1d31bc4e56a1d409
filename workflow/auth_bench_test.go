package workflow_test

import (
	"context"
	"fmt"
	"motcua/internal/clocktest"
	"slices"
	"sync"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

// BenchmarkWriteDuringLoginFlood measures the latency of a small write use
// case (one audited transaction) with the server idle and while 16 clients
// sign in as fast as they can. Sign-in hashes the password with argon2id
// (~100 ms of CPU each); the hashing runs outside every transaction and at
// most GOMAXPROCS/2 at a time, so the flood must not hold the SQLite writer
// (issue 16, item 5: write p50 during a flood within 2× of idle). Reported:
// p50-ms and p99-ms of the writes, logins/s during the flood.
//
//	go test ./workflow -run '^$' -bench WriteDuringLoginFlood -benchtime 200x
func BenchmarkWriteDuringLoginFlood(b *testing.B) {
	for _, flood := range []bool{false, true} {
		name := "idle"
		if flood {
			name = "flood"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			svc, db := newCatalogServiceDB(b, store.SQLite)
			if _, err := svc.CreateUser(ctx, nil, workflow.NewUserInput{Username: "canbo", Password: "mật-khẩu-đủ-dài",
				Roles: []dossier.Role{dossier.RoleReception}}); err != nil {
				b.Fatal(err)
			}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var logins sync.Map
			if flood {
				for w := range 16 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						n := 0
						for {
							select {
							case <-stop:
								logins.Store(w, n)
								return
							default:
							}
							if _, _, err := svc.Login(ctx, "canbo", "mật-khẩu-đủ-dài"); err != nil {
								b.Error(err)
								logins.Store(w, n)
								return
							}
							n++
						}
					}()
				}
				time.Sleep(300 * time.Millisecond) // let the flood build up
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			start := clocktest.Now()
			for i := range b.N {
				t0 := clocktest.Now()
				if err := db.InTx(ctx, svc.Now(), func(tx *store.Tx) error {
					return tx.Audit("bench", "write", "bench", fmt.Sprint(i), "{}")
				}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			took := time.Since(start)
			b.StopTimer()
			close(stop)
			wg.Wait()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			if flood {
				total := 0
				logins.Range(func(_, v any) bool { total += v.(int); return true })
				b.ReportMetric(float64(total)/took.Seconds(), "logins/s")
			}
		})
	}
}
