package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestClientIPBehindTrustedProxies: behind the load balancer of several
// instances (issue 21) the rate limit keys on the client that the balancer
// saw, and nobody else can pick their bucket through X-Forwarded-For.
func TestClientIPBehindTrustedProxies(t *testing.T) {
	lb := &Server{opts: Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/24")}}}
	direct := &Server{}
	cases := []struct {
		name   string
		s      *Server
		remote string
		xff    []string
		want   string
	}{
		{"no proxies configured: the peer", direct, "127.0.0.1:5000", []string{"203.0.113.9"}, "127.0.0.1"},
		{"through the balancer", lb, "127.0.0.1:5000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"spoofed hops left of the balancer's are ignored", lb, "127.0.0.1:5000", []string{"1.2.3.4, 203.0.113.9"}, "203.0.113.9"},
		{"two trusted hops", lb, "127.0.0.1:5000", []string{"203.0.113.9, 10.0.0.7"}, "203.0.113.9"},
		{"repeated headers read as one list", lb, "127.0.0.1:5000", []string{"198.51.100.1", "203.0.113.9"}, "203.0.113.9"},
		{"untrusted peer: its header is ignored", lb, "198.51.100.2:5000", []string{"203.0.113.9"}, "198.51.100.2"},
		{"balancer without header", lb, "127.0.0.1:5000", nil, "127.0.0.1"},
		{"IPv4-mapped IPv6 peer", lb, "[::ffff:127.0.0.1]:5000", []string{"203.0.113.9"}, "203.0.113.9"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/thu-tuc", nil)
		r.RemoteAddr = c.remote
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := c.s.clientIP(r); got != c.want {
			t.Errorf("%s: clientIP = %q; want %q", c.name, got, c.want)
		}
	}
}
