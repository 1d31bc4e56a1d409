// Package tsatest provides a local RFC 3161 timestamping authority for
// tests: an httptest server that stamps requests with a demo TSA
// certificate (extended key usage id-kp-timeStamping). It must never be
// used in production.
package tsatest

import (
	"net/http/httptest"
	"time"

	"motcua/sign"
)

// Server is a running test TSA.
type Server struct {
	*httptest.Server
	// Identity is the TSA key and certificate.
	Identity *sign.Identity

	tsa *sign.LocalTSA
}

// New starts a TSA that signs with id (for example from
// sign.DemoPKI.IssueTSA) and stamps the time returned by now. Close it
// when done.
func New(id *sign.Identity, now func() time.Time) *Server {
	t := &sign.LocalTSA{Identity: id, Now: now}
	return &Server{Server: httptest.NewServer(t), Identity: id, tsa: t}
}

// Requests reports how many timestamps were requested.
func (s *Server) Requests() int64 { return s.tsa.Requests() }
