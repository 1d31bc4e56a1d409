package sign_test

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"testing"

	"github.com/digitorus/pdf"
	pdfsign "github.com/digitorus/pdfsign/sign"

	"motcua/internal/clocktest"
	"motcua/sign"
)

// TestVerifyPDFSignedByDigitorus verifies an adbe.pkcs7.detached signature
// written by the upstream digitorus/pdfsign library (CMS from
// digitorus/pkcs7, with a signing-time attribute), then seals the result
// with SignPDF.
func TestVerifyPDFSignedByDigitorus(t *testing.T) {
	clocktest.RealClockOnly(t, "digitorus/pdfsign stamps the real time")
	now, p := newTestPKINow(t)
	in := minimalPDF(false)
	rdr, err := pdf.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = pdfsign.Sign(bytes.NewReader(in), &out, rdr, int64(len(in)), pdfsign.SignData{
		Signature: pdfsign.SignDataSignature{
			Info:     pdfsign.SignDataSignatureInfo{Name: "Nguyễn Văn Ánh", Reason: "Phê duyệt", Date: now},
			CertType: pdfsign.ApprovalSignature,
		},
		Signer:            p.officer.Signer,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       p.officer.Certificate,
		CertificateChains: [][]*x509.Certificate{{p.officer.Certificate, p.pki.Root}},
	})
	if err != nil {
		t.Fatalf("digitorus pdfsign: %v", err)
	}
	sealed, err := sign.SignPDF(out.Bytes(), p.org, sign.PDFOptions{Kind: sign.Seal, Time: now, Rect: sealRect, Image: sealPNG(t)})
	if err != nil {
		t.Fatalf("SignPDF after digitorus = %v", err)
	}
	rep, err := sign.VerifyPDF(sealed, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
	if err != nil || len(rep.Signatures) != 2 {
		t.Fatalf("VerifyPDF = %+v, %v", rep, err)
	}
	first := rep.Signatures[0]
	if !rep.Intact || !rep.Trusted || first.SubFilter != "adbe.pkcs7.detached" || first.ClaimedTime.IsZero() || len(first.Errors) > 0 {
		t.Errorf("Intact=%v Trusted=%v first=%+v", rep.Intact, rep.Trusted, first)
	}
	if out := pdfsig(t, sealed, ""); bytes.Count([]byte(out), []byte("Signature is Valid.")) != 2 {
		t.Errorf("pdfsig:\n%s", out)
	}
}
