package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/apiclient"
	"motcua/demo"
	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/internal/stacktest"
	"motcua/internal/testfile"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/web"
	"motcua/workflow"
)

type apiEnv struct {
	srv    *httptest.Server
	tokens map[string]string
	mu     sync.Mutex
}

func newAPIEnv(t testing.TB, e store.Engine) *apiEnv {
	t.Helper()
	_, srv := demoAPI(t, e, workflow.Ports{}, nil, web.Options{PublicRPS: 1000, PublicBurst: 1000})
	return &apiEnv{srv: srv, tokens: map[string]string{}}
}

// demoAPI serves the demo province on engine e (uploads up to 1 MiB, the
// fixed test clock, ports) with opts and log (nil discards) on a test
// server: the stack of the API tests.
func demoAPI(t testing.TB, e store.Engine, ports workflow.Ports, log *slog.Logger, opts web.Options) (*web.Server, *httptest.Server) {
	t.Helper()
	_, svc := stacktest.Demo(t, e, ports, workflow.Config{MaxUpload: 1 << 20, Now: clocktest.Now})
	return stacktest.Server(t, svc, log, opts)
}

// eachAPIEnv runs f as a subtest once per engine (storetest.Each), each
// time with a fresh apiEnv (newAPIEnv).
func eachAPIEnv(t *testing.T, f func(t *testing.T, ev *apiEnv)) {
	storetest.Each(t, func(t *testing.T, e store.Engine) { f(t, newAPIEnv(t, e)) })
}

func (ev *apiEnv) token(t testing.TB, user string) string {
	t.Helper()
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if tok, ok := ev.tokens[user]; ok {
		return tok
	}
	res, body := ev.do(t, "", "POST", "/api/v1/session", `{"username":"`+user+`","password":"demo"}`, nil)
	if res.StatusCode != 200 {
		t.Fatalf("login %s: %d %s", user, res.StatusCode, body)
	}
	var out struct{ Token string }
	json.Unmarshal(body, &out)
	ev.tokens[user] = out.Token
	return out.Token
}

func (ev *apiEnv) do(t testing.TB, token, method, path, body string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	h := map[string]string{}
	if body != "" {
		h["Content-Type"] = "application/json"
	}
	maps.Copy(h, hdr)
	return roundTrip(t, nil, request(t, method, ev.srv.URL+path, strings.NewReader(body), token, h))
}

func (ev *apiEnv) upload(t *testing.T, user string) string {
	return ev.uploadNote(t, user, "x")
}

// uploadNote uploads as user a well-formed PDF showing note
// (testfile.PDF) and returns its blob id.
func (ev *apiEnv) uploadNote(t testing.TB, user, note string) string {
	t.Helper()
	res, body := ev.do(t, ev.token(t, user), "POST", "/api/v1/blobs", string(testfile.PDF(note)), map[string]string{"Content-Type": "application/pdf"})
	if res.StatusCode != 201 {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}
	var b struct{ ID string }
	json.Unmarshal(body, &b)
	return b.ID
}

func receiveBody(blobID string) string {
	return `{"procedure_code":"2.001610","channel":"counter","applicant":{"kind":"citizen","name":"Nguyễn Văn An","id_number":"001090001234"},
	"components":[{"code":"GDN","blob_id":"` + blobID + `"},{"code":"GTPL","blob_id":"` + blobID + `"}]}`
}

func TestAPIDemoAccountsSignIn(t *testing.T) {
	ev := newAPIEnv(t, store.SQLite)
	for _, a := range demo.Accounts {
		if ev.token(t, a.Username) == "" {
			t.Errorf("no token for %s", a.Username)
		}
	}
}

