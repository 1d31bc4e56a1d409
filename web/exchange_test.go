package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"motcua/calendar"
	"motcua/demo"
	"motcua/dossier"
	"motcua/exchange"
	"motcua/internal/clocktest"
	"motcua/internal/demotest"
	"motcua/internal/stacktest"
	"motcua/internal/tooltest"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/web"
	"motcua/workflow"
)

// Document exchange (issue 18 item 5) against a local fake peer: a
// package with the dossier's metadata and its signed PDF goes through the
// outbox (retried while the peer is down), the peer's signed answers are
// recorded on the dossier, forged, stale or unknown answers are refused
// with problem+json, the step's own deadline is printed on the control
// slip, and an issued result is registered with the result's PDF.

var exchangeSecret = []byte("bí mật của LGSP — chỉ dùng thử")

type exchangeEnv struct {
	t       *testing.T
	ctx     context.Context
	svc     *workflow.Service
	db      *store.DB
	srv     *httptest.Server
	fake    *exchange.Fake
	tokens  map[string]string
	answers string
}

func newExchangeEnv(t *testing.T, engine store.Engine) *exchangeEnv {
	t.Helper()
	_, db, svc := stacktest.SigningDemo(t, engine, workflow.Config{BaseURL: "https://motcua.example", Now: clocktest.Now})
	_, srv := stacktest.Server(t, svc, nil, web.Options{PublicRPS: 1000, PublicBurst: 1000})
	e := &exchangeEnv{t: t, ctx: context.Background(), svc: svc, db: db, srv: srv, tokens: map[string]string{},
		answers: srv.URL + "/api/v1/exchange/answers"}
	e.fake = exchange.NewFake()
	e.fake.Peer, e.fake.Secret, e.fake.Now = "lgsp", exchangeSecret, clocktest.Now
	peer := httptest.NewServer(e.fake)
	t.Cleanup(peer.Close)
	svc.AddExchange(&exchange.Client{BaseURL: peer.URL, Token: "lgsp-token"},
		workflow.ExchangeOptions{Peers: map[string][]byte{"lgsp": exchangeSecret}, AnswerURL: e.answers},
		workflow.DestinationOptions{BaseDelay: 20 * time.Millisecond, MaxDelay: 40 * time.Millisecond, MaxAttempts: 5})
	// 2.001610 needs Cục Thuế's opinion (2 working days) and has its
	// results registered in the department's QLVB.
	p, err := db.Procedure(e.ctx, "2.001610")
	if err != nil {
		t.Fatal(err)
	}
	p.Exchange = &dossier.ExchangePlan{RegisterResult: true, Steps: []dossier.ExchangeStep{
		{Agency: "BN.CT", Name: "Cục Thuế tỉnh Bắc Ninh", Kind: dossier.ExchangeConsult, Days: 2, Task: "Xác nhận mã số thuế"}}}
	if err := db.InTx(e.ctx, clocktest.Now(), func(tx *store.Tx) error { return tx.UpsertProcedure(p) }); err != nil {
		t.Fatal(err)
	}
	for _, a := range demo.Accounts {
		tok, _, err := svc.Login(e.ctx, a.Username, demo.Password)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[a.Username] = tok
	}
	return e
}

// call sends a JSON request as user who ("" anonymous) and returns the
// status, content type and body.
func (e *exchangeEnv) call(who, method, path string, body any) (int, string, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	return e.do(req)
}

func (e *exchangeEnv) do(req *http.Request) (int, string, []byte) {
	e.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), b
}

