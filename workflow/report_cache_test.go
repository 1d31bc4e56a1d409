package workflow_test

import (
	"context"
	"testing"
	"time"

	"motcua/internal/demotest"
	"motcua/internal/stacktest"
	"motcua/store"
	"motcua/workflow"
)

// TestReportCacheExpiresByTime: with Config.ReportCache set, a summary
// is answered from the data read for the same scope and period until the
// cache time has passed (a dossier received meanwhile shows only then); a
// different scope or period is read afresh.
func TestReportCacheExpiresByTime(t *testing.T) {
	c := &clock{}
	c.Set(time.Date(2026, 11, 26, 9, 0, 0, 0, ict))
	db, svc := stacktest.Demo(t, store.SQLite, workflow.Ports{}, workflow.Config{Now: c.Now, ReportCache: 5 * time.Second})
	ev := &env{svc: svc, db: db, clock: c, users: demotest.Users(t, db)}
	ev.blob = demotest.Upload(t, svc, ev.users["reception"], "scanned component")
	ctx := context.Background()
	received := func(q workflow.ReportQuery) int64 {
		t.Helper()
		r, err := svc.Summary(ctx, ev.users["admin"], q)
		if err != nil {
			t.Fatal(err)
		}
		return r.Received
	}
	day := workflow.ReportQuery{From: "2026-11-26", To: "2026-11-26"}
	before := received(day)
	ev.receive(t)
	c.Add(4 * time.Second)
	if got := received(day); got != before {
		t.Errorf("within the cache time: received = %d; want the cached %d", got, before)
	}
	if got := received(workflow.ReportQuery{From: "2026-11-26", To: "2026-11-26", Center: "BN.TTHCC"}); got != before+1 {
		t.Errorf("another scope: received = %d; want %d", got, before+1)
	}
	if got := received(workflow.ReportQuery{From: "2026-11-25", To: "2026-11-26"}); got != before+1 {
		t.Errorf("another period: received = %d; want %d", got, before+1)
	}
	c.Add(time.Second)
	if got := received(day); got != before+1 {
		t.Errorf("after the cache time: received = %d; want %d", got, before+1)
	}
}
