package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"motcua/internal/clocktest"
	"motcua/internal/stacktest"

	"motcua/bench"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/web"
	"motcua/workflow"
)

// newServer starts the whole server in process — store, blobs, the demo
// keys and signer, the use cases, the demo province and the HTTP layer —
// as `motcua serve --demo` builds it, on the real clock.
func newServer(t *testing.T, e store.Engine) string {
	base, _, _ := newServerWith(t, e)
	return base
}

// newServerWith is newServer, also returning its store and use cases.
func newServerWith(t *testing.T, e store.Engine) (string, *store.DB, *workflow.Service) {
	t.Helper()
	_, db, svc := stacktest.SigningDemo(t, e, workflow.Config{BaseURL: "https://motcua.example", Demo: true, Now: clocktest.Now})
	_, srv := stacktest.Server(t, svc, nil, web.Options{Demo: true})
	return srv.URL, db, svc
}

// run runs the tool and decodes its JSON output, as a user's script would.
func run(t *testing.T, cfg bench.Config) map[string]any {
	t.Helper()
	cfg.JSON = true
	rep, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.Print(&buf, true); err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, buf.Bytes())
	}
	return out
}

func steps(t *testing.T, out map[string]any) map[string]float64 {
	t.Helper()
	m := map[string]float64{}
	list, _ := out["steps"].([]any)
	for _, s := range list {
		s := s.(map[string]any)
		m[s["step"].(string)] = s["count"].(float64)
		if s["p50_ms"].(float64) > s["p99_ms"].(float64) || s["p99_ms"].(float64) > s["max_ms"].(float64) {
			t.Errorf("step %v: percentiles out of order: %v", s["step"], s)
		}
	}
	return m
}

// TestLifecycles runs a handful of complete lifecycles, every one of them
// online, with a supplement and a clarification, then a few refusals and
// the cheap loop, and checks what the JSON report counts: every step of
// every lifecycle, no error.
func TestLifecycles(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			base := newServer(t, e)
			const n = 4
			out := run(t, bench.Config{Base: base, Clients: 2, Count: n, Online: 1, Supplement: 1, Clarify: 1, Seed: 1,
				RawDuration: 200 * time.Millisecond, TempDir: t.TempDir()})
			if out["error_count"].(float64) != 0 || len(out["errors"].(map[string]any)) != 0 {
				t.Errorf("errors: %v", out["errors"])
			}
			if out["lifecycles"].(float64) != n || out["refused"].(float64) != 0 {
				t.Errorf("lifecycles = %v, refused = %v; want %d, 0", out["lifecycles"], out["refused"], n)
			}
			// submit, accept, assign, request-supplement, supplement,
			// submit-appraisal ×2, request-clarification, approve,
			// issue, return.
			if out["transitions"].(float64) != 11*n {
				t.Errorf("transitions = %v; want %d", out["transitions"], 11*n)
			}
			want := map[string]float64{"upload": 3 * n, "submit": n, "accept": n, "assign": n, "request-supplement": n,
				"supplement": n, "submit-appraisal": 2 * n, "request-clarification": n, "approve": n, "issue": n, "return": n}
			got := steps(t, out)
			for k, v := range want {
				if got[k] != v {
					t.Errorf("step %s: %v requests; want %v", k, got[k], v)
				}
			}
			if len(got) != len(want) {
				t.Errorf("steps %v; want exactly %v", got, want)
			}
			raw := out["raw_commits"].(map[string]any)
			if raw["commits"].(float64) <= 0 || raw["ratio"].(float64) <= 0 {
				t.Errorf("raw commits not measured: %v", raw)
			}

			out = run(t, bench.Config{Base: base, Clients: 2, Count: 3, Refuse: 1, Seed: 2, RawDuration: -1})
			if out["refused"].(float64) != 3 || out["lifecycles"].(float64) != 0 || out["error_count"].(float64) != 0 {
				t.Errorf("refusals: refused %v, lifecycles %v, errors %v", out["refused"], out["lifecycles"], out["errors"])
			}
			if got := steps(t, out); got["refuse"] != 3 || got["receive"] != 3 || got["issue"] != 0 {
				t.Errorf("refusal steps: %v", got)
			}
			if _, ok := out["raw_commits"]; ok {
				t.Errorf("raw commits measured although skipped")
			}

			for loop, pair := range map[string][2]string{bench.LoopClarify: {"request-clarification", "submit-appraisal"},
				bench.LoopSupplement: {"request-supplement", "supplement"}} {
				out = run(t, bench.Config{Base: base, Mode: bench.ModeCheap, CheapLoop: loop, Clients: 2, PerClient: 2, Count: 20, RawDuration: -1})
				got = steps(t, out)
				if out["transitions"].(float64) != 20 || got[pair[0]]+got[pair[1]] != 20 || got[pair[0]] == 0 || out["error_count"].(float64) != 0 {
					t.Errorf("cheap loop %s: transitions %v, steps %v, errors %v", loop, out["transitions"], got, out["errors"])
				}
			}
		})
	}
}
