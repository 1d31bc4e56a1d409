package sign

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // decode JPEG signature images
	_ "image/png"  // decode PNG signature and seal images
	"math"
	"os"
	"strconv"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"motcua/sign/internal/pdfsign"
)

// defaultFontPaths lists TrueType fonts tried when PDFOptions.Font is nil.
// Liberation Serif is metric-compatible with Times New Roman, the font
// ND 30/2020 prescribes, and covers Vietnamese.
func defaultFontPaths() []string {
	return []string{
		"/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
		"/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
		"/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
	}
}

func loadFont(data []byte) (*sfnt.Font, error) {
	if data == nil {
		for _, p := range defaultFontPaths() {
			if b, err := os.ReadFile(p); err == nil {
				data = b
				break
			}
		}
	}
	if data == nil {
		return nil, newError(EFont, "không tìm thấy phông chữ cho hình ảnh chữ ký (cần Liberation Serif hoặc PDFOptions.Font)",
			"no font for the signature appearance (install Liberation Serif or set PDFOptions.Font)", nil)
	}
	f, err := sfnt.Parse(data)
	if err != nil {
		return nil, newError(EFont, "phông chữ không hợp lệ", "invalid font", err)
	}
	return f, nil
}

// appearance is the content of a visible signature box: an optional image
// above lines of text.
type appearance struct {
	image     []byte
	lines     []string
	font      *fontFace
	textColor [3]float64 // RGB 0..1
	maxSize   float64    // largest font size in points
	z         *deflater
	cache     *AppearanceCache // may be nil
}

// build implements pdfsign.AppearanceFunc.
func (a *appearance) build(w, h float64, add pdfsign.AddObjectFunc) ([]byte, []byte, error) {
	var res, content bytes.Buffer
	const pad = 1.0

	var text *type3Text
	textH := 0.0
	size := 0.0
	if len(a.lines) > 0 {
		var err error
		text, err = newType3Text(a.font, a.lines, a.z)
		if err != nil {
			return nil, nil, err
		}
		// Largest size that fits the width, capped, and at most ~45 % of
		// the height when there is an image (all of it otherwise).
		size = a.maxSize
		if wmax := text.maxWidth(); wmax > 0 {
			size = math.Min(size, (w-2*pad)/wmax*1000)
		}
		share := 1.0
		if len(a.image) > 0 {
			share = 0.45
		}
		lineH := 1.15
		size = math.Min(size, (h-2*pad)*share/(lineH*float64(len(a.lines))))
		if size < 2 {
			size = 2
		}
		textH = size * lineH * float64(len(a.lines))
	}

	if len(a.image) > 0 {
		imgID, iw, ih, err := addImage(a.image, add, a.z, a.cache)
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(&res, " /XObject << /Im1 %d 0 R >>", imgID)
		// Fit the image, keeping its aspect ratio, above the text.
		boxW, boxH := w-2*pad, h-2*pad-textH
		if boxH > 0 && boxW > 0 {
			scale := math.Min(boxW/float64(iw), boxH/float64(ih))
			dw, dh := float64(iw)*scale, float64(ih)*scale
			x := (w - dw) / 2
			y := pad + textH + (boxH-dh)/2
			fmt.Fprintf(&content, "q %s 0 0 %s %s %s cm /Im1 Do Q\n", num(dw), num(dh), num(x), num(y))
		}
	}

	if text != nil {
		fontID, err := text.addFont(add, a.z)
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(&res, " /Font << /F1 %d 0 R >>", fontID)
		lineH := size * 1.15
		// Centre the block vertically when there is no image.
		top := pad + textH
		if len(a.image) == 0 {
			top = (h + textH) / 2
		}
		fmt.Fprintf(&content, "q BT %s %s %s rg /F1 %s Tf\n", num(a.textColor[0]), num(a.textColor[1]), num(a.textColor[2]), num(size))
		for i, line := range text.lines {
			lw := text.widths[i] * size / 1000
			x := math.Max(pad, (w-lw)/2)
			y := top - float64(i+1)*lineH + size*0.25
			fmt.Fprintf(&content, "1 0 0 1 %s %s Tm <%X> Tj\n", num(x), num(y), line)
		}
		content.WriteString("ET Q\n")
	}
	return res.Bytes(), content.Bytes(), nil
}

