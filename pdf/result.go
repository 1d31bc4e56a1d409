package pdf

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// ResultDoc is a result of an administrative procedure (licence,
// certificate, decision, extract…) laid out as an administrative document of
// Decree 30/2020/NĐ-CP, Phụ lục I, on A4.
type ResultDoc struct {
	ParentAgency string // governing body, printed upper case: "UBND TỈNH BẮC NINH"
	Agency       string // issuing agency, printed upper case bold: "SỞ XÂY DỰNG"
	Number       string // number and symbol after "Số:", e.g. DocNumber(5, "QĐ-UBND"); empty prints dots
	// Symbol, with Number empty, renders the document for signature
	// before issue: the number (with this symbol) and the date are left
	// blank and their places returned in the Layout, to be filled in at
	// issue (NĐ 30/2020 Điều 15.3).
	Symbol     string
	Place      string    // "Bắc Ninh"
	Date       time.Time // date of issue (also the PDF creation date); zero prints dots
	Title      string    // "GIẤY PHÉP XÂY DỰNG"; empty: the generic result title
	Subtitle   string    // trích yếu (optional), e.g. "Về việc cấp giấy phép xây dựng"
	Body       []string  // paragraphs of the approved draft; "\n" inside one breaks the line
	Recipients []string  // "Nơi nhận" items, e.g. "Như trên;", "Lưu: VT."
	Signer     Signer
	VerifyURL  string // encoded in a small QR code at the bottom left of the last page (optional)
	Demo       bool   // print "DEMO — không có giá trị pháp lý" on every page
}

// Rect is a rectangle in PDF user space: points, origin at the bottom-left
// corner of the page, as a signature widget's /Rect [LLX LLY URX URY] (and
// pdfsign's Appearance LowerLeftX … UpperRightY) wants it.
type Rect struct {
	LLX, LLY, URX, URY float64
}

// Width is URX − LLX.
func (r Rect) Width() float64 { return r.URX - r.LLX }

// Height is URY − LLY.
func (r Rect) Height() float64 { return r.URY - r.LLY }

// Layout tells the signing step where the signature appearances go, and
// the issuing step where the number and the date go.
type Layout struct {
	Page int // 1-based page holding the signature block
	// Blank is the space left for the signatures between the signer's
	// position and name; Signer is where the signature image goes in it
	// (all of it until FitSignature narrows it to the image).
	Blank  Rect
	Signer Rect
	// Seal is the organisation's seal at its real size (as tall as Blank),
	// overlapping the left third of the signature image (Decree 30/2020,
	// Phụ lục I): its right edge is a third of the way across Signer.
	Seal Rect
	// Text holds the lines of the signature block (capacity, position,
	// name): no signature or seal may cover them.
	Text []Rect
	// Number and Date are the blank places, on page 1, of the number and
	// the place-and-date line of a document rendered with a Symbol; Size
	// is their type size and Place the place printed before the date.
	Number, Date Rect    `json:",omitzero"`
	Size         float64 `json:",omitempty"`
	Place        string  `json:",omitempty"`
}

// sealOver returns the seal's rectangle for the signature image in signer
// within the blank band: as tall as the band, its right edge a third of
// the way across the image.
func sealOver(signer, blank Rect) Rect {
	side := blank.Height()
	right := signer.LLX + signer.Width()/3
	return Rect{LLX: right - side, URX: right, LLY: blank.LLY, URY: blank.URY}
}

// FitSignature narrows the signer's area to a signature image whose width
// is aspect times its height, as large as the blank band allows and
// centred in it, and puts the seal over the image's left third.
func (l Layout) FitSignature(aspect float64) Layout {
	if aspect <= 0 || l.Blank.Width() <= 0 {
		return l
	}
	b := l.Blank
	h := b.Height()
	w := h * aspect
	if w > b.Width() {
		w, h = b.Width(), b.Width()/aspect
	}
	cx, cy := (b.LLX+b.URX)/2, (b.LLY+b.URY)/2
	l.Signer = Rect{LLX: cx - w/2, URX: cx + w/2, LLY: cy - h/2, URY: cy + h/2}
	l.Seal = sealOver(l.Signer, b)
	return l
}

// NumberText is the text that fills the number's place: "05/QĐ-UBND".
func NumberText(number string) string { return nfc(strings.TrimSpace(number)) }

