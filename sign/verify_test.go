package sign_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/sign"
)

func TestRunVerifyCLI(t *testing.T) {
	now, p, signed := signedTestPDF(t)
	dir := t.TempDir()
	trust := filepath.Join(dir, "trust")
	if err := os.Mkdir(trust, 0o700); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"signed.pdf":        signed,
		"tampered.pdf":      flipInFirstRange(t, signed),
		"unsigned.pdf":      minimalPDF(false),
		"garbage.pdf":       []byte("xin chào"),
		"trust/demo-ca.pem": p.pki.RootPEM(),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	path := func(name string) string { return filepath.Join(dir, name) }

	tests := []struct {
		name     string
		args     []string
		trustDir string
		code     int
		want     []string
	}{
		{"Valid", []string{path("signed.pdf")}, trust, 0, []string{
			"Số chữ ký: 2", "Người ký:", "Nguyễn Văn Ánh", "Chức vụ:", "Phó Chủ tịch", "Chữ ký hợp lệ",
			"Chứng thư số được tin cậy", "Tất cả chữ ký hợp lệ và được tin cậy", "ETSI.CAdES.detached"}},
		{"ValidEnglish", []string{"-lang", "en", path("signed.pdf")}, trust, 0, []string{
			"Signatures: 2", "The certificate is trusted", "All signatures are valid and trusted"}},
		// Options after the file, GNU style: exit 0 on a valid file.
		{"ValidEnglishFlagsLast", []string{path("signed.pdf"), "--lang", "en"}, trust, 0, []string{
			"Signatures: 2", "All signatures are valid and trusted"}},
		{"FlagsAroundFiles", []string{"-json", path("signed.pdf"), "-trust", trust, path("signed.pdf")}, "", 0, []string{`"TrustStatus": "trusted"`}},
		{"FileAfterDoubleDash", []string{"-lang", "en", "--", path("signed.pdf")}, trust, 0, []string{"Signatures: 2"}},
		{"Untrusted", []string{path("signed.pdf")}, "", 0, []string{"Chưa kiểm tra chuỗi tin cậy"}},
		{"MissingDefaultTrustDir", []string{path("signed.pdf")}, path("nope"), 0, []string{"Cảnh báo"}},
		{"MissingExplicitTrustDir", []string{"-trust", path("nope"), path("signed.pdf")}, "", 2, nil},
		{"Tampered", []string{path("tampered.pdf")}, trust, 1, []string{"Tài liệu đã bị sửa đổi sau khi ký"}},
		{"Unsigned", []string{path("unsigned.pdf")}, trust, 1, []string{"Tài liệu không có chữ ký số"}},
		{"Garbage", []string{path("garbage.pdf")}, trust, 1, []string{"Không đọc được tệp PDF"}},
		{"MissingFile", []string{path("missing.pdf")}, trust, 1, []string{"Không đọc được tệp"}},
		{"OneBadAmongMany", []string{path("signed.pdf"), path("tampered.pdf")}, trust, 1, []string{"== "}},
		{"JSON", []string{"-json", path("signed.pdf")}, trust, 0, []string{`"Intact": true`, `"TrustStatus": "trusted"`}},
		{"NoArgs", nil, trust, 2, []string{"motcua verify"}},
		{"BadFlag", []string{"-x"}, trust, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if got := sign.RunVerifyCLI(tt.args, &out, tt.trustDir, now); got != tt.code {
				t.Errorf("RunVerifyCLI(%q) = %d, want %d\n%s", tt.args, got, tt.code, out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func TestVerifyPDFRequiresNow(t *testing.T) {
	if _, err := sign.VerifyPDF(minimalPDF(false), sign.VerifyOptions{}); sign.ErrorCode(err) != sign.EInvalidInput {
		t.Errorf("VerifyPDF without Now = %v, want EInvalidInput", err)
	}
}

func TestVerifyPDFExpiredCertificate(t *testing.T) {
	// Signed while the certificate was valid; verified four years later
	// without a timestamp: still intact and trusted at the claimed time,
	// flagged as expired now.
	signedAt := testNow().AddDate(-4, 0, 0)
	p := newTestPKI(t, signedAt)
	out, err := sign.SignPDF(minimalPDF(false), p.officer, sign.PDFOptions{Kind: sign.Approval, Time: signedAt.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sign.VerifyPDF(out, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: testNow()})
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Signatures[0]
	if !s.Intact || !s.Trusted || !s.CertValidAtSigning || !s.CertExpiredNow || s.TimeSource != "claimed" {
		t.Errorf("Intact=%v Trusted=%v CertValidAtSigning=%v CertExpiredNow=%v TimeSource=%q",
			s.Intact, s.Trusted, s.CertValidAtSigning, s.CertExpiredNow, s.TimeSource)
	}
	var text bytes.Buffer
	rep.WriteText(&text, "vi")
	if !strings.Contains(text.String(), "chứng thư số nay đã hết hạn") || !strings.Contains(text.String(), "do người ký khai báo") {
		t.Errorf("WriteText:\n%s", text.String())
	}
}

// TestVerifyPDFHostileInput covers inputs that made the original
// digitorus/pdf parser hang, allocate without bound or overflow the stack.
func TestVerifyPDFHostileInput(t *testing.T) {
	deep := strings.Repeat("[", 100000)
	tests := map[string][]byte{
		"UnterminatedArrayInObjStm":  objStmPDF("<< /Type /Catalog /AcroForm << /Fields [ 5 0 R"),
		"UnterminatedStringInObjStm": objStmPDF("<< /Type /Catalog /AcroForm << /Fields (abc"),
		"UnterminatedHexInObjStm":    objStmPDF("<< /Type /Catalog /AcroForm << /Fields <abc"),
		"DeepNestingInObjStm":        objStmPDF("<< /Type /Catalog /AcroForm << /Fields " + deep),
		"DeepNesting":                bytes.Replace(minimalPDF(false), []byte("<< /Type /Catalog"), []byte("<< /X "+deep+" /Type /Catalog"), 1),
		"HugeXrefStreamSize":         bytes.Replace(objStmPDF("<< /Type /Catalog >>"), []byte("/Size 4"), []byte("/Size 999999999999"), 1),
		"HugeXrefTableStart":         bytes.Replace(minimalPDF(false), []byte("xref\n0 6"), []byte("xref\n999999999999 6"), 1),
		"ObjStmInsideItself":         buildObjStmPDF("<< /Type /Catalog >>", true),
		"EndobjInArray":              bytes.Replace(minimalPDF(true), []byte("/ID ["), []byte("/X [\nendobj\n /ID ["), 1),
		"HugeXrefStreamFieldWidth":   bytes.Replace(minimalPDF(true), []byte("/W [1 4 2]"), []byte("/W [1 44444444444 2]"), 1),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			done := make(chan struct{})
			go func() {
				defer close(done)
				rep, err := sign.VerifyPDF(data, sign.VerifyOptions{Now: testNow()})
				if err == nil && rep.Intact {
					t.Errorf("VerifyPDF = Intact report for hostile input")
				}
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("VerifyPDF did not return within 10 s")
			}
		})
	}
}

func FuzzVerifyPDF(f *testing.F) {
	now := time.Date(2026, 5, 20, 9, 30, 0, 0, vn)
	p := newTestPKI(f, now)
	signed := signBoth(f, p, minimalPDF(false), now, "")
	f.Add(signed)
	f.Add(addDSS(f, p, signed, now.Add(2*time.Minute)))
	f.Add(addDSS(f, p, signBoth(f, p, minimalPDF(true), now, ""), now.Add(2*time.Minute)))
	f.Add(minimalPDF(false))
	f.Add(minimalPDF(true))
	f.Add([]byte("%PDF-1.7\n%%EOF\n"))
	f.Add([]byte("%PDF-1.7\nxref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 1 /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"))
	f.Add(objStmPDF("<< /Type /Catalog /AcroForm << /Fields [ 5 0 R ] >> >>"))
	roots := p.pki.RootPool()
	dssOpts := sign.DSSOptions{Roots: roots, Revocation: p.pki, Now: now.Add(2 * time.Minute)}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Go's fuzzer does not detect hangs; crash the worker so that the
		// input is reported.
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				panic("VerifyPDF hangs")
			}
		}()
		rep, err := sign.VerifyPDF(data, sign.VerifyOptions{Roots: roots, Now: now})
		if err != nil {
			return
		}
		if rep.Intact && len(rep.Signatures) == 0 {
			t.Fatal("Intact without signatures")
		}
		var b bytes.Buffer
		if err := rep.WriteText(&b, "vi"); err != nil {
			t.Fatal(err)
		}
		// AddDSS must not fail on a file it could read, nor break it.
		if len(rep.Signatures) == 0 {
			return
		}
		out, err := sign.AddDSS(context.Background(), data, dssOpts)
		if err != nil {
			return
		}
		rep2, err := sign.VerifyPDF(out, sign.VerifyOptions{Roots: roots, Now: now})
		if err != nil {
			t.Fatalf("VerifyPDF after AddDSS = %v", err)
		}
		if rep.Intact && !rep2.Intact {
			t.Fatalf("AddDSS broke an intact file: %+v", rep2)
		}
	})
}
