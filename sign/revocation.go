package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ocsp"
)

// RevocationSource supplies revocation data for AddDSS and
// CheckCertificate: CRLs, and OCSP responses when it has a responder to
// ask. Both methods are part of the interface so that what a source can do
// is stated where it is built, not discovered by type assertion; a source
// without OCSP embeds NoOCSP.
type RevocationSource interface {
	// CRL returns a DER-encoded CRL, issued and signed by issuer, that
	// covers cert at time at.
	CRL(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) ([]byte, error)
	// OCSP returns a DER-encoded OCSPResponse about cert, issued by
	// issuer, valid at time at, or ErrNoOCSP when the source has no OCSP
	// responder. AddDSS and CheckCertificate ask it first, check the
	// answer (see checkOCSP), and fall back to the CRL when it fails.
	OCSP(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) ([]byte, error)
}

// ErrNoOCSP is what a RevocationSource without OCSP answers: the CRL is
// used instead, and the OCSP attempt is not reported as a failure.
var ErrNoOCSP = errors.New("sign: this revocation source has no OCSP responder")

// NoOCSP, embedded in a RevocationSource that only has CRLs, answers
// every OCSP request with ErrNoOCSP.
type NoOCSP struct{}

// OCSP returns ErrNoOCSP.
func (NoOCSP) OCSP(context.Context, *x509.Certificate, *x509.Certificate, time.Time) ([]byte, error) {
	return nil, ErrNoOCSP
}

// Revocation statuses of SignatureInfo.Revocation.
const (
	RevocationGood    = "good"    // not revoked at the signing time
	RevocationRevoked = "revoked" // revoked at or before the signing time
	RevocationUnknown = "unknown" // no usable revocation data in the file
)

// maxCRLSize bounds a CRL downloaded by HTTPRevocation.
const maxCRLSize = 16 << 20

// maxOCSPSize bounds an OCSP response downloaded by HTTPRevocation.
const maxOCSPSize = 1 << 20

// ocspClockSkew is how far in the future of the requested time an OCSP
// response's thisUpdate may lie (the responder's clock may run ahead).
const ocspClockSkew = 5 * time.Minute

// HTTPRevocation fetches CRLs from the HTTP or HTTPS CRL distribution
// points of certificates (the production RevocationSource), and OCSP
// responses from their HTTP or HTTPS OCSP responders (AddDSS prefers OCSP). Each CRL is checked (it must
// parse, name the issuer and be signed by it, and not be past its
// NextUpdate at the requested time), each OCSP response too (see
// checkOCSP); both are kept in memory until their NextUpdate. Use it
// through a pointer; the zero value is ready to use and safe for
// concurrent use.
type HTTPRevocation struct {
	// Client performs the requests; nil means http.DefaultClient.
	Client *http.Client
	// Timeout bounds each download; zero means 15 seconds.
	Timeout time.Duration

	mu        sync.Mutex
	cache     map[string]cachedCRL    // by URL
	ocspCache map[[64]byte]cachedOCSP // by SHA-256 of the certificate, then of the issuer
}

type cachedOCSP struct {
	der        []byte
	nextUpdate time.Time
}

type cachedCRL struct {
	der        []byte
	issuerKey  [32]byte // SHA-256 of the issuer certificate
	nextUpdate time.Time
}

// httpURLs keeps the http and https addresses of urls, in order.
func httpURLs(urls []string) []string {
	var out []string
	for _, u := range urls {
		if p, err := url.Parse(u); err == nil && (strings.EqualFold(p.Scheme, "http") || strings.EqualFold(p.Scheme, "https")) {
			out = append(out, u)
		}
	}
	return out
}

// sourceURLs returns the http and https addresses among urls, the
// revocation sources of cert, or an error saying cert has no address of
// the service named vi (in Vietnamese) and en (in English).
func sourceURLs(cert *x509.Certificate, urls []string, vi, en string) ([]string, error) {
	if urls := httpURLs(urls); len(urls) > 0 {
		return urls, nil
	}
	return nil, newError(ERevocation, "chứng thư số "+cert.Subject.CommonName+" không có địa chỉ HTTP của "+vi,
		"the certificate "+cert.Subject.CommonName+" has no HTTP "+en, nil)
}

