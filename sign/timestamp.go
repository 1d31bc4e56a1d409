package sign

import "crypto/x509"

// VerifyTimestamp checks that token is a correctly signed RFC 3161
// timestamp over message, and reports whether its TSA chains to roots
// with the timeStamping usage at the stamped time (Trusted). Errors have
// code ETimestamp.
func VerifyTimestamp(token, message []byte, roots *x509.CertPool) (*TimestampInfo, error) {
	return verifyTimestampToken(token, message, roots)
}
