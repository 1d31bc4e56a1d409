package demo_test

import (
	"context"
	"testing"
	"time"

	"motcua/demo"
	"motcua/internal/clocktest"
	"motcua/internal/stacktest"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/workflow"
)

func TestLoadIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		ctx := context.Background()
		db, svc := stacktest.Service(t, e, workflow.Ports{}, workflow.Config{Now: clocktest.Now})
		start := clocktest.Now()
		if err := demo.Load(ctx, svc, db); err != nil {
			t.Fatal(err)
		}
		t.Logf("demo.Load on %s: %v", e, time.Since(start))
		if err := demo.Load(ctx, svc, db); err != nil {
			t.Fatal(err)
		}
		centers, err := db.Centers(ctx)
		if err != nil || len(centers) != 9 {
			t.Errorf("centers = %d, %v; want 9 (province + 8 districts)", len(centers), err)
		}
		five := true
		ps, _, err := db.Procedures(ctx, store.ProcedureFilter{Limit: 500})
		fos, _, _ := db.Procedures(ctx, store.ProcedureFilter{Limit: 500, FiveOnSpot: &five})
		if err != nil || len(ps) < 30 || len(fos) < 10 {
			t.Errorf("procedures = %d (five on spot %d), %v; want ≥30 and ≥10", len(ps), len(fos), err)
		}
		for _, a := range demo.Accounts {
			if _, _, err := svc.Login(ctx, a.Username, demo.Password); err != nil {
				t.Errorf("Login(%s) = %v", a.Username, err)
			}
		}
		us, _ := db.Users(ctx, "")
		if len(us) != len(demo.Accounts) {
			t.Errorf("users after two loads = %d; want %d", len(us), len(demo.Accounts))
		}
	})
}
