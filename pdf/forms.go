package pdf

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// FormSet is the rule set whose form numbers, titles and wording a form is
// printed with. A dossier keeps the set that applied when it was received.
type FormSet string

// Form sets.
const (
	FormSetTT01_2018 FormSet = "TT01/2018" // Circular 01/2018/TT-VPCP (forms 01–06)
	FormSetTT03_2025 FormSet = "TT03/2025" // Circular 03/2025/TT-VPCP (forms 01–07); the default
)

// DefaultFormSet is the set used when a form's Set is empty.
const DefaultFormSet = FormSetTT03_2025

// FormKind identifies a one-stop form independently of its number, which
// differs between sets.
type FormKind int

// Form kinds.
const (
	FormReceipt  FormKind = iota + 1 // Giấy tiếp nhận hồ sơ và hẹn trả kết quả
	FormGuidance                     // Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
	FormRefusal                      // Phiếu từ chối tiếp nhận giải quyết hồ sơ
	FormApology                      // Phiếu xin lỗi …
	FormStop                         // Thông báo dừng giải quyết hồ sơ (TT03/2025 only)
	FormControl                      // Phiếu kiểm soát quá trình giải quyết hồ sơ
	FormLedger                       // Sổ theo dõi hồ sơ
)

// FormSpec is how one form is printed in one set.
type FormSpec struct {
	Number   int    // "Mẫu số 0X"
	Title    string // upper-case title
	Symbol   string // symbol used in the placeholder "Số: ……/PBS-……" when no number is given
	Circular string // "01/2018/TT-VPCP"
}

// Label is the form label printed in the top-right corner, e.g. "Mẫu số 01".
func (f FormSpec) Label() string { return fmt.Sprintf("Mẫu số %02d", f.Number) }

// Basis is the legal basis printed under the label.
func (f FormSpec) Basis() string {
	return "(Ban hành kèm theo Thông tư số " + f.Circular + ")"
}

// setSpec is everything that differs between form sets. Adding a set means
// adding a case to specOf; no other code branches on the set.
type setSpec struct {
	circular string
	forms    map[FormKind]FormSpec
	// apologyAction is the phrase of form 04 before the new date.
	apologyAction string
	// ledgerSign adds the "Ký nhận" column to the ledger.
	ledgerSign bool
}

