package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"golang.org/x/crypto/ocsp"
)

// DemoRootName is the common name of the demo root CA. The name says that
// certificates under it have no legal value.
const DemoRootName = "DEMO Root CA motcua — không có giá trị pháp lý"

// DefaultDemoPassword protects the PKCS#12 files issued by a DemoPKI
// unless DemoPKI.Password is changed. Demo keys are not secrets.
const DefaultDemoPassword = "motcua-demo"

// DemoPKI is a throw-away certificate authority for demonstrations and
// tests: a root CA that issues signing certificates with Vietnamese
// distinguished names (L=Bắc Ninh, C=VN). Its certificates have no legal
// value. A DemoPKI is safe for concurrent use if its fields are not
// changed concurrently; Revoke, CRL and OCSP may always be called
// concurrently.
type DemoPKI struct {
	Root    *x509.Certificate
	rootKey crypto.Signer

	// Now is the issuance time: new certificates are valid from five
	// minutes before Now for three years.
	Now time.Time
	// Password protects the PKCS#12 files returned by IssuePerson and
	// IssueOrganization.
	Password string
	// RSA selects RSA-2048 keys for new identities instead of ECDSA P-256.
	RSA bool
	// CRLURL, when set, is written as the CRL distribution point of the
	// certificates issued afterwards (for a test server that serves the
	// CRL of this PKI). Empty by default: demo certificates then name no
	// distribution point that verifiers would try to reach.
	CRLURL string
	// OCSPURL, when set, is written as the OCSP responder (authority
	// information access) of the certificates issued afterwards. AddDSS
	// then asks the DemoPKI itself (its OCSP method) for OCSP responses
	// about them instead of CRLs; a test server may serve them at that
	// address. Empty by default.
	OCSPURL string

	// Revocation state (see Revoke, CRL and OCSP).
	mu        sync.Mutex
	revoked   []x509.RevocationListEntry
	crl       *x509.RevocationList // the last CRL issued, nil after Revoke
	crlNumber int64
	ocsps     map[string]demoOCSP // last response by serial number, emptied by Revoke
}

type demoOCSP struct {
	der                    []byte
	thisUpdate, nextUpdate time.Time
}

// demoSubject is the subject of the demo CA's certificates named cn.
func demoSubject(cn string) pkix.Name {
	return pkix.Name{
		CommonName:   cn,
		Organization: []string{"motcua DEMO"},
		Locality:     []string{"Bắc Ninh"},
		Country:      []string{"VN"},
	}
}

// NewDemoPKI creates a demo root CA (ECDSA P-256, valid ten years from now).
func NewDemoPKI(now time.Time) (*DemoPKI, error) {
	if now.IsZero() {
		return nil, newError(EInvalidInput, "thiếu thời điểm tạo CA", "missing CA creation time", nil)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               demoSubject(DemoRootName),
		NotBefore:             now.Add(-5 * time.Minute),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		SubjectKeyId:          keyID(&key.PublicKey),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("sign: create demo root: %w", err)
	}
	root, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &DemoPKI{Root: root, rootKey: key, Now: now, Password: DefaultDemoPassword}, nil
}

// parsePEM parses the first PEM block of data, which must be of type typ,
// with parse.
func parsePEM[T any](data []byte, typ string, parse func([]byte) (T, error)) (T, error) {
	b, _ := pem.Decode(data)
	if b == nil || b.Type != typ {
		var zero T
		return zero, errors.New("no PEM " + typ + " block first")
	}
	return parse(b.Bytes)
}

// LoadDemoPKI restores a DemoPKI saved with RootPEM and RootKeyPEM.
// now becomes the issuance time of new certificates.
func LoadDemoPKI(rootCertPEM, rootKeyPEM []byte, now time.Time) (*DemoPKI, error) {
	root, err := parsePEM(rootCertPEM, "CERTIFICATE", x509.ParseCertificate)
	if err != nil {
		return nil, newError(EKeyStore, "không đọc được chứng thư CA demo", "cannot read the demo CA certificate", err)
	}
	k, err := parsePEM(rootKeyPEM, "PRIVATE KEY", x509.ParsePKCS8PrivateKey)
	if err != nil {
		return nil, newError(EKeyStore, "không đọc được khóa CA demo", "cannot read the demo CA key", err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, newError(EKeyStore, "khóa CA demo không hợp lệ", "invalid demo CA key", nil)
	}
	id := &Identity{Signer: signer, Certificate: root}
	if err := id.check(); err != nil {
		return nil, err
	}
	return &DemoPKI{Root: root, rootKey: signer, Now: now, Password: DefaultDemoPassword}, nil
}

// RootPEM returns the root certificate in PEM form, for a trust store.
func (p *DemoPKI) RootPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.Root.Raw})
}

