// Package benchtest holds what the latency benchmarks share: a background
// flood of concurrent clients (also the load of the crash tests), the
// timed loop that records each operation's latency, and the p50/p99
// figures reported from it.
package benchtest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"motcua/internal/clocktest"
)

// Flood starts n goroutines, each calling op(worker) as fast as it can
// until op returns false or the returned stop is called; stop waits for
// all of them to return.
func Flood(n int, op func(worker int) bool) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if !op(w) {
					return
				}
			}
		}()
	}
	return func() {
		close(done)
		wg.Wait()
	}
}

// Time resets the benchmark timer, calls op(i) for i in [0, b.N), stops the
// timer and returns each call's latency and the time the loop took.
func Time(b *testing.B, op func(i int)) (lat []time.Duration, took time.Duration) {
	lat = make([]time.Duration, 0, b.N)
	b.ResetTimer()
	start := clocktest.Now()
	for i := range b.N {
		t0 := clocktest.Now()
		op(i)
		lat = append(lat, time.Since(t0))
	}
	took = time.Since(start)
	b.StopTimer()
	return lat, took
}

// Ms is d in milliseconds, to the microsecond.
func Ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// ReportPercentiles sorts the latencies lat and reports their median and
// 99th percentile, in milliseconds, under the metric names p50 and p99
// (either may be empty: that one is not reported).
func ReportPercentiles(b *testing.B, lat []time.Duration, p50, p99 string) {
	slices.Sort(lat)
	if p50 != "" {
		b.ReportMetric(Ms(lat[len(lat)/2]), p50)
	}
	if p99 != "" {
		b.ReportMetric(Ms(lat[len(lat)*99/100]), p99)
	}
}
