package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/bench"
	"motcua/dossier"
	"motcua/internal/benchtest"
	"motcua/internal/clocktest"
	"motcua/internal/stacktest"
	"motcua/internal/testfile"
	"motcua/store"
	"motcua/web"
	"motcua/workflow"
)

// benchDemo opens a durable store in a fresh directory (store.Open: a
// SQLite file, synchronous=FULL), migrates it and loads the demo province
// through the use cases over it (clocktest.Now), for benchmarks that must
// measure real commits.
func benchDemo(b *testing.B) (*store.DB, *workflow.Service) {
	b.Helper()
	return stacktest.DemoWith(b, store.Options{DataDir: b.TempDir()}, workflow.Ports{}, workflow.Config{Now: clocktest.Now})
}

// BenchmarkAPITransitions measures dossier transitions per second over
// HTTP with bearer authentication on SQLite synchronous=FULL: every
// transition writes the dossier row, a history row, an audit-chain entry
// and an outbox row in one transaction. Each parallel client owns one
// dossier and alternates request-supplement / supplement. The raw
// single-row durable commit rate of the same database file is measured in
// the same run (raw_commits/s) for the ratio the issue asks for.
func BenchmarkAPITransitions(b *testing.B) {
	ctx := context.Background()
	db, svc := benchDemo(b)
	_, srv := stacktest.Server(b, svc, nil, web.Options{})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	post := func(tok, path, body string) (int, []byte) {
		res, out := roundTrip(b, client, request(b, "POST", srv.URL+path, strings.NewReader(body), tok, map[string]string{"Content-Type": "application/json"}))
		return res.StatusCode, out
	}
	login := func(u string) string {
		_, body := post("", "/api/v1/session", `{"username":"`+u+`","password":"demo"}`)
		var r struct{ Token string }
		json.Unmarshal(body, &r)
		return r.Token
	}
	rec, appr := login("reception"), login("appraiser")
	info, err := svc.Upload(ctx, mustUser(b, db, "reception"), bytes.NewReader(testfile.PDF("bench")))
	if err != nil {
		b.Fatal(err)
	}
	// Each client cycles over its own dossiers so that every dossier keeps
	// a realistic history (a handful of rows), as in a real center.
	const clients, perClient = 16, 25
	type dd struct {
		code       string
		version    int64
		supplement bool
	}
	ds := make([]*dd, clients*perClient)
	for i := range ds {
		st, body := post(rec, "/api/v1/dossiers", receiveBody(info.ID))
		if st != 201 {
			b.Fatalf("receive: %d %s", st, body)
		}
		var d struct {
			Code    string
			Version int64
		}
		json.Unmarshal(body, &d)
		st, body = post(appr, "/api/v1/dossiers/"+d.Code+"/actions/assign", fmt.Sprintf(`{"version":%d}`, d.Version))
		if st != 200 {
			b.Fatalf("assign: %d %s", st, body)
		}
		ds[i] = &dd{code: d.Code, version: d.Version + 1}
	}
	var next atomic.Int32
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	b.SetParallelism(clients / 2) // × GOMAXPROCS goroutines
	b.RunParallel(func(pb *testing.PB) {
		c := int(next.Add(1)-1) % clients
		mine := ds[c*perClient : (c+1)*perClient]
		var local []time.Duration
		for i := 0; pb.Next(); i++ {
			d := mine[i%perClient]
			t0 := clocktest.Now()
			var st int
			var body []byte
			if d.supplement {
				st, body = post(rec, "/api/v1/dossiers/"+d.code+"/actions/supplement", fmt.Sprintf(`{"version":%d}`, d.version))
			} else {
				st, body = post(appr, "/api/v1/dossiers/"+d.code+"/actions/request-supplement", fmt.Sprintf(`{"version":%d,"reason":"Thiếu bản sao"}`, d.version))
			}
			if st != 200 {
				b.Errorf("transition: %d %s", st, body)
				return
			}
			local = append(local, time.Since(t0))
			d.version++
			d.supplement = !d.supplement
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	b.StopTimer()
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "transitions/s")
	if len(lat) > 0 {
		benchtest.ReportPercentiles(b, lat, "", "p99_ms")
	}
	raw := rawCommitRate(b, db.SQL())
	b.ReportMetric(raw, "raw_commits/s")
	b.ReportMetric(rate/raw, "ratio")
}

func mustUser(b *testing.B, db *store.DB, name string) *dossier.User {
	u, err := db.UserByName(context.Background(), name)
	if err != nil {
		b.Fatal(err)
	}
	return u
}

// rawCommitRate measures single-row durable INSERT commits per second for
// one second on the same database.
func rawCommitRate(b *testing.B, db *sql.DB) float64 {
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		b.Fatal(err)
	}
	n := 0
	start := clocktest.Now()
	for time.Since(start) < time.Second {
		if _, err := db.Exec(`INSERT INTO bench_raw (v) VALUES ('x')`); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkWorkList measures the reception work list (first page, 50
// rows, ordered by urgency) with many dossiers stored (MOTCUA_BENCH_N,
// default 100,000; the figure uses 1,000,000).
func BenchmarkWorkList(b *testing.B) {
	ctx := context.Background()
	db, svc := benchDemo(b)
	n := envInt("MOTCUA_BENCH_N", 100000)
	if err := bench.GenerateDossiers(ctx, db, bench.GenerateOptions{N: n, Seed: 1, Start: clocktest.Now().AddDate(-1, 0, 0)}); err != nil {
		b.Fatal(err)
	}
	db.SQL().Exec(`ANALYZE`)
	u, _ := db.UserByName(ctx, "reception")
	appr, _ := db.UserByName(ctx, "appraiser")
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		who := u
		f := store.DossierFilter{Status: []dossier.Status{dossier.StatusReceived, dossier.StatusIssued}}
		if i%2 == 1 {
			who = appr
			f = store.DossierFilter{Status: []dossier.Status{dossier.StatusAppraising, dossier.StatusReceived}}
		}
		t0 := clocktest.Now()
		rows, _, err := svc.Dossiers(ctx, who, f)
		if err != nil || len(rows) == 0 {
			b.Fatalf("work list: %d rows, %v", len(rows), err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	benchtest.ReportPercentiles(b, lat, "", "p99_ms")
	b.ReportMetric(float64(n), "dossiers")
}

func envInt(k string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(k), &n); err != nil || n <= 0 {
		return def
	}
	return n
}