// DateText is the place-and-date line that fills the date's place:
// "Bắc Ninh, ngày 16 tháng 12 năm 2026" (Asia/Ho_Chi_Minh).
func DateText(place string, t time.Time) string { return placeDate(place, t, vietnamLocation()) }

// Result document geometry and type sizes (Decree 30/2020, Phụ lục I:
// margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm; text 13–14 pt).
const (
	resBody     = 14.0
	resHead     = 13.0
	resMotto2   = 14.0
	resTitle    = 14.0
	resSignSize = 14.0
	resSigBlank = 32 * ptPerMM // room for the signature image
	resSigW     = 60 * ptPerMM // width of the signature area
	resQR       = 20 * ptPerMM
)

// GenericResultTitle is the title of a result with no specific template.
const GenericResultTitle = "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"

// RenderResult writes the result document (A4) to w and returns where its
// signature and seal go. The body is justified with a first-line indent and
// flows over as many pages as needed; the recipients and signature block are
// kept together on one page, followed on that page by the verification QR
// code at the bottom left.
func (r *Renderer) RenderResult(w io.Writer, d ResultDoc) (Layout, error) {
	title := strings.TrimSpace(d.Title)
	if title == "" {
		title = GenericResultTitle
	}
	m := margins{Top: 20 * ptPerMM, Right: 15 * ptPerMM, Bottom: 20 * ptPerMM, Left: 30 * ptPerMM}
	c, err := r.newCanvas(pageSize{a4W, a4H}, m, docInfo{Title: title, Subject: d.Number, Created: d.Date})
	if err != nil {
		return Layout{}, err
	}
	number := strings.TrimSpace(d.Number)
	slots := number == "" && strings.TrimSpace(d.Symbol) != ""
	if number == "" {
		number = "……/……"
	}
	c.officialHeader(headerLayout{LeftW: c.width() * 0.4, Size: resHead, Motto2: resMotto2, DateSize: resHead, Gap: 5,
		Slots: slots, Symbol: nfc(strings.TrimSpace(d.Symbol))}, d.ParentAgency, d.Agency, number, d.Place, d.Date)
	c.y += 16

	// Title and trích yếu, centred, bold.
	c.font(bold, resTitle)
	for _, ln := range c.balanced(strings.ToUpper(nfc(title)), c.width()*0.85) {
		c.need(lineHeight(resTitle))
		c.textAligned(c.left(), c.width(), c.y, lineHeight(resTitle), alignCenter, ln)
		c.y += lineHeight(resTitle)
	}
	if s := strings.TrimSpace(d.Subtitle); s != "" {
		c.font(bold, resTitle)
		widest := 0.0
		for _, ln := range c.balanced(nfc(s), c.width()*0.8) {
			c.need(lineHeight(resTitle))
			c.textAligned(c.left(), c.width(), c.y, lineHeight(resTitle), alignCenter, ln)
			widest = max(widest, c.measure(ln))
			c.y += lineHeight(resTitle)
		}
		rule := widest * 0.4
		c.line(c.left()+(c.width()-rule)/2, c.y+2, c.left()+(c.width()+rule)/2, c.y+2, 0.6)
		c.y += 4
	}
	c.y += 12

	// Body.
	body := textStyle{Face: regular, Size: resBody, LH: resBody * 1.25, Align: alignJustify, Indent: 12.7 * ptPerMM, After: 6}
	for _, p := range d.Body {
		c.para(c.left(), c.width(), body, p)
	}
	c.y += 10

	lay := c.closing(d)
	if c.slots != nil {
		lay.Number, lay.Date, lay.Size, lay.Place = c.slots.number, c.slots.date, c.slots.size, strings.TrimSpace(d.Place)
	}
	footer(c, d.Demo)
	if err := c.finish(w); err != nil {
		return Layout{}, err
	}
	return lay, nil
}

