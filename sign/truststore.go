package sign

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LoadTrustStore reads the root certificates of a trust store directory:
// every *.pem, *.crt and *.cer file, PEM (one or more CERTIFICATE blocks)
// or DER. Operators add the NEAC root, the Ban Cơ yếu Chính phủ root and
// other recognised roots there. Subdirectories are ignored. A file that
// holds no parsable certificate is an error (code ETrustStore), so a
// broken file is noticed rather than silently distrusted. An empty
// directory gives an empty pool.
func LoadTrustStore(dir string) (*x509.CertPool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, newError(ETrustStore, "không đọc được thư mục chứng thư tin cậy "+dir,
			"cannot read the trust store directory "+dir, err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".pem", ".crt", ".cer":
			if e.Type().IsRegular() || e.Type()&os.ModeSymlink != 0 {
				names = append(names, e.Name())
			}
		}
	}
	sort.Strings(names)
	pool := x509.NewCertPool()
	for _, name := range names {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, newError(ETrustStore, "không đọc được tệp "+path, "cannot read "+path, err)
		}
		certs, err := parseCertificates(data)
		if err != nil {
			return nil, newError(ETrustStore, "tệp "+path+" không chứa chứng thư số hợp lệ",
				path+" holds no valid certificate", err)
		}
		for _, c := range certs {
			pool.AddCert(c)
		}
	}
	return pool, nil
}

// parseCertificates parses PEM CERTIFICATE blocks or a single DER
// certificate.
func parseCertificates(data []byte) ([]*x509.Certificate, error) {
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		c, err := x509.ParseCertificate(data)
		if err != nil {
			return nil, err
		}
		return []*x509.Certificate{c}, nil
	}
	certs, err := ParsePEMCertificates(data)
	if err == nil && len(certs) == 0 {
		err = fmt.Errorf("no CERTIFICATE block")
	}
	return certs, err
}

// ParsePEMCertificates parses the PEM CERTIFICATE blocks of data, in
// order, skipping blocks of other types; none gives an empty list.
func ParsePEMCertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return certs, nil
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
}