func TestAPIProblemDetails(t *testing.T) {
	eachAPIEnv(t, func(t *testing.T, ev *apiEnv) {
		rec := ev.token(t, "reception")
		big := strings.Repeat("x", 2<<20)
		tests := []struct {
			name, token, method, path, body string
			hdr                             map[string]string
			status                          int
			field                           string
		}{
			{"malformed json", rec, "POST", "/api/v1/dossiers", `{"procedure_code":`, nil, 400, "body"},
			{"unknown field", rec, "POST", "/api/v1/dossiers", `{"procedure_code":"x","colour":1}`, nil, 400, "colour"},
			{"wrong type", rec, "POST", "/api/v1/dossiers", `{"procedure_code":5}`, nil, 400, "procedure_code"},
			{"body too large", rec, "POST", "/api/v1/dossiers", `{"procedure_code":"` + big + `"}`, nil, 413, ""},
			{"anonymous", "", "GET", "/api/v1/dossiers", "", nil, 401, ""},
			{"bad token", "nope", "GET", "/api/v1/dossiers", "", nil, 401, ""},
			{"wrong password", "", "POST", "/api/v1/session", `{"username":"reception","password":"x"}`, nil, 401, ""},
			{"missing version", rec, "POST", "/api/v1/dossiers/X/actions/assign", `{}`, nil, 400, "version"},
			{"unknown dossier", rec, "GET", "/api/v1/dossiers/000.00.02.H06-261126-9999", "", nil, 404, ""},
			{"upload wrong type", rec, "POST", "/api/v1/blobs", "GIF89a....", map[string]string{"Content-Type": "image/gif"}, 415, ""},
			{"upload too large", rec, "POST", "/api/v1/blobs", "%PDF-" + big, map[string]string{"Content-Type": "application/pdf"}, 413, ""},
			{"bad limit", "", "GET", "/api/v1/procedures?limit=0", "", nil, 400, "limit"},
			{"bad level", "", "GET", "/api/v1/agencies?level=galaxy", "", nil, 400, "level"},
			{"lookup unknown", "", "GET", "/api/v1/public/lookup?token=AAAAAAAAAAAAAAAAAAAAAA", "", nil, 404, ""},
			{"lookup malformed", "", "GET", "/api/v1/public/lookup?token=x", "", nil, 404, ""},
			{"reception cannot import", rec, "POST", "/api/v1/imports/agencies", "code,name,level,parent_code\n", map[string]string{"Content-Type": "text/csv"}, 403, ""},
		}
		for _, tt := range tests {
			res, body := ev.do(t, tt.token, tt.method, tt.path, tt.body, tt.hdr)
			if res.StatusCode != tt.status {
				t.Errorf("%s: status %d; want %d (%s)", tt.name, res.StatusCode, tt.status, body)
				continue
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: content type %q", tt.name, ct)
			}
			var p struct {
				Status int
				Title  string
				Errors []struct{ Field string }
			}
			if err := json.Unmarshal(body, &p); err != nil || p.Status != tt.status || p.Title == "" {
				t.Errorf("%s: problem = %s", tt.name, body)
			}
			if tt.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != tt.field) {
				t.Errorf("%s: errors = %+v; want field %q", tt.name, p.Errors, tt.field)
			}
		}
	})
}

