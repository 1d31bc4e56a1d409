package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"motcua/internal/testfile"
)

// client speaks the public JSON API of one server, as the officers' and
// citizens' front ends do: bearer tokens, JSON bodies, problem+json
// errors.
type client struct {
	base string
	http *http.Client
	rec  *recorder
	// idem sends an Idempotency-Key with every mutating request, as a
	// client that retries on network errors would.
	idem bool
	// acks, when set, records every acknowledged write of a dossier.
	acks *ackLog
}

// ackLog writes one JSON line per acknowledged dossier write.
type ackLog struct {
	mu sync.Mutex
	w  io.Writer
}

func (a *ackLog) add(at time.Time, step string, data []byte) {
	var d struct {
		Code    string `json:"code"`
		Version int64  `json:"version"`
	}
	if json.Unmarshal(data, &d) != nil || d.Code == "" {
		return
	}
	line, _ := json.Marshal(map[string]any{"t": at.UnixMilli(), "step": step, "code": d.Code, "version": d.Version})
	a.mu.Lock()
	defer a.mu.Unlock()
	a.w.Write(append(line, '\n'))
}

func newClient(base string, conns int, rec *recorder, idem bool) *client {
	tr := &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, IdleConnTimeout: 90 * time.Second}
	return &client{base: strings.TrimRight(base, "/"), http: &http.Client{Transport: tr, Timeout: 2 * time.Minute}, rec: rec, idem: idem}
}

// apiError is a failed request: the HTTP status (0 for a network error)
// and the problem's title.
type apiError struct {
	step   string
	status int
	title  string
}

func (e *apiError) Error() string {
	if e.status == 0 {
		return fmt.Sprintf("%s: %s", e.step, e.title)
	}
	return fmt.Sprintf("%s: HTTP %d %s", e.step, e.status, e.title)
}

// kind groups errors for the report: step, status and title.
func (e *apiError) kind() string { return e.Error() }

// do sends one request and records its latency under step. out, when not
// nil, receives the decoded JSON body of a 2xx answer.
func (c *client) do(ctx context.Context, step, method, path, token, ctype string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return &apiError{step: step, title: err.Error()}
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if c.idem && method != http.MethodGet {
		req.Header.Set("Idempotency-Key", newKey())
	}
	t0 := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &apiError{step: step, title: shortNetErr(err)}
	}
	data, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &apiError{step: step, status: res.StatusCode, title: "reading the answer: " + err.Error()}
	}
	if res.StatusCode/100 != 2 {
		var p struct {
			Title string `json:"title"`
		}
		json.Unmarshal(data, &p)
		if p.Title == "" {
			p.Title = http.StatusText(res.StatusCode)
		}
		return &apiError{step: step, status: res.StatusCode, title: p.Title}
	}
	if c.rec != nil {
		c.rec.add(step, time.Since(t0))
	}
	if c.acks != nil && method != http.MethodGet {
		c.acks.add(time.Now(), step, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return &apiError{step: step, status: res.StatusCode, title: "bad JSON: " + err.Error()}
		}
	}
	return nil
}

func shortNetErr(err error) string {
	var ue interface{ Unwrap() error }
	for errors.As(err, &ue) {
		next := ue.Unwrap()
		if next == nil {
			break
		}
		err = next
	}
	return err.Error()
}

func (c *client) postJSON(ctx context.Context, step, path, token string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return c.do(ctx, step, http.MethodPost, path, token, "application/json", body, out)
}

// login opens a session and returns its bearer token. Sign-in is rate
// limited per address, so a refusal (429) is retried after a pause.
func (c *client) login(ctx context.Context, username, password string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	var err error
	for attempt := 0; attempt < 30; attempt++ {
		err = c.postJSON(ctx, "login", "/api/v1/session", "", map[string]string{"username": username, "password": password}, &out)
		var ae *apiError
		if errors.As(err, &ae) && ae.status == http.StatusTooManyRequests {
			select {
			case <-time.After(time.Second):
				continue
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		break
	}
	if err != nil {
		return "", fmt.Errorf("sign-in as %s: %w", username, err)
	}
	return out.Token, nil
}

// dossierRef is what a client keeps of a dossier between two actions.
type dossierRef struct {
	Code    string `json:"code"`
	Version int64  `json:"version"`
	Status  string `json:"status"`
	Result  *struct {
		Number string `json:"number"`
	} `json:"result"`
}

// act posts action on d and updates d from the answer.
func (c *client) act(ctx context.Context, token string, d *dossierRef, action string, fields map[string]any) error {
	in := map[string]any{"version": d.Version}
	for k, v := range fields {
		in[k] = v
	}
	var out dossierRef
	if err := c.postJSON(ctx, action, "/api/v1/dossiers/"+d.Code+"/actions/"+action, token, in, &out); err != nil {
		return err
	}
	*d = out
	return nil
}

// upload sends one scanned component (a PDF of size bytes whose content
// is unique, so that content addressing does not merge them) and returns
// the blob id.
func (c *client) upload(ctx context.Context, token string, size int) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	err := c.do(ctx, "upload", http.MethodPost, "/api/v1/blobs", token, "application/pdf", fakePDF(size), &out)
	return out.ID, err
}

// fakePDF returns a well-formed one-page PDF of about size bytes (the
// server parses uploads in full) whose content stream carries random text,
// so that no two are the same.
func fakePDF(size int) []byte {
	n := max(size-700, 32)
	raw := make([]byte, (n+1)/2)
	rand.Read(raw)
	return testfile.PDFContent("BT /F1 12 Tf 72 720 Td (bench) Tj ET\n%" + hex.EncodeToString(raw)[:n] + "\n")
}

func newKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
