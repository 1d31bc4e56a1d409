package render_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

// TestDemoEReceipt prints an e-receipt with the demo provider and reads it
// back with pdftotext.
func TestDemoEReceipt(t *testing.T) {
	f := newFixture(t, store.SQLite)
	p := f.docs.EReceipts()
	r := workflow.EReceipt{Symbol: "BL26E", Number: "0000012", Year: 2026, IssuedAt: time.Date(2026, 11, 27, 2, 30, 0, 0, time.UTC),
		Collector: dossier.Agency{Name: "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh"}, CenterName: "Trung tâm Hành chính công tỉnh Bắc Ninh",
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
	txt, err := exec.Command(tool(t, "pdftotext"), path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(txt)), " ")
	for _, w := range []string{"BIÊN LAI THU PHÍ, LỆ PHÍ (ĐIỆN TỬ)", "Ký hiệu: BL26E", "Số: 0000012", "Nguyễn Thị Ánh Tuyết",
		"50.000", "Năm mươi nghìn đồng", "Tiền mặt", "09:30 ngày 27/11/2026", out.LookupCode, "không có giá trị thanh toán"} {
		if !strings.Contains(flat, w) {
			t.Errorf("receipt text lacks %q:\n%s", w, txt)
		}
	}
}
