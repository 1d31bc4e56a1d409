package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// Identity is a signing key with its certificate. Signer may be an
// in-memory key, a PKCS#11 token or HSM, or a remote-signing client.
type Identity struct {
	Signer      crypto.Signer
	Certificate *x509.Certificate
	// Chain holds the issuing CA certificates, nearest first. It is
	// embedded in signatures so verifiers can build the path.
	Chain []*x509.Certificate
}

// LoadPKCS12 decodes a PKCS#12 (.p12/.pfx) file holding a private key, its
// certificate and optionally the CA chain.
func LoadPKCS12(data []byte, password string) (*Identity, error) {
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, newError(EKeyStore, "không mở được tệp PKCS#12 (sai mật khẩu hoặc tệp hỏng)",
			"cannot open the PKCS#12 file (wrong password or corrupt file)", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, newError(EKeyStore, "khóa bí mật trong tệp PKCS#12 không dùng để ký được",
			"the PKCS#12 private key cannot sign", fmt.Errorf("key type %T", key))
	}
	id := &Identity{Signer: signer, Certificate: cert, Chain: chain}
	if err := id.check(); err != nil {
		return nil, err
	}
	return id, nil
}

// EncodePKCS12 encodes the identity as a PKCS#12 file protected by
// password (AES-256-CBC, PBKDF2, SHA-256 MAC). The signer must be an
// in-memory *ecdsa.PrivateKey or *rsa.PrivateKey.
func EncodePKCS12(id *Identity, password string) ([]byte, error) {
	if err := id.check(); err != nil {
		return nil, err
	}
	switch id.Signer.(type) {
	case *ecdsa.PrivateKey, *rsa.PrivateKey:
	default:
		return nil, newError(EKeyStore, "khóa bí mật không xuất ra PKCS#12 được",
			"the private key cannot be exported to PKCS#12", fmt.Errorf("signer type %T", id.Signer))
	}
	data, err := pkcs12.Modern.Encode(id.Signer, id.Certificate, id.Chain, password)
	if err != nil {
		return nil, newError(EKeyStore, "không tạo được tệp PKCS#12", "cannot create the PKCS#12 file", err)
	}
	return data, nil
}

// check verifies that the identity is complete and that the certificate
// belongs to the key.
func (id *Identity) check() error {
	if id == nil || id.Signer == nil || id.Certificate == nil {
		return newError(EInvalidInput, "thiếu khóa ký hoặc chứng thư số", "missing signing key or certificate", nil)
	}
	pub, ok := id.Signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(id.Certificate.PublicKey) {
		return newError(EKeyStore, "chứng thư số không khớp với khóa ký", "the certificate does not match the signing key", nil)
	}
	return nil
}

// CheckUsable reports whether cert may be used to sign at time now: it
// must be inside its validity period, have an RSA or ECDSA key of
// sufficient size and, when it has a key-usage extension, allow
// digitalSignature or nonRepudiation (contentCommitment).
// The returned *Error has code ECertNotYetValid, ECertExpired or
// ECertKeyUsage, and EWeakKey for RSA keys under 2048 bits or ECDSA keys
// under 256 bits. TT 15/2025/TT-BKHCN requires this check before signing.
func CheckUsable(cert *x509.Certificate, now time.Time) error {
	if cert == nil {
		return newError(EInvalidInput, "thiếu chứng thư số", "missing certificate", nil)
	}
	if now.IsZero() {
		return newError(EInvalidInput, "thiếu thời điểm ký", "missing signing time", nil)
	}
	if now.Before(cert.NotBefore) {
		d := cert.NotBefore.In(vnZone()).Format("02/01/2006 15:04:05")
		return newError(ECertNotYetValid,
			"chứng thư số chưa có hiệu lực (hiệu lực từ "+d+")",
			"the certificate is not valid yet (valid from "+cert.NotBefore.UTC().Format(time.RFC3339)+")", nil)
	}
	if now.After(cert.NotAfter) {
		d := cert.NotAfter.In(vnZone()).Format("02/01/2006")
		return newError(ECertExpired,
			"chứng thư số đã hết hạn ngày "+d,
			"the certificate expired on "+cert.NotAfter.UTC().Format("2006-01-02"), nil)
	}
	const signingUsages = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	if cert.KeyUsage != 0 && cert.KeyUsage&signingUsages == 0 {
		return newError(ECertKeyUsage,
			"chứng thư số không được phép dùng để ký số (thiếu digitalSignature/nonRepudiation)",
			"the certificate may not be used for signing (no digitalSignature/nonRepudiation key usage)", nil)
	}
	// TT 15/2025/TT-BKHCN: RSA of at least 2048 bits, ECDSA of at least
	// 256 bits.
	switch k := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return newError(EWeakKey, "khóa RSA của chứng thư số ngắn hơn 2048 bit", "the certificate's RSA key is shorter than 2048 bits", nil)
		}
	case *ecdsa.PublicKey:
		if k.Curve.Params().BitSize < 256 {
			return newError(EWeakKey, "khóa ECDSA của chứng thư số ngắn hơn 256 bit", "the certificate's ECDSA key is shorter than 256 bits", nil)
		}
	default:
		return newError(EUnsupported, "thuật toán khóa không được hỗ trợ (chỉ RSA hoặc ECDSA)",
			"unsupported key algorithm (RSA or ECDSA only)", fmt.Errorf("%T", cert.PublicKey))
	}
	return nil
}

// vnZone is Vietnam time (UTC+07:00, no daylight saving time). A fixed
// zone avoids depending on the tz database of the host.
func vnZone() *time.Location {
	return time.FixedZone("ICT", 7*60*60)
}
