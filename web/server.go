// Package web serves motcua over HTTP: the JSON API under /api/v1 and the
// server-rendered pages, all listed in routes.go.
package web

import (
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"motcua/pdf"
	"motcua/sso"
	"motcua/workflow"
)

// Options configure the server.
type Options struct {
	SecureCookies bool    // set Secure and __Host- on cookies (behind TLS)
	AccessLog     bool    // log every request
	PublicRPS     float64 // per-address rate on public endpoints (default 20/s)
	PublicBurst   int     // burst of the same (default 40)
	Demo          bool
	// TrustedProxies are the load balancers in front of the instances:
	// from them, the client address is taken from X-Forwarded-For (for
	// the per-address rate limit). Each instance limits on its own: behind
	// N instances in round robin an address gets up to N times the rate
	// (limit cluster-wide at the balancer, see docs/deploy.md).
	TrustedProxies []netip.Prefix
	// MetricsAllow lists the networks whose direct requests may read
	// /metrics without signing in (Prometheus scrapers); empty: admins
	// only. See metrics_gate.go.
	MetricsAllow []netip.Prefix
	// SignAgent is where the signing page finds the officer's local
	// signing agent; default AgentOrigin (motcua sign-agent's address).
	SignAgent string
	// OIDC, when set, offers citizens "Đăng nhập bằng VNeID" (the
	// national portal's OpenID Connect sign-in; public_vneid.go).
	OIDC *sso.Client
}

// Server is the HTTP surface of motcua.
type Server struct {
	svc     *workflow.Service
	log     *slog.Logger
	opts    Options
	metrics *metrics
	reg     *prometheus.Registry
	limiter *ipLimiter
	cop     *http.CrossOriginProtection
	ui      *ui
	// errorPage is the one error page of every HTML route (errors.go).
	errorPage *template.Template
	mux       *http.ServeMux
	// patterns lists every route registered (Routes).
	patterns []string
	handler  http.Handler
	front    *front
	// ledger renders the ledger PDF, made on first use.
	ledger struct {
		once sync.Once
		r    *pdf.Renderer
		err  error
	}
}

// NewServer returns the handler of every route.
func NewServer(svc *workflow.Service, log *slog.Logger, opts Options) (*Server, error) {
	if opts.PublicRPS <= 0 {
		opts.PublicRPS = 20
	}
	if opts.PublicBurst <= 0 {
		opts.PublicBurst = 40
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = slog.New(workflow.RedactLogs(log.Handler())) // no personal data in logs
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s := &Server{svc: svc, log: log, opts: opts, metrics: newMetrics(reg), reg: reg,
		limiter: newIPLimiter(opts.PublicRPS, opts.PublicBurst), cop: http.NewCrossOriginProtection(), mux: http.NewServeMux()}
	var err error
	if s.ui, err = newUI(); err != nil {
		return nil, err
	}
	if s.errorPage, err = errorTemplates(); err != nil {
		return nil, err
	}
	s.front = newFront()
	s.routes()
	s.handler = s.observe(s.authenticate(s.orNotFound(s.mux)))
	return s, nil
}

// ServeHTTP serves r.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}
