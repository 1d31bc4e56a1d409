package workflow_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/workflow"
)

func TestDemoEReceipt(t *testing.T) {
	r := workflow.EReceipt{Symbol: "BL26E", Number: "0000012", Year: 2026, IssuedAt: time.Date(2026, 11, 27, 2, 30, 0, 0, time.UTC),
		Collector: dossier.Agency{Name: "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh"}, CenterName: "Trung tâm Hành chính công tỉnh Bắc Ninh",
		Payer: "Nguyễn Thị Ánh Tuyết", DossierCode: "000.00.02.H06-261127-0001", Procedure: "Đăng ký thành lập doanh nghiệp tư nhân",
		Amount: 50000, AmountWords: workflow.AmountInWords(50000), Method: "cash", Officer: "Nguyễn Thị Hoa"}
	for name, p := range map[string]workflow.DemoEReceipts{"system-font": {}, "no-font": {Font: []byte{}}} {
		t.Run(name, func(t *testing.T) {
			out, err := p.Issue(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(out.PDF, []byte("%PDF-")) || out.LookupCode == "" || out.ProviderRef != "DEMO-BL26E-0000012" {
				t.Fatalf("Issue = ref %q code %q, %d bytes", out.ProviderRef, out.LookupCode, len(out.PDF))
			}
			dir := os.Getenv("MOTCUA_TEST_ARTIFACTS")
			if dir == "" {
				dir = t.TempDir()
			}
			f := filepath.Join(dir, "ereceipt-"+name+".pdf")
			if err := os.WriteFile(f, out.PDF, 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := exec.LookPath("pdftotext"); err != nil {
				if os.Getenv("MOTCUA_TEST_REQUIRE_TOOLS") == "1" {
					t.Fatal("pdftotext not installed")
				}
				t.Skip("pdftotext not installed")
			}
			txt, err := exec.Command("pdftotext", f, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			want := []string{"BL26E", "0000012", "50.000"}
			if name == "system-font" {
				if _, err := os.Stat("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"); err == nil {
					want = append(want, "BIÊN LAI THU PHÍ, LỆ PHÍ", "Năm mươi nghìn đồng", "Nguyễn Thị Ánh Tuyết")
				}
			} else {
				want = append(want, "BIEN LAI THU PHI", "Nguyen Thi Anh Tuyet")
			}
			for _, w := range want {
				if !strings.Contains(string(txt), w) {
					t.Errorf("receipt text lacks %q:\n%s", w, txt)
				}
			}
		})
	}
}