// compress implements pdfsign.Request.Deflate.
func (a *appearance) compress(data []byte) []byte { return a.z.deflate(data) }

// type3Text holds lines of text encoded for a Type 3 font whose glyphs
// are the outlines of a TrueType font. Glyph outlines are drawn as paths,
// so the appearance renders the same everywhere without embedding a
// TrueType program, and a ToUnicode map keeps the text extractable.
type type3Text struct {
	glyphs []*glyphProc // code c (1-based) ↦ glyphs[c-1]
	runes  []rune       // code c ↦ runes[c-1], for ToUnicode
	lines  [][]byte     // encoded lines
	widths []float64    // line widths in 1/1000 em
}

func newType3Text(f *fontFace, lines []string, z *deflater) (*type3Text, error) {
	t := &type3Text{}
	var buf sfnt.Buffer
	codes := map[sfnt.GlyphIndex]byte{}
	for _, line := range lines {
		enc := make([]byte, 0, len(line))
		width := 0.0
		for _, r := range line {
			g, err := f.glyph(r, &buf, z)
			if err != nil {
				return nil, err
			}
			code, ok := codes[g.gi]
			if !ok {
				if len(t.glyphs) == 255 {
					return nil, newError(EInvalidInput, "nội dung hình ảnh chữ ký quá dài", "the appearance text is too long", nil)
				}
				t.glyphs = append(t.glyphs, g)
				t.runes = append(t.runes, r)
				code = byte(len(t.glyphs))
				codes[g.gi] = code
			}
			enc = append(enc, code)
			width += g.adv
		}
		t.lines = append(t.lines, enc)
		t.widths = append(t.widths, width)
	}
	return t, nil
}

// ppem asks sfnt for coordinates in font units (26.6 fixed point).
func (f *fontFace) ppem() fixed.Int26_6 { return fixed.Int26_6(f.upem * 64) }

// units converts a 26.6 font-unit value to 1/1000 em.
func (f *fontFace) units(v fixed.Int26_6) float64 { return float64(v) / 64 * 1000 / f.upem }

// draw makes the glyph procedure of glyph gi: its advance and a deflated
// stream that sets the glyph width and bounding box (d1) and fills the
// outline.
func (f *fontFace) draw(gi sfnt.GlyphIndex, buf *sfnt.Buffer, z *deflater) (*glyphProc, error) {
	adv, err := f.font.GlyphAdvance(buf, gi, f.ppem(), font.HintingNone)
	if err != nil {
		return nil, newError(EFont, "phông chữ không hợp lệ", "invalid font", err)
	}
	segs, err := f.font.LoadGlyph(buf, gi, f.ppem(), nil)
	if err != nil {
		return nil, newError(EFont, "phông chữ không hợp lệ", "invalid font", err)
	}
	g := &glyphProc{gi: gi, adv: f.units(adv)}
	path, bbox := f.path(segs)
	stream := make([]byte, 0, 64+len(path))
	for _, v := range []float64{g.adv, 0, bbox[0], bbox[1], bbox[2], bbox[3]} {
		stream = append(stream, num(v)...)
		stream = append(stream, ' ')
	}
	stream = append(stream, "d1\n"...)
	stream = append(stream, path...)
	g.obj = z.streamObject("", stream)
	return g, nil
}

func (t *type3Text) maxWidth() float64 {
	m := 0.0
	for _, w := range t.widths {
		m = math.Max(m, w)
	}
	return m
}

