// Package tsatest provides a local RFC 3161 timestamping authority for
// tests: an httptest server that stamps requests with a demo TSA
// certificate (extended key usage id-kp-timeStamping). It must never be
// used in production.
package tsatest

import (
	"crypto"
	"encoding/asn1"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/digitorus/timestamp"

	"motcua/sign"
)

// Server is a running test TSA.
type Server struct {
	*httptest.Server
	// Identity is the TSA key and certificate.
	Identity *sign.Identity

	now      func() time.Time
	requests atomic.Int64
}

// New starts a TSA that signs with id (for example from
// sign.DemoPKI.IssueTSA) and stamps the time returned by now. Close it
// when done.
func New(id *sign.Identity, now func() time.Time) *Server {
	s := &Server{Identity: id, now: now}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Requests reports how many timestamps were requested.
func (s *Server) Requests() int64 { return s.requests.Load() }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/timestamp-query" {
		http.Error(w, "expected POST application/timestamp-query", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req, err := timestamp.ParseRequest(body)
	if err != nil {
		resp, _ := timestamp.CreateErrorResponse(timestamp.Rejection, timestamp.BadDataFormat)
		writeResponse(w, resp)
		return
	}
	ts := timestamp.Timestamp{
		HashAlgorithm:     req.HashAlgorithm,
		HashedMessage:     req.HashedMessage,
		Time:              s.now().UTC(),
		Accuracy:          time.Second,
		Nonce:             req.Nonce,
		Policy:            asn1.ObjectIdentifier{2, 999, 3161, 1},
		AddTSACertificate: true,
		Certificates:      s.Identity.Chain,
	}
	resp, err := ts.CreateResponseWithOpts(s.Identity.Certificate, s.Identity.Signer, crypto.SHA256)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeResponse(w, resp)
}

func writeResponse(w http.ResponseWriter, resp []byte) {
	w.Header().Set("Content-Type", "application/timestamp-reply")
	_, _ = w.Write(resp)
}