func TestAPILifecycleAndIdempotency(t *testing.T) {
	eachAPIEnv(t, func(t *testing.T, ev *apiEnv) {
		rec := ev.token(t, "reception")
		blobID := ev.upload(t, "reception")
		// Missing a required component → 422 naming it.
		res, body := ev.do(t, rec, "POST", "/api/v1/dossiers", `{"procedure_code":"2.001610","channel":"counter","applicant":{"kind":"citizen","name":"Nguyễn Văn An","id_number":"001090001234"},"components":[]}`, nil)
		if res.StatusCode != 422 || !bytes.Contains(body, []byte("components.GDN")) {
			t.Fatalf("incomplete: %d %s", res.StatusCode, body)
		}
		key := map[string]string{"Idempotency-Key": "k-123"}
		res, body = ev.do(t, rec, "POST", "/api/v1/dossiers", receiveBody(blobID), key)
		if res.StatusCode != 201 {
			t.Fatalf("receive: %d %s", res.StatusCode, body)
		}
		res2, body2 := ev.do(t, rec, "POST", "/api/v1/dossiers", receiveBody(blobID), key)
		if res2.StatusCode != 201 || !bytes.Equal(body, body2) || res2.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay: %d replayed=%q same=%v", res2.StatusCode, res2.Header.Get("Idempotent-Replayed"), bytes.Equal(body, body2))
		}
		res3, _ := ev.do(t, rec, "POST", "/api/v1/dossiers", strings.Replace(receiveBody(blobID), "An", "Ba", 1), key)
		if res3.StatusCode != 422 {
			t.Errorf("same key, other body: %d; want 422", res3.StatusCode)
		}
		var d struct {
			Code        string
			Version     int64
			Status      string
			LookupToken string `json:"lookup_token"`
			DueAt       string `json:"due_at"`
		}
		json.Unmarshal(body, &d)
		if d.Status != "received" || d.LookupToken == "" || !strings.HasSuffix(d.DueAt, "Z") && !strings.Contains(d.DueAt, "+") {
			t.Errorf("dossier = %+v", d)
		}
		res, body = ev.do(t, rec, "GET", "/api/v1/dossiers?status=received", "", nil)
		if res.StatusCode != 200 || bytes.Count(body, []byte(`"code"`)) != 1 {
			t.Errorf("work list after replay: %d %s", res.StatusCode, body)
		}
		steps := []struct{ who, action, body string }{
			{"appraiser", "assign", `{"version":%d}`},
			{"appraiser", "submit-appraisal", `{"version":%d,"recommendation":"approve","report":"Đủ điều kiện","draft_result":"Cấp giấy chứng nhận"}`},
			{"approver", "approve", `{"version":%d}`},
			{"clerk", "issue", `{"version":%d}`},
			{"reception", "return", `{"version":%d}`},
		}
		for _, st := range steps {
			b := strings.Replace(st.body, "%d", itoa(d.Version), 1)
			res, body := ev.do(t, ev.token(t, st.who), "POST", "/api/v1/dossiers/"+d.Code+"/actions/"+st.action, b, nil)
			if res.StatusCode != 200 {
				t.Fatalf("%s %s: %d %s", st.who, st.action, res.StatusCode, body)
			}
			json.Unmarshal(body, &d)
			// A replay of a stale version is a conflict.
			res, _ = ev.do(t, ev.token(t, st.who), "POST", "/api/v1/dossiers/"+d.Code+"/actions/"+st.action, b, nil)
			if res.StatusCode != 409 {
				t.Errorf("%s again: %d; want 409", st.action, res.StatusCode)
			}
		}
		if d.Status != "returned" {
			t.Errorf("final status %s", d.Status)
		}
		res, body = ev.do(t, "", "GET", "/api/v1/public/lookup?token="+d.LookupToken, "", nil)
		if res.StatusCode != 200 || bytes.Contains(body, []byte("001090001234")) || !bytes.Contains(body, []byte("N***** V** An")) {
			t.Errorf("public lookup: %d %s", res.StatusCode, body)
		}
		// The blob is visible to the dossier's officers, not to a citizen.
		res, _ = ev.do(t, ev.token(t, "appraiser"), "GET", "/api/v1/blobs/"+blobID, "", nil)
		if res.StatusCode != 200 {
			t.Errorf("appraiser blob: %d", res.StatusCode)
		}
		ev.do(t, "", "POST", "/api/v1/public/register", `{"username":"congdan1","password":"Sông-Cầu-2026","name":"Lê Văn C","id_number":"001090005678"}`, nil)
		res, _ = ev.do(t, ev.token2(t, "congdan1", "Sông-Cầu-2026"), "GET", "/api/v1/blobs/"+blobID, "", nil)
		if res.StatusCode != 404 {
			t.Errorf("citizen blob: %d; want 404", res.StatusCode)
		}
	})
}

func (ev *apiEnv) token2(t *testing.T, user, pw string) string {
	res, body := ev.do(t, "", "POST", "/api/v1/session", `{"username":"`+user+`","password":"`+pw+`"}`, nil)
	if res.StatusCode != 200 {
		t.Fatalf("login %s: %d %s", user, res.StatusCode, body)
	}
	var out struct{ Token string }
	json.Unmarshal(body, &out)
	return out.Token
}

