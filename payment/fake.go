package payment

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"motcua/workflow"
)

// Fake is a local payment gateway for tests and the demo ("motcua serve
// --demo" runs one in-process). Its pay page (GET /pay) checks the signed
// order and offers to pay or cancel; the choice (POST /pay/confirm) calls
// the order's notify address with the signed answer, unless SkipNotify,
// and sends the browser back to its return address with the same answer.
// POST /query answers what became of an order. It keeps everything in
// memory.
type Fake struct {
	Merchant, Secret string
	// SkipNotify: the gateway never calls back (the reconciliation must
	// find the payment).
	SkipNotify atomic.Bool
	// Client calls the notify address (default: 10 s timeout).
	Client *http.Client
	// Now is the gateway's clock: orders past their expiry are refused
	// and answers are dated (nil: no expiry check, no date).
	Now func() time.Time

	mu     sync.Mutex
	orders map[string]*fakeOrder
	seq    int
	// Notified counts the notify calls made.
	Notified atomic.Int64
}

type fakeOrder struct {
	fields url.Values // the signed order
	result string     // "" until paid or cancelled
	txn    string
	at     time.Time
}

// NewFake returns a fake gateway for merchant with secret.
func NewFake(merchant, secret string) *Fake {
	return &Fake{Merchant: merchant, Secret: secret, orders: map[string]*fakeOrder{}}
}

func (f *Fake) now() time.Time {
	if f.Now == nil {
		return time.Time{}
	}
	return f.Now()
}

// ServeHTTP implements http.Handler.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/pay" && r.Method == http.MethodGet:
		f.payPage(w, r)
	case r.URL.Path == "/pay/confirm" && r.Method == http.MethodPost:
		f.confirm(w, r)
	case r.URL.Path == "/query" && r.Method == http.MethodPost:
		f.query(w, r)
	default:
		http.NotFound(w, r)
	}
}

var payTmpl = template.Must(template.New("pay").Parse(`<!doctype html><html lang="vi"><meta charset="utf-8">
<title>Cổng thanh toán thử nghiệm</title><body style="font-family:sans-serif;max-width:36em;margin:2em auto">
<p><strong>CỔNG THANH TOÁN THỬ NGHIỆM (DEMO) — không trừ tiền thật</strong></p>
<h1>Thanh toán phí, lệ phí</h1>
<p>Hồ sơ: {{.Dossier}}<br>Mã giao dịch: {{.Ref}}<br>Số tiền: {{.Amount}} đồng</p>
<form method="post" action="/pay/confirm"><input type="hidden" name="order_ref" value="{{.Ref}}">
<button name="action" value="pay">Thanh toán</button> <button name="action" value="cancel">Hủy giao dịch</button></form>
</body></html>`))

func (f *Fake) payPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if Check(f.Secret, q) != nil || q.Get("merchant") != f.Merchant {
		http.Error(w, "chữ ký không hợp lệ", http.StatusForbidden)
		return
	}
	exp, err := time.ParseInLocation(TimeLayout, q.Get("expires"), zone)
	if err != nil || (f.Now != nil && f.Now().After(exp)) {
		http.Error(w, "giao dịch đã hết hạn", http.StatusGone)
		return
	}
	ref := q.Get("order_ref")
	f.mu.Lock()
	if f.orders[ref] == nil {
		f.orders[ref] = &fakeOrder{fields: q}
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	payTmpl.Execute(w, map[string]string{"Ref": ref, "Dossier": q.Get("dossier"), "Amount": q.Get("amount")})
}

// answer is the signed answer about o (the lock held).
func (f *Fake) answer(ref string, o *fakeOrder) url.Values {
	if o == nil {
		return Answer(f.Merchant, f.Secret, workflow.GatewayResult{OrderRef: ref, Code: CodeNotFound}, time.Time{})
	}
	amount, _ := strconv.ParseInt(o.fields.Get("amount"), 10, 64)
	r := workflow.GatewayResult{OrderRef: ref, DossierCode: o.fields.Get("dossier"), Amount: amount, Code: CodePending}
	if o.result != "" {
		r.Code, r.TxnID = o.result, o.txn
	}
	return Answer(f.Merchant, f.Secret, r, o.at)
}

func (f *Fake) confirm(w http.ResponseWriter, r *http.Request) {
	ref, action := r.FormValue("order_ref"), r.FormValue("action")
	f.mu.Lock()
	o := f.orders[ref]
	if o == nil || (action != "pay" && action != "cancel") {
		f.mu.Unlock()
		http.Error(w, "không có giao dịch", http.StatusNotFound)
		return
	}
	if o.result == "" {
		f.seq++
		o.txn, o.at, o.result = fmt.Sprintf("FT%08d", f.seq), f.now(), CodePaid
		if action == "cancel" {
			o.result = CodeCancelled
		}
	}
	a := f.answer(ref, o)
	notify, back := o.fields.Get("notify_url"), o.fields.Get("return_url")
	f.mu.Unlock()
	if !f.SkipNotify.Load() && notify != "" {
		f.Notify(notify, a)
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	http.Redirect(w, r, back+sep+a.Encode(), http.StatusSeeOther)
}

// Notify posts answer a to the notify address and returns the status
// (0 when the call failed).
func (f *Fake) Notify(notify string, a url.Values) int {
	f.Notified.Add(1)
	c := f.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	res, err := c.PostForm(notify, a)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

func (f *Fake) query(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || Check(f.Secret, r.PostForm) != nil || r.PostForm.Get("merchant") != f.Merchant {
		http.Error(w, "chữ ký không hợp lệ", http.StatusForbidden)
		return
	}
	ref := r.PostForm.Get("order_ref")
	f.mu.Lock()
	a := f.answer(ref, f.orders[ref])
	f.mu.Unlock()
	m := map[string]string{}
	for k := range a {
		m[k] = a.Get(k)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(m)
}
