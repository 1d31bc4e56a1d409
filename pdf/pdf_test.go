package pdf

import (
	"bytes"
	"flag"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"motcua/internal/cputime"
	"motcua/internal/tooltest"
)

// go test ./pdf/ -update rewrites testdata/*.golden and the page images in
// testdata/out/ (like go/printer's golden tests).
var update = flag.Bool("update", false, "update golden files and testdata/out images")

func newRenderer(tb testing.TB) *Renderer {
	tb.Helper()
	r, err := NewRenderer()
	if err != nil {
		tb.Fatalf("NewRenderer() error = %v", err)
	}
	return r
}

// needTool skips the test when a poppler or zbar binary is missing (CI
// installs poppler-utils and zbar-tools).
func needTool(tb testing.TB, names ...string) {
	tb.Helper()
	for _, n := range names {
		tooltest.Path(tb, n)
	}
}

// cmdOut runs a command and returns its standard output.
func cmdOut(tb testing.TB, name string, args ...string) string {
	tb.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// writeTemp writes data into the test's temporary directory.
func writeTemp(tb testing.TB, name string, data []byte) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// goldenCase is one rendered document.
type goldenCase struct {
	name   string
	pages  int
	size   string // pdfinfo "Page size" prefix
	render func(r *Renderer, b *bytes.Buffer) error
	want   []string // exact substrings of the extracted text
}

const (
	sizeA5Text          = "419.528 x 595.276 pts"
	sizeA4Text          = "595.276 x 841.89 pts (A4)"
	sizeA4LandscapeText = "841.89 x 595.276 pts (A4)"
)

func goldenCases() []goldenCase {
	return append([]goldenCase{
		{"receipt", 1, sizeA5Text, func(r *Renderer, b *bytes.Buffer) error { return r.RenderReceipt(b, testReceipt("")) },
			[]string{"Mẫu số 01", "Ban hành kèm theo Thông tư số 03/2025/TT-VPCP", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
				"Nguyễn Thị Ánh Tuyết", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
				"Bắc Ninh, ngày 26 tháng 11 năm 2026", "09 giờ 30 phút, ngày 26/11/2026", "17 giờ 00 phút, ngày 17/12/2026",
				"Quyển số: 01, Số thứ tự: 125", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "K7QX2M"}},
		{"receipt_tt01", 1, sizeA5Text, func(r *Renderer, b *bytes.Buffer) error {
			return r.RenderReceipt(b, testReceipt(FormSetTT01_2018))
		}, []string{"Mẫu số 01", "Thông tư số 01/2018/TT-VPCP"}},
		{"guidance", 1, sizeA5Text, func(r *Renderer, b *bytes.Buffer) error { return r.RenderGuidanceSlip(b, testGuidance("")) },
			[]string{"Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
				"3. Cam kết bảo đảm an toàn cho công trình liền kề.", "NGƯỜI HƯỚNG DẪN", "0222 3 822 111"}},
		{"refusal", 1, sizeA5Text, func(r *Renderer, b *bytes.Buffer) error { return r.RenderRefusalSlip(b, testRefusal("")) },
			[]string{"Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "lý do cụ thể như sau"}},
		{"apology_tt01", 1, sizeA5Text, func(r *Renderer, b *bytes.Buffer) error {
			return r.RenderApologySlip(b, testApology(FormSetTT01_2018))
		}, []string{"Mẫu số 04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "KT. GIÁM ĐỐC", "Lê Hoàng Nam"}},
		{"apology", 1, sizeA5Text, func(r *Renderer, b *bytes.Buffer) error { return r.RenderApologySlip(b, testApology("")) },
			[]string{"Mẫu số 04", "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"}},
		{"stop", 1, sizeA5Text, func(r *Renderer, b *bytes.Buffer) error { return r.RenderStopNotice(b, testStop()) },
			[]string{"Mẫu số 05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "ngày 03 tháng 12 năm 2026"}},
		{"control_tt01", 1, sizeA5Text, func(r *Renderer, b *bytes.Buffer) error {
			return r.RenderControlSlip(b, testControl(FormSetTT01_2018, 3))
		}, []string{"Mẫu số 05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Trước hạn", "Đúng hạn"}},
		{"control", 2, sizeA5Text, func(r *Renderer, b *bytes.Buffer) error { return r.RenderControlSlip(b, testControl("", 12)) },
			[]string{"Mẫu số 06", "1. Giao: Bộ phận TN&TKQ", "2. Nhận: Phòng Quản lý hoạt", "Quá hạn", "Trang 2/2"}},
		{"ledger_tt01", 1, sizeA4LandscapeText, func(r *Renderer, b *bytes.Buffer) error {
			return r.RenderLedger(b, testLedger(FormSetTT01_2018, 5))
		}, []string{"Mẫu số 06", "SỔ THEO DÕI HỒ SƠ", "Phương thức nhận kết quả", "Ghi chú"}},
		{"ledger", 4, sizeA4LandscapeText, func(r *Renderer, b *bytes.Buffer) error { return r.RenderLedger(b, testLedger("", 40)) },
			[]string{"Mẫu số 07", "Ký nhận", "Cơ quan chủ trì giải quyết", "Trang 4/4", "Công ty TNHH"}},
		{"result", 1, sizeA4Text, func(r *Renderer, b *bytes.Buffer) error { _, err := r.RenderResult(b, testResult()); return err },
			[]string{"GIẤY PHÉP XÂY DỰNG", "Số: 05/GPXD-SXD", "Bắc Ninh, ngày 16 tháng 12 năm 2026", "Nơi nhận:",
				"KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Hoàng Nam", "Tra cứu, xác thực:"}},
		{"result_demo", 2, sizeA4Text, func(r *Renderer, b *bytes.Buffer) error {
			d := testResult()
			d.Demo = true
			for range 2 {
				d.Body = append(d.Body, d.Body...)
			}
			_, err := r.RenderResult(b, d)
			return err
		}, []string{"DEMO — không có giá trị pháp lý"}},
	}, resultCases()...)
}

// TestGolden renders every form and compares the text pdftotext extracts
// with testdata/NAME.golden and the first page, rasterised by pdftoppm,
// with testdata/pages/NAME.png; it also checks the page count and size,
// that the fonts are embedded, and the file structure (qpdf --check).
func TestGolden(t *testing.T) {
	needTool(t, "pdftotext", "pdfinfo", "pdffonts", "pdftoppm", "qpdf")
	r := newRenderer(t)
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.render(r, &b); err != nil {
				t.Fatalf("render: %v", err)
			}
			p := writeTemp(t, tc.name+".pdf", b.Bytes())

			text := cmdOut(t, "pdftotext", "-enc", "UTF-8", "-nopgbrk", p, "-")
			if !norm.NFC.IsNormalString(text) {
				t.Errorf("extracted text is not NFC")
			}
			flat := strings.Join(strings.Fields(text), " ") // wrapped lines joined
			for _, w := range tc.want {
				if !strings.Contains(flat, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			golden := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if diff := firstDiff(string(want), text); diff != "" {
					t.Errorf("text differs from %s: %s", golden, diff)
				}
			}

			info := cmdOut(t, "pdfinfo", p)
			if got := infoField(info, "Pages"); got != strconv.Itoa(tc.pages) {
				t.Errorf("pages = %s; want %d", got, tc.pages)
			}
			if got := infoField(info, "Page size"); got != tc.size {
				t.Errorf("page size = %q; want %q", got, tc.size)
			}
			fonts := cmdOut(t, "pdffonts", p)
			if !strings.Contains(fonts, "LiberationSerif") {
				t.Errorf("pdffonts: no Liberation Serif:\n%s", fonts)
			}
			for _, ln := range strings.Split(fonts, "\n")[2:] {
				if f := strings.Fields(ln); len(f) >= 5 && f[len(f)-5] != "yes" {
					t.Errorf("font not embedded: %s", ln)
				}
			}
			if out, err := exec.Command("qpdf", "--check", p).CombinedOutput(); err != nil {
				t.Errorf("qpdf --check: %v\n%s", err, out)
			}
			savePage(t, tc.name, p)
			comparePage(t, tc.name, p)
		})
	}
}

// comparePage rasterises page 1 in grey at 50 dpi and compares it with
// testdata/pages/NAME.png (rewritten with -update): at most 0.5 % of the
// pixels may differ by more than a quarter of the grey range, which
// tolerates anti-aliasing differences between poppler versions but not a
// moved, missing or different line of text.
func comparePage(t *testing.T, name, pdfPath string) {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), name)
	cmdOut(t, "pdftoppm", "-r", "50", "-gray", "-png", "-f", "1", "-l", "1", "-singlefile", pdfPath, prefix)
	got, err := os.ReadFile(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "pages", name+".png")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	a, err := png.Decode(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	b, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatal(err)
	}
	if a.Bounds() != b.Bounds() {
		t.Fatalf("page image is %v; golden %v", b.Bounds(), a.Bounds())
	}
	differ, total := 0, 0
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			ga := color.GrayModel.Convert(a.At(x, y)).(color.Gray).Y
			gb := color.GrayModel.Convert(b.At(x, y)).(color.Gray).Y
			if d := int(ga) - int(gb); d > 64 || d < -64 {
				differ++
			}
			total++
		}
	}
	if float64(differ) > 0.005*float64(total) {
		t.Errorf("page 1 differs from %s in %d of %d pixels (%.2f %%)", golden, differ, total, 100*float64(differ)/float64(total))
	}
}

// savePage rasterises page 1 into the temp dir and keeps a copy under
// testdata/out/ with -update, or in $MOTCUA_TEST_ARTIFACTS when set.
func savePage(t *testing.T, name, pdfPath string) {
	t.Helper()
	dir := t.TempDir()
	prefix := filepath.Join(dir, name)
	cmdOut(t, "pdftoppm", "-r", "110", "-png", "-f", "1", "-l", "1", "-singlefile", pdfPath, prefix)
	data, err := os.ReadFile(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Fatalf("rendered page is not a PNG: %v", err)
	}
	var dests []string
	if *update {
		dests = append(dests, filepath.Join("testdata", "out"))
	}
	if d := os.Getenv("MOTCUA_TEST_ARTIFACTS"); d != "" {
		dests = append(dests, d)
	}
	for _, d := range dests {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, name+".png"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func infoField(info, key string) string {
	for _, ln := range strings.Split(info, "\n") {
		if k, v, ok := strings.Cut(ln, ":"); ok && k == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// firstDiff describes the first differing line of want and got, or "".
func firstDiff(want, got string) string {
	if want == got {
		return ""
	}
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d: got %q; want %q", i+1, g, w)
		}
	}
	return "length differs"
}

// TestQRCodes decodes the QR codes of the receipt and the result from the
// rasterised pages.
func TestQRCodes(t *testing.T) {
	needTool(t, "pdftoppm", "zbarimg")
	r := newRenderer(t)
	for _, tc := range []struct {
		name   string
		render func(*bytes.Buffer) error
		want   string
	}{
		{"receipt", func(b *bytes.Buffer) error { return r.RenderReceipt(b, testReceipt("")) }, testReceipt("").LookupURL},
		{"result", func(b *bytes.Buffer) error { _, err := r.RenderResult(b, testResult()); return err }, testResult().VerifyURL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.render(&b); err != nil {
				t.Fatal(err)
			}
			p := writeTemp(t, tc.name+".pdf", b.Bytes())
			// 110 dpi: a coarse scan, where modules are a few pixels
			// and their edges must stay sharp (one path for all the
			// modules, anti-aliased, did not decode there).
			for _, dpi := range []string{"200", "110"} {
				prefix := filepath.Join(t.TempDir(), "page")
				cmdOut(t, "pdftoppm", "-r", dpi, "-png", "-singlefile", p, prefix)
				got := strings.TrimSpace(cmdOut(t, "zbarimg", "--quiet", "--raw", prefix+".png"))
				if got != tc.want {
					t.Errorf("%s dpi: zbarimg = %q; want %q", dpi, got, tc.want)
				}
			}
		})
	}
}

// TestResultLayout checks the signature rectangles against the text
// positions pdftotext reports.
func TestResultLayout(t *testing.T) {
	r := newRenderer(t)
	var b bytes.Buffer
	lay, err := r.RenderResult(&b, testResult())
	if err != nil {
		t.Fatal(err)
	}
	if lay.Page != 1 {
		t.Errorf("Page = %d; want 1", lay.Page)
	}
	s, seal := lay.Signer, lay.Seal
	if s.Width() <= 0 || s.Height() < 80 {
		t.Errorf("Signer = %+v; want a signature-sized area", s)
	}
	if s.LLX < 0 || s.URX > a4W || s.LLY < 0 || s.URY > a4H {
		t.Errorf("Signer %+v is off the page", s)
	}
	if seal.Height() != s.Height() || seal.Width() != s.Height() {
		t.Errorf("Seal = %+v; want a square as tall as Signer %+v", seal, s)
	}
	if d := seal.URX - (s.LLX + s.Width()/3); d < -0.01 || d > 0.01 {
		t.Errorf("Seal right edge %.2f; want the left third of Signer at %.2f", seal.URX, s.LLX+s.Width()/3)
	}
	if seal.LLY != s.LLY || seal.LLX < 0 {
		t.Errorf("Seal = %+v; want level with Signer and on the page", seal)
	}

	needTool(t, "pdftotext")
	p := writeTemp(t, "result.pdf", b.Bytes())
	words := bboxWords(t, p)
	// pdftotext -bbox uses a top-left origin; convert the rect.
	top, bottom := a4H-s.URY, a4H-s.LLY
	pos, ok := words["PHÓ"]
	if !ok || pos.yMax > top+0.5 {
		t.Errorf("position line (%+v) should end above the signature area (top %.1f)", pos, top)
	}
	name, ok := words["Hoàng"]
	if !ok || name.yMin < bottom-0.5 {
		t.Errorf("signer's name (%+v) should start below the signature area (bottom %.1f)", name, bottom)
	}
	if !ok || name.xMin < s.LLX-60 || name.xMax > s.URX+60 {
		t.Errorf("signer's name (%+v) should be centred under the signature area %+v", name, s)
	}
}

type box struct{ xMin, yMin, xMax, yMax float64 }

// bboxWords returns the first box of every word pdftotext -bbox finds.
func bboxWords(t *testing.T, p string) map[string]box {
	t.Helper()
	html := cmdOut(t, "pdftotext", "-bbox", "-enc", "UTF-8", p, "-")
	re := regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
	out := map[string]box{}
	for _, m := range re.FindAllStringSubmatch(html, -1) {
		if _, seen := out[m[5]]; seen {
			continue
		}
		var v [4]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(m[i+1], 64)
		}
		out[m[5]] = box{v[0], v[1], v[2], v[3]}
	}
	return out
}

// TestResultMultiPage: a long body flows onto a second page, which carries a
// page number and the signature block.
func TestResultMultiPage(t *testing.T) {
	r := newRenderer(t)
	d := testResult()
	for range 2 {
		d.Body = append(d.Body, d.Body...)
	}
	var b bytes.Buffer
	lay, err := r.RenderResult(&b, d)
	if err != nil {
		t.Fatal(err)
	}
	if lay.Page != 2 {
		t.Errorf("Page = %d; want 2", lay.Page)
	}
}

// TestDeterministic: the same input gives the same bytes, including the
// creation date taken from the input.
func TestDeterministic(t *testing.T) {
	r := newRenderer(t)
	for _, tc := range goldenCases() {
		var a, b bytes.Buffer
		if err := tc.render(r, &a); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
		if err := tc.render(newRenderer(t), &b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two renders differ", tc.name)
		}
	}
	var b bytes.Buffer
	if err := r.RenderReceipt(&b, testReceipt("")); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte("/CreationDate (D:20261126093000+07'00')")) {
		t.Errorf("creation date is not the receipt's date in Vietnam time")
	}
}

