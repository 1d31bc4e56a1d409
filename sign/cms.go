package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"time"

	"github.com/digitorus/pkcs7"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// cmsParams selects the optional parts of a CAdES signature.
type cmsParams struct {
	// signingTime adds the signing-time attribute when non-zero. CAdES
	// B-B requires it; PAdES B-B forbids it (the time goes in /M).
	signingTime time.Time
	// timestamp, when set, obtains an RFC 3161 token over the signature
	// value; it is added as the signature-time-stamp unsigned attribute
	// (CAdES/PAdES B-T).
	timestamp func(ctx context.Context, signature []byte) ([]byte, error)
}

// buildCMS returns a DER ContentInfo holding a detached CMS SignedData
// over content, signed by id with SHA-256. The signed attributes are
// content-type, message-digest, signing-certificate-v2 (ESS, RFC 5035) and
// optionally signing-time; this is the CAdES B-B profile (ETSI EN 319
// 122-1), also used inside PAdES signatures.
func buildCMS(ctx context.Context, digest [32]byte, id *Identity, p cmsParams) ([]byte, error) {
	if err := id.check(); err != nil {
		return nil, err
	}
	attrs, err := signedAttributes(digest, id.Certificate, p)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(setOf(cbasn1.SET, attrs))
	sig, err := id.Signer.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		return nil, newError(ESigning, "thiết bị ký từ chối tạo chữ ký", "the signing device refused to sign", err)
	}
	// A token or HSM may hold a different key than the certificate says;
	// catch that here rather than emit an unverifiable signature. An
	// in-memory key needs no check (it costs as much as signing): id.check
	// matched its public key with the certificate, and it signed itself.
	if !inMemoryKey(id.Signer) {
		if err := checkSignature(id.Certificate.PublicKey, h[:], sig); err != nil {
			return nil, newError(ESigning, "chữ ký tạo ra không khớp với chứng thư số", "the signature does not match the certificate", err)
		}
	}
	return assembleCMS(ctx, attrs, sig, certificatesOf(id), p)
}

// signedAttributes returns the DER signed attributes of a CAdES signature
// over digest by cert, in DER SET OF order. The signer signs the SHA-256
// digest of their SET encoding.
func signedAttributes(digest [32]byte, cert *x509.Certificate, p cmsParams) ([][]byte, error) {
	attrs := [][]byte{
		attribute(oidContentType(), func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidData()) }),
		attribute(oidMessageDigest(), func(b *cryptobyte.Builder) { b.AddASN1OctetString(digest[:]) }),
		attribute(oidSigningCertificateV2(), func(b *cryptobyte.Builder) { addSigningCertificateV2(b, cert) }),
	}
	if !p.signingTime.IsZero() {
		t, err := asn1.Marshal(p.signingTime.UTC())
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, attribute(oidSigningTime(), func(b *cryptobyte.Builder) { b.AddBytes(t) }))
	}
	for _, a := range attrs {
		if a == nil {
			return nil, errors.New("sign: cannot encode a signed attribute")
		}
	}
	// DER orders SET OF by encoding; verifiers re-encode and hash the set.
	sort.Slice(attrs, func(i, j int) bool { return bytes.Compare(attrs[i], attrs[j]) < 0 })
	return attrs, nil
}

// assembleCMS builds the ContentInfo from the signed attributes, the
// signature value over them and the certificates (signer first), adding
// the signature timestamp when p asks for one.
func assembleCMS(ctx context.Context, attrs [][]byte, sig []byte, certs []*x509.Certificate, p cmsParams) ([]byte, error) {
	signer := certs[0]
	sigAlg, err := signatureAlgorithm(signer.PublicKey)
	if err != nil {
		return nil, err
	}
	var unsigned []byte
	if p.timestamp != nil {
		token, err := p.timestamp(ctx, sig)
		if err != nil {
			return nil, err
		}
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidTimeStampToken())
			b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(token) })
		})
		a, err := b.Bytes()
		if err != nil {
			return nil, err
		}
		unsigned = setOf(cbasn1.Tag(1).Constructed().ContextSpecific(), [][]byte{a})
	}

	var b cryptobyte.Builder
	addSignedData(&b, 1, oidData(), nil, certs, func(b *cryptobyte.Builder) {
		addSignerInfo(b, signer.RawIssuer, signer.SerialNumber, attrs, sigAlg, sig, unsigned)
	})
	return b.Bytes()
}

