package sign_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/sign"
)

func TestSignPDFApprovalThenSeal(t *testing.T) {
	now, p, signed := signedTestPDF(t)

	rep, err := sign.VerifyPDF(signed, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now.Add(time.Hour)})
	if err != nil {
		t.Fatalf("VerifyPDF = %v", err)
	}
	if got, want := len(rep.Signatures), 2; got != want {
		t.Fatalf("len(Signatures) = %d, want %d", got, want)
	}
	if !rep.Intact || !rep.Trusted || rep.UnsignedChanges {
		t.Errorf("Report Intact=%v Trusted=%v UnsignedChanges=%v, want true true false", rep.Intact, rep.Trusted, rep.UnsignedChanges)
	}
	officer, seal := rep.Signatures[0], rep.Signatures[1]
	for _, c := range []struct{ got, want string }{
		{officer.SignerName, "Nguyễn Văn Ánh"},
		{officer.Position, "Phó Chủ tịch"},
		{officer.Organization, "Ủy ban nhân dân tỉnh Bắc Ninh"},
		{officer.SubFilter, "ETSI.CAdES.detached"},
		{officer.Reason, "Ký thay người đứng đầu (KT.)"},
		{officer.Location, "Bắc Ninh"},
		{officer.TimeSource, "claimed"},
		{string(officer.TrustStatus), "trusted"},
		{seal.SignerName, "Ủy ban nhân dân tỉnh Bắc Ninh"},
		{seal.SubFilter, "ETSI.CAdES.detached"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if !officer.SigningTime.Equal(now) || !seal.SigningTime.Equal(now.Add(time.Minute)) {
		t.Errorf("SigningTime = %v, %v; want %v, %v", officer.SigningTime, seal.SigningTime, now, now.Add(time.Minute))
	}
	if officer.CoversWholeDocument || !seal.CoversWholeDocument {
		t.Errorf("CoversWholeDocument = %v, %v; want false, true", officer.CoversWholeDocument, seal.CoversWholeDocument)
	}
	for i, s := range rep.Signatures {
		if !s.Intact || !s.Trusted || !s.CertValidAtSigning || s.Timestamped || len(s.Errors) > 0 {
			t.Errorf("signature %d: Intact=%v Trusted=%v CertValidAtSigning=%v Timestamped=%v Errors=%q",
				i+1, s.Intact, s.Trusted, s.CertValidAtSigning, s.Timestamped, s.Errors)
		}
	}

	// Without a trust store the signatures stay intact but untrusted.
	rep, err = sign.VerifyPDF(signed, sign.VerifyOptions{Now: now})
	if err != nil || !rep.Intact || rep.Trusted || rep.Signatures[0].TrustStatus != sign.TrustNotChecked {
		t.Errorf("VerifyPDF(no roots) = Intact %v Trusted %v %v, %v", rep.Intact, rep.Trusted, rep.Signatures[0].TrustStatus, err)
	}
	// Another CA's root does not make them trusted.
	other := newTestPKI(t, now)
	rep, _ = sign.VerifyPDF(signed, sign.VerifyOptions{Roots: other.pki.RootPool(), Now: now})
	if !rep.Intact || rep.Trusted || rep.Signatures[0].TrustStatus != sign.TrustUnknownIssuer {
		t.Errorf("VerifyPDF(other root) = Intact %v Trusted %v %v", rep.Intact, rep.Trusted, rep.Signatures[0].TrustStatus)
	}
}

func TestSignPDFPdfsig(t *testing.T) {
	_, p, signed := signedTestPDF(t)

	out := pdfsig(t, signed, "")
	if got := strings.Count(out, "Signature is Valid."); got != 2 {
		t.Fatalf("pdfsig: %d valid signatures, want 2:\n%s", got, out)
	}
	if !strings.Contains(out, "ETSI.CAdES.detached") || !strings.Contains(out, "Total document signed") {
		t.Errorf("pdfsig output lacks SubFilter or total coverage:\n%s", out)
	}

	out = pdfsig(t, signed, nssTrusting(t, p.pki.RootPEM()))
	if got := strings.Count(out, "Certificate is Trusted."); got != 2 {
		t.Errorf("pdfsig -nssdir: %d trusted certificates, want 2:\n%s", got, out)
	}
	if got := strings.Count(out, "Signature is Valid."); got != 2 {
		t.Errorf("pdfsig -nssdir: %d valid signatures, want 2:\n%s", got, out)
	}
}

func TestSignPDFXrefStream(t *testing.T) {
	now, p := newTestPKINow(t)
	for _, xrefStream := range []bool{false, true} {
		signed := signBoth(t, p, minimalPDF(xrefStream), now, "")
		rep, err := sign.VerifyPDF(signed, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
		if err != nil || !rep.Intact || !rep.Trusted || len(rep.Signatures) != 2 {
			t.Fatalf("xrefStream=%v: VerifyPDF = %+v, %v", xrefStream, rep, err)
		}
		if out := pdfsig(t, signed, ""); strings.Count(out, "Signature is Valid.") != 2 {
			t.Errorf("xrefStream=%v: pdfsig:\n%s", xrefStream, out)
		}
	}
}

// flipInFirstRange flips one byte of the first content stream, which lies
// inside every signature's signed range.
func flipInFirstRange(t *testing.T, pdf []byte) []byte {
	t.Helper()
	i := bytes.Index(pdf, []byte("stream\n"))
	if i < 0 {
		t.Fatal("no stream in test PDF")
	}
	out := append([]byte(nil), pdf...)
	out[i+len("stream\n")+5] ^= 0x01
	return out
}

func TestTamperedPDF(t *testing.T) {
	now, p, signed := signedTestPDF(t)
	tampered := flipInFirstRange(t, signed)

	rep, err := sign.VerifyPDF(tampered, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
	if err != nil {
		t.Fatalf("VerifyPDF = %v", err)
	}
	if rep.Intact {
		t.Error("Report.Intact = true for a tampered file")
	}
	for i, s := range rep.Signatures {
		if s.Intact {
			t.Errorf("signature %d: Intact = true", i+1)
		}
		if len(s.Errors) == 0 || !strings.Contains(s.Errors[0], "Tài liệu đã bị sửa đổi sau khi ký") {
			t.Errorf("signature %d: Errors = %q", i+1, s.Errors)
		}
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text, "vi"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "Tài liệu đã bị sửa đổi sau khi ký") {
		t.Errorf("WriteText:\n%s", text.String())
	}

	out := pdfsig(t, tampered, "")
	if strings.Contains(out, "Signature is Valid.") || !strings.Contains(out, "Digest Mismatch") {
		t.Errorf("pdfsig on a tampered file:\n%s", out)
	}
}

func TestUnsignedUpdateAfterLastSignature(t *testing.T) {
	now, p := newTestPKINow(t)
	signed := signBoth(t, p, minimalPDF(false), now, "")
	// An unsigned incremental update: a new version of the page content.
	appended := append(append([]byte(nil), signed...), []byte("\n4 0 obj\n<< /Length 9 >>\nstream\nBT ET q Q\nendstream\nendobj\n")...)
	rep, err := sign.VerifyPDF(appended, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
	if err != nil {
		t.Fatalf("VerifyPDF = %v", err)
	}
	if rep.Intact || !rep.UnsignedChanges {
		t.Errorf("Intact=%v UnsignedChanges=%v, want false true", rep.Intact, rep.UnsignedChanges)
	}
	for i, s := range rep.Signatures {
		if !s.Intact || s.CoversWholeDocument {
			t.Errorf("signature %d: Intact=%v CoversWholeDocument=%v, want true false", i+1, s.Intact, s.CoversWholeDocument)
		}
	}
}

func TestSignPDFRefusesUnusableCertificate(t *testing.T) {
	now := testNow()
	old := newTestPKI(t, now.AddDate(-4, 0, 0)) // valid for three years from four years ago
	future := newTestPKI(t, now.AddDate(0, 1, 0))
	tests := []struct {
		name string
		id   *sign.Identity
		code sign.Code
		msg  string
	}{
		{"Expired", old.officer, sign.ECertExpired, "chứng thư số đã hết hạn ngày " + old.officer.Certificate.NotAfter.In(vn).Format("02/01/2006")},
		{"NotYetValid", future.officer, sign.ECertNotYetValid, "chứng thư số chưa có hiệu lực"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sign.SignPDF(minimalPDF(false), tt.id, sign.PDFOptions{Kind: sign.Approval, Time: now})
			if got := sign.ErrorCode(err); got != tt.code {
				t.Fatalf("SignPDF error code = %q (%v), want %q", got, err, tt.code)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("SignPDF error = %q, want it to contain %q", err, tt.msg)
			}
			if !errors.Is(err, &sign.Error{Code: tt.code}) {
				t.Errorf("errors.Is(err, Code %q) = false", tt.code)
			}
		})
	}
	t.Run("ZeroTime", func(t *testing.T) {
		_, err := sign.SignPDF(minimalPDF(false), newTestPKI(t, now).officer, sign.PDFOptions{Kind: sign.Approval})
		if sign.ErrorCode(err) != sign.EInvalidInput {
			t.Errorf("SignPDF without Time = %v, want EInvalidInput", err)
		}
	})
}

func TestSignPDFWithTSA(t *testing.T) {
	now, p := newTestPKINow(t)
	tsaTime := now.Add(90 * time.Second)
	_, tsa := newTestTSA(t, p, tsaTime)

	signed := signBoth(t, p, testPDF(t), now, tsa.URL)
	if got := tsa.Requests(); got != 2 {
		t.Errorf("TSA requests = %d, want 2", got)
	}
	rep, err := sign.VerifyPDF(signed, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
	if err != nil || !rep.Intact || !rep.Trusted {
		t.Fatalf("VerifyPDF = %+v, %v", rep, err)
	}
	for i, s := range rep.Signatures {
		if !s.Timestamped || s.TimeSource != "timestamp" || !s.SigningTime.Equal(tsaTime) || len(s.Errors) > 0 {
			t.Errorf("signature %d: Timestamped=%v TimeSource=%q SigningTime=%v Errors=%q", i+1, s.Timestamped, s.TimeSource, s.SigningTime, s.Errors)
		}
	}
	// The TSA is not trusted when only another root is in the store.
	other := newTestPKI(t, now)
	rep, _ = sign.VerifyPDF(signed, sign.VerifyOptions{Roots: other.pki.RootPool(), Now: now})
	if s := rep.Signatures[0]; !s.Timestamped || s.TimeSource != "claimed" || len(s.Errors) == 0 {
		t.Errorf("untrusted TSA: Timestamped=%v TimeSource=%q Errors=%q", s.Timestamped, s.TimeSource, s.Errors)
	}
	if out := pdfsig(t, signed, ""); strings.Count(out, "Signature is Valid.") != 2 {
		t.Errorf("pdfsig:\n%s", out)
	}

	// A TSA that is down makes signing fail rather than silently
	// producing a signature without a timestamp.
	tsa.Close()
	_, err = sign.SignPDF(minimalPDF(false), p.officer, sign.PDFOptions{Kind: sign.Approval, Time: now, TSAURL: tsa.URL})
	if sign.ErrorCode(err) != sign.ETimestamp {
		t.Errorf("SignPDF with TSA down = %v, want ETimestamp", err)
	}
}

func TestSignPDFInvisibleAndImageOnly(t *testing.T) {
	now, p := newTestPKINow(t)
	out, err := sign.SignPDF(testPDF(t), p.officer, sign.PDFOptions{Kind: sign.Approval, Time: now})
	if err != nil {
		t.Fatal(err)
	}
	out, err = sign.SignPDF(out, p.org, sign.PDFOptions{Kind: sign.Seal, Time: now, Rect: sealRect, Image: sealPNG(t), Lines: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sign.VerifyPDF(out, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
	if err != nil || !rep.Intact || len(rep.Signatures) != 2 {
		t.Fatalf("VerifyPDF = %+v, %v", rep, err)
	}
}

func TestSignPDFRejectsGarbage(t *testing.T) {
	now, p := newTestPKINow(t)
	for _, in := range [][]byte{nil, []byte("not a pdf"), []byte("%PDF-1.7\n%%EOF\n")} {
		if _, err := sign.SignPDF(in, p.officer, sign.PDFOptions{Kind: sign.Approval, Time: now}); sign.ErrorCode(err) != sign.EInvalidPDF {
			t.Errorf("SignPDF(%q) = %v, want EInvalidPDF", in, err)
		}
	}
}

// TestAppearanceText checks the appearance text with tools nobody here
// wrote: pdftotext extracts it through the Type 3 font's ToUnicode map.
func TestAppearanceText(t *testing.T) {
	bin := needTool(t, "pdftotext")
	now := time.Date(2026, 5, 20, 9, 30, 15, 0, vn)
	p := newTestPKI(t, now)
	signed := signBoth(t, p, testPDF(t), now, "")
	dir := t.TempDir()
	in := filepath.Join(dir, "signed.pdf")
	if err := os.WriteFile(in, signed, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runTool(bin, in, "-")
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	for _, want := range []string{
		"Ký bởi: Nguyễn Văn Ánh",
		"Chức vụ: Phó Chủ tịch",
		"Thời gian ký: 20/05/2026 09:30:15 +07:00",
		"Thời gian ký: 2026-05-20T09:31:15+07:00",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("pdftotext output lacks %q:\n%s", want, out)
		}
	}
}

func TestTimestampPDF(t *testing.T) {
	now, p := newTestPKINow(t)
	tsaTime := now.Add(5 * time.Minute)
	_, tsa := newTestTSA(t, p, tsaTime)

	signed := signBoth(t, p, testPDF(t), now, "")
	stamped, err := sign.TimestampPDF(context.Background(), signed, &sign.TSAClient{URL: tsa.URL})
	if err != nil {
		t.Fatalf("TimestampPDF = %v", err)
	}
	rep, err := sign.VerifyPDF(stamped, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
	if err != nil || !rep.Intact || !rep.Trusted || len(rep.Signatures) != 3 {
		t.Fatalf("VerifyPDF = %+v, %v", rep, err)
	}
	ts := rep.Signatures[2]
	if ts.Kind != "timestamp" || ts.SubFilter != "ETSI.RFC3161" || !ts.SigningTime.Equal(tsaTime) || ts.SignerName != "DEMO TSA motcua" || !ts.CoversWholeDocument {
		t.Errorf("document timestamp = %+v", ts)
	}
	if rep.Signatures[1].CoversWholeDocument {
		t.Error("the seal covers the whole document after a timestamp was appended")
	}
	tampered := flipInFirstRange(t, stamped)
	if rep, err := sign.VerifyPDF(tampered, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now}); err != nil || rep.Intact || rep.Signatures[2].Intact {
		t.Errorf("VerifyPDF(tampered) = %+v, %v", rep, err)
	}
	// pdfsig 22.12 cannot validate ETSI.RFC3161 itself ("Unimplemented
	// Feature"); the two signatures before the timestamp must stay valid.
	if out := pdfsig(t, stamped, ""); strings.Count(out, "Signature is Valid.") != 2 || !strings.Contains(out, "Signature #3") {
		t.Errorf("pdfsig:\n%s", out)
	}
}
