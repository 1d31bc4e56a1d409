package pdf

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf16"
)

// document is a PDF being written: pages of content streams that draw text
// in the embedded faces, lines and filled rectangles. It writes the small
// subset of PDF 1.7 our forms need, with a classic cross-reference table
// (signers append incremental updates to it). Coordinates given to its
// methods are points from the top-left corner of the page.
//
// Text is encoded as two-byte glyph IDs of the face (Identity-H,
// CIDToGIDMap /Identity); each face's font subset is chosen when the
// document is written, from the glyphs it used.
type document struct {
	faces *[4]*face
	z     *zpool
	w, h  float64
	pages []*bytes.Buffer
	cur   *bytes.Buffer
	info  docInfo
	tz    *time.Location

	used  [4]bool
	extra [4]map[uint16]rune // glyphs outside the repertoire, per face
	num   []byte             // scratch for numbers
}

func newDocument(faces *[4]*face, z *zpool, w, h float64, info docInfo, tz *time.Location) *document {
	return &document{faces: faces, z: z, w: w, h: h, info: info, tz: tz}
}

// addPage appends a page and makes it current.
func (d *document) addPage() {
	b := &bytes.Buffer{}
	b.Grow(4096)
	d.pages = append(d.pages, b)
	d.cur = b
}

// setPage makes page i (1-based) current; drawing appends to its content.
func (d *document) setPage(i int) error {
	if i < 1 || i > len(d.pages) {
		return fmt.Errorf("pdf: no page %d", i)
	}
	d.cur = d.pages[i-1]
	return nil
}

// n writes a number and a space to the current page.
func (d *document) n(v float64) {
	d.num = appendNum(d.num[:0], v)
	d.cur.Write(d.num)
	d.cur.WriteByte(' ')
}

// measure returns the width of s in face st at size, in points: the sum of
// the glyph advances in 1/1000 em, as in the /W array.
func (d *document) measure(st fontStyle, size float64, s string) float64 {
	fc := d.faces[st]
	total := 0
	for _, r := range s {
		total += int(fc.glyph(r).w)
	}
	return float64(total) * size / 1000
}

// text draws s in face st at size with its baseline starting at (x, y).
func (d *document) text(st fontStyle, size, x, y float64, s string) {
	fc := d.faces[st]
	d.used[st] = true
	b := d.cur
	b.WriteString("BT /F")
	b.WriteByte('0' + byte(st))
	b.WriteByte(' ')
	d.n(size)
	b.WriteString("Tf ")
	d.n(x)
	d.n(d.h - y)
	b.WriteString("Td (")
	for _, r := range s {
		gi := fc.glyph(r)
		g := gi.gid
		if gi.ok {
			if _, ok := fc.base[g]; !ok {
				if d.extra[st] == nil {
					d.extra[st] = map[uint16]rune{}
				}
				if _, seen := d.extra[st][g]; !seen {
					d.extra[st][g] = r
				}
			}
		}
		writeStringByte(b, byte(g>>8))
		writeStringByte(b, byte(g))
	}
	b.WriteString(") Tj ET\n")
}

// writeStringByte writes one byte of a PDF literal string, escaped.
func writeStringByte(b *bytes.Buffer, c byte) {
	switch c {
	case '(', ')', '\\':
		b.WriteByte('\\')
		b.WriteByte(c)
	case '\r':
		b.WriteString(`\r`)
	default:
		b.WriteByte(c)
	}
}

// color sets the stroke and fill (and so text) colour.
func (d *document) color(r, g, b uint8) {
	for _, op := range []string{"rg\n", "RG\n"} {
		d.n(float64(r) / 255)
		d.n(float64(g) / 255)
		d.n(float64(b) / 255)
		d.cur.WriteString(op)
	}
}

// line strokes a line of the given width.
func (d *document) line(x1, y1, x2, y2, width float64) {
	d.n(width)
	d.cur.WriteString("w ")
	d.n(x1)
	d.n(d.h - y1)
	d.cur.WriteString("m ")
	d.n(x2)
	d.n(d.h - y2)
	d.cur.WriteString("l S\n")
}

// fillGrid fills rectangles {column, row, width, height}
// given in whole cells of size×size points, row 0 at the top, the grid's
// top-left corner at (x, y): a transformation to the grid's cells and
// small integers instead of four reals per rectangle (a QR code is
// hundreds of them: shorter to format, to write and to compress). Each
// rectangle is filled on its own: renderers snap a filled rectangle to
// the pixel grid, which keeps the modules sharp in a coarse scan.
func (d *document) fillGrid(x, y, size float64, rects [][4]int) {
	d.cur.WriteString("q ")
	d.n(size)
	d.cur.WriteString("0 0 ")
	d.n(-size)
	d.n(x)
	d.n(d.h - y)
	d.cur.WriteString("cm\n")
	for _, r := range rects {
		for _, v := range r {
			d.num = strconv.AppendInt(d.num[:0], int64(v), 10)
			d.cur.Write(d.num)
			d.cur.WriteByte(' ')
		}
		d.cur.WriteString("re f\n")
	}
	d.cur.WriteString("Q\n")
}

// pdfText returns s as a PDF text string (UTF-16BE with a byte order mark,
// in hex).
func pdfText(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteByte('>')
	return b.String()
}

