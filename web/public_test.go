package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"motcua/demo"
	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/internal/demotest"
	"motcua/internal/stacktest"
	"motcua/internal/testfile"
	"motcua/pdf"
	"motcua/render"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/web"
	"motcua/workflow"
)

// frontEnv is the whole stack in process, with the demo province.
type frontEnv struct {
	db     *store.DB
	svc    *workflow.Service
	server *web.Server
	srv    *httptest.Server
	tokens map[string]string
}

func newFrontEnv(t testing.TB, e store.Engine, opts web.Options) *frontEnv {
	t.Helper()
	db, svc := stacktest.Demo(t, e, workflow.Ports{}, workflow.Config{MaxUpload: 1 << 20, Now: clocktest.Now})
	if opts.PublicRPS == 0 {
		opts.PublicRPS, opts.PublicBurst = 100000, 100000
	}
	h, err := web.NewServer(svc, slog.New(slog.DiscardHandler), opts)
	if err != nil {
		t.Fatal(err)
	}
	r, err := pdf.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	h.SetEReceiptProvider(render.NewDemoEReceipts(r), "BL")
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &frontEnv{db: db, svc: svc, server: h, srv: srv, tokens: map[string]string{}}
}

// eachFrontEnv runs f as a subtest once per engine (storetest.Each), each
// time with a fresh frontEnv with default options (newFrontEnv).
func eachFrontEnv(t *testing.T, f func(t *testing.T, ev *frontEnv)) {
	storetest.Each(t, func(t *testing.T, e store.Engine) { f(t, newFrontEnv(t, e, web.Options{})) })
}

func (ev *frontEnv) token(t testing.TB, user string) string {
	t.Helper()
	if tok, ok := ev.tokens[user]; ok {
		return tok
	}
	tok, _, err := ev.svc.Login(context.Background(), user, demo.Password)
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	ev.tokens[user] = tok
	return tok
}

// call sends a request; user "" is anonymous.
func (ev *frontEnv) call(t testing.TB, user, method, path, body string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	var hdr map[string]string
	if body != "" {
		rd, hdr = strings.NewReader(body), map[string]string{"Content-Type": "application/json"}
	}
	token := ""
	if user != "" {
		token = ev.token(t, user)
	}
	return roundTrip(t, nil, request(t, method, ev.srv.URL+path, rd, token, hdr))
}

func wantStatus(t testing.TB, what string, res *http.Response, body []byte, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s: status %d; want %d; body %s", what, res.StatusCode, want, body)
	}
}

// pdfOf is a well-formed PDF distinct per note (uploads are parsed in full).
func pdfOf(note string) []byte { return testfile.PDF(note) }

// receive creates a dossier at the counter (reception) and returns it with
// its lookup token.
func (ev *frontEnv) receive(t testing.TB) *dossier.Dossier {
	t.Helper()
	ctx := context.Background()
	u, err := ev.db.UserByName(ctx, "reception")
	if err != nil {
		t.Fatal(err)
	}
	comps := demotest.Required(t, ev.db, "2.001610", func(c string) string { return demotest.Upload(t, ev.svc, u, c) })
	d, err := ev.svc.Receive(ctx, u, workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelCounter,
		Applicant:  dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "001203001234", Phone: "0912345678"},
		Components: comps})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// markReturned is a fixture shortcut: the whole approval chain is tested
// elsewhere (issue 4); ratings only need the final status.
func (ev *frontEnv) markReturned(t testing.TB, code string) {
	t.Helper()
	if _, err := ev.db.SQL().Exec(`UPDATE dossiers SET status = 'returned' WHERE code = $1`, code); err != nil {
		t.Fatal(err)
	}
}

type ticketJSON struct {
	Number        int64     `json:"number"`
	ServiceCode   string    `json:"service_code"`
	IssuedAt      time.Time `json:"issued_at"`
	WaitingBefore int       `json:"waiting_before"`
	Status        string    `json:"status"`
	CounterCode   string    `json:"counter_code"`
	Recalls       int       `json:"recalls"`
}