// addFont writes the glyph procedures, the ToUnicode map and the font
// dictionary, and returns the font's object number.
func (t *type3Text) addFont(add pdfsign.AddObjectFunc, z *deflater) (uint32, error) {
	procs := make([]byte, 0, 16*len(t.glyphs))
	diffs := make([]byte, 0, 6*len(t.glyphs))
	widths := make([]byte, 0, 6*len(t.glyphs))
	for i, g := range t.glyphs {
		id, err := add(g.obj)
		if err != nil {
			return 0, err
		}
		procs = append(procs, " /g"...)
		procs = strconv.AppendInt(procs, int64(i+1), 10)
		procs = append(procs, ' ')
		procs = strconv.AppendUint(procs, uint64(id), 10)
		procs = append(procs, " 0 R"...)
		diffs = append(diffs, " /g"...)
		diffs = strconv.AppendInt(diffs, int64(i+1), 10)
		widths = append(widths, ' ')
		widths = append(widths, num(g.adv)...)
	}
	cmapID, err := add(z.shortStreamObject(t.toUnicode()))
	if err != nil {
		return 0, err
	}
	dict := fmt.Sprintf("<< /Type /Font /Subtype /Type3 /FontBBox [0 0 0 0] /FontMatrix [0.001 0 0 0.001 0 0]"+
		" /CharProcs <<%s >> /Encoding << /Type /Encoding /Differences [1%s] >>"+
		" /FirstChar 1 /LastChar %d /Widths [%s ] /ToUnicode %d 0 R /Resources << >> >>",
		procs, diffs, len(t.glyphs), widths, cmapID)
	return add([]byte(dict))
}

// path converts glyph segments (y down, 26.6 font units) to a PDF fill
// path in whole 1/1000 em units (y up; 0.008 pt at 8 pt, far below what
// is visible) and returns it with its bounding box.
func (f *fontFace) path(segs sfnt.Segments) ([]byte, [4]float64) {
	if len(segs) == 0 {
		return nil, [4]float64{}
	}
	b := make([]byte, 0, 24*len(segs))
	bbox := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	pt := func(p fixed.Point26_6) (float64, float64) {
		x, y := math.Round(f.units(p.X)), math.Round(-f.units(p.Y))
		bbox[0], bbox[1] = math.Min(bbox[0], x), math.Min(bbox[1], y)
		bbox[2], bbox[3] = math.Max(bbox[2], x), math.Max(bbox[3], y)
		return x, y
	}
	put := func(op string, v ...float64) {
		for _, f := range v {
			b = strconv.AppendInt(b, int64(math.Round(f)), 10)
			b = append(b, ' ')
		}
		b = append(b, op...)
		b = append(b, '\n')
	}
	var cx, cy float64
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			cx, cy = pt(s.Args[0])
			put("m", cx, cy)
		case sfnt.SegmentOpLineTo:
			cx, cy = pt(s.Args[0])
			put("l", cx, cy)
		case sfnt.SegmentOpQuadTo:
			qx, qy := pt(s.Args[0])
			x, y := pt(s.Args[1])
			// Degree elevation of the quadratic Bézier.
			put("c", cx+2*(qx-cx)/3, cy+2*(qy-cy)/3, x+2*(qx-x)/3, y+2*(qy-y)/3, x, y)
			cx, cy = x, y
		case sfnt.SegmentOpCubeTo:
			x1, y1 := pt(s.Args[0])
			x2, y2 := pt(s.Args[1])
			cx, cy = pt(s.Args[2])
			put("c", x1, y1, x2, y2, cx, cy)
		}
	}
	b = append(b, "f\n"...)
	return b, bbox
}

