package pdf

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Demo appearance images for visible signatures (Decree 30/2020, Phụ lục I:
// the seal is a red image, the signature a blue one, both PNG with a
// transparent background). They are deterministic functions of their input.

// Seal image size in pixels: placed at about 32 mm it prints at ~240 dpi,
// and it stays small enough for the signer to embed quickly (pdfsign stores
// appearance images uncompressed-RGB + alpha, deflated).
const sealPx = 300

// SealPNG draws a demo red round seal for orgName: a thick outer ring and a
// thin inner ring, the organisation's name in capitals around the top
// between them, and a five-pointed star in the centre, on a transparent
// background. It returns PNG bytes (RGBA, so that pdfsign keeps the alpha).
func SealPNG(orgName string) []byte {
	img := image.NewRGBA(image.Rect(0, 0, sealPx, sealPx))
	red := image.NewUniform(color.NRGBA{R: 0xd2, G: 0x14, B: 0x1e, A: 0xf0})
	const k = float32(sealPx) / 600 // the design below is on a 600 px grid
	c := float32(sealPx) / 2
	// One pass: the shapes do not overlap, so their paths can share a
	// rasteriser (a reversed circle cuts the hole of a ring).
	z := vector.NewRasterizer(sealPx, sealPx)
	circle(z, c, c, 294*k, false) // outer ring, thick
	circle(z, c, c, 276*k, true)
	circle(z, c, c, 227*k, false) // inner ring, thin
	circle(z, c, c, 221*k, true)
	star(z, c, c, 104*k)
	name := strings.ToUpper(strings.Join(strings.Fields(nfc(orgName)), " "))
	if name != "" {
		if f, err := sfnt.Parse(fontBold); err == nil {
			arcText(z, f, name, c, c, 234*k, 300, 40*k)
		}
	}
	z.Draw(img, img.Bounds(), red, image.Point{})
	return encodePNG(img)
}

// SignaturePNG draws a demo handwritten-looking signature for name: a
// looping initial stroke, the given name (the last word) in a slanted italic
// and an underline flourish, in blue on a transparent background. The shape
// depends only on name. It returns PNG bytes (RGBA), cropped to the ink
// (about 300 × 130 px).
func SignaturePNG(name string) []byte {
	const k = 0.75 // the design below is on a 600 × 240 px grid
	const w, h = 600 * k, 240 * k
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	blue := image.NewUniform(color.NRGBA{R: 0x12, G: 0x2d, B: 0xa8, A: 0xff})
	name = strings.Join(strings.Fields(nfc(name)), " ")
	hf := fnv.New64a()
	hf.Write([]byte(name))
	rng := rand.New(rand.NewPCG(hf.Sum64(), 0x6d6f74637561)) // "motcua"

	words := strings.Fields(name)
	given := ""
	if len(words) > 0 {
		given = words[len(words)-1]
	}
	f, err := sfnt.Parse(fontItalic)
	if err != nil {
		f = nil
	}
	const size, base, loopW = 100 * k, 150 * k, 70 * k
	nameW := float32(0)
	if f != nil {
		nameW = textAdvance(f, given, size)
	}
	// Centre loop + name + tail horizontally.
	x := (w - (loopW + nameW + 40*k)) / 2
	z := vector.NewRasterizer(w, h)
	if f != nil && given != "" {
		// The given name in italic, sheared further to the right.
		slantedText(z, f, given, x+loopW, base, size, 0.22)
		z.Draw(img, img.Bounds(), blue, image.Point{})
		z.Reset(w, h)
	}
	// A tall slanted loop for the initials, drawn as one stroke.
	var pts [][2]float32
	a := float32(62+rng.Float64()*14) * k
	for i := 0; i <= 72; i++ {
		t := float64(i) / 72 * 2 * math.Pi
		pts = append(pts, [2]float32{
			x + 28*k + 26*k*float32(math.Sin(t)) + a*0.35*float32(1-math.Cos(t)),
			base - a*float32(1-math.Cos(t))*0.75 + float32(t)*3*k,
		})
	}
	stroke(z, pts, 4.4*k)
	// An underline flourish from under the loop to past the name, rising at the end.
	pts = pts[:0]
	end := x + loopW + nameW + 40*k
	dip := float32(10+rng.Float64()*12) * k
	for i := 0; i <= 60; i++ {
		t := float32(i) / 60
		pts = append(pts, [2]float32{
			x + 10*k + t*(end-x-10*k),
			base + 26*k + dip*float32(math.Sin(float64(t)*math.Pi)) - t*t*40*k,
		})
	}
	stroke(z, pts, 3.6*k)
	z.Draw(img, img.Bounds(), blue, image.Point{})
	return encodePNG(cropInk(img, 6))
}

// encodePNG encodes img; encoding an in-memory RGBA image cannot fail.
func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil
	}
	return buf.Bytes()
}