func decodeJSON[T any](t testing.TB, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

// TestFrontQueueContract checks contract §8 for the queue on every engine.
func TestFrontQueueContract(t *testing.T) {
	eachFrontEnv(t, func(t *testing.T, ev *frontEnv) {
		res, body := ev.call(t, "", "GET", "/api/v1/queue/services?center=BN.TTHCC", "")
		wantStatus(t, "services", res, body, 200)
		ss := decodeJSON[[]store.QueueService](t, body)
		if len(ss) < 2 || ss[0].CenterCode != "BN.TTHCC" || ss[0].ServiceCode == "" || ss[0].Name == "" {
			t.Fatalf("services = %s; want [{center_code, service_code, name}…]", body)
		}
		svcA, svcB := ss[0].ServiceCode, ss[1].ServiceCode
		res, body = ev.call(t, "", "GET", "/api/v1/queue/services", "")
		if all := decodeJSON[[]store.QueueService](t, body); res.StatusCode != 200 || len(all) <= len(ss) {
			t.Errorf("services of every center = %d, %d services; want more than one center's", res.StatusCode, len(all))
		}
		res, body = ev.call(t, "", "GET", "/api/v1/queue/services?center=NOPE", "")
		wantStatus(t, "services of unknown center", res, body, 404)

		issue := func(svc string) ticketJSON {
			t.Helper()
			res, body := ev.call(t, "", "POST", "/api/v1/queue/tickets", `{"center_code":"BN.TTHCC","service_code":"`+svc+`"}`)
			wantStatus(t, "ticket", res, body, 201)
			return decodeJSON[ticketJSON](t, body)
		}
		t1, t2, t3, t4 := issue(svcA), issue(svcA), issue(svcB), issue(svcA)
		for i, c := range []struct {
			got       ticketJSON
			num       int64
			svc       string
			waitingBf int
		}{{t1, 1, svcA, 0}, {t2, 2, svcA, 1}, {t3, 3, svcB, 0}, {t4, 4, svcA, 2}} {
			if c.got.Number != c.num || c.got.ServiceCode != c.svc || c.got.WaitingBefore != c.waitingBf || c.got.IssuedAt.IsZero() {
				t.Errorf("ticket %d = %+v; want number %d, service %s, waiting_before %d, issued_at set", i+1, c.got, c.num, c.svc, c.waitingBf)
			}
		}
		if _, off := t1.IssuedAt.Zone(); off != 7*3600 {
			t.Errorf("issued_at offset = %d s; want +07:00", off)
		}
		for _, bad := range []struct {
			body string
			want int
		}{{`{"center_code":"BN.TTHCC"}`, 400}, {`{"center_code":"BN.TTHCC","service_code":"NOPE"}`, 422},
			{`{"center_code":"NOPE","service_code":"X"}`, 404}, {`{"center_code":1}`, 400}, {`{"x":1}`, 400}} {
			res, body := ev.call(t, "", "POST", "/api/v1/queue/tickets", bad.body)
			if res.StatusCode != bad.want || res.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("POST tickets %s = %d %s; want %d problem", bad.body, res.StatusCode, body, bad.want)
			}
		}

		res, body = ev.call(t, "", "POST", "/api/v1/queue/call-next", `{"center_code":"BN.TTHCC","counter_code":"Q01"}`)
		wantStatus(t, "call-next anonymous", res, body, 401)
		res, body = ev.call(t, "appraiser", "POST", "/api/v1/queue/call-next", `{"center_code":"BN.TTHCC","counter_code":"Q01"}`)
		wantStatus(t, "call-next by an appraiser", res, body, 403)
		// The demo reception officer has counter Q01: both fields default.
		for i, want := range []int64{1, 2, 3, 4} {
			body := `{"center_code":"BN.TTHCC","counter_code":"Q02"}`
			if i == 0 {
				body = `{"center_code":"BN.TTHCC"}`
			}
			res, b := ev.call(t, "reception", "POST", "/api/v1/queue/call-next", body)
			wantStatus(t, "call-next", res, b, 200)
			got := decodeJSON[ticketJSON](t, b)
			wantCounter := "Q02"
			if i == 0 {
				wantCounter = "Q01"
			}
			if got.Number != want || got.CounterCode != wantCounter || got.Status != "called" {
				t.Errorf("call-next #%d = %s; want number %d at %s", i+1, b, want, wantCounter)
			}
		}
		res, body = ev.call(t, "reception", "POST", "/api/v1/queue/call-next", `{"center_code":"BN.TTHCC","counter_code":"Q01"}`)
		if res.StatusCode != 204 || len(body) != 0 {
			t.Errorf("call-next with nobody waiting = %d %q; want 204 and no body", res.StatusCode, body)
		}
		res, body = ev.call(t, "reception", "POST", "/api/v1/queue/call-next", `{"center_code":"BN.TTHCC","counter_code":"Q99"}`)
		wantStatus(t, "call-next at an unknown counter", res, body, 400)

		res, body = ev.call(t, "reception", "POST", "/api/v1/queue/recall", `{"center_code":"BN.TTHCC","counter_code":"Q02"}`)
		wantStatus(t, "recall", res, body, 200)
		if got := decodeJSON[ticketJSON](t, body); got.Number != 4 || got.Recalls != 1 {
			t.Errorf("recall = %s; want number 4 recalled once", body)
		}
		res, body = ev.call(t, "reception", "POST", "/api/v1/queue/skip", `{"center_code":"BN.TTHCC","counter_code":"Q02"}`)
		wantStatus(t, "skip", res, body, 200)
		if got := decodeJSON[ticketJSON](t, body); got.Status != "skipped" {
			t.Errorf("skip = %s; want skipped", body)
		}
		res, body = ev.call(t, "reception", "POST", "/api/v1/queue/skip", `{"center_code":"BN.TTHCC","counter_code":"Q02"}`)
		wantStatus(t, "skip with no current ticket", res, body, 404)

		res, body = ev.call(t, "supervisor", "GET", "/api/v1/queue/stats?center=BN.TTHCC", "")
		wantStatus(t, "stats", res, body, 200)
		if !strings.Contains(string(body), `"avg_wait_seconds"`) {
			t.Errorf("stats = %s; want average waiting times", body)
		}
		res, body = ev.call(t, "", "GET", "/api/v1/queue/board?center=BN.TTHCC", "")
		wantStatus(t, "board", res, body, 200)
	})
}

