package sign_test

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"testing"

	"motcua/sign"
)

// TestHTTPRevocationNoSource: a certificate with no http(s) CRL
// distribution point or OCSP responder is refused before any request,
// with an ERevocation error naming it and the missing service.
func TestHTTPRevocationNoSource(t *testing.T) {
	cert := &x509.Certificate{Subject: pkix.Name{CommonName: "Nguyễn Văn Ánh"},
		CRLDistributionPoints: []string{"ldap://ca.example/crl"}, OCSPServer: []string{"ftp://ca.example/ocsp"}}
	h := &sign.HTTPRevocation{}
	ctx := context.Background()
	_, crlErr := h.CRL(ctx, cert, &x509.Certificate{}, testNow())
	_, ocspErr := h.OCSP(ctx, cert, &x509.Certificate{}, testNow())
	for _, c := range []struct {
		err    error
		vi, en string
	}{
		{crlErr, "chứng thư số Nguyễn Văn Ánh không có địa chỉ HTTP của danh sách thu hồi (CRL)", "the certificate Nguyễn Văn Ánh has no HTTP CRL distribution point"},
		{ocspErr, "chứng thư số Nguyễn Văn Ánh không có địa chỉ HTTP của dịch vụ OCSP", "the certificate Nguyễn Văn Ánh has no HTTP OCSP responder"},
	} {
		var e *sign.Error
		if !errors.As(c.err, &e) || e.Code != sign.ERevocation || e.Message != c.vi || e.English != c.en {
			t.Errorf("error = %#v; want ERevocation %q / %q", c.err, c.vi, c.en)
		}
	}
}
