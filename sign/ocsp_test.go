package sign_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	ipdf "motcua/sign/internal/pdf"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"motcua/sign"
	"motcua/sign/internal/pdfsign"
)

// newOCSPTestPKI is newTestPKI with certificates that name an OCSP
// responder, so that AddDSS asks the DemoPKI for OCSP responses.
func newOCSPTestPKI(tb testing.TB, now time.Time) *testPKI {
	tb.Helper()
	return newTestPKIWith(tb, now, func(pki *sign.DemoPKI) { pki.OCSPURL = "http://ocsp.demo.invalid/" })
}

// dssOCSPs returns the OCSP responses of the DSS of data.
func dssOCSPs(t *testing.T, data []byte) [][]byte {
	t.Helper()
	r, err := ipdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	arr := r.Trailer().Key("Root").Key("DSS").Key("OCSPs")
	var out [][]byte
	for i := 0; i < arr.Len(); i++ {
		if _, _, ok := arr.IndexRef(i); !ok || arr.Index(i).Kind() != ipdf.Stream {
			t.Fatalf("/DSS /OCSPs[%d] is not an indirect stream", i)
		}
		b, err := io.ReadAll(arr.Index(i).Reader())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func TestAddDSSWithOCSP(t *testing.T) {
	now := testNow()
	p := newOCSPTestPKI(t, now)
	if got := p.org.Certificate.OCSPServer; len(got) != 1 || got[0] != "http://ocsp.demo.invalid/" {
		t.Fatalf("OCSPServer = %q", got)
	}
	signed := signBoth(t, p, testPDF(t), now, "") // seal at now+1min
	revokedAt := now.Add(90 * time.Second)
	p.pki.Revoke(p.org.Certificate.SerialNumber, revokedAt) // after the seal
	lt := addDSS(t, p, signed, now.Add(2*time.Minute))

	if out := pdfsig(t, lt, ""); strings.Count(out, "Signature is Valid.") != 2 {
		t.Errorf("pdfsig after AddDSS:\n%s", out)
	}
	qpdfCheck(t, lt)

	rep, err := sign.VerifyPDF(lt, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now.AddDate(4, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Intact || !rep.Trusted || !rep.LTV || !rep.DSSAppended || rep.UnsignedChanges || len(rep.Signatures) != 2 {
		t.Fatalf("Report Intact=%v Trusted=%v LTV=%v DSSAppended=%v UnsignedChanges=%v", rep.Intact, rep.Trusted, rep.LTV, rep.DSSAppended, rep.UnsignedChanges)
	}
	if off := rep.Signatures[0]; !off.LTV || off.Revocation != sign.RevocationGood || !off.RevokedAt.IsZero() || len(off.Errors) > 0 {
		t.Errorf("officer: LTV=%v Revocation=%q RevokedAt=%v Errors=%q", off.LTV, off.Revocation, off.RevokedAt, off.Errors)
	}
	if seal := rep.Signatures[1]; !seal.Intact || !seal.LTV || seal.Revocation != sign.RevocationGood || !seal.RevokedAt.Equal(revokedAt) {
		t.Errorf("seal: Intact=%v LTV=%v Revocation=%q RevokedAt=%v", seal.Intact, seal.LTV, seal.Revocation, seal.RevokedAt)
	}

	// The DSS: two OCSP responses signed by the root (officer good,
	// organisation revoked), no CRL, and VRI entries referencing them.
	c := readDSSContent(t, lt)
	if len(c.certs) != 3 || len(c.crls) != 0 {
		t.Errorf("DSS: %d certificates, %d CRLs; want 3, 0", len(c.certs), len(c.crls))
	}
	ocsps := dssOCSPs(t, lt)
	if len(ocsps) != 2 {
		t.Fatalf("DSS: %d OCSP responses, want 2", len(ocsps))
	}
	statuses := map[string]int{}
	for _, der := range ocsps {
		for _, cert := range []*x509.Certificate{p.officer.Certificate, p.org.Certificate} {
			if r, err := ocsp.ParseResponseForCert(der, cert, p.pki.Root); err == nil {
				statuses[cert.Subject.CommonName+"/"+map[int]string{ocsp.Good: "good", ocsp.Revoked: "revoked"}[r.Status]]++
			}
		}
	}
	if statuses["Nguyễn Văn Ánh/good"] != 1 || statuses["Ủy ban nhân dân tỉnh Bắc Ninh/revoked"] != 1 {
		t.Errorf("OCSP statuses %v", statuses)
	}
	if len(c.contents) != 2 || len(c.vri) != 2 {
		t.Fatalf("%d signatures, %d VRI entries", len(c.contents), len(c.vri))
	}
	for i, contents := range c.contents {
		v := c.vri[vriKey(contents)]
		if v.Key("Cert").Len() != 2 || v.Key("OCSP").Len() != 1 || v.Key("CRL").Len() != 0 {
			t.Errorf("VRI of signature %d: %v", i+1, v)
		}
	}
	// A second AddDSS keeps the responses and adds none (same ones).
	lt2 := addDSS(t, p, lt, now.Add(3*time.Minute))
	if n := len(dssOCSPs(t, lt2)); n != 2 {
		t.Errorf("second DSS: %d OCSP responses, want 2", n)
	}
}

func TestAddDSSWithOCSPRevokedBeforeSigning(t *testing.T) {
	now := testNow()
	p := newOCSPTestPKI(t, now)
	p.pki.Revoke(p.officer.Certificate.SerialNumber, now.Add(-time.Minute))
	lt := addDSS(t, p, signBoth(t, p, testPDF(t), now, ""), now.Add(2*time.Minute))
	rep, err := sign.VerifyPDF(lt, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if off := rep.Signatures[0]; off.Intact || !off.LTV || off.Revocation != sign.RevocationRevoked {
		t.Errorf("officer: Intact=%v LTV=%v Revocation=%q", off.Intact, off.LTV, off.Revocation)
	}
	if seal := rep.Signatures[1]; !seal.Intact || seal.Revocation != sign.RevocationGood {
		t.Errorf("seal: Intact=%v Revocation=%q", seal.Intact, seal.Revocation)
	}
	if c := readDSSContent(t, lt); len(c.crls) != 0 || len(dssOCSPs(t, lt)) != 2 {
		t.Errorf("DSS: %d CRLs, %d OCSP responses", len(c.crls), len(dssOCSPs(t, lt)))
	}
}

// ocspServer is an OCSP responder and CRL server for an ocspCA. Paths:
// /crl, /ocsp/root (signed by the CA), /ocsp/delegated (by a responder
// with id-kp-OCSPSigning), /ocsp/noeku (by a CA certificate without it)
// and /ocsp/foreign (by a key the CA never certified).
type ocspServer struct {
	*httptest.Server
	ca       *ocspCA
	now      time.Time
	requests atomic.Int32

	mu      sync.Mutex
	revoked map[string]time.Time
}

func newOCSPServer(t *testing.T, ca *ocspCA, now time.Time) *ocspServer {
	s := &ocspServer{ca: ca, now: now, revoked: map[string]time.Time{}}
	delegated, delegatedKey := ca.issue(t, now, 201, []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning})
	noEKU, noEKUKey := ca.issue(t, now, 202, nil)
	foreign := newOCSPCA(t, now)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		if r.URL.Path == "/crl" {
			var entries []x509.RevocationListEntry
			for k, at := range s.revoked {
				n, _ := new(big.Int).SetString(k, 10)
				entries = append(entries, x509.RevocationListEntry{SerialNumber: n, RevocationTime: at})
			}
			der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now,
				NextUpdate: now.Add(24 * time.Hour), RevokedCertificateEntries: entries}, ca.root, ca.key)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Write(der)
			return
		}
		body, _ := io.ReadAll(r.Body)
		req, err := ocsp.ParseRequest(body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/ocsp-request" || err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		tmpl := ocsp.Response{Status: ocsp.Good, SerialNumber: req.SerialNumber, ThisUpdate: now, NextUpdate: now.Add(24 * time.Hour)}
		if at, ok := s.revoked[req.SerialNumber.String()]; ok {
			tmpl.Status, tmpl.RevokedAt = ocsp.Revoked, at
		}
		var signer *x509.Certificate
		var key crypto.Signer
		switch r.URL.Path {
		case "/ocsp/root":
			signer, key = ca.root, ca.key
		case "/ocsp/delegated":
			signer, key, tmpl.Certificate = delegated, delegatedKey, delegated
		case "/ocsp/noeku":
			signer, key, tmpl.Certificate = noEKU, noEKUKey, noEKU
		case "/ocsp/foreign":
			signer, key = foreign.root, foreign.key
		default:
			http.NotFound(w, r)
			return
		}
		der, err := ocsp.CreateResponse(ca.root, signer, tmpl, key)
		writeDER(w, "application/ocsp-response", der, err)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *ocspServer) revoke(serial *big.Int, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked[serial.String()] = at.UTC()
}

// issue issues a signing certificate naming these OCSP responders and
// the server's CRL.
func (s *ocspServer) issue(t *testing.T, serial int64, ocspURLs ...string) *sign.Identity {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "Trần Thị Bình", Organization: []string{"Sở Tư pháp"}},
		NotBefore: s.now.Add(-time.Hour), NotAfter: s.now.AddDate(1, 0, 0), OCSPServer: ocspURLs, CRLDistributionPoints: []string{s.URL + "/crl"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, s.ca.root, key.Public(), s.ca.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &sign.Identity{Signer: key, Certificate: cert, Chain: []*x509.Certificate{s.ca.root}}
}

func TestHTTPRevocationOCSP(t *testing.T) {
	now := testNow()
	ca := newOCSPCA(t, now)
	srv := newOCSPServer(t, ca, now)
	ctx := context.Background()
	h := &sign.HTTPRevocation{Timeout: 5 * time.Second}

	status := func(t *testing.T, id *sign.Identity) (int, error) {
		t.Helper()
		der, err := h.OCSP(ctx, id.Certificate, ca.root, now.Add(time.Minute))
		if err != nil {
			return -1, err
		}
		r, err := ocsp.ParseResponseForCert(der, id.Certificate, ca.root)
		if err != nil {
			t.Fatalf("returned response: %v", err)
		}
		return r.Status, nil
	}
	t.Run("GoodCached", func(t *testing.T) {
		id := srv.issue(t, 300, srv.URL+"/ocsp/root")
		before := srv.requests.Load()
		for range 2 {
			if st, err := status(t, id); err != nil || st != ocsp.Good {
				t.Fatalf("status %d, %v; want good", st, err)
			}
		}
		if n := srv.requests.Load() - before; n != 1 {
			t.Errorf("%d requests, want 1 (cache)", n)
		}
	})
	t.Run("Delegated", func(t *testing.T) {
		if st, err := status(t, srv.issue(t, 301, srv.URL+"/ocsp/delegated")); err != nil || st != ocsp.Good {
			t.Errorf("status %d, %v; want good", st, err)
		}
	})
	t.Run("Revoked", func(t *testing.T) {
		id := srv.issue(t, 302, srv.URL+"/ocsp/root")
		srv.revoke(id.Certificate.SerialNumber, now.Add(-time.Minute))
		if st, err := status(t, id); err != nil || st != ocsp.Revoked {
			t.Errorf("status %d, %v; want revoked", st, err)
		}
	})
	for _, path := range []string{"/ocsp/noeku", "/ocsp/foreign", "/missing"} {
		t.Run("Refused"+strings.ReplaceAll(path, "/", "_"), func(t *testing.T) {
			_, err := status(t, srv.issue(t, 303, srv.URL+path))
			var se *sign.Error
			if !asError(err, &se) || se.Code != sign.ERevocation || !strings.Contains(se.Message, "OCSP") {
				t.Errorf("err = %v; want an ERevocation error", err)
			}
		})
	}
	t.Run("SecondResponderAfterFailure", func(t *testing.T) {
		if st, err := status(t, srv.issue(t, 304, srv.URL+"/ocsp/foreign", srv.URL+"/ocsp/root")); err != nil || st != ocsp.Good {
			t.Errorf("status %d, %v; want good", st, err)
		}
	})

	// AddDSS: OCSP when the responder answers, CRL otherwise.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	unreachable := "http://" + l.Addr().String() + "/ocsp"
	l.Close()
	tests := []struct {
		name        string
		ocspURL     string
		revoked     bool
		ocsps, crls int
	}{
		{"OCSP", srv.URL + "/ocsp/root", false, 1, 0},
		{"OCSPRevokedAfterSigning", srv.URL + "/ocsp/delegated", true, 1, 0},
		{"UnreachableFallsBackToCRL", unreachable, false, 0, 1},
		{"WrongSignerFallsBackToCRL", srv.URL + "/ocsp/noeku", false, 0, 1},
	}
	for i, tt := range tests {
		t.Run("AddDSS"+tt.name, func(t *testing.T) {
			id := srv.issue(t, int64(400+i), tt.ocspURL)
			signed, err := sign.SignPDF(minimalPDF(false), id, sign.PDFOptions{Kind: sign.Approval, Time: now})
			if err != nil {
				t.Fatal(err)
			}
			revokedAt := now.Add(30 * time.Second)
			if tt.revoked {
				srv.revoke(id.Certificate.SerialNumber, revokedAt)
			}
			lt, err := sign.AddDSS(ctx, signed, sign.DSSOptions{Roots: ca.pool, Revocation: h, Now: now.Add(time.Minute)})
			if err != nil {
				t.Fatalf("AddDSS = %v", err)
			}
			c := readDSSContent(t, lt)
			if n := len(dssOCSPs(t, lt)); n != tt.ocsps || len(c.crls) != tt.crls {
				t.Errorf("DSS: %d OCSP responses, %d CRLs; want %d, %d", n, len(c.crls), tt.ocsps, tt.crls)
			}
			if v := c.vri[vriKey(c.contents[0])]; v.Key("OCSP").Len() != tt.ocsps || v.Key("CRL").Len() != tt.crls {
				t.Errorf("VRI: %v", v)
			}
			rep, err := sign.VerifyPDF(lt, sign.VerifyOptions{Roots: ca.pool, Now: now.AddDate(2, 0, 0)})
			if err != nil {
				t.Fatal(err)
			}
			s := rep.Signatures[0]
			if !rep.Intact || !rep.LTV || !s.LTV || s.Revocation != sign.RevocationGood || (tt.revoked && !s.RevokedAt.Equal(revokedAt)) {
				t.Errorf("Intact=%v LTV=%v Revocation=%q RevokedAt=%v", rep.Intact, s.LTV, s.Revocation, s.RevokedAt)
			}
		})
	}
}

// BenchmarkAddDSSOCSP is BenchmarkAddDSS with OCSP responses from the demo
// PKI (reused from its cache, as HTTPRevocation reuses them until
// nextUpdate) instead of its CRL: each response is checked before it is
// stored.
func BenchmarkAddDSSOCSP(b *testing.B) {
	now := testNow()
	benchAddDSS(b, newOCSPTestPKI(b, now), now)
}

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
			dss := pdfsign.DSS{
				Certs: []pdfsign.Stream{{Data: cert.Raw}, {Data: ca.root.Raw}},
				OCSPs: []pdfsign.Stream{{Data: tt.ocsp}},
			}
			lt, err := pdfsign.AppendDSS(signed, dss)
			if err != nil {
				t.Fatal(err)
			}
			// With the reader a caller already opened (AddDSS): the same
			// update.
			rdr, err := pdfsign.Parse(signed)
			if err != nil {
				t.Fatal(err)
			}
			if again, err := pdfsign.AppendDSSRead(signed, rdr, dss); err != nil || !bytes.Equal(again, lt) {
				t.Errorf("AppendDSSRead differs from AppendDSS (%v)", err)
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
