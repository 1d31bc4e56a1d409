package pdf

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Component is one document of the dossier as listed on the receipt.
type Component struct {
	Name      string
	Originals int // bản chính
	Copies    int // bản sao (certified copies or photocopies)
}

// Receipt is form 01, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả".
type Receipt struct {
	FormMeta
	DossierCode   string // mã hồ sơ
	ReceivingUnit string // unit that received the dossier; empty: Header.Unit
	Applicant     Person
	// Principal is the person or organisation the applicant files for, when
	// the applicant is authorised; AuthorizationDoc names the authorisation
	// paper ("Giấy ủy quyền số 12/GUQ ngày 20/11/2026").
	Principal        *Person
	AuthorizationDoc string
	Procedure        string // nội dung yêu cầu giải quyết (the procedure's name)
	Components       []Component
	Sets             int    // số lượng hồ sơ (bộ)
	ProcessingTime   string // thời gian giải quyết theo quy định, e.g. "15 ngày làm việc"
	ReceivedAt       time.Time
	DueAt            time.Time
	ResultAt         string // đăng ký nhận kết quả tại
	LedgerBook       int    // Sổ theo dõi hồ sơ: quyển số
	LedgerSeq        int    // Sổ theo dõi hồ sơ: số thứ tự
	Officer          string // the receiving officer (người tiếp nhận)
	// LookupURL is encoded in the QR code; LookupToken (or, when empty, the
	// URL) is printed beneath it.
	LookupURL   string
	LookupToken string
}

// RenderReceipt writes form 01 (A5) to w.
func (r *Renderer) RenderReceipt(w io.Writer, f Receipt) error {
	if f.Date.IsZero() {
		f.Date = f.ReceivedAt
	}
	c, _, err := r.startForm(FormReceipt, f.FormMeta, f.DossierCode)
	if err != nil {
		return err
	}
	c.runs(c.left(), c.width(), formBody, alignCenter, run{regular, "Mã hồ sơ: "}, run{bold, orDots(f.DossierCode)})
	c.y += 4

	c.receptionFields(f.FormMeta, f.ReceivingUnit, "Tiếp nhận hồ sơ của (Ông/Bà/Tổ chức):", f.Applicant)
	if p := f.Principal; p != nil {
		c.para(c.left(), c.width(), bodyStyle(), "Nộp hồ sơ theo ủy quyền của: "+orDots(p.Name)+
			"; số định danh: "+orDots(p.IDNumber)+"; địa chỉ: "+orDots(p.Address)+
			"; số điện thoại: "+orDots(p.Phone)+"; email: "+orDots(p.Email)+
			"; giấy tờ ủy quyền: "+orDots(f.AuthorizationDoc)+".")
	}
	c.field("Nội dung yêu cầu giải quyết:", f.Procedure, bold)

	c.para(c.left(), c.width(), bodyStyle(), "1. Thành phần hồ sơ nộp gồm:")
	t := &table{c: c, x: c.left(), size: 10, headSize: 9.5, pad: 2.5, cols: scaleColumns([]column{
		{Title: "TT", W: 24, Align: alignCenter},
		{Title: "Tên giấy tờ", W: 220},
		{Title: "Bản chính", W: 48, Align: alignCenter},
		{Title: "Bản sao", W: 48, Align: alignCenter},
	}, c.width())}
	t.begin()
	for i, comp := range f.Components {
		t.row(fmt.Sprint(i+1), comp.Name, count(comp.Originals), count(comp.Copies))
	}
	if len(f.Components) == 0 {
		t.row("", dots, "", "")
	}
	t.end()
	c.y += 3

	sets := dots
	if f.Sets > 0 {
		sets = twoDigits(f.Sets)
	}
	c.para(c.left(), c.width(), bodyStyle(), "2. Số lượng hồ sơ: "+sets+" (bộ)")
	c.para(c.left(), c.width(), bodyStyle(), "3. Thời gian giải quyết hồ sơ theo quy định: "+orDots(f.ProcessingTime))
	c.para(c.left(), c.width(), bodyStyle(), "4. Thời gian nhận hồ sơ: "+clockDate(f.ReceivedAt, c.loc))
	c.runs(c.left(), c.width(), formBody, alignLeft,
		run{regular, "5. Thời gian trả kết quả giải quyết hồ sơ: "}, run{bold, clockDate(f.DueAt, c.loc)})
	c.y += bodyStyle().After
	c.para(c.left(), c.width(), bodyStyle(), "6. Đăng ký nhận kết quả tại: "+orDots(f.ResultAt))
	c.para(c.left(), c.width(), textStyle{Face: italic, Size: formBody, After: 1.5},
		"Vào Sổ theo dõi hồ sơ, Quyển số: "+twoDigits(f.LedgerBook)+", Số thứ tự: "+twoDigits(f.LedgerSeq))
	c.y += 6

	// QR code (left) and the two signatures.
	const qrSize = 58.0
	qrW := qrSize + 6
	token := f.LookupToken
	if strings.TrimSpace(token) == "" {
		token = f.LookupURL
	}
	var tokenLines []string
	if strings.TrimSpace(f.LookupURL) != "" {
		tokenLines = c.wrapIn(regular, 7, token, qrW)
	}
	sigs := []sigCol{
		{Title: "NGƯỜI NỘP HỒ SƠ", Hint: "(Ký và ghi rõ họ tên)", Name: f.Applicant.Name},
		{Title: "NGƯỜI TIẾP NHẬN HỒ SƠ", Hint: "(Ký và ghi rõ họ tên)", Name: f.Officer},
	}
	// QR code and signatures stay together on one page.
	c.need(max(qrSize+float64(len(tokenLines)+1)*lineHeight(7), c.signaturesHeight(c.width()-qrW, sigs, 10, 40)))
	top := c.y
	c.signatures(c.left()+qrW, c.width()-qrW, sigs, 10, 40)
	end := c.y
	if strings.TrimSpace(f.LookupURL) != "" {
		c.qr(f.LookupURL, c.left()-4, top, qrSize)
		y := top + qrSize
		c.font(italic, 7)
		c.textAligned(c.left(), qrW-4, y, lineHeight(7), alignCenter, "Tra cứu hồ sơ")
		y += lineHeight(7)
		c.font(regular, 7)
		for _, ln := range tokenLines {
			c.textAligned(c.left(), qrW-4, y, lineHeight(7), alignCenter, ln)
			y += lineHeight(7)
		}
		end = max(end, y)
	}
	c.y = end
	return c.finishForm(w, f.VerifyURL)
}

// count prints a component count: blank for zero, "01" style otherwise.
func count(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf("%02d", n)
}
