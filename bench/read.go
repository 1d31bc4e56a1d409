package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// ModeRead is the read mix: simulated users reading a (seeded) database.
const ModeRead = "read"

// readKind is one kind of read and its share of the mix.
type readKind struct {
	name   string
	weight int
}

// readMix is what the center's users read, by share of requests: officers'
// work queues and the dossiers they open from them, citizens' lookups by
// the token on their receipt, supervisors' dashboards and, rarely, an
// export.
var readMix = []readKind{
	{"worklist", 40},
	{"dossier", 30},
	{"lookup", 20},
	{"dashboard", 8},
	{"export", 2},
}

// worklistOf is what each officer's queue lists.
var worklistOf = map[string]string{
	"reception":  "status=received&status=issued",
	"appraiser":  "status=appraising&status=received",
	"approver":   "status=awaiting_approval",
	"clerk":      "status=approved",
	"supervisor": "",
}

// reader is one simulated user of the read mix.
type reader struct {
	cfg    *Config
	c      *client // officers' requests
	public *client // citizens' requests, from this user's own address
	toks   map[string]string
	rng    *rand.Rand
	stop   *atomic.Bool
	codes  []string // from the last work list
	who    string
	made   *atomic.Int64
	limit  int64
}

// runReads drives cfg.Users readers until stop, or until limit requests
// have been made (0: no limit); each waits an exponential think time
// (mean cfg.Think) between two requests.
func runReads(ctx context.Context, cfg *Config, c *client, rec *recorder, toks map[string]string, stop *atomic.Bool, limit int64) {
	var made atomic.Int64
	officers := []string{"reception", "appraiser", "approver", "clerk", "supervisor"}
	var wg sync.WaitGroup
	for i := range cfg.Users {
		r := &reader{cfg: cfg, c: c, toks: toks, rng: rand.New(rand.NewPCG(cfg.Seed, uint64(i)+1<<32)), stop: stop,
			who: officers[i%len(officers)], made: &made, limit: limit}
		r.public = publicClient(cfg.Base, i, rec)
		wg.Go(func() { r.run(ctx, rec) })
	}
	wg.Wait()
}

// publicClient returns a client whose connections come from 127.x.y.z
// when the server is on the loopback, so that each simulated citizen has
// its own address, as on the Internet (public endpoints are rate limited
// per address).
func publicClient(base string, i int, rec *recorder) *client {
	c := newClient(base, 1, rec, false)
	u, err := url.Parse(base)
	if err != nil {
		return c
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() || ip.To4() == nil {
		return c
	}
	local := &net.TCPAddr{IP: net.IPv4(127, byte(1+i/62500), byte(i/250%250), byte(2+i%250))}
	d := &net.Dialer{LocalAddr: local, Timeout: 10 * time.Second}
	c.http.Transport.(*http.Transport).DialContext = d.DialContext
	return c
}

func (r *reader) run(ctx context.Context, rec *recorder) {
	// Users do not all start at the same instant.
	if !r.sleep(ctx, time.Duration(r.rng.Float64()*float64(r.cfg.Think))) {
		return
	}
	for !r.stop.Load() && ctx.Err() == nil {
		if r.limit > 0 && r.made.Add(1) > r.limit {
			return
		}
		kind := r.pick()
		err := r.read(ctx, kind)
		if err != nil && !r.stop.Load() && ctx.Err() == nil {
			if ae, ok := err.(*apiError); ok {
				rec.fail(ae.kind())
			} else {
				rec.fail(kind + ": " + err.Error())
			}
		}
		if !r.sleep(ctx, time.Duration(r.rng.ExpFloat64()*float64(r.cfg.Think))) {
			return
		}
	}
}

func (r *reader) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return !r.stop.Load()
	case <-ctx.Done():
		return false
	}
}

func (r *reader) pick() string {
	total := 0
	for _, k := range readMix {
		total += k.weight
	}
	n := r.rng.IntN(total)
	for _, k := range readMix {
		if n < k.weight {
			if k.name == "lookup" && r.cfg.Seeded <= 0 {
				return "worklist"
			}
			return k.name
		}
		n -= k.weight
	}
	return "worklist"
}

func (r *reader) read(ctx context.Context, kind string) error {
	switch kind {
	case "dossier":
		if len(r.codes) > 0 {
			code := r.codes[r.rng.IntN(len(r.codes))]
			return r.c.do(ctx, "dossier", http.MethodGet, "/api/v1/dossiers/"+url.PathEscape(code), r.toks[r.who], "", nil, nil)
		}
		fallthrough
	case "worklist":
		var out struct {
			Items []struct {
				Code string `json:"code"`
			} `json:"items"`
		}
		q := "/api/v1/dossiers?limit=50"
		if f := worklistOf[r.who]; f != "" {
			q += "&" + f
		}
		if err := r.c.do(ctx, "worklist", http.MethodGet, q, r.toks[r.who], "", nil, &out); err != nil {
			return err
		}
		r.codes = r.codes[:0]
		for _, it := range out.Items {
			r.codes = append(r.codes, it.Code)
		}
		return nil
	case "lookup":
		id := 1 + r.rng.Int64N(r.cfg.Seeded)
		return r.public.do(ctx, "lookup", http.MethodGet, "/api/v1/public/lookup?token="+SeedLookupToken(id), "", "", nil, nil)
	case "dashboard":
		return r.c.do(ctx, "dashboard", http.MethodGet, "/api/v1/reports/summary?"+lastYear(), r.toks["supervisor"], "", nil, nil)
	case "export":
		return r.c.do(ctx, "export", http.MethodGet, "/api/v1/reports/by-procedure.xlsx?"+lastYear(), r.toks["supervisor"], "", nil, nil)
	}
	return fmt.Errorf("bench: unknown read %q", kind)
}

// lastYear is the period of a dashboard: the twelve months to today (in
// Vietnam).
func lastYear() string {
	today := time.Now().In(time.FixedZone("ICT", 7*3600))
	return "from=" + today.AddDate(-1, 0, 1).Format("2006-01-02") + "&to=" + today.Format("2006-01-02")
}