// RootKeyPEM returns the root private key as unencrypted PKCS#8 PEM. Store
// it with file mode 0600; it is only a demo key.
func (p *DemoPKI) RootKeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(p.rootKey)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// RootPool returns a certificate pool holding only the demo root.
func (p *DemoPKI) RootPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.Root)
	return pool
}

// IssuePerson issues a signing identity for an officer (CN=name,
// T=position, O=org, L=Bắc Ninh, C=VN) and returns it with a PKCS#12
// encoding protected by p.Password.
func (p *DemoPKI) IssuePerson(name, position, org string) (*Identity, []byte, error) {
	if name == "" {
		return nil, nil, newError(EInvalidInput, "thiếu họ tên người ký", "missing signer name", nil)
	}
	return p.issue(name, position, org)
}

// IssueOrganization issues the organisation's seal identity (CN=O=org).
func (p *DemoPKI) IssueOrganization(org string) (*Identity, []byte, error) {
	if org == "" {
		return nil, nil, newError(EInvalidInput, "thiếu tên cơ quan", "missing organisation name", nil)
	}
	return p.issue("", "", org)
}

func (p *DemoPKI) issue(name, position, org string) (*Identity, []byte, error) {
	key, err := p.newKey()
	if err != nil {
		return nil, nil, err
	}
	cert, err := p.IssueForKey(key.Public(), name, position, org)
	if err != nil {
		return nil, nil, err
	}
	id := &Identity{Signer: key, Certificate: cert, Chain: []*x509.Certificate{p.Root}}
	p12, err := EncodePKCS12(id, p.Password)
	if err != nil {
		return nil, nil, err
	}
	return id, p12, nil
}

func (p *DemoPKI) newKey() (crypto.Signer, error) {
	if p.RSA {
		return rsa.GenerateKey(rand.Reader, 2048)
	}
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

// IssueForKey issues a document-signing certificate for an existing public
// key, for example one generated inside a PKCS#11 token. An empty name
// issues an organisation certificate (CN=org).
func (p *DemoPKI) IssueForKey(pub crypto.PublicKey, name, position, org string) (*x509.Certificate, error) {
	subj := pkix.Name{Locality: []string{"Bắc Ninh"}, Country: []string{"VN"}}
	if org != "" {
		subj.Organization = []string{org}
	}
	subj.CommonName = name
	if name == "" {
		subj.CommonName = org
	}
	if subj.CommonName == "" {
		return nil, newError(EInvalidInput, "thiếu tên chủ thể chứng thư", "missing certificate subject name", nil)
	}
	if position != "" {
		subj.ExtraNames = append(subj.ExtraNames, pkix.AttributeTypeAndValue{Type: oidTitle(), Value: position})
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               subj,
		NotBefore:             p.Now.Add(-5 * time.Minute),
		NotAfter:              p.Now.AddDate(3, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{oidEKUDocSigning()},
		BasicConstraintsValid: true,
		SubjectKeyId:          keyID(pub),
	}
	return p.create(tmpl, pub)
}

// IssueTSA issues a timestamping certificate (critical extended key usage
// id-kp-timeStamping, RFC 3161 §2.3) for tests and demonstrations.
func (p *DemoPKI) IssueTSA(name string) (*Identity, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidEKUTimeStamping()})
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               demoSubject(name),
		NotBefore:             p.Now.Add(-5 * time.Minute),
		NotAfter:              p.Now.AddDate(3, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtraExtensions:       []pkix.Extension{{Id: oidExtKeyUsage(), Critical: true, Value: eku}},
		BasicConstraintsValid: true,
		SubjectKeyId:          keyID(&key.PublicKey),
	}
	cert, err := p.create(tmpl, &key.PublicKey)
	if err != nil {
		return nil, err
	}
	return &Identity{Signer: key, Certificate: cert, Chain: []*x509.Certificate{p.Root}}, nil
}

func (p *DemoPKI) create(tmpl *x509.Certificate, pub crypto.PublicKey) (*x509.Certificate, error) {
	if p.Now.IsZero() {
		return nil, newError(EInvalidInput, "thiếu thời điểm cấp chứng thư", "missing issuance time", nil)
	}
	tmpl.AuthorityKeyId = p.Root.SubjectKeyId
	if p.CRLURL != "" {
		tmpl.CRLDistributionPoints = []string{p.CRLURL}
	}
	if p.OCSPURL != "" {
		tmpl.OCSPServer = []string{p.OCSPURL}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.Root, pub, p.rootKey)
	if err != nil {
		return nil, fmt.Errorf("sign: issue certificate: %w", err)
	}
	return x509.ParseCertificate(der)
}

// demoCRLValidity is the time between a demo CRL's ThisUpdate and
// NextUpdate.
const demoCRLValidity = 7 * 24 * time.Hour

// Revoke records that the certificate with this serial number was revoked
// at time at (reason unspecified). CRLs issued for a time at or after at
// list it.
func (p *DemoPKI) Revoke(serial *big.Int, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.revoked = append(p.revoked, x509.RevocationListEntry{SerialNumber: new(big.Int).Set(serial), RevocationTime: at.UTC()})
	p.crl = nil
	p.ocsps = nil
}