// answer posts a raw answer body signed by peer with secret at stamp.
func (e *exchangeEnv) answer(body []byte, peer string, secret []byte, stamp time.Time) (int, string, []byte) {
	req, _ := http.NewRequest("POST", e.answers, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	exchange.SignRequest(req, peer, secret, strconv.FormatInt(stamp.Unix(), 10), body)
	return e.do(req)
}

func (e *exchangeEnv) view(code string) workflow.ExchangeView {
	e.t.Helper()
	st, _, b := e.call("appraiser", "GET", "/api/v1/dossiers/"+code+"/exchange", nil)
	if st != 200 {
		e.t.Fatalf("exchange view = %d %s", st, b)
	}
	var v workflow.ExchangeView
	if err := json.Unmarshal(b, &v); err != nil {
		e.t.Fatal(err)
	}
	return v
}

func (e *exchangeEnv) exchangeDeliveries() []workflow.Delivery {
	e.t.Helper()
	v, err := e.svc.Outbox(e.ctx, demotest.Users(e.t, e.db)["admin"], workflow.DeliveryFilter{Destination: workflow.ExchangeDestination, Status: "pending"})
	if err != nil {
		e.t.Fatal(err)
	}
	return v.Items
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func TestExchangeWithFakePeer(t *testing.T) {
	storetest.Each(t, testExchangeWithFakePeer)
}

func testExchangeWithFakePeer(t *testing.T, engine store.Engine) {
	e := newExchangeEnv(t, engine)
	users := demotest.Users(t, e.db)
	ds := demotest.Receive(t, e.svc, users["reception"], dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234"})
	ds = demotest.Walk(t, e.svc, users, ds, demotest.Assign)
	path := "/api/v1/dossiers/" + ds.Code + "/exchange"

	// Sending: bad input and the wrong people are refused with problems.
	for _, c := range []struct {
		who  string
		body any
		want int
	}{
		{"appraiser", map[string]any{}, 400},
		{"appraiser", map[string]any{"step": 7}, 400},
		{"appraiser", map[string]any{"step": "x"}, 400},
		{"appraiser", map[string]any{"kind": "register"}, 409}, // not issued yet
		{"reception", map[string]any{"step": 0}, 403},
		{"", map[string]any{"step": 0}, 401},
	} {
		if st, ct, b := e.call(c.who, "POST", path, c.body); st != c.want || ct != "application/problem+json" {
			t.Errorf("send %v as %q = %d %s %s, want %d problem", c.body, c.who, st, ct, b, c.want)
		}
	}
	st, _, b := e.call("appraiser", "POST", path, map[string]any{"step": 0})
	if st != 201 {
		t.Fatalf("send = %d %s", st, b)
	}
	var pkg dossier.ExchangePackage
	json.Unmarshal(b, &pkg)
	wantDue := e.svc.CalendarFor(ds.CenterCode).DueDays(pkg.SentAt, 2, calendar.DefaultCutoff)
	if pkg.Status != dossier.ExchangeQueued || pkg.DueAt == nil || !pkg.DueAt.Equal(wantDue) || pkg.Agency != "BN.CT" {
		t.Fatalf("package %+v, want queued, due %s", pkg, wantDue)
	}
	if st, ct, _ := e.call("approver", "POST", path, map[string]any{"step": 0}); st != 409 || ct != "application/problem+json" {
		t.Errorf("second send of the step = %d %s, want 409", st, ct)
	}

	// The peer is down: the attempt fails and is rescheduled, then the
	// outbox delivers it once the peer is back.
	e.fake.SetDown(true)
	if n, _ := e.svc.DeliverDue(e.ctx, 10, workflow.ExchangeDestination); n != 0 {
		t.Fatalf("delivered %d to a peer that is down", n)
	}
	waiting := e.exchangeDeliveries()
	if len(waiting) != 1 || waiting[0].Attempts != 1 || waiting[0].LastError == "" {
		t.Fatalf("after a failed attempt: %+v", waiting)
	}
	e.fake.SetDown(false)
	time.Sleep(waiting[0].NextAt.Sub(clocktest.Now()) + 5*time.Millisecond)
	if n, err := e.svc.DeliverDue(e.ctx, 10, workflow.ExchangeDestination); n != 1 {
		t.Fatalf("retry delivered %d: %v", n, err)
	}
	got := e.fake.Packages()
	if len(got) != 1 {
		t.Fatalf("peer got %d packages", len(got))
	}
	sent := got[0]
	receipt, err := e.svc.ReceiptPDF(e.ctx, users["appraiser"], ds.Code)
	if err != nil {
		t.Fatal(err)
	}
	if sent.PackageID != pkg.ID || sent.DossierCode != ds.Code || sent.ProcedureCode != "2.001610" || sent.ToAgency != "BN.CT" ||
		sent.Kind != "consult" || sent.DueAt == "" || sent.AnswerURL != e.answers || sent.Task != "Xác nhận mã số thuế" {
		t.Errorf("metadata: %+v", sent)
	}
	if sent.Document == nil || sent.Document.Kind != "receipt" || sent.Document.SHA256 != sha(sent.Document.Content) ||
		sent.Document.SHA256 != sha(receipt) || !bytes.Equal(sent.Document.Content, receipt) {
		t.Fatalf("the package does not carry the signed receipt (hash %v)", sent.Document != nil)
	}
	if v := e.view(ds.Code); v.Packages[0].Status != dossier.ExchangeSent || v.Packages[0].DocSHA256 != sha(receipt) {
		t.Errorf("after delivery: %+v", v.Packages[0])
	}

	// The peer answers: accepted, then done with its document.
	if err := e.fake.Post(e.ctx, e.answers, workflow.ExchangeAnswer{PackageID: pkg.ID, Status: dossier.ExchangeAccepted}); err != nil {
		t.Fatal(err)
	}
	doc := []byte("%PDF-1.7\n% ý kiến của Cục Thuế\n%%EOF\n")
	done := workflow.ExchangeAnswer{PackageID: pkg.ID, Status: dossier.ExchangeDone, Note: "Đã xác nhận", Reference: "123/CT-KK",
		Document: &workflow.ExchangeAnswerDocument{Name: "y-kien.pdf", SHA256: sha(doc), Content: doc}}
	if err := e.fake.Post(e.ctx, e.answers, done); err != nil {
		t.Fatal(err)
	}
	if err := e.fake.Post(e.ctx, e.answers, done); err != nil { // a replay changes nothing
		t.Fatalf("replayed answer: %v", err)
	}
	v := e.view(ds.Code)
	if p := v.Steps[0].Package; p == nil || p.Status != dossier.ExchangeDone || p.AnswerRef != "123/CT-KK" || p.AnswerPeer != "lgsp" ||
		p.AnswerHash != sha(doc) || p.AnsweredAt == nil {
		t.Fatalf("answer not recorded: %+v", v.Steps[0].Package)
	}

	// The dossier page shows the step, its deadline and the answer.
	if st, _, page := e.call("appraiser", "GET", "/ho-so/"+ds.Code, nil); st != 200 {
		t.Errorf("dossier page = %d", st)
	} else {
		for _, want := range []string{"Liên thông với cơ quan khác", "Cục Thuế tỉnh Bắc Ninh", "Xin ý kiến, 2 ngày làm việc", "Đã có kết quả, số 123/CT-KK"} {
			if !strings.Contains(string(page), want) {
				t.Errorf("dossier page lacks %q", want)
			}
		}
	}

	// The page's button sends a step too (here: refused, already sent).
	form, _ := http.NewRequest("POST", e.srv.URL+"/ho-so/"+ds.Code+"/lien-thong", strings.NewReader("step=0"))
	form.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	form.Header.Set("Authorization", "Bearer "+e.tokens["appraiser"])
	if st, _, page := e.do(form); st != 409 || !strings.Contains(string(page), "đã được gửi") {
		t.Errorf("page send of a sent step = %d", st)
	}

	// Forged, stale, unknown or malformed answers.
	now := clocktest.Now()
	good, _ := json.Marshal(workflow.ExchangeAnswer{PackageID: pkg.ID, Status: dossier.ExchangeAccepted})
	raw := func(v any) []byte { b, _ := json.Marshal(v); return b }
	badDoc := raw(map[string]any{"package_id": pkg.ID, "status": "done", "document": map[string]any{"name": "x.pdf", "sha256": sha([]byte("other")), "content": doc}})
	for _, c := range []struct {
		name   string
		body   []byte
		peer   string
		secret []byte
		at     time.Time
		want   int
	}{
		{"forged signature", good, "lgsp", []byte("not the secret"), now, 401},
		{"unknown peer", good, "other", exchangeSecret, now, 401},
		{"stale timestamp", good, "lgsp", exchangeSecret, now.Add(-time.Hour), 401},
		{"unknown package", raw(map[string]any{"package_id": "pk-000000000000000000000000", "status": "done"}), "lgsp", exchangeSecret, now, 404},
		{"malformed JSON", []byte(`{"package_id":`), "lgsp", exchangeSecret, now, 400},
		{"unknown status", raw(map[string]any{"package_id": pkg.ID, "status": "maybe"}), "lgsp", exchangeSecret, now, 400},
		{"document hash mismatch", badDoc, "lgsp", exchangeSecret, now, 400},
		{"returned after done", raw(map[string]any{"package_id": pkg.ID, "status": "returned"}), "lgsp", exchangeSecret, now, 409},
	} {
		if st, ct, b := e.answer(c.body, c.peer, c.secret, c.at); st != c.want || ct != "application/problem+json" {
			t.Errorf("%s: %d %s %s, want %d problem", c.name, st, ct, b, c.want)
		}
	}
	req, _ := http.NewRequest("POST", e.answers, bytes.NewReader(good)) // no signature at all
	if st, ct, _ := e.do(req); st != 401 || ct != "application/problem+json" {
		t.Errorf("unsigned answer = %d %s", st, ct)
	}

	// The control slip names the body and its own deadline.
	if _, ok := tooltest.Optional(t, "pdftotext"); ok {
		st, _, slip := e.call("appraiser", "GET", "/api/v1/dossiers/"+ds.Code+"/control-slip.pdf", nil)
		if st != 200 {
			t.Fatalf("control slip = %d", st)
		}
		txt := strings.Join(strings.Fields(tooltest.PDFText(t, slip)), " ")
		due := wantDue.In(e.svc.Location())
		for _, want := range []string{"Cục Thuế tỉnh Bắc Ninh", "xin ý kiến, 2 ngày làm việc", "hạn " + due.Format("15") + " giờ " + due.Format("04") + " phút ngày " + due.Format("02/01/2006"), "đã có kết quả"} {
			if !strings.Contains(txt, want) {
				t.Errorf("control slip lacks %q:\n%s", want, txt)
			}
		}
	}

	// The issued result is registered in the QLVB with the result's PDF;
	// the fake peer answers by itself.
	e.fake.Answer = true
	ds = demotest.Walk(t, e.svc, users, ds, demotest.Appraise, demotest.Approve, demotest.Issue)
	// The admins' outbox (JSON and page) lists the registration waiting.
	st, _, b = e.call("admin", "GET", "/api/v1/outbox?destination=exchange", nil)
	var ob workflow.OutboxView
	if err := json.Unmarshal(b, &ob); st != 200 || err != nil || len(ob.Items) != 1 || ob.Items[0].Topic != workflow.TopicExchangeRegister ||
		ob.Items[0].OrderKey != ds.Code || ob.Items[0].Status != "pending" {
		t.Errorf("outbox = %d %s, want the registration of %s pending", st, b, ds.Code)
	}
	if st, _, page := e.call("admin", "GET", "/quan-tri/hop-thu-di?destination=exchange", nil); st != 200 ||
		!strings.Contains(string(page), "<td>"+workflow.TopicExchangeRegister+"</td><td>"+ds.Code+"</td>") {
		t.Errorf("outbox page = %d, lacks the registration of %s", st, ds.Code)
	}
	if n, err := e.svc.DeliverDue(e.ctx, 10, workflow.ExchangeDestination); n != 1 {
		t.Fatalf("registration delivered %d: %v", n, err)
	}
	if errs := e.fake.Wait(); len(errs) != 1 || errs[0] != nil {
		t.Fatalf("the fake peer's answers: %v", errs)
	}
	result, err := e.svc.ResultPDF(e.ctx, users["clerk"], ds.Code)
	if err != nil {
		t.Fatal(err)
	}
	got = e.fake.Packages()
	if len(got) != 2 || got[1].Kind != "register" || got[1].Document == nil || got[1].Document.SHA256 != sha(result) || got[1].ResultNumber != ds.Result.Number {
		t.Fatalf("registration package: %+v", got[len(got)-1].Kind)
	}
	v = e.view(ds.Code)
	if len(v.Packages) != 2 || v.Packages[1].Kind != dossier.ExchangeRegister || v.Packages[1].Status != dossier.ExchangeDone {
		t.Errorf("registration not recorded: %+v", v.Packages)
	}
	if _, dup, bad := e.fake.Stats(); dup != 0 || bad != 0 {
		t.Errorf("duplicates %d, bad hashes %d", dup, bad)
	}
}
