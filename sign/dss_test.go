package sign_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/internal/clocktest"
	"motcua/sign"
	ipdf "motcua/sign/internal/pdf"
)

// addDSS adds a DSS with revocation data from the test PKI at time at.
func addDSS(t testing.TB, p *testPKI, in []byte, at time.Time) []byte {
	t.Helper()
	out, err := sign.AddDSS(context.Background(), in, sign.DSSOptions{Roots: p.pki.RootPool(), Revocation: p.pki, Now: at})
	if err != nil {
		t.Fatalf("AddDSS = %v", err)
	}
	return out
}

// dssContent is the DSS of a file as read by our PDF reader.
type dssContent struct {
	certs []*x509.Certificate
	crls  []*x509.RevocationList
	vri   map[string]ipdf.Value
	// contents holds the /Contents of every signature, in field order.
	contents [][]byte
}

func readDSSContent(t *testing.T, data []byte) dssContent {
	t.Helper()
	r, err := ipdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	root := r.Trailer().Key("Root")
	dss := root.Key("DSS")
	if dss.Kind() != ipdf.Dict || dss.Key("Type").Name() != "DSS" {
		t.Fatalf("catalogue /DSS = %v", dss)
	}
	var c dssContent
	streams := func(key string) [][]byte {
		arr := dss.Key(key)
		var out [][]byte
		for i := 0; i < arr.Len(); i++ {
			if _, _, ok := arr.IndexRef(i); !ok || arr.Index(i).Kind() != ipdf.Stream {
				t.Fatalf("/DSS /%s[%d] is not an indirect stream", key, i)
			}
			b, err := io.ReadAll(arr.Index(i).Reader())
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return out
	}
	for _, der := range streams("Certs") {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatalf("DSS certificate: %v", err)
		}
		c.certs = append(c.certs, cert)
	}
	for _, der := range streams("CRLs") {
		crl, err := x509.ParseRevocationList(der)
		if err != nil {
			t.Fatalf("DSS CRL: %v", err)
		}
		c.crls = append(c.crls, crl)
	}
	c.vri = map[string]ipdf.Value{}
	vri := dss.Key("VRI")
	for _, k := range vri.Keys() {
		c.vri[k] = vri.Key(k)
	}
	fields := root.Key("AcroForm").Key("Fields")
	for i := 0; i < fields.Len(); i++ {
		if v := fields.Index(i).Key("V"); v.Kind() == ipdf.Dict {
			c.contents = append(c.contents, []byte(v.Key("Contents").RawString()))
		}
	}
	return c
}

func (c dssContent) hasCert(cert *x509.Certificate) bool {
	for _, x := range c.certs {
		if x.Equal(cert) {
			return true
		}
	}
	return false
}

