package web

import (
	"net/http"
	"net/netip"

	"motcua/workflow"
)

// metricsGate serves /metrics (issue 16 item 10) only to
//   - a signed-in admin (bearer token or session cookie), or
//   - a scraper whose address is in Options.MetricsAllow, connecting
//     directly: a request carrying X-Forwarded-For, X-Real-IP or Forwarded
//     came through a proxy, and its address proves nothing (behind a proxy
//     on the same host every request comes from loopback).
//
// Anyone else gets 401 (not signed in) or 403.
func (s *Server) metricsGate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		if workflow.MayReadMetrics(u) || s.metricsAllowed(r) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		if u == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="motcua"`)
			http.Error(w, "Cần đăng nhập quản trị viên để xem số liệu vận hành", http.StatusUnauthorized)
			return
		}
		http.Error(w, "Chỉ quản trị viên được xem số liệu vận hành", http.StatusForbidden)
	})
}

// metricsAllowed reports a direct request from an allowed address.
func (s *Server) metricsAllowed(r *http.Request) bool {
	if len(s.opts.MetricsAllow) == 0 {
		return false
	}
	h := r.Header
	if h.Get("X-Forwarded-For") != "" || h.Get("X-Real-IP") != "" || h.Get("Forwarded") != "" {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr := ap.Addr().Unmap()
	for _, p := range s.opts.MetricsAllow {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
