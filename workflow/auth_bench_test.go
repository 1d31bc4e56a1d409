package workflow_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/benchtest"
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
			stop := func() {}
			var logins atomic.Int64
			if flood {
				stop = benchtest.Flood(16, func(int) bool {
					if _, _, err := svc.Login(ctx, "canbo", "mật-khẩu-đủ-dài"); err != nil {
						b.Error(err)
						return false
					}
					logins.Add(1)
					return true
				})
				time.Sleep(300 * time.Millisecond) // let the flood build up
			}
			lat, took := benchtest.Time(b, func(i int) {
				if err := db.InTx(ctx, svc.Now(), func(tx *store.Tx) error {
					return tx.Audit("bench", "write", "bench", fmt.Sprint(i), "{}")
				}); err != nil {
					b.Fatal(err)
				}
			})
			stop()
			benchtest.ReportPercentiles(b, lat, "p50-ms", "p99-ms")
			if flood {
				b.ReportMetric(float64(logins.Load())/took.Seconds(), "logins/s")
			}
		})
	}
}
