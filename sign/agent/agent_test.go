//go:build cgo

package agent_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"motcua/internal/clocktest"
	"motcua/internal/softhsmtest"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"motcua/sign"
	"motcua/sign/agent"
	"motcua/sign/agent/agenttest"
	"motcua/sign/signtest"
)

const origin = "https://motcua.bacninh.gov.vn"

// fixture is a SoftHSM2 token holding the leader's key and certificate
// (issued by a demo CA), an agent serving it on a loopback port, and a
// client that is the approve page.
type fixture struct {
	now     time.Time
	skew    atomic.Int64 // added to now by the agent's clock
	pki     *sign.DemoPKI
	cert    *x509.Certificate
	officer *agenttest.Officer
	url     string
	client  *agent.Client
	state   string
}

// softHSM creates a token "lanhdao" (PIN 1234) with an ECDSA key
// "chu-ky" and its certificate, as the CA does when it hands out a USB
// token.
func softHSM(t testing.TB, pki *sign.DemoPKI) *x509.Certificate {
	t.Helper()
	softhsmtest.Token(t, "lanhdao", "1234")
	return softhsmtest.Key(t, "lanhdao", "1234", 9, "chu-ky", func(pub crypto.PublicKey) (*x509.Certificate, error) {
		return pki.IssueForKey(pub, "Lê Thị Mai", "Phó Chủ tịch", "UBND tỉnh Bắc Ninh")
	})
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	now := signtest.Now
	pki := signtest.PKI(t, now)
	f := &fixture{now: now, pki: pki, officer: agenttest.NewOfficer("1234"), state: filepath.Join(t.TempDir(), "agent.json")}
	f.cert = softHSM(t, pki)
	f.start(t)
	return f
}

// start runs an agent (again) on a fresh port.
func (f *fixture) start(t testing.TB) {
	t.Helper()
	a, err := agent.New(agent.Config{Origin: origin, StateFile: f.state, Prompter: f.officer, Now: func() time.Time { return f.now.Add(time.Duration(f.skew.Load())) },
		Token: agent.PKCS11Token(sign.PKCS11Config{Module: softhsmtest.Module, TokenLabel: "lanhdao", KeyLabel: "chu-ky", ChainPEM: f.pki.RootPEM()})})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, "127.0.0.1:0", func(ad net.Addr) { ready <- ad }) }()
	select {
	case ad := <-ready:
		f.url = "http://" + ad.String()
	case err := <-done:
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done })
	secret := ""
	if f.client != nil {
		secret = f.client.Secret
	}
	f.client = &agent.Client{URL: f.url, Origin: origin, Secret: secret, Document: agent.Document{Title: "Giấy phép", Code: "BN-2026-000123"}}
}