// sseClient connects to the event stream and returns a reader positioned
// after the connection comment.
func sseClient(t testing.TB, ctx context.Context, base, center string) (*bufio.Reader, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/queue/events?center="+center, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	br := bufio.NewReader(res.Body)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		if strings.HasPrefix(line, ": connected") {
			br.ReadString('\n')
			break
		}
	}
	return br, func() { cancel(); res.Body.Close() }
}

// readEvent returns the next event's name and data.
func readEvent(br *bufio.Reader) (string, string, error) {
	var name, data string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return "", "", err
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "":
			if name != "" || data != "" {
				return name, data, nil
			}
		case strings.HasPrefix(line, "event: "):
			name = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			data += line[len("data: "):]
		}
	}
}

func TestFrontQueueEventsSSE(t *testing.T) {
	ev := newFrontEnv(t, store.SQLite, web.Options{})
	res, body := ev.call(t, "", "GET", "/api/v1/queue/events", "")
	wantStatus(t, "events without center", res, body, 400)
	res, body = ev.call(t, "", "GET", "/api/v1/queue/events?center=NOPE", "")
	wantStatus(t, "events of unknown center", res, body, 404)

	br, stop := sseClient(t, context.Background(), ev.srv.URL, "BN.TTHCC")
	defer stop()
	other, stopOther := sseClient(t, context.Background(), ev.srv.URL, "BN.TPBACNINH.TTHCC")
	defer stopOther()
	_, body = ev.call(t, "", "GET", "/api/v1/queue/services?center=BN.TTHCC", "")
	svc := decodeJSON[[]store.QueueService](t, body)[0].ServiceCode
	ev.call(t, "", "POST", "/api/v1/queue/tickets", `{"center_code":"BN.TTHCC","service_code":"`+svc+`"}`)
	res, body = ev.call(t, "reception", "POST", "/api/v1/queue/call-next", `{"center_code":"BN.TTHCC"}`)
	wantStatus(t, "call-next", res, body, 200)

	type result struct {
		name, data string
		err        error
	}
	got := make(chan result, 1)
	go func() { n, d, err := readEvent(br); got <- result{n, d, err} }()
	select {
	case r := <-got:
		if r.err != nil || r.name != "call" {
			t.Fatalf("event = %q, %v; want call", r.name, r.err)
		}
		var c struct {
			Number      int64  `json:"number"`
			CounterCode string `json:"counter_code"`
			CenterCode  string `json:"center_code"`
			ServiceCode string `json:"service_code"`
			Ticket      struct {
				Number int64 `json:"number"`
			} `json:"ticket"`
		}
		if err := json.Unmarshal([]byte(r.data), &c); err != nil {
			t.Fatal(err)
		}
		if c.Number != 1 || c.CounterCode != "Q01" || c.CenterCode != "BN.TTHCC" || c.ServiceCode != svc || c.Ticket.Number != 1 {
			t.Errorf("call event = %s; want ticket 1 at counter Q01", r.data)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no call event within 5 s")
	}
	// A recall is announced again.
	ev.call(t, "reception", "POST", "/api/v1/queue/recall", `{}`)
	if n, d, err := readEvent(br); err != nil || n != "call" || !strings.Contains(d, `"recall":true`) {
		t.Errorf("recall event = %q %s %v; want a call with recall true", n, d, err)
	}
	// Another center's display got nothing.
	done := make(chan struct{})
	go func() { readEvent(other); close(done) }()
	select {
	case <-done:
		t.Error("a display of another center received the call")
	case <-time.After(200 * time.Millisecond):
	}
}

func TestFrontRatings(t *testing.T) {
	eachFrontEnv(t, func(t *testing.T, ev *frontEnv) {
		d := ev.receive(t)
		rate := func(body string) (*http.Response, []byte) {
			return ev.call(t, "", "POST", "/api/v1/public/ratings", body)
		}
		tok := d.LookupToken
		res, body := rate(`{"token":"` + tok + `","level":"satisfied"}`)
		wantStatus(t, "rating a dossier not yet returned", res, body, 409)
		ev.markReturned(t, d.Code)
		for _, c := range []struct {
			name, body string
			want       int
			field      string
		}{
			{"unsupported level", `{"token":"` + tok + `","level":"ok"}`, 400, "level"},
			{"four-level scale", `{"token":"` + tok + `","level":"neutral"}`, 400, "level"},
			{"unsatisfied without comment", `{"token":"` + tok + `","level":"unsatisfied"}`, 400, "comment"},
			{"unsatisfied blank comment", `{"token":"` + tok + `","level":"unsatisfied","comment":"   "}`, 400, "comment"},
			{"unknown criterion", `{"token":"` + tok + `","level":"satisfied","criteria":{"speed_of_light":"satisfied"}}`, 400, "criteria.speed_of_light"},
			{"bad criterion score", `{"token":"` + tok + `","level":"satisfied","criteria":{"attitude":7}}`, 400, "criteria.attitude"},
			{"unknown token", `{"token":"AAAAAAAAAAAAAAAAAAAAAA","level":"satisfied"}`, 404, ""},
			{"short token", `{"token":"abc","level":"satisfied"}`, 404, ""},
			{"missing token", `{"level":"satisfied"}`, 400, "token"},
			{"unknown field", `{"token":"` + tok + `","level":"satisfied","stars":5}`, 400, "stars"},
		} {
			res, body := rate(c.body)
			if res.StatusCode != c.want || (c.field != "" && !strings.Contains(string(body), `"field":"`+c.field)) {
				t.Errorf("%s: %d %s; want %d naming %q", c.name, res.StatusCode, body, c.want, c.field)
			}
		}
		res, body = rate(`{"token":"` + tok + `","level":"unsatisfied","comment":"Phải đi lại hai lần","criteria":{"attitude":"satisfied","contacts":0,"time":"very_satisfied"}}`)
		wantStatus(t, "rating", res, body, 201)
		var r store.Rating
		json.Unmarshal(body, &r)
		if r.DossierCode != d.Code || r.AgencyCode != "BN.SKHDT" || r.CenterCode != "BN.TTHCC" || r.Level != "unsatisfied" ||
			len(r.Officers) != 1 || r.Officers[0] != "Nguyễn Thị Hoa" || r.ScaleVersion == "" {
			t.Errorf("rating = %s; want it attached to the dossier, agency, center and reception officer", body)
		}
		res, body = rate(`{"token":"` + tok + `","level":"very_satisfied"}`)
		wantStatus(t, "second rating", res, body, 409)

		ctx := context.Background()
		c, err := ev.db.RatingTotals(ctx, store.RatingFilter{From: clocktest.Now().Add(-time.Hour), To: clocktest.Now().Add(time.Hour), Agency: "BN.SKHDT"})
		if err != nil || c.Ratings != 1 || c.Unsatisfied != 1 || c.SatisfactionRate() != 0 {
			t.Errorf("RatingTotals = %+v, %v; want one unsatisfied", c, err)
		}
		res, body = ev.call(t, "supervisor", "GET", "/api/v1/ratings/summary", "")
		wantStatus(t, "rating summary", res, body, 200)
		if !strings.Contains(string(body), `"ratings":1`) {
			t.Errorf("summary = %s; want 1 rating", body)
		}
	})
}

func TestFrontRateLimit(t *testing.T) {
	ev := newFrontEnv(t, store.SQLite, web.Options{PublicRPS: 0.001, PublicBurst: 2})
	for _, path := range []string{"/api/v1/public/lookup?token=AAAAAAAAAAAAAAAAAAAAAA", "/tra-cuu?token=AAAAAAAAAAAAAAAAAAAAAA"} {
		var last *http.Response
		for i := 0; i < 3; i++ {
			last, _ = ev.call(t, "", "GET", path, "")
		}
		// The limiter is per address and shared: the first path used
		// the burst, so both end at 429.
		if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" {
			t.Errorf("GET %s beyond the burst = %d, Retry-After %q; want 429 with Retry-After", path, last.StatusCode, last.Header.Get("Retry-After"))
		}
	}
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/v1/queue/tickets", `{"center_code":"BN.TTHCC","service_code":"X"}`},
		{"POST", "/api/v1/public/ratings", `{"token":"AAAAAAAAAAAAAAAAAAAAAA","level":"satisfied"}`},
		{"GET", "/api/v1/queue/services", ""},
		{"GET", "/api/v1/queue/events?center=BN.TTHCC", ""},
		{"GET", "/thu-tuc", ""}, {"GET", "/kiosk", ""}, {"GET", "/man-hinh", ""}, {"GET", "/danh-gia", ""},
		{"GET", "/dang-ky", ""}, {"GET", "/dang-nhap", ""}, {"GET", "/verify/AAAAAAAAAAAAAAAAAAAAAA", ""},
	} {
		res, body := ev.call(t, "", c.method, c.path, c.body)
		if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s when limited = %d %s; want 429 with Retry-After", c.method, c.path, res.StatusCode, body)
		}
	}
}