// pdfDate formats t as a PDF date, D:YYYYMMDDHHmmSS+07'00'.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("(D:%s%c%02d'%02d')", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// writeTo writes the whole file.
func (d *document) writeTo(w io.Writer) error {
	var out bytes.Buffer
	offsets := []int{0}
	obj := func() int { // starts the next object, returns its number
		offsets = append(offsets, out.Len())
		n := len(offsets) - 1
		fmt.Fprintf(&out, "%d 0 obj\n", n)
		return n
	}
	end := func() { out.WriteString("endobj\n") }
	stream := func(dict string, data []byte) {
		fmt.Fprintf(&out, "<< %s/Length %d >>\nstream\n", dict, len(data))
		out.Write(data)
		out.WriteString("\nendstream\n")
	}

	// Object numbers are fixed by the layout: 1 catalog, 2 page tree,
	// 3 resources, 4 info, then two per page, then five per used face.
	np := len(d.pages)
	first := 5 + 2*np
	var fontRefs bytes.Buffer
	var embs [4]*embedding
	k := 0
	for st := range d.faces {
		if !d.used[st] {
			continue
		}
		e, err := d.faces[st].embedding(d.extra[st])
		if err != nil {
			return err
		}
		embs[st] = e
		fmt.Fprintf(&fontRefs, "/F%d %d 0 R ", st, first+5*k)
		k++
	}

	size := 32 * 1024
	for _, p := range d.pages {
		size += p.Len() / 2
	}
	for _, e := range embs {
		if e != nil {
			size += len(e.fontFile) + len(e.toUnicode) + len(e.widths) + 512
		}
	}
	out.Grow(size)
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

	obj()
	out.WriteString("<< /Type /Catalog /Pages 2 0 R >>\n")
	end()
	obj()
	out.WriteString("<< /Type /Pages /Kids [")
	for i := range np {
		fmt.Fprintf(&out, "%d 0 R ", 5+2*i)
	}
	fmt.Fprintf(&out, "] /Count %d /MediaBox [0 0 %s %s] >>\n", np, num(d.w), num(d.h))
	end()
	obj()
	fmt.Fprintf(&out, "<< /ProcSet [/PDF /Text] /Font << %s>> >>\n", fontRefs.String())
	end()
	obj()
	out.WriteString("<< /Creator " + pdfText("motcua") + " /Producer " + pdfText("motcua"))
	if d.info.Title != "" {
		out.WriteString(" /Title " + pdfText(d.info.Title))
	}
	if d.info.Subject != "" {
		out.WriteString(" /Subject " + pdfText(d.info.Subject))
	}
	if !d.info.Created.IsZero() {
		out.WriteString(" /CreationDate " + pdfDate(d.info.Created.In(d.tz)))
	}
	out.WriteString(" >>\n")
	end()

	id := sha256.New()
	for i, p := range d.pages {
		id.Write(p.Bytes())
		obj()
		fmt.Fprintf(&out, "<< /Type /Page /Parent 2 0 R /Resources 3 0 R /Contents %d 0 R >>\n", 6+2*i)
		end()
		obj()
		stream("/Filter /FlateDecode ", d.z.deflate(p.Bytes(), pageDeflateLevel))
		end()
	}
	for st, e := range embs {
		if e == nil {
			continue
		}
		n := obj()
		fmt.Fprintf(&out, "<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>\n",
			e.baseFont, n+1, n+4)
		end()
		obj()
		fmt.Fprintf(&out, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW %d /W ",
			e.baseFont, n+2, d.faces[st].glyphWidth(0))
		out.Write(e.widths)
		out.WriteString(" /CIDToGIDMap /Identity >>\n")
		end()
		obj()
		fmt.Fprintf(&out, "<< /Type /FontDescriptor /FontName /%s ", e.baseFont)
		out.Write(e.descr)
		fmt.Fprintf(&out, " /FontFile2 %d 0 R >>\n", n+3)
		end()
		obj()
		stream(fmt.Sprintf("/Filter /FlateDecode /Length1 %d ", e.length1), e.fontFile)
		end()
		obj()
		stream("/Filter /FlateDecode ", e.toUnicode)
		end()
		id.Write([]byte(e.baseFont))
	}

	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets))
	for _, off := range offsets[1:] {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	id.Write([]byte(d.info.Title))
	sum := id.Sum(nil)[:16]
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R /ID [<%X> <%X>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(offsets), sum, sum, xref)
	_, err := w.Write(out.Bytes())
	return err
}

// pageDeflateLevel compresses page content streams. They are rendered
// for every generated document, most of them inside a use case's
// transaction (the reception receipt), and at level 6 their compression
// was about a third of a receipt's rendering; level 1 (BestSpeed) costs
// about 0.7 KB more per 47 KB receipt (the fonts, compressed once at
// level 9, are most of a document). The pages drawn are the same.
const pageDeflateLevel = 1

// appendNum appends v with at most three decimals and no trailing zeros
// ("12.5", "0", "-3.142").
func appendNum(b []byte, v float64) []byte {
	start := len(b)
	b = strconv.AppendFloat(b, v, 'f', 3, 64)
	for b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	if b[len(b)-1] == '.' {
		b = b[:len(b)-1]
	}
	if string(b[start:]) == "-0" {
		b = append(b[:start], '0')
	}
	return b
}

// num is appendNum as a string.
func num(v float64) string { return string(appendNum(nil, v)) }