func (t *type3Text) toUnicode() []byte {
	const head = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<01> <FF>\nendcodespacerange\n"
	const tail = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
	b := make([]byte, 0, len(head)+len(tail)+32+16*len(t.runes))
	b = append(b, head...)
	for start := 0; start < len(t.runes); start += 100 {
		end := min(start+100, len(t.runes))
		b = strconv.AppendInt(b, int64(end-start), 10)
		b = append(b, " beginbfchar\n"...)
		for i := start; i < end; i++ {
			b = append(b, '<')
			b = appendHex(b, uint16(i+1), 2)
			b = append(b, "> <"...)
			for _, c := range utf16Units(t.runes[i]) {
				b = appendHex(b, c, 4)
			}
			b = append(b, ">\n"...)
		}
		b = append(b, "endbfchar\n"...)
	}
	return append(b, tail...)
}

// appendHex appends the low n hexadecimal digits of v in upper case.
func appendHex(b []byte, v uint16, n int) []byte {
	const digits = "0123456789ABCDEF"
	for i := n - 1; i >= 0; i-- {
		b = append(b, digits[(v>>(4*uint(i)))&0xF])
	}
	return b
}

func utf16Units(r rune) []uint16 {
	if r < 0x10000 {
		return []uint16{uint16(r)}
	}
	r -= 0x10000
	return []uint16{uint16(0xD800 + (r >> 10)), uint16(0xDC00 + (r & 0x3FF))}
}

// deflater compresses streams with one reusable zlib writer: creating a
// flate writer allocates about 1 MB, too much to do per glyph or even per
// signature, so deflaters are pooled (getDeflater, putDeflater).
type deflater struct {
	zw  *zlib.Writer
	out bytes.Buffer
}

var deflaters sync.Pool

func getDeflater() *deflater {
	if d, ok := deflaters.Get().(*deflater); ok {
		return d
	}
	return &deflater{}
}

// putDeflater returns d to the pool, dropping a large output buffer (left
// by a big image) so that the pool does not pin it.
func putDeflater(d *deflater) {
	if d.out.Cap() > 256<<10 {
		d.out = bytes.Buffer{}
	}
	deflaters.Put(d)
}

// compress leaves the zlib stream of data in d.out.
func (d *deflater) compress(data []byte) {
	d.out.Reset()
	if d.zw == nil {
		d.zw, _ = zlib.NewWriterLevel(&d.out, zlib.BestSpeed)
	} else {
		d.zw.Reset(&d.out)
	}
	_, _ = d.zw.Write(data)
	_ = d.zw.Close()
}

func (d *deflater) deflate(data []byte) []byte {
	d.compress(data)
	return bytes.Clone(d.out.Bytes())
}

// streamObject returns a Flate-compressed stream object with the extra
// dictionary entries dict.
func (d *deflater) streamObject(dict string, data []byte) []byte {
	d.compress(data)
	z := d.out.Bytes()
	b := make([]byte, 0, len(dict)+len(z)+64)
	b = append(b, "<<"...)
	b = append(b, dict...)
	b = append(b, " /Filter /FlateDecode /Length "...)
	b = strconv.AppendInt(b, int64(len(z)), 10)
	b = append(b, " >>\nstream\n"...)
	b = append(b, z...)
	return append(b, "\nendstream"...)
}

// minDeflate is the length below which a stream made for one signature
// only (the ToUnicode map) is stored uncompressed: deflating a short
// stream costs about 10 µs, mostly building Huffman tables, to save a few
// hundred bytes. Glyph procedures are cached, so they are always deflated.
const minDeflate = 1024

// shortStreamObject returns a stream object of data, Flate-compressed
// unless data is shorter than minDeflate.
func (d *deflater) shortStreamObject(data []byte) []byte {
	if len(data) >= minDeflate {
		return d.streamObject("", data)
	}
	b := make([]byte, 0, len(data)+48)
	b = append(b, "<< /Length "...)
	b = strconv.AppendInt(b, int64(len(data)), 10)
	b = append(b, " >>\nstream\n"...)
	b = append(b, data...)
	return append(b, "\nendstream"...)
}