// circle adds a circle of radius r at (cx, cy) as a closed path; reverse
// draws it the other way round (a hole inside a same-pass shape).
func circle(z *vector.Rasterizer, cx, cy, r float32, reverse bool) {
	const n = 180
	path(z, n+1, func(i int) (float32, float32) {
		t := 2 * math.Pi * float64(i) / n
		if reverse {
			t = -t
		}
		return cx + r*float32(math.Cos(t)), cy + r*float32(math.Sin(t))
	})
}

// path adds the closed path through the n points point(0) … point(n-1).
func path(z *vector.Rasterizer, n int, point func(i int) (x, y float32)) {
	for i := range n {
		x, y := point(i)
		if i == 0 {
			z.MoveTo(x, y)
		} else {
			z.LineTo(x, y)
		}
	}
	z.ClosePath()
}

// star adds a five-pointed star of outer radius r, point up.
func star(z *vector.Rasterizer, cx, cy, r float32) {
	inner := r * 0.382
	path(z, 10, func(i int) (float32, float32) {
		rr := r
		if i%2 == 1 {
			rr = inner
		}
		t := -math.Pi/2 + float64(i)*math.Pi/5
		return cx + rr*float32(math.Cos(t)), cy + rr*float32(math.Sin(t))
	})
}

// arcText adds s clockwise around (cx, cy), centred on the top, with the
// glyphs' baseline on radius rb and their tops pointing outwards. The size
// is at most maxSize px and shrinks until the text spans at most maxDeg
// degrees; a short text is letter-spaced to span 230°.
func arcText(z *vector.Rasterizer, f *sfnt.Font, s string, cx, cy, rb, maxDeg, maxSize float32) {
	var b sfnt.Buffer
	runes := []rune(s)
	idx := make([]sfnt.GlyphIndex, len(runes))
	for i, r := range runes {
		idx[i], _ = f.GlyphIndex(&b, r)
	}
	// Advances at 1 px/em, then pick the size, with 8% letter spacing.
	const ref = 100
	adv := make([]float32, len(runes))
	total := float32(0)
	for i, g := range idx {
		a, err := f.GlyphAdvance(&b, g, fixed.I(ref), 0)
		if err != nil {
			continue
		}
		adv[i] = float32(a) / 64 / ref
		total += adv[i] * 1.08
	}
	if total == 0 {
		return
	}
	maxArc := rb * maxDeg * math.Pi / 180
	size := min(maxSize, maxArc/total)
	// A short name is spread out to cover at least 230°, as on a real seal.
	extra := float32(0)
	if minArc := rb * 230 * math.Pi / 180; total*size < minArc && len(runes) > 1 {
		extra = (minArc - total*size) / float32(len(runes)-1)
	}
	span := (total*size + extra*float32(len(runes)-1)) / rb // radians
	theta := -span / 2
	for i, g := range idx {
		w := adv[i] * size * 1.08
		mid := theta + w/2/rb
		theta += (w + extra) / rb
		segs, err := f.LoadGlyph(&b, g, fixed.Int26_6(size*64), nil)
		if err != nil || len(segs) == 0 {
			continue
		}
		sin, cos := float32(math.Sin(float64(mid))), float32(math.Cos(float64(mid)))
		ox, oy := cx+rb*sin, cy-rb*cos
		half := adv[i] * size / 2
		tr := func(p fixed.Point26_6) (float32, float32) {
			gx, gy := float32(p.X)/64-half, float32(p.Y)/64
			return ox + gx*cos - gy*sin, oy + gx*sin + gy*cos
		}
		addSegments(z, segs, tr)
	}
}

// textAdvance is the width of s at size px.
func textAdvance(f *sfnt.Font, s string, size float32) float32 {
	var b sfnt.Buffer
	w := float32(0)
	for _, r := range s {
		g, err := f.GlyphIndex(&b, r)
		if err != nil {
			continue
		}
		if a, err := f.GlyphAdvance(&b, g, fixed.Int26_6(size*64), 0); err == nil {
			w += float32(a) / 64
		}
	}
	return w
}

