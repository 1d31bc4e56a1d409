package pdf

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Timeliness is the result of a step on the control slip.
type Timeliness int

// Timeliness values.
const (
	TimelinessUnknown Timeliness = iota // not yet known: printed blank
	Early                               // trước hạn
	OnTime                              // đúng hạn
	Overdue                             // quá hạn
)

// String returns the Vietnamese wording printed on the slip.
func (t Timeliness) String() string {
	switch t {
	case Early:
		return "Trước hạn"
	case OnTime:
		return "Đúng hạn"
	case Overdue:
		return "Quá hạn"
	}
	return ""
}

// Handover is one hand-off of the dossier between units.
type Handover struct {
	From, To             string // units: "Bộ phận TN&TKQ", "Phòng Quản lý hoạt động xây dựng"
	FromPerson, ToPerson string // người giao, người nhận
	At                   time.Time
	Result               Timeliness // filled in by the receiving side
	Note                 string
}

// ControlSlip is the control slip "Phiếu kiểm soát quá trình giải quyết hồ
// sơ" (form 05 of TT01/2018, 06 of TT03/2025): one table row per hand-off.
type ControlSlip struct {
	FormMeta
	DossierCode  string
	Applicant    string // whose dossier (optional)
	Agency       string // cơ quan (bộ phận) giải quyết hồ sơ
	Coordinating string // cơ quan phối hợp giải quyết hồ sơ (optional)
	ReceivedAt   time.Time
	DueAt        time.Time
	Handovers    []Handover
}

// RenderControlSlip writes the control slip (A5 portrait) to w. Rows break
// across pages and the table header is repeated on every page.
func (r *Renderer) RenderControlSlip(w io.Writer, f ControlSlip) error {
	c, _, err := r.startForm(FormControl, f.FormMeta, f.DossierCode)
	if err != nil {
		return err
	}
	if strings.TrimSpace(f.Applicant) != "" {
		c.para(c.left(), c.width(), textStyle{Face: italic, Size: formBody, Align: alignCenter, After: 2},
			"(Kèm theo hồ sơ của: "+f.Applicant+")")
	}
	c.field("Mã hồ sơ:", f.DossierCode, bold)
	c.field("Cơ quan (bộ phận) giải quyết hồ sơ:", f.Agency, regular)
	c.field("Cơ quan phối hợp giải quyết hồ sơ:", orDots(f.Coordinating), regular)
	c.field("Thời gian nhận hồ sơ:", clockDate(f.ReceivedAt, c.loc), regular)
	c.field("Thời gian trả kết quả:", clockDate(f.DueAt, c.loc), bold)
	c.y += 4

	t := &table{c: c, x: c.left(), size: 9.5, headSize: 8.5, pad: 2.5, cols: scaleColumns([]column{
		{Title: "TÊN ĐƠN VỊ", W: 120},
		{Title: "THỜI GIAN GIAO, NHẬN HỒ SƠ", W: 118},
		{Title: "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ Đúng hạn/ Quá hạn)", W: 66, Align: alignCenter},
		{Title: "GHI CHÚ", W: 46},
	}, c.width())}
	t.begin()
	for _, h := range f.Handovers {
		t.row(
			"1. Giao: "+orDots(h.From)+"\n2. Nhận: "+orDots(h.To),
			strings.Replace(clockDate(h.At, c.loc), ", ", "\n", 1)+"\nNgười giao: "+orDots(h.FromPerson)+"\nNgười nhận: "+orDots(h.ToPerson),
			h.Result.String(),
			h.Note,
		)
	}
	if len(f.Handovers) == 0 {
		t.row("1. Giao: "+dots+"\n2. Nhận: "+dots, clockDate(time.Time{}, c.loc), "", "")
	}
	t.end()
	pageNumbers(c, formSmall)
	return c.finishForm(w, f.VerifyURL)
}

// pageNumbers prints "Trang i/n" at the bottom right of every page of a
// document of more than one page.
func pageNumbers(c *canvas, size float64) {
	n := c.page
	if n < 2 || c.err != nil {
		return
	}
	for i := 1; i <= n; i++ {
		if err := c.doc.setPage(i); err != nil {
			c.setErr(err)
			return
		}
		c.font(italic, size)
		c.textAligned(c.left(), c.width(), c.bottom()+2, lineHeight(size), alignRight, fmt.Sprintf("Trang %d/%d", i, n))
	}
}