// prepare renders a result and prepares the leader's signature with the
// certificate the server has registered for them.
func (f *fixture) prepare(t testing.TB) *sign.PreparedPDF {
	t.Helper()
	p, err := sign.PreparePDF(signtest.Licence(t, f.now), []*x509.Certificate{f.cert, f.pki.Root}, sign.PDFOptions{Kind: sign.Approval, Time: f.now})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAgentSignsWithTheToken(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := f.prepare(t)
	if _, _, err := f.client.Sign(ctx, p.Digest[:]); err == nil || !strings.Contains(err.Error(), "chưa được ghép nối") {
		t.Fatalf("unpaired sign = %v, want a pairing error", err)
	}
	if err := f.client.Pair(ctx, f.officer.Code); err != nil {
		t.Fatal(err)
	}
	sig, certs, err := f.client.Sign(ctx, p.Digest[:])
	if err != nil {
		t.Fatal(err)
	}
	if !certs[0].Equal(f.cert) {
		t.Errorf("agent answered certificate %q", certs[0].Subject.CommonName)
	}
	out, err := p.Finish(ctx, sig, certs[0], f.now)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sign.VerifyPDF(out, sign.VerifyOptions{Roots: f.pki.RootPool(), Now: f.now})
	if err != nil || !rep.Intact || !rep.Trusted || rep.Signatures[0].SignerName != "Lê Thị Mai" {
		t.Fatalf("VerifyPDF = %+v, %v", rep, err)
	}
	if asked := f.officer.Asked(); len(asked) != 1 || asked[0].Code != "BN-2026-000123" {
		t.Errorf("the PIN prompt showed %+v", asked)
	}

	// The pairing survives a restart of the agent.
	f.start(t)
	if _, _, err := f.client.Sign(ctx, p.Digest[:]); err != nil {
		t.Errorf("sign after restart: %v", err)
	}

	// A wrong PIN, and an officer who declines.
	f.officer.Answer("0000", false)
	if _, _, err := f.client.Sign(ctx, p.Digest[:]); err == nil || !strings.Contains(err.Error(), "PIN") {
		t.Errorf("wrong PIN: %v", err)
	}
	f.officer.Answer("1234", true)
	if _, _, err := f.client.Sign(ctx, p.Digest[:]); err == nil || !strings.Contains(err.Error(), "từ chối") {
		t.Errorf("declined: %v", err)
	}
}

func TestAgentRefusesStrangers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	do := func(method, path, host string, h map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, method, f.url+path, strings.NewReader("{}"))
		if host != "" {
			req.Host = host
		}
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	tests := []struct {
		name, method, path, host string
		header                   map[string]string
		status                   int
		allowOrigin              string
	}{
		{"OtherOrigin", "POST", "/v1/pair", "", map[string]string{"Origin": "https://evil.example"}, 403, ""},
		{"NoOrigin", "GET", "/v1/status", "", nil, 403, ""},
		{"OriginPrefix", "GET", "/v1/status", "", map[string]string{"Origin": origin + ".evil.example"}, 403, ""},
		{"DNSRebinding", "GET", "/v1/status", "evil.example:80", map[string]string{"Origin": origin}, 403, ""},
		{"Preflight", "OPTIONS", "/v1/sign", "", map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST"}, 204, origin},
		{"PreflightOtherOrigin", "OPTIONS", "/v1/sign", "", map[string]string{"Origin": "https://evil.example"}, 403, ""},
		{"Status", "GET", "/v1/status", "", map[string]string{"Origin": origin}, 200, origin},
		{"SignUnpaired", "POST", "/v1/sign", "", map[string]string{"Origin": origin}, 401, origin},
		{"SignBadSecret", "POST", "/v1/sign", "", map[string]string{"Origin": origin, "Authorization": "Bearer nope"}, 401, origin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(tt.method, tt.path, tt.host, tt.header)
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.allowOrigin {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.allowOrigin)
			}
		})
	}
	// Three wrong pairing codes end the attempt.
	c := &agent.Client{URL: f.url, Origin: origin}
	for i := 0; i < 3; i++ {
		if err := c.Pair(ctx, func() string { return "x" }); err == nil || !strings.Contains(err.Error(), "không đúng") {
			t.Fatalf("wrong code: %v", err)
		}
	}
	// A code that expired.
	err := c.Pair(ctx, func() string { f.skew.Store(int64(agent.PairingTTL + time.Second)); return f.officer.Code() })
	if err == nil || !strings.Contains(err.Error(), "hết hạn") || c.Secret != "" {
		t.Errorf("expired code: %v (secret %q)", err, c.Secret)
	}
	// Only loopback addresses.
	a, _ := agent.New(agent.Config{Origin: origin, Prompter: f.officer, Now: clocktest.Now, Token: agent.PKCS11Token(sign.PKCS11Config{})})
	if err := a.Serve(ctx, "0.0.0.0:0", nil); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("Serve on 0.0.0.0 = %v", err)
	}
}

// BenchmarkAgentRoundTrip is one signature through the agent and the
// SoftHSM2 token: HTTP to the agent, PIN, token login, sign, logout,
// answer, then Finish on the server side.
func BenchmarkAgentRoundTrip(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	if err := f.client.Pair(ctx, f.officer.Code); err != nil {
		b.Fatal(err)
	}
	p := f.prepare(b)
	b.ResetTimer()
	for b.Loop() {
		sig, certs, err := f.client.Sign(ctx, p.Digest[:])
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Finish(ctx, sig, certs[0], f.now); err != nil {
			b.Fatal(err)
		}
	}
}