func TestFrontLookupPageMasksApplicant(t *testing.T) {
	ev := newFrontEnv(t, store.SQLite, web.Options{})
	d := ev.receive(t)
	res, body := ev.call(t, "", "GET", "/tra-cuu?token="+url.QueryEscape(d.LookupToken), "")
	wantStatus(t, "lookup page", res, body, 200)
	page := string(body)
	for _, want := range []string{`lang="vi"`, d.Code, "N***** T** Á** Tuyết", "Đã tiếp nhận", "Hẹn trả kết quả"} {
		if !strings.Contains(page, want) {
			t.Errorf("lookup page lacks %q", want)
		}
	}
	for _, leak := range []string{"Nguyễn Thị Ánh Tuyết", "001203001234", "0912345678", "Nguyễn Thị Hoa"} {
		if strings.Contains(page, leak) {
			t.Errorf("lookup page shows personal data %q", leak)
		}
	}
	res, body = ev.call(t, "", "GET", "/tra-cuu?token=AAAAAAAAAAAAAAAAAAAAAA", "")
	if res.StatusCode != 404 || !strings.Contains(string(body), "Không tìm thấy hồ sơ") {
		t.Errorf("lookup of an unknown token = %d; want 404 page", res.StatusCode)
	}
	res, body = ev.call(t, "", "GET", "/tra-cuu", "")
	wantStatus(t, "lookup form", res, body, 200)
}

