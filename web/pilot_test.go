package web_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"motcua/demo"
	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/internal/demotest"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/web"
	"motcua/workflow"
)

// submitOnline posts the online submission form of procedure 2.001610 as
// the signed-in citizen c, with the bytes of file for every required
// component.
func submitOnline(t *testing.T, ev *frontEnv, c *http.Client, idNumber string, file func(code string) []byte) (*http.Response, string) {
	t.Helper()
	p, err := ev.db.Procedure(context.Background(), "2.001610")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"procedure_code": p.Code, "kind": "citizen", "name": "Trần Văn Bình", "id_number": idNumber, "email": "binh@example.vn"} {
		mw.WriteField(k, v)
	}
	for _, comp := range p.Components {
		if comp.Required {
			fw, _ := mw.CreateFormFile("file_"+comp.Code, comp.Code+".pdf")
			fw.Write(file(comp.Code))
		}
	}
	mw.Close()
	res, err := c.Post(ev.srv.URL+"/nop-truc-tuyen", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// Issue 19, "Broken": an online submission whose file has the same bytes
// as a file someone else uploaded before (a blank form everybody fills,
// the same certificate copy) is accepted — the content-addressed store
// keeps one copy, and each uploader may attach it.
func TestPilotSameBytesOnlineSubmission(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Engine) { testSameBytes(t, engine) })
}

func testSameBytes(t *testing.T, engine store.Engine) {
	ev := newFrontEnv(t, engine, web.Options{})
	same := func(string) []byte { return pdfOf("the same blank form") }
	// Reception digitised these bytes at the counter first.
	ev.receive(t)
	first := register(t, ev, "binh", "001090012345")
	if res, body := submitOnline(t, ev, first, "001090012345", same); res.StatusCode != 201 {
		t.Fatalf("first submission = %d %s", res.StatusCode, body)
	}
	second := register(t, ev, "an.nguyen", "001090054321")
	if res, body := submitOnline(t, ev, second, "001090054321", same); res.StatusCode != 201 || !strings.Contains(body, "Đã nộp hồ sơ trực tuyến") {
		t.Fatalf("second citizen, same bytes = %d %s; want 201", res.StatusCode, body)
	}
	// Reception's counter file with the same bytes as a component.
	if res, body := submitOnline(t, ev, second, "001090054321", pdfOf); res.StatusCode != 201 {
		t.Fatalf("same bytes as reception's upload = %d %s; want 201", res.StatusCode, body)
	}
}

// Issue 19, "Broken": a conflicting edit (a stale tab) says what happened
// in a banner at the top of the page, even when the form it came from is
// no longer offered.
func TestPilotConflictShowsBanner(t *testing.T) {
	ev := newUIEnv(t)
	rc := ev.login(t, "reception")
	code := ev.receiveComplete(t, rc)
	ac := ev.login(t, "appraiser")
	_, page := ev.get(t, ac, "/ho-so/"+code)
	stale := uiVersionRE.FindStringSubmatch(page)[1]
	if res, body := ev.act(t, ac, code, "assign", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", res.StatusCode, body)
	}
	// The second tab still shows the old version and posts it.
	res, body := ev.post(t, ac, "/ho-so/"+code+"/assign", url.Values{"version": {stale}})
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale assign = %d; want 409", res.StatusCode)
	}
	alert := alertRE.FindStringSubmatch(body)
	if alert == nil || !strings.Contains(alert[1], "Hồ sơ đã thay đổi") || !strings.Contains(alert[1], "tải lại") {
		t.Errorf("409 page has no conflict banner: %q", alert)
	}
}

var alertRE = regexp.MustCompile(`(?s)<div id="alert" role="alert"[^>]*>(.*?)</div>`)