// cacheBounded sets (*m)[k] = v, first emptying *m when it is nil or
// holds limit entries already.
func cacheBounded[K comparable, V any](m *map[K]V, limit int, k K, v V) {
	if *m == nil || len(*m) >= limit {
		*m = map[K]V{}
	}
	(*m)[k] = v
}

// maxCachedCRLs bounds the cache; it is emptied when full.
const maxCachedCRLs = 256

// CRL implements RevocationSource. It tries the http and https
// distribution points of cert in order and returns the first valid CRL.
func (h *HTTPRevocation) CRL(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) ([]byte, error) {
	urls, err := sourceURLs(cert, cert.CRLDistributionPoints, "danh sách thu hồi (CRL)", "CRL distribution point")
	if err != nil {
		return nil, err
	}
	issuerKey := sha256.Sum256(issuer.Raw)
	var errs []error
	for _, u := range urls {
		h.mu.Lock()
		c, ok := h.cache[u]
		h.mu.Unlock()
		if ok && c.issuerKey == issuerKey && at.Before(c.nextUpdate) {
			return c.der, nil
		}
		der, next, err := h.fetch(ctx, u, issuer, at)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u, err))
			continue
		}
		if !next.IsZero() {
			h.mu.Lock()
			cacheBounded(&h.cache, maxCachedCRLs, u, cachedCRL{der: der, issuerKey: issuerKey, nextUpdate: next})
			h.mu.Unlock()
		}
		return der, nil
	}
	return nil, newError(ERevocation, "không tải được danh sách thu hồi (CRL) cho chứng thư số "+cert.Subject.CommonName,
		"cannot download a CRL for the certificate "+cert.Subject.CommonName, errors.Join(errs...))
}

// fetch downloads and checks one CRL.
func (h *HTTPRevocation) fetch(ctx context.Context, u string, issuer *x509.Certificate, at time.Time) ([]byte, time.Time, error) {
	data, err := h.do(ctx, http.MethodGet, u, nil, "", maxCRLSize)
	if err != nil {
		return nil, time.Time{}, err
	}
	if b, _ := pem.Decode(data); b != nil && b.Type == "X509 CRL" {
		data = b.Bytes
	}
	crl, err := x509.ParseRevocationList(data)
	if err != nil {
		return nil, time.Time{}, err
	}
	if !bytes.Equal(crl.RawIssuer, issuer.RawSubject) {
		return nil, time.Time{}, errors.New("the CRL issuer is not the certificate issuer")
	}
	if err := crl.CheckSignatureFrom(issuer); err != nil {
		return nil, time.Time{}, err
	}
	if !crl.NextUpdate.IsZero() && at.After(crl.NextUpdate) {
		return nil, time.Time{}, fmt.Errorf("stale CRL: next update %s", crl.NextUpdate.Format(time.RFC3339))
	}
	return data, crl.NextUpdate, nil
}

// do performs one request with the timeout of h and returns the body of
// a 200 response, at most limit bytes.
func (h *HTTPRevocation) do(ctx context.Context, method, u string, body []byte, contentType string, limit int) ([]byte, error) {
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, errors.New("response too large")
	}
	return data, nil
}

// maxCachedOCSPs bounds the OCSP cache; it is emptied when full.
const maxCachedOCSPs = 4096

