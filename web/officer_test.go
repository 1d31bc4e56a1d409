package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/calendar"
	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/internal/stacktest"
	"motcua/internal/testfile"
	"motcua/store"
	"motcua/web"
	"motcua/workflow"
)

// uiClock is a clock the tests can move forward (session expiry).
type uiClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *uiClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return clocktest.Now().Add(c.off)
}

func (c *uiClock) advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

type uiEnv struct {
	srv   *httptest.Server
	svc   *workflow.Service
	db    *store.DB
	clock *uiClock
}

// newUIEnv builds the whole stack in-process: SQLite in a temporary
// directory, migrations, blobs, the workflow, the demo province, the server.
func newUIEnv(t testing.TB) *uiEnv {
	t.Helper()
	clock := &uiClock{}
	ev := &uiEnv{clock: clock}
	var h http.Handler
	ev.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ev.srv.Close)
	db, svc := stacktest.DemoWith(t, store.Options{DataDir: t.TempDir(), Synchronous: "NORMAL"}, workflow.Ports{},
		workflow.Config{MaxUpload: 4 << 20, BaseURL: ev.srv.URL, Demo: true, Now: clock.now})
	s, err := web.NewServer(svc, slog.New(slog.DiscardHandler), web.Options{PublicRPS: 1000, PublicBurst: 1000, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	h = s
	ev.svc, ev.db = svc, db
	return ev
}

// client returns a browser-like client that keeps cookies and does not
// follow redirects.
func (ev *uiEnv) client(t testing.TB) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (ev *uiEnv) get(t testing.TB, c *http.Client, path string) (*http.Response, string) {
	t.Helper()
	return get(t, c, ev.srv.URL+path)
}

func (ev *uiEnv) post(t testing.TB, c *http.Client, path string, form url.Values, hdr ...string) (*http.Response, string) {
	t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for i := 0; i+1 < len(hdr); i += 2 {
		h[hdr[i]] = hdr[i+1]
	}
	res, b := roundTrip(t, c, request(t, "POST", ev.srv.URL+path, strings.NewReader(form.Encode()), "", h))
	return res, string(b)
}

func (ev *uiEnv) login(t testing.TB, user string) *http.Client {
	t.Helper()
	c := ev.client(t)
	res, body := ev.post(t, c, "/login", url.Values{"username": {user}, "password": {"demo"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d %s", user, res.StatusCode, body)
	}
	return c
}

// receive receives a complete dossier through the reception form and
// returns its code.
func (ev *uiEnv) receive(t testing.TB, c *http.Client, files map[string]string) (int, string) {
	t.Helper()
	return ev.receiveWith(t, c, nil, files)
}

func (ev *uiEnv) receiveWith(t testing.TB, c *http.Client, extra map[string]string, files map[string]string) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fields := map[string]string{"procedure_code": "2.001610", "applicant_kind": "citizen", "applicant_name": "Nguyễn Văn An",
		"applicant_id_number": "001203001234", "channel": "counter"}
	for k, v := range extra {
		fields[k] = v
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for code := range files {
		fw, _ := mw.CreateFormFile("file."+code, code+".pdf")
		fw.Write(testfile.PDF("officer"))
	}
	return ev.postMultipart(t, c, "/tiep-nhan", &buf, mw)
}

// postMultipart closes mw and posts what it wrote to buf.
func (ev *uiEnv) postMultipart(t testing.TB, c *http.Client, path string, buf *bytes.Buffer, mw *multipart.Writer) (int, string) {
	t.Helper()
	mw.Close()
	res, b := roundTrip(t, c, request(t, "POST", ev.srv.URL+path, buf, "", map[string]string{"Content-Type": mw.FormDataContentType()}))
	return res.StatusCode, string(b)
}

var receiptCodeRE = regexp.MustCompile(`id="receipt-code">([^<]+)<`)

// receiveComplete receives, as c, a dossier of 2.001610 with both its
// components and returns the code its receipt page shows.
func (ev *uiEnv) receiveComplete(t testing.TB, c *http.Client) string {
	t.Helper()
	_, body := ev.receive(t, c, map[string]string{"GDN": "", "GTPL": ""})
	m := receiptCodeRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no receipt code on the page:\n%s", body)
	}
	return m[1]
}

func TestUIOfficerPagesRedirectToLogin(t *testing.T) {
	ev := newUIEnv(t)
	c := ev.client(t)
	for _, tc := range []struct{ path, want string }{
		{"/ho-so", "/login?next=%2Fho-so"},
		{"/ho-so?status=all", "/login?next=%2Fho-so%3Fstatus%3Dall"},
		{"/tiep-nhan", "/login?next=%2Ftiep-nhan"},
		{"/quan-tri/tai-khoan", "/login?next=%2Fquan-tri%2Ftai-khoan"},
	} {
		res, _ := ev.get(t, c, tc.path)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != tc.want {
			t.Errorf("GET %s = %d Location %q; want 303 %q", tc.path, res.StatusCode, res.Header.Get("Location"), tc.want)
		}
	}
	// htmx requests are redirected with HX-Redirect instead of a 303.
	res, _ := roundTrip(t, c, request(t, "GET", ev.srv.URL+"/tiep-nhan/thu-tuc?q=giay", nil, "", map[string]string{"HX-Request": "true"}))
	if got := res.Header.Get("HX-Redirect"); !strings.HasPrefix(got, "/login") {
		t.Errorf("htmx without session: HX-Redirect = %q; want /login…", got)
	}
}

func TestUILoginPageAndErrors(t *testing.T) {
	ev := newUIEnv(t)
	c := ev.client(t)
	res, body := ev.get(t, c, "/login?next=/ho-so")
	if res.StatusCode != 200 || !strings.Contains(body, `lang="vi"`) || !strings.Contains(body, `name="username"`) ||
		!strings.Contains(body, `name="password"`) || !strings.Contains(body, `action="/login"`) {
		t.Fatalf("GET /login = %d, want the Vietnamese sign-in form:\n%s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type = %q", ct)
	}
	res, body = ev.post(t, c, "/login", url.Values{"username": {""}, "password": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Vui lòng nhập tên đăng nhập") || !strings.Contains(body, "Vui lòng nhập mật khẩu") {
		t.Errorf("empty form: %d; want 422 with both field errors", res.StatusCode)
	}
	res, body = ev.post(t, c, "/login", url.Values{"username": {"reception"}, "password": {"sai"}})
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Tên đăng nhập hoặc mật khẩu không đúng") {
		t.Errorf("wrong password: %d; want 401 with a Vietnamese message", res.StatusCode)
	}
	if strings.Contains(res.Header.Get("Content-Type"), "problem") {
		t.Errorf("a page answered problem+json")
	}
	// Success returns to the page asked for; an outside "next" is ignored.
	res, _ = ev.post(t, c, "/login", url.Values{"username": {"reception"}, "password": {"demo"}, "next": {"/ho-so?status=all"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/ho-so?status=all" {
		t.Fatalf("login: %d Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, body = ev.get(t, c, "/ho-so?status=all")
	if res.StatusCode != 200 || !strings.Contains(body, "Nguyễn Thị Hoa") {
		t.Errorf("work list after sign-in: %d", res.StatusCode)
	}
	c2 := ev.client(t)
	res, _ = ev.post(t, c2, "/login", url.Values{"username": {"reception"}, "password": {"demo"}, "next": {"//evil.example/x"}})
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("next=//evil.example: Location %q; want /", loc)
	}
	// Sign-out ends the session.
	res, _ = ev.post(t, c, "/logout", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Errorf("logout: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = ev.get(t, c, "/ho-so")
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout GET /ho-so = %d; want 303", res.StatusCode)
	}
}

func TestUISessionExpiryReturnsToPage(t *testing.T) {
	ev := newUIEnv(t)
	c := ev.login(t, "appraiser")
	if res, _ := ev.get(t, c, "/ho-so?status=all"); res.StatusCode != 200 {
		t.Fatalf("work list: %d", res.StatusCode)
	}
	ev.clock.advance(20 * time.Minute) // officers' idle timeout is 15 minutes
	res, _ := ev.get(t, c, "/ho-so?status=all")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fho-so%3Fstatus%3Dall" {
		t.Fatalf("expired: %d Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := ev.get(t, c, res.Header.Get("Location"))
	if res.StatusCode != 200 || !strings.Contains(body, "Phiên làm việc đã hết hạn") || !strings.Contains(body, `value="/ho-so?status=all"`) {
		t.Fatalf("login page after expiry: %d, want the friendly message and next:\n%s", res.StatusCode, body)
	}
	res, _ = ev.post(t, c, "/login", url.Values{"username": {"appraiser"}, "password": {"demo"}, "next": {"/ho-so?status=all"}})
	if res.Header.Get("Location") != "/ho-so?status=all" {
		t.Errorf("back after sign-in: %q", res.Header.Get("Location"))
	}
}

func TestUIReceptionValidationAsYouType(t *testing.T) {
	ev := newUIEnv(t)
	c := ev.login(t, "reception")
	check := func(field string, form url.Values) string {
		_, body := ev.post(t, c, "/tiep-nhan/kiem-tra", form, "HX-Request", "true", "HX-Trigger-Name", field)
		return body
	}
	body := check("applicant_id_number", url.Values{"applicant_kind": {"citizen"}, "applicant_id_number": {"123"}})
	if !strings.Contains(body, `id="err-applicant_id_number"`) || !strings.Contains(body, "12 chữ số") {
		t.Errorf("bad id number: %s", body)
	}
	body = check("applicant_id_number", url.Values{"applicant_kind": {"citizen"}, "applicant_id_number": {"001203001234"}})
	if strings.Contains(body, "12 chữ số") || !strings.Contains(body, `id="kho"`) {
		t.Errorf("good id number: %s", body)
	}
	body = check("applicant_email", url.Values{"applicant_kind": {"citizen"}, "applicant_email": {"khong-hop-le"}})
	if !strings.Contains(body, "thư điện tử không hợp lệ") {
		t.Errorf("bad e-mail: %s", body)
	}
	// Diacritic-insensitive procedure search.
	req, _ := http.NewRequest("GET", ev.srv.URL+"/tiep-nhan/thu-tuc?q="+url.QueryEscape("thanh lap doanh nghiep tu nhan"), nil)
	req.Header.Set("HX-Request", "true")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), "Đăng ký thành lập doanh nghiệp tư nhân") {
		t.Errorf("search without diacritics found nothing: %s", b)
	}
}

func TestUIReceiveAndGuidanceSlip(t *testing.T) {
	ev := newUIEnv(t)
	c := ev.login(t, "reception")
	status, body := ev.receive(t, c, map[string]string{"GDN": "", "GTPL": ""})
	m := receiptCodeRE.FindStringSubmatch(body)
	if status != http.StatusCreated || m == nil {
		t.Fatalf("receive: %d\n%s", status, body)
	}
	if !strings.Contains(body, "/api/v1/dossiers/"+m[1]+"/receipt.pdf") {
		t.Errorf("no receipt link")
	}
	// The components viewer may frame the files (same origin only).
	_, page := ev.get(t, c, "/ho-so/"+m[1])
	file := regexp.MustCompile(`src="(/ho-so/[^"]+/tep/[0-9a-f]+)"`).FindStringSubmatch(page)
	if file == nil {
		t.Fatalf("no inline viewer on the dossier page")
	}
	res, _ := ev.get(t, c, file[1])
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || res.Header.Get("X-Frame-Options") != "SAMEORIGIN" ||
		!strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'self'") {
		t.Errorf("viewer file: %d %v", res.StatusCode, res.Header)
	}
	if res, _ := ev.get(t, ev.login(t, "admin"), "/ho-so/"+m[1]+"/tep/0000"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown file: %d", res.StatusCode)
	}

	// Incomplete: the missing component is named and the slip offered.
	status, body = ev.receive(t, c, map[string]string{"GDN": ""})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="guidance-offer"`) || !strings.Contains(body, `value="GTPL"`) {
		t.Fatalf("incomplete: %d\n%s", status, body)
	}
	res, _ = ev.post(t, c, "/tiep-nhan/phieu-huong-dan", url.Values{"procedure_code": {"2.001610"}, "applicant_kind": {"citizen"},
		"applicant_name": {"Nguyễn Văn An"}, "missing": {"GTPL"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/tiep-nhan/phieu-huong-dan/") {
		t.Fatalf("guidance slip: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, body = ev.get(t, c, res.Header.Get("Location"))
	if res.StatusCode != 200 || !strings.Contains(body, "Bản sao giấy tờ pháp lý") || !strings.Contains(body, "/pdf") {
		t.Errorf("guidance page: %d\n%s", res.StatusCode, body)
	}
}

func TestUIWrongRoleIsRefused(t *testing.T) {
	ev := newUIEnv(t)
	rc := ev.login(t, "reception")
	code := ev.receiveComplete(t, rc)
	res, body := ev.get(t, rc, "/ho-so/"+code+"/approve")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "không có quyền") || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("reception opens the approve form: %d\n%s", res.StatusCode, body)
	}
	res, _ = ev.post(t, rc, "/ho-so/"+code+"/approve", url.Values{"version": {"1"}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("reception posts approve: %d; want 403", res.StatusCode)
	}
	// The dossier page offers reception only its own actions.
	_, body = ev.get(t, rc, "/ho-so/"+code)
	if strings.Contains(body, `action="/ho-so/`+code+`/approve"`) || !strings.Contains(body, `action="/ho-so/`+code+`/assign"`) {
		t.Errorf("reception's dossier page shows the wrong actions")
	}
	// Clerk may not use the reception desk or administration.
	cc := ev.login(t, "clerk")
	if res, _ := ev.get(t, cc, "/tiep-nhan"); res.StatusCode != http.StatusForbidden {
		t.Errorf("clerk at reception desk: %d", res.StatusCode)
	}
	if res, _ := ev.get(t, cc, "/quan-tri/tai-khoan"); res.StatusCode != http.StatusForbidden {
		t.Errorf("clerk at administration: %d", res.StatusCode)
	}
	// A stale version is a 409 shown next to the form.
	ac := ev.login(t, "appraiser")
	res, body = ev.post(t, ac, "/ho-so/"+code+"/assign", url.Values{"version": {"7"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Hồ sơ đã thay đổi") {
		t.Errorf("stale version: %d", res.StatusCode)
	}
	// Bad input is never a 500.
	res, _ = ev.post(t, ac, "/ho-so/"+code+"/assign", url.Values{"version": {"x"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("version=x: %d; want 400", res.StatusCode)
	}
	if res, _ := ev.get(t, ac, "/ho-so/khong-co"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown dossier: %d", res.StatusCode)
	}
	if res, _ := ev.get(t, ac, "/ho-so?status=bogus"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bogus status: %d", res.StatusCode)
	}
	if res, _ := ev.get(t, ac, "/ho-so?cursor=zz"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bogus cursor: %d", res.StatusCode)
	}
}

func TestUIAdminFormsShowFieldErrors(t *testing.T) {
	ev := newUIEnv(t)
	c := ev.login(t, "admin")
	for _, p := range []string{"/quan-tri", "/quan-tri/co-quan", "/quan-tri/thu-tuc?q=giay+phep", "/quan-tri/tai-khoan", "/quan-tri/uy-quyen",
		"/quan-tri/lich-truc", "/quan-tri/ngay-nghi", "/quan-tri/so-dang-ky", "/quan-tri/con-dau"} {
		if res, body := ev.get(t, c, p); res.StatusCode != 200 {
			t.Errorf("GET %s = %d\n%s", p, res.StatusCode, body)
		}
	}
	res, body := ev.post(t, c, "/quan-tri/tai-khoan", url.Values{"username": {"x"}, "password": {"1"}})
	if res.StatusCode != http.StatusBadRequest || !regexp.MustCompile(`id="err-username">[^<]+<`).MatchString(body) ||
		!regexp.MustCompile(`id="err-role">[^<]+<`).MatchString(body) {
		t.Errorf("create user errors: %d\n%s", res.StatusCode, body)
	}
	res, _ = ev.post(t, c, "/quan-tri/tai-khoan", url.Values{"username": {"thamdinh2"}, "password": {"Hoa-phượng-đỏ-1962"}, "name": {"Đỗ Thị Lan"},
		"agency": {"BN.SKHDT"}, "roles": {"appraiser"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("create user: %d", res.StatusCode)
	}
	res, body = ev.post(t, c, "/quan-tri/ngay-nghi", url.Values{"date": {"2027-13-40"}, "kind": {"holiday"}, "name": {"x"}})
	if res.StatusCode != http.StatusBadRequest || !regexp.MustCompile(`id="err-date">[^<]+<`).MatchString(body) {
		t.Errorf("bad override date: %d", res.StatusCode)
	}
	// An import with a bad row names the line and writes nothing.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "co-quan.csv")
	fw.Write([]byte("code,name,level,parent_code\nBN.TEST,Sở Thử nghiệm,province,BN\nBN.BAD,Sở Lỗi,galaxy,BN\n"))
	mw.Close()
	ires, ib := roundTrip(t, c, request(t, "POST", ev.srv.URL+"/quan-tri/nhap/agencies", &buf, "", map[string]string{"Content-Type": mw.FormDataContentType()}))
	if ires.StatusCode < 400 || ires.StatusCode >= 500 || !strings.Contains(string(ib), "Dòng 3") {
		t.Errorf("bad import: %d\n%s", ires.StatusCode, ib)
	}
	if _, err := ev.db.Agency(context.Background(), "BN.TEST"); err == nil {
		t.Errorf("a failed import wrote a row")
	}
	res, body = ev.post(t, c, "/quan-tri/uy-quyen", url.Values{"agency_code": {"BN.SKHDT"}})
	if res.StatusCode != http.StatusBadRequest || !regexp.MustCompile(`id="err-valid_from">[^<]+<`).MatchString(body) {
		t.Errorf("bad delegation: %d", res.StatusCode)
	}
}

func TestUIStaticAssets(t *testing.T) {
	ev := newUIEnv(t)
	c := ev.client(t)
	for _, p := range []string{"/static/htmx.min.js", "/static/style.css", "/static/ui.js"} {
		res, body := ev.get(t, c, p)
		if res.StatusCode != 200 || len(body) == 0 {
			t.Errorf("GET %s = %d", p, res.StatusCode)
		}
	}
}

// uiVersion reads the dossier version the page's forms carry.
var uiVersionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

func (ev *uiEnv) act(t testing.TB, c *http.Client, code, action string, form url.Values) (*http.Response, string) {
	t.Helper()
	_, page := ev.get(t, c, "/ho-so/"+code)
	m := uiVersionRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no version on the page of %s", code)
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("version", m[1])
	return ev.post(t, c, "/ho-so/"+code+"/"+action, form)
}

func TestUISupplementAndOverdueApology(t *testing.T) {
	ev := newUIEnv(t)
	rc := ev.login(t, "reception")
	code := ev.receiveComplete(t, rc)
	ac := ev.login(t, "appraiser")
	mustSee := func(res *http.Response, body, what string) {
		t.Helper()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", what, res.StatusCode, body)
		}
	}
	res, body := ev.act(t, ac, code, "assign", nil)
	mustSee(res, body, "assign")
	// Request a supplement with the missing-components checklist; reception
	// takes the supplement with a file and the dossier goes back to appraisal.
	res, body = ev.act(t, ac, code, "request-supplement", url.Values{"missing": {"GTPL"}, "reason": {"Bản sao mờ"}})
	mustSee(res, body, "request-supplement")
	_, page := ev.get(t, rc, "/ho-so/"+code)
	if !strings.Contains(page, `id="act-supplement"`) || !strings.Contains(page, "Chờ bổ sung") {
		t.Fatalf("reception sees no supplement form")
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("version", uiVersionRE.FindStringSubmatch(page)[1])
	fw, _ := mw.CreateFormFile("file.GTPL", "gtpl.png")
	fw.Write(testfile.PNG(7))
	mw.Close()
	req, _ := http.NewRequest("POST", ev.srv.URL+"/ho-so/"+code+"/supplement", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := rc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("supplement: %d", res.StatusCode)
	}
	// Empty appraisal report: 400 with the message next to the field.
	res, body = ev.act(t, ac, code, "submit-appraisal", url.Values{"recommendation": {"approve"}})
	if res.StatusCode != http.StatusBadRequest || !regexp.MustCompile(`id="err-report">[^<]+<`).MatchString(body) {
		t.Fatalf("empty report: %d", res.StatusCode)
	}
	res, body = ev.act(t, ac, code, "submit-appraisal", url.Values{"recommendation": {"approve"}, "report": {"Đủ điều kiện"}, "draft_result": {"Cấp giấy chứng nhận"}})
	mustSee(res, body, "submit-appraisal")
	res, body = ev.act(t, ev.login(t, "approver"), code, "approve", nil)
	mustSee(res, body, "approve")
	res, body = ev.act(t, ev.login(t, "clerk"), code, "issue", nil)
	mustSee(res, body, "issue")

	// The applicant now holds the result: reception offers it for reuse
	// once the identifier is typed, and a new dossier can use it.
	_, frag := ev.post(t, rc, "/tiep-nhan/kiem-tra", url.Values{"applicant_kind": {"citizen"}, "applicant_id_number": {"001203001234"},
		"procedure_code": {"2.001610"}}, "HX-Request", "true", "HX-Trigger-Name", "applicant_id_number")
	doc := regexp.MustCompile(`name="reuse\.([^"]+)"`).FindStringSubmatch(frag)
	if doc == nil || !strings.Contains(frag, `hx-swap-oob="true"`) {
		t.Fatalf("no reusable result offered:\n%s", frag)
	}
	status, body := ev.receiveWith(t, rc, map[string]string{"reuse." + doc[1]: "GTPL"}, map[string]string{"GDN": ""})
	if status != http.StatusCreated || !strings.Contains(body, "dùng lại kết quả "+doc[1]) {
		t.Errorf("receive with a reused result: %d\n%s", status, body)
	}

	// Ten days later the dossier is overdue: return needs the apology first.
	ev.clock.advance(10 * 24 * time.Hour)
	rc = ev.login(t, "reception")
	_, page = ev.get(t, rc, "/ho-so/"+code)
	if !strings.Contains(page, "cần lập phiếu xin lỗi") || !strings.Contains(page, `action="/ho-so/`+code+`/apologize"`) {
		t.Fatalf("overdue dossier shows no apology form first")
	}
	res, _ = ev.act(t, rc, code, "return", nil)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("return before apology: %d; want 422", res.StatusCode)
	}
	res, body = ev.act(t, rc, code, "apologize", url.Values{"reason": {"Chậm do lỗi hệ thống"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Cần ngày hẹn trả mới") {
		t.Errorf("apology without date: %d", res.StatusCode)
	}
	// The new date must be a working day of the center (NĐ 61/2018
	// Điều 19.9; issue 15 item 1): a Sunday is refused, the next working
	// day three days on is taken.
	cal := ev.svc.CalendarFor("BN.TTHCC")
	day := calendar.DateOf(ev.clock.now().In(cal.Location())).AddDays(3)
	sunday := day
	for sunday.Weekday() != time.Sunday {
		sunday = sunday.AddDays(1)
	}
	res, _ = ev.act(t, rc, code, "apologize", url.Values{"reason": {"Chậm do lỗi hệ thống"}, "new_due_date": {sunday.String()}, "new_due_time": {"16:00"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("apology to Sunday %s: %d; want 422", sunday, res.StatusCode)
	}
	for !cal.IsWorkingDay(day) {
		day = day.AddDays(1)
	}
	res, body = ev.act(t, rc, code, "apologize", url.Values{"reason": {"Chậm do lỗi hệ thống"}, "new_due_date": {day.String()}, "new_due_time": {"16:00"}})
	mustSee(res, body, "apologize")
	res, body = ev.act(t, rc, code, "return", url.Values{"note": {"Trao tận tay"}})
	mustSee(res, body, "return")
	_, page = ev.get(t, rc, "/ho-so/"+code)
	if !strings.Contains(page, "Đã trả kết quả") || !strings.Contains(page, "Xin lỗi, hẹn lại ngày trả") {
		t.Errorf("returned dossier page lacks status or apology history")
	}
}

func TestUIOnlineDossierAccepted(t *testing.T) {
	ev := newUIEnv(t)
	ctx := context.Background()
	reg, err := ev.svc.RegisterCitizen(ctx, workflow.NewUserInput{Username: "congdan1", Password: "Mai-vàng-2026", Name: "Phạm Thị Mai", IDNumber: "001203004321"})
	if err != nil {
		t.Fatal(err)
	}
	cit := reg.User
	var ids []workflow.ComponentInput
	for _, code := range []string{"GDN", "GTPL"} {
		info, err := ev.svc.Upload(ctx, cit, bytes.NewReader(testfile.PDF("citizen")))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, workflow.ComponentInput{Code: code, BlobID: info.ID})
	}
	d, err := ev.svc.Receive(ctx, cit, workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: "online",
		Applicant: dossierApplicant("Phạm Thị Mai", "001203004321"), Components: ids})
	if err != nil {
		t.Fatal(err)
	}
	rc := ev.login(t, "reception")
	_, page := ev.get(t, rc, "/tiep-nhan")
	if !strings.Contains(page, `action="/ho-so/`+d.Code+`/accept"`) {
		t.Fatalf("reception desk does not list the online dossier %s", d.Code)
	}
	res, _ := ev.post(t, rc, "/ho-so/"+d.Code+"/accept", url.Values{"version": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", res.StatusCode)
	}
	_, page = ev.get(t, rc, res.Header.Get("Location"))
	// The success banner names what was done and the dossier (issue 19).
	if !strings.Contains(page, `<p class="msg ok" role="status">Đã tiếp nhận hồ sơ `+d.Code+`.</p>`) || !strings.Contains(page, "st-received") {
		t.Errorf("accepted dossier page: no success banner or status")
	}
	// A citizen signing in at /login is not an officer.
	cc := ev.client(t)
	res, _ = ev.post(t, cc, "/login", url.Values{"username": {"congdan1"}, "password": {"Mai-vàng-2026"}})
	if res.Header.Get("Location") != "/nop-truc-tuyen" {
		t.Errorf("citizen login goes to %q", res.Header.Get("Location"))
	}
	if res, _ := ev.get(t, cc, "/ho-so"); res.StatusCode != http.StatusForbidden {
		t.Errorf("citizen on officer pages: %d", res.StatusCode)
	}
}

func dossierApplicant(name, id string) dossier.Applicant {
	return dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: name, IDNumber: id}
}

func TestUICollectFeeAtCounter(t *testing.T) {
	ev := newAPIEnv(t, store.SQLite)
	blobID := ev.upload(t, "reception")
	rec := ev.token(t, "reception")
	res, body := ev.do(t, rec, "POST", "/api/v1/dossiers", receiveBody(blobID), nil)
	if res.StatusCode != 201 {
		t.Fatalf("receive: %d %s", res.StatusCode, body)
	}
	var d struct{ Code string }
	json.Unmarshal(body, &d)
	// The page offers the fee (50,000 đồng for 2.001610) to reception.
	res, body = ev.do(t, rec, "GET", "/ho-so/"+d.Code, "", nil)
	if res.StatusCode != 200 || !bytes.Contains(body, []byte("Thu phí, xuất biên lai điện tử")) {
		t.Fatalf("dossier page: %d, fee form missing", res.StatusCode)
	}
	res, body = ev.do(t, rec, "POST", "/ho-so/"+d.Code+"/thu-phi", "method=cash", map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if res.StatusCode != 200 { // followed the 303 back to the page
		t.Fatalf("collect: %d", res.StatusCode)
	}
	if !bytes.Contains(body, []byte(`<p class="msg ok" role="status">Đã thu phí, lệ phí hồ sơ `+d.Code)) {
		t.Errorf("after collection: no success banner")
	}
	res, body = ev.do(t, rec, "GET", "/ho-so/"+d.Code, "", nil)
	if res.StatusCode >= 400 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	if !bytes.Contains(body, []byte("biên lai điện tử số")) || bytes.Contains(body, []byte("Thu phí, xuất biên lai điện tử")) {
		t.Errorf("after collection the page should list the e-receipt and not offer the fee again")
	}
	// A second collection is refused.
	res, _ = ev.do(t, rec, "POST", "/ho-so/"+d.Code+"/thu-phi", "method=cash", map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if res.StatusCode != 409 {
		t.Errorf("second collection: %d; want 409", res.StatusCode)
	}
}

func TestUIWorkListShowsLeadersOnDuty(t *testing.T) {
	ev := newAPIEnv(t, store.SQLite)
	res, body := ev.do(t, ev.token(t, "reception"), "GET", "/ho-so", "", nil)
	if res.StatusCode != 200 {
		t.Fatalf("work list: %d", res.StatusCode)
	}
	// The demo schedules the approver on working days; the test may run on
	// a weekend, so only check the panel when today is a working day.
	if wd := clocktest.Now().In(time.FixedZone("ICT", 7*3600)).Weekday(); wd != time.Saturday && wd != time.Sunday {
		if !bytes.Contains(body, []byte("Lãnh đạo trực phê duyệt tại trung tâm hôm nay")) || !bytes.Contains(body, []byte("Lê Thị Thu Hà")) {
			t.Errorf("work list lacks the leader on duty")
		}
	}
	if !bytes.Contains(body, []byte(`<option value="returned"`)) {
		t.Errorf("the status filter lacks finished statuses")
	}
}