// TestConcurrent renders from many goroutines on one Renderer (run with
// -race) and expects the sequential output.
func TestConcurrent(t *testing.T) {
	r := newRenderer(t)
	cases := goldenCases()
	want := make([][]byte, len(cases))
	for i, tc := range cases {
		var b bytes.Buffer
		if err := tc.render(r, &b); err != nil {
			t.Fatal(err)
		}
		want[i] = b.Bytes()
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for k := range cases {
				i := (k + g) % len(cases)
				var b bytes.Buffer
				if err := cases[i].render(r, &b); err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(b.Bytes(), want[i]) {
					t.Errorf("%s: concurrent render differs", cases[i].name)
				}
			}
		})
	}
	wg.Wait()
}

func TestFormSets(t *testing.T) {
	tests := []struct {
		set   FormSet
		kind  FormKind
		num   int
		title string
	}{
		{FormSetTT01_2018, FormReceipt, 1, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"},
		{FormSetTT01_2018, FormApology, 4, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"},
		{FormSetTT01_2018, FormControl, 5, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"},
		{FormSetTT01_2018, FormLedger, 6, "SỔ THEO DÕI HỒ SƠ"},
		{FormSetTT03_2025, FormApology, 4, "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"},
		{FormSetTT03_2025, FormStop, 5, "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"},
		{FormSetTT03_2025, FormControl, 6, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"},
		{"", FormLedger, 7, "SỔ THEO DÕI HỒ SƠ"},
	}
	for _, tt := range tests {
		f, err := tt.set.Spec(tt.kind)
		if err != nil || f.Number != tt.num || f.Title != tt.title {
			t.Errorf("FormSet(%q).Spec(%d) = %+v, %v; want number %d, title %q", tt.set, tt.kind, f, err, tt.num, tt.title)
		}
	}
	if f, _ := FormSetTT01_2018.Spec(FormGuidance); f.Label() != "Mẫu số 02" || f.Basis() != "(Ban hành kèm theo Thông tư số 01/2018/TT-VPCP)" {
		t.Errorf("Label, Basis = %q, %q", f.Label(), f.Basis())
	}
	if _, err := FormSetTT01_2018.Spec(FormStop); err == nil {
		t.Errorf("TT01/2018 has no stop notice; want an error")
	}
	if _, err := FormSet("TT99/2030").Spec(FormReceipt); err == nil {
		t.Errorf("unknown set; want an error")
	}

	r := newRenderer(t)
	st := testStop()
	st.Set = FormSetTT01_2018
	var b bytes.Buffer
	if err := r.RenderStopNotice(&b, st); err == nil || b.Len() != 0 {
		t.Errorf("RenderStopNotice(TT01/2018) = %v, %d bytes; want an error and no output", err, b.Len())
	}
	rc := testReceipt("TT99/2030")
	if err := r.RenderReceipt(&b, rc); err == nil {
		t.Errorf("RenderReceipt(unknown set) = nil; want an error")
	}
}

func TestDates(t *testing.T) {
	loc := vietnamLocation()
	tests := []struct {
		t    time.Time
		long string
		clk  string
	}{
		{at(2026, 11, 26, 9, 30), "ngày 26 tháng 11 năm 2026", "09 giờ 30 phút, ngày 26/11/2026"},
		{at(2026, 2, 5, 14, 5), "ngày 05 tháng 02 năm 2026", "14 giờ 05 phút, ngày 05/02/2026"},
		{at(2026, 3, 1, 0, 0), "ngày 01 tháng 3 năm 2026", "00 giờ 00 phút, ngày 01/03/2026"},
		// 20:00 UTC is already the next day in Vietnam.
		{time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC), "ngày 01 tháng 01 năm 2027", "03 giờ 00 phút, ngày 01/01/2027"},
		{time.Time{}, "ngày …… tháng …… năm ……", "…… giờ …… phút, ngày …/…/……"},
	}
	for _, tt := range tests {
		if got := longDate(tt.t, loc); got != tt.long {
			t.Errorf("longDate(%v) = %q; want %q", tt.t, got, tt.long)
		}
		if got := clockDate(tt.t, loc); got != tt.clk {
			t.Errorf("clockDate(%v) = %q; want %q", tt.t, got, tt.clk)
		}
	}
	for _, tt := range []struct {
		seq  int
		sym  string
		want string
	}{{5, "QĐ-UBND", "05/QĐ-UBND"}, {12, " UBND-VP ", "12/UBND-VP"}, {125, "GP-SXD", "125/GP-SXD"}} {
		if got := DocNumber(tt.seq, tt.sym); got != tt.want {
			t.Errorf("DocNumber(%d, %q) = %q; want %q", tt.seq, tt.sym, got, tt.want)
		}
	}
}

func TestResultTemplates(t *testing.T) {
	ts := BuiltinResultTemplates()
	for _, tt := range []struct{ code, title, docType string }{
		{"GP", "GIẤY PHÉP", "GP"},
		{" gcn ", "GIẤY CHỨNG NHẬN", "GCN"},
		{"QĐ", "QUYẾT ĐỊNH", "QĐ"},
		{"qd", "QUYẾT ĐỊNH", "QĐ"},
		{norm.NFD.String("QĐ"), "QUYẾT ĐỊNH", "QĐ"},
		{"TL", "TRÍCH LỤC", "TL"},
		{"XYZ", GenericResultTitle, GenericResultCode},
		{"", GenericResultTitle, GenericResultCode},
	} {
		got := ts.Lookup(tt.code)
		if got.Title != tt.title || got.DocType != tt.docType {
			t.Errorf("Lookup(%q) = %+v; want title %q, doc type %q", tt.code, got, tt.title, tt.docType)
		}
	}
	// Adding a result type is data.
	ts["GPXD"] = ResultTemplate{Code: "GPXD", DocType: "GPXD", Title: "GIẤY PHÉP XÂY DỰNG"}
	if got := ts.Lookup("gpxd"); got.Title != "GIẤY PHÉP XÂY DỰNG" {
		t.Errorf("Lookup(gpxd) = %+v", got)
	}
	if got := (ResultTemplates{}).Lookup("GP"); got.Title != GenericResultTitle {
		t.Errorf("empty map Lookup = %+v; want the generic fallback", got)
	}
	if BuiltinResultTemplates()["GPXD"].Title != "" {
		t.Errorf("BuiltinResultTemplates shares state between calls")
	}
	d := ts.Lookup("GP").Apply(ResultDoc{Body: []string{"Nội dung."}})
	if d.Title != "GIẤY PHÉP" || len(d.Body) != 2 || d.Body[1] != "Nội dung." {
		t.Errorf("Apply = %+v", d)
	}
	if again := ts.Lookup("GP").Apply(d); len(again.Body) != 2 {
		t.Errorf("Apply twice added the intro twice: %q", again.Body)
	}
}

func TestLedgerXLSX(t *testing.T) {
	for _, tc := range []struct {
		set  FormSet
		cols int
	}{{FormSetTT01_2018, 11}, {FormSetTT03_2025, 12}} {
		var b bytes.Buffer
		l := testLedger(tc.set, 50)
		if err := WriteLedgerXLSX(&b, l); err != nil {
			t.Fatal(err)
		}
		var b2 bytes.Buffer
		if err := WriteLedgerXLSX(&b2, l); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), b2.Bytes()) {
			t.Errorf("%s: two XLSX renders differ", tc.set)
		}
		f, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetName(0)
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3+50 {
			t.Fatalf("%s: %d rows; want 53", tc.set, len(rows))
		}
		if rows[0][0] != "SỔ THEO DÕI HỒ SƠ" || rows[1][0] != "Lĩnh vực: Hoạt động xây dựng – Quyển số: 01 – Năm 2026" {
			t.Errorf("title rows = %q, %q", rows[0], rows[1])
		}
		head := rows[2]
		if len(head) != tc.cols || head[0] != "STT" || head[1] != "Mã hồ sơ" || head[len(head)-1] != "Ghi chú" {
			t.Errorf("%s: header = %q", tc.set, head)
		}
		if got := rows[3][3]; got != "Nguyễn Thị Ánh Tuyết" {
			t.Errorf("applicant = %q", got)
		}
		if got := rows[3][6]; got != "02/11/2026 08:00" {
			t.Errorf("received = %q; want 02/11/2026 08:00", got)
		}
		st, err := f.GetCellStyle(sheet, "A3")
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetStyle(st)
		if err != nil {
			t.Fatal(err)
		}
		if style.Font == nil || !style.Font.Bold || style.Font.Family != "Times New Roman" {
			t.Errorf("header font = %+v; want bold Times New Roman", style.Font)
		}
		if w, _ := f.GetColWidth(sheet, "C"); w != 40 {
			t.Errorf("column C width = %v; want 40", w)
		}
		f.Close()
	}
}

func TestImages(t *testing.T) {
	for _, tc := range []struct {
		name  string
		data  []byte
		again []byte
		ok    func(r, g, b uint32) bool
	}{
		{"seal", SealPNG("Trung tâm Hành chính công tỉnh Bắc Ninh"), SealPNG("Trung tâm Hành chính công tỉnh Bắc Ninh"),
			func(r, g, b uint32) bool { return r > 2*g && r > 2*b }},
		{"signature", SignaturePNG("Lê Hoàng Nam"), SignaturePNG(norm.NFD.String("Lê Hoàng Nam")),
			func(r, g, b uint32) bool { return b > 2*r && b > g }},
	} {
		if !bytes.Equal(tc.data, tc.again) {
			t.Errorf("%s: not deterministic (or not NFC-normalised)", tc.name)
		}
		img, err := png.Decode(bytes.NewReader(tc.data))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		bd := img.Bounds()
		if _, _, _, a := img.At(bd.Min.X, bd.Min.Y).RGBA(); a != 0 {
			t.Errorf("%s: corner is not transparent", tc.name)
		}
		inked, wrong := 0, 0
		for y := bd.Min.Y; y < bd.Max.Y; y += 2 {
			for x := bd.Min.X; x < bd.Max.X; x += 2 {
				r, g, b, a := img.At(x, y).RGBA()
				if a < 0xc000 {
					continue
				}
				inked++
				if !tc.ok(r, g, b) {
					wrong++
				}
			}
		}
		if inked < 500 || wrong > 0 {
			t.Errorf("%s: %d inked pixels, %d of the wrong colour", tc.name, inked, wrong)
		}
		if tc.name == "seal" && (bd.Dx() != bd.Dy()) {
			t.Errorf("seal is %v; want square", bd)
		}
	}
	if bytes.Equal(SignaturePNG("Lê Hoàng Nam"), SignaturePNG("Trần Văn Bình")) {
		t.Errorf("signatures of different people are identical")
	}
}

// TestNFDInput: decomposed input renders and extracts as composed text.
func TestNFDInput(t *testing.T) {
	needTool(t, "pdftotext")
	r := newRenderer(t)
	rc := testReceipt("")
	rc.Procedure = norm.NFD.String(rc.Procedure)
	rc.Header.Place = norm.NFD.String("Bắc Ninh")
	var b bytes.Buffer
	if err := r.RenderReceipt(&b, rc); err != nil {
		t.Fatal(err)
	}
	text := cmdOut(t, "pdftotext", "-enc", "UTF-8", writeTemp(t, "nfd.pdf", b.Bytes()), "-")
	for _, w := range []string{"Nguyễn Thị Ánh Tuyết", "Bắc Ninh, ngày 26 tháng 11 năm 2026", "Cấp giấy phép xây dựng"} {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks NFC %q", w)
		}
	}
	if strings.ContainsRune(text, '\u0301') || strings.ContainsRune(text, '\u0323') {
		t.Errorf("extracted text contains combining marks")
	}
}

