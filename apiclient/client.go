// Package apiclient is a small Go client of motcua's JSON API, written
// from its OpenAPI 3.1 document (GET /api/v1/openapi.json; the schema
// names of that document are the type names here). It covers what an
// integrator needs most: signing in, the catalog, uploading files,
// receiving a dossier, reading it, moving it through its steps, and the
// outbox of the admins. Errors the server answers are *Problem (RFC 9457).
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls one motcua server.
type Client struct {
	BaseURL string       // e.g. "https://hcc.bacninh.gov.vn"
	Token   string       // bearer token (set by Login)
	HTTP    *http.Client // nil: http.DefaultClient
}

// New returns a client of the server at baseURL.
func New(baseURL string) *Client { return &Client{BaseURL: strings.TrimRight(baseURL, "/")} }

// Problem is an error answer (schema Problem).
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func (p *Problem) Error() string {
	if p.Detail != "" {
		return fmt.Sprintf("motcua: %d %s: %s", p.Status, p.Title, p.Detail)
	}
	return fmt.Sprintf("motcua: %d %s", p.Status, p.Title)
}

// User is schema User.
type User struct {
	ID         int64    `json:"id"`
	Username   string   `json:"username"`
	Name       string   `json:"name"`
	AgencyCode string   `json:"agency_code"`
	Roles      []string `json:"roles"`
}

// Component is schema Component.
type Component struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Required bool   `json:"required"`
}

// Procedure is schema Procedure.
type Procedure struct {
	Code           string      `json:"code"`
	Name           string      `json:"name"`
	AgencyCode     string      `json:"agency_code"`
	Level          string      `json:"level"`
	ProcessingDays *int        `json:"processing_days"`
	FiveOnSpot     bool        `json:"five_on_spot"`
	Fee            int64       `json:"fee"`
	Components     []Component `json:"components"`
}

// Blob is schema Blob.
type Blob struct {
	ID          string `json:"id"`
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// Applicant is schema Applicant.
type Applicant struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	IDNumber string `json:"id_number,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
	Address  string `json:"address,omitempty"`
}

// ComponentFile names the uploaded file of one component.
type ComponentFile struct {
	Code   string `json:"code"`
	BlobID string `json:"blob_id"`
}

// ReceiveRequest is schema ReceiveRequest.
type ReceiveRequest struct {
	ProcedureCode string          `json:"procedure_code"`
	Channel       string          `json:"channel"`
	Applicant     Applicant       `json:"applicant"`
	Components    []ComponentFile `json:"components"`
}

// HistoryEntry is schema HistoryEntry.
type HistoryEntry struct {
	Action string    `json:"action"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Actor  string    `json:"actor"`
	At     time.Time `json:"at"`
	Note   string    `json:"note"`
}

// TimelineStep is schema TimelineStep: a step of a dossier with its due
// and actual times.
type TimelineStep struct {
	Step        string     `json:"step"`
	Status      string     `json:"status"`
	Role        string     `json:"role"`
	State       string     `json:"state"` // done, current or planned
	StartedAt   *time.Time `json:"started_at"`
	DueAt       *time.Time `json:"due_at"`
	DoneAt      *time.Time `json:"done_at"`
	Actor       string     `json:"actor"`
	Action      string     `json:"action"`
	BudgetHours float64    `json:"budget_hours"`
	Late        bool       `json:"late"`
}

// Dossier is schema Dossier (and DossierRead, which adds Timeline: only
// Client.Dossier fills it).
type Dossier struct {
	Code          string         `json:"code"`
	ProcedureCode string         `json:"procedure_code"`
	Status        string         `json:"status"`
	Version       int64          `json:"version"`
	Applicant     Applicant      `json:"applicant"`
	ReceivedAt    *time.Time     `json:"received_at"`
	DueAt         *time.Time     `json:"due_at"`
	LookupToken   string         `json:"lookup_token"`
	History       []HistoryEntry `json:"history"`
	Timeline      []TimelineStep `json:"timeline"`
}

// Delivery is schema Delivery.
type Delivery struct {
	ID             int64     `json:"id"`
	Destination    string    `json:"destination"`
	IdempotencyKey string    `json:"idempotency_key"`
	Topic          string    `json:"topic"`
	Status         string    `json:"status"`
	Attempts       int       `json:"attempts"`
	NextAttemptAt  time.Time `json:"next_attempt_at"`
	LastError      string    `json:"last_error"`
}

// Outbox is schema Outbox.
type Outbox struct {
	Counts []struct {
		Destination string `json:"destination"`
		Pending     int    `json:"pending"`
		Failing     int    `json:"failing"`
		Dead        int    `json:"dead"`
		Sent        int    `json:"sent"`
	} `json:"counts"`
	Items        []Delivery `json:"items"`
	Destinations []string   `json:"destinations"`
}