// specOf returns the table of set s ("" = DefaultFormSet).
func specOf(s FormSet) (setSpec, error) {
	if s == "" {
		s = DefaultFormSet
	}
	common := func(circular string, nums map[FormKind]int, apologyTitle string) map[FormKind]FormSpec {
		titles := map[FormKind]string{
			FormReceipt:  "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
			FormGuidance: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
			FormRefusal:  "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
			FormApology:  apologyTitle,
			FormStop:     "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
			FormControl:  "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
			FormLedger:   "SỔ THEO DÕI HỒ SƠ",
		}
		symbols := map[FormKind]string{
			FormGuidance: "PBS",
			FormRefusal:  "PTC",
			FormApology:  "PXL",
			FormControl:  "PKS",
			FormLedger:   "STD",
		}
		out := make(map[FormKind]FormSpec, len(nums))
		for k, n := range nums {
			out[k] = FormSpec{Number: n, Title: titles[k], Symbol: symbols[k], Circular: circular}
		}
		return out
	}
	switch s {
	case FormSetTT01_2018:
		return setSpec{
			circular: "01/2018/TT-VPCP",
			forms: common("01/2018/TT-VPCP", map[FormKind]int{
				FormReceipt: 1, FormGuidance: 2, FormRefusal: 3, FormApology: 4, FormControl: 5, FormLedger: 6,
			}, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
			apologyAction: "hẹn lại thời gian trả kết quả giải quyết hồ sơ vào",
		}, nil
	case FormSetTT03_2025:
		return setSpec{
			circular: "03/2025/TT-VPCP",
			forms: common("03/2025/TT-VPCP", map[FormKind]int{
				FormReceipt: 1, FormGuidance: 2, FormRefusal: 3, FormApology: 4, FormStop: 5, FormControl: 6, FormLedger: 7,
			}, "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"),
			apologyAction: "đề nghị gia hạn thời gian giải quyết hồ sơ đến",
			ledgerSign:    true,
		}, nil
	}
	return setSpec{}, fmt.Errorf("pdf: unknown form set %q", string(s))
}

// Spec returns how form k is printed in set s ("" = DefaultFormSet). It
// fails for an unknown set or a form the set does not have (FormStop in
// TT01/2018).
func (s FormSet) Spec(k FormKind) (FormSpec, error) {
	sp, err := specOf(s)
	if err != nil {
		return FormSpec{}, err
	}
	f, ok := sp.forms[k]
	if !ok {
		name := s
		if name == "" {
			name = DefaultFormSet
		}
		return FormSpec{}, fmt.Errorf("pdf: form set %s has no form of kind %d", name, int(k))
	}
	return f, nil
}

// Header is the issuing block of a form: the parent agency and the unit that
// issues it (top left) and the place printed before the date.
type Header struct {
	ParentAgency string // "UBND TỈNH BẮC NINH"
	Unit         string // "TRUNG TÂM HÀNH CHÍNH CÔNG"
	Place        string // "Bắc Ninh"
}

// FormMeta is what every one-stop form shares.
type FormMeta struct {
	Set    FormSet   // "" = DefaultFormSet
	Header Header    // issuing block
	Number string    // number and symbol after "Số:", e.g. "125/PBS-TTHCC"; empty prints a dotted placeholder
	Date   time.Time // date of the place-and-date line (also the PDF creation date); zero prints dots
	// VerifyURL, when set, is printed at the foot of the form: the form is
	// digitally signed and can be verified there.
	VerifyURL string
}

// finishForm ends a form: the verification footer when the form has a
// verification address, then the document is written to w.
func (c *canvas) finishForm(w io.Writer, verifyURL string) error {
	c.verifyFooter(verifyURL)
	return c.finish(w)
}

// verifyFooter prints where a signed form can be verified, under what is
// already drawn, broken only after "/".
func (c *canvas) verifyFooter(url string) {
	if strings.TrimSpace(url) == "" {
		return
	}
	c.y += 6
	lh := lineHeight(8)
	lines := append([]string{"Văn bản điện tử đã được ký số. Xác thực tại:"}, c.urlLines(url, c.width())...)
	c.need(float64(len(lines)) * lh)
	c.font(italic, 8)
	for i, ln := range lines {
		if i == 1 {
			c.font(regular, 8)
		}
		c.textAt(c.left(), baseline(c.y, lh, 8), ln)
		c.y += lh
	}
}

// Person is an applicant (citizen or organisation) as printed on the forms.
type Person struct {
	Honorific string // "Ông", "Bà"; empty for an organisation ("Ông/Bà" is printed where needed)
	Name      string
	IDNumber  string // số định danh cá nhân (CCCD) or the organisation's tax/enterprise code
	Address   string
	Phone     string
	Email     string
}

// addressee is how the person is addressed in running text.
func (p Person) addressee() string {
	if p.Honorific != "" {
		return p.Honorific
	}
	return "Ông/Bà"
}

// Signer is the signature block of a document: capacity, position, name
// (Decree 30/2020, Phụ lục I).
type Signer struct {
	Capacity string // "KT. GIÁM ĐỐC", "TL. GIÁM ĐỐC", "TUQ. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN"; empty when signing in one's own right
	Position string // "PHÓ GIÁM ĐỐC"
	Name     string // full name
}

// formMargins are the margins of the A5 forms.
func formMargins() margins {
	return margins{Top: 10 * ptPerMM, Right: 10 * ptPerMM, Bottom: 10 * ptPerMM, Left: 15 * ptPerMM}
}

// Form type sizes.
const (
	formBody   = 11.0
	formSmall  = 9.0
	formHead   = 10.0
	formMotto2 = 11.0
	formTitle  = 12.0
)

// bodyStyle is the running text of a form.
func bodyStyle() textStyle { return textStyle{Face: regular, Size: formBody, After: 1.5} }

// headerLayout sizes the agency/motto block.
type headerLayout struct {
	LeftW    float64 // width of the agency column
	Size     float64 // agency lines and the first motto line
	Motto2   float64 // "Độc lập - Tự do - Hạnh phúc"
	DateSize float64 // "Số:" and the place-and-date line
	Gap      float64 // space between the blocks and the "Số:" line
	// Slots leaves the number (after "Số:") and the place-and-date line
	// blank for issue; Symbol is the symbol the number will carry.
	Slots  bool
	Symbol string
}

// officialHeader draws the two-column block of Decree 30/2020: the issuing
// agency (parent upper case, agency upper case bold, short rule) on the
// left, the national motto on the right, then "Số: …" under the agency and
// the italic place and date under the motto on one line.
func (c *canvas) officialHeader(hl headerLayout, parent, unit, number, place string, date time.Time) {
	x0, top := c.left(), c.y
	lw := hl.LeftW
	rx, rw := x0+lw+4, c.width()-lw-4
	lh := lineHeight(hl.Size)

	// Left: parent agency and issuing unit.
	y := top
	if p := strings.TrimSpace(parent); p != "" {
		c.font(regular, hl.Size)
		for _, ln := range c.balanced(strings.ToUpper(nfc(p)), lw) {
			c.textAligned(x0, lw, y, lh, alignCenter, ln)
			y += lh
		}
	}
	if u := strings.TrimSpace(unit); u != "" {
		c.font(bold, hl.Size)
		widest := 0.0
		for _, ln := range c.balanced(strings.ToUpper(nfc(u)), lw) {
			c.textAligned(x0, lw, y, lh, alignCenter, ln)
			widest = max(widest, c.measure(ln))
			y += lh
		}
		// Short rule under the agency name: about 40% of the line, centred.
		rule := widest * 0.4
		c.line(x0+(lw-rule)/2, y+1.5, x0+(lw+rule)/2, y+1.5, 0.6)
		y += 3
	}
	leftBottom := y

	// Right: national motto.
	y = top
	c.font(bold, hl.Size)
	motto1 := "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	size := hl.Size
	for c.measure(motto1) > rw && size > 7 { // shrink to fit a narrow page
		size -= 0.25
		c.font(bold, size)
	}
	c.textAligned(rx, rw, y, lh, alignCenter, motto1)
	y += lh
	c.font(bold, hl.Motto2)
	motto2 := "Độc lập - Tự do - Hạnh phúc"
	lh2 := lineHeight(hl.Motto2)
	mx := c.textAligned(rx, rw, y, lh2, alignCenter, motto2)
	ul := baseline(y, lh2, hl.Motto2) + hl.Motto2*0.2
	c.line(mx, ul, mx+c.measure(motto2), ul, 0.6)
	y += lh2 + 3
	rightBottom := y

	// "Số:" and the place-and-date line share a baseline.
	y = max(leftBottom, rightBottom) + hl.Gap
	dlh := lineHeight(hl.DateSize)
	c.font(regular, hl.DateSize)
	if hl.Slots {
		// The number and the date of issue are given at issue (NĐ 30/2020
		// Điều 15.3): "Số:" stands where a number of up to three digits
		// and the symbol would be centred, and both places stay blank.
		sx := x0 + (lw-c.measure("Số: 000/"+hl.Symbol))/2
		c.textAt(sx, baseline(y, dlh, hl.DateSize), "Số:")
		nx := sx + c.measure("Số: ")
		c.slots = &headerSlots{number: Rect{LLX: nx, URX: x0 + lw, URY: c.size.H - y, LLY: c.size.H - y - dlh},
			date: Rect{LLX: rx, URX: rx + rw, URY: c.size.H - y, LLY: c.size.H - y - dlh}, size: hl.DateSize}
		c.y = y + dlh
		return
	}
	c.textAligned(x0, lw, y, dlh, alignCenter, "Số: "+number)
	c.font(italic, hl.DateSize)
	dl := placeDate(place, date, c.loc)
	for _, ln := range c.wrap(dl, rw) {
		c.textAligned(rx, rw, y, dlh, alignCenter, ln)
		y += dlh
	}
	c.y = y
}

// headerSlots are the blank places of the number and the date of a
// document rendered before issue, in PDF user space (origin bottom left).
type headerSlots struct {
	number, date Rect
	size         float64
}

// formNumber is the text after "Số: " on a form.
func formNumber(number string, f FormSpec) string {
	if n := strings.TrimSpace(number); n != "" {
		return n
	}
	if f.Symbol != "" {
		return "……/" + f.Symbol + "-……"
	}
	return "……/……"
}

// startForm opens an A5 form of kind k: form label and legal basis, the
// official header and the title.
func (r *Renderer) startForm(k FormKind, meta FormMeta, subject string) (*canvas, setSpec, error) {
	c, f, sp, err := r.newFormCanvas(meta.Set, k, pageSize{a5W, a5H}, formMargins(), subject, meta.Date)
	if err != nil {
		return nil, sp, err
	}
	leftW := c.width() * 0.38
	c.officialHeader(headerLayout{LeftW: leftW, Size: formHead, Motto2: formMotto2, DateSize: 10.5, Gap: 3},
		meta.Header.ParentAgency, meta.Header.Unit, formNumber(meta.Number, f), meta.Header.Place, meta.Date)
	c.y += 8
	c.para(c.left(), c.width(), textStyle{Face: bold, Size: formTitle, Align: alignCenter}, f.Title)
	c.y += 2
	return c, sp, nil
}

// newFormCanvas opens a page of the size and margins m for form k of set,
// the document titled after the form, and prints the form's label and
// legal basis.
func (r *Renderer) newFormCanvas(set FormSet, k FormKind, size pageSize, m margins, subject string, date time.Time) (*canvas, FormSpec, setSpec, error) {
	sp, err := specOf(set)
	if err != nil {
		return nil, FormSpec{}, setSpec{}, err
	}
	f, err := set.Spec(k)
	if err != nil {
		return nil, FormSpec{}, setSpec{}, err
	}
	c, err := r.newCanvas(size, m, docInfo{Title: f.Title, Subject: subject, Created: date})
	if err != nil {
		return nil, FormSpec{}, setSpec{}, err
	}
	c.formLabel(f)
	return c, f, sp, nil
}

// formLabel prints "Mẫu số 0X" and the legal basis in the top-right corner
// and moves the cursor below them.
func (c *canvas) formLabel(f FormSpec) {
	c.font(bold, formSmall)
	lh := lineHeight(formSmall)
	c.textAligned(c.left(), c.width(), c.y, lh, alignRight, f.Label())
	c.y += lh
	c.font(italic, 8)
	c.textAligned(c.left(), c.width(), c.y, lineHeight(8), alignRight, f.Basis())
	c.y += lineHeight(8) + 4
}

// receptionFields writes the lines that open forms 01 and 03: the
// receiving unit (unit, or the header's unit when empty), then the
// applicant (name after nameLabel), identifier, address, phone and
// e-mail. It returns the unit written.
func (c *canvas) receptionFields(meta FormMeta, unit, nameLabel string, a Person) string {
	if strings.TrimSpace(unit) == "" {
		unit = meta.Header.Unit
	}
	c.field("Đơn vị tiếp nhận:", unit, regular)
	c.field(nameLabel, a.Name, bold)
	c.field("Số định danh cá nhân/tổ chức:", a.IDNumber, regular)
	c.field("Địa chỉ:", a.Address, regular)
	c.fieldPair("Số điện thoại:", a.Phone, "Email:", a.Email)
	return unit
}

// field draws "label value" as one paragraph: on one line when it fits, the
// value in face; otherwise wrapped in the body face with a hanging indent.
func (c *canvas) field(label, value string, face fontStyle) {
	c.fieldAt(c.left(), c.width(), label, value, face)
}

func (c *canvas) fieldAt(x, w float64, label, value string, face fontStyle) {
	value = orDots(value)
	lh := bodyStyle().lh()
	lw := c.measureIn(regular, formBody, label+" ")
	c.font(face, formBody)
	lines := c.wrapLines(value, w-lw, w)
	for i, ln := range lines {
		c.need(lh)
		base := baseline(c.y, lh, formBody)
		tx := x
		if i == 0 {
			c.font(regular, formBody)
			c.textAt(x, base, label+" ")
			tx += lw
		}
		c.font(face, formBody)
		c.textAt(tx, base, ln.text)
		c.y += lh
	}
	c.y += bodyStyle().After
}

// fieldPair draws two short fields on one line ("Số điện thoại: …  Email: …")
// or on two lines when they do not fit side by side.
func (c *canvas) fieldPair(l1, v1, l2, v2 string) {
	half := c.width() * 0.5
	a := c.measureIn(regular, formBody, l1+" "+orDots(v1))
	b := c.measureIn(regular, formBody, l2+" "+orDots(v2))
	if a <= half-6 && b <= half {
		top := c.y
		c.fieldAt(c.left(), half, l1, v1, regular)
		c.y = top
		c.fieldAt(c.left()+half, half, l2, v2, regular)
		return
	}
	c.field(l1, v1, regular)
	c.field(l2, v2, regular)
}

// sigCol is one signature column: title, hint, blank space, name.
type sigCol struct {
	Capacity string // optional line above the title (KT. …)
	Title    string
	Hint     string // "(Ký và ghi rõ họ tên)"
	Name     string
}

// signaturesHeight is the height signatures will take.
func (c *canvas) signaturesHeight(w float64, cols []sigCol, size, blank float64) float64 {
	lh := lineHeight(size)
	colW := w / float64(len(cols))
	h := 0.0
	for _, col := range cols {
		n := 0
		if col.Capacity != "" {
			n += len(c.wrapIn(bold, size, col.Capacity, colW))
		}
		n += len(c.wrapIn(bold, size, col.Title, colW))
		ch := float64(n) * lh
		if col.Hint != "" {
			ch += lineHeight(size - 1)
		}
		ch += blank + lh
		h = max(h, ch)
	}
	return h
}

// signatures draws the columns side by side in [x, x+w] at the cursor,
// leaving blank points for the handwritten signature; the block is never
// split across pages.
func (c *canvas) signatures(x, w float64, cols []sigCol, size, blank float64) {
	lh := lineHeight(size)
	colW := w / float64(len(cols))
	h := c.signaturesHeight(w, cols, size, blank)
	c.need(h)
	top := c.y
	for i, col := range cols {
		cx := x + float64(i)*colW
		y := top
		c.font(bold, size)
		for _, s := range []string{col.Capacity, col.Title} {
			if s == "" {
				continue
			}
			for _, ln := range c.balanced(nfc(s), colW) {
				c.textAligned(cx, colW, y, lh, alignCenter, ln)
				y += lh
			}
		}
		if col.Hint != "" {
			c.font(italic, size-1)
			c.textAligned(cx, colW, y, lineHeight(size-1), alignCenter, col.Hint)
			y += lineHeight(size - 1)
		}
		y += blank
		if col.Name != "" {
			c.font(bold, size)
			c.textAligned(cx, colW, y, lh, alignCenter, col.Name)
		}
	}
	c.y = top + h
}

// wrapIn wraps s in face st at size.
func (c *canvas) wrapIn(st fontStyle, size float64, s string, w float64) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	c.font(st, size)
	return c.wrap(s, w)
}

// numbered draws a numbered list with hanging indents.
func (c *canvas) numbered(items []string) {
	if len(items) == 0 {
		c.para(c.left(), c.width(), bodyStyle(), dots)
		return
	}
	hang := c.measureIn(regular, formBody, fmt.Sprintf("%d. ", len(items)))
	for i, it := range items {
		c.para(c.left(), c.width(), textStyle{Face: regular, Size: formBody, After: 1.5, Hang: hang},
			fmt.Sprintf("%d. %s", i+1, it))
	}
}
