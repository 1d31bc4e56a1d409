package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"motcua/dossier"
)

// SessionCookie is the name of the session cookie. The __Host- prefix is
// used under TLS (it requires Secure).
const SessionCookie = "motcua_session"

func (s *Server) cookieName() string {
	if s.opts.SecureCookies {
		return "__Host-" + SessionCookie
	}
	return SessionCookie
}

// statusRecorder remembers the status written.
type statusRecorder struct {
	http.ResponseWriter
	status int
	size   int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.size += n
	return n, err
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// observe logs every request and counts it, and turns a panic into a 500
// problem instead of a dropped connection.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", slog.Any("panic", v), slog.String("path", r.URL.Path))
				if rec.status == 0 {
					s.fail(rec, r, fmt.Errorf("panic: %v", v))
				}
			}
			d := time.Since(start)
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			s.metrics.requests.WithLabelValues(r.Method, route, strconv.Itoa(rec.status)).Inc()
			s.metrics.latency.WithLabelValues(route).Observe(d.Seconds())
			if s.opts.AccessLog {
				s.log.Info("request", slog.String("method", r.Method), slog.String("route", route),
					slog.Int("status", rec.status), slog.Int("bytes", rec.size), slog.Duration("duration", d))
			}
		}()
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; frame-src 'self'; object-src 'self'; frame-ancestors 'none'")
		if s.opts.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(rec, r)
	})
}

// frameableBySelf lets our own pages, and no other site, frame the
// response (an inline viewer), which policy restricts further: it
// replaces the framing headers observe sets on every response.
func frameableBySelf(w http.ResponseWriter, policy string) {
	h := w.Header()
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Security-Policy", policy+"; frame-ancestors 'self'")
}

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "motcua_http_requests_total", Help: "HTTP requests by method, route and status."}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "motcua_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

// tokenOf returns the bearer token or the session cookie of r, and whether
// it came from a cookie.
func (s *Server) tokenOf(r *http.Request) (string, bool) {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(h[len("Bearer "):]), false
	}
	if c, err := r.Cookie(s.cookieName()); err == nil {
		return c.Value, true
	}
	return "", false
}

// authenticate puts the signed-in user (if any) in the request context.
// Cookie-authenticated unsafe requests must pass the cross-origin check;
// bearer tokens cannot be sent by a browser on its own.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, fromCookie := s.tokenOf(r)
		if tok == "" {
			next.ServeHTTP(w, r)
			return
		}
		if fromCookie {
			if err := s.cop.Check(r); err != nil {
				s.fail(w, r, dossier.Errorf(dossier.EFORBIDDEN, "Yêu cầu từ nguồn khác bị từ chối (CSRF)"))
				return
			}
		}
		u, err := s.svc.Authenticate(r.Context(), tok)
		if err != nil {
			if dossier.ErrorCode(err) != dossier.EUNAUTHORIZED {
				s.fail(w, r, err)
				return
			}
			if fromCookie {
				s.clearSessionCookie(w)
			}
			// An expired or unknown token is anonymous; handlers that need a
			// user answer 401 (API) or redirect to /login (pages).
			r = r.WithContext(context.WithValue(r.Context(), expiredKey{}, true))
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(dossier.NewContextWithUser(r.Context(), u)))
	})
}

type expiredKey struct{}

// sessionExpired reports whether the request carried a token that is no
// longer valid.
func sessionExpired(r *http.Request) bool { v, _ := r.Context().Value(expiredKey{}).(bool); return v }

// userOf returns the signed-in user or nil.
func userOf(r *http.Request) *dossier.User { return dossier.UserFromContext(r.Context()) }

// needUser wraps an API handler that requires a signed-in user.
func (s *Server) needUser(h func(w http.ResponseWriter, r *http.Request, u *dossier.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		if u == nil {
			s.fail(w, r, dossier.Errorf(dossier.EUNAUTHORIZED, "Vui lòng đăng nhập"))
			return
		}
		h(w, r, u)
	}
}

// ipLimiter is a token bucket per client address for public endpoints.
type ipLimiter struct {
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	rps     rate.Limit
	burst   int
	seen    time.Time
}

func newIPLimiter(rps float64, burst int) *ipLimiter {
	return &ipLimiter{buckets: map[string]*rate.Limiter{}, rps: rate.Limit(rps), burst: burst}
}

func (l *ipLimiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now := time.Now(); now.Sub(l.seen) > time.Minute || len(l.buckets) > 100000 {
		// Idle buckets refill anyway; dropping them bounds memory.
		l.buckets = map[string]*rate.Limiter{}
		l.seen = now
	}
	b := l.buckets[key]
	if b == nil {
		b = rate.NewLimiter(l.rps, l.burst)
		l.buckets[key] = b
	}
	return b.Allow()
}