// OCSP implements RevocationSource. It POSTs a request (SHA-1 CertID, no
// nonce, so that responses can be cached) to the http and https OCSP
// responders of cert in order and returns the first response that passes
// checkOCSP, whether it says good or revoked.
func (h *HTTPRevocation) OCSP(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) ([]byte, error) {
	urls, err := sourceURLs(cert, cert.OCSPServer, "dịch vụ OCSP", "OCSP responder")
	if err != nil {
		return nil, err
	}
	var key [64]byte
	certSum, issuerSum := sha256.Sum256(cert.Raw), sha256.Sum256(issuer.Raw)
	copy(key[:32], certSum[:])
	copy(key[32:], issuerSum[:])
	h.mu.Lock()
	c, ok := h.ocspCache[key]
	h.mu.Unlock()
	if ok && at.Before(c.nextUpdate) {
		if _, err := checkOCSP(c.der, cert, issuer, at); err == nil {
			return c.der, nil
		}
	}
	req, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{Hash: crypto.SHA1})
	if err != nil {
		return nil, newError(ERevocation, "không lập được yêu cầu OCSP cho chứng thư số "+cert.Subject.CommonName,
			"cannot build an OCSP request for the certificate "+cert.Subject.CommonName, err)
	}
	var errs []error
	for _, u := range urls {
		der, err := h.do(ctx, http.MethodPost, u, req, "application/ocsp-request", maxOCSPSize)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u, err))
			continue
		}
		resp, err := checkOCSP(der, cert, issuer, at)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u, err))
			continue
		}
		if !resp.NextUpdate.IsZero() {
			h.mu.Lock()
			cacheBounded(&h.ocspCache, maxCachedOCSPs, key, cachedOCSP{der: der, nextUpdate: resp.NextUpdate})
			h.mu.Unlock()
		}
		return der, nil
	}
	return nil, newError(ERevocation, "không lấy được phản hồi OCSP cho chứng thư số "+cert.Subject.CommonName,
		"cannot obtain an OCSP response for the certificate "+cert.Subject.CommonName, errors.Join(errs...))
}

// checkOCSP checks an OCSP response about cert, issued by issuer, for use
// at time at, as VerifyPDF will read it: it must be a successful basic
// response for cert's serial number, signed by issuer or by a delegated
// responder certified by issuer with the id-kp-OCSPSigning extended key
// usage and valid at at; its status must be good or revoked; thisUpdate
// must not lie after at (beyond ocspClockSkew) and at must not lie after
// nextUpdate.
func checkOCSP(der []byte, cert, issuer *x509.Certificate, at time.Time) (*ocsp.Response, error) {
	resp, err := parseOCSPForCert(der, cert, issuer)
	if err != nil {
		return nil, err
	}
	if resp.SerialNumber == nil || resp.SerialNumber.Cmp(cert.SerialNumber) != 0 {
		return nil, errors.New("the OCSP response is about another certificate")
	}
	if r := resp.Certificate; r != nil && !bytes.Equal(r.Raw, issuer.Raw) {
		if !slices.Contains(r.ExtKeyUsage, x509.ExtKeyUsageOCSPSigning) {
			return nil, errors.New("the OCSP responder certificate lacks id-kp-OCSPSigning")
		}
		if !bytes.Equal(r.RawIssuer, issuer.RawSubject) {
			return nil, errors.New("the OCSP responder certificate was not issued by the certificate issuer")
		}
		if at.Before(r.NotBefore) || at.After(r.NotAfter) {
			return nil, errors.New("the OCSP responder certificate is not valid at the requested time")
		}
	}
	switch resp.Status {
	case ocsp.Good, ocsp.Revoked:
	default:
		return nil, errors.New("the OCSP responder does not know the certificate")
	}
	if resp.ThisUpdate.IsZero() || resp.ThisUpdate.After(at.Add(ocspClockSkew)) {
		return nil, fmt.Errorf("OCSP thisUpdate %s is after the requested time", resp.ThisUpdate.Format(time.RFC3339))
	}
	if !resp.NextUpdate.IsZero() && (resp.NextUpdate.Before(resp.ThisUpdate) || at.After(resp.NextUpdate)) {
		return nil, fmt.Errorf("stale OCSP response: next update %s", resp.NextUpdate.Format(time.RFC3339))
	}
	return resp, nil
}

// revocationResult is the revocation status of a certificate chain.
type revocationResult struct {
	status    string            // RevocationGood, RevocationRevoked or RevocationUnknown
	revokedAt time.Time         // earliest revocation of a chain certificate, if any
	revoked   *x509.Certificate // the certificate revoked at revokedAt
	ltv       bool              // the DSS holds the chain and revocation data for it
}

