package pdf

import (
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Font metrics of Liberation Serif (per em), used to place the baseline
// inside a line box.
const (
	ascent  = 0.891
	descent = 0.216
)

// align is a horizontal alignment.
type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
	alignJustify // justified; the last line of a paragraph is left-aligned
)

// canvas wraps a document with a top-down cursor, flowing page breaks
// and a sticky error, so that the form code reads as a list of blocks.
// Coordinates are points from the top-left corner.
type canvas struct {
	doc  *document
	loc  *time.Location
	size pageSize
	m    margins
	y    float64 // top of the next block
	page int     // current page, 1-based
	err  error   // first error; later drawing calls are no-ops

	style   fontStyle
	fsize   float64
	fontSet bool

	// slots records the blank number and date places of the header
	// (headerLayout.Slots).
	slots *headerSlots

	// onNewPage runs after a flowing page break (need) has added a page,
	// e.g. to repeat a table header. It must not call need.
	onNewPage func()
}

func (c *canvas) setErr(err error) {
	if c.err == nil && err != nil {
		c.err = err
	}
}

func (c *canvas) left() float64   { return c.m.Left }
func (c *canvas) right() float64  { return c.size.W - c.m.Right }
func (c *canvas) width() float64  { return c.right() - c.left() }
func (c *canvas) bottom() float64 { return c.size.H - c.m.Bottom }

// addPage starts a new page and puts the cursor at the top margin.
func (c *canvas) addPage() {
	c.doc.addPage()
	c.page++
	c.y = c.m.Top
}

// need starts a new page when less than h points remain on this one. A block
// taller than a whole page is drawn anyway (and runs into the margin).
func (c *canvas) need(h float64) {
	if c.y+h <= c.bottom()+0.01 || c.y <= c.m.Top+0.01 {
		return
	}
	c.addPage()
	if c.onNewPage != nil {
		c.onNewPage()
	}
}

// font selects a face and size.
func (c *canvas) font(s fontStyle, size float64) {
	c.style, c.fsize, c.fontSet = s, size, true
}

// measure returns the width of s in the current font.
func (c *canvas) measure(s string) float64 {
	if s == "" || c.err != nil {
		return 0
	}
	return c.doc.measure(c.style, c.fsize, nfc(s))
}

// measureIn returns the width of s in face st at size.
func (c *canvas) measureIn(st fontStyle, size float64, s string) float64 {
	c.font(st, size)
	return c.measure(s)
}

// baseline returns the baseline of a line of text set at size in a line box
// of height lh whose top is at top.
func baseline(top, lh, size float64) float64 {
	return top + (lh-(ascent+descent)*size)/2 + ascent*size
}

// lineHeight is the default line box for size: 1.2 × the font size, about
// single spacing in a word processor for Times New Roman.
func lineHeight(size float64) float64 { return size * 1.2 }

// textAt draws s with its baseline at (x, base) in the current font.
func (c *canvas) textAt(x, base float64, s string) {
	if s == "" || c.err != nil {
		return
	}
	c.doc.text(c.style, c.fsize, x, base, nfc(s))
}

// textAligned draws one line of s in the box [x, x+w] whose top is at top,
// aligned as a, and returns the x where the text starts.
func (c *canvas) textAligned(x, w, top, lh float64, a align, s string) float64 {
	tw := c.measure(s)
	switch a {
	case alignCenter:
		x += (w - tw) / 2
	case alignRight:
		x += w - tw
	}
	c.textAt(x, baseline(top, lh, c.fsize), s)
	return x
}

// line draws a solid line of the given width.
func (c *canvas) line(x1, y1, x2, y2, width float64) {
	if c.err != nil {
		return
	}
	c.doc.line(x1, y1, x2, y2, width)
}

// rgb sets the text, stroke and fill colour; rgb(0, 0, 0) restores black.
func (c *canvas) rgb(r, g, b uint8) {
	c.doc.color(r, g, b)
}

// wline is one wrapped line; first and last mark the ends of a paragraph.
type wline struct {
	text        string
	first, last bool
}