// prepareImage decodes a PNG or JPEG for an image XObject: a JPEG is kept
// as is (DCTDecode); a PNG is split into deflated RGB and alpha samples.
func prepareImage(data []byte, z *deflater) (*preparedImage, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, newError(EInvalidInput, "ảnh chữ ký/con dấu không đọc được (cần PNG hoặc JPEG)",
			"cannot read the signature/seal image (PNG or JPEG expected)", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > 4096*4096 {
		return nil, newError(EInvalidInput, "kích thước ảnh chữ ký/con dấu không hợp lệ", "invalid signature/seal image size", nil)
	}
	if format == "jpeg" {
		cs := "/DeviceRGB"
		switch cfg.ColorModel {
		case color.GrayModel:
			cs = "/DeviceGray"
		case color.CMYKModel:
			cs = "/DeviceCMYK"
		}
		return &preparedImage{w: cfg.Width, h: cfg.Height, jpeg: data, cs: cs}, nil
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, newError(EInvalidInput, "ảnh chữ ký/con dấu không đọc được", "cannot decode the signature/seal image", err)
	}
	rgb, alpha, opaque := splitAlpha(img)
	bnd := img.Bounds()
	p := &preparedImage{w: bnd.Dx(), h: bnd.Dy(), rgbZ: z.deflate(rgb)}
	if !opaque {
		p.alphaZ = z.deflate(alpha)
	}
	return p, nil
}

// addImage writes a PNG or JPEG as an image XObject (with a soft mask for
// PNG transparency) and returns its object number and pixel size.
func addImage(data []byte, add pdfsign.AddObjectFunc, z *deflater, cache *AppearanceCache) (uint32, int, int, error) {
	p, err := cache.image(data, z)
	if err != nil {
		return 0, 0, 0, err
	}
	stream := func(dict string, body []byte) []byte {
		var b bytes.Buffer
		b.Grow(len(dict) + len(body) + 64)
		b.WriteString("<<")
		b.WriteString(dict)
		fmt.Fprintf(&b, " /Length %d >>\nstream\n", len(body))
		b.Write(body)
		b.WriteString("\nendstream")
		return b.Bytes()
	}
	if p.jpeg != nil {
		id, err := add(stream(fmt.Sprintf(" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 /Filter /DCTDecode",
			p.w, p.h, p.cs), p.jpeg))
		return id, p.w, p.h, err
	}
	smask := ""
	if p.alphaZ != nil {
		mid, err := add(stream(fmt.Sprintf(" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
			p.w, p.h), p.alphaZ))
		if err != nil {
			return 0, 0, 0, err
		}
		smask = fmt.Sprintf(" /SMask %d 0 R", mid)
	}
	id, err := add(stream(fmt.Sprintf(" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8%s /Filter /FlateDecode",
		p.w, p.h, smask), p.rgbZ))
	return id, p.w, p.h, err
}

// splitAlpha returns the non-premultiplied RGB samples, the alpha samples
// and whether the image is fully opaque.
func splitAlpha(img image.Image) (rgb, alpha []byte, opaque bool) {
	b := img.Bounds()
	n := b.Dx() * b.Dy()
	rgb = make([]byte, 0, 3*n)
	alpha = make([]byte, 0, n)
	opaque = true
	if m, ok := img.(*image.NRGBA); ok {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, y):m.PixOffset(b.Max.X, y)]
			for i := 0; i < len(row); i += 4 {
				rgb = append(rgb, row[i], row[i+1], row[i+2])
				alpha = append(alpha, row[i+3])
				if row[i+3] != 0xff {
					opaque = false
				}
			}
		}
		return rgb, alpha, opaque
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			rgb = append(rgb, c.R, c.G, c.B)
			alpha = append(alpha, c.A)
			if c.A != 0xff {
				opaque = false
			}
		}
	}
	return rgb, alpha, opaque
}

// num formats a coordinate for a content stream, to three decimals.
func num(f float64) string { return pdfsign.Num(f, 3) }