// CRL implements RevocationSource for certificates issued by the demo
// root: it returns a CRL signed by the root, with ThisUpdate at and
// NextUpdate seven days later, listing the certificates revoked at or
// before at. The CRL is reused while at stays in its validity period and
// nothing is revoked.
func (p *DemoPKI) CRL(_ context.Context, cert, issuer *x509.Certificate, at time.Time) ([]byte, error) {
	if issuer == nil || !bytes.Equal(issuer.Raw, p.Root.Raw) {
		return nil, newError(ERevocation, "chứng thư số không do CA demo cấp", "the certificate was not issued by the demo CA", nil)
	}
	if cert != nil && !bytes.Equal(cert.RawIssuer, p.Root.RawSubject) {
		return nil, newError(ERevocation, "chứng thư số không do CA demo cấp", "the certificate was not issued by the demo CA", nil)
	}
	if at.IsZero() {
		return nil, newError(EInvalidInput, "thiếu thời điểm lập danh sách thu hồi", "missing CRL time", nil)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if c := p.crl; c != nil && !at.Before(c.ThisUpdate) && at.Before(c.NextUpdate) && !p.revokedIn(c.ThisUpdate, at) {
		return c.Raw, nil
	}
	var entries []x509.RevocationListEntry
	for _, e := range p.revoked {
		if !e.RevocationTime.After(at) {
			entries = append(entries, e)
		}
	}
	p.crlNumber++
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number:                    big.NewInt(p.crlNumber),
		ThisUpdate:                at.UTC(),
		NextUpdate:                at.Add(demoCRLValidity).UTC(),
		RevokedCertificateEntries: entries,
	}, p.Root, p.rootKey)
	if err != nil {
		return nil, fmt.Errorf("sign: create demo CRL: %w", err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, err
	}
	p.crl = crl
	return der, nil
}

// OCSP implements RevocationSource for certificates issued by the demo root: it
// returns an OCSP response signed by the root itself, with thisUpdate at
// and nextUpdate seven days later, saying revoked when Revoke recorded a
// revocation of cert at or before at, good otherwise. A certificate's
// response is reused while at stays in its validity period and nothing
// is revoked.
func (p *DemoPKI) OCSP(_ context.Context, cert, issuer *x509.Certificate, at time.Time) ([]byte, error) {
	if cert == nil || issuer == nil || !bytes.Equal(issuer.Raw, p.Root.Raw) || !bytes.Equal(cert.RawIssuer, p.Root.RawSubject) {
		return nil, newError(ERevocation, "chứng thư số không do CA demo cấp", "the certificate was not issued by the demo CA", nil)
	}
	if at.IsZero() {
		return nil, newError(EInvalidInput, "thiếu thời điểm lập phản hồi OCSP", "missing OCSP response time", nil)
	}
	at = at.UTC().Truncate(time.Second)
	key := cert.SerialNumber.String()
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.ocsps[key]; ok && !at.Before(c.thisUpdate) && at.Before(c.nextUpdate) && !p.revokedIn(c.thisUpdate, at) {
		return c.der, nil
	}
	tmpl := ocsp.Response{
		Status:       ocsp.Good,
		SerialNumber: cert.SerialNumber,
		ThisUpdate:   at,
		NextUpdate:   at.Add(demoCRLValidity),
		ProducedAt:   at,
	}
	for _, e := range p.revoked {
		if e.SerialNumber.Cmp(cert.SerialNumber) == 0 && !e.RevocationTime.After(at) &&
			(tmpl.Status != ocsp.Revoked || e.RevocationTime.Before(tmpl.RevokedAt)) {
			tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, e.RevocationTime, ocsp.Unspecified
		}
	}
	der, err := ocsp.CreateResponse(p.Root, p.Root, tmpl, p.rootKey)
	if err != nil {
		return nil, fmt.Errorf("sign: create demo OCSP response: %w", err)
	}
	if p.ocsps == nil {
		p.ocsps = map[string]demoOCSP{}
	}
	p.ocsps[key] = demoOCSP{der: der, thisUpdate: tmpl.ThisUpdate, nextUpdate: tmpl.NextUpdate}
	return der, nil
}

// revokedIn reports whether a revocation time lies in (from, to].
func (p *DemoPKI) revokedIn(from, to time.Time) bool {
	for _, e := range p.revoked {
		if e.RevocationTime.After(from) && !e.RevocationTime.After(to) {
			return true
		}
	}
	return false
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		// crypto/rand does not fail on supported platforms.
		panic(err)
	}
	return n.Add(n, big.NewInt(1))
}

// keyID is the RFC 5280 method-1 key identifier (SHA-1 of the public key).
func keyID(pub crypto.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil
	}
	sum := sha1.Sum(spki.PublicKey.Bytes)
	return sum[:]
}
