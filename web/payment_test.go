package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/stacktest"
	"motcua/internal/testfile"
	"motcua/payment"
	"motcua/pdf"
	"motcua/render"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/web"
	"motcua/workflow"
)

// Online payment through a local fake payment gateway (issue 18 item 4):
// the whole redirect-and-callback flow over real HTTP, on a clock of the
// test's own that the reconciliation cases move forward.

const (
	payMerchant = "MOTCUA-TEST"
	paySecret   = "bí-mật-chung-của-thử-nghiệm"
)

// payClock is the test's settable clock, shared by motcua and the gateway.
type payClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *payClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *payClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type payEnv struct {
	*frontEnv
	clock   *payClock
	fake    *payment.Fake
	gateway *payment.Client
	citizen *http.Client
	user    *dossier.User
	direct  *http.Client // the gateway's own calls and the test's raw requests (no cookies, no redirects)
}

func newPayEnv(t *testing.T, e store.Engine) *payEnv {
	t.Helper()
	clk := &payClock{t: time.Date(2026, 11, 3, 9, 0, 0, 0, store.Zone)}
	r, err := pdf.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	// The e-receipt provider is a port of the service: every Fees (web's,
	// the reconciliation's) issues the same receipts.
	db, svc := stacktest.Demo(t, e, workflow.Ports{EReceipts: render.NewDemoEReceipts(r)}, workflow.Config{MaxUpload: 1 << 20, Now: clk.Now})
	h, err := web.NewServer(svc, slog.New(slog.DiscardHandler), web.Options{PublicRPS: 1e6, PublicBurst: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	fake := payment.NewFake(payMerchant, paySecret)
	fake.Now = clk.Now
	gw := httptest.NewServer(fake)
	t.Cleanup(gw.Close)
	client := &payment.Client{BaseURL: gw.URL, Merchant: payMerchant, Secret: paySecret, Label: "fake", Now: clk.Now}
	svc.SetPaymentGateway(client, srv.URL)
	ev := &payEnv{frontEnv: &frontEnv{db: db, svc: svc, server: h, srv: srv, tokens: map[string]string{}}, clock: clk, fake: fake, gateway: client,
		direct: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	ev.citizen = register(t, ev.frontEnv, "mai.pham", "001203004321")
	if ev.user, err = db.UserByName(context.Background(), "mai.pham"); err != nil {
		t.Fatal(err)
	}
	return ev
}

// dossier submits a new online dossier of the citizen (fee 50.000 đồng).
func (ev *payEnv) dossier(t *testing.T) *dossier.Dossier {
	t.Helper()
	ctx := context.Background()
	var comps []workflow.ComponentInput
	for _, code := range []string{"GDN", "GTPL"} {
		info, err := ev.svc.Upload(ctx, ev.user, bytes.NewReader(testfile.PDF("thanh toán "+code+" "+ev.clock.Now().String())))
		if err != nil {
			t.Fatal(err)
		}
		comps = append(comps, workflow.ComponentInput{Code: code, BlobID: info.ID})
	}
	d, err := ev.svc.Receive(ctx, ev.user, workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelOnline,
		Applicant: dossierApplicant("Phạm Thị Mai", "001203004321"), Components: comps})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// toGateway presses the citizen's pay button and opens the gateway's pay
// page; it returns the order reference.
func (ev *payEnv) toGateway(t *testing.T, code string) string {
	t.Helper()
	res, body := postForm(t, ev.citizen, ev.srv.URL+"/cong-dan/ho-so/"+code+"/nop-phi", nil)
	loc := res.Header.Get("Location")
	if res.StatusCode != 303 || !strings.HasPrefix(loc, ev.gateway.BaseURL+"/pay?") {
		t.Fatalf("pay button = %d %q %s; want a redirect to the gateway", res.StatusCode, loc, body)
	}
	res, body = get(t, ev.direct, loc)
	if res.StatusCode != 200 || !strings.Contains(body, "50000 đồng") {
		t.Fatalf("gateway pay page = %d %s", res.StatusCode, body)
	}
	u, _ := url.Parse(loc)
	return u.Query().Get("order_ref")
}

// newPendingOrder is a payEnv whose gateway never calls back by itself,
// with a new dossier whose fee order the citizen has opened at the gateway
// (its reference is returned).
func newPendingOrder(t *testing.T, e store.Engine) (*payEnv, *dossier.Dossier, string) {
	t.Helper()
	ev := newPayEnv(t, e)
	ev.fake.SkipNotify.Store(true)
	d := ev.dossier(t)
	return ev, d, ev.toGateway(t, d.Code)
}

// atGateway chooses pay or cancel on the gateway's page and returns where
// the gateway sends the browser back (with the signed answer).
func (ev *payEnv) atGateway(t *testing.T, ref, action string) string {
	t.Helper()
	res, body := postForm(t, ev.direct, ev.gateway.BaseURL+"/pay/confirm", url.Values{"order_ref": {ref}, "action": {action}})
	back := res.Header.Get("Location")
	if res.StatusCode != 303 || !strings.HasPrefix(back, ev.srv.URL+workflow.PaymentReturnPath+"?") {
		t.Fatalf("gateway %s = %d %q %s", action, res.StatusCode, back, body)
	}
	return back
}

func (ev *payEnv) payments(t *testing.T, code string) []workflow.Payment {
	t.Helper()
	rec, _ := ev.db.UserByName(context.Background(), "reception")
	ps, err := workflow.NewFees(ev.svc, nil, "").Payments(context.Background(), rec, code)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func (ev *payEnv) order(t *testing.T, ref string) *workflow.PaymentOrder {
	t.Helper()
	o, err := ev.db.PaymentOrder(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// callback posts fields to the notify address as the gateway does.
func (ev *payEnv) callback(t *testing.T, body string) (*http.Response, map[string]any) {
	t.Helper()
	res, err := ev.direct.Post(ev.srv.URL+workflow.PaymentNotifyPath, "application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	json.NewDecoder(res.Body).Decode(&m)
	return res, m
}

func TestOnlinePaymentRoundTrip(t *testing.T) {
	ev := newPayEnv(t, store.SQLite)
	d := ev.dossier(t)
	res, body := get(t, ev.citizen, ev.srv.URL+"/cong-dan/ho-so/"+d.Code)
	if res.StatusCode != 200 || !strings.Contains(body, "Nộp 50.000 đồng trực tuyến") || !strings.Contains(body, "qua cổng thanh toán trực tuyến") {
		t.Fatalf("dossier page = %d; want the pay button naming the gateway", res.StatusCode)
	}
	ref := ev.toGateway(t, d.Code)
	if o := ev.order(t, ref); o.Status != workflow.OrderPending || o.Amount != 50000 || o.DossierCode != d.Code {
		t.Fatalf("order before payment = %+v", o)
	}
	// A second press while the order is open goes to the same order.
	if again := ev.toGateway(t, d.Code); again != ref {
		t.Errorf("second press made order %s; want %s again", again, ref)
	}
	back := ev.atGateway(t, ref, "pay")
	if ev.fake.Notified.Load() != 1 {
		t.Errorf("gateway notified %d times; want 1", ev.fake.Notified.Load())
	}
	ps := ev.payments(t, d.Code)
	if len(ps) != 1 || ps[0].Amount != 50000 || ps[0].Channel != "online" || ps[0].ReceiptStatus != "issued" {
		t.Fatalf("payments after the callback = %+v; want one online payment with its e-receipt", ps)
	}
	if o := ev.order(t, ref); o.Status != workflow.OrderPaid || o.PaymentID != ps[0].ID || o.GatewayTxn == "" {
		t.Errorf("order after payment = %+v", o)
	}
	// The citizen comes back: the answer is a replay, shown, not recorded again.
	res, body = get(t, ev.citizen, back)
	if res.StatusCode != 200 || !strings.Contains(body, "Thanh toán thành công") || !strings.Contains(body, "số "+ps[0].ReceiptNumber) {
		t.Fatalf("return page = %d %s", res.StatusCode, body)
	}
	// The gateway's notify replayed: 200, replay, no second receipt.
	u, _ := url.Parse(back)
	res, m := ev.callback(t, u.RawQuery)
	if res.StatusCode != 200 || m["replay"] != true || m["status"] != "paid" {
		t.Errorf("replayed callback = %d %v", res.StatusCode, m)
	}
	if ps := ev.payments(t, d.Code); len(ps) != 1 {
		t.Errorf("%d payments after replays; want 1", len(ps))
	}
	res, body = get(t, ev.citizen, ev.srv.URL+"/cong-dan/ho-so/"+d.Code)
	if res.StatusCode != 200 || !strings.Contains(body, "Biên lai "+ps[0].ReceiptSeries+" số "+ps[0].ReceiptNumber) || strings.Contains(body, "trực tuyến</button>") {
		t.Errorf("dossier page after payment = %d; want the receipt and no pay button", res.StatusCode)
	}
	if res, pdf := get(t, ev.citizen, fmt.Sprintf("%s/cong-dan/bien-lai/%d", ev.srv.URL, ps[0].ID)); res.StatusCode != 200 || !strings.HasPrefix(pdf, "%PDF-") {
		t.Errorf("e-receipt = %d", res.StatusCode)
	}
	// Paid: the button answers a conflict page, not a new order.
	res, body = postForm(t, ev.citizen, ev.srv.URL+"/cong-dan/ho-so/"+d.Code+"/nop-phi", nil)
	if res.StatusCode != 409 || !strings.Contains(body, "đã được nộp đủ") {
		t.Errorf("pay button after payment = %d", res.StatusCode)
	}
	// The applicant cannot mark the fee paid through the counter's route.
	other := ev.dossier(t)
	tok, _, err := ev.svc.Login(context.Background(), "mai.pham", "Hoa-sen-nở-2026")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", ev.srv.URL+"/api/v1/dossiers/"+other.Code+"/payments", strings.NewReader(`{"method":"online"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	if res, err := ev.direct.Do(req); err != nil || res.StatusCode != 403 {
		t.Errorf("applicant's direct payment = %v %v; want 403", res, err)
	}
	// The JSON route starts an order too.
	req, _ = http.NewRequest("POST", ev.srv.URL+"/api/v1/dossiers/"+other.Code+"/payment-orders", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err = ev.direct.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var o map[string]any
	json.NewDecoder(res.Body).Decode(&o)
	res.Body.Close()
	if res.StatusCode != 201 || o["status"] != "pending" || !strings.HasPrefix(fmt.Sprint(o["pay_url"]), ev.gateway.BaseURL+"/pay?") {
		t.Errorf("POST payment-orders = %d %v", res.StatusCode, o)
	}
	if ps := ev.payments(t, other.Code); len(ps) != 0 {
		t.Errorf("payments of an unpaid dossier = %+v", ps)
	}
}

func TestOnlinePaymentRefusesForgeries(t *testing.T) {
	ev, d, ref := newPendingOrder(t, store.SQLite)
	good := workflow.GatewayResult{OrderRef: ref, DossierCode: d.Code, Amount: 50000, TxnID: "FT-REAL", Code: payment.CodePaid}
	answer := func(secret string, edit func(*workflow.GatewayResult)) url.Values {
		r := good
		if edit != nil {
			edit(&r)
		}
		return payment.Answer(payMerchant, secret, r, time.Time{})
	}
	tampered := answer(paySecret, nil)
	tampered.Set("amount", "1000") // the signature is of 50000
	other := ev.dossier(t)
	cases := []struct {
		name   string
		body   string
		status int
	}{
		{"signed with another secret", answer("đoán-mò", nil).Encode(), 403},
		{"amount changed after signing", tampered.Encode(), 403},
		{"no signature", "merchant=" + payMerchant + "&order_ref=" + ref + "&amount=50000&result=00&txn_id=X", 403},
		{"another merchant", payment.Answer("KHAC", paySecret, good, time.Time{}).Encode(), 403},
		{"wrong amount, signed", answer(paySecret, func(r *workflow.GatewayResult) { r.Amount = 5000 }).Encode(), 422},
		{"another dossier, signed", answer(paySecret, func(r *workflow.GatewayResult) { r.DossierCode = other.Code }).Encode(), 422},
		{"unknown order, signed", answer(paySecret, func(r *workflow.GatewayResult) { r.OrderRef = "MC000000DEADBEEF00" }).Encode(), 404},
		{"paid without transaction id", answer(paySecret, func(r *workflow.GatewayResult) { r.TxnID = "" }).Encode(), 422},
		{"malformed form", "%zz=1&sig=%", 400},
		{"empty", "", 403},
		{"oversized", "x=" + strings.Repeat("a", 20<<10), 413},
	}
	for _, c := range cases {
		res, m := ev.callback(t, c.body)
		if res.StatusCode != c.status || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: %d %s %v; want %d problem+json", c.name, res.StatusCode, res.Header.Get("Content-Type"), m, c.status)
		}
	}
	// The browser return refuses forgeries with a Vietnamese page.
	res, body := get(t, ev.citizen, ev.srv.URL+workflow.PaymentReturnPath+"?"+tampered.Encode())
	if res.StatusCode != 403 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "chữ ký hợp lệ") {
		t.Errorf("forged return = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res, _ := get(t, ev.citizen, ev.srv.URL+workflow.PaymentReturnPath+"?amount=%zz"); res.StatusCode >= 500 {
		t.Errorf("garbage return = %d", res.StatusCode)
	}
	if ps := ev.payments(t, d.Code); len(ps) != 0 {
		t.Fatalf("forgeries recorded payments: %+v", ps)
	}
	if o := ev.order(t, ref); o.Status != workflow.OrderPending {
		t.Fatalf("order after forgeries = %s; want pending", o.Status)
	}
	// The genuine answer still goes through, once; the same transaction
	// id cannot pay another order.
	if res, m := ev.callback(t, answer(paySecret, nil).Encode()); res.StatusCode != 200 || m["replay"] != false {
		t.Fatalf("genuine callback = %d %v", res.StatusCode, m)
	}
	ref2 := ev.toGateway(t, other.Code)
	reuse := payment.Answer(payMerchant, paySecret, workflow.GatewayResult{OrderRef: ref2, DossierCode: other.Code, Amount: 50000,
		TxnID: "FT-REAL", Code: payment.CodePaid}, time.Time{})
	if res, m := ev.callback(t, reuse.Encode()); res.StatusCode != 409 {
		t.Errorf("a transaction id paying a second order = %d %v; want 409", res.StatusCode, m)
	}
	if n := len(ev.payments(t, d.Code)) + len(ev.payments(t, other.Code)); n != 1 {
		t.Errorf("%d payments; want 1", n)
	}
}

func TestOnlinePaymentReconcile(t *testing.T) {
	ev := newPayEnv(t, store.SQLite)
	ev.fake.SkipNotify.Store(true) // the gateway never calls back
	fees := workflow.NewFees(ev.svc, nil, "")
	ctx := context.Background()
	paid, cancelled, abandoned := ev.dossier(t), ev.dossier(t), ev.dossier(t)
	refPaid := ev.toGateway(t, paid.Code)
	back := ev.atGateway(t, refPaid, "pay") // the browser never comes back either
	refCancelled := ev.toGateway(t, cancelled.Code)
	ev.atGateway(t, refCancelled, "cancel")
	refAbandoned := ev.toGateway(t, abandoned.Code) // never paid at the gateway

	// Orders are asked about a minute after creation.
	if rep, err := fees.ReconcilePayments(ctx, workflow.ReconcileAfter); err != nil || rep.Checked != 0 {
		t.Fatalf("reconcile at once = %+v %v; want nothing checked", rep, err)
	}
	ev.clock.Advance(2 * time.Minute)
	rep, err := fees.ReconcilePayments(ctx, workflow.ReconcileAfter)
	if err != nil || rep.Checked != 3 || rep.Paid != 1 || rep.Failed != 1 || rep.Pending != 1 || rep.Errors != 0 {
		t.Fatalf("reconcile = %+v %v; want 3 checked: 1 paid, 1 failed, 1 pending", rep, err)
	}
	ps := ev.payments(t, paid.Code)
	if len(ps) != 1 || ps[0].ReceiptStatus != "issued" {
		t.Fatalf("payments of the reconciled order = %+v", ps)
	}
	if o := ev.order(t, refCancelled); o.Status != workflow.OrderFailed || len(ev.payments(t, cancelled.Code)) != 0 {
		t.Errorf("cancelled order = %s", o.Status)
	}
	// The late browser return is a replay.
	if res, body := get(t, ev.citizen, back); res.StatusCode != 200 || !strings.Contains(body, "Thanh toán thành công") {
		t.Errorf("late return = %d", res.StatusCode)
	}
	if ps := ev.payments(t, paid.Code); len(ps) != 1 {
		t.Errorf("%d payments after the late return; want 1", len(ps))
	}
	// The abandoned order expires once past its expiry and the grace.
	ev.clock.Advance(workflow.PaymentOrderTTL)
	if rep, _ := fees.ReconcilePayments(ctx, workflow.ReconcileAfter); rep.Pending != 1 || rep.Expired != 0 {
		t.Errorf("reconcile within the grace = %+v; want still pending", rep)
	}
	ev.clock.Advance(10 * time.Minute)
	if rep, _ := fees.ReconcilePayments(ctx, workflow.ReconcileAfter); rep.Checked != 1 || rep.Expired != 1 {
		t.Errorf("reconcile after the grace = %+v; want 1 expired", rep)
	}
	if o := ev.order(t, refAbandoned); o.Status != workflow.OrderExpired {
		t.Errorf("abandoned order = %s; want expired", o.Status)
	}
	// The gateway down: counted as an error, the order left pending.
	d := ev.dossier(t)
	ref := ev.toGateway(t, d.Code)
	ev.gateway.BaseURL = "http://127.0.0.1:1"
	ev.clock.Advance(2 * time.Minute)
	if rep, _ := fees.ReconcilePayments(ctx, workflow.ReconcileAfter); rep.Errors != 1 {
		t.Errorf("reconcile with the gateway down = %+v; want 1 error", rep)
	}
	if o := ev.order(t, ref); o.Status != workflow.OrderPending {
		t.Errorf("order after a failed query = %s; want pending", o.Status)
	}
}

func TestOnlinePaymentConcurrentCallbacks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		ev, d, ref := newPendingOrder(t, e)
		back := ev.atGateway(t, ref, "pay")
		u, _ := url.Parse(back)
		const n = 8
		type answer struct {
			status int
			replay any
		}
		answers := make(chan answer, n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := ev.direct.Post(ev.srv.URL+workflow.PaymentNotifyPath, "application/x-www-form-urlencoded", strings.NewReader(u.RawQuery))
				if err != nil {
					answers <- answer{status: -1}
					return
				}
				var m map[string]any
				json.NewDecoder(res.Body).Decode(&m)
				res.Body.Close()
				answers <- answer{res.StatusCode, m["replay"]}
			}()
		}
		wg.Wait()
		close(answers)
		first := 0
		for a := range answers {
			if a.status != 200 {
				t.Errorf("concurrent callback = %d; want 200", a.status)
			}
			if a.replay == false {
				first++
			}
		}
		if first != 1 {
			t.Errorf("%d callbacks recorded the payment; want 1", first)
		}
		if ps := ev.payments(t, d.Code); len(ps) != 1 {
			t.Errorf("%d payments after %d concurrent callbacks; want 1", len(ps), n)
		}
	})
}

// TestOnlinePaymentCancelled: a payment cancelled at the gateway records
// nothing and says so; the citizen can start again and pay.
func TestOnlinePaymentCancelled(t *testing.T) {
	ev := newPayEnv(t, store.SQLite)
	d := ev.dossier(t)
	ref := ev.toGateway(t, d.Code)
	back := ev.atGateway(t, ref, "cancel")
	res, body := get(t, ev.citizen, back)
	if res.StatusCode != 200 || !strings.Contains(body, "không thành công hoặc đã bị hủy") {
		t.Fatalf("return after cancel = %d %s", res.StatusCode, body)
	}
	if o := ev.order(t, ref); o.Status != workflow.OrderFailed || len(ev.payments(t, d.Code)) != 0 {
		t.Fatalf("cancelled order = %s", o.Status)
	}
	again := ev.toGateway(t, d.Code)
	if again == ref {
		t.Fatalf("a cancelled order was offered again")
	}
	ev.atGateway(t, again, "pay")
	if ps := ev.payments(t, d.Code); len(ps) != 1 || ev.order(t, again).Status != workflow.OrderPaid {
		t.Errorf("payments after paying again = %+v", ps)
	}
}

// TestOnlinePaymentAfterCounter: money arriving through the gateway for a
// fee collected at the counter meanwhile gives no second receipt; the
// order is left "refund" for the center to pay back.
func TestOnlinePaymentAfterCounter(t *testing.T) {
	ev, d, ref := newPendingOrder(t, store.SQLite)
	rec, _ := ev.db.UserByName(context.Background(), "reception")
	if _, err := workflow.NewFees(ev.svc, nil, "").Collect(context.Background(), rec, d.Code, workflow.PaymentInput{Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(ev.atGateway(t, ref, "pay"))
	res, m := ev.callback(t, u.RawQuery)
	if res.StatusCode != 200 || m["status"] != workflow.OrderRefund || m["receipt_number"] != nil {
		t.Errorf("callback after the counter = %d %v; want refund, no receipt", res.StatusCode, m)
	}
	if ps := ev.payments(t, d.Code); len(ps) != 1 || ps[0].Channel != "counter" {
		t.Errorf("payments = %+v; want the counter's only", ps)
	}
	res, body := get(t, ev.citizen, u.String())
	if res.StatusCode != 200 || !strings.Contains(body, "hoàn trả") {
		t.Errorf("return page = %d", res.StatusCode)
	}
}
