package web_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/internal/clocktest"
	"motcua/store"
	"motcua/web"
)

// Front benchmarks (issue 7 figures), over real TCP to an in-process
// server on SQLite synchronous=FULL with the demo province:
//
//	go test ./web/ -run '^$' -bench 'Front' -benchtime 1x
//
// FRONT_BENCH_SECONDS (default 5) sets the length of the open-loop runs.

func benchSeconds() time.Duration {
	if v, err := strconv.Atoi(os.Getenv("FRONT_BENCH_SECONDS")); err == nil && v > 0 {
		return time.Duration(v) * time.Second
	}
	return 5 * time.Second
}

// openLoop starts fn rate times per second for d, each in its own
// goroutine (an open loop: a slow answer does not slow the arrivals), and
// returns every latency and the number of errors.
func openLoop(rate int, d time.Duration, fn func() error) ([]time.Duration, int) {
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rate)
	start := clocktest.Now()
	for i := 0; time.Since(start) < d; i++ {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := clocktest.Now()
			err := fn()
			el := time.Since(t0)
			mu.Lock()
			if err != nil {
				errs++
			} else {
				lat = append(lat, el)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return lat, errs
}

func pct(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	i := int(p*float64(len(s)) + 0.5)
	if i >= len(s) {
		i = len(s) - 1
	}
	return s[i]
}

func reportLatency(b *testing.B, lat []time.Duration, errs int, elapsed time.Duration) {
	b.ReportMetric(float64(pct(lat, 0.50).Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(pct(lat, 0.99).Microseconds())/1000, "p99_ms")
	b.ReportMetric(slices.Max(append(lat, 0)).Seconds()*1000, "max_ms")
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(errs), "errors")
}

func benchClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 1000, 1000
	return &http.Client{Transport: tr}
}

func getOK(c *http.Client, url string) error {
	res, err := c.Get(url)
	return drained(res, err, http.StatusOK)
}

// drained reads and closes the body of the answer res (when err is nil)
// and returns err, or an error when res's status is not want.
func drained(res *http.Response, err error, want int) error {
	if err != nil {
		return err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return nil
}

// BenchmarkFrontPublicLookup: GET /api/v1/public/lookup at 500 requests/s
// over 50 dossiers (target p99 ≤ 10 ms).
func BenchmarkFrontPublicLookup(b *testing.B) {
	ev := newFrontEnv(b, store.SQLite, web.Options{})
	var tokens []string
	for i := 0; i < 50; i++ {
		tokens = append(tokens, ev.receive(b).LookupToken)
	}
	c := benchClient()
	for _, path := range []string{"/api/v1/public/lookup?token=", "/tra-cuu?token="} {
		b.Run(strings.Trim(strings.SplitN(path, "?", 2)[0], "/"), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				start := clocktest.Now()
				lat, errs := openLoop(500, benchSeconds(), func() error {
					return getOK(c, ev.srv.URL+path+tokens[rand.IntN(len(tokens))])
				})
				reportLatency(b, lat, errs, time.Since(start))
			}
		})
	}
}

// BenchmarkFrontKioskTicket: POST /api/v1/queue/tickets at 50 tickets/s
// (target p99 ≤ 20 ms); every ticket is a durable commit.
func BenchmarkFrontKioskTicket(b *testing.B) {
	ev := newFrontEnv(b, store.SQLite, web.Options{})
	_, body := ev.call(b, "", "GET", "/api/v1/queue/services?center=BN.TTHCC", "")
	svc := decodeJSON[[]store.QueueService](b, body)[0].ServiceCode
	c := benchClient()
	req := `{"center_code":"BN.TTHCC","service_code":"` + svc + `"}`
	for _, rate := range []int{50, 200} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				start := clocktest.Now()
				lat, errs := openLoop(rate, benchSeconds(), func() error {
					res, err := c.Post(ev.srv.URL+"/api/v1/queue/tickets", "application/json", strings.NewReader(req))
					return drained(res, err, http.StatusCreated)
				})
				reportLatency(b, lat, errs, time.Since(start))
			}
		})
	}
}

// BenchmarkFrontSSEFanout: 200 displays connected to one center; each
// iteration issues a ticket, calls it and measures from the call-next
// request until the last display has the event (target ≤ 100 ms).
func BenchmarkFrontSSEFanout(b *testing.B) {
	const displays = 200
	ev := newFrontEnv(b, store.SQLite, web.Options{})
	_, body := ev.call(b, "", "GET", "/api/v1/queue/services?center=BN.TTHCC", "")
	svc := decodeJSON[[]store.QueueService](b, body)[0].ServiceCode
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan time.Time, displays)
	for i := 0; i < displays; i++ {
		br, stop := sseClient(b, ctx, ev.srv.URL, "BN.TTHCC")
		defer stop()
		go func(br *bufio.Reader) {
			for {
				name, _, err := readEvent(br)
				if err != nil {
					return
				}
				if name == "call" {
					got <- clocktest.Now()
				}
			}
		}(br)
	}
	var spans []time.Duration
	b.ResetTimer()
	for i := -1; i < b.N; i++ { // iteration -1 warms up and is not counted
		ev.call(b, "", "POST", "/api/v1/queue/tickets", `{"center_code":"BN.TTHCC","service_code":"`+svc+`"}`)
		t0 := clocktest.Now()
		res, body := ev.call(b, "reception", "POST", "/api/v1/queue/call-next", `{"center_code":"BN.TTHCC"}`)
		if res.StatusCode != 200 {
			b.Fatalf("call-next: %d %s", res.StatusCode, body)
		}
		var last time.Time
		for k := 0; k < displays; k++ {
			select {
			case at := <-got:
				if at.After(last) {
					last = at
				}
			case <-time.After(5 * time.Second):
				b.Fatalf("only %d of %d displays got call %d", k, displays, i)
			}
		}
		if i >= 0 {
			spans = append(spans, last.Sub(t0))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(pct(spans, 0.50).Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(pct(spans, 0.99).Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(slices.Max(spans).Microseconds())/1000, "max_ms")
	b.ReportMetric(displays, "displays")
}
