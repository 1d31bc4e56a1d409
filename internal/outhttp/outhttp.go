// Package outhttp holds what the adapters of outside services (the
// national portal, the integration platform, the SMS gateway, the
// officer's signing agent) share over HTTP: the JSON request with its
// bearer token, the error of an answer other than 2xx, which tells the
// outbox whether a retry may help, and the local fakes' way of being down.
package outhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

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
