package web_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"motcua/demo"
	"motcua/dossier"
	"motcua/internal/stacktest"
	"motcua/internal/testfile"
	"motcua/sso"
	"motcua/store"
	"motcua/web"
	"motcua/workflow"
)

// Sign-in with VNeID (OpenID Connect, issue 18 item 3) against a local
// provider started by the test (sso.Fake: discovery, JWKS, authorize,
// token; RS256 ID tokens signed with a key generated here), through the
// real handlers with a cookie jar. One fixed clock runs motcua, the
// token verifier and the provider.

var vneidNow = time.Date(2026, 11, 3, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600)) // a Tuesday

type vneidEnv struct {
	svc *workflow.Service
	db  *store.DB
	idp *sso.Fake
	srv *httptest.Server // motcua
}

func newVNeIDEnv(tb testing.TB) *vneidEnv {
	tb.Helper()
	now := func() time.Time { return vneidNow }
	db, svc := stacktestDemo(tb, now)
	idp := startIdP(tb, "027090001234", now)
	ev := &vneidEnv{svc: svc, db: db, idp: idp}
	_, ev.srv = vneidServer(tb, svc, idp.Issuer, now)
	return ev
}

func stacktestDemo(tb testing.TB, now func() time.Time) (*store.DB, *workflow.Service) {
	return stacktest.Demo(tb, store.SQLite, workflow.Ports{}, workflow.Config{MaxUpload: 1 << 20, Now: now})
}

