package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"motcua/apiclient"
	"motcua/dossier"
	"motcua/internal/testfile"
	"motcua/store"
	"motcua/web"
	"motcua/workflow"
)

func openAPIServer(t *testing.T) (*web.Server, *httptest.Server) {
	t.Helper()
	return demoAPI(t, store.SQLite, workflow.Ports{Notifier: nopNotifier{}}, nil, web.Options{PublicRPS: 1000, PublicBurst: 1000})
}

// TestOpenAPICoversEveryRoute: every route registered under /api/ is in
// the document, and the document describes no other.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	h, srv := openAPIServer(t)
	res, err := http.Get(srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil || res.StatusCode != 200 || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi.json: %d %v %q", res.StatusCode, err, doc.OpenAPI)
	}
	described := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			described[strings.ToUpper(method)+" "+path] = true
		}
	}
	registered := map[string]bool{}
	for _, r := range h.Routes() {
		method, path, ok := strings.Cut(r, " ")
		if ok && strings.HasPrefix(path, "/api/") {
			registered[method+" "+path] = true
		}
	}
	var missing, extra []string
	for r := range registered {
		if !described[r] {
			missing = append(missing, r)
		}
	}
	for r := range described {
		if !registered[r] {
			extra = append(extra, r)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes missing from openapi.json (add them to apiOps in web/openapi.go): %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("openapi.json describes routes that do not exist: %v", extra)
	}
	if len(registered) < 80 {
		t.Errorf("only %d API routes registered; the route list was not read", len(registered))
	}
}

// recorder keeps every answer the client received.
type recorded struct {
	method, path string
	status       int
	ctype        string
	body         []byte
}

type recordingTransport struct {
	mu  sync.Mutex
	got []recorded
}

func (rt *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(b))
	rt.mu.Lock()
	rt.got = append(rt.got, recorded{r.Method, r.URL.Path, res.StatusCode, res.Header.Get("Content-Type"), b})
	rt.mu.Unlock()
	return res, nil
}

// TestOpenAPIValidatesResponses drives a dossier's first steps through
// the Go client (package apiclient) and validates every answer it got
// against the schema the document gives for that operation and status.
func TestOpenAPIValidatesResponses(t *testing.T) {
	_, srv := openAPIServer(t)
	ctx := context.Background()
	rt := &recordingTransport{}
	c := apiclient.New(srv.URL)
	c.HTTP = &http.Client{Transport: rt}
	doc, err := c.OpenAPI(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(ctx, "reception", "wrong"); err == nil {
		t.Fatal("login with a wrong password succeeded")
	}
	u, err := c.Login(ctx, "reception", "demo")
	if err != nil || u.Username != "reception" {
		t.Fatalf("Login = %+v, %v", u, err)
	}
	if _, err := c.Me(ctx); err != nil {
		t.Fatal(err)
	}
	ps, err := c.Procedures(ctx, "", true)
	if err != nil || len(ps) == 0 {
		t.Fatalf("Procedures = %d, %v", len(ps), err)
	}
	p, err := c.Procedure(ctx, "2.001610")
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Upload(ctx, "application/pdf", testfile.PDF("openapi"))
	if err != nil || b.ID == "" {
		t.Fatalf("Upload = %+v, %v", b, err)
	}
	in := apiclient.ReceiveRequest{ProcedureCode: p.Code, Channel: "counter",
		Applicant: apiclient.Applicant{Kind: "citizen", Name: "Nguyễn Văn An", IDNumber: "001090001234", Email: "an@example.vn"}}
	if _, err := c.Receive(ctx, in, ""); err == nil {
		t.Fatal("a dossier without its components was received")
	}
	for _, comp := range p.Components {
		if comp.Required {
			in.Components = append(in.Components, apiclient.ComponentFile{Code: comp.Code, BlobID: b.ID})
		}
	}
	d, err := c.Receive(ctx, in, "openapi-1")
	if err != nil || d.Status != "received" || d.Version == 0 {
		t.Fatalf("Receive = %+v, %v", d, err)
	}
	d, err = c.Dossier(ctx, d.Code)
	if err != nil || len(d.History) == 0 || len(d.Timeline) == 0 || d.Timeline[0].State != "current" || d.Timeline[0].DueAt == nil {
		t.Fatalf("Dossier = %+v, %v", d, err)
	}
	var prob *apiclient.Problem
	if _, err := c.Act(ctx, d.Code, "approve", d.Version, "", nil); !errors.As(err, &prob) || prob.Status < 400 {
		t.Fatalf("approving a dossier just received = %v; want a problem", err)
	}
	if _, err := c.Dossier(ctx, "KHONG-CO"); !errors.As(err, &prob) || prob.Status != 404 {
		t.Fatalf("unknown dossier = %v; want 404", err)
	}
	if _, err := c.Outbox(ctx, "", ""); !errors.As(err, &prob) || prob.Status != 403 {
		t.Fatalf("outbox for reception = %v; want 403", err)
	}
	if _, err := c.Login(ctx, "admin", "demo"); err != nil {
		t.Fatal(err)
	}
	ob, err := c.Outbox(ctx, "pending", "")
	if err != nil || len(ob.Items) == 0 || ob.Items[0].Destination != workflow.NotifyDestination {
		t.Fatalf("Outbox = %+v, %v; want the receipt's notification pending", ob, err)
	}
	if err := c.RetryDelivery(ctx, ob.Items[0].ID); err != nil {
		t.Fatal(err)
	}

	v := validator{doc: doc}
	checked := 0
	for _, r := range rt.got {
		op, err := v.operation(r.method, r.path)
		if err != nil {
			t.Errorf("%s %s: %v", r.method, r.path, err)
			continue
		}
		resp, ok := op["responses"].(map[string]any)[strconv.Itoa(r.status)].(map[string]any)
		if !ok {
			t.Errorf("%s %s answered %d, a status the document does not list", r.method, r.path, r.status)
			continue
		}
		content, _ := resp["content"].(map[string]any)
		if content == nil {
			continue
		}
		mt := strings.TrimSpace(strings.SplitN(r.ctype, ";", 2)[0])
		media, ok := content[mt].(map[string]any)
		if !ok {
			t.Errorf("%s %s %d: content type %q not in the document", r.method, r.path, r.status, mt)
			continue
		}
		schema, _ := media["schema"].(map[string]any)
		if schema == nil {
			continue
		}
		var body any
		if err := json.Unmarshal(r.body, &body); err != nil {
			t.Errorf("%s %s: %v", r.method, r.path, err)
			continue
		}
		for _, e := range v.validate(schema, body, "$") {
			t.Errorf("%s %s %d: %s", r.method, r.path, r.status, e)
		}
		checked++
	}
	if checked < 12 {
		t.Errorf("only %d answers validated", checked)
	}
}

type nopNotifier struct{}

func (nopNotifier) Notify(context.Context, dossier.Applicant, string, string) error { return nil }
