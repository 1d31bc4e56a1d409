package pdf

import (
	"io"
	"strings"
	"time"
)

// EReceipt is the printed form (bản thể hiện) of an electronic fee
// receipt (biên lai thu phí, lệ phí điện tử): the collecting unit, the
// receipt's symbol and number, the payer, what was paid and how, and the
// code to look the receipt up with its issuer.
type EReceipt struct {
	Collector   string // đơn vị thu phí, lệ phí
	CenterName  string // where it was collected
	Symbol      string // ký hiệu, e.g. "BL26E"
	Number      string // số, e.g. "0000012"
	Payer       string
	DossierCode string
	Content     string // nội dung thu
	Amount      string // "50.000 đồng"
	AmountWords string // "Năm mươi nghìn đồng"
	Method      string // hình thức thanh toán
	IssuedAt    time.Time
	Officer     string // người thu
	LookupCode  string // mã tra cứu
	// VerifyURL, when set, is printed with a QR code: the public page that
	// checks the receipt's electronic seal (optional).
	VerifyURL string
	Demo      bool // print that the receipt has no value for payment
}

// RenderEReceipt writes the e-receipt (A5) to w.
func (r *Renderer) RenderEReceipt(w io.Writer, e EReceipt) error {
	c, err := r.newCanvas(pageSize{a5W, a5H}, formMargins(), docInfo{Title: "Biên lai thu phí, lệ phí điện tử", Subject: e.Symbol + " " + e.Number, Created: e.IssuedAt})
	if err != nil {
		return err
	}
	center := func(st fontStyle, size float64, s string) {
		c.para(c.left(), c.width(), textStyle{Face: st, Size: size, Align: alignCenter}, s)
	}
	center(bold, formHead, e.Collector)
	center(regular, formHead, e.CenterName)
	c.y += 8
	center(bold, formTitle+1, "BIÊN LAI THU PHÍ, LỆ PHÍ (ĐIỆN TỬ)")
	if e.Demo {
		center(italic, formSmall, "(Bản thể hiện của biên lai điện tử — bản demo, không có giá trị thanh toán)")
	}
	c.runs(c.left(), c.width(), formBody, alignCenter, run{regular, "Ký hiệu: "}, run{bold, e.Symbol}, run{regular, "    Số: "}, run{bold, e.Number})
	c.y += 6
	c.field("Người nộp:", e.Payer, bold)
	c.field("Mã hồ sơ:", e.DossierCode, regular)
	c.field("Nội dung thu:", e.Content, regular)
	c.field("Số tiền:", e.Amount, bold)
	c.field("Bằng chữ:", e.AmountWords, italic)
	c.field("Hình thức thanh toán:", e.Method, regular)
	c.field("Thời điểm thu:", e.IssuedAt.In(r.loc).Format("15:04 ngày 02/01/2006"), regular)
	c.field("Mã tra cứu biên lai:", e.LookupCode, bold)
	c.y += 8
	top := c.y
	c.signatures(c.left()+c.width()/2, c.width()/2, []sigCol{{Title: "NGƯỜI THU", Hint: "(Ký điện tử)", Name: e.Officer}}, 10, 30)
	if strings.TrimSpace(e.VerifyURL) != "" {
		// The QR code of the verification page, left of the signature.
		c.qr(e.VerifyURL, c.left(), top, resQR)
		c.font(italic, 8)
		ty := top + resQR + 2
		for _, ln := range c.wrap("Xác thực: "+e.VerifyURL, c.width()/2-6) {
			c.textAt(c.left(), baseline(ty, lineHeight(8), 8), ln)
			ty += lineHeight(8)
		}
		c.y = max(c.y, ty)
	}
	return c.finish(w)
}
