package payment_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"motcua/payment"
	"motcua/workflow"
)

// TestSignatureVector pins the canonical form and the signature that
// docs/payment.md shows: a gateway written from the document agrees.
func TestSignatureVector(t *testing.T) {
	f := url.Values{"merchant": {"MOTCUA"}, "order_ref": {"MC261103A1B2C3D4E5"}, "amount": {"50000"}, "dossier": {"000.00.01.H05-261103-0001"},
		"txn_id": {"FT00000001"}, "result": {"00"}}
	if got, want := payment.Canonical(f), "amount=50000&dossier=000.00.01.H05-261103-0001&merchant=MOTCUA&order_ref=MC261103A1B2C3D4E5&result=00&txn_id=FT00000001"; got != want {
		t.Errorf("canonical = %s; want %s", got, want)
	}
	// openssl dgst -sha256 -hmac khoa-chung over the canonical form.
	const want = "6c22dd92355ce1cf1de943b1131c4c573b9a6b90e08d7f43d7cb135637af4821"
	if sig := payment.Sign("khoa-chung", f); sig != want {
		t.Errorf("signature = %s; want %s", sig, want)
	}
	payment.Signed("khoa-chung", f)
	if err := payment.Check("khoa-chung", f); err != nil {
		t.Errorf("own signature refused: %v", err)
	}
	for name, edit := range map[string]func(url.Values){
		"amount changed":  func(v url.Values) { v.Set("amount", "5000") },
		"field added":     func(v url.Values) { v.Set("extra", "1") },
		"field removed":   func(v url.Values) { v.Del("txn_id") },
		"signature twice": func(v url.Values) { v.Add("sig", v.Get("sig")) },
		"not hex":         func(v url.Values) { v.Set("sig", "zz") },
	} {
		g := url.Values{}
		for k, v := range f {
			g[k] = append([]string(nil), v...)
		}
		edit(g)
		if payment.Check("khoa-chung", g) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if payment.Check("another-secret", f) == nil {
		t.Errorf("another secret's check accepted the message")
	}
}

// TestClientVerify: the client reads only its merchant's signed answers.
func TestClientVerify(t *testing.T) {
	c := &payment.Client{BaseURL: "https://pay.example", Merchant: "MOTCUA", Secret: "k"}
	r := workflow.GatewayResult{OrderRef: "MC1", DossierCode: "D1", Amount: 50000, TxnID: "FT1", Code: payment.CodePaid}
	got, err := c.Verify(payment.Answer("MOTCUA", "k", r, time.Time{}))
	if err != nil || got.State != workflow.GatewayPaid || got.Amount != 50000 || got.TxnID != "FT1" || got.DossierCode != "D1" {
		t.Errorf("verify = %+v %v", got, err)
	}
	r.Code = payment.CodeCancelled
	if got, err := c.Verify(payment.Answer("MOTCUA", "k", r, time.Time{})); err != nil || got.State != workflow.GatewayFailed {
		t.Errorf("cancelled = %+v %v", got, err)
	}
	if _, err := c.Verify(payment.Answer("OTHER", "k", r, time.Time{})); err == nil {
		t.Errorf("another merchant's answer accepted")
	}
	bad := payment.Signed("k", url.Values{"merchant": {"MOTCUA"}, "order_ref": {"MC1"}, "amount": {"-5"}, "result": {"00"}})
	if _, err := c.Verify(bad); err == nil {
		t.Errorf("negative amount accepted")
	}
	u, err := c.CreateOrder(context.Background(), workflow.GatewayOrder{Ref: "MC1", DossierCode: "D1", Amount: 50000, ReturnURL: "https://m/r", NotifyURL: "https://m/n"})
	if err != nil || !strings.HasPrefix(u, "https://pay.example/pay?") {
		t.Fatalf("pay URL = %s %v", u, err)
	}
	q, _ := url.Parse(u)
	if payment.Check("k", q.Query()) != nil || q.Query().Get("amount") != "50000" || q.Query().Get("notify_url") != "https://m/n" {
		t.Errorf("pay URL fields = %v", q.Query())
	}
}