func TestFrontPublicPages(t *testing.T) {
	ev := newFrontEnv(t, store.SQLite, web.Options{})
	for _, c := range []struct {
		path   string
		status int
		want   []string
	}{
		{"/thu-tuc", 200, []string{`lang="vi"`, "5 tại chỗ", "Trung tâm Hành chính công tỉnh Bắc Ninh", "Danh mục thủ tục thực hiện theo cơ chế"}},
		{"/thu-tuc?q=dang+ky+thanh+lap+doanh+nghiep+tu+nhan", 200, []string{"Đăng ký thành lập doanh nghiệp tư nhân", "50.000 đồng", "3 ngày làm việc", "Trực tuyến toàn trình", "Giấy đề nghị đăng ký doanh nghiệp"}},
		{"/thu-tuc?q=KHAI+SINH", 200, []string{"khai sinh"}},
		{"/thu-tuc?five=1&center=BN.TTHCC", 200, []string{"5 tại chỗ"}},
		{"/thu-tuc/2.001610", 200, []string{"Đăng ký thành lập doanh nghiệp tư nhân", "Nơi tiếp nhận", "/nop-truc-tuyen?thu-tuc=2.001610"}},
		{"/thu-tuc/NOPE", 404, nil},
		{"/kiosk", 200, []string{"Chọn trung tâm"}},
		{"/kiosk?center=BN.TTHCC", 200, []string{"Chạm vào dịch vụ", `name="service_code"`}},
		{"/man-hinh?center=BN.TTHCC", 200, []string{`data-center="BN.TTHCC"`, "/static/front.js"}},
		{"/man-hinh?center=NOPE", 404, nil},
		{"/danh-gia", 200, []string{"very_satisfied", "Thái độ"}},
		{"/verify/AAAAAAAAAAAAAAAAAAAAAA", 404, nil},
		{"/dang-ky", 200, []string{"id_number"}},
		{"/dang-nhap", 200, []string{"password"}},
	} {
		res, body := ev.call(t, "", "GET", c.path, "")
		if res.StatusCode != c.status {
			t.Errorf("GET %s = %d; want %d", c.path, res.StatusCode, c.status)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("GET %s lacks %q", c.path, w)
			}
		}
	}
	// The kiosk page issues a ticket.
	res, body := ev.call(t, "", "GET", "/api/v1/queue/services?center=BN.TTHCC", "")
	if res.StatusCode >= 400 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	svc := decodeJSON[[]store.QueueService](t, body)[0]
	req, _ := http.NewRequest("POST", ev.srv.URL+"/kiosk", strings.NewReader(url.Values{"center_code": {"BN.TTHCC"}, "service_code": {svc.ServiceCode}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 201 || !strings.Contains(string(b), `class="tnum">1<`) {
		t.Errorf("kiosk ticket page = %d; want 201 with number 1", res.StatusCode)
	}
	// Cross-site form posts are refused.
	req, _ = http.NewRequest("POST", ev.srv.URL+"/kiosk", strings.NewReader("center_code=BN.TTHCC"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, _ = http.DefaultClient.Do(req)
	if res.StatusCode != 403 {
		t.Errorf("cross-site kiosk post = %d; want 403", res.StatusCode)
	}
	res.Body.Close()
}

// browserClient keeps cookies and does not follow redirects.
func browserClient(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func register(t testing.TB, ev *frontEnv, user, id string) *http.Client {
	t.Helper()
	c := browserClient(t)
	const pw = "Hoa-sen-nở-2026"
	res, body := postForm(t, c, ev.srv.URL+"/dang-ky", url.Values{"username": {user}, "password": {pw}, "password2": {pw},
		"name": {"Trần Văn Bình"}, "id_number": {id}, "phone": {"0987654321"}, "email": {user + "@example.vn"}})
	// Registration answers the same whether or not the name was free, and
	// signing in is the next step.
	if res.StatusCode != 200 || !strings.Contains(body, "Đã ghi nhận đăng ký") {
		t.Fatalf("register %s = %d %s", user, res.StatusCode, body)
	}
	res, body = postForm(t, c, ev.srv.URL+"/dang-nhap", url.Values{"username": {user}, "password": {pw}, "next": {"/cong-dan"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/cong-dan" {
		t.Fatalf("sign in %s = %d %s", user, res.StatusCode, body)
	}
	return c
}

func TestFrontCitizenOnline(t *testing.T) {
	ev := newFrontEnv(t, store.SQLite, web.Options{})
	c := register(t, ev, "binh", "001090012345")
	res, body := get(t, c, ev.srv.URL+"/nop-truc-tuyen?thu-tuc=2.001610")
	if res.StatusCode != 200 || !strings.Contains(body, `name="file_GDN"`) || !strings.Contains(body, "001090012345") {
		t.Fatalf("submit form = %d", res.StatusCode)
	}
	if res, b := submitOnline(t, ev, c, "001090012345", pdfOf); res.StatusCode != 201 || !strings.Contains(b, "Đã nộp hồ sơ trực tuyến") {
		t.Fatalf("online submission = %d %s", res.StatusCode, b)
	}
	rows, _, err := ev.db.Dossiers(context.Background(), store.DossierFilter{Scope: store.Scope{All: true}, Status: []dossier.Status{dossier.StatusSubmitted}})
	if err != nil || len(rows) != 1 || rows[0].Channel != "online" {
		t.Fatalf("submitted dossiers = %+v, %v; want one online", rows, err)
	}
	code := rows[0].Code
	res, body = get(t, c, ev.srv.URL+"/cong-dan")
	if res.StatusCode != 200 || !strings.Contains(body, code) || !strings.Contains(body, "Chờ tiếp nhận") {
		t.Errorf("my dossiers = %d; want %s listed as submitted", res.StatusCode, code)
	}
	res, body = get(t, c, ev.srv.URL+"/cong-dan/ho-so/"+code)
	if res.StatusCode != 200 || !strings.Contains(body, "50.000 đồng") {
		t.Errorf("my dossier = %d; want fee shown", res.StatusCode)
	}
	// Another citizen does not see it.
	other := register(t, ev, "an.nguyen", "001090054321")
	if res, _ := get(t, other, ev.srv.URL+"/cong-dan/ho-so/"+code); res.StatusCode != 404 {
		t.Errorf("another citizen's view of %s = %d; want 404", code, res.StatusCode)
	}
	if res, body := get(t, other, ev.srv.URL+"/cong-dan"); strings.Contains(body, code) {
		t.Errorf("another citizen's list shows %s (%d)", code, res.StatusCode)
	}
	// Anonymous visitors go to the sign-in page.
	if res, _ := get(t, browserClient(t), ev.srv.URL+"/nop-truc-tuyen"); res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/dang-nhap?next=") {
		t.Errorf("anonymous /nop-truc-tuyen = %d %s; want redirect to /dang-nhap", res.StatusCode, res.Header.Get("Location"))
	}
	// Without a payment gateway there is no online payment (the flow
	// through a gateway: payment_test.go).
	if strings.Contains(body, "/nop-phi") || !strings.Contains(body, "Chưa có thanh toán trực tuyến") {
		t.Errorf("dossier page without a gateway offers online payment")
	}
	if res, body := postForm(t, c, ev.srv.URL+"/cong-dan/ho-so/"+code+"/nop-phi", nil); res.StatusCode != 422 || !strings.Contains(body, "chưa kết nối cổng thanh toán") {
		t.Errorf("online payment without a gateway = %d; want 422", res.StatusCode)
	}
	// Reception asks for a supplement; the citizen supplements online.
	ctx := context.Background()
	rec, _ := ev.db.UserByName(ctx, "reception")
	cur, err := ev.svc.Dossier(ctx, rec, code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ev.svc.Act(ctx, rec, code, dossier.ActRequestSupplement, workflow.ActionInput{Version: cur.Version, Note: "Bổ sung bản sao giấy tờ pháp lý"}); err != nil {
		t.Fatal(err)
	}
	res, body = get(t, c, ev.srv.URL+"/cong-dan/ho-so/"+code)
	if res.StatusCode >= 400 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	if !strings.Contains(body, "Nộp bổ sung") || !strings.Contains(body, "Bổ sung bản sao giấy tờ pháp lý") {
		t.Errorf("dossier page lacks the supplement form and request")
	}
	cur, _ = ev.svc.Dossier(ctx, rec, code)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("version", strconv.FormatInt(cur.Version, 10))
	mw.WriteField("note", "Đã bổ sung")
	fw, _ := mw.CreateFormFile("file_GDN", "bs.pdf")
	fw.Write(pdfOf("supplement"))
	mw.Close()
	res, err = c.Post(ev.srv.URL+"/cong-dan/ho-so/"+code+"/bo-sung", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Fatalf("supplement = %d", res.StatusCode)
	}
	if cur, _ = ev.svc.Dossier(ctx, rec, code); cur.Status == dossier.StatusSupplementRequested {
		t.Errorf("status after the online supplement = %s", cur.Status)
	}
	// Sign in again through /dang-nhap.
	c2 := browserClient(t)
	res, _ = postForm(t, c2, ev.srv.URL+"/dang-nhap", url.Values{"username": {"binh"}, "password": {"Hoa-sen-nở-2026"}, "next": {"/cong-dan"}})
	if res.StatusCode != 303 || res.Header.Get("Location") != "/cong-dan" {
		t.Errorf("sign-in = %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = postForm(t, c2, ev.srv.URL+"/dang-nhap", url.Values{"username": {"binh"}, "password": {"wrong-password"}})
	if res.StatusCode != 401 {
		t.Errorf("sign-in with a wrong password = %d; want 401", res.StatusCode)
	}
}

func TestFrontPayments(t *testing.T) {
	ev := newFrontEnv(t, store.SQLite, web.Options{})
	d := ev.receive(t)
	path := "/api/v1/dossiers/" + d.Code + "/payments"
	res, body := ev.call(t, "appraiser", "POST", path, `{"method":"cash"}`)
	wantStatus(t, "payment by an appraiser", res, body, 403)
	res, body = ev.call(t, "reception", "POST", path, `{"method":"bitcoin"}`)
	wantStatus(t, "payment by bitcoin", res, body, 400)
	res, body = ev.call(t, "reception", "POST", path, `{"amount":1}`)
	wantStatus(t, "payment of a wrong amount", res, body, 422)
	res, body = ev.call(t, "reception", "POST", path, `{"method":"cash"}`)
	wantStatus(t, "payment", res, body, 201)
	p := decodeJSON[store.Payment](t, body)
	year := clocktest.Now().In(time.FixedZone("ICT", 7*3600)).Year() % 100
	if p.Amount != 50000 || p.ReceiptNumber != "0000001" || p.ReceiptSeries != fmt.Sprintf("BL%02dE", year) || p.Provider != "demo" || p.LookupCode == "" {
		t.Errorf("payment = %s; want 50000 with receipt BL%02dE 0000001", body, year)
	}
	res, body = ev.call(t, "reception", "POST", path, `{"method":"cash"}`)
	wantStatus(t, "second payment", res, body, 409)
	d2 := ev.receive(t)
	res, body = ev.call(t, "reception", "POST", "/api/v1/dossiers/"+d2.Code+"/payments", ``)
	wantStatus(t, "payment of another dossier", res, body, 201)
	if p2 := decodeJSON[store.Payment](t, body); p2.ReceiptNumber != "0000002" {
		t.Errorf("next receipt number = %s; want 0000002", p2.ReceiptNumber)
	}
	res, body = ev.call(t, "reception", "GET", path, "")
	wantStatus(t, "payments", res, body, 200)
	if !strings.Contains(string(body), `"receipt_number":"0000001"`) {
		t.Errorf("payments = %s", body)
	}
	res, body = ev.call(t, "reception", "GET", "/api/v1/payments/"+strconv.FormatInt(p.ID, 10)+"/receipt.pdf", "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Errorf("receipt.pdf = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	res, body = ev.call(t, "", "GET", "/api/v1/payments/"+strconv.FormatInt(p.ID, 10)+"/receipt.pdf", "")
	wantStatus(t, "anonymous receipt", res, body, 401)
	res, body = ev.call(t, "reception", "GET", "/api/v1/payments/999/receipt.pdf", "")
	wantStatus(t, "unknown receipt", res, body, 404)
}

func TestAmountInWords(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{50000, "Năm mươi nghìn đồng"},
		{1500000, "Một triệu năm trăm nghìn đồng"},
		{105000, "Một trăm linh năm nghìn đồng"},
		{21000, "Hai mươi mốt nghìn đồng"},
		{1015000, "Một triệu không trăm mười lăm nghìn đồng"},
		{0, "Không đồng"},
	} {
		if got := workflow.AmountInWords(c.n); got != c.want {
			t.Errorf("AmountInWords(%d) = %q; want %q", c.n, got, c.want)
		}
	}
}

// TestFrontQueueRelayAcrossInstances: a call made on one instance reaches
// the displays of another through the outbox relay, once.
func TestFrontQueueRelayAcrossInstances(t *testing.T) {
	ev := newFrontEnv(t, store.SQLite, web.Options{})
	other, err := web.NewServer(ev.svc, slog.New(slog.DiscardHandler), web.Options{PublicRPS: 1000, PublicBurst: 1000})
	if err != nil {
		t.Fatal(err)
	}
	srv2 := httptest.NewServer(other)
	defer srv2.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go other.RelayQueueEvents(ctx, 20*time.Millisecond)
	go ev.server.RelayQueueEvents(ctx, 20*time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	br2, stop2 := sseClient(t, ctx, srv2.URL, "BN.TTHCC")
	defer stop2()
	br1, stop1 := sseClient(t, ctx, ev.srv.URL, "BN.TTHCC")
	defer stop1()
	_, body := ev.call(t, "", "GET", "/api/v1/queue/services?center=BN.TTHCC", "")
	svc := decodeJSON[[]store.QueueService](t, body)[0].ServiceCode
	ev.call(t, "", "POST", "/api/v1/queue/tickets", `{"center_code":"BN.TTHCC","service_code":"`+svc+`"}`)
	ev.call(t, "", "POST", "/api/v1/queue/tickets", `{"center_code":"BN.TTHCC","service_code":"`+svc+`"}`)
	for want := 1; want <= 2; want++ {
		res, b := ev.call(t, "reception", "POST", "/api/v1/queue/call-next", `{}`)
		wantStatus(t, "call-next", res, b, 200)
		for i, br := range []*bufio.Reader{br1, br2} {
			ch := make(chan string, 1)
			go func() { _, d, _ := readEvent(br); ch <- d }()
			select {
			case d := <-ch:
				if !strings.Contains(d, `"number":`+strconv.Itoa(want)+`,`) {
					t.Errorf("instance %d display got %s; want number %d (each call once)", i+1, d, want)
				}
			case <-time.After(3 * time.Second):
				t.Fatalf("instance %d display got no event for call %d", i+1, want)
			}
		}
	}
}

func TestFrontCloseStreamsAndCaller(t *testing.T) {
	ev := newFrontEnv(t, store.SQLite, web.Options{})
	res, body := ev.call(t, "reception", "GET", "/goi-so", "")
	if res.StatusCode != 200 || !strings.Contains(string(body), "Gọi số tiếp theo") || !strings.Contains(string(body), `value="Q01"`) {
		t.Errorf("caller page for reception = %d", res.StatusCode)
	}
	res, _ = ev.call(t, "appraiser", "GET", "/goi-so", "")
	if res.StatusCode != 403 {
		t.Errorf("caller page for an appraiser = %d; want 403", res.StatusCode)
	}
	br, stop := sseClient(t, context.Background(), ev.srv.URL, "BN.TTHCC")
	defer stop()
	ev.server.CloseStreams()
	done := make(chan error, 1)
	go func() { _, _, err := readEvent(br); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("stream still open after CloseStreams")
		}
	case <-time.After(3 * time.Second):
		t.Error("stream not closed by CloseStreams")
	}
}

// TestPublicLeaderSchedule: the leaders' on-site schedule is public, as a
// page and as JSON, and shows name, position, center and times only.
func TestPublicLeaderSchedule(t *testing.T) {
	eachFrontEnv(t, func(t *testing.T, ev *frontEnv) {
		res, body := ev.call(t, "", "GET", "/api/v1/public/leader-schedule?center=BN.TTHCC", "")
		wantStatus(t, "schedule JSON", res, body, http.StatusOK)
		var out struct {
			Items []map[string]any `json:"items"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
		// The demo approver is on site every working day of the next two
		// weeks: at least 8 shifts whatever the weekday today.
		if len(out.Items) < 8 {
			t.Fatalf("schedule has %d shifts; want ≥ 8: %s", len(out.Items), body)
		}
		for _, it := range out.Items {
			if it["name"] != "Lê Thị Thu Hà" || it["position"] != "Phó Giám đốc" || it["center_code"] != "BN.TTHCC" || len(it) != 6 {
				t.Errorf("shift = %v; want the demo approver's name, position, center and times only", it)
			}
		}
		for _, secret := range []string{"approver", "user_id", "username", "phone", "email", `"id"`} {
			if strings.Contains(string(body), secret) {
				t.Errorf("public schedule shows %q: %s", secret, body)
			}
		}
		res, body = ev.call(t, "", "GET", "/api/v1/public/leader-schedule?center=BN.TPTUSON.TTHCC", "")
		wantStatus(t, "schedule of a center without shifts", res, body, http.StatusOK)
		if !strings.Contains(string(body), `"items":[]`) {
			t.Errorf("center without shifts = %s; want an empty list", body)
		}
		res, body = ev.call(t, "", "GET", "/api/v1/public/leader-schedule?center=%3Cscript%3E", "")
		wantStatus(t, "bad center code", res, body, http.StatusBadRequest)

		res, body = ev.call(t, "", "GET", "/lich-truc", "")
		wantStatus(t, "schedule page", res, body, http.StatusOK)
		page := string(body)
		for _, want := range []string{`lang="vi"`, "Lịch trực của lãnh đạo", "Lê Thị Thu Hà", "Phó Giám đốc", "07:30–17:00"} {
			if !strings.Contains(page, want) {
				t.Errorf("schedule page lacks %q", want)
			}
		}
		_ = dossier.RoleApprover
	})
}
