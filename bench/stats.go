package bench

import (
	"slices"
	"sort"
	"sync"
	"time"
)

// recorder collects the latency of every request by step and the errors
// by kind. One recorder is shared by all clients.
type recorder struct {
	mu     sync.Mutex
	lat    map[string][]time.Duration
	errs   map[string]int
	nerr   int
	counts map[string]int // finished lifecycles by outcome, transitions
}

func newRecorder() *recorder {
	return &recorder{lat: map[string][]time.Duration{}, errs: map[string]int{}, counts: map[string]int{}}
}

func (r *recorder) add(step string, d time.Duration) {
	r.mu.Lock()
	r.lat[step] = append(r.lat[step], d)
	r.mu.Unlock()
}

func (r *recorder) fail(kind string) {
	r.mu.Lock()
	r.errs[kind]++
	r.nerr++
	r.mu.Unlock()
}

func (r *recorder) count(what string, n int) {
	r.mu.Lock()
	r.counts[what] += n
	r.mu.Unlock()
}

func (r *recorder) get(what string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts[what]
}

func (r *recorder) requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, ds := range r.lat {
		n += len(ds)
	}
	return n
}

func (r *recorder) errors() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.nerr
}

// StepStats are the latencies of one kind of request.
type StepStats struct {
	Step   string  `json:"step"`
	Count  int     `json:"count"`
	PerSec float64 `json:"per_sec"`
	P50    float64 `json:"p50_ms"`
	P95    float64 `json:"p95_ms"`
	P99    float64 `json:"p99_ms"`
	Max    float64 `json:"max_ms"`
}

// stepOrder lists steps in the order of a lifecycle, for printing.
var stepOrder = []string{"upload", "receive", "submit", "accept", "assign", "request-supplement", "supplement",
	"submit-appraisal", "request-clarification", "approve", "refuse", "issue", "return",
	"worklist", "dossier", "lookup", "dashboard", "export"}

func (r *recorder) steps(elapsed time.Duration) []StepStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []StepStats
	for name, ds := range r.lat {
		if len(ds) == 0 {
			continue
		}
		s := slices.Clone(ds)
		slices.Sort(s)
		out = append(out, StepStats{Step: name, Count: len(s), PerSec: float64(len(s)) / elapsed.Seconds(),
			P50: msOf(quantile(s, 0.50)), P95: msOf(quantile(s, 0.95)), P99: msOf(quantile(s, 0.99)), Max: msOf(s[len(s)-1])})
	}
	rank := func(n string) int {
		if i := slices.Index(stepOrder, n); i >= 0 {
			return i
		}
		return len(stepOrder)
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := rank(out[i].Step), rank(out[j].Step); a != b {
			return a < b
		}
		return out[i].Step < out[j].Step
	})
	return out
}

// quantile returns the q-quantile of sorted s (nearest rank).
func quantile(s []time.Duration, q float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	i := int(q*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