// TestEmptyForms: zero values render with dotted placeholders, no error.
func TestEmptyForms(t *testing.T) {
	r := newRenderer(t)
	var b bytes.Buffer
	for name, fn := range map[string]func() error{
		"receipt":  func() error { return r.RenderReceipt(&b, Receipt{}) },
		"guidance": func() error { return r.RenderGuidanceSlip(&b, GuidanceSlip{}) },
		"refusal":  func() error { return r.RenderRefusalSlip(&b, RefusalSlip{}) },
		"apology":  func() error { return r.RenderApologySlip(&b, ApologySlip{}) },
		"stop":     func() error { return r.RenderStopNotice(&b, StopNotice{}) },
		"control":  func() error { return r.RenderControlSlip(&b, ControlSlip{}) },
		"ledger":   func() error { return r.RenderLedger(&b, Ledger{}) },
		"xlsx":     func() error { return WriteLedgerXLSX(&b, Ledger{}) },
		"result":   func() error { _, err := r.RenderResult(&b, ResultDoc{}); return err },
	} {
		b.Reset()
		if err := fn(); err != nil || b.Len() == 0 {
			t.Errorf("%s: err = %v, %d bytes", name, err, b.Len())
		}
	}
}

// BenchmarkRenderResult renders a one-page result document.
func BenchmarkRenderResult(b *testing.B) {
	r := newRenderer(b)
	d := testResult()
	var buf bytes.Buffer
	b.ReportAllocs()
	cpu := cputime.Now()
	for b.Loop() {
		buf.Reset()
		if _, err := r.RenderResult(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cputime.Now()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}

// BenchmarkRenderReceipt renders form 01 with its QR code.
func BenchmarkRenderReceipt(b *testing.B) {
	r := newRenderer(b)
	rc := testReceipt("")
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := r.RenderReceipt(&buf, rc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppearanceImages draws the seal and signature images of one
// signing (callers may cache them per organisation and signer).
func BenchmarkAppearanceImages(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = SealPNG("Sở Xây dựng tỉnh Bắc Ninh")
		_ = SignaturePNG("Lê Hoàng Nam")
	}
}

// TestSplit checks the word wrapper: text stays in order, no
// line is wider than the column, every break is needed (the next word would
// not fit).
func TestSplit(t *testing.T) {
	r := newRenderer(t)
	c, err := r.newCanvas(pageSize{a4W, a4H}, margins{}, docInfo{})
	if err != nil {
		t.Fatal(err)
	}
	paras := append([]string{}, testResult().Body...)
	paras = append(paras, testRefusal("").Reason, testReceipt("").Procedure,
		"Sau khi xem xét hồ sơ, đối chiếu với các quy định hiện hành, Trung tâm Hành chính công tỉnh Bắc Ninh thông báo không tiếp nhận, giải quyết hồ sơ này.")
	for _, face := range []fontStyle{regular, bold, italic} {
		for _, size := range []float64{9, 11, 14} {
			for _, w := range []float64{60, 97.5, 150, 230, 348.7, 467.7} {
				c.font(face, size)
				for _, p := range paras {
					p = nfc(p)
					got := c.split(p, w)
					if strings.ReplaceAll(strings.Join(got, ""), " ", "") != strings.ReplaceAll(p, " ", "") {
						t.Fatalf("split(%q, %v) lost or reordered words: %q", p, w, got)
					}
					for i, ln := range got {
						if lw := c.measure(ln); lw > w+1e-9 {
							t.Errorf("line %q is %.2f wide; column %v", ln, lw, w)
						}
						if i+1 < len(got) {
							next := words(got[i+1])[0]
							if c.measure(ln+" "+next) <= w {
								t.Errorf("break after %q is not needed: %q fits in %v", ln, next, w)
							}
						}
					}
				}
			}
		}
	}
	// A word wider than the column breaks after a delimiter.
	c.font(regular, 9)
	got := c.split("Tra cứu: https://dichvucong.bacninh.gov.vn/xac-thuc/05-GPXD-SXD-2026", 150)
	for _, ln := range got[:len(got)-1] {
		if !strings.ContainsAny(ln[len(ln)-1:], "/-?&=._ :") {
			t.Errorf("URL broken mid-token: %q", got)
		}
	}
	// A verification token keeps its "-" and "_" on one line: the last
	// path segment is never cut when it fits.
	for _, tok := range []string{"_Zx-4q9Kd2Lm_Pw7-Rt3Yb", "abcdefghij-klmnopqrstu", "Q_-_-_-_-_-_-_-_-_-_-_"} {
		url := "https://motcua.example/verify/" + tok
		got := c.split("Tra cứu, xác thực: "+url, 150)
		if last := got[len(got)-1]; !strings.HasSuffix(last, tok) || !strings.HasSuffix(strings.TrimSuffix(last, tok), "/") && last != tok {
			t.Errorf("token %q cut: %q", tok, got)
		}
	}
}

// TestGlyphsOutsideRepertoire: characters the font has beyond the shared
// Vietnamese subset (a foreign name) are embedded and extract as written;
// a character the font lacks prints as .notdef without failing the form.
func TestGlyphsOutsideRepertoire(t *testing.T) {
	needTool(t, "pdftotext", "qpdf")
	r := newRenderer(t)
	for _, name := range []string{"Jürgen Müller-Øster Ñoño Çağlar", "Phạm Thị Ngọc Ánh"} {
		rc := testReceipt("")
		rc.Applicant.Name = name
		rc.Procedure = "Thủ tục cho ông 王小明" // no CJK glyphs in Liberation Serif
		var b bytes.Buffer
		if err := r.RenderReceipt(&b, rc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p := writeTemp(t, "extra.pdf", b.Bytes())
		text := cmdOut(t, "pdftotext", "-enc", "UTF-8", p, "-")
		if !strings.Contains(text, name) {
			t.Errorf("text lacks %q:\n%s", name, text)
		}
		if out, err := exec.Command("qpdf", "--check", p).CombinedOutput(); err != nil {
			t.Errorf("qpdf --check: %v\n%s", err, out)
		}
	}
	// Faces share one subset for repertoire-only documents, and build (and
	// cache) another for each distinct set of extra glyphs.
	fc := r.faces[bold]
	if n := len(fc.embs); n < 2 {
		t.Errorf("bold face has %d cached subsets; want the shared one and the one with ü, Ø, Ñ, Ç, ğ", n)
	}
}

func TestAppendNum(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 10: "10", 100: "100", 12.5: "12.5", -3.14159: "-3.142", -0.0004: "0", 595.2756: "595.276", 0.1: "0.1"} {
		if got := string(appendNum([]byte("x"), v)); got != "x"+want {
			t.Errorf("appendNum(%v) = %q; want %q", v, got, "x"+want)
		}
	}
}
