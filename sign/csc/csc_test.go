package csc_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"motcua/sign"
	"motcua/sign/csc"
	"motcua/sign/csc/csctest"
	"motcua/sign/signtest"
)

// fixture: a demo CA, the leader's key "in the provider's HSM", a fake
// CSC service and a one-page result to sign. The clock is fixed.
type fixture struct {
	now  time.Time
	pki  *sign.DemoPKI
	srv  *csctest.Server
	file []byte
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	now := signtest.Now
	pki := signtest.PKI(t, now)
	id, _, err := pki.IssuePerson("Lê Thị Mai", "Phó Chủ tịch", "UBND tỉnh Bắc Ninh")
	if err != nil {
		t.Fatal(err)
	}
	srv := csctest.New(id, "246810")
	t.Cleanup(srv.Close)
	return &fixture{now: now, pki: pki, srv: srv, file: signtest.Licence(t, now)}
}

func (f *fixture) client(t testing.TB, timeout time.Duration) *csc.Client {
	t.Helper()
	c, err := csc.New(csc.Config{URL: f.srv.APIURL(), Username: f.srv.Username, Password: f.srv.Password, Timeout: timeout}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sign prepares the result, signs the digest remotely with otp and
// finishes it.
func (f *fixture) sign(t testing.TB, c *csc.Client, otp string) ([]byte, error) {
	t.Helper()
	ctx := context.Background()
	certs, err := c.Certificates(ctx)
	if err != nil {
		return nil, err
	}
	p, err := sign.PreparePDF(f.file, certs, sign.PDFOptions{Kind: sign.Approval, Time: f.now})
	if err != nil {
		t.Fatal(err)
	}
	return sign.SignPrepared(ctx, p, csc.Authorized{Client: c, OTP: otp}, f.now)
}

func TestRemoteSigning(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		f := newFixture(t)
		out, err := f.sign(t, f.client(t, 0), "246810")
		if err != nil {
			t.Fatal(err)
		}
		rep, err := sign.VerifyPDF(out, sign.VerifyOptions{Roots: f.pki.RootPool(), Now: f.now})
		if err != nil || !rep.Intact || !rep.Trusted || rep.Signatures[0].SignerName != "Lê Thị Mai" {
			t.Fatalf("VerifyPDF = %+v, %v", rep, err)
		}
		for _, m := range []string{"auth/login", "credentials/list", "credentials/info", "credentials/authorize", "signatures/signHash"} {
			if f.srv.Calls(m) != 1 {
				t.Errorf("%s called %d times, want 1", m, f.srv.Calls(m))
			}
		}
	})
	t.Run("ErrOTPRefused", func(t *testing.T) {
		f := newFixture(t)
		c := f.client(t, 0)
		_, err := f.sign(t, c, "000000")
		if sign.ErrorCode(err) != sign.EAuthorization || !sign.Refused(err) || !strings.Contains(err.Error(), "OTP") {
			t.Fatalf("wrong OTP: %v, want EAuthorization naming the OTP", err)
		}
		if f.srv.Calls("signatures/signHash") != 0 {
			t.Error("signHash was called without authorisation")
		}
		// The officer types it again, right this time.
		if _, err := f.sign(t, c, "246810"); err != nil {
			t.Errorf("second attempt: %v", err)
		}
	})
	t.Run("ErrSlowProvider", func(t *testing.T) {
		f := newFixture(t)
		c := f.client(t, 200*time.Millisecond)
		if _, err := c.Certificates(context.Background()); err != nil {
			t.Fatal(err)
		}
		f.srv.SetDelay(5 * time.Second)
		_, err := f.sign(t, c, "246810")
		if sign.ErrorCode(err) != sign.ERemote || sign.Refused(err) || !strings.Contains(err.Error(), "không trả lời trong") {
			t.Fatalf("slow provider: %v, want ERemote saying it did not answer in time", err)
		}
	})
	t.Run("ErrProviderDown", func(t *testing.T) {
		f := newFixture(t)
		f.srv.SetDown(true)
		_, err := f.sign(t, f.client(t, 0), "246810")
		if sign.ErrorCode(err) != sign.ERemote || !strings.Contains(err.Error(), "chưa ký") {
			t.Fatalf("provider down: %v, want ERemote", err)
		}
	})
	t.Run("ErrProviderGone", func(t *testing.T) {
		f := newFixture(t)
		url := f.srv.APIURL()
		f.srv.Close()
		c, _ := csc.New(csc.Config{URL: url, AccessToken: "x"}, nil)
		if _, err := c.Certificates(context.Background()); sign.ErrorCode(err) != sign.ERemote || !strings.Contains(err.Error(), "không kết nối được") {
			t.Fatalf("no provider: %v, want ERemote", err)
		}
	})
	t.Run("ErrBadAccount", func(t *testing.T) {
		f := newFixture(t)
		c, _ := csc.New(csc.Config{URL: f.srv.APIURL(), Username: "ai-do", Password: "sai"}, nil)
		if _, err := c.Certificates(context.Background()); sign.ErrorCode(err) != sign.ERemote || !strings.Contains(err.Error(), "cấu hình") {
			t.Fatalf("bad account: %v", err)
		}
	})
}

// BenchmarkRemoteSignature is one signature round trip through the fake
// CSC service (authorize + signHash over loopback HTTP, then Finish).
func BenchmarkRemoteSignature(b *testing.B) {
	f := newFixture(b)
	c := f.client(b, 0)
	ctx := context.Background()
	certs, err := c.Certificates(ctx)
	if err != nil {
		b.Fatal(err)
	}
	p, err := sign.PreparePDF(f.file, certs, sign.PDFOptions{Kind: sign.Approval, Time: f.now})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := sign.SignPrepared(ctx, p, csc.Authorized{Client: c, OTP: "246810"}, f.now); err != nil {
			b.Fatal(err)
		}
	}
}
