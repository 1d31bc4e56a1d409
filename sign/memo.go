package sign

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"slices"
	"sync"
	"time"

	"golang.org/x/crypto/ocsp"
)

// The checks below are pure functions of the bytes they are given: a
// certificate signed by another, an OCSP response or a CRL signed by an
// issuer, a chain from a certificate up to a root pool. A server signing
// with the same few certificates checks the same signatures over and over
// (two ECDSA verifications per certificate check, a chain per DSS): they
// are remembered, keyed by the SHA-256 of everything they depend on, and
// only successes are kept. What depends on the time (validity periods,
// thisUpdate/nextUpdate) is checked again on every call.

// memoMax bounds each memo; a full memo starts over.
const memoMax = 4096

type memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

func (c *memo[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *memo[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= memoMax {
		c.m = make(map[K]V)
	}
	c.m[k] = v
}

type pairKey [2][32]byte

type tripleKey [3][32]byte

var (
	signedByMemo memo[pairKey, struct{}]
	ocspMemo     memo[tripleKey, *ocsp.Response]
	crlMemo      memo[pairKey, *x509.RevocationList]
	chainMemo    memo[chainKey, []*x509.Certificate]
)

// signedBy reports whether parent signed child (x509
// Certificate.CheckSignatureFrom: parent is a CA allowed to sign
// certificates, and the signature verifies).
func signedBy(child, parent *x509.Certificate) bool {
	k := pairKey{sha256.Sum256(child.Raw), sha256.Sum256(parent.Raw)}
	if _, ok := signedByMemo.get(k); ok {
		return true
	}
	if child.CheckSignatureFrom(parent) != nil {
		return false
	}
	signedByMemo.put(k, struct{}{})
	return true
}

// parseOCSPForCert is ocsp.ParseResponseForCert, remembered. The response
// returned is shared: callers must not modify it.
func parseOCSPForCert(der []byte, cert, issuer *x509.Certificate) (*ocsp.Response, error) {
	k := tripleKey{sha256.Sum256(der), sha256.Sum256(cert.Raw), sha256.Sum256(issuer.Raw)}
	if r, ok := ocspMemo.get(k); ok {
		return r, nil
	}
	r, err := ocsp.ParseResponseForCert(der, cert, issuer)
	if err != nil {
		return nil, err
	}
	ocspMemo.put(k, r)
	return r, nil
}

// checkedCRL parses a CRL and checks that issuer issued and signed it.
// The list returned is shared: callers must not modify it.
func checkedCRL(der []byte, issuer *x509.Certificate) (*x509.RevocationList, error) {
	k := pairKey{sha256.Sum256(der), sha256.Sum256(issuer.Raw)}
	if crl, ok := crlMemo.get(k); ok {
		return crl, nil
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, err
	}
	if !bytesEqual(crl.RawIssuer, issuer.RawSubject) {
		return nil, errors.New("the CRL issuer is not the certificate issuer")
	}
	if err := crl.CheckSignatureFrom(issuer); err != nil {
		return nil, err
	}
	crlMemo.put(k, crl)
	return crl, nil
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// chainKey identifies a chain verification: the leaf, the intermediates
// offered (in order), the root pool (by identity: pools are built once and
// never shrink) and the extended key usages asked for.
type chainKey struct {
	leaf, inter [32]byte
	roots       *x509.CertPool
	usages      string
}

// VerifiedChain returns the first chain x509.Certificate.Verify finds
// from leaf through intermediates to roots, valid at time at for the
// given extended key usages (none: any). A chain found once is
// remembered, and given again while every certificate in it is valid at
// the time asked; otherwise Verify runs again.
func VerifiedChain(leaf *x509.Certificate, intermediates []*x509.Certificate, roots *x509.CertPool, at time.Time,
	usages ...x509.ExtKeyUsage) ([]*x509.Certificate, error) {
	if len(usages) == 0 {
		usages = []x509.ExtKeyUsage{x509.ExtKeyUsageAny}
	}
	k := chainKey{leaf: sha256.Sum256(leaf.Raw), roots: roots}
	h := sha256.New()
	pool := x509.NewCertPool()
	for _, c := range intermediates {
		if c != nil && !bytesEqual(c.Raw, leaf.Raw) {
			sum := sha256.Sum256(c.Raw)
			h.Write(sum[:])
			pool.AddCert(c)
		}
	}
	h.Sum(k.inter[:0])
	u, _ := asn1.Marshal(usagesOIDs(usages))
	k.usages = string(u)
	if roots != nil {
		if chain, ok := chainMemo.get(k); ok && validAt(chain, at) {
			return slices.Clone(chain), nil
		}
	}
	chains, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: pool, CurrentTime: at, KeyUsages: usages})
	if err != nil {
		return nil, err
	}
	if len(chains) == 0 {
		return nil, errors.New("x509: no chain")
	}
	if roots != nil {
		chainMemo.put(k, slices.Clone(chains[0]))
	}
	return chains[0], nil
}

// usagesOIDs is a stable encoding of a list of extended key usages.
func usagesOIDs(usages []x509.ExtKeyUsage) []int {
	out := make([]int, len(usages))
	for i, u := range usages {
		out[i] = int(u)
	}
	return out
}

// validAt mirrors the validity check of x509.Certificate.Verify.
func validAt(chain []*x509.Certificate, at time.Time) bool {
	for _, c := range chain {
		if at.Before(c.NotBefore) || at.After(c.NotAfter) {
			return false
		}
	}
	return true
}
