//go:build cgo

package sign_test

import (
	"crypto/elliptic"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ThalesGroup/crypto11"

	"motcua/sign"
)

const softHSMModule = "/usr/lib/softhsm/libsofthsm2.so"

// softHSMToken creates a SoftHSM2 token "motcua" (user PIN 1234) in a
// temporary directory.
func softHSMToken(t *testing.T) {
	t.Helper()
	util := needTool(t, "softhsm2-util")
	if _, err := os.Stat(softHSMModule); err != nil {
		if os.Getenv("MOTCUA_TEST_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s not installed", softHSMModule)
		}
		t.Skipf("%s not installed", softHSMModule)
	}
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+tokens+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	if out, err := runTool(util, "--init-token", "--free", "--label", "motcua", "--pin", "1234", "--so-pin", "5678"); err != nil {
		t.Fatalf("softhsm2-util --init-token: %v\n%s", err, out)
	}
}

func TestOpenPKCS11SoftHSM(t *testing.T) {
	softHSMToken(t)
	now := testNow()
	p := newTestPKI(t, now)
	const org = "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh"

	// Generate the seal key inside the token and store its certificate
	// there, as an HSM administrator would.
	ctx, err := crypto11.Configure(&crypto11.Config{Path: softHSMModule, TokenLabel: "motcua", Pin: "1234"})
	if err != nil {
		t.Fatalf("crypto11.Configure = %v", err)
	}
	key, err := ctx.GenerateECDSAKeyPairWithLabel([]byte{1}, []byte("con-dau"), elliptic.P256())
	if err != nil {
		t.Fatalf("GenerateECDSAKeyPairWithLabel = %v", err)
	}
	cert, err := p.pki.IssueForKey(key.Public(), "", "", org)
	if err != nil {
		t.Fatal(err)
	}
	if err := ctx.ImportCertificateWithLabel([]byte{1}, []byte("con-dau"), cert); err != nil {
		t.Fatalf("ImportCertificateWithLabel = %v", err)
	}
	if err := ctx.Close(); err != nil {
		t.Fatal(err)
	}

	cfg := sign.PKCS11Config{Module: softHSMModule, TokenLabel: "motcua", PIN: "1234", KeyLabel: "con-dau", ChainPEM: p.pki.RootPEM()}
	id, closer, err := sign.OpenPKCS11(cfg)
	if err != nil {
		t.Fatalf("OpenPKCS11 = %v", err)
	}
	signed, err := sign.SignPDF(testPDF(t), p.officer, sign.PDFOptions{Kind: sign.Approval, Time: now, Rect: officerRect, Image: signaturePNG(t)})
	if err != nil {
		t.Fatal(err)
	}
	signed, err = sign.SignPDF(signed, id, sign.PDFOptions{Kind: sign.Seal, Time: now, Rect: sealRect, Image: sealPNG(t)})
	if err != nil {
		t.Fatalf("SignPDF with the token key = %v", err)
	}
	if err := closer.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}

	rep, err := sign.VerifyPDF(signed, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
	if err != nil || !rep.Intact || !rep.Trusted || len(rep.Signatures) != 2 {
		t.Fatalf("VerifyPDF = %+v, %v", rep, err)
	}
	if got := rep.Signatures[1].SignerName; got != org {
		t.Errorf("seal signer = %q, want %q", got, org)
	}
	if out := pdfsig(t, signed, nssTrusting(t, p.pki.RootPEM())); strings.Count(out, "Signature is Valid.") != 2 ||
		strings.Count(out, "Certificate is Trusted.") != 2 {
		t.Errorf("pdfsig:\n%s", out)
	}

	// The certificate may come from configuration instead of the token.
	cfg.CertificatePEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	cfg.ChainPEM = nil
	id, closer, err = sign.OpenPKCS11(cfg)
	if err != nil {
		t.Fatalf("OpenPKCS11(CertificatePEM) = %v", err)
	}
	if _, err := sign.SignDetached([]byte("x"), id, now); err != nil {
		t.Errorf("SignDetached with the token key = %v", err)
	}
	closer.Close()

	cfg.PIN = "0000"
	if _, _, err := sign.OpenPKCS11(cfg); sign.ErrorCode(err) != sign.EKeyStore {
		t.Errorf("OpenPKCS11(wrong PIN) = %v, want EKeyStore", err)
	}
	cfg.PIN, cfg.KeyLabel = "1234", "khong-co"
	if _, _, err := sign.OpenPKCS11(cfg); sign.ErrorCode(err) != sign.EKeyStore {
		t.Errorf("OpenPKCS11(missing key) = %v, want EKeyStore", err)
	}
}