func vriKey(contents []byte) string {
	sum := sha1.Sum(contents)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func qpdfCheck(t *testing.T, data []byte) {
	t.Helper()
	bin := needTool(t, "qpdf")
	file := filepath.Join(t.TempDir(), "check.pdf")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runTool(bin, "--check", file); err != nil {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	}
}

func TestAddDSS(t *testing.T) {
	now, p, signed := signedTestPDF(t)
	lt := addDSS(t, p, signed, now.Add(2*time.Minute))

	if !bytes.HasPrefix(lt, signed) {
		t.Fatal("AddDSS did not append an incremental update")
	}
	if out := pdfsig(t, lt, ""); strings.Count(out, "Signature is Valid.") != 2 {
		t.Errorf("pdfsig after AddDSS:\n%s", out)
	}
	qpdfCheck(t, lt)

	// Verified four years later, after the certificates expired: still
	// valid and trusted, with revocation from the DSS.
	rep, err := sign.VerifyPDF(lt, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now.AddDate(4, 0, 0)})
	if err != nil {
		t.Fatalf("VerifyPDF = %v", err)
	}
	if !rep.Intact || !rep.Trusted || !rep.LTV || !rep.DSSAppended || rep.UnsignedChanges || len(rep.Signatures) != 2 {
		t.Fatalf("Report Intact=%v Trusted=%v LTV=%v DSSAppended=%v UnsignedChanges=%v signatures=%d",
			rep.Intact, rep.Trusted, rep.LTV, rep.DSSAppended, rep.UnsignedChanges, len(rep.Signatures))
	}
	for i, s := range rep.Signatures {
		if !s.Intact || !s.Trusted || !s.LTV || s.Revocation != sign.RevocationGood || !s.RevokedAt.IsZero() || !s.CertExpiredNow || len(s.Errors) > 0 {
			t.Errorf("signature %d: Intact=%v Trusted=%v LTV=%v Revocation=%q RevokedAt=%v CertExpiredNow=%v Errors=%q",
				i+1, s.Intact, s.Trusted, s.LTV, s.Revocation, s.RevokedAt, s.CertExpiredNow, s.Errors)
		}
	}

	// The DSS: the three certificates, one CRL of the demo root (it
	// issued both), and a VRI entry per signature.
	c := readDSSContent(t, lt)
	if len(c.certs) != 3 || !c.hasCert(p.officer.Certificate) || !c.hasCert(p.org.Certificate) || !c.hasCert(p.pki.Root) {
		t.Errorf("DSS certificates: %d, officer %v, organisation %v, root %v", len(c.certs),
			c.hasCert(p.officer.Certificate), c.hasCert(p.org.Certificate), c.hasCert(p.pki.Root))
	}
	if len(c.crls) != 1 {
		t.Fatalf("DSS CRLs: %d, want 1", len(c.crls))
	}
	if err := c.crls[0].CheckSignatureFrom(p.pki.Root); err != nil || len(c.crls[0].RevokedCertificateEntries) != 0 {
		t.Errorf("DSS CRL: signature %v, %d revoked entries", err, len(c.crls[0].RevokedCertificateEntries))
	}
	if len(c.contents) != 2 || len(c.vri) != 2 {
		t.Fatalf("%d signatures, %d VRI entries", len(c.contents), len(c.vri))
	}
	for i, contents := range c.contents {
		v, ok := c.vri[vriKey(contents)]
		if !ok {
			t.Errorf("no VRI entry for signature %d (key %s); keys %v", i+1, vriKey(contents), c.vri)
			continue
		}
		if v.Key("Cert").Len() != 2 || v.Key("CRL").Len() != 1 || v.Key("TU").Kind() != ipdf.String {
			t.Errorf("VRI of signature %d: %v", i+1, v)
		}
	}

	// Before AddDSS: no long-term validation data.
	rep, _ = sign.VerifyPDF(signed, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
	if rep.LTV || rep.DSSAppended || rep.Signatures[0].LTV || rep.Signatures[0].Revocation != sign.RevocationUnknown {
		t.Errorf("without DSS: LTV=%v DSSAppended=%v signature LTV=%v Revocation=%q", rep.LTV, rep.DSSAppended,
			rep.Signatures[0].LTV, rep.Signatures[0].Revocation)
	}
}

func TestAddDSSReport(t *testing.T) {
	now, p := newTestPKINow(t)
	lt := addDSS(t, p, signBoth(t, p, testPDF(t), now, ""), now.Add(2*time.Minute))
	rep, err := sign.VerifyPDF(lt, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][]string{
		"vi": {"Dữ liệu xác thực dài hạn (LTV): có", "Tình trạng thu hồi: Chưa bị thu hồi",
			"sau khi ký, tài liệu chỉ được bổ sung dữ liệu xác thực dài hạn (DSS)",
			"Tất cả chữ ký hợp lệ và được tin cậy", "kiểm tra từ dữ liệu lưu trong tệp (DSS)"},
		"en": {"Long-term validation data (LTV): yes", "Revocation:", "Not revoked",
			"only long-term validation data (DSS) was added since signing", "offline"},
	} {
		var b bytes.Buffer
		if err := rep.WriteText(&b, lang); err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("WriteText(%s) lacks %q:\n%s", lang, w, b.String())
			}
		}
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"Intact":true`, `"LTV":true`, `"DSSAppended":true`, `"Revocation":"good"`, `"TrustStatus":"trusted"`} {
		if !bytes.Contains(js, []byte(w)) {
			t.Errorf("JSON lacks %s: %s", w, js)
		}
	}
	// Without DSS the report says revocation could not be checked.
	rep, _ = sign.VerifyPDF(signBoth(t, p, testPDF(t), now, ""), sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
	var b bytes.Buffer
	rep.WriteText(&b, "vi")
	if !strings.Contains(b.String(), "Dữ liệu xác thực dài hạn (LTV): không") || !strings.Contains(b.String(), "Tệp không có đủ dữ liệu để kiểm tra tình trạng thu hồi") {
		t.Errorf("WriteText without DSS:\n%s", b.String())
	}
}

// TestAddDSSLTA runs the archive flow: B-LT, a document timestamp, and a
// second DSS for the timestamp authority, which keeps the entries of the
// first one.
func TestAddDSSLTA(t *testing.T) {
	now, p := newTestPKINow(t)
	tsaID, tsa := newTestTSA(t, p, now.Add(3*time.Minute))

	lt := addDSS(t, p, signBoth(t, p, minimalPDF(true), now, tsa.URL), now.Add(2*time.Minute))
	stamped, err := sign.TimestampPDF(context.Background(), lt, &sign.TSAClient{URL: tsa.URL})
	if err != nil {
		t.Fatal(err)
	}
	lta := addDSS(t, p, stamped, now.Add(4*time.Minute))
	qpdfCheck(t, lta)
	if out := pdfsig(t, lta, ""); strings.Count(out, "Signature is Valid.") != 2 {
		t.Errorf("pdfsig:\n%s", out)
	}
	rep, err := sign.VerifyPDF(lta, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now.AddDate(5, 0, 0)})
	if err != nil || len(rep.Signatures) != 3 {
		t.Fatalf("VerifyPDF = %+v, %v", rep, err)
	}
	if !rep.Intact || !rep.Trusted || !rep.LTV || !rep.DSSAppended {
		t.Errorf("Report Intact=%v Trusted=%v LTV=%v DSSAppended=%v", rep.Intact, rep.Trusted, rep.LTV, rep.DSSAppended)
	}
	for i, s := range rep.Signatures {
		if !s.Intact || !s.LTV || s.Revocation != sign.RevocationGood || len(s.Errors) > 0 {
			t.Errorf("signature %d (%s): Intact=%v LTV=%v Revocation=%q Errors=%q", i+1, s.Kind, s.Intact, s.LTV, s.Revocation, s.Errors)
		}
	}
	c := readDSSContent(t, lta)
	if len(c.certs) != 4 || !c.hasCert(tsaID.Certificate) || len(c.vri) != 3 {
		t.Errorf("DSS: %d certificates (TSA %v), %d VRI entries", len(c.certs), c.hasCert(tsaID.Certificate), len(c.vri))
	}
	// The second DSS references the streams of the first one.
	if n := bytes.Count(lta, []byte("/Type /DSS")); n != 2 {
		t.Errorf("%d DSS dictionaries, want 2", n)
	}
}

func TestAddDSSXrefTableAndStream(t *testing.T) {
	now, p := newTestPKINow(t)
	for _, xrefStream := range []bool{false, true} {
		lt := addDSS(t, p, signBoth(t, p, minimalPDF(xrefStream), now, ""), now.Add(2*time.Minute))
		// A second AddDSS adds nothing new but a VRI time.
		lt2 := addDSS(t, p, lt, now.Add(3*time.Minute))
		for _, f := range [][]byte{lt, lt2} {
			rep, err := sign.VerifyPDF(f, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
			if err != nil || !rep.Intact || !rep.LTV || !rep.DSSAppended {
				t.Errorf("xrefStream=%v: VerifyPDF = %+v, %v", xrefStream, rep, err)
			}
			if out := pdfsig(t, f, ""); strings.Count(out, "Signature is Valid.") != 2 {
				t.Errorf("xrefStream=%v: pdfsig:\n%s", xrefStream, out)
			}
			qpdfCheck(t, f)
		}
		if c := readDSSContent(t, lt2); len(c.certs) != 3 || len(c.crls) != 1 {
			t.Errorf("xrefStream=%v: second DSS has %d certificates and %d CRLs, want 3 and 1", xrefStream, len(c.certs), len(c.crls))
		}
	}
}

// sealRevokedThenDSS signs a test PDF with both keys (the seal at
// now+1min, no timestamp), revokes the seal's certificate at now+after and
// adds the DSS at now+2min.
func sealRevokedThenDSS(t *testing.T, after time.Duration) (p *testPKI, now, revokedAt time.Time, lt []byte) {
	t.Helper()
	now = testNow()
	p = newTestPKI(t, now)
	signed := signBoth(t, p, testPDF(t), now, "")
	revokedAt = now.Add(after)
	p.pki.Revoke(p.org.Certificate.SerialNumber, revokedAt)
	return p, now, revokedAt, addDSS(t, p, signed, now.Add(2*time.Minute))
}

func TestDSSRevokedAfterSigning(t *testing.T) {
	p, now, revokedAt, lt := sealRevokedThenDSS(t, 90*time.Second)

	rep, err := sign.VerifyPDF(lt, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	seal := rep.Signatures[1]
	if !rep.Intact || !seal.Intact || !seal.Trusted || !seal.LTV || seal.Revocation != sign.RevocationGood || !seal.RevokedAt.Equal(revokedAt) {
		t.Errorf("Intact=%v seal Intact=%v Trusted=%v LTV=%v Revocation=%q RevokedAt=%v", rep.Intact, seal.Intact, seal.Trusted, seal.LTV, seal.Revocation, seal.RevokedAt)
	}
	// Only the claimed time (/M) says the seal came before the
	// revocation: the report says so.
	if len(seal.Errors) != 1 || !strings.Contains(seal.Errors[0], "không có dấu thời gian chứng minh") {
		t.Errorf("seal Errors = %q", seal.Errors)
	}
	if off := rep.Signatures[0]; off.Revocation != sign.RevocationGood || !off.RevokedAt.IsZero() || len(off.Errors) > 0 {
		t.Errorf("officer: Revocation=%q RevokedAt=%v Errors=%q", off.Revocation, off.RevokedAt, off.Errors)
	}
	var b bytes.Buffer
	rep.WriteText(&b, "vi")
	if !strings.Contains(b.String(), "Chưa bị thu hồi tại thời điểm ký (bị thu hồi sau đó, lúc "+revokedAt.Format("02/01/2006 15:04:05 -07:00")+")") {
		t.Errorf("WriteText:\n%s", b.String())
	}
}

func TestDSSRevokedAfterTimestampedSigning(t *testing.T) {
	now, p := newTestPKINow(t)
	tsaID, tsa := newTestTSA(t, p, now.Add(time.Minute))
	signed := signBoth(t, p, testPDF(t), now, tsa.URL)
	p.pki.Revoke(p.org.Certificate.SerialNumber, now.Add(2*time.Minute))
	lt := addDSS(t, p, signed, now.Add(3*time.Minute))

	rep, err := sign.VerifyPDF(lt, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now.AddDate(4, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Intact || !rep.Trusted || !rep.LTV {
		t.Errorf("Report Intact=%v Trusted=%v LTV=%v", rep.Intact, rep.Trusted, rep.LTV)
	}
	for i, s := range rep.Signatures {
		if !s.Intact || !s.Timestamped || s.TimeSource != "timestamp" || s.Revocation != sign.RevocationGood || !s.LTV || len(s.Errors) > 0 {
			t.Errorf("signature %d: Intact=%v Timestamped=%v TimeSource=%q Revocation=%q LTV=%v Errors=%q",
				i+1, s.Intact, s.Timestamped, s.TimeSource, s.Revocation, s.LTV, s.Errors)
		}
	}
	if rep.Signatures[1].RevokedAt.IsZero() {
		t.Error("seal RevokedAt is zero")
	}
	// The DSS also holds the TSA certificate.
	if c := readDSSContent(t, lt); !c.hasCert(tsaID.Certificate) || len(c.certs) != 4 {
		t.Errorf("DSS certificates: %d, TSA %v", len(c.certs), c.hasCert(tsaID.Certificate))
	}
}

func TestDSSRevokedBeforeSigning(t *testing.T) {
	p, now, revokedAt, lt := sealRevokedThenDSS(t, 30*time.Second)

	rep, err := sign.VerifyPDF(lt, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	officer, seal := rep.Signatures[0], rep.Signatures[1]
	if rep.Intact || rep.Trusted || seal.Intact || seal.Trusted || seal.TrustStatus != sign.TrustRevoked || seal.Revocation != sign.RevocationRevoked || !seal.RevokedAt.Equal(revokedAt) {
		t.Errorf("Report Intact=%v Trusted=%v; seal Intact=%v Trusted=%v TrustStatus=%q Revocation=%q RevokedAt=%v",
			rep.Intact, rep.Trusted, seal.Intact, seal.Trusted, seal.TrustStatus, seal.Revocation, seal.RevokedAt)
	}
	wantVI := "Chứng thư số đã bị thu hồi lúc " + revokedAt.Format("02/01/2006 15:04:05 -07:00") + ", trước thời điểm ký; chữ ký không có giá trị"
	if len(seal.Errors) != 1 || seal.Errors[0] != wantVI || !strings.Contains(seal.ErrorsEN[0], "revoked") {
		t.Errorf("seal Errors = %q / %q, want %q", seal.Errors, seal.ErrorsEN, wantVI)
	}
	if !officer.Intact || officer.Revocation != sign.RevocationGood {
		t.Errorf("officer Intact=%v Revocation=%q", officer.Intact, officer.Revocation)
	}
	var b bytes.Buffer
	rep.WriteText(&b, "vi")
	for _, w := range []string{"Không hợp lệ: chứng thư số đã bị thu hồi trước thời điểm ký", wantVI, "Chứng thư số đã bị thu hồi trước thời điểm ký"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("WriteText lacks %q:\n%s", w, b.String())
		}
	}
	// The verify command fails on it.
	file := filepath.Join(t.TempDir(), "revoked.pdf")
	if err := os.WriteFile(file, lt, 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := sign.RunVerifyCLI([]string{file}, &out, "", now.Add(3*time.Minute)); code != sign.ExitNotValid {
		t.Errorf("RunVerifyCLI = %d, want %d\n%s", code, sign.ExitNotValid, out.String())
	}
}

// appendUpdate appends an incremental update (classic xref table) that
// defines the given objects; Size and Prev come from the last trailer.
func appendUpdate(t *testing.T, data []byte, objs map[int]string) []byte {
	t.Helper()
	size := regexp.MustCompile(`/Size (\d+)`).FindAllSubmatch(data, -1)
	start := regexp.MustCompile(`startxref\s+(\d+)`).FindAllSubmatch(data, -1)
	if size == nil || start == nil {
		t.Fatal("no trailer")
	}
	out := append([]byte(nil), data...)
	var xref bytes.Buffer
	xref.WriteString("xref\n")
	for id, body := range objs {
		off := len(out)
		out = fmt.Appendf(out, "%d 0 obj\n%s\nendobj\n", id, body)
		fmt.Fprintf(&xref, "%d 1\n%010d 00000 n\r\n", id, off)
	}
	xrefAt := len(out)
	out = append(out, xref.Bytes()...)
	s, _ := strconv.Atoi(string(size[len(size)-1][1]))
	for id := range objs {
		s = max(s, id+1)
	}
	return fmt.Appendf(out, "trailer\n<< /Size %d /Root 1 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n", s, start[len(start)-1][1], xrefAt)
}

func TestDSSTampered(t *testing.T) {
	now, p := newTestPKINow(t)
	lt := addDSS(t, p, signBoth(t, p, minimalPDF(false), now, ""), now.Add(2*time.Minute))
	opts := sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now}

	t.Run("FlippedByte", func(t *testing.T) {
		tampered := flipInFirstRange(t, lt)
		rep, err := sign.VerifyPDF(tampered, opts)
		if err != nil || rep.Intact || rep.Signatures[0].Intact || rep.Signatures[1].Intact {
			t.Errorf("VerifyPDF = %+v, %v", rep, err)
		}
		if out := pdfsig(t, tampered, ""); strings.Contains(out, "Signature is Valid.") || !strings.Contains(out, "Digest Mismatch") {
			t.Errorf("pdfsig:\n%s", out)
		}
	})
	t.Run("CorruptCRL", func(t *testing.T) {
		// The signatures stay valid; the validation data does not.
		c := readDSSContent(t, lt)
		i := bytes.LastIndex(lt, c.crls[0].Signature)
		if i < 0 {
			t.Fatal("CRL not stored uncompressed")
		}
		bad := append([]byte(nil), lt...)
		bad[i+len(c.crls[0].Signature)-3] ^= 0x01
		rep, err := sign.VerifyPDF(bad, opts)
		if err != nil || !rep.Intact || rep.LTV || rep.Signatures[1].Revocation != sign.RevocationUnknown {
			t.Errorf("VerifyPDF: Intact=%v LTV=%v Revocation=%q, %v", rep.Intact, rep.LTV, rep.Signatures[1].Revocation, err)
		}
	})
	t.Run("ContentChangedAfterDSS", func(t *testing.T) {
		changed := appendUpdate(t, lt, map[int]string{4: "<< /Length 9 >>\nstream\nBT ET q Q\nendstream"})
		rep, err := sign.VerifyPDF(changed, opts)
		if err != nil || rep.Intact || !rep.UnsignedChanges || rep.DSSAppended {
			t.Errorf("VerifyPDF: Intact=%v UnsignedChanges=%v DSSAppended=%v, %v", rep.Intact, rep.UnsignedChanges, rep.DSSAppended, err)
		}
	})
	t.Run("CatalogueChangedAfterDSS", func(t *testing.T) {
		r, err := ipdf.NewReader(bytes.NewReader(lt), int64(len(lt)))
		if err != nil {
			t.Fatal(err)
		}
		root := r.Trailer().Key("Root")
		acro, _, _ := root.Key("AcroForm").Key("Fields").IndexRef(0)
		dss, _, _ := root.KeyRef("DSS")
		catalogue := fmt.Sprintf("<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [%d 0 R] /SigFlags 3 >> /DSS %d 0 R /OpenAction [3 0 R /Fit] >>", acro, dss)
		changed := appendUpdate(t, lt, map[int]string{1: catalogue})
		rep, err := sign.VerifyPDF(changed, opts)
		if err != nil || rep.Intact || !rep.UnsignedChanges {
			t.Errorf("VerifyPDF: Intact=%v UnsignedChanges=%v, %v", rep.Intact, rep.UnsignedChanges, err)
		}
	})
	t.Run("NewObjectOnly", func(t *testing.T) {
		// An update adding an object nothing refers to changes nothing.
		changed := appendUpdate(t, lt, map[int]string{99: "<< /Foo 1 >>"})
		rep, err := sign.VerifyPDF(changed, opts)
		if err != nil || !rep.Intact || rep.UnsignedChanges || !rep.DSSAppended {
			t.Errorf("VerifyPDF: Intact=%v UnsignedChanges=%v DSSAppended=%v, %v", rep.Intact, rep.UnsignedChanges, rep.DSSAppended, err)
		}
	})
}

func TestAddDSSErrors(t *testing.T) {
	now, p := newTestPKINow(t)
	ctx := context.Background()
	opts := sign.DSSOptions{Roots: p.pki.RootPool(), Revocation: p.pki, Now: now}

	_, err := sign.AddDSS(ctx, minimalPDF(false), opts)
	var se *sign.Error
	if !asError(err, &se) || se.Code != sign.EInvalidInput || !strings.Contains(se.Message, "không có chữ ký số") {
		t.Errorf("AddDSS(unsigned) = %v, want EInvalidInput", err)
	}
	for _, in := range [][]byte{nil, []byte("not a pdf"), []byte("%PDF-1.7\n%%EOF\n"), objStmPDF("<< /Type /Catalog /AcroForm << /Fields [ 5 0 R")} {
		if _, err := sign.AddDSS(ctx, in, opts); err == nil {
			t.Errorf("AddDSS(%q) succeeded", in)
		}
	}
	signed := signBoth(t, p, minimalPDF(false), now, "")
	if _, err := sign.AddDSS(ctx, signed, sign.DSSOptions{Revocation: p.pki}); sign.ErrorCode(err) != sign.EInvalidInput {
		t.Errorf("AddDSS without Now = %v", err)
	}
	if _, err := sign.AddDSS(ctx, signed, sign.DSSOptions{Now: now}); sign.ErrorCode(err) != sign.EInvalidInput {
		t.Errorf("AddDSS without Revocation = %v", err)
	}
	// A CRL from another CA is refused.
	other := newTestPKI(t, now)
	if _, err := sign.AddDSS(ctx, signed, sign.DSSOptions{Revocation: crlFrom{pki: other.pki}, Now: now}); sign.ErrorCode(err) != sign.ERevocation {
		t.Errorf("AddDSS with a foreign CRL = %v, want ERevocation", err)
	}
	// A signature without the root in its CMS: the chain is completed
	// from Roots, and cannot be completed without them.
	noChain := *p.officer
	noChain.Chain = nil
	out, err := sign.SignPDF(minimalPDF(false), &noChain, sign.PDFOptions{Kind: sign.Approval, Time: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sign.AddDSS(ctx, out, sign.DSSOptions{Revocation: p.pki, Now: now}); sign.ErrorCode(err) != sign.EUntrusted {
		t.Errorf("AddDSS without roots = %v, want EUntrusted", err)
	}
	lt, err := sign.AddDSS(ctx, out, opts)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sign.VerifyPDF(lt, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
	if err != nil || !rep.Intact || !rep.Trusted || !rep.LTV {
		t.Errorf("VerifyPDF = %+v, %v", rep, err)
	}
}

// crlFrom asks another PKI's root for its CRL, whatever the issuer.
type crlFrom struct {
	sign.NoOCSP
	pki *sign.DemoPKI
}

func (c crlFrom) CRL(ctx context.Context, _, _ *x509.Certificate, at time.Time) ([]byte, error) {
	return c.pki.CRL(ctx, nil, c.pki.Root, at)
}

func TestDemoPKICRL(t *testing.T) {
	now, p := newTestPKINow(t)
	ctx := context.Background()
	root := p.pki.Root
	a, err := p.pki.CRL(ctx, p.org.Certificate, root, now)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := p.pki.CRL(ctx, p.officer.Certificate, root, now.Add(time.Hour))
	if !bytes.Equal(a, b) {
		t.Error("the CRL is not reused within its validity")
	}
	crl, err := x509.ParseRevocationList(a)
	if err != nil || crl.CheckSignatureFrom(root) != nil || !crl.NextUpdate.Equal(crl.ThisUpdate.Add(7*24*time.Hour)) {
		t.Fatalf("CRL: %v; ThisUpdate %v NextUpdate %v", err, crl.ThisUpdate, crl.NextUpdate)
	}

	p.pki.Revoke(p.org.Certificate.SerialNumber, now.Add(2*time.Hour))
	c, _ := p.pki.CRL(ctx, p.org.Certificate, root, now.Add(time.Hour))
	d, _ := p.pki.CRL(ctx, p.org.Certificate, root, now.Add(3*time.Hour))
	for _, x := range []struct {
		der  []byte
		want int
	}{{c, 0}, {d, 1}} {
		crl, err := x509.ParseRevocationList(x.der)
		if err != nil || len(crl.RevokedCertificateEntries) != x.want {
			t.Errorf("CRL at %v: %v, %d entries, want %d", crl.ThisUpdate, err, len(crl.RevokedCertificateEntries), x.want)
		}
	}
	if bytes.Equal(a, c) {
		t.Error("the CRL was reused after Revoke")
	}
	if crl, _ := x509.ParseRevocationList(d); crl.Number.Cmp(big.NewInt(1)) <= 0 || crl.RevokedCertificateEntries[0].SerialNumber.Cmp(p.org.Certificate.SerialNumber) != 0 {
		t.Errorf("CRL number %v, entries %v", crl.Number, crl.RevokedCertificateEntries)
	}
	if _, err := p.pki.CRL(ctx, p.org.Certificate, p.org.Certificate, now); sign.ErrorCode(err) != sign.ERevocation {
		t.Errorf("CRL for another issuer = %v", err)
	}
	// By default demo certificates name no distribution point.
	if len(p.org.Certificate.CRLDistributionPoints) != 0 {
		t.Errorf("CRLDistributionPoints = %q", p.org.Certificate.CRLDistributionPoints)
	}
}

// crlServer serves the CRL of a demo PKI over HTTP on 127.0.0.1.
type crlServer struct {
	*httptest.Server
	pki      *sign.DemoPKI
	requests atomic.Int64
	mu       sync.Mutex
	now      time.Time
	body     func() []byte // overrides the CRL when set
}

func newCRLServer(t *testing.T, pki *sign.DemoPKI, now time.Time) *crlServer {
	s := &crlServer{pki: pki, now: now}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.mu.Lock()
		at, body := s.now, s.body
		s.mu.Unlock()
		if r.URL.Path == "/slow" {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		if r.URL.Path != "/crl" {
			http.NotFound(w, r)
			return
		}
		if body != nil {
			w.Write(body())
			return
		}
		der, err := pki.CRL(r.Context(), nil, pki.Root, at)
		writeDER(w, "application/pkix-crl", der, err)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *crlServer) set(now time.Time, body func() []byte) {
	s.mu.Lock()
	s.now, s.body = now, body
	s.mu.Unlock()
}

func TestHTTPRevocation(t *testing.T) {
	now := testNow()
	var srv *crlServer
	p := newTestPKIWith(t, now, func(pki *sign.DemoPKI) {
		srv = newCRLServer(t, pki, now)
		pki.CRLURL = srv.URL + "/crl"
	})
	pki := p.pki
	if got := p.org.Certificate.CRLDistributionPoints; len(got) != 1 || !strings.HasPrefix(got[0], "http://127.0.0.1:") {
		t.Fatalf("CRLDistributionPoints = %q", got)
	}
	ctx := context.Background()
	h := &sign.HTTPRevocation{}

	// AddDSS downloads the CRL once (both certificates share it) and
	// VerifyPDF then works from the file alone.
	lt, err := sign.AddDSS(ctx, signBoth(t, p, minimalPDF(false), now, ""), sign.DSSOptions{Roots: pki.RootPool(), Revocation: h, Now: now.Add(2 * time.Minute)})
	if err != nil {
		t.Fatalf("AddDSS = %v", err)
	}
	if n := srv.requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1 (cache)", n)
	}
	srv.Close() // offline from here
	rep, err := sign.VerifyPDF(lt, sign.VerifyOptions{Roots: pki.RootPool(), Now: now.AddDate(4, 0, 0)})
	if err != nil || !rep.Intact || !rep.LTV || rep.Signatures[1].Revocation != sign.RevocationGood {
		t.Errorf("VerifyPDF = %+v, %v", rep, err)
	}
}

func TestHTTPRevocationCacheAndErrors(t *testing.T) {
	now := testNow()
	pki := newDemoPKI(t, now)
	srv := newCRLServer(t, pki, now)
	issue := func(url string) *x509.Certificate {
		pki.CRLURL = url
		id, _, err := pki.IssueOrganization("Sở Tư pháp")
		if err != nil {
			t.Fatal(err)
		}
		return id.Certificate
	}
	cert := issue(srv.URL + "/crl")
	ctx := context.Background()
	h := &sign.HTTPRevocation{Timeout: 200 * time.Millisecond}

	a, err := h.CRL(ctx, cert, pki.Root, now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.CRL(ctx, cert, pki.Root, now.Add(6*24*time.Hour))
	if err != nil || !bytes.Equal(a, b) || srv.requests.Load() != 1 {
		t.Errorf("second call within NextUpdate: %v, same %v, %d requests", err, bytes.Equal(a, b), srv.requests.Load())
	}
	// Past NextUpdate the CRL is downloaded again.
	srv.set(now.Add(8*24*time.Hour), nil)
	c, err := h.CRL(ctx, cert, pki.Root, now.Add(8*24*time.Hour))
	if err != nil || bytes.Equal(a, c) || srv.requests.Load() != 2 {
		t.Errorf("after NextUpdate: %v, same %v, %d requests", err, bytes.Equal(a, c), srv.requests.Load())
	}

	other := newDemoPKI(t, now)
	foreign, _ := other.CRL(ctx, nil, other.Root, now)
	own, _ := pki.CRL(ctx, nil, pki.Root, now)
	tests := []struct {
		name string
		cert *x509.Certificate
		body func() []byte
		at   time.Time
		ok   bool
	}{
		{"PEM", issue(srv.URL + "/crl"), func() []byte { return pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: own}) }, now, true},
		{"ForeignIssuer", issue(srv.URL + "/crl"), func() []byte { return foreign }, now, false},
		{"Garbage", issue(srv.URL + "/crl"), func() []byte { return []byte("xin chào") }, now, false},
		{"Stale", issue(srv.URL + "/crl"), func() []byte { return own }, now.Add(30 * 24 * time.Hour), false},
		{"NotFound", issue(srv.URL + "/missing"), nil, now, false},
		{"Timeout", issue(srv.URL + "/slow"), nil, now, false},
		{"NoDistributionPoint", issue(""), nil, now, false},
		{"LDAPOnly", issue("ldap://127.0.0.1/cn=crl"), nil, now, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.set(now, tt.body)
			start := clocktest.Now()
			h := &sign.HTTPRevocation{Timeout: 200 * time.Millisecond}
			der, err := h.CRL(ctx, tt.cert, pki.Root, tt.at)
			if tt.ok {
				if err != nil || !bytes.Equal(der, own) {
					t.Errorf("CRL = %v", err)
				}
				return
			}
			if sign.ErrorCode(err) != sign.ERevocation {
				t.Errorf("CRL = %v, want ERevocation", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestDSSCRLFreshness: a CRL counts if it was issued after the signing
// time or was current at it (thisUpdate ≤ signing time ≤ nextUpdate); an
// older one proves nothing.
func TestDSSCRLFreshness(t *testing.T) {
	now := testNow()
	for _, tt := range []struct {
		name     string
		crlAt    time.Time
		want     string
		wantLTV  bool
		wantNote bool
	}{
		{"IssuedAfter", now.Add(2 * time.Minute), sign.RevocationGood, true, false},
		{"CurrentAtSigning", now.Add(-time.Hour), sign.RevocationGood, true, false},
		{"Outdated", now.Add(-10 * 24 * time.Hour), sign.RevocationUnknown, false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := newTestPKI(t, now.Add(-20*24*time.Hour))
			lt := addDSS(t, p, signBoth(t, p, minimalPDF(false), now, ""), tt.crlAt)
			rep, err := sign.VerifyPDF(lt, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range rep.Signatures {
				if !s.Intact || s.Revocation != tt.want || s.LTV != tt.wantLTV {
					t.Errorf("signature %d: Intact=%v Revocation=%q LTV=%v, want true %q %v", i+1, s.Intact, s.Revocation, s.LTV, tt.want, tt.wantLTV)
				}
			}
			var b bytes.Buffer
			rep.WriteText(&b, "vi")
			if got := strings.Contains(b.String(), "Không xác định (tệp không có dữ liệu thu hồi phù hợp)"); got != tt.wantNote {
				t.Errorf("WriteText:\n%s", b.String())
			}
		})
	}
}
