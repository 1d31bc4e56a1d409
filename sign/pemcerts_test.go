package sign_test

import (
	"crypto/x509"
	"encoding/pem"
	"slices"
	"testing"

	"motcua/sign"
)

// TestParsePEMCertificates: the CERTIFICATE blocks in order, other blocks
// skipped, nothing for no block, an error for a block that is not a
// certificate.
func TestParsePEMCertificates(t *testing.T) {
	p := newTestPKI(t, testNow())
	cert := func(c *x509.Certificate) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	data := slices.Concat(cert(p.officer.Certificate), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}}), cert(p.pki.Root))
	got, err := sign.ParsePEMCertificates(data)
	if err != nil || len(got) != 2 || !got[0].Equal(p.officer.Certificate) || !got[1].Equal(p.pki.Root) {
		t.Errorf("ParsePEMCertificates = %d certificates, %v; want the officer's and the root", len(got), err)
	}
	if got, err := sign.ParsePEMCertificates(p.officer.Certificate.Raw); err != nil || len(got) != 0 {
		t.Errorf("DER, no PEM block: %d certificates, %v; want none", len(got), err)
	}
	if _, err := sign.ParsePEMCertificates(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("x")})); err == nil {
		t.Error("a broken CERTIFICATE block gave no error")
	}
}