func itoa(v int64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestAPILockoutDoesNotRevealAccounts(t *testing.T) {
	ev := newAPIEnv(t, store.SQLite)
	for i := 0; i < 5; i++ {
		ev.do(t, "", "POST", "/api/v1/session", `{"username":"clerk","password":"wrong"}`, nil)
	}
	res, b1 := ev.do(t, "", "POST", "/api/v1/session", `{"username":"clerk","password":"demo"}`, nil)
	if res.StatusCode != 401 {
		t.Errorf("locked account with the right password: %d; want 401", res.StatusCode)
	}
	_, b2 := ev.do(t, "", "POST", "/api/v1/session", `{"username":"nobody","password":"demo"}`, nil)
	if string(b1) != string(b2) {
		t.Errorf("locked and missing accounts answer differently:\n%s\n%s", b1, b2)
	}
}

func TestAPIDisableEndsSessions(t *testing.T) {
	ev := newAPIEnv(t, store.SQLite)
	tok := ev.token(t, "clerk")
	res, body := ev.do(t, ev.token(t, "admin"), "GET", "/api/v1/users", "", nil)
	if res.StatusCode >= 400 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	var us struct {
		Items []struct {
			ID       int64
			Username string
		}
	}
	json.Unmarshal(body, &us)
	var id int64
	for _, u := range us.Items {
		if u.Username == "clerk" {
			id = u.ID
		}
	}
	res, _ = ev.do(t, ev.token(t, "admin"), "POST", "/api/v1/users/"+itoa(id)+"/disable", "", nil)
	if res.StatusCode != 204 {
		t.Fatalf("disable: %d", res.StatusCode)
	}
	if res, _ := ev.do(t, tok, "GET", "/api/v1/me", "", nil); res.StatusCode != 401 {
		t.Errorf("disabled user's session: %d; want 401", res.StatusCode)
	}
}

func TestAPIHealthAndMetrics(t *testing.T) {
	ev := newAPIEnv(t, store.SQLite)
	if res, _ := ev.do(t, "", "GET", "/healthz", "", nil); res.StatusCode != 200 {
		t.Errorf("healthz %d", res.StatusCode)
	}
	ev.do(t, "", "GET", "/api/v1/procedures", "", nil)
	// Metrics are for admins (or allowed scrapers, TestMetricsAllowList).
	if res, _ := ev.do(t, "", "GET", "/metrics", "", nil); res.StatusCode != 401 {
		t.Errorf("anonymous metrics: %d; want 401", res.StatusCode)
	}
	if res, _ := ev.do(t, ev.token(t, "reception"), "GET", "/metrics", "", nil); res.StatusCode != 403 {
		t.Errorf("reception metrics: %d; want 403", res.StatusCode)
	}
	res, body := ev.do(t, ev.token(t, "admin"), "GET", "/metrics", "", nil)
	if res.StatusCode != 200 || !bytes.Contains(body, []byte(`motcua_http_requests_total{method="GET",route="GET /api/v1/procedures",status="200"}`)) {
		t.Errorf("metrics: %d %s", res.StatusCode, body[:min(len(body), 300)])
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	for _, secure := range []bool{false, true} {
		_, svc := stacktest.Demo(t, store.SQLite, workflow.Ports{}, workflow.Config{Now: clocktest.Now})
		h, _ := web.NewServer(svc, slog.New(slog.DiscardHandler), web.Options{SecureCookies: secure})
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(`{"username":"clerk","password":"demo"}`))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		cs := rec.Result().Cookies()
		if rec.Code != 200 || len(cs) != 1 {
			t.Fatalf("secure=%v: login %d, %d cookies", secure, rec.Code, len(cs))
		}
		c := cs[0]
		wantName := "motcua_session"
		if secure {
			wantName = "__Host-motcua_session"
		}
		if c.Name != wantName || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure || c.Domain != "" {
			t.Errorf("secure=%v: cookie %+v", secure, c)
		}
		// A second sign-in rotates the token.
		rec2 := httptest.NewRecorder()
		req2 := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(`{"username":"clerk","password":"demo"}`))
		h.ServeHTTP(rec2, req2)
		if c2 := rec2.Result().Cookies(); len(c2) != 1 || c2[0].Value == c.Value {
			t.Errorf("secure=%v: session token not rotated at sign-in", secure)
		}
	}
}

