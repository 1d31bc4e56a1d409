package sign

import (
	"bytes"
	"context"
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

// RevocationSource supplies revocation data for AddDSS.
type RevocationSource interface {
	// CRL returns a DER-encoded CRL, issued and signed by issuer, that
	// covers cert at time at.
	CRL(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) ([]byte, error)
}

// Revocation statuses of SignatureInfo.Revocation.
const (
	RevocationGood    = "good"    // not revoked at the signing time
	RevocationRevoked = "revoked" // revoked at or before the signing time
	RevocationUnknown = "unknown" // no usable revocation data in the file
)

// maxCRLSize bounds a CRL downloaded by HTTPRevocation.
const maxCRLSize = 16 << 20

// HTTPRevocation fetches CRLs from the HTTP or HTTPS CRL distribution
// points of certificates (the production RevocationSource). Each CRL is
// checked (it must parse, name the issuer and be signed by it, and not be
// past its NextUpdate at the requested time) and kept in memory until its
// NextUpdate. Use it through a pointer; the zero value is ready to use and
// safe for concurrent use.
type HTTPRevocation struct {
	// Client performs the requests; nil means http.DefaultClient.
	Client *http.Client
	// Timeout bounds each download; zero means 15 seconds.
	Timeout time.Duration

	mu    sync.Mutex
	cache map[string]cachedCRL // by URL
}

type cachedCRL struct {
	der        []byte
	issuerKey  [32]byte // SHA-256 of the issuer certificate
	nextUpdate time.Time
}

// maxCachedCRLs bounds the cache; it is emptied when full.
const maxCachedCRLs = 256

// CRL implements RevocationSource. It tries the http and https
// distribution points of cert in order and returns the first valid CRL.
func (h *HTTPRevocation) CRL(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) ([]byte, error) {
	var urls []string
	for _, u := range cert.CRLDistributionPoints {
		if p, err := url.Parse(u); err == nil && (strings.EqualFold(p.Scheme, "http") || strings.EqualFold(p.Scheme, "https")) {
			urls = append(urls, u)
		}
	}
	if len(urls) == 0 {
		return nil, newError(ERevocation, "chứng thư số "+cert.Subject.CommonName+" không có địa chỉ HTTP của danh sách thu hồi (CRL)",
			"the certificate "+cert.Subject.CommonName+" has no HTTP CRL distribution point", nil)
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
			if h.cache == nil || len(h.cache) >= maxCachedCRLs {
				h.cache = map[string]cachedCRL{}
			}
			h.cache[u] = cachedCRL{der: der, issuerKey: issuerKey, nextUpdate: next}
			h.mu.Unlock()
		}
		return der, nil
	}
	return nil, newError(ERevocation, "không tải được danh sách thu hồi (CRL) cho chứng thư số "+cert.Subject.CommonName,
		"cannot download a CRL for the certificate "+cert.Subject.CommonName, errors.Join(errs...))
}

// fetch downloads and checks one CRL.
func (h *HTTPRevocation) fetch(ctx context.Context, u string, issuer *x509.Certificate, at time.Time) ([]byte, time.Time, error) {
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, time.Time{}, err
	}
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, time.Time{}, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxCRLSize+1))
	if err != nil {
		return nil, time.Time{}, err
	}
	if len(data) > maxCRLSize {
		return nil, time.Time{}, errors.New("CRL too large")
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
