// Package bench is motcua's load tool (`motcua bench`): simulated
// officers drive complete dossier lifecycles — upload, receive, assign,
// appraise, approve with the leader's signature, issue with number and
// seal, return — through the public HTTP API of a running server, or of
// one it starts itself on a temporary data directory, and report the
// latency of every step, the throughput, the errors, the server's memory
// and CPU and the disk's raw durable commit rate measured in the same run.
//
// It also fills a database with a synthetic province (Seed) and drives a
// read mix over it. See README.md in this directory for the figures.
package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// Modes of Run.
const (
	ModeLifecycle = "lifecycle" // complete signed lifecycles
	ModeCheap     = "cheap"     // request-supplement ↔ supplement
)

// Loops of the cheap mode.
const (
	LoopClarify    = "clarify"    // request-clarification ↔ submit-appraisal: no document
	LoopSupplement = "supplement" // request-supplement ↔ supplement: a signed Mẫu 02 each time
)

// Read mix defaults.
const (
	defaultUsers = 1000
	defaultThink = time.Second
)

// Config is one run of the load tool.
type Config struct {
	// Base is the URL of a running server (with the demo accounts); empty
	// starts `Binary serve --demo` on a temporary data directory.
	Base        string
	Binary      string // motcua binary to start; default this executable
	DB          string // --db of the started server (postgres://…); empty: SQLite
	Data        string // data directory of the started server; default a new temporary one
	TempDir     string // where the temporary data directory goes (default the system's)
	Synchronous string // --sqlite-synchronous of the started server
	PID         int    // process to read CPU and RSS from when Base is given

	Mode     string
	Clients  int
	Duration time.Duration // 0 with Count > 0: until Count
	Count    int           // lifecycles (cheap mode: transitions); 0: until Duration
	Warmup   time.Duration // run before measuring (not reported)

	Procedure  string  // procedure filed (default 2.001610, of the demo approver's agency)
	Online     float64 // share of dossiers submitted online by a citizen and accepted
	Supplement float64 // share with a supplement request and a supplement
	Clarify    float64 // share with a clarification request and a second appraisal
	Refuse     float64 // share refused after appraisal
	BlobKB     int     // size of each uploaded component
	PerClient  int     // dossiers per client in cheap mode
	CheapLoop  string  // LoopClarify (default) or LoopSupplement
	Idempotent bool    // send Idempotency-Key with every mutating request

	// Read mix (ModeRead).
	Users  int           // simulated users (default 1,000)
	Think  time.Duration // mean pause of a user between two requests (default 1 s)
	Seeded int64         // dossiers 1..Seeded were written by Seed (public lookups); 0: no lookups

	Password string // of the demo accounts; default "demo"

	RawDir      string        // where the raw commit rate is measured when Base is given (default TempDir)
	RawDuration time.Duration // how long the raw commit rate is measured (default 2 s; <0 skips)
	ProfileDir  string        // write CPU and mutex profiles of the started server here

	// AckLog, when set, receives one JSON line per acknowledged (2xx)
	// write that names a dossier: {"t": Unix ms, "step", "code",
	// "version"}. The HA drill checks each against the database after a
	// failover: an acknowledged write must never be lost.
	AckLog io.Writer

	JSON     bool
	Progress io.Writer // progress line and notices (nil: none)
	Seed     uint64
}

// Report is the outcome of one run.
type Report struct {
	Mode              string         `json:"mode"`
	Base              string         `json:"base"`
	Engine            string         `json:"engine"`
	Clients           int            `json:"clients"`
	Seconds           float64        `json:"seconds"`
	Lifecycles        int            `json:"lifecycles"` // returned with a sealed result
	Refused           int            `json:"refused"`
	LifecyclesPerSec  float64        `json:"lifecycles_per_sec"`
	Transitions       int            `json:"transitions"`
	TransitionsPerSec float64        `json:"transitions_per_sec"`
	Requests          int            `json:"requests"`
	Steps             []StepStats    `json:"steps"`
	Errors            map[string]int `json:"errors"`
	ErrorCount        int            `json:"error_count"`
	Server            *ServerStats   `json:"server,omitempty"`
	Raw               *RawCommits    `json:"raw_commits,omitempty"`
	Profiles          []string       `json:"profiles,omitempty"`
}

