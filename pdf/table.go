package pdf

import "strings"

// column is one table column.
type column struct {
	Title string
	W     float64 // width in points (or a weight, see scaleColumns)
	Align align
	Fit   bool // shrink the text to one line instead of wrapping (codes)
}

// scaleColumns scales the widths so that they add up to total.
func scaleColumns(cols []column, total float64) []column {
	sum := 0.0
	for _, c := range cols {
		sum += c.W
	}
	out := make([]column, len(cols))
	for i, c := range cols {
		c.W = c.W * total / sum
		out[i] = c
	}
	return out
}

// table draws a ruled table that breaks across pages between rows and
// repeats its header row on every page.
type table struct {
	c        *canvas
	x        float64
	cols     []column
	size     float64 // body text
	headSize float64 // header text (bold)
	pad      float64
}

func (t *table) lh(size float64) float64 { return size * 1.2 }

// cellLines wraps a cell's text (or keeps a Fit cell on one line) and
// returns the lines and the font size to use.
func (t *table) cellLines(col column, face fontStyle, size float64, s string) ([]string, float64) {
	w := col.W - 2*t.pad
	if col.Fit && !strings.Contains(s, "\n") {
		for size > 6 && t.c.measureIn(face, size, s) > w {
			size -= 0.25
		}
		return []string{s}, size
	}
	if strings.TrimSpace(s) == "" {
		return nil, size
	}
	return t.c.wrapIn(face, size, s, w), size
}

// rowHeight is the height of a row of cells.
func (t *table) rowHeight(face fontStyle, size float64, cells []string) float64 {
	n := 1
	for i, col := range t.cols {
		if i < len(cells) {
			lines, _ := t.cellLines(col, face, size, cells[i])
			n = max(n, len(lines))
		}
	}
	return float64(n)*t.lh(size) + 2*t.pad
}

// drawRow draws one row at the cursor without checking the page.
func (t *table) drawRow(face fontStyle, size float64, cells []string, vcenter bool) {
	c := t.c
	h := t.rowHeight(face, size, cells)
	top := c.y
	x := t.x
	for i, col := range t.cols {
		if i < len(cells) {
			lines, sz := t.cellLines(col, face, size, cells[i])
			c.font(face, sz)
			y := top + t.pad
			if vcenter {
				y = top + (h-float64(len(lines))*t.lh(size))/2
			}
			for _, ln := range lines {
				a := col.Align
				if a == alignJustify {
					a = alignLeft
				}
				c.textAligned(x+t.pad, col.W-2*t.pad, y, t.lh(size), a, ln)
				y += t.lh(size)
			}
		}
		x += col.W
	}
	// Rules: top, bottom and the column edges.
	right := x
	c.line(t.x, top, right, top, 0.5)
	c.line(t.x, top+h, right, top+h, 0.5)
	x = t.x
	c.line(x, top, x, top+h, 0.5)
	for _, col := range t.cols {
		x += col.W
		c.line(x, top, x, top+h, 0.5)
	}
	c.y = top + h
}

// header draws the header row.
func (t *table) header() {
	titles := make([]string, len(t.cols))
	for i, col := range t.cols {
		titles[i] = col.Title
	}
	saved := t.cols
	centred := make([]column, len(t.cols))
	for i, col := range t.cols {
		col.Align, col.Fit = alignCenter, false
		centred[i] = col
	}
	t.cols = centred
	t.drawRow(bold, t.headSize, titles, true)
	t.cols = saved
}

// begin draws the header (with room for at least one more line) and arranges
// for it to be repeated after every page break until end is called.
func (t *table) begin() {
	titles := make([]string, len(t.cols))
	for i, col := range t.cols {
		titles[i] = col.Title
	}
	t.c.need(t.rowHeight(bold, t.headSize, titles) + t.lh(t.size) + 2*t.pad)
	t.header()
	t.c.onNewPage = t.header
}

// row draws a body row, first breaking the page when it does not fit.
func (t *table) row(cells ...string) {
	t.c.need(t.rowHeight(regular, t.size, cells))
	t.drawRow(regular, t.size, cells, false)
}

// end stops repeating the header.
func (t *table) end() { t.c.onNewPage = nil }
