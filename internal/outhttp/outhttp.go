// Package outhttp holds what the adapters of outside services (the
// national portal, the integration platform, the SMS gateway, the
// officer's signing agent) share over HTTP: the JSON request with its
// bearer token, the endpoint that sends it, the error of an answer other than 2xx, which tells the
// outbox whether a retry may help, and the local fakes' way of being down.
package outhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Endpoint is where an outside service answers and what a client sends
// it with every request. An adapter's Client is an Endpoint type with
// the service's methods.
type Endpoint struct {
	BaseURL string       // e.g. https://lgsp.bacninh.gov.vn/dvcqg
	Token   string       // bearer token; never logged
	HTTP    *http.Client // nil: a client with the adapter's timeout
}

// URL is path under the endpoint's base.
func (e Endpoint) URL(path string) string { return strings.TrimRight(e.BaseURL, "/") + path }

// Do sends req as service with the bearer token and "Accept:
// application/json", through e.HTTP or else a client with timeout, and
// returns the answer's body (Read, at most limit bytes).
func (e Endpoint) Do(service string, req *http.Request, timeout time.Duration, limit int64) ([]byte, error) {
	if e.Token != "" {
		req.Header.Set("Authorization", "Bearer "+e.Token)
	}
	req.Header.Set("Accept", "application/json")
	hc := e.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: timeout}
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", service, err)
	}
	defer res.Body.Close()
	return Read(service, res, limit)
}

// JSONRequest makes a request to url whose body is in as JSON (no body
// when in is nil), with "Authorization: Bearer token" when token is set.
func JSONRequest(ctx context.Context, method, url string, in any, token string) (*http.Request, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req, nil
}

// Error is an answer of an outside service other than 2xx.
type Error struct {
	Service string // "dvcqg", "exchange"
	Status  int
	Body    string // shortened to 200 bytes
}

func (e *Error) Error() string { return fmt.Sprintf("%s: HTTP %d: %s", e.Service, e.Status, e.Body) }

// Permanent reports a refusal a retry will not change (4xx but 408, 409
// and 429): the outbox sets the delivery dead at once.
func (e *Error) Permanent() bool {
	return e.Status >= 400 && e.Status < 500 && e.Status != 408 && e.Status != 409 && e.Status != 429
}

// Read reads res's body (at most limit bytes) and returns it, or an
// *Error of service when the status is not 2xx.
func Read(service string, res *http.Response, limit int64) ([]byte, error) {
	b, _ := io.ReadAll(io.LimitReader(res.Body, limit))
	if res.StatusCode/100 == 2 {
		return b, nil
	}
	body := strings.TrimSpace(string(b))
	if len(body) > 200 {
		body = body[:200]
	}
	return nil, &Error{Service: service, Status: res.StatusCode, Body: body}
}

// Drop answers a request as a service that is down: the connection is
// closed without an answer (503 when it cannot be taken over).
func Drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	http.Error(w, "down", http.StatusServiceUnavailable)
}

// FakeBody reads, as a local fake takes a request, r's body (at most
// limit bytes) as JSON into v; when it is not JSON or lacks field (has
// false), it answers 400 {"error":field} and returns false.
func FakeBody(w http.ResponseWriter, r *http.Request, limit int64, v any, field string, has func() bool) bool {
	b, _ := io.ReadAll(io.LimitReader(r.Body, limit))
	if err := json.Unmarshal(b, v); err != nil || !has() {
		http.Error(w, `{"error":"`+field+`"}`, http.StatusBadRequest)
		return false
	}
	return true
}

// FakeGate is what the local fakes of outside services decide before they
// take a request: the next requests failing on demand, and a repeat of an
// Idempotency-Key already taken answered 200 and counted, not taken
// again. The fake's own mutex guards it.
type FakeGate struct {
	Duplicates int // repeats answered without being taken
	keys       map[string]bool
	failures   int // how many of the next requests fail with failStatus (-1: all)
	failStatus int
}

// FailNext makes the next n requests (n < 0: all, until FailNext(0, 0))
// answer status.
func (g *FakeGate) FailNext(n, status int) { g.failures, g.failStatus = n, status }

// Admit answers w itself and returns false for an injected failure or a
// repeat of key; otherwise it records key as taken and returns true.
func (g *FakeGate) Admit(w http.ResponseWriter, key string) bool {
	if g.failures != 0 {
		if g.failures > 0 {
			g.failures--
		}
		http.Error(w, `{"error":"injected"}`, g.failStatus)
		return false
	}
	if key != "" && g.keys[key] {
		g.Duplicates++
		w.WriteHeader(http.StatusOK)
		return false
	}
	if g.keys == nil {
		g.keys = map[string]bool{}
	}
	g.keys[key] = true
	return true
}

// Keys returns the Idempotency-Keys taken, sorted.
func (g *FakeGate) Keys() []string {
	out := make([]string, 0, len(g.keys))
	for k := range g.keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