// ServerStats are read from /proc for the server process.
type ServerStats struct {
	PID               int     `json:"pid"`
	RSSMB             float64 `json:"rss_mb"`
	PeakRSSMB         float64 `json:"peak_rss_mb"`
	CPUSeconds        float64 `json:"cpu_seconds"`
	CPUMsPerLifecycle float64 `json:"cpu_ms_per_lifecycle,omitempty"`
	CPUMsPerTransit   float64 `json:"cpu_ms_per_transition"`
}

func (c *Config) defaults() {
	if c.Mode == "" {
		c.Mode = ModeLifecycle
	}
	if c.Clients <= 0 {
		c.Clients = 32
	}
	if c.Duration <= 0 && c.Count <= 0 {
		c.Duration = 30 * time.Second
	}
	if c.Procedure == "" {
		c.Procedure = "2.001610"
	}
	if c.BlobKB <= 0 {
		c.BlobKB = 32
	}
	if c.PerClient <= 0 {
		c.PerClient = 4
	}
	if c.CheapLoop == "" {
		c.CheapLoop = LoopClarify
	}
	if c.Password == "" {
		c.Password = "demo"
	}
	if c.RawDuration == 0 {
		c.RawDuration = 2 * time.Second
	}
	if c.Seed == 0 {
		c.Seed = uint64(time.Now().UnixNano())
	}
	if c.Users <= 0 {
		c.Users = defaultUsers
	}
	if c.Think <= 0 {
		c.Think = defaultThink
	}
}

func (c *Config) notef(format string, a ...any) {
	if c.Progress != nil {
		fmt.Fprintf(c.Progress, format, a...)
	}
}

