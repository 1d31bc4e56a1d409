package sign

import (
	"crypto"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/digitorus/timestamp"
)

// DemoTSAName is the common name of the demo timestamping authority. Like
// the demo root, the name says that its timestamps have no legal value.
const DemoTSAName = "DEMO TSA motcua — không có giá trị pháp lý"

// LocalTSA is an RFC 3161 timestamping authority inside this process:
// "serve --demo" stamps with it (a DemoPKI certificate named DemoTSAName)
// so every demo result is at least PAdES B-T and archiving (B-LTA) works
// without setup, and tests serve it over HTTP. Production names a
// licensed TSA (ND 23/2025/NĐ-CP) instead: a LocalTSA's time is only the
// server's clock.
type LocalTSA struct {
	// Identity holds the TSA key and its certificate (extended key usage
	// id-kp-timeStamping, see DemoPKI.IssueTSA) and CA chain.
	Identity *Identity
	// Now is the clock of the stamps.
	Now func() time.Time
	// Policy is the TSA policy OID; nil means a private demo arc.
	Policy asn1.ObjectIdentifier

	requests atomic.Int64
}

// NewDemoTSA issues a timestamping certificate from the demo CA and
// returns the TSA that stamps with it at the time now returns.
func NewDemoTSA(p *DemoPKI, now func() time.Time) (*LocalTSA, error) {
	if p == nil || now == nil {
		return nil, newError(EInvalidInput, "thiếu CA demo hoặc đồng hồ", "missing demo CA or clock", nil)
	}
	id, err := p.IssueTSA(DemoTSAName)
	if err != nil {
		return nil, err
	}
	return &LocalTSA{Identity: id, Now: now}, nil
}

// Client returns a TSAClient that asks t without going through HTTP.
func (t *LocalTSA) Client() *TSAClient { return &TSAClient{Local: t} }

// Requests reports how many requests t answered.
func (t *LocalTSA) Requests() int64 { return t.requests.Load() }

// Respond answers a DER TimeStampReq with a DER TimeStampResp: a granted
// token over the request's message imprint, with the request's nonce, the
// TSA certificate and its chain, or a rejection for a malformed request.
func (t *LocalTSA) Respond(der []byte) ([]byte, error) {
	t.requests.Add(1)
	if t.Identity == nil || t.Now == nil {
		return nil, errors.New("local TSA without identity or clock")
	}
	req, err := parseTimestampRequest(der)
	if err != nil {
		return timestamp.CreateErrorResponse(timestamp.Rejection, timestamp.BadDataFormat)
	}
	policy := t.Policy
	if policy == nil {
		policy = asn1.ObjectIdentifier{2, 999, 3161, 1}
	}
	if t.directToken(req.HashAlgorithm) {
		return t.grantedResponse(req.HashedMessage, req.Nonce, policy, t.Now())
	}
	ts := timestamp.Timestamp{
		HashAlgorithm:     req.HashAlgorithm,
		HashedMessage:     req.HashedMessage,
		Time:              t.Now().UTC(),
		Accuracy:          time.Second,
		Nonce:             req.Nonce,
		Policy:            policy,
		AddTSACertificate: true,
		Certificates:      t.Identity.Chain,
	}
	return ts.CreateResponseWithOpts(t.Identity.Certificate, t.Identity.Signer, crypto.SHA256)
}

func parseTimestampRequest(der []byte) (req *timestamp.Request, err error) {
	defer func() {
		if p := recover(); p != nil {
			req, err = nil, fmt.Errorf("timestamp: malformed request: %v", p)
		}
	}()
	return timestamp.ParseRequest(der)
}

// ServeHTTP answers RFC 3161 requests over HTTP (POST
// application/timestamp-query).
func (t *LocalTSA) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/timestamp-query" {
		http.Error(w, "expected POST application/timestamp-query", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	resp, err := t.Respond(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/timestamp-reply")
	_, _ = w.Write(resp)
}