// clientIP is the address a request came from. Behind a load balancer
// listed in Options.TrustedProxies, it is the rightmost address of
// X-Forwarded-For that is not itself a trusted proxy (what the balancer
// saw); otherwise the peer address, so that a client cannot choose its own
// rate-limit bucket by sending the header.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if len(s.opts.TrustedProxies) == 0 || !s.trusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if h == "" {
			continue
		}
		if !s.trusted(h) {
			return h
		}
		host = h
	}
	return host
}

func (s *Server) trusted(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// limited wraps a public handler with the per-address rate limit.
func (s *Server) limited(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.limiter.allow(s.clientIP(r)) {
			w.Header().Set("Retry-After", "1")
			s.fail(w, r, dossier.Errorf(dossier.ERATELIMIT, "Quá nhiều yêu cầu; vui lòng thử lại sau giây lát"))
			return
		}
		h(w, r)
	}
}

// bufferedWriter captures a response to store it for idempotent replays.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) WriteHeader(s int) {
	if b.status == 0 {
		b.status = s
	}
}
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = 200
	}
	return b.body.Write(p)
}

// idempotent makes a mutating API handler honour Idempotency-Key: the first
// response for (user, key) is stored and replayed for the same request; a
// different request with the same key is 422; a concurrent one is 409.
func (s *Server) idempotent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		u := userOf(r)
		if key == "" || u == nil || r.Method == http.MethodGet {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > 200 {
			s.fail(w, r, dossier.Invalid("Idempotency-Key quá dài", dossier.FieldError{Field: "Idempotency-Key", Message: "tối đa 200 ký tự"}))
			return
		}
		sum, body, err := spoolBody(http.MaxBytesReader(w, r.Body, 25<<20))
		if err != nil {
			s.fail(w, r, jsonError(err))
			return
		}
		defer body.Close()
		fp := r.Method + " " + r.URL.Path + " " + hex.EncodeToString(sum)
		ctx, prev, err := s.svc.ClaimRequest(r.Context(), u, key, fp)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if prev != nil {
			switch {
			case prev.Request != fp:
				s.fail(w, r, dossier.Errorf(dossier.EUNPROCESSABLE, "Idempotency-Key đã được dùng cho một yêu cầu khác"))
			case prev.Lost:
				s.fail(w, r, dossier.Errorf(dossier.ECONFLICT, "Yêu cầu với Idempotency-Key này đã được thực hiện nhưng phản hồi bị mất do máy chủ dừng đột ngột; vui lòng tải lại dữ liệu thay vì gửi lại"))
			case prev.Status == 0:
				s.fail(w, r, dossier.Errorf(dossier.ECONFLICT, "Yêu cầu với Idempotency-Key này đang được xử lý"))
			default:
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.Header().Set("Idempotent-Replayed", "true")
				w.WriteHeader(prev.Status)
				w.Write(prev.Body)
			}
			return
		}
		r = r.WithContext(ctx)
		r.Body = body
		bw := &bufferedWriter{header: w.Header()}
		func() {
			// A panicking handler still ends its claim (the recovery
			// middleware answers 500 and a retry may run again).
			defer func() {
				if v := recover(); v != nil {
					s.svc.ReleaseRequest(context.WithoutCancel(ctx), http.StatusInternalServerError, nil)
					panic(v)
				}
			}()
			next.ServeHTTP(bw, r)
		}()
		if bw.status == 0 {
			bw.status = http.StatusOK
		}
		if bw.status >= 500 {
			if err := s.svc.ReleaseRequest(context.WithoutCancel(ctx), bw.status, bw.body.Bytes()); err != nil {
				s.log.Error("idempotency release", slog.Any("err", err))
			}
		} else if err := s.svc.CompleteRequest(context.WithoutCancel(ctx), bw.status, bw.body.Bytes()); err != nil {
			s.log.Error("idempotency store", slog.Any("err", err))
		}
		w.WriteHeader(bw.status)
		w.Write(bw.body.Bytes())
	})
}

// spoolBody reads a request body to its end for its SHA-256 and returns a
// reader of it from the start. Up to spoolInMemory bytes stay in memory;
// a larger body goes to a temporary file, removed on Close — so
// concurrent large idempotent requests (uploads, imports) cost disk, not
// memory (issue 16, item 6).
func spoolBody(r io.Reader) ([]byte, io.ReadCloser, error) {
	h := sha256.New()
	head, err := io.ReadAll(io.LimitReader(io.TeeReader(r, h), spoolInMemory+1))
	if err != nil {
		return nil, nil, err
	}
	if len(head) <= spoolInMemory {
		return h.Sum(nil), io.NopCloser(bytes.NewReader(head)), nil
	}
	f, err := os.CreateTemp("", "motcua-body-*")
	if err != nil {
		return nil, nil, err
	}
	os.Remove(f.Name()) // unlinked: gone when closed, even after a crash
	if _, err := f.Write(head); err != nil {
		f.Close()
		return nil, nil, err
	}
	if _, err := io.Copy(f, io.TeeReader(r, h)); err != nil {
		f.Close()
		return nil, nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, err
	}
	return h.Sum(nil), f, nil
}

const spoolInMemory = 1 << 20