// Run drives the load described by cfg and returns its report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg.defaults()
	if cfg.Mode != ModeLifecycle && cfg.Mode != ModeCheap && cfg.Mode != ModeRead {
		return nil, fmt.Errorf("bench: unknown mode %q (lifecycle, cheap or read)", cfg.Mode)
	}
	if cfg.CheapLoop != LoopClarify && cfg.CheapLoop != LoopSupplement {
		return nil, fmt.Errorf("bench: unknown cheap loop %q (clarify or supplement)", cfg.CheapLoop)
	}
	for _, f := range []float64{cfg.Online, cfg.Supplement, cfg.Clarify, cfg.Refuse} {
		if f < 0 || f > 1 {
			return nil, errors.New("bench: shares must be between 0 and 1")
		}
	}
	rep := &Report{Mode: cfg.Mode, Clients: cfg.Clients, Errors: map[string]int{}, Engine: "unknown"}
	if cfg.Mode == ModeRead {
		rep.Clients = cfg.Users
	}
	var srv *server
	pid := cfg.PID
	if cfg.Base == "" {
		var err error
		if srv, err = startServer(ctx, &cfg, progressOr(cfg.Progress)); err != nil {
			return nil, err
		}
		defer srv.stop()
		cfg.Base, pid = srv.base, srv.pid()
		rep.Engine = "sqlite"
		if cfg.DB != "" {
			rep.Engine = "postgres"
		}
	}
	rep.Base = cfg.Base
	rec := newRecorder()
	c := newClient(cfg.Base, cfg.Clients, rec, cfg.Idempotent)
	if cfg.AckLog != nil {
		c.acks = &ackLog{w: cfg.AckLog}
	}
	acc, proc, err := setup(ctx, &cfg, c)
	if err != nil {
		return nil, err
	}
	var stop atomic.Bool
	workers := make([]*worker, cfg.Clients)
	for i := range workers {
		workers[i] = &worker{cfg: &cfg, c: c, acc: acc, proc: proc, rec: rec, stop: &stop,
			rng: rand.New(rand.NewPCG(cfg.Seed, uint64(i)))}
	}
	// The cheap loop's dossiers are filed before the clock starts.
	var cheap [][]*dossierRef
	if cfg.Mode == ModeCheap {
		cheap = make([][]*dossierRef, cfg.Clients)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var first error
		for i, w := range workers {
			wg.Go(func() {
				ds, err := w.cheapSetup(ctx, cfg.PerClient)
				mu.Lock()
				defer mu.Unlock()
				if err != nil && first == nil {
					first = err
				}
				cheap[i] = ds
			})
		}
		wg.Wait()
		if first != nil {
			return nil, fmt.Errorf("bench: filing the dossiers of the cheap loop: %w", first)
		}
	}
	// drive runs the clients until d has passed (0: no limit) or limit
	// lifecycles (cheap: transitions) have started, and returns when the
	// last request in flight has been answered.
	drive := func(d time.Duration, limit int64) {
		stop.Store(false)
		if d > 0 {
			t := time.AfterFunc(d, func() { stop.Store(true) })
			defer t.Stop()
		}
		if cfg.Mode == ModeRead {
			runReads(ctx, &cfg, c, rec, acc.tokens(), &stop, limit)
			return
		}
		var counter atomic.Int64
		var wg sync.WaitGroup
		for i, w := range workers {
			wg.Go(func() {
				if cfg.Mode == ModeCheap {
					w.runCheap(ctx, cheap[i], &counter, limit)
				} else {
					w.runLifecycles(ctx, &counter, limit)
				}
			})
		}
		wg.Wait()
	}
	if cfg.Warmup > 0 {
		cfg.notef("bench: warming up for %v\n", cfg.Warmup)
		drive(cfg.Warmup, 0)
	}
	// Measure from a clean recorder.
	rec = newRecorder()
	c.rec = rec
	for _, w := range workers {
		w.rec = rec
	}
	var before procStat
	if pid > 0 {
		before, _ = readProc(pid)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	stopSampling := sample(runCtx, &cfg, rec, pid, start)
	var profiles []string
	var profWG sync.WaitGroup
	if srv != nil && srv.pprof != "" {
		profWG.Go(func() { profiles = profile(runCtx, &cfg, srv.pprof) })
	}
	drive(cfg.Duration, int64(cfg.Count))
	elapsed := time.Since(start)
	cancel()
	peak := stopSampling()
	profWG.Wait()
	rep.Profiles = profiles
	if srv != nil && srv.pprof != "" {
		if p, err := fetchProfile(ctx, srv.pprof, "mutex", cfg.ProfileDir); err == nil {
			rep.Profiles = append(rep.Profiles, p)
		}
	}
	rep.Seconds = elapsed.Seconds()
	rep.Lifecycles, rep.Refused = rec.get("returned"), rec.get("refused")
	rep.LifecyclesPerSec = float64(rep.Lifecycles+rep.Refused) / elapsed.Seconds()
	rep.Transitions = rec.get("transitions")
	rep.TransitionsPerSec = float64(rep.Transitions) / elapsed.Seconds()
	rep.Steps = rec.steps(elapsed)
	for _, s := range rep.Steps {
		rep.Requests += s.Count
	}
	rec.mu.Lock()
	for k, v := range rec.errs {
		rep.Errors[k] = v
	}
	rep.ErrorCount = rec.nerr
	rec.mu.Unlock()
	if pid > 0 {
		if after, err := readProc(pid); err == nil {
			ss := &ServerStats{PID: pid, RSSMB: mb(after.rss), PeakRSSMB: mb(max(after.peakRSS, peak)),
				CPUSeconds: (after.cpu - before.cpu).Seconds()}
			if n := rep.Lifecycles + rep.Refused; n > 0 {
				ss.CPUMsPerLifecycle = ss.CPUSeconds * 1000 / float64(n)
			}
			if rep.Transitions > 0 {
				ss.CPUMsPerTransit = ss.CPUSeconds * 1000 / float64(rep.Transitions)
			}
			rep.Server = ss
		}
	}
	if cfg.RawDuration > 0 {
		dir := cfg.RawDir
		if dir == "" && srv != nil {
			dir = srv.data
		}
		if dir == "" {
			dir = cfg.TempDir
		}
		if dir == "" {
			dir = os.TempDir()
		}
		cfg.notef("bench: measuring raw durable commits for %v (%s)\n", cfg.RawDuration, dir)
		raw, err := measureRaw(ctx, cfg.DB, dir, cfg.Synchronous, cfg.RawDuration)
		if err != nil {
			return nil, err
		}
		if raw.PerSec > 0 {
			raw.Ratio = rep.TransitionsPerSec / raw.PerSec
		}
		rep.Raw = raw
	}
	return rep, nil
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

func progressOr(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// setup signs in as the demo accounts, registers a citizen for online
// filing and reads the procedure.
func setup(ctx context.Context, cfg *Config, c *client) (*accounts, *procedureInfo, error) {
	acc := &accounts{}
	for _, a := range []struct {
		name string
		tok  *string
	}{{"reception", &acc.reception}, {"appraiser", &acc.appraiser}, {"approver", &acc.approver}, {"clerk", &acc.clerk},
		{"supervisor", &acc.supervisor}} {
		tok, err := c.login(ctx, a.name, cfg.Password)
		if err != nil {
			return nil, nil, fmt.Errorf("bench: %w (is the server running with --demo?)", err)
		}
		*a.tok = tok
	}
	if cfg.Online > 0 && cfg.Mode == ModeLifecycle {
		suffix := newKey()[:10]
		acc.citizenID = fmt.Sprintf("0012%08d", rand.IntN(100000000))
		user := "bench" + suffix
		in := map[string]string{"username": user, "password": "bench-" + suffix, "name": "Nguyễn Văn Thử",
			"id_number": acc.citizenID, "phone": "0912345678", "email": user + "@example.com"}
		var err error
		for attempt := 0; attempt < 30; attempt++ {
			err = c.postJSON(ctx, "register", "/api/v1/public/register", "", in, nil)
			var ae *apiError
			if errors.As(err, &ae) && ae.status == http.StatusTooManyRequests {
				time.Sleep(time.Second)
				continue
			}
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("bench: registering a citizen: %w", err)
		}
		if acc.citizen, err = c.login(ctx, user, "bench-"+suffix); err != nil {
			return nil, nil, err
		}
	}
	proc := &procedureInfo{}
	if cfg.Mode == ModeRead {
		return acc, proc, nil
	}
	if err := c.do(ctx, "procedure", http.MethodGet, "/api/v1/procedures/"+cfg.Procedure, "", "", nil, proc); err != nil {
		return nil, nil, fmt.Errorf("bench: procedure %s: %w", cfg.Procedure, err)
	}
	if len(proc.required()) == 0 {
		return nil, nil, fmt.Errorf("bench: procedure %s has no required component to upload", cfg.Procedure)
	}
	return acc, proc, nil
}

// sample prints the progress line every second and samples the server's
// RSS; the returned function stops it and returns the peak RSS seen.
func sample(ctx context.Context, cfg *Config, rec *recorder, pid int, start time.Time) func() int64 {
	done := make(chan struct{})
	var peak atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				if cfg.Progress != nil {
					fmt.Fprintln(cfg.Progress)
				}
				return
			case <-t.C:
			}
			var rss string
			if pid > 0 {
				if ps, err := readProc(pid); err == nil {
					peak.Store(max(peak.Load(), ps.rss))
					rss = fmt.Sprintf("  RSS %.0f MB", mb(ps.rss))
				}
			}
			if cfg.Progress != nil && cfg.Mode == ModeRead {
				s := time.Since(start).Seconds()
				n := rec.requests()
				fmt.Fprintf(cfg.Progress, "\r%4.0fs  requests %d (%.0f/s)  errors %d%s   ", s, n, float64(n)/s, rec.errors(), rss)
			} else if cfg.Progress != nil {
				s := time.Since(start).Seconds()
				l, tr := rec.get("returned")+rec.get("refused"), rec.get("transitions")
				fmt.Fprintf(cfg.Progress, "\r%4.0fs  lifecycles %d (%.1f/s)  transitions %d (%.0f/s)  errors %d%s   ",
					s, l, float64(l)/s, tr, float64(tr)/s, rec.errors(), rss)
			}
		}
	})
	return func() int64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

