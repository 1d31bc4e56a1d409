package pdf

import (
	"io"
	"strings"
)

// BlankForm is a printable blank form for a procedure's component marked
// "(theo mẫu)" when the catalog links no official form file: the national
// motto, the title, to whom it is addressed, the usual applicant fields
// with dotted lines to fill in by hand, and a note naming the legal basis
// whose form it stands in for. It is not the official form.
type BlankForm struct {
	Title      string   // the component's name ("Tờ khai đăng ký khai sinh")
	Procedure  string   // the procedure it belongs to
	Agency     string   // the agency addressed ("Kính gửi: …")
	LegalBasis []string // the documents whose official form prevails
}

// RenderBlankForm writes the blank form (A4 portrait) to w.
func (r *Renderer) RenderBlankForm(w io.Writer, f BlankForm) error {
	m := margins{Top: 20 * ptPerMM, Right: 20 * ptPerMM, Bottom: 20 * ptPerMM, Left: 30 * ptPerMM}
	c, err := r.newCanvas(pageSize{a4W, a4H}, m, docInfo{Title: f.Title, Subject: f.Procedure})
	if err != nil {
		return err
	}
	center := func(face fontStyle, size float64, s string) {
		c.para(c.left(), c.width(), textStyle{Face: face, Size: size, Align: alignCenter, After: 1}, s)
	}
	center(bold, 12, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
	center(bold, 13, "Độc lập - Tự do - Hạnh phúc")
	c.y += 14
	center(bold, 14, strings.ToUpper(nfc(f.Title)))
	c.y += 6
	c.field("Kính gửi:", f.Agency, bold)
	c.field("Về việc (thủ tục):", f.Procedure, regular)
	c.y += 4
	for _, label := range []string{
		"Họ, chữ đệm, tên người yêu cầu:",
		"Ngày, tháng, năm sinh:",
		"Số định danh cá nhân:",
		"Nơi cư trú:",
		"Số điện thoại:",
		"Quan hệ với người được yêu cầu (nếu có):",
	} {
		c.field(label, dots+dots+dots, regular)
	}
	c.para(c.left(), c.width(), textStyle{Face: bold, Size: formBody, After: 1.5}, "Nội dung đề nghị:")
	for range 6 {
		c.para(c.left(), c.width(), bodyStyle(), strings.Repeat("…", 60))
	}
	c.para(c.left(), c.width(), textStyle{Face: regular, Size: formBody, After: 8, Align: alignJustify},
		"Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về cam đoan của mình.")
	c.para(c.left()+c.width()/2, c.width()/2, textStyle{Face: italic, Size: formBody, Align: alignCenter, After: 2},
		dots+", ngày "+"……"+" tháng "+"……"+" năm "+"………")
	c.signatures(c.left()+c.width()/2, c.width()/2, []sigCol{
		{Title: "NGƯỜI YÊU CẦU", Hint: "(Ký và ghi rõ họ tên)"},
	}, 11, 56)
	c.y += 10
	note := "Mẫu trống in từ hệ thống một cửa điện tử, dùng khi chưa có tệp mẫu chính thức. " +
		"Nếu văn bản pháp luật quy định mẫu riêng thì dùng mẫu đó."
	if len(f.LegalBasis) > 0 {
		note += " Căn cứ: " + strings.Join(f.LegalBasis, "; ") + "."
	}
	c.para(c.left(), c.width(), textStyle{Face: italic, Size: 9, Align: alignJustify}, note)
	return c.finish(w)
}
