package sign_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"motcua/sign"
	"motcua/sign/internal/pdfsign"
)

// ocspCA is a CA whose key the test holds, to make OCSP responses.
type ocspCA struct {
	root *x509.Certificate
	key  crypto.Signer
	pool *x509.CertPool
}

func newOCSPCA(t *testing.T, now time.Time) *ocspCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "OCSP test root"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(root)
	return &ocspCA{root: root, key: key, pool: pool}
}

func (ca *ocspCA) issue(t *testing.T, now time.Time, serial int64, eku []x509.ExtKeyUsage) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "Sở Nội vụ", Organization: []string{"Sở Nội vụ"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0), ExtKeyUsage: eku,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.root, key.Public(), ca.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key
}

// TestVerifyDSSWithOCSP verifies a DSS holding an OCSP response instead of
// a CRL, as other PAdES tools write it, and checks that AddDSS keeps it.
func TestVerifyDSSWithOCSP(t *testing.T) {
	now := testNow()
	ca := newOCSPCA(t, now)
	cert, key := ca.issue(t, now, 100, nil)
	responder, responderKey := ca.issue(t, now, 101, []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning})
	notResponder, notResponderKey := ca.issue(t, now, 102, nil)
	id := &sign.Identity{Signer: key, Certificate: cert, Chain: []*x509.Certificate{ca.root}}
	signed, err := sign.SignPDF(minimalPDF(false), id, sign.PDFOptions{Kind: sign.Approval, Time: now})
	if err != nil {
		t.Fatal(err)
	}
	response := func(status int, signer *x509.Certificate, signerKey crypto.Signer) []byte {
		tmpl := ocsp.Response{Status: status, SerialNumber: cert.SerialNumber, ThisUpdate: now.Add(time.Minute),
			NextUpdate: now.Add(24 * time.Hour), RevokedAt: now.Add(-time.Minute).UTC().Truncate(time.Second)}
		if signer != ca.root {
			tmpl.Certificate = signer
		}
		der, err := ocsp.CreateResponse(ca.root, signer, tmpl, signerKey)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	tests := []struct {
		name    string
		ocsp    []byte
		want    string
		wantLTV bool
	}{
		{"GoodFromCA", response(ocsp.Good, ca.root, ca.key), sign.RevocationGood, true},
		{"GoodFromDelegatedResponder", response(ocsp.Good, responder, responderKey), sign.RevocationGood, true},
		{"ResponderWithoutOCSPSigning", response(ocsp.Good, notResponder, notResponderKey), sign.RevocationUnknown, false},
		{"Revoked", response(ocsp.Revoked, ca.root, ca.key), sign.RevocationRevoked, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lt, err := pdfsign.AppendDSS(signed, pdfsign.DSS{
				Certs: []pdfsign.Stream{{Data: cert.Raw}, {Data: ca.root.Raw}},
				OCSPs: []pdfsign.Stream{{Data: tt.ocsp}},
			})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := sign.VerifyPDF(lt, sign.VerifyOptions{Roots: ca.pool, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			s := rep.Signatures[0]
			if s.Revocation != tt.want || s.LTV != tt.wantLTV || s.Intact != (tt.want != sign.RevocationRevoked) || !rep.DSSAppended {
				t.Errorf("Revocation=%q LTV=%v Intact=%v DSSAppended=%v; want %q %v", s.Revocation, s.LTV, s.Intact, rep.DSSAppended, tt.want, tt.wantLTV)
			}
			if tt.name != "GoodFromCA" {
				return
			}
			// AddDSS on top keeps the OCSP response and adds a CRL.
			lt2, err := sign.AddDSS(context.Background(), lt, sign.DSSOptions{Roots: ca.pool, Revocation: crlSigner{ca: ca}, Now: now.Add(time.Minute)})
			if err != nil {
				t.Fatal(err)
			}
			c := readDSSContent(t, lt2)
			if len(c.certs) != 2 || len(c.crls) != 1 {
				t.Errorf("second DSS: %d certificates, %d CRLs", len(c.certs), len(c.crls))
			}
			if rep, err := sign.VerifyPDF(lt2, sign.VerifyOptions{Roots: ca.pool, Now: now}); err != nil || !rep.Intact || !rep.LTV {
				t.Errorf("VerifyPDF after a second DSS = %+v, %v", rep, err)
			}
		})
	}
}

// crlSigner issues empty CRLs from an ocspCA.
type crlSigner struct {
	sign.NoOCSP
	ca *ocspCA
}

func (s crlSigner) CRL(_ context.Context, _, _ *x509.Certificate, at time.Time) ([]byte, error) {
	return x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: at, NextUpdate: at.Add(time.Hour)}, s.ca.root, s.ca.key)
}
