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
	"errors"
	"time"

	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"motcua/sign/internal/pdfsign"
)

// DigestSigner makes the signature value of a prepared signature: it signs
// the SHA-256 digest of the CMS signed attributes (PreparedPDF.Digest)
// with the private key of the first certificate Certificates returns. The
// demo PKCS#12 key and a PKCS#11 token or HSM (an *Identity), the
// officer's local signing agent (package sign/agent, reached from the
// browser) and a remote signing service (package sign/csc) all fit behind
// it: only the digest travels, never the document or the key.
type DigestSigner interface {
	// Certificates returns the signer certificate followed by its CA
	// chain, nearest first.
	Certificates(ctx context.Context) ([]*x509.Certificate, error)
	// SignDigest returns the signature of a SHA-256 digest: PKCS #1 v1.5
	// for an RSA key, ASN.1 DER (r, s) for an ECDSA key.
	SignDigest(ctx context.Context, digest []byte) ([]byte, error)
}

// Certificates implements DigestSigner.
func (id *Identity) Certificates(context.Context) ([]*x509.Certificate, error) {
	if err := id.check(); err != nil {
		return nil, err
	}
	return certificatesOf(id), nil
}

// SignDigest implements DigestSigner with the identity's crypto.Signer.
func (id *Identity) SignDigest(_ context.Context, digest []byte) ([]byte, error) {
	if id == nil || id.Signer == nil {
		return nil, newError(EInvalidInput, "thiếu khóa ký", "missing signing key", nil)
	}
	sig, err := id.Signer.Sign(rand.Reader, digest, crypto.SHA256)
	if err != nil {
		return nil, newError(ESigning, "thiết bị ký từ chối tạo chữ ký", "the signing device refused to sign", err)
	}
	return sig, nil
}

// DefaultPrepareTTL is how long a prepared signature waits for its
// signature value unless PDFOptions.Expires says otherwise: long enough
// for the officer to read the document, confirm and enter a PIN or OTP.
const DefaultPrepareTTL = 10 * time.Minute

// PreparedPDF is the first phase of a PDF signature made by a signer that
// may be outside this process: the file with the signature's appearance
// and a zero-filled /Contents, and the CMS signed attributes (content
// type, message digest of the signed byte ranges, signing-certificate-v2
// naming Certificate). The signer signs Digest; Finish checks the value,
// adds the signature timestamp and embeds the CMS. A PreparedPDF is not
// safe for concurrent Finish calls on the same value; it is immutable
// otherwise.
type PreparedPDF struct {
	// Digest is the SHA-256 digest of the DER signed attributes: what the
	// signer signs.
	Digest [32]byte
	// DocumentDigest is the SHA-256 digest of the signed byte ranges
	// (the message-digest attribute).
	DocumentDigest [32]byte
	// Certificate is the signer's certificate the signed attributes name;
	// Chain its CA certificates, embedded in the CMS.
	Certificate *x509.Certificate
	Chain       []*x509.Certificate
	// Time is the claimed signing time (/M); Expires is when Finish stops
	// accepting a signature.
	Time    time.Time
	Expires time.Time

	ph     *pdfsign.Placeholder
	attrs  [][]byte
	tsa    *TSAClient
	needed int // container size that did not fit (EContainerSize)
}

// File returns the document exactly as it will be signed, with an empty
// signature container: what the officer previews before consenting.
// It must not be modified.
func (p *PreparedPDF) File() []byte { return p.ph.File() }

// PreparePDF is the first phase of SignPDF for the signer whose
// certificate is certs[0] (its CA chain follows): it checks that the
// certificate may sign at opts.Time (CheckUsable; revocation is the
// caller's, see CheckCertificate), writes the incremental update with the
// appearance and room for the CMS container, and computes the digest to
// sign.
func PreparePDF(pdf []byte, certs []*x509.Certificate, opts PDFOptions) (*PreparedPDF, error) {
	if len(certs) == 0 || certs[0] == nil {
		return nil, newError(EInvalidInput, "thiếu chứng thư số của người ký", "missing signer certificate", nil)
	}
	cert := certs[0]
	if opts.Kind != Approval && opts.Kind != Seal {
		return nil, newError(EInvalidInput, "loại chữ ký không hợp lệ", "invalid signature kind", nil)
	}
	if err := CheckUsable(cert, opts.Time); err != nil {
		return nil, err
	}
	if _, err := signatureAlgorithm(cert.PublicKey); err != nil {
		return nil, err
	}
	opts = normalizeOptions(opts, cert)
	tsa := opts.TSA
	if tsa == nil && opts.TSAURL != "" {
		tsa = &TSAClient{URL: opts.TSAURL}
	}
	size := opts.reserve
	if size == 0 {
		size = 2048
		for _, c := range certs {
			size += len(c.Raw)
		}
		if tsa.configured() {
			size += tsa.tokenReserve()
		}
	}
	req := pdfsign.Request{
		Kind:         pdfsign.Approval,
		SubFilter:    SubFilter,
		Name:         opts.Name,
		Location:     opts.Location,
		Reason:       opts.Reason,
		Time:         opts.Time.In(vnZone()),
		Page:         opts.Page,
		Rect:         opts.Rect,
		Visible:      opts.Rect != [4]float64{},
		ContentsSize: size,
		AppName:      "motcua",
		ESIC:         true,
	}
	if req.Visible {
		z := getDeflater()
		defer putDeflater(z)
		app := &appearance{image: opts.Image, lines: opts.Lines, cache: opts.Cache, z: z}
		if len(app.lines) > 0 {
			f, err := opts.Cache.font(opts.Font)
			if err != nil {
				return nil, err
			}
			app.font = f
		}
		if opts.Kind == Approval {
			app.textColor = [3]float64{0, 0, 0.55}
			app.maxSize = 8
		} else {
			app.maxSize = 7
		}
		req.Appearance = app.build
		req.Deflate = app.compress
	}
	ph, err := pdfsign.Prepare(pdf, req)
	if err != nil {
		var se *Error
		if errors.As(err, &se) {
			return nil, err
		}
		return nil, newError(EInvalidPDF, "không ký được tệp PDF", "cannot sign the PDF file", err)
	}
	p := &PreparedPDF{Certificate: cert, Chain: certs[1:], Time: opts.Time, Expires: opts.Expires, ph: ph, tsa: tsa}
	if p.Expires.IsZero() {
		p.Expires = opts.Time.Add(DefaultPrepareTTL)
	}
	p.DocumentDigest = digestOf(ph.Signed())
	if p.attrs, err = signedAttributes(p.DocumentDigest, cert, cmsParams{}); err != nil {
		return nil, err
	}
	p.Digest = sha256.Sum256(setOf(cbasn1.SET, p.attrs))
	return p, nil
}

