package pdf

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

// resultCases are the golden results of Decree 30/2020/NĐ-CP Phụ lục I:
// one per signing capacity (own authority, KT., TL., TUQ.), an issuing
// agency whose name takes two lines, and a result rendered for signature
// before issue (number and date left blank).
func resultCases() []goldenCase {
	with := func(mod func(*ResultDoc)) func(r *Renderer, b *bytes.Buffer) error {
		return func(r *Renderer, b *bytes.Buffer) error {
			d := testResult()
			mod(&d)
			_, err := r.RenderResult(b, d)
			return err
		}
	}
	return []goldenCase{
		{"result_own", 1, sizeA4Text, with(func(d *ResultDoc) {
			d.Signer = Signer{Position: "GIÁM ĐỐC", Name: "Nguyễn Văn Quang"}
		}), []string{"Số: 05/GPXD-SXD", "GIÁM ĐỐC", "Nguyễn Văn Quang"}},
		{"result_tl", 1, sizeA4Text, with(func(d *ResultDoc) {
			d.Signer = Signer{Capacity: "TL. GIÁM ĐỐC", Position: "CHÁNH VĂN PHÒNG", Name: "Hà Thị Chánh"}
		}), []string{"TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "Hà Thị Chánh"}},
		{"result_tuq", 1, sizeA4Text, with(func(d *ResultDoc) {
			d.ParentAgency, d.Agency = "", "ỦY BAN NHÂN DÂN TỈNH BẮC NINH"
			d.Number = DocNumber(12, "QĐ-UBND")
			d.Signer = Signer{Capacity: "TUQ. CHỦ TỊCH", Position: "GIÁM ĐỐC SỞ XÂY DỰNG", Name: "Lê Hoàng Nam"}
		}), []string{"Số: 12/QĐ-UBND", "TUQ. CHỦ TỊCH", "GIÁM ĐỐC SỞ XÂY DỰNG"}},
		{"result_two_line_agency", 1, sizeA4Text, with(func(d *ResultDoc) {
			d.Agency = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
			d.Number = DocNumber(7, "GP-SLĐTBXH")
		}), []string{"SỞ LAO ĐỘNG - THƯƠNG BINH", "VÀ XÃ HỘI", "Số: 07/GP-SLĐTBXH"}},
		{"result_unnumbered", 1, sizeA4Text, with(func(d *ResultDoc) {
			d.Number, d.Symbol = "", "GPXD-SXD"
		}), []string{"Số:", "GIẤY PHÉP XÂY DỰNG", "KT. GIÁM ĐỐC"}},
	}
}

// TestResultHeaderLines: the issuing block of a two-line agency keeps the
// parent on its own line, the agency on two, and "Số:" on the first line
// under them (pdftotext -layout keeps the left column's lines apart).
func TestResultHeaderLines(t *testing.T) {
	needTool(t, "pdftotext")
	r := newRenderer(t)
	d := testResult()
	d.Agency = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
	var b bytes.Buffer
	if _, err := r.RenderResult(&b, d); err != nil {
		t.Fatal(err)
	}
	text := cmdOut(t, "pdftotext", "-layout", "-enc", "UTF-8", writeTemp(t, "r.pdf", b.Bytes()), "-")
	var left []string
	for _, ln := range strings.Split(text, "\n")[:8] {
		if f := strings.TrimSpace(ln); f != "" {
			left = append(left, f)
		}
	}
	// Left column: the parent, the agency on two balanced lines, the number.
	var col []string
	for _, ln := range left {
		col = append(col, strings.TrimSpace(strings.SplitN(ln, "  ", 2)[0]))
	}
	if want := []string{"UBND TỈNH BẮC NINH", "SỞ LAO ĐỘNG - THƯƠNG", "BINH VÀ XÃ HỘI", "Số: 05/GPXD-SXD"}; !slices.Equal(col[:4], want) {
		t.Errorf("agency column = %q; want %q", col, want)
	}
}

// TestResultNoBrokenWords: every word of the result — body, agency,
// recipients, signer and the verification address — comes out of the PDF
// whole (NĐ 30/2020: a word is never cut in two; a line ending in "-"
// would also be read back as one hyphenated word).
func TestResultNoBrokenWords(t *testing.T) {
	needTool(t, "pdftotext")
	r := newRenderer(t)
	for _, c := range []struct {
		name string
		mod  func(*ResultDoc)
	}{
		{"as issued", func(*ResultDoc) {}},
		{"long codes in the body", func(d *ResultDoc) {
			d.Body = append(d.Body, "Mã hồ sơ: 000.00.12.H06-261126-0001; mã số giấy tờ: 027190001234.GCN-DKDN.2026.000005; tham chiếu https://dichvucong.bacninh.gov.vn/tra-cuu/ho-so/000.00.12.H06-261126-0001.")
			d.VerifyURL = "https://dichvucong.bacninh.gov.vn/verify/Qk7XdP2mR9sT4vW8yZ1aBc"
		}},
		{"two-line agency", func(d *ResultDoc) { d.Agency = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := testResult()
			c.mod(&d)
			var b bytes.Buffer
			if _, err := r.RenderResult(&b, d); err != nil {
				t.Fatal(err)
			}
			got := strings.Fields(cmdOut(t, "pdftotext", "-enc", "UTF-8", writeTemp(t, "r.pdf", b.Bytes()), "-"))
			var words []string
			for _, s := range append(append([]string{d.Agency, d.Title, d.Signer.Name, d.VerifyURL}, d.Body...), d.Recipients...) {
				words = append(words, strings.Fields(s)...)
			}
			for _, w := range words {
				if !slices.Contains(got, w) {
					t.Errorf("word %q is not whole in the PDF text", w)
				}
			}
		})
	}
}

// TestResultSealGeometry: the seal is at its real size in the blank left
// for signatures, overlaps about the left third of the signature image
// (NĐ 30/2020 Phụ lục I: "trùm lên khoảng 1/3 hình ảnh chữ ký số của người
// có thẩm quyền về bên trái") and never covers the text of the signature
// block, whatever the shape of the signature image.
func TestResultSealGeometry(t *testing.T) {
	r := newRenderer(t)
	for _, signer := range []Signer{
		{Capacity: "KT. GIÁM ĐỐC", Position: "PHÓ GIÁM ĐỐC", Name: "Lê Hoàng Nam"},
		{Position: "GIÁM ĐỐC", Name: "Nguyễn Văn Quang"},
		{Capacity: "TUQ. CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", Position: "GIÁM ĐỐC SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", Name: "Trần Thị Bích Ngọc"},
	} {
		d := testResult()
		d.Signer = signer
		var b bytes.Buffer
		lay, err := r.RenderResult(&b, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(lay.Text) < 2 {
			t.Fatalf("%s: layout lists %d text lines of the signature block", signer.Name, len(lay.Text))
		}
		for _, aspect := range []float64{0.8, 1.5, 2.3, 4, 12} {
			l := lay.FitSignature(aspect)
			s, seal, blank := l.Signer, l.Seal, l.Blank
			if math.Abs(s.Width()/s.Height()-aspect) > 1e-6 {
				t.Errorf("%s aspect %.1f: signer box %.1f×%.1f has the wrong shape", signer.Name, aspect, s.Width(), s.Height())
			}
			if s.LLX < blank.LLX-1e-6 || s.URX > blank.URX+1e-6 || s.LLY < blank.LLY-1e-6 || s.URY > blank.URY+1e-6 {
				t.Errorf("%s aspect %.1f: signature image %+v leaves the blank %+v", signer.Name, aspect, s, blank)
			}
			if math.Abs(seal.Width()-seal.Height()) > 1e-6 || math.Abs(seal.Height()-blank.Height()) > 1e-6 {
				t.Errorf("%s aspect %.1f: seal %+v is not the blank's height square", signer.Name, aspect, seal)
			}
			if math.Abs(seal.URX-(s.LLX+s.Width()/3)) > 1e-6 || seal.LLX >= s.LLX {
				t.Errorf("%s aspect %.1f: seal %+v does not cover the left third of the image %+v", signer.Name, aspect, seal, s)
			}
			for _, tr := range l.Text {
				const eps = 0.01 // touching line boxes do not overlap
				if seal.LLX < tr.URX-eps && tr.LLX < seal.URX-eps && seal.LLY < tr.URY-eps && tr.LLY < seal.URY-eps {
					t.Errorf("%s aspect %.1f: seal %+v covers the text line %+v", signer.Name, aspect, seal, tr)
				}
			}
		}
	}
}

// TestResultSlots: a result rendered for signature before issue leaves
// the number and the date blank and says where they go: the number right
// of "Số:" in the agency column, the date under the motto, both on page 1
// on one baseline (NĐ 30/2020 Điều 15.3, Phụ lục I).
func TestResultSlots(t *testing.T) {
	needTool(t, "pdftotext")
	r := newRenderer(t)
	d := testResult()
	d.Number, d.Symbol = "", "GPXD-SXD"
	var b bytes.Buffer
	lay, err := r.RenderResult(&b, d)
	if err != nil {
		t.Fatal(err)
	}
	if lay.Number.Width() < 60 || lay.Date.Width() < 150 || lay.Number.URY != lay.Date.URY || lay.Size != resHead || lay.Place != "Bắc Ninh" {
		t.Errorf("slots = number %+v date %+v size %v place %q", lay.Number, lay.Date, lay.Size, lay.Place)
	}
	if lay.Number.URX > lay.Date.LLX {
		t.Errorf("number slot %+v runs into the date slot %+v", lay.Number, lay.Date)
	}
	text := cmdOut(t, "pdftotext", "-enc", "UTF-8", writeTemp(t, "r.pdf", b.Bytes()), "-")
	head := strings.Join(strings.SplitN(text, "GIẤY PHÉP XÂY DỰNG", 2)[:1], "")
	for _, gone := range []string{"GPXD-SXD", "ngày 16 tháng 12", "……", "Bắc Ninh,"} {
		if strings.Contains(head, gone) {
			t.Errorf("unissued result prints %q", gone)
		}
	}
	if DateText("Bắc Ninh", at(2026, 12, 16, 23, 30)) != "Bắc Ninh, ngày 16 tháng 12 năm 2026" || NumberText(" 05/GPXD-SXD ") != "05/GPXD-SXD" {
		t.Errorf("DateText/NumberText = %q, %q", DateText("Bắc Ninh", at(2026, 12, 16, 23, 30)), NumberText(" 05/GPXD-SXD "))
	}
}