// closing draws the recipients (left), the signature block (right) and the
// QR code, keeping them on one page, and returns the signature layout.
func (c *canvas) closing(d ResultDoc) Layout {
	leftW := c.width() * 0.45
	rx, rw := c.left()+leftW, c.width()-leftW

	// Recipients: "Nơi nhận:" 12 pt bold italic, items 11 pt with a hanging dash.
	recips := textStyle{Face: regular, Size: 11, LH: 13.2, Hang: c.measureIn(regular, 11, "- ")}
	leftH := 0.0
	items := make([][]wline, len(d.Recipients))
	if len(d.Recipients) > 0 {
		leftH = lineHeight(12)
		for i, it := range d.Recipients {
			items[i] = c.layout(leftW-6, recips, "- "+strings.TrimSpace(it))
			leftH += float64(len(items[i]))*recips.lh() + recips.After
		}
	}
	// Signature block.
	sl := lineHeight(resSignSize)
	capLines := c.wrapIn(bold, resSignSize, strings.ToUpper(nfc(d.Signer.Capacity)), rw)
	posLines := c.wrapIn(bold, resSignSize, strings.ToUpper(nfc(d.Signer.Position)), rw)
	rightH := float64(len(capLines)+len(posLines))*sl + resSigBlank + sl
	qrBand := 0.0
	if strings.TrimSpace(d.VerifyURL) != "" {
		qrBand = resQR + 8
	}
	c.need(max(leftH, rightH) + qrBand)
	top := c.y

	// Left column.
	if len(d.Recipients) > 0 {
		c.font(boldItalic, 12)
		c.textAt(c.left(), baseline(c.y, lineHeight(12), 12), "Nơi nhận:")
		c.y += lineHeight(12)
		for _, lines := range items {
			c.drawLines(c.left(), leftW-6, recips, lines)
		}
	}

	// Right column.
	y := top
	var text []Rect
	line := func(ln string) {
		w := c.measure(ln)
		x := rx + (rw-w)/2
		c.textAt(x, baseline(y, sl, resSignSize), ln)
		text = append(text, Rect{LLX: x, URX: x + w, URY: c.size.H - y, LLY: c.size.H - y - sl})
		y += sl
	}
	c.font(bold, resSignSize)
	for _, ln := range append(capLines, posLines...) {
		line(ln)
	}
	blankTop := y
	y += resSigBlank
	c.font(bold, resSignSize)
	line(d.Signer.Name)
	c.y = max(c.y, y)

	// Verification QR code at the bottom left of this (the last) page,
	// the address beside it on as few lines as it takes, broken only
	// after a "/" (a break after "-" reads as a hyphenated word).
	if strings.TrimSpace(d.VerifyURL) != "" {
		qy := c.bottom() - resQR
		c.qr(d.VerifyURL, c.left(), qy, resQR)
		tx := c.left() + resQR + 4
		tw := c.width() - resQR - 4
		c.font(italic, 9)
		ty := qy + 4
		for _, ln := range append([]string{"Tra cứu, xác thực:"}, c.urlLines(d.VerifyURL, tw)...) {
			c.textAt(tx, baseline(ty, lineHeight(9), 9), ln)
			ty += lineHeight(9)
		}
	}

	// Signature areas in PDF user space (origin bottom left).
	sx := rx + (rw-resSigW)/2
	blank := Rect{LLX: sx, URX: sx + resSigW, URY: c.size.H - blankTop, LLY: c.size.H - blankTop - resSigBlank}
	return Layout{Page: c.page, Blank: blank, Signer: blank, Seal: sealOver(blank, blank), Text: text}
}

// urlLines breaks an address into lines of width w only after "/" (or,
// for a segment wider than a line, anywhere).
func (c *canvas) urlLines(u string, w float64) []string {
	var lines []string
	cur := ""
	for _, seg := range strings.SplitAfter(u, "/") {
		if cur != "" && c.measure(cur+seg) > w {
			lines = append(lines, cur)
			cur = ""
		}
		cur += seg
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// footer numbers the pages from the second one, centred in the top margin
// (Decree 30/2020), and prints the demo notice at the foot of every page.
func footer(c *canvas, demo bool) {
	n := c.page
	if c.err != nil || (n < 2 && !demo) {
		return
	}
	for i := 1; i <= n; i++ {
		if err := c.doc.setPage(i); err != nil {
			c.setErr(err)
			return
		}
		if i > 1 {
			c.font(regular, 13)
			c.textAligned(c.left(), c.width(), c.m.Top-26, lineHeight(13), alignCenter, fmt.Sprint(i))
		}
		if demo {
			c.rgb(200, 0, 0)
			c.font(bold, 11)
			c.textAligned(c.left(), c.width(), c.bottom()+14, lineHeight(11), alignCenter, "DEMO — không có giá trị pháp lý")
			c.rgb(0, 0, 0)
		}
	}
}