// Finish is the second phase: it checks that the prepared signature has
// not expired at now and that sig is a signature of Digest by the key of
// the prepared certificate, obtains the signature timestamp (B-T) when a
// TSA was configured, and returns the signed file. cert, when not nil, is
// the certificate the signer says it used; it must be the prepared one.
// Errors: EExpired, ECertMismatch, ESignatureMismatch (all the signer's
// fault: the caller answers 422), ETimestamp, EContainerSize.
func (p *PreparedPDF) Finish(ctx context.Context, sig []byte, cert *x509.Certificate, now time.Time) ([]byte, error) {
	return p.finish(ctx, sig, cert, now, false)
}

// finish is Finish; byKey says that sig was just made in this process,
// by Go's crypto packages, with a software key whose public key is the
// prepared certificate's (ownKey): a signature of Digest by that key by
// construction, so it is not verified again (an ECDSA verification per
// signature, 1.3 % of the server's CPU in a lifecycle bench).
func (p *PreparedPDF) finish(ctx context.Context, sig []byte, cert *x509.Certificate, now time.Time, byKey bool) ([]byte, error) {
	if p == nil || p.ph == nil {
		return nil, newError(EInvalidInput, "chưa chuẩn bị chữ ký", "no prepared signature", nil)
	}
	if now.After(p.Expires) {
		return nil, newError(EExpired, "phiên ký đã hết hạn lúc "+formatVN(p.Expires)+"; vui lòng ký lại",
			"the signing session expired at "+formatVN(p.Expires)+"; please sign again", nil)
	}
	if cert != nil && !bytes.Equal(cert.Raw, p.Certificate.Raw) {
		return nil, newError(ECertMismatch, "chứng thư số dùng để ký không phải chứng thư đã đăng ký của người ký",
			"the certificate used is not the signer's registered certificate", nil)
	}
	if len(sig) == 0 {
		return nil, newError(ESignatureMismatch, "thiếu giá trị chữ ký", "missing signature value", nil)
	}
	if !byKey {
		if err := checkSignature(p.Certificate.PublicKey, p.Digest[:], sig); err != nil {
			return nil, newError(ESignatureMismatch, "chữ ký không khớp với tài liệu đã chuẩn bị hoặc với chứng thư số đã đăng ký",
				"the signature does not match the prepared document or the registered certificate", err)
		}
	}
	params := cmsParams{}
	if p.tsa.configured() {
		params.timestamp = p.tsa.Timestamp
	}
	der, err := assembleCMS(ctx, p.attrs, sig, certList(p.Certificate, p.Chain), params)
	if err != nil {
		return nil, err
	}
	if len(der) > p.ph.Capacity() {
		p.needed = len(der)
		return nil, newError(EContainerSize, "chữ ký lớn hơn vùng dành sẵn trong tệp PDF", "the signature is larger than the space reserved in the PDF", nil)
	}
	return p.ph.Fill(der)
}

// SignPrepared signs p with s and finishes it at time now.
func SignPrepared(ctx context.Context, p *PreparedPDF, s DigestSigner, now time.Time) ([]byte, error) {
	sig, err := s.SignDigest(ctx, p.Digest[:])
	if err != nil {
		var se *Error
		if errors.As(err, &se) {
			return nil, err
		}
		return nil, newError(ESigning, "thiết bị ký từ chối tạo chữ ký", "the signing device refused to sign", err)
	}
	return p.finish(ctx, sig, nil, now, ownKey(s, p.Certificate))
}

// ownKey reports whether s is an identity whose key is an RSA or ECDSA
// private key held in this process (PKCS#12, a demo key) and is the key
// of cert. Its signature of the prepared digest is made by Go's crypto
// packages from that key, so Finish need not verify it; a key on a
// token or HSM, an agent or a remote service is verified as before.
func ownKey(s DigestSigner, cert *x509.Certificate) bool {
	id, ok := s.(*Identity)
	if !ok || id == nil || cert == nil {
		return false
	}
	switch k := id.Signer.(type) {
	case *ecdsa.PrivateKey:
		return k.PublicKey.Equal(cert.PublicKey)
	case *rsa.PrivateKey:
		return k.PublicKey.Equal(cert.PublicKey)
	}
	return false
}
