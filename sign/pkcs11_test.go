//go:build cgo

package sign_test

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"motcua/internal/softhsmtest"
	"motcua/sign"
)

func TestOpenPKCS11SoftHSM(t *testing.T) {
	softhsmtest.Token(t, "motcua", "1234")
	now, p := newTestPKINow(t)
	const org = "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh"

	// Generate the seal key inside the token and store its certificate
	// there, as an HSM administrator would.
	cert := softhsmtest.Key(t, "motcua", "1234", 1, "con-dau", func(pub crypto.PublicKey) (*x509.Certificate, error) {
		return p.pki.IssueForKey(pub, "", "", org)
	})

	cfg := sign.PKCS11Config{Module: softhsmtest.Module, TokenLabel: "motcua", PIN: "1234", KeyLabel: "con-dau", ChainPEM: p.pki.RootPEM()}
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
