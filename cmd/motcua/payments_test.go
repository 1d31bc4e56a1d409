package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"motcua/demo"
	"motcua/dossier"
	"motcua/internal/demotest"
	"motcua/payment"
	"motcua/store"
	"motcua/workflow"
)

// openDemo opens the store of c and the service over it with the demo
// province loaded (c.Demo set); the caller closes the store.
func openDemo(t *testing.T, c *config) (*store.DB, *workflow.Service) {
	t.Helper()
	c.Demo = true
	db, svc, err := openService(context.Background(), *c)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(context.Background(), svc, db); err != nil {
		t.Fatal(err)
	}
	return db, svc
}

func TestPaymentSettings(t *testing.T) {
	load := func(env map[string]string) (config, error) {
		return loadConfig(func(k string) string { return env[k] })
	}
	if c, err := load(nil); err != nil || c.Payment.URL != "" || c.Payment.ReconcileEvery <= 0 {
		t.Errorf("default: %+v %v; want off", c.Payment, err)
	}
	if _, err := load(map[string]string{"MOTCUA_PAYMENT_URL": "https://pay.example", "MOTCUA_PAYMENT_MERCHANT": "M"}); err == nil {
		t.Errorf("a gateway without its secret accepted")
	}
	if _, err := load(map[string]string{"MOTCUA_PAYMENT_RECONCILE_EVERY": "1s"}); err == nil {
		t.Errorf("a 1s reconciliation accepted")
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"payments", "reconcile", "--data", t.TempDir()}, func(string) string { return "" },
		strings.NewReader(""), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "MOTCUA_PAYMENT_URL") {
		t.Errorf("reconcile without a gateway: exit %d %s", code, errOut.String())
	}
}

// TestCmdPaymentsReconcile: a payment made at the gateway whose callback
// never came is found by "motcua payments reconcile" and recorded once.
func TestCmdPaymentsReconcile(t *testing.T) {
	ctx := context.Background()
	fake := payment.NewFake("MOTCUA", "khoa-thu-nghiem")
	fake.SkipNotify.Store(true)
	gw := httptest.NewServer(fake)
	defer gw.Close()
	env := map[string]string{"MOTCUA_PAYMENT_URL": gw.URL, "MOTCUA_PAYMENT_MERCHANT": "MOTCUA", "MOTCUA_PAYMENT_SECRET": "khoa-thu-nghiem",
		"MOTCUA_BASE_URL": "https://motcua.example"}
	getenv := func(k string) string { return env[k] }
	c, err := loadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	c.Data = t.TempDir()
	db, svc := openDemo(t, &c)
	reg, err := svc.RegisterCitizen(ctx, workflow.NewUserInput{Username: "congdan", Password: "matkhau-dai-2026", Name: "Lê Văn Công", IDNumber: "001090005678"})
	if err != nil {
		t.Fatal(err)
	}
	blob := demotest.Upload(t, svc, reg.User, "scan")
	d, err := svc.Receive(ctx, reg.User, workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelOnline,
		Applicant:  dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Lê Văn Công", IDNumber: "001090005678"},
		Components: []workflow.ComponentInput{{Code: "GDN", BlobID: blob}, {Code: "GTPL", BlobID: blob}}})
	if err != nil {
		t.Fatal(err)
	}
	o, err := workflow.NewFees(svc, nil, "").PayOnline(ctx, reg.User, d.Code)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// The citizen pays at the gateway; neither its callback nor the
	// browser ever comes back.
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if res, err := hc.Get(o.PayURL); err != nil || res.StatusCode != 200 {
		t.Fatalf("pay page: %v %v", res, err)
	}
	if res, err := hc.PostForm(gw.URL+"/pay/confirm", url.Values{"order_ref": {o.Ref}, "action": {"pay"}}); err != nil || res.StatusCode != 303 {
		t.Fatalf("pay: %v %v", res, err)
	}
	args := []string{"payments", "reconcile", "--data", c.Data, "--older-than", "0s", "--json"}
	for i, want := range []workflow.ReconcileReport{{Checked: 1, Paid: 1}, {}} {
		var out, errOut bytes.Buffer
		if code := run(ctx, args, getenv, strings.NewReader(""), &out, &errOut); code != 0 {
			t.Fatalf("run %d: exit %d %s%s", i, code, out.String(), errOut.String())
		}
		var rep workflow.ReconcileReport
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep != want {
			t.Errorf("run %d: %s %v; want %+v", i, out.String(), err, want)
		}
	}
	db, err = openStore(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ps, err := db.Payments(ctx, d.ID)
	if err != nil || len(ps) != 1 || ps[0].Channel != "online" || ps[0].Amount != o.Amount {
		t.Errorf("payments = %+v %v; want one online payment", ps, err)
	}
}
