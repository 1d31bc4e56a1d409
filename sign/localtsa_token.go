package sign

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"math/big"
	"sort"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// directToken reports whether t's tokens can be built by grantedResponse:
// a P-256 key (the demo PKI's) and a request over a SHA-256 digest.
func (t *LocalTSA) directToken(hash crypto.Hash) bool {
	pub, ok := t.Identity.Certificate.PublicKey.(*ecdsa.PublicKey)
	return ok && pub.Curve == elliptic.P256() && hash == crypto.SHA256
}

// tokenBound is an upper bound of the size in bytes of the tokens
// grantedResponse makes (0 when it does not make t's tokens): the TSA's
// certificate and chain, its name twice (TSTInfo's tsa field, the
// signer's issuer), the policy, and 1 KiB for the rest (TSTInfo's fields
// with a 20-byte serial and a nonce of up to 32 bytes, the four signed
// attributes, a P-256 signature, the DER headers), about 700 bytes.
// A signature with an in-process timestamp reserves this much for it
// instead of the 8 KiB kept for an unknown TSA's token.
func (t *LocalTSA) tokenBound() int {
	if t == nil || t.Identity == nil || t.Identity.Certificate == nil || !t.directToken(crypto.SHA256) {
		return 0
	}
	n := 1024 + 2*len(t.Identity.Certificate.RawSubject) + 10*len(t.Policy)
	for _, c := range certificatesOf(t.Identity) {
		n += len(c.Raw)
	}
	return n
}

// grantedResponse builds the TimeStampResp of a granted request directly
// in DER: the same token as digitorus/timestamp's CreateResponseWithOpts
// gives (TSTInfo with accuracy, nonce and the TSA's name; SignedData v3
// with content-type, message-digest, signing-time and
// signing-certificate-v2, the TSA certificate and its chain), without
// verifying the TSA's own chain again and encoding by reflection for every
// token (two thirds of a demo timestamp's cost).
func (t *LocalTSA) grantedResponse(digest []byte, nonce *big.Int, policy asn1.ObjectIdentifier, at time.Time) ([]byte, error) {
	id := t.Identity
	serial := make([]byte, 20)
	if _, err := rand.Read(serial); err != nil {
		return nil, err
	}
	var ti cryptobyte.Builder
	ti.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // TSTInfo
		b.AddASN1Int64(1)
		b.AddASN1ObjectIdentifier(policy)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // MessageImprint
			addAlgorithm(b, oidSHA256(), true)
			b.AddASN1OctetString(digest)
		})
		b.AddASN1BigInt(new(big.Int).SetBytes(serial))
		b.AddASN1GeneralizedTime(at.UTC().Truncate(time.Second))
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1Int64(1) }) // Accuracy: 1 s
		if nonce != nil {
			b.AddASN1BigInt(nonce)
		}
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) { // tsa GeneralName
			b.AddASN1(cbasn1.Tag(4).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddBytes(id.Certificate.RawSubject)
			})
		})
	})
	tstInfo, err := ti.Bytes()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(tstInfo)
	signingTime, err := asn1.Marshal(at.UTC()) // the stamp's own time, on the TSA's clock
	if err != nil {
		return nil, err
	}
	attrs := [][]byte{
		attribute(oidContentType(), func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidTSTInfo()) }),
		attribute(oidMessageDigest(), func(b *cryptobyte.Builder) { b.AddASN1OctetString(sum[:]) }),
		attribute(oidSigningTime(), func(b *cryptobyte.Builder) { b.AddBytes(signingTime) }),
		attribute(oidSigningCertificateV2(), func(b *cryptobyte.Builder) { addSigningCertificateV2(b, id.Certificate) }),
	}
	sort.Slice(attrs, func(i, j int) bool { return bytes.Compare(attrs[i], attrs[j]) < 0 })
	h := sha256.Sum256(setOf(cbasn1.SET, attrs))
	sig, err := id.Signer.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		return nil, err
	}
	certs := certificatesOf(id)
	issuer := id.Certificate.RawIssuer
	if len(id.Chain) > 0 {
		issuer = id.Chain[0].RawSubject
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // TimeStampResp
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1Int64(0) }) // granted
		addSignedData(b, 3, oidTSTInfo(), tstInfo, certs, func(b *cryptobyte.Builder) {
			addSignerInfo(b, issuer, id.Certificate.SerialNumber, attrs, sigAlgorithm{oid: oidECDSAWithSHA256()}, sig, nil)
		})
	})
	return b.Bytes()
}
