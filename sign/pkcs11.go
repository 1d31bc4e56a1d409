package sign

// PKCS11Config selects a key pair on a PKCS#11 token or HSM (for example
// the organisation's seal key, or SoftHSM2 in tests).
type PKCS11Config struct {
	// Module is the path of the PKCS#11 library, e.g.
	// /usr/lib/softhsm/libsofthsm2.so or the CA token's driver.
	Module     string
	TokenLabel string
	PIN        string
	// KeyLabel is the CKA_LABEL of the private key. The certificate is
	// looked up on the token under the same label unless CertificatePEM
	// is set.
	KeyLabel string
	// CertificatePEM holds the signing certificate, optionally followed
	// by its CA chain, when the token does not store it.
	CertificatePEM []byte
	// ChainPEM holds CA certificates (nearest first) to embed in
	// signatures, in addition to any that follow CertificatePEM.
	ChainPEM []byte
}
