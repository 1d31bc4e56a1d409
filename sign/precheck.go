package sign

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"time"

	"golang.org/x/crypto/ocsp"
)

// CheckCertificate is the check TT 15/2025/TT-BKHCN asks of signing
// software before it signs: the signer certificate certs[0] must be usable
// at time at (validity period, key usage, key size: CheckUsable) and not
// revoked. Revocation is asked of src: OCSP first (unless src answers
// ErrNoOCSP), then the CRL. A revoked certificate gives ECertRevoked; when
// neither answer can be had the check fails with ERevocation (signing
// does not go ahead on an unknown status). A nil src skips revocation.
// certs[1:] must hold the issuer of certs[0].
func CheckCertificate(ctx context.Context, certs []*x509.Certificate, at time.Time, src RevocationSource) error {
	if len(certs) == 0 || certs[0] == nil {
		return newError(EInvalidInput, "thiếu chứng thư số", "missing certificate", nil)
	}
	cert := certs[0]
	if err := CheckUsable(cert, at); err != nil {
		return err
	}
	if src == nil {
		return nil
	}
	var issuer *x509.Certificate
	for _, c := range certs[1:] {
		if c != nil && bytes.Equal(c.RawSubject, cert.RawIssuer) && signedBy(cert, c) {
			issuer = c
			break
		}
	}
	if issuer == nil {
		return newError(ERevocation, "không tìm thấy chứng thư của tổ chức cấp để kiểm tra tình trạng thu hồi",
			"the issuer certificate needed to check revocation is missing", nil)
	}
	var errs []error
	if der, err := src.OCSP(ctx, cert, issuer, at); !errors.Is(err, ErrNoOCSP) {
		if err == nil {
			var resp *ocsp.Response
			if resp, err = checkOCSP(der, cert, issuer, at); err == nil {
				if resp.Status == ocsp.Revoked && !resp.RevokedAt.After(at) {
					return revoked(resp.RevokedAt)
				}
				return nil
			}
		}
		errs = append(errs, err)
	}
	der, err := src.CRL(ctx, cert, issuer, at)
	if err == nil {
		var crl *x509.RevocationList
		crl, err = checkedCRL(der, issuer)
		if err == nil && !crl.NextUpdate.IsZero() && at.After(crl.NextUpdate) {
			err = errors.New("the CRL is out of date")
		}
		if err == nil {
			for _, e := range crl.RevokedCertificateEntries {
				if e.SerialNumber.Cmp(cert.SerialNumber) == 0 && !e.RevocationTime.After(at) {
					return revoked(e.RevocationTime)
				}
			}
			return nil
		}
	}
	errs = append(errs, err)
	return newError(ERevocation, "không kiểm tra được tình trạng thu hồi của chứng thư số (OCSP và CRL đều không trả lời); chưa ký",
		"cannot check whether the certificate is revoked (neither OCSP nor CRL answered); not signed", errors.Join(errs...))
}

func revoked(at time.Time) error {
	return newError(ECertRevoked, "chứng thư số đã bị thu hồi từ "+formatVN(at)+"; không được dùng để ký",
		"the certificate was revoked at "+formatVN(at)+"; it may not be used to sign", nil)
}