// Issue 19, "Broken": "Kết quả đã ký (chưa lấy số)" opens the leader-signed
// result before the clerk numbers it (it answered 404).
func TestPilotApprovedResultLink(t *testing.T) {
	ctx := context.Background()
	svc, db, srv := newSigningServer(t, workflow.Config{BaseURL: "https://motcua.example", Now: clocktest.Now})
	users := demotest.Users(t, db)
	ds := demotest.Receive(t, svc, users["reception"], dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234"})
	ds = demotest.Walk(t, svc, users, ds, demotest.Assign, demotest.Appraise, demotest.Approve)
	tok, _, err := svc.Login(ctx, "clerk", demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	fetch := func(path string) (*http.Response, string) {
		res, b := roundTrip(t, nil, request(t, "GET", srv.URL+path, nil, tok, nil))
		return res, string(b)
	}
	link := "/api/v1/dossiers/" + ds.Code + "/result.pdf"
	if _, page := fetch("/ho-so/" + ds.Code); !strings.Contains(page, "Kết quả đã ký (chưa lấy số)") || !strings.Contains(page, link) {
		t.Fatalf("approved dossier page lacks the signed result link")
	}
	res, pdf := fetch(link)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(pdf, "%PDF-") || !strings.Contains(pdf, "/ByteRange") {
		t.Fatalf("GET %s = %d %.300s; want the signed PDF", link, res.StatusCode, pdf)
	}
	// The applicant sees nothing before the result is returned.
	if _, err := svc.ResultPDF(ctx, &dossier.User{ID: 1 << 40, Roles: []dossier.Role{dossier.RoleCitizen}}, ds.Code); err == nil {
		t.Error("a citizen read the unnumbered result")
	}

	// Issue 19, "Missing": withdrawal is offered until the result is
	// issued, not after.
	if tok, _, err = svc.Login(ctx, "reception", demo.Password); err != nil {
		t.Fatal(err)
	}
	if _, page := fetch("/ho-so/" + ds.Code); !strings.Contains(page, `id="act-withdraw"`) {
		t.Error("an approved dossier does not offer withdrawal")
	}
	if ds, err = svc.Act(ctx, users["clerk"], ds.Code, dossier.ActIssue, workflow.ActionInput{Version: ds.Version}); err != nil {
		t.Fatal(err)
	}
	if _, page := fetch("/ho-so/" + ds.Code); strings.Contains(page, `id="act-withdraw"`) || !strings.Contains(page, `id="act-return"`) {
		t.Error("an issued dossier offers withdrawal, or not the return")
	}
}

var hrefRE = regexp.MustCompile(`href="([^"#]+)"`)

// Issue 19, "Broken": /bao-cao rendered unstyled (an inline <style> and
// style attributes our Content-Security-Policy blocks) and four export
// links answered 400 (their query encoded twice). The page now has no
// inline style and every link on it answers 200.
func TestPilotReportsPage(t *testing.T) {
	ev := newAPIEnv(t, store.SQLite)
	sup := ev.token(t, "supervisor")
	for _, q := range []string{"", "?from=2021-01-01&to=2026-12-31&center=BN.TTHCC"} {
		page := string(mustGet(t, ev, sup, "/bao-cao"+q))
		if strings.Contains(page, "<style") || strings.Contains(page, "style=") {
			t.Errorf("/bao-cao%s has inline style (blocked by the CSP)", q)
		}
		if !strings.Contains(page, `href="/static/style.css"`) || !strings.Contains(page, `class="chart"`) {
			t.Errorf("/bao-cao%s is not in the officers' layout with its charts", q)
		}
		links := hrefRE.FindAllStringSubmatch(page, -1)
		if len(links) < 10 {
			t.Fatalf("/bao-cao%s has %d links", q, len(links))
		}
		for _, m := range links {
			link := html.UnescapeString(m[1])
			if strings.Contains(link, "%3d") || strings.Contains(link, "%26") {
				t.Errorf("link %s is encoded twice", link)
			}
			if res, body := ev.do(t, sup, "GET", link, "", nil); res.StatusCode != http.StatusOK {
				t.Errorf("GET %s = %d %.200s", link, res.StatusCode, body)
			}
		}
	}
}

// Issue 19, "Broken": /goi-so (the counter caller) sat in the public
// layout, whose citizen links answer 403 to an officer. It is an officers'
// page now, and every link on it opens.
func TestPilotCallerInOfficerLayout(t *testing.T) {
	ev := newUIEnv(t)
	rc := ev.login(t, "reception")
	res, page := ev.get(t, rc, "/goi-so")
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `<header class="top">`) || !strings.Contains(page, `id="caller"`) ||
		!strings.Contains(page, `href="/goi-so" aria-current="page"`) {
		t.Fatalf("/goi-so = %d, not the officers' layout", res.StatusCode)
	}
	for _, m := range hrefRE.FindAllStringSubmatch(page, -1) {
		link := html.UnescapeString(m[1])
		if res, _ := ev.get(t, rc, link); res.StatusCode >= 400 {
			t.Errorf("/goi-so links to %s: %d", link, res.StatusCode)
		}
	}
	// A public page seen by a signed-in officer offers the officers'
	// pages, not the citizens' (which refuse officers).
	_, page = ev.get(t, rc, "/tra-cuu")
	if strings.Contains(page, `href="/cong-dan"`) || strings.Contains(page, `href="/nop-truc-tuyen"`) || !strings.Contains(page, `href="/ho-so"`) {
		t.Errorf("public layout for an officer links to the citizens' area")
	}
}

// Issue 19, "Missing": a citizen arriving at the center's address finds
// its public home (contract §9), with every service one link away, and
// each link opens.
func TestPilotPublicHome(t *testing.T) {
	ev := newUIEnv(t)
	anon := ev.client(t)
	res, page := ev.get(t, anon, "/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("anonymous / = %d %s; want the public home", res.StatusCode, res.Header.Get("Location"))
	}
	for _, want := range []string{"/thu-tuc", "/tra-cuu", "/nop-truc-tuyen", "/kiosk", "/man-hinh", "/xac-thuc", "/lich-truc", "/thong-ke",
		"Trung tâm Hành chính công tỉnh Bắc Ninh", "Kết quả giải quyết năm"} {
		if !strings.Contains(page, want) {
			t.Errorf("home lacks %q", want)
		}
	}
	for _, m := range hrefRE.FindAllStringSubmatch(page, -1) {
		link := html.UnescapeString(m[1])
		if res, _ := ev.get(t, anon, link); res.StatusCode >= 400 {
			t.Errorf("home links to %s: %d", link, res.StatusCode)
		}
	}
	// Officers still land on their work list.
	if _, page := ev.get(t, ev.login(t, "reception"), "/"); !strings.Contains(page, `class="list"`) && !strings.Contains(page, "Hồ sơ") {
		t.Errorf("an officer's / is not the work list")
	}
	// The public statistics: charts drawn on the server, and the JSON.
	res, page = ev.get(t, anon, "/thong-ke")
	if res.StatusCode != http.StatusOK || strings.Count(page, `<svg`) < 1 || !strings.Contains(page, "Đúng hạn") {
		t.Errorf("/thong-ke = %d with %d charts", res.StatusCode, strings.Count(page, `<svg`))
	}
	if res, _ := ev.get(t, anon, "/thong-ke?nam=1999"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("/thong-ke?nam=1999 = %d; want 400", res.StatusCode)
	}
	res, body := ev.get(t, anon, "/api/v1/public/statistics")
	for _, k := range []string{`"by_agency":`, `"on_time_rate":`, `"online_rate":`, `"satisfaction_rate":`} {
		if res.StatusCode != http.StatusOK || !strings.Contains(body, k) {
			t.Errorf("statistics JSON = %d lacks %s", res.StatusCode, k)
		}
	}
	// A procedure page gives the steps (with the internal process's
	// times), where to submit with the hours, the fee and the time.
	_, page = ev.get(t, anon, "/thu-tuc/2.001610")
	for _, want := range []string{"Trình tự thực hiện", "Thẩm định (tối đa", "Mẫu 01", "Giờ làm việc: thứ Hai đến thứ Sáu", "Phí, lệ phí", "Thời hạn giải quyết"} {
		if !strings.Contains(page, want) {
			t.Errorf("procedure page lacks %q", want)
		}
	}
	// The verification form leads to the verification page.
	if res, _ := ev.get(t, anon, "/xac-thuc?ma=https://motcua.example/verify/AbCdEfGhIjKlMnOpQrStUv"); res.StatusCode != http.StatusSeeOther ||
		res.Header.Get("Location") != "/verify/AbCdEfGhIjKlMnOpQrStUv" {
		t.Errorf("verification form = %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, page := ev.get(t, anon, "/xac-thuc?ma=abc"); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "22 ký tự") {
		t.Errorf("bad verification code = %d", res.StatusCode)
	}
}

// Issue 19, "Polish": the kiosk lists services in Vietnamese order (it
// put "Bưu chính" before "Bảo vệ thực vật"); an unknown address answers a
// Vietnamese page, not the mux's English one; every page has a title.
func TestPilotPolish(t *testing.T) {
	ev := newUIEnv(t)
	anon := ev.client(t)
	_, page := ev.get(t, anon, "/kiosk?center=BN.TTHCC")
	a, b := strings.Index(page, "Bảo vệ thực vật"), strings.Index(page, "Bưu chính")
	if a < 0 || b < 0 || a > b {
		t.Errorf("kiosk order: Bảo vệ thực vật at %d, Bưu chính at %d", a, b)
	}
	res, page := ev.get(t, anon, "/khong-co-trang-nay")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(page, `lang="vi"`) || !strings.Contains(page, "Không tìm thấy") {
		t.Errorf("unknown page = %d %.100s", res.StatusCode, page)
	}
	if res, _ := ev.post(t, anon, "/thu-tuc", nil); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /thu-tuc = %d; want 405 (known path, other method)", res.StatusCode)
	}
	admin := ev.login(t, "admin")
	_, page = ev.get(t, admin, "/quan-tri/khoa")
	if !strings.Contains(page, "<title>Khóa ký số và chứng thư") {
		t.Errorf("/quan-tri/khoa has no title")
	}
	if res, svg := ev.get(t, anon, "/static/favicon.svg"); res.StatusCode != http.StatusOK || !strings.HasPrefix(svg, "<svg") {
		t.Errorf("favicon = %d", res.StatusCode)
	}
	// The printed receipt gives the lookup page's full address.
	_, receipt := ev.receive(t, ev.login(t, "reception"), map[string]string{"GDN": "", "GTPL": ""})
	if !strings.Contains(receipt, `<span id="receipt-lookup">`+ev.srv.URL+`/tra-cuu</span>`) {
		t.Errorf("receipt lacks the lookup page's full address")
	}
}