// TestAPIIndicatorsAndFeedback: GET /reports/indicators lists every
// indicator of the QĐ 766 set with its status, the five group scores and
// the total out of 100 (contract §9); answering a feedback that does not
// exist is a 404, a malformed answer a 400.
func TestAPIIndicatorsAndFeedback(t *testing.T) {
	ev := newAPIEnv(t, store.SQLite)
	res, body := ev.do(t, ev.token(t, "admin"), "GET", "/api/v1/reports/indicators?from=2026-11-02&to=2026-11-06", "", nil)
	wantStatus(t, "indicators", res, body, http.StatusOK)
	var out struct {
		Indicators []struct {
			Code, Status, Reason string
		}
		Groups []struct {
			Group     int
			MaxPoints float64 `json:"max_points"`
		}
		Total     *float64
		MaxPoints float64 `json:"max_points"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	statuses := map[string]int{}
	for _, i := range out.Indicators {
		statuses[i.Status]++
		if i.Status == "not_measurable" && i.Reason == "" {
			t.Errorf("%s not measurable without a reason", i.Code)
		}
	}
	if len(out.Indicators) != 20 || statuses["computed"] != 16 || statuses["not_measurable"] != 4 || len(out.Groups) != 5 ||
		out.Total == nil || out.MaxPoints != 100 {
		t.Errorf("indicators report: %d indicators %v, %d groups, total %v of %.0f", len(out.Indicators), statuses, len(out.Groups), out.Total, out.MaxPoints)
	}
	res, body = ev.do(t, ev.token(t, "supervisor"), "POST", "/api/v1/ratings/999/answer", `{"answer":"Đã xử lý","category":"other"}`, nil)
	wantStatus(t, "answer an unknown feedback", res, body, http.StatusNotFound)
	res, body = ev.do(t, ev.token(t, "supervisor"), "POST", "/api/v1/ratings/999/answer", `{"answer":"Đã xử lý","category":"rude"}`, nil)
	wantStatus(t, "answer with an unknown category", res, body, http.StatusBadRequest)
	res, body = ev.do(t, ev.token(t, "supervisor"), "GET", "/api/v1/reports/feedback?from=2026-11-02&to=2026-11-06", "", nil)
	wantStatus(t, "feedback report", res, body, http.StatusOK)
}

// TestAPIDocumentsAndSealChoice: GET /dossiers/{code} lists the dossier's
// documents [{kind, number, url, verify_url}] (contract §9), and POST
// …/actions/issue takes {"seal": "physical"} with the copies and register
// page it logs.
func TestAPIDocumentsAndSealChoice(t *testing.T) {
	ev := newAPIEnv(t, store.SQLite)
	blob := ev.upload(t, "reception")
	res, body := ev.do(t, ev.token(t, "reception"), "POST", "/api/v1/dossiers", receiveBody(blob), nil)
	wantStatus(t, "receive", res, body, http.StatusCreated)
	var d struct {
		Code      string
		Version   int64
		Documents []struct {
			Kind, Number, URL string
			VerifyURL         string `json:"verify_url"`
		}
		Result *struct {
			Number        string
			SealChoice    string `json:"seal_choice"`
			PhysicalSeals []struct {
				Copy         int `json:"copy"`
				RegisterPage int `json:"register_page"`
				By           string
			} `json:"physical_seals"`
		}
	}
	json.Unmarshal(body, &d)
	if len(d.Documents) != 2 || d.Documents[0].Kind != "receipt" || d.Documents[0].Number != "01/TNHS-TTHCC" ||
		!strings.Contains(d.Documents[0].VerifyURL, "/verify/") || d.Documents[1].Kind != "control_slip" || d.Documents[1].VerifyURL != "" {
		t.Fatalf("documents of a received dossier = %+v", d.Documents)
	}
	act := func(who, action, extra string) {
		t.Helper()
		res, body := ev.do(t, ev.token(t, who), "POST", "/api/v1/dossiers/"+d.Code+"/actions/"+action,
			fmt.Sprintf(`{"version":%d%s}`, d.Version, extra), nil)
		wantStatus(t, action, res, body, http.StatusOK)
		d.Result = nil
		json.Unmarshal(body, &d)
	}
	act("appraiser", "assign", "")
	act("appraiser", "submit-appraisal", `,"recommendation":"approve","report":"Đủ điều kiện","draft_result":"Cấp giấy chứng nhận"`)
	act("approver", "approve", "")
	res, body = ev.do(t, ev.token(t, "clerk"), "POST", "/api/v1/dossiers/"+d.Code+"/actions/issue", fmt.Sprintf(`{"version":%d,"seal":"wax"}`, d.Version), nil)
	wantStatus(t, "issue with an unknown seal", res, body, http.StatusBadRequest)
	res, body = ev.do(t, ev.token(t, "clerk"), "POST", "/api/v1/dossiers/"+d.Code+"/actions/issue", fmt.Sprintf(`{"version":%d,"seal":"physical"}`, d.Version), nil)
	wantStatus(t, "physical seal without the register page", res, body, http.StatusBadRequest)
	act("clerk", "issue", `,"seal":"physical","copies":2,"register_page":5`)
	if r := d.Result; r == nil || r.SealChoice != "physical" || len(r.PhysicalSeals) != 2 || r.PhysicalSeals[1].Copy != 2 ||
		r.PhysicalSeals[1].RegisterPage != 5 || r.PhysicalSeals[1].By != "Phạm Văn Đức" {
		t.Errorf("issued result = %+v", r)
	}
	res, body = ev.do(t, ev.token(t, "reception"), "GET", "/api/v1/dossiers/"+d.Code, "", nil)
	wantStatus(t, "get", res, body, http.StatusOK)
	json.Unmarshal(body, &d)
	last := d.Documents[len(d.Documents)-1]
	if last.Kind != "result" || last.Number != "01/GCN-DKDN-SKHDT" || last.URL != "/api/v1/dossiers/"+d.Code+"/result.pdf" {
		t.Errorf("result document = %+v", last)
	}
	res, body = ev.do(t, ev.token(t, "reception"), "GET", "/api/v1/dossiers/"+d.Code+"/documents/abc.pdf", "", nil)
	wantStatus(t, "bad document id", res, body, http.StatusNotFound)
}

// TestBadInputRegressions replays, one by one, the two 500s of the attack
// campaign (issue 16, item 7) — a multipart upload cut short and a static
// path that is not UTF-8 — and their neighbours: each is a 4xx, and an
// API answer is problem+json.
func TestBadInputRegressions(t *testing.T) {
	ev := newAPIEnv(t, store.SQLite)
	tok := ev.token(t, "reception")

	var whole bytes.Buffer
	mw := multipart.NewWriter(&whole)
	fw, _ := mw.CreateFormFile("file", "don.pdf")
	fw.Write(testfile.PDF("bị cắt"))
	mw.Close()
	ctype := mw.FormDataContentType()
	full := whole.Bytes()
	end := bytes.LastIndex(full, []byte("--"+mw.Boundary()))

	uploads := []struct {
		name, ctype string
		body        []byte
	}{
		{"cut in the file", ctype, full[:len(full)/2]},
		{"cut before the closing boundary", ctype, full[:end]},
		{"cut in the part headers", ctype, full[:bytes.Index(full, []byte("\r\n\r\n"))]},
		{"no boundary parameter", "multipart/form-data", full},
		{"wrong boundary", "multipart/form-data; boundary=khongphai", full},
		{"empty body", ctype, nil},
	}
	for _, u := range uploads {
		res, body := ev.do(t, tok, "POST", "/api/v1/blobs", string(u.body), map[string]string{"Content-Type": u.ctype})
		if res.StatusCode < 400 || res.StatusCode >= 500 {
			t.Errorf("upload %s: %d %s; want 4xx", u.name, res.StatusCode, body)
			continue
		}
		var p struct {
			Status int    `json:"status"`
			Detail string `json:"detail"`
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") || json.Unmarshal(body, &p) != nil || p.Status != res.StatusCode || p.Detail == "" {
			t.Errorf("upload %s: %s %s; want problem+json with a detail", u.name, ct, body)
		}
	}
	// The whole upload goes through, so the cut ones failed for the cut.
	if res, body := ev.do(t, tok, "POST", "/api/v1/blobs", string(full), map[string]string{"Content-Type": ctype}); res.StatusCode != 201 {
		t.Errorf("whole multipart upload: %d %s", res.StatusCode, body)
	}

	for _, p := range []string{"/static/%ff%fe", "/static/%ff", "/static/..%2f..%2fetc%2fpasswd", "/static/%00", "/%ff%fe", "/api/v1/dossiers/%ff%fe"} {
		if res, _ := roundTrip(t, nil, request(t, "GET", ev.srv.URL+p, nil, tok, nil)); res.StatusCode < 400 || res.StatusCode >= 500 {
			t.Errorf("GET %s: %d; want 4xx", p, res.StatusCode)
		}
	}
}

// TestDossierJSONTimeline: the JSON dossier carries the timeline the
// officer's dossier page shows (each step with its due and actual times
// and its late flag), to exactly those who may read the dossier: its
// unit's staff and the citizen who submitted it; anyone else gets the
// same problem as before and no timeline.
func TestDossierJSONTimeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		ctx := context.Background()
		clock := &clocktest.Clock{}
		clock.Set(time.Date(2026, 11, 26, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))) // a Thursday
		db, svc := stacktest.Demo(t, e, workflow.Ports{}, workflow.Config{Now: clock.Now})
		_, srv := stacktest.Server(t, svc, nil, web.Options{PublicRPS: 1000, PublicBurst: 1000})
		users := map[string]*dossier.User{}
		passwords := map[string]string{}
		for _, a := range demo.Accounts {
			users[a.Username], _ = db.UserByName(ctx, a.Username)
			passwords[a.Username] = demo.Password
		}
		for _, c := range []struct{ name, id string }{{"owner", "001090005678"}, {"stranger", "001090007777"}} {
			reg, err := svc.RegisterCitizen(ctx, workflow.NewUserInput{Username: c.name, Password: matrixPassword, Name: "Công dân " + c.name, IDNumber: c.id})
			if err != nil || reg.User == nil {
				t.Fatal(reg, err)
			}
			users[c.name], passwords[c.name] = reg.User, matrixPassword
		}
		far, err := svc.CreateUser(ctx, nil, workflow.NewUserInput{Username: "far-appraiser", Password: matrixPassword, Name: "Cán bộ huyện",
			Agency: "BN.TPBACNINH.PTP", Roles: []dossier.Role{dossier.RoleAppraiser}, Centers: []string{"BN.TPBACNINH.TTHCC"}, Position: "Chuyên viên"})
		if err != nil {
			t.Fatal(err)
		}
		users["far-appraiser"], passwords["far-appraiser"] = far, matrixPassword

		// The owner's online dossier, accepted and assigned; appraisal
		// ends after its step due (late), approval is under way.
		upload := func() string {
			b, err := svc.Upload(ctx, users["owner"], bytes.NewReader(testfile.PDF(fmt.Sprint("timeline ", clock.Now().UnixNano()))))
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(time.Millisecond)
			return b.ID
		}
		d, err := svc.Receive(ctx, users["owner"], workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelOnline,
			Applicant:  dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Công dân owner", IDNumber: "001090005678"},
			Components: []workflow.ComponentInput{{Code: "GDN", BlobID: upload()}, {Code: "GTPL", BlobID: upload()}}})
		if err != nil {
			t.Fatal(err)
		}
		act := func(who string, a dossier.Action, in workflow.ActionInput) {
			t.Helper()
			in.Version = d.Version
			if d, err = svc.Act(ctx, users[who], d.Code, a, in); err != nil {
				t.Fatalf("%s %s: %v", who, a, err)
			}
		}
		act("reception", dossier.ActAccept, workflow.ActionInput{})
		clock.Add(10 * time.Minute)
		act("appraiser", dossier.ActAssign, workflow.ActionInput{})
		clock.Add(8 * 24 * time.Hour)
		act("appraiser", dossier.ActSubmitAppraisal, workflow.ActionInput{Recommendation: "approve", Report: "Hợp lệ", DraftResult: "Cấp Giấy chứng nhận"})

		get := func(who string) (int, []byte) {
			t.Helper()
			tok := ""
			if who != "" {
				var err error
				if tok, _, err = svc.Login(ctx, who, passwords[who]); err != nil {
					t.Fatalf("login %s: %v", who, err)
				}
			}
			res, b := roundTrip(t, nil, request(t, "GET", srv.URL+"/api/v1/dossiers/"+d.Code, nil, tok, nil))
			return res.StatusCode, b
		}

		// The appraiser's answer: the page's timeline, step by step.
		st, body := get("appraiser")
		var got struct {
			Code     string                   `json:"code"`
			Timeline []apiclient.TimelineStep `json:"timeline"`
		}
		if err := json.Unmarshal(body, &got); st != 200 || err != nil || got.Code != d.Code {
			t.Fatalf("GET as appraiser = %d %v %s", st, err, body)
		}
		page, err := svc.DossierView(ctx, users["appraiser"], d.Code)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Timeline) != len(page.Timeline) || len(got.Timeline) < 4 {
			t.Fatalf("timeline has %d steps, the page %d: %s", len(got.Timeline), len(page.Timeline), body)
		}
		eqTime := func(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }
		late, onTime := 0, 0
		for i, g := range got.Timeline {
			w := page.Timeline[i]
			if g.Step != w.Name || g.Status != string(w.Status) || g.State != string(w.State) || g.Late != w.Late ||
				!eqTime(g.StartedAt, w.Start) || !eqTime(g.DueAt, w.Due) || !eqTime(g.DoneAt, w.Done) {
				t.Errorf("step %d = %+v, the page shows %+v", i, g, w)
			}
			if g.State == "done" && g.DoneAt != nil && g.DueAt != nil {
				if g.Late {
					late++
				} else {
					onTime++
				}
			}
		}
		if late != 1 || onTime != 1 {
			t.Errorf("done steps: %d late, %d on time; want the appraisal late and the acceptance on time: %s", late, onTime, body)
		}
		if last := got.Timeline[len(got.Timeline)-1]; last.State != "planned" || last.DueAt != nil || last.DoneAt != nil {
			t.Errorf("last step %+v, want a planned one", last)
		}

		// Who sees the dossier sees the same timeline; the others get
		// their problem, as before, and nothing of it.
		want, _ := json.Marshal(got.Timeline)
		for _, who := range []string{"reception", "approver", "clerk", "supervisor", "admin", "owner"} {
			st, body := get(who)
			var g struct {
				Timeline []apiclient.TimelineStep `json:"timeline"`
			}
			json.Unmarshal(body, &g)
			if b, _ := json.Marshal(g.Timeline); st != 200 || !bytes.Equal(b, want) {
				t.Errorf("GET as %s = %d, timeline %s; want 200 and %s", who, st, b, want)
			}
		}
		for who, code := range map[string]int{"": 401, "stranger": 404, "far-appraiser": 404} {
			if st, body := get(who); st != code || bytes.Contains(body, []byte("timeline")) {
				t.Errorf("GET as %q = %d %s; want %d without a timeline", who, st, body, code)
			}
		}
	})
}