// profile takes a CPU profile of the started server over the middle of
// the run (cfg.Duration minus a second at each end, at most 30 s).
func profile(ctx context.Context, cfg *Config, addr string) []string {
	secs := int(min(cfg.Duration, 32*time.Second)/time.Second) - 2
	if secs < 1 {
		secs = 1
	}
	select {
	case <-time.After(time.Second):
	case <-ctx.Done():
		return nil
	}
	p, err := fetchProfile(context.WithoutCancel(ctx), addr, fmt.Sprintf("profile?seconds=%d", secs), cfg.ProfileDir)
	if err != nil {
		cfg.notef("bench: CPU profile: %v\n", err)
		return nil
	}
	return []string{p}
}

func fetchProfile(ctx context.Context, addr, what, dir string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/debug/pprof/"+what, nil)
	if err != nil {
		return "", err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return "", fmt.Errorf("pprof %s: HTTP %d", what, res.StatusCode)
	}
	name := what
	if i := strings.IndexByte(name, '?'); i >= 0 {
		name = name[:i]
	}
	if name == "profile" {
		name = "cpu"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := dir + "/" + name + ".pprof"
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := io.Copy(f, res.Body); err != nil {
		return "", err
	}
	return path, nil
}

// Print writes rep as a table, or as JSON when asJSON.
func (rep *Report) Print(w io.Writer, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(w, "motcua bench — %s, %d clients, %.1f s against %s (%s)\n", rep.Mode, rep.Clients, rep.Seconds, rep.Base, rep.Engine)
	if rep.Mode == ModeLifecycle {
		fmt.Fprintf(w, "lifecycles: %d returned + %d refused = %.1f/s\n", rep.Lifecycles, rep.Refused, rep.LifecyclesPerSec)
	}
	if rep.Mode == ModeRead {
		fmt.Fprintf(w, "requests: %d = %.1f/s; errors: %d\n", rep.Requests, float64(rep.Requests)/rep.Seconds, rep.ErrorCount)
	} else {
		fmt.Fprintf(w, "transitions: %d = %.1f/s; requests: %d; errors: %d\n", rep.Transitions, rep.TransitionsPerSec, rep.Requests, rep.ErrorCount)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "step\tcount\tper s\tp50 ms\tp95 ms\tp99 ms\tmax ms\t")
	for _, s := range rep.Steps {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t\n", s.Step, s.Count, s.PerSec, s.P50, s.P95, s.P99, s.Max)
	}
	tw.Flush()
	if len(rep.Errors) > 0 {
		fmt.Fprintln(w, "errors by kind:")
		kinds := make([]string, 0, len(rep.Errors))
		for k := range rep.Errors {
			kinds = append(kinds, k)
		}
		sort.Slice(kinds, func(i, j int) bool { return rep.Errors[kinds[i]] > rep.Errors[kinds[j]] })
		for _, k := range kinds {
			fmt.Fprintf(w, "  %6d  %s\n", rep.Errors[k], k)
		}
	}
	if s := rep.Server; s != nil {
		fmt.Fprintf(w, "server (pid %d): RSS %.1f MB (peak %.1f MB); CPU %.2f s", s.PID, s.RSSMB, s.PeakRSSMB, s.CPUSeconds)
		if s.CPUMsPerLifecycle > 0 {
			fmt.Fprintf(w, " = %.1f ms per lifecycle", s.CPUMsPerLifecycle)
		}
		fmt.Fprintf(w, ", %.2f ms per transition\n", s.CPUMsPerTransit)
	}
	if r := rep.Raw; r != nil {
		fmt.Fprintf(w, "raw durable single-row commits: %.0f/s on %s (%s); transitions/raw = %.3f\n", r.PerSec, r.Engine, r.Where, r.Ratio)
	}
	for _, p := range rep.Profiles {
		fmt.Fprintf(w, "profile: %s\n", p)
	}
	return nil
}