// addSignedData adds a ContentInfo holding a SignedData of the given
// version with SHA-256 as its digest algorithm: the encapsulated content
// of type contentType (detached when content is nil), the certificates
// certs, and the one SignerInfo that signerInfo adds.
func addSignedData(b *cryptobyte.Builder, version int64, contentType asn1.ObjectIdentifier, content []byte, certs []*x509.Certificate, signerInfo func(*cryptobyte.Builder)) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ContentInfo
		b.AddASN1ObjectIdentifier(oidSignedData())
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignedData
				b.AddASN1Int64(version)
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { addAlgorithm(b, oidSHA256(), false) })
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // EncapsulatedContentInfo
					b.AddASN1ObjectIdentifier(contentType)
					if content != nil {
						b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
							b.AddASN1OctetString(content)
						})
					}
				})
				b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					for _, c := range certs {
						b.AddBytes(c.Raw)
					}
				})
				b.AddASN1(cbasn1.SET, signerInfo)
			})
		})
	})
}

// addSignerInfo adds a SignerInfo (version 1, SHA-256) of the signer
// named by issuer (DER Name) and serial: the signed attributes attrs,
// the signature sig over them by algorithm alg, and unsigned attributes
// when not nil.
func addSignerInfo(b *cryptobyte.Builder, issuer []byte, serial *big.Int, attrs [][]byte, alg sigAlgorithm, sig, unsigned []byte) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // IssuerAndSerialNumber
			b.AddBytes(issuer)
			b.AddASN1BigInt(serial)
		})
		addAlgorithm(b, oidSHA256(), false)
		// Same content as the signed SET, with the [0] IMPLICIT tag.
		b.AddBytes(setOf(cbasn1.Tag(0).Constructed().ContextSpecific(), attrs))
		addAlgorithm(b, alg.oid, alg.nullParams)
		b.AddASN1OctetString(sig)
		if unsigned != nil {
			b.AddBytes(unsigned)
		}
	})
}

// certificatesOf returns the signer certificate followed by its chain,
// without duplicates.
func certificatesOf(id *Identity) []*x509.Certificate {
	return certList(id.Certificate, id.Chain)
}

// certList returns leaf followed by chain, without duplicates.
func certList(leaf *x509.Certificate, chain []*x509.Certificate) []*x509.Certificate {
	out := []*x509.Certificate{leaf}
	for _, c := range chain {
		dup := false
		for _, o := range out {
			if bytes.Equal(o.Raw, c.Raw) {
				dup = true
				break
			}
		}
		if !dup && c != nil {
			out = append(out, c)
		}
	}
	return out
}

type sigAlgorithm struct {
	oid        asn1.ObjectIdentifier
	nullParams bool
}

func signatureAlgorithm(pub crypto.PublicKey) (sigAlgorithm, error) {
	switch pub.(type) {
	case *rsa.PublicKey:
		// rsaEncryption with NULL parameters, the most widely accepted
		// form in CMS (RFC 3370 §3.2).
		return sigAlgorithm{oid: oidRSAEncryption(), nullParams: true}, nil
	case *ecdsa.PublicKey:
		return sigAlgorithm{oid: oidECDSAWithSHA256()}, nil
	}
	return sigAlgorithm{}, newError(EUnsupported, "thuật toán khóa không được hỗ trợ (chỉ RSA hoặc ECDSA)",
		"unsupported key algorithm (RSA or ECDSA only)", fmt.Errorf("%T", pub))
}

// inMemoryKey reports whether s is a private key held by this process
// (not a token, HSM or remote signer).
func inMemoryKey(s crypto.Signer) bool {
	switch s.(type) {
	case *ecdsa.PrivateKey, *rsa.PrivateKey:
		return true
	}
	return false
}

// digestOf returns the SHA-256 digest of the concatenation of parts.
func digestOf(parts [][]byte) [32]byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	var d [32]byte
	h.Sum(d[:0])
	return d
}

func checkSignature(pub crypto.PublicKey, digest, sig []byte) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, crypto.SHA256, digest, sig)
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(k, digest, sig) {
			return errors.New("ecdsa: verification error")
		}
		return nil
	}
	return fmt.Errorf("unsupported key %T", pub)
}

func addAlgorithm(b *cryptobyte.Builder, oid asn1.ObjectIdentifier, nullParams bool) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		if nullParams {
			b.AddASN1NULL()
		}
	})
}

// attribute encodes Attribute ::= SEQUENCE { type, SET { value } }.
// It returns nil if the value cannot be encoded.
func attribute(oid asn1.ObjectIdentifier, value func(*cryptobyte.Builder)) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		b.AddASN1(cbasn1.SET, value)
	})
	out, err := b.Bytes()
	if err != nil {
		return nil
	}
	return out
}

func setOf(tag cbasn1.Tag, elems [][]byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1(tag, func(b *cryptobyte.Builder) {
		for _, e := range elems {
			b.AddBytes(e)
		}
	})
	return b.BytesOrPanic()
}

