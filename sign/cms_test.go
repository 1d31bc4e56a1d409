package sign_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/internal/clocktest"
	"motcua/sign"
)

func TestSignDetached(t *testing.T) {
	now, p := newTestPKINow(t)
	rsaPKI := newTestPKI(t, now)
	rsaPKI.pki.RSA = true
	rsaID, _, err := rsaPKI.pki.IssuePerson("Trần Thị Bình", "Chuyên viên", "Sở Tư pháp tỉnh Bắc Ninh")
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("Bản sao điện tử giấy khai sinh — hồ sơ 000.00.00.H05-260520-0001")

	tests := []struct {
		name  string
		id    *sign.Identity
		roots *x509.CertPool
	}{
		{"ECDSA", p.officer, p.pki.RootPool()},
		{"RSA", rsaID, rsaPKI.pki.RootPool()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig, err := sign.SignDetached(data, tt.id, now)
			if err != nil {
				t.Fatalf("SignDetached = %v", err)
			}
			info, err := sign.VerifyDetached(data, sig, tt.roots)
			if err != nil {
				t.Fatalf("VerifyDetached = %v", err)
			}
			if info.SignerName != tt.id.Certificate.Subject.CommonName || !info.SigningTime.Equal(now) || len(info.Chain) != 2 {
				t.Errorf("SignerInfo = %+v", info)
			}

			changed := bytes.Replace(data, []byte("0001"), []byte("0002"), 1)
			if _, err := sign.VerifyDetached(changed, sig, tt.roots); sign.ErrorCode(err) != sign.ESignatureInvalid {
				t.Errorf("VerifyDetached(changed data) = %v, want ESignatureInvalid", err)
			}
			if _, err := sign.VerifyDetached(data, sig, newTestPKI(t, now).pki.RootPool()); sign.ErrorCode(err) != sign.EUntrusted {
				t.Errorf("VerifyDetached(other root) = %v, want EUntrusted", err)
			}
			if _, err := sign.VerifyDetached(data, sig[:len(sig)-10], tt.roots); sign.ErrorCode(err) != sign.ESignatureInvalid {
				t.Errorf("VerifyDetached(truncated) = %v, want ESignatureInvalid", err)
			}
		})
	}
}

// TestSignDetachedOpenSSL checks the CMS with OpenSSL, a verifier nobody
// here wrote.
func TestSignDetachedOpenSSL(t *testing.T) {
	bin := needTool(t, "openssl")
	now, p := newTestPKINow(t)
	data := []byte("tệp đính kèm đã số hóa")
	sig, err := sign.SignDetached(data, p.officer, now)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, b := range map[string][]byte{"data": data, "sig.der": sig, "root.pem": p.pki.RootPEM()} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := clocktest.Command(t, clocktest.Now(), bin, "cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.der",
		"-content", "data", "-CAfile", "root.pem", "-purpose", "any", "-out", os.DevNull)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "Verification successful") {
		t.Errorf("openssl cms -verify: %v\n%s", err, out)
	}
}

func TestPKCS12RoundTrip(t *testing.T) {
	now := testNow()
	pki := newDemoPKI(t, now)
	pki.Password = "mật-khẩu"
	_, p12, err := pki.IssuePerson("Lê Văn Cường", "Chủ tịch", "UBND xã Tiên Du")
	if err != nil {
		t.Fatal(err)
	}
	id, err := sign.LoadPKCS12(p12, "mật-khẩu")
	if err != nil {
		t.Fatalf("LoadPKCS12 = %v", err)
	}
	if got, want := id.Certificate.Subject.CommonName, "Lê Văn Cường"; got != want {
		t.Errorf("CommonName = %q, want %q", got, want)
	}
	if len(id.Chain) != 1 || !id.Chain[0].Equal(pki.Root) {
		t.Errorf("Chain = %v, want the demo root", id.Chain)
	}
	if _, err := sign.LoadPKCS12(p12, "sai"); sign.ErrorCode(err) != sign.EKeyStore {
		t.Errorf("LoadPKCS12(wrong password) = %v, want EKeyStore", err)
	}
	cert := id.Certificate
	if cert.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment {
		t.Errorf("KeyUsage = %v", cert.KeyUsage)
	}
	if len(cert.UnknownExtKeyUsage) != 1 || cert.UnknownExtKeyUsage[0].String() != "1.3.6.1.5.5.7.3.36" ||
		len(cert.ExtKeyUsage) != 1 || cert.ExtKeyUsage[0] != x509.ExtKeyUsageEmailProtection {
		t.Errorf("EKU = %v %v", cert.ExtKeyUsage, cert.UnknownExtKeyUsage)
	}
	if got := cert.NotAfter.Sub(now); got < 3*365*24*time.Hour || got > 3*366*24*time.Hour {
		t.Errorf("validity = %v, want about three years", got)
	}
	if got := cert.Subject.String(); !strings.Contains(got, "L=Bắc Ninh") || !strings.Contains(got, "C=VN") {
		t.Errorf("Subject = %q", got)
	}
}