// chainRevocation evaluates, offline and from the DSS only, the chain of
// leaf (built from certs and the DSS certificates) at time at. The
// chain is LTV-complete when it ends at a self-signed root, every
// certificate is in the DSS and every certificate but the root has
// revocation data there.
func (d *dssData) chainRevocation(leaf *x509.Certificate, certs []*x509.Certificate, at time.Time) revocationResult {
	pool := append(slices.Clip(certs), d.certList...)
	chain, complete := buildChain(leaf, pool)
	res := revocationResult{status: RevocationGood, ltv: complete}
	n := len(chain)
	if complete {
		n-- // the root
	}
	for i, c := range chain {
		res.ltv = res.ltv && d.hasCert(c)
		if i >= n {
			break
		}
		status, revokedAt := RevocationUnknown, time.Time{}
		if i+1 < len(chain) {
			status, revokedAt = d.certRevocation(c, chain[i+1], at)
		}
		if !revokedAt.IsZero() && (res.revokedAt.IsZero() || revokedAt.Before(res.revokedAt)) {
			res.revokedAt, res.revoked = revokedAt, c
		}
		switch {
		case status == RevocationRevoked:
			res.status = RevocationRevoked
		case status == RevocationUnknown && res.status == RevocationGood:
			res.status = RevocationUnknown
		}
		res.ltv = res.ltv && status != RevocationUnknown
	}
	if !complete && res.status == RevocationGood {
		res.status = RevocationUnknown // the top of the chain is not covered
	}
	return res
}

// certRevocation returns the status of cert, issued by issuer, at time at
// from the CRLs and OCSP responses of the DSS that issuer signed:
//   - revoked if one of them lists cert as revoked at or before at;
//   - good if one lists it as revoked after at (it was good until then),
//     or one not listing it was issued at or after at or was current at
//     at (thisUpdate ≤ at ≤ nextUpdate);
//   - unknown otherwise.
//
// revokedAt is the earliest revocation time found, even after at.
func (d *dssData) certRevocation(cert, issuer *x509.Certificate, at time.Time) (status string, revokedAt time.Time) {
	fresh := func(this, next time.Time) bool {
		return !this.Before(at) || (!next.IsZero() && !at.After(next))
	}
	revoked := func(t time.Time) {
		if revokedAt.IsZero() || t.Before(revokedAt) {
			revokedAt = t
		}
	}
	good := false
	for i, crl := range d.crlList {
		if !bytes.Equal(crl.RawIssuer, issuer.RawSubject) || !d.crlSignedBy(i, issuer) {
			continue
		}
		listed := false
		for _, e := range crl.RevokedCertificateEntries {
			if e.SerialNumber != nil && e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
				listed = true
				revoked(e.RevocationTime)
			}
		}
		if !listed && fresh(crl.ThisUpdate, crl.NextUpdate) {
			good = true
		}
	}
	for _, e := range d.ocsps {
		resp, err := ocsp.ParseResponseForCert(e.raw, cert, issuer)
		if err != nil {
			continue
		}
		if resp.Certificate != nil && !slices.Contains(resp.Certificate.ExtKeyUsage, x509.ExtKeyUsageOCSPSigning) {
			continue // a delegated responder needs id-kp-OCSPSigning
		}
		switch resp.Status {
		case ocsp.Revoked:
			revoked(resp.RevokedAt)
		case ocsp.Good:
			if fresh(resp.ThisUpdate, resp.NextUpdate) {
				good = true
			}
		}
	}
	switch {
	case !revokedAt.IsZero() && !revokedAt.After(at):
		return RevocationRevoked, revokedAt
	case !revokedAt.IsZero() || good:
		return RevocationGood, revokedAt
	}
	return RevocationUnknown, time.Time{}
}

// crlSignedBy checks, once per CRL and issuer, that issuer signed CRL i.
func (d *dssData) crlSignedBy(i int, issuer *x509.Certificate) bool {
	k := crlIssuer{i, string(issuer.Raw)}
	ok, done := d.crlSigned[k]
	if !done {
		ok = d.crlList[i].CheckSignatureFrom(issuer) == nil
		d.crlSigned[k] = ok
	}
	return ok
}

var (
	_ RevocationSource = (*HTTPRevocation)(nil)
	_ RevocationSource = (*DemoPKI)(nil)
)
