package pdf

import (
	"fmt"

	qrcode "github.com/piglig/go-qr"
)

// qr draws a QR code of payload (error correction level M, quiet zone
// included) as a size×size square with its top-left corner at (x, y).
//
// The modules are drawn as filled vector rectangles, not as an image: the
// code stays sharp at any zoom or print resolution, and no PNG has to be
// encoded and parsed again (which was the slowest part of a page with a
// QR code). Runs of dark modules in a row are merged, and identical runs in
// consecutive rows are merged into one rectangle; the rectangles are
// written in whole modules (fillGrid).
func (c *canvas) qr(payload string, x, y, size float64) {
	if c.err != nil {
		return
	}
	bm, err := qrModules(payload)
	if err != nil {
		c.setErr(err)
		return
	}
	m := size / float64(len(bm)) // module size
	type block struct{ x0, x1, y0, y1 int }
	var active, done []block
	for row, line := range bm {
		var runs []block
		for col := 0; col < len(line); {
			if !line[col] {
				col++
				continue
			}
			start := col
			for col < len(line) && line[col] {
				col++
			}
			runs = append(runs, block{start, col, row, row + 1})
		}
		var next []block
		for _, r := range runs {
			merged := false
			for i, a := range active {
				if a.x0 == r.x0 && a.x1 == r.x1 && a.y1 == row {
					active[i].y1 = row + 1
					next = append(next, active[i])
					active[i].x1 = -1 // consumed
					merged = true
					break
				}
			}
			if !merged {
				next = append(next, r)
			}
		}
		for _, a := range active {
			if a.x1 >= 0 {
				done = append(done, a)
			}
		}
		active = next
	}
	done = append(done, active...)
	c.doc.color(0, 0, 0)
	rects := make([][4]int, len(done))
	for i, b := range done {
		rects[i] = [4]int{b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0}
	}
	c.doc.fillGrid(x, y, m, rects)
}

// qrMask is the mask pattern of every QR code: (row + column) mod 2, the
// checkerboard. Any of the eight masks makes a valid symbol that readers
// decode (the format information names it); letting the encoder score
// all eight by the penalty rules of ISO/IEC 18004 cost more
// than the rest of the code's encoding, about 2 % of the server's CPU
// per lifecycle, for a printed code that scanners read either way
// (TestQRCodes, TestQRMaskDecodes).
const qrMask = 0

// qrModules encodes payload (NFC, error correction level M, the smallest
// version that holds it, mask qrMask) and returns its modules, dark =
// true, with the quiet zone of four modules around the symbol.
func qrModules(payload string) ([][]bool, error) {
	segs, err := qrcode.MakeSegments(nfc(payload))
	if err != nil {
		return nil, fmt.Errorf("pdf: qr code: %w", err)
	}
	q, err := qrcode.EncodeSegments(segs, qrcode.Medium, qrcode.MinVersion, qrcode.MaxVersion, qrMask, true)
	if err != nil {
		return nil, fmt.Errorf("pdf: qr code: %w", err)
	}
	const quiet = 4
	n := q.Size() + 2*quiet
	bm := make([][]bool, n)
	for y := range bm {
		bm[y] = make([]bool, n)
		if y < quiet || y >= n-quiet {
			continue
		}
		for x := quiet; x < n-quiet; x++ {
			bm[y][x] = q.Module(x-quiet, y-quiet)
		}
	}
	return bm, nil
}
