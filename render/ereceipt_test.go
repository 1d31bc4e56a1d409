package render_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/tooltest"
	"motcua/sign"
	"motcua/store"
	"motcua/workflow"
)

// TestDemoEReceipt prints an e-receipt with the demo provider and reads it
// back with pdftotext.
func TestDemoEReceipt(t *testing.T) {
	f := newFixture(t, store.SQLite)
	p := f.docs.EReceipts()
	r := workflow.EReceipt{Symbol: "BL26E", Number: "0000012", Year: 2026, IssuedAt: time.Date(2026, 11, 27, 2, 30, 0, 0, time.UTC),
		Collector: dossier.Agency{Code: "BN.SKHDT", Name: "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh"}, CenterName: "Trung tâm Hành chính công tỉnh Bắc Ninh",
		Payer: "Nguyễn Thị Ánh Tuyết", DossierCode: "000.00.02.H06-261127-0001", Procedure: "Đăng ký thành lập doanh nghiệp tư nhân",
		Amount: 50000, AmountWords: workflow.AmountInWords(50000), Method: "cash", Officer: "Nguyễn Thị Hoa"}
	out, err := p.Issue(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out.PDF), "%PDF-") || len(out.LookupCode) != 10 || out.ProviderRef != "DEMO-BL26E-0000012" {
		t.Fatalf("Issue = ref %q code %q, %d bytes", out.ProviderRef, out.LookupCode, len(out.PDF))
	}
	dir := os.Getenv("MOTCUA_TEST_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "ereceipt.pdf")
	if err := os.WriteFile(path, out.PDF, 0o644); err != nil {
		t.Fatal(err)
	}
	txt := tooltest.PDFText(t, out.PDF)
	flat := strings.Join(strings.Fields(txt), " ")
	for _, w := range []string{"BIÊN LAI THU PHÍ, LỆ PHÍ (ĐIỆN TỬ)", "Ký hiệu: BL26E", "Số: 0000012", "Nguyễn Thị Ánh Tuyết",
		"50.000", "Năm mươi nghìn đồng", "Tiền mặt", "09:30 ngày 27/11/2026", out.LookupCode, "không có giá trị thanh toán"} {
		if !strings.Contains(flat, w) {
			t.Errorf("receipt text lacks %q:\n%s", w, txt)
		}
	}
}

// TestEReceiptSealedAndVerifiable: a fee collected at the counter gives an
// e-receipt sealed like a result (the collecting agency's seal, PAdES with
// the demo TSA's timestamp and validation data) whose printed address
// leads to its public verification; a changed copy or a wrong lookup code
// does not verify.
func TestEReceiptSealedAndVerifiable(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	d := f.receive(t, dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234", Address: "Bắc Ninh"})
	fees := workflow.NewFees(f.svc, nil, "BL")
	p, err := fees.Collect(ctx, f.users["reception"], d.Code, workflow.PaymentInput{Method: "cash"})
	if err != nil {
		t.Fatal(err)
	}
	if p.PDFBlobID == "" || p.LookupCode == "" {
		t.Fatalf("payment %+v has no e-receipt", p)
	}
	file, err := f.svc.ReadBlob(ctx, p.PDFBlobID)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()})
	if err != nil || !rep.Intact || !rep.Trusted || len(rep.Signatures) != 1 {
		t.Fatalf("VerifyPDF = %+v, %v", rep, err)
	}
	if s := rep.Signatures[0]; s.SignerName != "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh" || s.Level != sign.LevelBLT {
		t.Errorf("receipt sealed by %q at level %q", s.SignerName, s.Level)
	}
	// The printed verification address, as a phone reads it from the QR.
	txt := tooltest.PDFText(t, file)
	flat := strings.Join(strings.Fields(txt), "")
	m := regexp.MustCompile(`/verify/bien-lai/([A-Z0-9]+\.\d{4}\.\d+\.[0-9A-F]{10})`).FindStringSubmatch(flat)
	if m == nil {
		t.Fatalf("no verification address on the receipt:\n%s", txt)
	}
	token := m[1]
	if want := workflow.EReceiptToken(p.ReceiptSeries, p.ReceiptYear, p.ReceiptNumber, p.LookupCode); token != want {
		t.Fatalf("printed token %q, want %q", token, want)
	}
	v, err := f.svc.VerifyEReceipt(ctx, token)
	if err != nil || v.Status != "valid" || v.Amount != 50000 || v.Collector != "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh" ||
		len(v.Signatures) != 1 || v.Signatures[0].Role != "Con dấu cơ quan" || v.Signatures[0].Level != "B-LT" || strings.Contains(v.Payer, "Ánh Tuyết") {
		t.Fatalf("VerifyEReceipt = %+v, %v", v, err)
	}
	wrong := workflow.EReceiptToken(p.ReceiptSeries, p.ReceiptYear, p.ReceiptNumber, "0000000000")
	for _, tok := range []string{wrong, "", "a.b.c.d", p.ReceiptSeries + ".x.1.y"} {
		if _, err := f.svc.VerifyEReceipt(ctx, tok); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("VerifyEReceipt(%q) = %v; want not found", tok, err)
		}
	}
	// One changed byte in the stored receipt: the seal no longer holds.
	bad := bytes.Clone(file)
	bad[200] ^= 1 // inside the first signed range
	if rep, err := sign.VerifyPDF(bad, sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()}); err == nil && rep.Intact {
		t.Error("a changed receipt verified intact")
	}
}
