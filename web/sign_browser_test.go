//go:build cgo

package web_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/internal/demotest"
	"motcua/internal/softhsmtest"
	"motcua/internal/stacktest"
	"motcua/internal/tooltest"
	"motcua/render"
	"motcua/sign"
	"motcua/sign/agent"
	"motcua/sign/agent/agenttest"
	"motcua/store"
	"motcua/web"
	"motcua/workflow"
)

// TestBrowserSignsWithUSBToken is issue 17 end to end: headless Chromium
// on the approve page, the local signing agent, SoftHSM2 as the leader's
// USB token, and pdfsig checking the issued result afterwards.
func TestBrowserSignsWithUSBToken(t *testing.T) {
	softhsmtest.Token(t, "lanhdao", "1234")
	pdfsig := tooltest.Path(t, "pdfsig")
	ctx := newBrowser(t)
	bg := context.Background()
	dir := t.TempDir()

	// The server, in demo mode with its demo CA and TSA.
	var h *web.Server // set below, once the agent's address is known
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	defer srv.Close()
	keys, db, svc := stacktest.SigningDemo(t, store.SQLite, workflow.Config{BaseURL: srv.URL, Now: clocktest.Now})

	// The leader's USB token: a key made inside it, certified by the CA.
	cert := softhsmtest.Key(t, "lanhdao", "1234", 3, "chu-ky", func(pub crypto.PublicKey) (*x509.Certificate, error) {
		return keys.DemoPKI().IssueForKey(pub, "Lê Thị Thu Hà", "Phó Giám đốc", "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh")
	})
	// The administrator registers the token's certificate for the leader.
	if err := keys.SetOfficerSigning("approver", render.OfficerSigning{Method: workflow.SignWithAgent,
		Certificates: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))}); err != nil {
		t.Fatal(err)
	}

	// The agent on the leader's computer, for this motcua only.
	officer := agenttest.NewOfficer("1234")
	ag, err := agent.New(agent.Config{Origin: srv.URL, Prompter: officer, Now: clocktest.Now,
		Token: agent.PKCS11Token(sign.PKCS11Config{Module: softhsmtest.Module, TokenLabel: "lanhdao", KeyLabel: "chu-ky"})})
	if err != nil {
		t.Fatal(err)
	}
	actx, stop := context.WithCancel(bg)
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- ag.Serve(actx, "127.0.0.1:0", func(a net.Addr) { ready <- a }) }()
	agentURL := "http://" + (<-ready).String()
	defer func() { stop(); <-done }()
	h, err = web.NewServer(svc, slog.New(slog.DiscardHandler), web.Options{PublicRPS: 1000, PublicBurst: 1000, Demo: true, SignAgent: agentURL})
	if err != nil {
		t.Fatal(err)
	}

	// A dossier awaiting the leader's approval.
	users := demotest.Users(t, db)
	user := func(name string) *dossier.User { return users[name] }
	d := demotest.Receive(t, svc, users["reception"], dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234", Address: "Bắc Ninh"})
	d = demotest.Walk(t, svc, users, d, demotest.Step{Who: "appraiser", Action: dossier.ActAssign},
		demotest.Step{Who: "appraiser", Action: dossier.ActSubmitAppraisal, In: workflow.ActionInput{Recommendation: "approve",
			Report: "Đủ điều kiện", DraftResult: "Cấp Giấy chứng nhận đăng ký doanh nghiệp tư nhân Ánh Dương."}})

	b := &browserRun{t: t, ctx: ctx, base: srv.URL, dir: browserArtifacts(t)}
	b.signIn("approver", "/ho-so/"+d.Code, "#act-approve")
	b.do("open the signing page",
		chromedp.Click(chromedp.CSS("#act-approve button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#sign-document")),
	)
	b.checkPage("signing page")
	facts := b.text("#sign-facts")
	for _, want := range []string{"KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Thị Thu Hà", "Quyết định số 15/QĐ-SKHĐT", "USB token", sign.DemoRootName} {
		if !strings.Contains(facts, want) {
			t.Errorf("signing page lacks %q:\n%s", want, facts)
		}
	}
	// The frame holds the document itself (a PDF), and the page never
	// asks for the PIN.
	preview, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.getElementById("sign-document").src).then(r => r.text()).then(t => t.slice(0, 5))`, chromedp.EvalAwaitPromise))
	if err != nil || preview != "%PDF-" {
		t.Errorf("preview frame: %q, %v", preview, err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("input[type=password]").length`)); n != 0 {
		t.Errorf("the page has %d password fields; the PIN belongs to the agent", n)
	}
	b.shot("sign-preview")
	// By keyboard: the frame's document loads meanwhile and may move the
	// layout under a mouse click.
	b.do("consent, then sign with the token",
		chromedp.Focus(chromedp.CSS("#sign-confirm")),
		chromedp.KeyEvent(" "),
		chromedp.Focus(chromedp.CSS("#agent-sign")),
		chromedp.KeyEvent("\r"),
	)
	pctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	if err := chromedp.Do(pctx, chromedp.WaitVisible(chromedp.CSS("#agent-code"))); err != nil {
		st, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("agent-status").textContent + " | confirm=" + document.getElementById("sign-confirm").checked`))
		t.Fatalf("no pairing box: %v; status %q", err, st)
	}
	cancel()
	code := officer.Code()
	b.do("type the pairing code; the agent signs",
		chromedp.SendKeys(chromedp.CSS("#agent-code"), code),
		chromedp.Focus(chromedp.CSS("#agent-pair-ok")),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(".dossier-head .st-approved")),
	)
	b.shot("approved")
	if asked := officer.Asked(); len(asked) != 1 || asked[0].Code != d.Code {
		t.Errorf("the agent showed %+v with the PIN prompt", asked)
	}

	// The clerk issues it; pdfsig and our verifier accept the result.
	d, _ = svc.Dossier(bg, user("clerk"), d.Code)
	if d, err = svc.Act(bg, user("clerk"), d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version}); err != nil {
		t.Fatal(err)
	}
	file, err := svc.ResultPDF(bg, user("clerk"), d.Code)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "result.pdf")
	os.WriteFile(path, file, 0o600)
	out, err := exec.Command(pdfsig, path).CombinedOutput()
	if err != nil || strings.Count(string(out), "Signature is Valid") != 2 || !strings.Contains(string(out), "Lê Thị Thu Hà") {
		t.Errorf("pdfsig: %v\n%s", err, out)
	}
	rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: keys.Roots(), Now: clocktest.Now()})
	if err != nil || !rep.Intact || !rep.Trusted || !rep.Signatures[0].Certificate.Equal(cert) || rep.Signatures[0].Level != sign.LevelBLT {
		t.Fatalf("VerifyPDF = %+v, %v", rep, err)
	}
	// The consent, the token's certificate and the digest are in the
	// audit trail.
	es, _ := db.AuditEntries(bg, 100)
	found := false
	for _, e := range es {
		if e.Action == "sign_consent" && e.ObjectID == d.Code {
			var c map[string]any
			json.Unmarshal([]byte(e.Summary), &c)
			found = c["method"] == "agent" && c["confirmed"] == true && c["certificate_sha256"] == render.CertificateInfo(cert).SHA256 && c["signed_digest"] != ""
		}
	}
	if !found {
		t.Error("no consent of the leader in the audit trail")
	}
}
