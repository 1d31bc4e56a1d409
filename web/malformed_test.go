package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/internal/clocktest"
	"motcua/internal/testfile"
	"motcua/store"
	"motcua/web"
	"motcua/workflow"
)

// campaignRoute is one route of routes.go: its method and pattern.
type campaignRoute struct {
	method, pattern string
}

var (
	routeRE  = regexp.MustCompile(`m\.Handle(?:Func)?\("([A-Z]+) ([^"]+)"`)
	reportRE = regexp.MustCompile(`report\("([a-z-]+)"`)
)

// campaignRoutes reads every route from routes.go, so a route added there
// is attacked without touching this test.
func campaignRoutes(t testing.TB) []campaignRoute {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []campaignRoute
	for _, m := range routeRE.FindAllStringSubmatch(string(src), -1) {
		out = append(out, campaignRoute{m[1], m[2]})
	}
	for _, m := range reportRE.FindAllStringSubmatch(string(src), -1) {
		for _, suf := range []string{"", ".json", ".xlsx"} {
			out = append(out, campaignRoute{"GET", "/api/v1/reports/" + m[1] + suf})
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d routes found in routes.go; the pattern no longer matches it", len(out))
	}
	return out
}

// errorCounter counts the records the server logs at level ERROR (every
// 500 is logged, including those whose client has gone away).
type errorCounter struct {
	n    atomic.Int64
	mu   sync.Mutex
	msgs []string
}

func (c *errorCounter) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }
func (c *errorCounter) Handle(_ context.Context, r slog.Record) error {
	c.n.Add(1)
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool { fmt.Fprintf(&b, " %s=%v", a.Key, a.Value); return true })
	c.mu.Lock()
	if len(c.msgs) < 20 {
		c.msgs = append(c.msgs, b.String())
	}
	c.mu.Unlock()
	return nil
}
func (c *errorCounter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *errorCounter) WithGroup(string) slog.Handler      { return c }