func TestDemoPKIPersistence(t *testing.T) {
	now := testNow()
	pki := newDemoPKI(t, now)
	if got := pki.Root.Subject.CommonName; got != "DEMO Root CA motcua — không có giá trị pháp lý" {
		t.Errorf("root CN = %q", got)
	}
	keyPEM, err := pki.RootKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	later := now.AddDate(1, 0, 0)
	loaded, err := sign.LoadDemoPKI(pki.RootPEM(), keyPEM, later)
	if err != nil {
		t.Fatalf("LoadDemoPKI = %v", err)
	}
	org, _, err := loaded.IssueOrganization("Văn phòng UBND tỉnh")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := org.Certificate.Verify(x509.VerifyOptions{Roots: pki.RootPool(), CurrentTime: later, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		t.Errorf("certificate from reloaded PKI does not chain to the original root: %v", err)
	}
	if _, err := sign.LoadDemoPKI(pki.RootPEM(), []byte("garbage"), later); sign.ErrorCode(err) != sign.EKeyStore {
		t.Errorf("LoadDemoPKI(bad key) = %v", err)
	}
	for _, bad := range [][]byte{[]byte("garbage"), keyPEM} { // no PEM, or a key where the certificate goes
		if _, err := sign.LoadDemoPKI(bad, keyPEM, later); sign.ErrorCode(err) != sign.EKeyStore {
			t.Errorf("LoadDemoPKI(bad certificate %.20q) = %v", bad, err)
		}
	}
	other, _ := sign.NewDemoPKI(now)
	otherKey, _ := other.RootKeyPEM()
	if _, err := sign.LoadDemoPKI(pki.RootPEM(), otherKey, later); sign.ErrorCode(err) != sign.EKeyStore {
		t.Errorf("LoadDemoPKI(mismatched key) = %v", err)
	}
}

func TestCheckUsable(t *testing.T) {
	now, p := newTestPKINow(t)
	cert := p.officer.Certificate
	tests := []struct {
		name string
		at   time.Time
		code sign.Code
	}{
		{"Valid", now, ""},
		{"BeforeNotBefore", cert.NotBefore.Add(-time.Second), sign.ECertNotYetValid},
		{"AfterNotAfter", cert.NotAfter.Add(time.Second), sign.ECertExpired},
	}
	for _, tt := range tests {
		if got := sign.ErrorCode(sign.CheckUsable(cert, tt.at)); got != tt.code {
			t.Errorf("%s: CheckUsable code = %q, want %q", tt.name, got, tt.code)
		}
	}
	// A CA certificate has key usage but neither digitalSignature nor
	// nonRepudiation.
	if got := sign.ErrorCode(sign.CheckUsable(p.pki.Root, now)); got != sign.ECertKeyUsage {
		t.Errorf("CheckUsable(root) code = %q, want %q", got, sign.ECertKeyUsage)
	}
	weak, err := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	weakCert, err := p.pki.IssueForKey(weak.Public(), "Phạm Thị Dung", "", "UBND huyện")
	if err != nil {
		t.Fatal(err)
	}
	if got := sign.ErrorCode(sign.CheckUsable(weakCert, now)); got != sign.EWeakKey {
		t.Errorf("CheckUsable(P-224) code = %q, want %q", got, sign.EWeakKey)
	}
	err = sign.CheckUsable(cert, cert.NotAfter.Add(time.Hour))
	var e *sign.Error
	if !asError(err, &e) || !strings.HasPrefix(e.Message, "chứng thư số đã hết hạn ngày ") || !strings.HasPrefix(e.English, "the certificate expired on ") {
		t.Errorf("CheckUsable(expired) = %#v", err)
	}
}

func TestLoadTrustStore(t *testing.T) {
	now := testNow()
	a, b := newTestPKI(t, now), newTestPKI(t, now)
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("a.pem", a.pki.RootPEM())
	write("b.cer", b.pki.Root.Raw) // DER
	write("README.txt", []byte("ignored"))
	pool, err := sign.LoadTrustStore(dir)
	if err != nil {
		t.Fatalf("LoadTrustStore = %v", err)
	}
	for _, id := range []*sign.Identity{a.officer, b.org} {
		if _, err := id.Certificate.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
			t.Errorf("%s not trusted: %v", id.Certificate.Subject.CommonName, err)
		}
	}
	write("broken.crt", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	if _, err := sign.LoadTrustStore(dir); sign.ErrorCode(err) != sign.ETrustStore {
		t.Errorf("LoadTrustStore(broken file) = %v, want ETrustStore", err)
	}
	if _, err := sign.LoadTrustStore(filepath.Join(dir, "missing")); sign.ErrorCode(err) != sign.ETrustStore {
		t.Errorf("LoadTrustStore(missing dir) = %v, want ETrustStore", err)
	}
}