// slantedText adds s at size px with its baseline starting at (x, y),
// sheared by shear (x += -shear·y), and returns the x where it ends.
func slantedText(z *vector.Rasterizer, f *sfnt.Font, s string, x, y, size, shear float32) float32 {
	var b sfnt.Buffer
	pen := x
	for _, r := range s {
		g, err := f.GlyphIndex(&b, r)
		if err != nil {
			continue
		}
		segs, err := f.LoadGlyph(&b, g, fixed.Int26_6(size*64), nil)
		if err == nil {
			px := pen
			addSegments(z, segs, func(p fixed.Point26_6) (float32, float32) {
				gx, gy := float32(p.X)/64, float32(p.Y)/64
				return px + gx - shear*gy, y + gy
			})
		}
		a, err := f.GlyphAdvance(&b, g, fixed.Int26_6(size*64), 0)
		if err == nil {
			pen += float32(a) / 64
		}
	}
	return pen
}

// addSegments adds glyph outline segments to z through the transform tr.
func addSegments(z *vector.Rasterizer, segs sfnt.Segments, tr func(fixed.Point26_6) (float32, float32)) {
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			z.ClosePath()
			x, y := tr(s.Args[0])
			z.MoveTo(x, y)
		case sfnt.SegmentOpLineTo:
			x, y := tr(s.Args[0])
			z.LineTo(x, y)
		case sfnt.SegmentOpQuadTo:
			x1, y1 := tr(s.Args[0])
			x2, y2 := tr(s.Args[1])
			z.QuadTo(x1, y1, x2, y2)
		case sfnt.SegmentOpCubeTo:
			x1, y1 := tr(s.Args[0])
			x2, y2 := tr(s.Args[1])
			x3, y3 := tr(s.Args[2])
			z.CubeTo(x1, y1, x2, y2, x3, y3)
		}
	}
	z.ClosePath()
}

// stroke adds a polyline of the given width as quads and round joins, all
// wound the same way so that overlaps merge instead of cancelling.
func stroke(z *vector.Rasterizer, pts [][2]float32, width float32) {
	hw := width / 2
	poly := func(p [][2]float32) {
		area := float32(0)
		for i := range p {
			j := (i + 1) % len(p)
			area += p[i][0]*p[j][1] - p[j][0]*p[i][1]
		}
		if area < 0 {
			for i, j := 0, len(p)-1; i < j; i, j = i+1, j-1 {
				p[i], p[j] = p[j], p[i]
			}
		}
		z.MoveTo(p[0][0], p[0][1])
		for _, q := range p[1:] {
			z.LineTo(q[0], q[1])
		}
		z.ClosePath()
	}
	for i := 0; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		dx, dy := b[0]-a[0], b[1]-a[1]
		l := float32(math.Hypot(float64(dx), float64(dy)))
		if l == 0 {
			continue
		}
		nx, ny := -dy/l*hw, dx/l*hw
		poly([][2]float32{{a[0] + nx, a[1] + ny}, {b[0] + nx, b[1] + ny}, {b[0] - nx, b[1] - ny}, {a[0] - nx, a[1] - ny}})
	}
	for _, p := range pts {
		var dot [][2]float32
		for k := 0; k < 12; k++ {
			t := 2 * math.Pi * float64(k) / 12
			dot = append(dot, [2]float32{p[0] + hw*float32(math.Cos(t)), p[1] + hw*float32(math.Sin(t))})
		}
		poly(dot)
	}
}

// cropInk crops img to its non-transparent pixels plus pad pixels, so that
// a viewer scaling the image into a rectangle fills it with ink.
func cropInk(img *image.RGBA, pad int) image.Image {
	b := img.Bounds()
	x0, y0, x1, y1 := b.Max.X, b.Max.Y, b.Min.X, b.Min.Y
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.Pix[img.PixOffset(x, y)+3] != 0 {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x+1), max(y1, y+1)
			}
		}
	}
	ink := image.Rect(x0, y0, x1, y1)
	if x0 >= x1 || y0 >= y1 {
		return img
	}
	return img.SubImage(ink.Inset(-pad).Intersect(b))
}