// addSigningCertificateV2 adds SigningCertificateV2 ::= SEQUENCE { certs
// SEQUENCE OF ESSCertIDv2 } with one ESSCertIDv2 { certHash (SHA-256, the
// default algorithm, hence omitted), issuerSerial }.
func addSigningCertificateV2(b *cryptobyte.Builder, cert *x509.Certificate) {
	sum := sha256.Sum256(cert.Raw)
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1OctetString(sum[:])
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // IssuerSerial
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // GeneralNames
						b.AddASN1(cbasn1.Tag(4).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
							b.AddBytes(cert.RawIssuer) // directoryName
						})
					})
					b.AddASN1BigInt(cert.SerialNumber)
				})
			})
		})
	})
}

// SignDetached returns a detached CMS signature (CAdES B-B: SHA-256,
// content-type, message-digest, signing-time t and signing-certificate-v2)
// over data, for digitised dossier components that are not PDF. The
// certificate must be usable at t (see CheckUsable).
func SignDetached(data []byte, id *Identity, t time.Time) ([]byte, error) {
	if id == nil {
		return nil, newError(EInvalidInput, "thiếu khóa ký", "missing signing identity", nil)
	}
	if err := CheckUsable(id.Certificate, t); err != nil {
		return nil, err
	}
	return buildCMS(context.Background(), sha256.Sum256(data), id, cmsParams{signingTime: t})
}

// SignerInfo describes the signer of a verified CMS signature.
type SignerInfo struct {
	Certificate  *x509.Certificate
	Chain        []*x509.Certificate // verified path, leaf first, root last
	SignerName   string              // subject common name
	Organization string              // subject O
	Position     string              // subject title (2.5.4.12), if any
	// SigningTime is the claimed signing time (signing-time attribute),
	// zero when absent.
	SigningTime time.Time
	// Timestamp is the RFC 3161 signature timestamp, nil when absent.
	Timestamp *TimestampInfo
}

// TimestampInfo describes a verified RFC 3161 timestamp token.
type TimestampInfo struct {
	Time        time.Time
	Authority   *x509.Certificate // the TSA certificate
	Trusted     bool              // TSA chains to the trust store with EKU timeStamping
	TrustStatus TrustStatus

	certs []*x509.Certificate // the certificates of the token
}

// VerifyDetached verifies a detached CMS signature over data and that the
// signer's certificate chains to roots at the signing time (the trusted
// timestamp if present, else the signing-time attribute). roots must not
// be nil. Errors have codes ESignatureInvalid (data changed or bad
// signature), ETimestamp or EUntrusted.
func VerifyDetached(data, sig []byte, roots *x509.CertPool) (*SignerInfo, error) {
	if roots == nil {
		return nil, newError(EInvalidInput, "thiếu kho chứng thư tin cậy", "missing trust store", nil)
	}
	res, err := verifyCMS(data, sig, roots)
	if err != nil {
		return nil, err
	}
	info := &SignerInfo{
		Certificate:  res.cert,
		SignerName:   res.cert.Subject.CommonName,
		Organization: first(res.cert.Subject.Organization),
		Position:     titleOf(res.cert),
		SigningTime:  res.signingTime,
		Timestamp:    res.timestamp,
	}
	if res.tsErr != nil {
		return info, res.tsErr
	}
	at := res.signingTime
	if res.timestamp != nil && res.timestamp.Trusted {
		at = res.timestamp.Time
	}
	if at.IsZero() {
		return info, newError(EUntrusted, "không xác định được thời điểm ký", "the signing time is unknown", nil)
	}
	chain, status, err := verifyChain(res.cert, res.certs, roots, at, x509.ExtKeyUsageAny)
	if err != nil || status != TrustTrusted {
		return info, newError(EUntrusted, status.Text("vi"), status.Text("en"), err)
	}
	info.Chain = chain
	return info, nil
}

// cmsResult is the outcome of verifyCMS.
type cmsResult struct {
	cert        *x509.Certificate
	certs       []*x509.Certificate
	signingTime time.Time
	timestamp   *TimestampInfo // nil when absent or invalid
	tsErr       error          // why a present timestamp is invalid
}