// vneidServer serves motcua with an OIDC client of issuer (its redirect
// URL needs the server's own address, hence the late handler).
func vneidServer(tb testing.TB, svc *workflow.Service, issuer string, now func() time.Time) (*web.Server, *httptest.Server) {
	var h *web.Server
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	tb.Cleanup(srv.Close)
	client, err := sso.New(sso.Config{Issuer: issuer, ClientID: "motcua-test", ClientSecret: "test-secret",
		RedirectURL: srv.URL + "/dang-nhap/vneid/callback", Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	h, err = web.NewServer(svc, nil, web.Options{PublicRPS: 1e6, PublicBurst: 1e6, OIDC: client})
	if err != nil {
		tb.Fatal(err)
	}
	return h, srv
}

// startIdP starts the local provider for a citizen with personal ID
// number id, on the clock now.
func startIdP(tb testing.TB, id string, now func() time.Time) *sso.Fake {
	tb.Helper()
	idp, err := sso.NewFake("motcua-test", "test-secret", now)
	if err != nil {
		tb.Fatal(err)
	}
	idp.Claims = map[string]any{"sub": "vneid-sub-" + id, "personal_id": id, "name": "Nguyễn Thị Định Danh", "acr": "2"}
	ip := httptest.NewServer(idp)
	tb.Cleanup(ip.Close)
	idp.Issuer = ip.URL
	return idp
}

// vneidCallback runs a sign-in up to the provider's redirect back and
// returns that URL and the flow cookie (the authorization matrix sends
// them as each caller).
func vneidCallback(tb testing.TB, srvURL string) (*url.URL, *http.Cookie) {
	tb.Helper()
	c := browser()
	c.CheckRedirect = func(r *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(r.URL.String(), srvURL+"/dang-nhap/vneid/callback") {
			return http.ErrUseLastResponse
		}
		return nil
	}
	res, _ := get(tb, c, srvURL+"/dang-nhap/vneid")
	loc, err := res.Location()
	if err != nil {
		tb.Fatalf("no redirect back from the provider: %d", res.StatusCode)
	}
	for _, k := range c.Jar.Cookies(loc) {
		if k.Name == "motcua_vneid" {
			return loc, k
		}
	}
	tb.Fatal("no flow cookie")
	return nil, nil
}

// browser is a client with its own cookie jar, following redirects.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// signIn runs the whole flow from the "Đăng nhập bằng VNeID" link.
func (ev *vneidEnv) signIn(tb testing.TB, c *http.Client) (*http.Response, string) {
	return get(tb, c, ev.srv.URL+"/dang-nhap/vneid?next=/cong-dan")
}

// session returns the user of the browser's session, or nil.
func (ev *vneidEnv) session(tb testing.TB, c *http.Client) *dossier.User {
	u, _ := url.Parse(ev.srv.URL)
	for _, k := range c.Jar.Cookies(u) {
		if k.Name == web.SessionCookie {
			usr, err := ev.svc.Authenticate(context.Background(), k.Value)
			if err != nil {
				tb.Fatal(err)
			}
			return usr
		}
	}
	return nil
}

func TestVNeIDSignInRoundTrip(t *testing.T) {
	ev := newVNeIDEnv(t)
	// The sign-in page offers VNeID.
	if res, body := get(t, browser(), ev.srv.URL+"/dang-nhap"); res.StatusCode != 200 || !strings.Contains(body, "Đăng nhập bằng VNeID") {
		t.Fatalf("sign-in page: %d, VNeID button missing", res.StatusCode)
	}
	c := browser()
	res, body := ev.signIn(t, c)
	if res.StatusCode != 200 || res.Request.URL.Path != "/cong-dan" {
		t.Fatalf("round trip ended at %s with %d: %.300s", res.Request.URL, res.StatusCode, body)
	}
	u := ev.session(t, c)
	if u == nil || !u.Has(dossier.RoleCitizen) || u.IDNumber != "027090001234" || u.Name != "Nguyễn Thị Định Danh" ||
		u.IdentityLevel != dossier.IdentityLevel2 || strings.Contains(u.Username, "027090001234") {
		t.Fatalf("session user = %+v; want a new citizen account for 027090001234 at level 2, the number not in its username", u)
	}
	// The flow cookie is gone after use.
	base, _ := url.Parse(ev.srv.URL + "/dang-nhap/vneid/callback")
	for _, k := range c.Jar.Cookies(base) {
		if k.Name == "motcua_vneid" {
			t.Errorf("flow cookie kept after the callback")
		}
	}
	// The second sign-in finds the same account.
	c2 := browser()
	ev.signIn(t, c2)
	if u2 := ev.session(t, c2); u2 == nil || u2.ID != u.ID {
		t.Fatalf("second sign-in: %+v; want account %d", u2, u.ID)
	}

	// A dossier submitted online from this session counts for QĐ 766
	// indicator 4.5; one from a password session does not.
	submit := func(c *http.Client) {
		t.Helper()
		r := multipartReq("/nop-truc-tuyen", map[string]string{"procedure_code": "2.001610", "kind": "citizen", "name": "Nguyễn Thị Định Danh",
			"id_number": "027090001234"}, map[string][]byte{"file_GDN": testfile.PDF("vneid gdn"), "file_GTPL": testfile.PDF("vneid gtpl")})
		res, err := c.Post(ev.srv.URL+r.path, r.ctype, strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("online submission: %d %.300s", res.StatusCode, b)
		}
	}
	submit(c)
	if _, err := ev.svc.RegisterCitizen(context.Background(), workflow.NewUserInput{Username: "matkhau", Password: "Hoa-sen-nở-2026",
		Name: "Trần Văn Mật Khẩu", IDNumber: "027090009999"}); err != nil {
		t.Fatal(err)
	}
	pw := browser()
	form := url.Values{"username": {"matkhau"}, "password": {"Hoa-sen-nở-2026"}, "next": {"/cong-dan"}}
	if res, err := pw.PostForm(ev.srv.URL+"/dang-nhap", form); err != nil || res.Request.URL.Path != "/cong-dan" {
		t.Fatalf("password sign-in: %v %v", res, err)
	}
	submit(pw)
	var admin *dossier.User
	for _, a := range demo.Accounts {
		if a.Role == dossier.RoleAdmin {
			admin, _ = ev.db.UserByName(context.Background(), a.Username)
		}
	}
	day := vneidNow.Format("2006-01-02")
	ind, err := ev.svc.Indicators(context.Background(), admin, workflow.ReportQuery{From: day, To: day})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range ind.Indicators {
		if i.Code == "4.5" && (i.Status != workflow.IndicatorComputed || i.Numerator != 1 || i.Denominator != 2 || i.Value != 50) {
			t.Errorf("4.5 = %+v; want 1 of 2 online dossiers from a VNeID session", i)
		}
	}
}

// A citizen who registered with a password and the same personal ID
// number gets that account; its password stops working (whoever chose it
// only declared the number).
func TestVNeIDLinksRegisteredAccount(t *testing.T) {
	ev := newVNeIDEnv(t)
	ctx := context.Background()
	const pw = "Hoa-sen-nở-2026"
	if _, err := ev.svc.RegisterCitizen(ctx, workflow.NewUserInput{Username: "dadangky", Password: pw, Name: "Lê Văn Đã Đăng Ký",
		IDNumber: "027090001234"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ev.svc.Login(ctx, "dadangky", pw); err != nil {
		t.Fatal(err)
	}
	c := browser()
	ev.signIn(t, c)
	u := ev.session(t, c)
	if u == nil || u.Username != "dadangky" || u.IdentityLevel != dossier.IdentityLevel2 {
		t.Fatalf("session user = %+v; want the registered account dadangky at level 2", u)
	}
	if _, _, err := ev.svc.Login(ctx, "dadangky", pw); dossier.ErrorCode(err) != dossier.EUNAUTHORIZED {
		t.Errorf("password sign-in after linking: %v; want refused", err)
	}
}

// Every refusal is the Vietnamese sign-in page with a message, never a
// 500, and opens no session.
func TestVNeIDRefusals(t *testing.T) {
	ev := newVNeIDEnv(t)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	const bad = "Không xác thực được thông tin đăng nhập từ VNeID"
	cases := []struct {
		name   string
		tamper func(map[string]any)
		key    *rsa.PrivateKey
		status int
		msg    string
	}{
		{"wrong nonce", func(c map[string]any) { c["nonce"] = "not-the-nonce" }, nil, 401, bad},
		{"wrong audience", func(c map[string]any) { c["aud"] = "another-client" }, nil, 401, bad},
		{"wrong issuer", func(c map[string]any) { c["iss"] = "https://evil.example" }, nil, 401, bad},
		{"expired", func(c map[string]any) {
			c["iat"], c["exp"] = vneidNow.Add(-time.Hour).Unix(), vneidNow.Add(-time.Minute).Unix()
		}, nil, 401, bad},
		{"signed by another key", nil, other, 401, bad},
		{"missing ID claim", func(c map[string]any) { delete(c, "personal_id") }, nil, 401, "không cung cấp số định danh cá nhân"},
		{"invalid ID number", func(c map[string]any) { c["personal_id"] = "12345" }, nil, 401, "không có số định danh cá nhân hợp lệ"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev.idp.Tamper, ev.idp.SignKey = tc.tamper, tc.key
			defer func() { ev.idp.Tamper, ev.idp.SignKey = nil, nil }()
			c := browser()
			res, body := ev.signIn(t, c)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.msg) {
				t.Errorf("%d %.200q; want %d with %q", res.StatusCode, body, tc.status, tc.msg)
			}
			if u := ev.session(t, c); u != nil {
				t.Errorf("session opened for %s", u.Username)
			}
		})
	}

	// The provider's redirect back, without following it.
	stop := func(c *http.Client) *http.Client {
		c.CheckRedirect = func(r *http.Request, _ []*http.Request) error {
			if strings.HasPrefix(r.URL.String(), ev.srv.URL+"/dang-nhap/vneid/callback") {
				return http.ErrUseLastResponse
			}
			return nil
		}
		return c
	}
	callback := func(c *http.Client) *url.URL {
		t.Helper()
		res, _ := ev.signIn(t, c)
		loc, err := res.Location()
		if err != nil {
			t.Fatalf("no redirect back from the provider: %d", res.StatusCode)
		}
		return loc
	}
	refused := func(name string, c *http.Client, u string, status int, msg string) {
		t.Helper()
		c.CheckRedirect = nil
		res, body := get(t, c, u)
		if res.StatusCode != status || !strings.Contains(body, msg) {
			t.Errorf("%s: %d %.200q; want %d with %q", name, res.StatusCode, body, status, msg)
		}
		if u := ev.session(t, c); u != nil {
			t.Errorf("%s: session opened for %s", name, u.Username)
		}
	}
	const badState = "Phiên đăng nhập VNeID không hợp lệ hoặc đã hết hạn"

	// Bad state: the code is fine, the state is not the browser's.
	c := stop(browser())
	cb := callback(c)
	q := cb.Query()
	q.Set("state", "forged-state")
	cb.RawQuery = q.Encode()
	refused("bad state", c, cb.String(), 400, badState)

	// No flow cookie at all (another browser brings the callback).
	refused("no cookie", browser(), callback(stop(browser())).String(), 400, badState)

	// Replayed code: used once, then brought again with a fresh flow's
	// valid state — the provider refuses the code; and the callback URL
	// itself replayed finds its flow cookie gone.
	c = stop(browser())
	first := callback(c)
	c.CheckRedirect = nil
	if res, _ := get(t, c, first.String()); res.Request.URL.Path != "/cong-dan" {
		t.Fatalf("first use of the code ended at %s", res.Request.URL)
	}
	c2 := stop(browser())
	second := callback(c2)
	q = second.Query()
	q.Set("code", first.Query().Get("code"))
	second.RawQuery = q.Encode()
	refused("replayed code", c2, second.String(), 401, bad)
	refused("replayed callback", browser(), first.String(), 400, badState)

	// The provider said no (the user cancelled).
	c = stop(browser())
	cb = callback(c)
	q = cb.Query()
	q.Del("code")
	q.Set("error", "access_denied")
	cb.RawQuery = q.Encode()
	refused("cancelled", c, cb.String(), 401, "chưa hoàn tất")
}

// The provider is down: the start page says so (503, not 500), and the
// routes answer 404 where VNeID is not configured.
func TestVNeIDProviderDownAndOff(t *testing.T) {
	now := func() time.Time { return vneidNow }
	_, svc := stacktestDemo(t, now)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	_, srv := vneidServer(t, svc, down.URL, now)
	res, body := get(t, browser(), srv.URL+"/dang-nhap/vneid")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "Không kết nối được hệ thống định danh VNeID") {
		t.Errorf("provider down: %d %.200q", res.StatusCode, body)
	}
	h, err := web.NewServer(svc, nil, web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	off := httptest.NewServer(h)
	defer off.Close()
	for _, p := range []string{"/dang-nhap/vneid", "/dang-nhap/vneid/callback?code=x&state=y"} {
		if res, _ := get(t, browser(), off.URL+p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s without OIDC: %d; want 404", p, res.StatusCode)
		}
	}
	if _, body := get(t, browser(), off.URL+"/dang-nhap"); strings.Contains(body, "VNeID") {
		t.Errorf("sign-in page offers VNeID though it is not configured")
	}
}

// BenchmarkOIDCSignIn measures one VNeID sign-in round trip against the
// local provider: motcua's redirect, the provider's authorize redirect,
// the callback (code redeemed, ID token verified, account found, session
// opened) and the landing page.
func BenchmarkOIDCSignIn(b *testing.B) {
	ev := newVNeIDEnv(b)
	for b.Loop() {
		c := browser()
		res, _ := ev.signIn(b, c)
		if res.StatusCode != 200 || res.Request.URL.Path != "/cong-dan" {
			b.Fatalf("round trip ended at %s with %d", res.Request.URL, res.StatusCode)
		}
	}
}