type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// do sends a request and decodes a JSON answer into out (when not nil).
func (c *Client) do(ctx context.Context, method, path string, hdr http.Header, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, body)
	if err != nil {
		return err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	req.Header.Set("Accept", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 32<<20))
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		p := &Problem{Status: res.StatusCode, Title: http.StatusText(res.StatusCode)}
		json.Unmarshal(b, p)
		return p
	}
	if out == nil || len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("motcua: %s %s: %w", method, path, err)
	}
	return nil
}

func (c *Client) doJSON(ctx context.Context, method, path string, in, out any, idemKey string) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	h := http.Header{"Content-Type": {"application/json"}}
	if idemKey != "" {
		h.Set("Idempotency-Key", idemKey)
	}
	return c.do(ctx, method, path, h, bytes.NewReader(b), out)
}

// Login signs in (POST /api/v1/session) and keeps the token.
func (c *Client) Login(ctx context.Context, username, password string) (*User, error) {
	var out struct {
		Token string `json:"token"`
		User  User   `json:"user"`
	}
	if err := c.doJSON(ctx, "POST", "/api/v1/session", map[string]string{"username": username, "password": password}, &out, ""); err != nil {
		return nil, err
	}
	c.Token = out.Token
	return &out.User, nil
}

// Me returns the signed-in user (GET /api/v1/me).
func (c *Client) Me(ctx context.Context) (*User, error) {
	var u User
	return &u, c.do(ctx, "GET", "/api/v1/me", nil, nil, &u)
}

// Procedures lists the catalog (GET /api/v1/procedures), one page.
func (c *Client) Procedures(ctx context.Context, agency string, fiveOnSpot bool) ([]Procedure, error) {
	q := url.Values{}
	if agency != "" {
		q.Set("agency", agency)
	}
	if fiveOnSpot {
		q.Set("five_on_spot", "true")
	}
	var l list[Procedure]
	return l.Items, c.do(ctx, "GET", "/api/v1/procedures?"+q.Encode(), nil, nil, &l)
}

// Procedure returns one procedure (GET /api/v1/procedures/{code}).
func (c *Client) Procedure(ctx context.Context, code string) (*Procedure, error) {
	var p Procedure
	return &p, c.do(ctx, "GET", "/api/v1/procedures/"+url.PathEscape(code), nil, nil, &p)
}

// Upload sends one file (POST /api/v1/blobs, raw body).
func (c *Client) Upload(ctx context.Context, contentType string, data []byte) (*Blob, error) {
	var b Blob
	return &b, c.do(ctx, "POST", "/api/v1/blobs", http.Header{"Content-Type": {contentType}}, bytes.NewReader(data), &b)
}

// Receive files a complete dossier (POST /api/v1/dossiers). idemKey, when
// not empty, makes a repeated call return the first answer.
func (c *Client) Receive(ctx context.Context, in ReceiveRequest, idemKey string) (*Dossier, error) {
	var d Dossier
	return &d, c.doJSON(ctx, "POST", "/api/v1/dossiers", in, &d, idemKey)
}

// Dossier reads one dossier (GET /api/v1/dossiers/{code}).
func (c *Client) Dossier(ctx context.Context, code string) (*Dossier, error) {
	var d Dossier
	return &d, c.do(ctx, "GET", "/api/v1/dossiers/"+url.PathEscape(code), nil, nil, &d)
}

// Act moves a dossier one step (POST /api/v1/dossiers/{code}/actions/{action});
// extra holds the action's other fields.
func (c *Client) Act(ctx context.Context, code, action string, version int64, note string, extra map[string]any) (*Dossier, error) {
	in := map[string]any{"version": version, "note": note}
	for k, v := range extra {
		in[k] = v
	}
	var d Dossier
	return &d, c.doJSON(ctx, "POST", "/api/v1/dossiers/"+url.PathEscape(code)+"/actions/"+url.PathEscape(action), in, &d, "")
}

// Outbox lists the outbox (GET /api/v1/outbox; admins).
func (c *Client) Outbox(ctx context.Context, status, destination string) (*Outbox, error) {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	if destination != "" {
		q.Set("destination", destination)
	}
	var o Outbox
	return &o, c.do(ctx, "GET", "/api/v1/outbox?"+q.Encode(), nil, nil, &o)
}

// RetryDelivery makes a delivery due now (POST /api/v1/outbox/{id}/retry).
func (c *Client) RetryDelivery(ctx context.Context, id int64) error {
	return c.do(ctx, "POST", "/api/v1/outbox/"+strconv.FormatInt(id, 10)+"/retry", nil, nil, nil)
}

// OpenAPI returns the server's OpenAPI document.
func (c *Client) OpenAPI(ctx context.Context) (map[string]any, error) {
	var doc map[string]any
	return doc, c.do(ctx, "GET", "/api/v1/openapi.json", nil, nil, &doc)
}