// verifyCMS checks that der is a CMS SignedData whose single signer signed
// content (message digest and signature value), and that the
// signing-certificate-v2 attribute, when present, names the signer
// certificate. Any embedded RFC 3161 timestamp is checked against roots.
// The error has code ESignatureInvalid.
func verifyCMS(content, der []byte, roots *x509.CertPool) (res *cmsResult, err error) {
	p7, err := parsePKCS7(der)
	if err != nil {
		return nil, newError(ESignatureInvalid, "không đọc được dữ liệu chữ ký", "cannot parse the signature data", err)
	}
	if len(p7.Signers) != 1 {
		return nil, newError(ESignatureInvalid, "chữ ký phải có đúng một người ký", "the signature must have exactly one signer",
			fmt.Errorf("%d signers", len(p7.Signers)))
	}
	cert := p7.GetOnlySigner()
	if cert == nil {
		return nil, newError(ESignatureInvalid, "không tìm thấy chứng thư số của người ký", "the signer certificate is missing", nil)
	}
	p7.Content = content
	if err := pkcs7Verify(p7); err != nil {
		var mismatch *pkcs7.MessageDigestMismatchError
		if errors.As(err, &mismatch) {
			return nil, newError(ESignatureInvalid, "tài liệu đã bị sửa đổi sau khi ký", "the document was modified after signing", nil)
		}
		return nil, newError(ESignatureInvalid, "chữ ký không hợp lệ", "the signature is invalid", err)
	}
	res = &cmsResult{cert: cert, certs: p7.Certificates}
	var st time.Time
	if p7.UnmarshalSignedAttribute(oidSigningTime(), &st) == nil {
		res.signingTime = st
	}
	if err := checkSigningCertificateV2(p7, cert); err != nil {
		return nil, err
	}
	for _, a := range p7.Signers[0].UnauthenticatedAttributes {
		if a.Type.Equal(oidTimeStampToken()) {
			ts, err := verifyTimestampToken(a.Value.Bytes, p7.Signers[0].EncryptedDigest, roots)
			if err != nil {
				res.tsErr = err
			} else {
				res.timestamp = ts
			}
			break
		}
	}
	return res, nil
}

// parsePKCS7 parses der with digitorus/pkcs7. Its BER normaliser can
// panic on malformed input; the panic becomes an error here.
func parsePKCS7(der []byte) (p7 *pkcs7.PKCS7, err error) {
	defer func() {
		if p := recover(); p != nil {
			p7, err = nil, fmt.Errorf("pkcs7: malformed data: %v", p)
		}
	}()
	return pkcs7.Parse(der)
}

func pkcs7Verify(p7 *pkcs7.PKCS7) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("pkcs7: malformed data: %v", p)
		}
	}()
	// Verify with a nil trust store checks the digest and the signature
	// only; the chain is checked by verifyChain against our own pool.
	return p7.Verify()
}

// checkSigningCertificateV2 compares the ESS signing-certificate-v2
// attribute, when present, with the signer certificate.
func checkSigningCertificateV2(p7 *pkcs7.PKCS7, cert *x509.Certificate) error {
	var raw asn1.RawValue
	if p7.UnmarshalSignedAttribute(oidSigningCertificateV2(), &raw) != nil {
		return nil // absent: allowed for adbe.pkcs7.detached
	}
	input := cryptobyte.String(raw.FullBytes)
	var s, certs, id cryptobyte.String
	var hash []byte
	if !input.ReadASN1(&s, cbasn1.SEQUENCE) || !s.ReadASN1(&certs, cbasn1.SEQUENCE) ||
		!certs.ReadASN1(&id, cbasn1.SEQUENCE) {
		return newError(ESignatureInvalid, "thuộc tính signing-certificate-v2 không hợp lệ", "malformed signing-certificate-v2 attribute", nil)
	}
	alg := crypto.SHA256
	if id.PeekASN1Tag(cbasn1.SEQUENCE) {
		var ai cryptobyte.String
		var oid asn1.ObjectIdentifier
		if !id.ReadASN1(&ai, cbasn1.SEQUENCE) || !ai.ReadASN1ObjectIdentifier(&oid) {
			return newError(ESignatureInvalid, "thuộc tính signing-certificate-v2 không hợp lệ", "malformed signing-certificate-v2 attribute", nil)
		}
		switch {
		case oid.Equal(oidSHA256()):
		case oid.Equal(asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}):
			alg = crypto.SHA384
		case oid.Equal(asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}):
			alg = crypto.SHA512
		default:
			return newError(EUnsupported, "thuật toán băm trong signing-certificate-v2 không được hỗ trợ",
				"unsupported hash in signing-certificate-v2", nil)
		}
	}
	if !id.ReadASN1Bytes(&hash, cbasn1.OCTET_STRING) {
		return newError(ESignatureInvalid, "thuộc tính signing-certificate-v2 không hợp lệ", "malformed signing-certificate-v2 attribute", nil)
	}
	h := alg.New()
	h.Write(cert.Raw)
	if !bytes.Equal(h.Sum(nil), hash) {
		return newError(ESignatureInvalid, "chứng thư số trong chữ ký không khớp thuộc tính signing-certificate-v2",
			"the signer certificate does not match the signing-certificate-v2 attribute", nil)
	}
	return nil
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// titleOf returns the subject title attribute (2.5.4.12), if any.
func titleOf(cert *x509.Certificate) string {
	for _, n := range cert.Subject.Names {
		if n.Type.Equal(oidTitle()) {
			if s, ok := n.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}