// TestMalformedRequestCampaign sends generated malformed requests to every
// route — junk path values, query strings, headers, bodies (truncated
// JSON, wrong types, deep nesting, truncated and malformed multipart,
// disguised files), as every role and anonymously, and some cut off
// mid-body on the wire — and counts the 500s, from the answers and from
// the server's own error log. Bad input is never a 500 (contract §2;
// issue 16, item 7). 24,000 requests (2,500 under -race, 2,400 with
// -short), in parallel.
func TestMalformedRequestCampaign(t *testing.T) {
	n := 24000
	switch {
	case testing.Short():
		n = 2400
	case raceEnabled:
		n = 2500
	}
	errs := &errorCounter{}
	_, srv := demoAPI(t, store.SQLite, workflow.Ports{}, slog.New(errs), web.Options{PublicRPS: 1e6, PublicBurst: 1e6})
	ev := &apiEnv{srv: srv, tokens: map[string]string{}}
	tokens := []string{""}
	for _, u := range []string{"reception", "appraiser", "approver", "clerk", "supervisor", "admin"} {
		tokens = append(tokens, ev.token(t, u))
	}
	res, body := ev.do(t, "", "POST", "/api/v1/public/register",
		`{"username":"congdan1","password":"mật-khẩu-công-dân-dài-đủ","name":"Trần Thị Bình","id_number":"001090001234","phone":"0912345678"}`, nil)
	if res.StatusCode == 201 || res.StatusCode == 200 {
		tokens = append(tokens, ev.token2(t, "congdan1", "mật-khẩu-công-dân-dài-đủ"))
	} else {
		t.Logf("citizen registration: %d %s (campaign runs without a citizen)", res.StatusCode, body)
	}
	// One real dossier and blob, so that some generated paths reach deep.
	blobID := ev.uploadPDF(t, "reception")
	_, body = ev.do(t, tokens[1], "POST", "/api/v1/dossiers", receiveBody(blobID), nil)
	var d struct{ Code string }
	json.Unmarshal(body, &d)

	routes := campaignRoutes(t)
	g := &garbage{routes: routes, tokens: tokens, real: []string{d.Code, blobID, "1", "2", "2026", "2026-12-01"}}
	client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	hostport := strings.TrimPrefix(ev.srv.URL, "http://")

	var sent, fivexx, noAnswer atomic.Int64
	var mu sync.Mutex
	var bad []string
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(4, 2*runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				rng := rand.New(rand.NewPCG(uint64(i), 0x6d6f74637561))
				req := g.request(rng, ev.srv.URL)
				sent.Add(1)
				var status int
				if rng.IntN(20) == 0 {
					status = sendCut(rng, hostport, req)
				} else {
					status = send(client, req)
				}
				switch {
				case status == 0:
					noAnswer.Add(1)
				case status >= 500:
					fivexx.Add(1)
					mu.Lock()
					if len(bad) < 20 {
						u := req.url
						if len(u) > 300 {
							u = u[:300] + "…"
						}
						bad = append(bad, fmt.Sprintf("%d %s %s (%s)", status, req.method, u, req.desc))
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for i, tok := range tokens[1:] {
		if res, _ := ev.do(t, tok, "GET", "/api/v1/me", "", nil); res.StatusCode != 200 {
			t.Errorf("account %d was signed out during the campaign (%d): the rest of it ran anonymous", i+1, res.StatusCode)
		}
	}
	t.Logf("malformed requests sent: %d over %d routes; 5xx answers: %d; server errors logged: %d; no answer (cut off or timed out): %d",
		sent.Load(), len(routes), fivexx.Load(), errs.n.Load(), noAnswer.Load())
	if fivexx.Load() > 0 || errs.n.Load() > 0 {
		t.Errorf("%d requests answered 5xx, %d server errors logged; first ones:\n%s\nlog:\n%s",
			fivexx.Load(), errs.n.Load(), strings.Join(bad, "\n"), strings.Join(errs.msgs, "\n"))
	}
}

// campaignRequest is one generated request.
type campaignRequest struct {
	method, url, desc string
	header            http.Header
	body              []byte
}

func send(c *http.Client, cr *campaignRequest) int {
	req, err := http.NewRequest(cr.method, cr.url, bytes.NewReader(cr.body))
	if err != nil {
		return -1 // the client refuses it; not a server answer
	}
	req.Header = cr.header
	res, err := c.Do(req)
	if err != nil {
		return 0
	}
	// Streams (server-sent events) are not read to their end.
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		io.Copy(io.Discard, io.LimitReader(res.Body, 8<<20))
	}
	res.Body.Close()
	return res.StatusCode
}

// sendCut writes the request on a raw connection but stops partway
// through its body (a client that disconnects mid-upload) and reports the
// status of whatever answer comes back (0 for none).
func sendCut(rng *rand.Rand, hostport string, cr *campaignRequest) int {
	body := cr.body
	if len(body) == 0 {
		body = []byte(`{"x":1}`)
	}
	req, err := http.NewRequest(cr.method, cr.url, bytes.NewReader(body))
	if err != nil {
		return -1
	}
	req.Header = cr.header
	req.ContentLength = int64(len(body))
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		return -1
	}
	raw := buf.Bytes()
	head := bytes.Index(raw, []byte("\r\n\r\n")) + 4
	cut := head + rng.IntN(len(raw)-head)
	conn, err := net.DialTimeout("tcp", hostport, 5*time.Second)
	if err != nil {
		return 0
	}
	defer conn.Close()
	conn.SetDeadline(clocktest.Now().Add(10 * time.Second))
	conn.Write(raw[:cut])
	conn.(*net.TCPConn).CloseWrite()
	res, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// garbage generates malformed requests.
type garbage struct {
	routes []campaignRoute
	tokens []string // "" is anonymous
	real   []string // real values: a dossier code, a blob id…
}

var paramRE = regexp.MustCompile(`\{[^}]+\}`)

func pick[T any](rng *rand.Rand, xs ...T) T { return xs[rng.IntN(len(xs))] }

func (g *garbage) value(rng *rand.Rand) string {
	switch rng.IntN(14) {
	case 0:
		return pick(rng, g.real...)
	case 1:
		return ""
	case 2:
		return strings.Repeat("A", 1+rng.IntN(9000))
	case 3:
		return "%ff%fe"
	case 4:
		return "%00"
	case 5:
		return "..%2f..%2fetc%2fpasswd"
	case 6:
		return url.PathEscape(pick(rng, "Hồ sơ", "' OR 1=1--", "<script>alert(1)</script>", "${jndi:x}", "\u202e\ufeff", "NaN", "1e999"))
	case 7:
		return strconv.FormatInt(rng.Int64()-rng.Int64(), 10)
	case 8:
		return "99999999999999999999999999"
	case 9:
		return pick(rng, "2026-02-30", "0000-00-00", "2026-13-01", "-1", "0", "2147483648")
	case 10:
		var b strings.Builder
		for range 1 + rng.IntN(40) {
			fmt.Fprintf(&b, "%%%02x", rng.IntN(256))
		}
		return b.String()
	case 11:
		return pick(rng, "000.00.02.H06-261127-0001", "2.001610", "BN.SXD", "BN.TTHCC", "1.009972", strings.Repeat("0", 64))
	case 12:
		return pick(rng, "issue", "approve", "assign", "return", "reject", "withdraw", "request-supplement", "x", "khoa", "thu-hoi")
	default:
		return url.PathEscape(string(randomBytes(rng, 1+rng.IntN(30))))
	}
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	return b
}

var jsonTemplates = []string{
	`{"procedure_code":"2.001610","channel":"counter","applicant":{"kind":"citizen","name":"Nguyễn Văn An","id_number":"001090001234","phone":"0912345678"},"components":[{"code":"GDN","blob_id":"%s"}]}`,
	`{"version":1,"note":"ok","reason":"thiếu","new_due_at":"2026-12-30T10:00:00+07:00","seal":"electronic"}`,
	`{"username":"x","password":"y","name":"z","roles":["reception"],"agency_code":"BN.SXD","centers":["BN.TTHCC"]}`,
	`{"date":"2026-12-01","kind":"holiday","name":"Nghỉ","center_code":""}`,
	`{"delegator":"approver","delegate":"clerk","scope":"sign","from":"2026-12-01","to":"2026-12-31"}`,
	`{"service":"A","counter":"Q1","center":"BN.TTHCC","score":5,"comment":"tốt","lookup_token":"abc"}`,
	`{"amount":150000,"method":"cash","payer":"A"}`,
	`{"procedure_code":"2.001610","applicant":{"name":"A","id_number":"001090001234"},"missing":["GDN"],"note":"n"}`,
	`{"code":"BN.TTHCC","name":"Trung tâm","working_hours":"07:30-11:30,13:30-17:00"}`,
	`[{"code":"A","name":"Nhận hồ sơ"}]`,
}

// mutateJSON damages a JSON document: truncation, wrong types, huge
// numbers, deep nesting, duplicate keys, invalid UTF-8.
func (g *garbage) mutateJSON(rng *rand.Rand) []byte {
	s := pick(rng, jsonTemplates...)
	if strings.Contains(s, "%s") {
		s = fmt.Sprintf(s, pick(rng, g.real...))
	}
	switch rng.IntN(9) {
	case 0:
		return []byte(s[:rng.IntN(len(s))])
	case 1:
		var m any
		json.Unmarshal([]byte(s), &m)
		if obj, ok := m.(map[string]any); ok {
			for k := range obj {
				obj[k] = pick[any](rng, nil, []any{1, "x"}, map[string]any{"a": 1}, 1e308, -1, "", true, strings.Repeat("x", 100000))
			}
		}
		b, _ := json.Marshal(m)
		return b
	case 2:
		d := 1 + rng.IntN(20000)
		return []byte(strings.Repeat("[", d) + strings.Repeat("]", d))
	case 3:
		return []byte(strings.Replace(s, "1", "1"+strings.Repeat("9", 400), -1))
	case 4:
		return []byte(s[:len(s)-1] + `,"version":"x","version":{}}`)
	case 5:
		b := []byte(s)
		for range 1 + rng.IntN(5) {
			b[rng.IntN(len(b))] = byte(rng.IntN(256))
		}
		return b
	case 6:
		return []byte(`null`)
	case 7:
		return []byte(s + s)
	default:
		return []byte(s)
	}
}

func (g *garbage) form(rng *rand.Rand) []byte {
	keys := []string{"username", "password", "version", "note", "reason", "procedure_code", "applicant_name", "id_number", "phone",
		"service", "score", "date", "kind", "name", "roles", "agency", "amount", "code", "component", "csrf", "center", "counter", "seal"}
	v := url.Values{}
	for range rng.IntN(12) {
		v.Add(pick(rng, keys...), g.value(rng))
	}
	s := v.Encode()
	if rng.IntN(4) == 0 {
		s += pick(rng, "&%zz=1", "&a=%", "&&&=", ";x=1", "&"+strings.Repeat("k=v&", 5000))
	}
	return []byte(s)
}

// multipart returns a multipart body and its content type, often damaged:
// cut short, without a closing boundary, with broken part headers, or
// with a file that only starts like a PDF or an image.
func (g *garbage) multipart(rng *rand.Rand) ([]byte, string) {
	boundary := pick(rng, "X", "----motcua"+strconv.Itoa(rng.IntN(1e6)), strings.Repeat("b", 70))
	var b bytes.Buffer
	if rng.IntN(2) == 0 {
		// A browser's upload of a real file, cut off or left unterminated.
		file := pick(rng, testfile.PDF("x"), testfile.PNG(1), testfile.JPEG(2))
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=%q; filename=\"a.pdf\"\r\n\r\n", boundary, pick(rng, "file", "component_GDN", "files"))
		start := b.Len()
		b.Write(file)
		if rng.IntN(3) == 0 {
			fmt.Fprintf(&b, "\r\n--%s--\r\n", boundary)
		}
		return b.Bytes()[:start+rng.IntN(b.Len()-start+1)], "multipart/form-data; boundary=" + boundary
	}
	file := pick(rng, []byte("%PDF-1.4\n1 0 obj<<>>endobj\n"), []byte("\xff\xd8\xff\xe0garbage"), []byte("\x89PNG\r\n\x1a\nIHDR"),
		append([]byte("%PDF-1.7\n"), randomBytes(rng, 200)...), []byte("MZ\x90\x00"), randomBytes(rng, 1+rng.IntN(3000)))
	for i := range 1 + rng.IntN(3) {
		fmt.Fprintf(&b, "--%s\r\n", boundary)
		k := rng.IntN(4)
		if i == 0 && rng.IntN(2) == 0 {
			k = 0 // the file first, as browsers send it
		}
		switch k {
		case 0:
			fmt.Fprintf(&b, "Content-Disposition: form-data; name=%q; filename=%q\r\nContent-Type: application/pdf\r\n\r\n", pick(rng, "file", "files", "component_GDN", "key", "p12"), pick(rng, "a.pdf", "../../x", "", "\x00.pdf"))
			b.Write(file)
		case 1:
			fmt.Fprintf(&b, "Content-Disposition: form-data; name=%q\r\n\r\n%s", pick(rng, "version", "note", "username", "password", "procedure_code"), g.value(rng))
		case 2:
			b.WriteString("Content-Disposition: garbage\r\n" + strings.Repeat("X-Long: "+strings.Repeat("h", 1000)+"\r\n", rng.IntN(30)) + "\r\n")
			b.Write(randomBytes(rng, rng.IntN(100)))
		default:
			b.WriteString("no headers at all")
		}
		b.WriteString("\r\n")
	}
	if rng.IntN(2) == 0 {
		fmt.Fprintf(&b, "--%s--\r\n", boundary)
	}
	out := b.Bytes()
	if rng.IntN(3) == 0 {
		out = out[:rng.IntN(len(out)+1)] // truncated upload
	}
	ct := "multipart/form-data; boundary=" + boundary
	if rng.IntN(8) == 0 {
		ct = pick(rng, "multipart/form-data", "multipart/form-data; boundary=", "multipart/mixed; boundary=\"unterminated")
	}
	return out, ct
}

func (g *garbage) request(rng *rand.Rand, base string) *campaignRequest {
	r := pick(rng, g.routes...)
	for rng.IntN(2) == 0 && r.method == "GET" {
		r = pick(rng, g.routes...) // routes that take a body, more often
	}
	method := r.method
	if rng.IntN(8) == 0 {
		method = pick(rng, "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
	}
	// Signing out or disabling the campaign's own accounts would leave
	// the rest of it anonymous and shallow: those routes get other ids
	// and no valid token.
	selfHarm := strings.Contains(r.pattern, "session") || strings.Contains(r.pattern, "logout") ||
		strings.Contains(r.pattern, "dang-xuat") || strings.Contains(r.pattern, "disable") || strings.Contains(r.pattern, "/khoa")
	path := paramRE.ReplaceAllStringFunc(r.pattern, func(p string) string {
		if p == "{$}" {
			return ""
		}
		v := g.value(rng)
		for selfHarm && slices.Contains(g.real, v) {
			v = g.value(rng)
		}
		return v
	})
	if strings.HasSuffix(path, "/") && rng.IntN(2) == 0 {
		path += g.value(rng) // under a prefix route such as /static/
	}
	if rng.IntN(10) == 0 {
		path += pick(rng, "/", "//", "/x", "%2f..", "/.", "%")
	}
	if rng.IntN(2) == 0 {
		keys := []string{"limit", "cursor", "from", "to", "year", "agency", "center", "status", "q", "page", "token", "code",
			"id_number", "phone", "five_on_spot", "procedure", "month", "date", "kind", "service", "counter", "after", "sort", "by", "format"}
		var q []string
		for range 1 + rng.IntN(6) {
			q = append(q, pick(rng, keys...)+"="+g.value(rng))
		}
		if rng.IntN(6) == 0 {
			q = append(q, pick(rng, "%zz", "a=%", "=", ";", "x=1;y=2"))
		}
		path += "?" + strings.Join(q, "&")
	}
	hdr := http.Header{}
	desc := []string{}
	tok := pick(rng, g.tokens...)
	if selfHarm {
		tok = ""
	}
	switch {
	case rng.IntN(10) == 0:
		hdr.Set("Authorization", pick(rng, "Bearer ", "Bearer x", "Basic YTpi", "Bearer "+strings.Repeat("z", 300), "bearer "+tok))
		desc = append(desc, "junk auth")
	case tok != "" && rng.IntN(8) == 0:
		hdr.Set("Cookie", web.SessionCookie+"="+tok)
		desc = append(desc, "cookie")
	case tok != "":
		hdr.Set("Authorization", "Bearer "+tok)
		desc = append(desc, "token")
	}
	if rng.IntN(6) == 0 {
		hdr.Set("Idempotency-Key", pick(rng, "k"+strconv.Itoa(rng.IntN(50)), strings.Repeat("k", 250), "\x01", ""))
	}
	if rng.IntN(10) == 0 {
		hdr.Set("HX-Request", "true")
	}
	if rng.IntN(10) == 0 {
		hdr.Set(pick(rng, "Accept", "Accept-Language", "Range", "If-Modified-Since", "X-Forwarded-For", "Origin"),
			pick(rng, "bytes=99999-1", "bytes=-0,0-", "*/*;q=x", "vi;q=2", "Mon, 99 Foo", "not-an-ip", "null"))
	}
	var body []byte
	switch k := rng.IntN(8); k {
	case 0, 1, 2:
		body = g.mutateJSON(rng)
		hdr.Set("Content-Type", pick(rng, "application/json", "application/json; charset=utf-16", "text/plain"))
		desc = append(desc, "json")
	case 3:
		body = g.form(rng)
		hdr.Set("Content-Type", "application/x-www-form-urlencoded")
		desc = append(desc, "form")
	case 4, 5:
		var ct string
		body, ct = g.multipart(rng)
		hdr.Set("Content-Type", ct)
		desc = append(desc, "multipart")
	case 6:
		body = append([]byte(pick(rng, "%PDF-", "\xff\xd8\xff", "\x89PNG\r\n\x1a\n", "PK\x03\x04", "")), randomBytes(rng, rng.IntN(4000))...)
		hdr.Set("Content-Type", pick(rng, "application/pdf", "image/png", "application/octet-stream", "text/csv", "garbage/;;;"))
		desc = append(desc, "bytes")
	default:
		desc = append(desc, "no body")
	}
	return &campaignRequest{method: method, url: base + path, header: hdr, body: body, desc: strings.Join(desc, ", ")}
}

// uploadPDF uploads a well-formed PDF as user and returns its blob id.
func (ev *apiEnv) uploadPDF(t testing.TB, user string) string {
	return ev.uploadNote(t, user, "campaign")
}