// wrapLines splits s into lines in the current font, on word boundaries
// (see split). "\n" separates paragraphs and runs of spaces collapse to one.
// The first line of a paragraph is firstW wide, the others restW.
func (c *canvas) wrapLines(s string, firstW, restW float64) []wline {
	var out []wline
	for _, para := range strings.Split(nfc(s), "\n") {
		para = strings.Join(words(para), " ")
		if para == "" {
			out = append(out, wline{first: true, last: true})
			continue
		}
		lines := c.split(para, firstW)
		if len(lines) > 1 && restW != firstW {
			rest := strings.TrimSpace(strings.TrimPrefix(para, lines[0]))
			lines = append(lines[:1], c.split(rest, restW)...)
		}
		for i, ln := range lines {
			out = append(out, wline{text: ln, first: i == 0, last: i == len(lines)-1})
		}
	}
	return out
}

// wrap is wrapLines with one width, returning only the text.
func (c *canvas) wrap(s string, width float64) []string {
	wl := c.wrapLines(s, width, width)
	out := make([]string, len(wl))
	for i, l := range wl {
		out[i] = l.text
	}
	return out
}

// split wraps one paragraph (no "\n") greedily at spaces, measuring every
// word once (TestSplit checks that no break is early or missing). A word wider than the line (a URL, a code)
// breaks after "/", "-", "?", "&", "=", "." or "_" rather than anywhere.
func (c *canvas) split(para string, width float64) []string {
	if c.err != nil || para == "" {
		return nil
	}
	space := c.measure(" ")
	var lines []string
	var cur strings.Builder
	curW := 0.0
	for _, wd := range words(para) {
		for i, p := range c.chunks(wd, width) {
			pw := c.measure(p)
			gap := 0.0
			if i == 0 {
				gap = space // a new word; later pieces of a cut word join directly
			}
			if cur.Len() > 0 && curW+gap+pw > width {
				lines = append(lines, cur.String())
				cur.Reset()
				curW = 0
			}
			if cur.Len() > 0 {
				if i == 0 {
					cur.WriteByte(' ')
				}
				curW += gap
			}
			cur.WriteString(p)
			curW += pw
		}
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// chunks cuts a word into pieces no wider than width, preferably after
// "/", "?", "&", "=", "." or "_"; after "-" only when a piece is still too
// wide (a reader such as pdftotext joins a line ending in "-" with the
// next as one hyphenated word and drops the "-"); anywhere as a last
// resort.
func (c *canvas) chunks(wd string, width float64) []string {
	if c.measure(wd) <= width {
		return []string{wd}
	}
	// The last path segment of a URL (a verification token, whose "-" and
	// "_" are part of it) stays whole when it fits on a line: a reader
	// copies it by hand.
	head, tail := wd, ""
	if i := strings.LastIndexByte(wd, '/'); i >= 0 && i < len(wd)-1 && c.measure(wd[i+1:]) <= width {
		head, tail = wd[:i+1], wd[i+1:]
	}
	var out []string
	for _, sg := range splitAfterAny(head, "/?&=._") {
		if c.measure(sg) <= width {
			out = append(out, sg)
			continue
		}
		for _, h := range splitAfterAny(sg, "-") {
			if c.measure(h) <= width {
				out = append(out, h)
				continue
			}
			cur := ""
			for _, r := range h {
				if cur != "" && c.measure(cur+string(r)) > width {
					out = append(out, cur)
					cur = ""
				}
				cur += string(r)
			}
			if cur != "" {
				out = append(out, cur)
			}
		}
	}
	if tail != "" {
		out = append(out, tail)
	}
	// Merge neighbouring pieces back while they fit.
	var merged []string
	for _, p := range out {
		if n := len(merged); n > 0 && c.measure(merged[n-1]+p) <= width {
			merged[n-1] += p
			continue
		}
		merged = append(merged, p)
	}
	return merged
}

// splitAfterAny cuts s after each rune of delims.
func splitAfterAny(s, delims string) []string {
	var segs []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune(delims, r) {
			segs = append(segs, s[start:i+len(string(r))])
			start = i + len(string(r))
		}
	}
	if start < len(s) {
		segs = append(segs, s[start:])
	}
	return segs
}

// textStyle is a face, size, line height and alignment for flowing text.
type textStyle struct {
	Face   fontStyle
	Size   float64
	LH     float64 // line height; 0 means lineHeight(Size)
	Align  align
	Indent float64 // first-line indent
	Hang   float64 // indent of the following lines (hanging indent)
	After  float64 // space after the paragraph
}

func (ts textStyle) lh() float64 {
	if ts.LH > 0 {
		return ts.LH
	}
	return lineHeight(ts.Size)
}

// layout wraps s for the column width w with the indents of ts.
func (c *canvas) layout(w float64, ts textStyle, s string) []wline {
	c.font(ts.Face, ts.Size)
	return c.wrapLines(s, w-ts.Indent, w-ts.Hang)
}

// para flows s from the cursor in the column [x, x+w], breaking pages as
// needed, and moves the cursor below it.
func (c *canvas) para(x, w float64, ts textStyle, s string) {
	c.drawLines(x, w, ts, c.layout(w, ts, s))
}

// drawLines draws lines laid out by layout for the same column and style.
func (c *canvas) drawLines(x, w float64, ts textStyle, lines []wline) {
	lh := ts.lh()
	for _, ln := range lines {
		c.need(lh)
		c.font(ts.Face, ts.Size) // a page-break hook may have changed the font
		lx, lw := x+ts.Hang, w-ts.Hang
		if ln.first {
			lx, lw = x+ts.Indent, w-ts.Indent
		}
		switch {
		case ts.Align == alignJustify && !ln.last:
			c.justified(lx, lw, c.y, lh, ln.text)
		case ts.Align == alignJustify:
			c.textAligned(lx, lw, c.y, lh, alignLeft, ln.text)
		default:
			c.textAligned(lx, lw, c.y, lh, ts.Align, ln.text)
		}
		c.y += lh
	}
	c.y += ts.After
}

// justified draws ln across the full width w by widening the spaces.
func (c *canvas) justified(x, w, top, lh float64, ln string) {
	ws := words(ln)
	if len(ws) < 2 {
		c.textAligned(x, w, top, lh, alignLeft, ln)
		return
	}
	total := 0.0
	widths := make([]float64, len(ws))
	for i, wd := range ws {
		widths[i] = c.measure(wd)
		total += widths[i]
	}
	gap := (w - total) / float64(len(ws)-1)
	if gap > 4*c.measure(" ") { // a near-empty line: do not stretch it absurdly
		c.textAligned(x, w, top, lh, alignLeft, ln)
		return
	}
	base := baseline(top, lh, c.fsize)
	for i, wd := range ws {
		c.textAt(x, base, wd)
		x += widths[i] + gap
	}
}

// run is a piece of a single line in one face.
type run struct {
	Face fontStyle
	Text string
}

// runs draws a single line made of runs in the column [x, x+w] at the cursor
// and moves the cursor down one line. The runs are not wrapped.
func (c *canvas) runs(x, w, size float64, a align, rs ...run) {
	lh := lineHeight(size)
	c.need(lh)
	total := 0.0
	for _, r := range rs {
		total += c.measureIn(r.Face, size, r.Text)
	}
	switch a {
	case alignCenter:
		x += (w - total) / 2
	case alignRight:
		x += w - total
	}
	base := baseline(c.y, lh, size)
	for _, r := range rs {
		c.font(r.Face, size)
		c.textAt(x, base, r.Text)
		x += c.measure(r.Text)
	}
	c.y += lh
}

// balanced wraps s into as few lines as fit in w and then evens out their
// lengths (for centred headings such as agency names).
func (c *canvas) balanced(s string, w float64) []string {
	lines := c.wrap(s, w)
	if len(lines) < 2 {
		return lines
	}
	lo, hi := w/float64(len(lines)), w
	for range 12 {
		mid := (lo + hi) / 2
		if len(c.wrap(s, mid)) <= len(lines) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return c.wrap(s, hi+0.01)
}

// words splits s at ASCII white space only: a no-break space (U+00A0), between
// "14,6" and "m", keeps its neighbours on one line and is not stretched
// when justifying.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\r' || r == '\v' || r == '\f'
	})
}

// nfc normalises s to Unicode NFC. The writer has no mark positioning, so
// decomposed Vietnamese (NFD) must be composed before it is drawn.
func nfc(s string) string { return norm.NFC.String(s) }

// dots is the placeholder printed for an empty field on a form.
const dots = "………………"

// orDots returns s, or a dotted placeholder when s is blank.
func orDots(s string) string {
	if strings.TrimSpace(s) == "" {
		return dots
	}
	return s
}
