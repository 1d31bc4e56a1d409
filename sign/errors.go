package sign

import "errors"

// Error is a signing or verification failure that can be shown to a user.
// Message is Vietnamese (NFC) and is what Error returns; English is the
// English alternative. Code is stable and meant for programs.
type Error struct {
	Code    Code
	Message string // Vietnamese
	English string
	Err     error // underlying cause, may be nil
}

// Code identifies a kind of Error.
type Code string

// Error codes.
const (
	ECertNotYetValid   Code = "cert_not_yet_valid"  // Certificate not valid yet at the signing time.
	ECertExpired       Code = "cert_expired"        // Certificate expired at the signing time.
	ECertKeyUsage      Code = "cert_key_usage"      // Certificate lacks digitalSignature/nonRepudiation.
	EWeakKey           Code = "weak_key"            // RSA < 2048 bits or ECDSA < 256 bits.
	EInvalidInput      Code = "invalid_input"       // Caller error: missing or malformed argument.
	EInvalidPDF        Code = "invalid_pdf"         // The PDF cannot be parsed or updated.
	EKeyStore          Code = "key_store"           // PKCS#12 / PKCS#11 could not be opened.
	ETimestamp         Code = "timestamp"           // The TSA failed or returned a bad token.
	ESignatureInvalid  Code = "signature_invalid"   // A CMS signature does not verify.
	EUntrusted         Code = "untrusted"           // No chain to the trust store.
	EFont              Code = "font"                // No usable font for the visible appearance.
	ESigning           Code = "signing"             // The signer (token/HSM) refused to sign.
	ETrustStore        Code = "trust_store"         // The trust store directory could not be read.
	EUnsupported       Code = "unsupported_feature" // Algorithm or PDF feature not supported.
	ERevocation        Code = "revocation"          // Revocation data (CRL, OCSP) unavailable or invalid.
	ECertRevoked       Code = "cert_revoked"        // The certificate is revoked (checked before signing).
	EExpired           Code = "prepared_expired"    // A prepared signature was not finished in time.
	ECertMismatch      Code = "cert_mismatch"       // The signer used another certificate than the registered one.
	ESignatureMismatch Code = "signature_mismatch"  // The signature value does not match the prepared digest and certificate.
	EContainerSize     Code = "container_size"      // The CMS container does not fit the space reserved in the PDF.
	ERemote            Code = "remote_signing"      // The signing agent or remote signing service failed or did not answer.
	EAuthorization     Code = "authorization"       // The signer refused the authorisation (wrong OTP or PIN).
)

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, &sign.Error{Code: sign.ECertExpired}) works.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Code == e.Code
}

// Text returns the message in English when lang is "en", in Vietnamese
// otherwise.
func (e *Error) Text(lang string) string {
	msg := e.Message
	if lang == "en" {
		msg = e.English
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Refused reports whether err is the signer's fault rather than the
// server's: a prepared signature that expired, a signature value that does
// not match, another certificate than the registered one, a certificate
// that is expired, not yet valid, revoked or not for signing. The API
// answers those with 422.
func Refused(err error) bool {
	switch ErrorCode(err) {
	case EExpired, ECertMismatch, ESignatureMismatch, ECertRevoked, EAuthorization, ECertExpired, ECertNotYetValid, ECertKeyUsage, EWeakKey:
		return true
	}
	return false
}

// ErrorCode returns the Code of err if it is (or wraps) an *Error, and ""
// otherwise.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// NewError returns an *Error; packages that sign for this one (remote
// signing, the local agent) report their failures with it.
func NewError(code Code, vi, en string, cause error) *Error { return newError(code, vi, en, cause) }

func newError(code Code, vi, en string, cause error) *Error {
	return &Error{Code: code, Message: vi, English: en, Err: cause}
}
