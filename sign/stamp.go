package sign

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	"golang.org/x/text/unicode/norm"

	"motcua/sign/internal/pdfsign"
)

// Stamp is one line of text written onto a page of a (possibly signed)
// PDF: the number and the date of issue that the clerk gives a result
// after the leader signed it (NĐ 30/2020/NĐ-CP Điều 15.3: for an electronic
// document the system gives the number and the time of issue).
type Stamp struct {
	Page int        // 1-based
	Rect [4]float64 // the line box: llx, lly, urx, ury in points
	Text string
	Size float64 // type size in points; shrunk only if the text would not fit
	// Font is a TrueType font (nil: Liberation Serif from the system).
	Font   []byte
	Center bool // centre the text in Rect; otherwise start at its left edge
}

// StampPDF writes the stamps onto file as FreeText annotations in one
// incremental update: the signatures already in the file still cover,
// intact, the revision they signed, and the text is extractable (the
// font carries a ToUnicode map). A signature added afterwards covers the
// stamps.
func StampPDF(file []byte, stamps []Stamp, cache *AppearanceCache) ([]byte, error) {
	z := getDeflater()
	defer putDeflater(z)
	annots := make([]pdfsign.Annot, 0, len(stamps))
	for _, s := range stamps {
		text := norm.NFC.String(strings.TrimSpace(s.Text))
		if text == "" {
			continue
		}
		f, err := cache.font(s.Font)
		if err != nil {
			return nil, err
		}
		a := &stampAppearance{text: text, font: f, size: s.Size, center: s.Center, z: z}
		annots = append(annots, pdfsign.Annot{Page: s.Page, Rect: s.Rect, Contents: text, Appearance: a.build})
	}
	out, err := pdfsign.Annotate(file, annots, z.deflate)
	if err != nil {
		return nil, newError(EInvalidPDF, "không ghi được số, ngày vào tệp PDF", "cannot stamp the PDF file", err)
	}
	return out, nil
}

// stampAppearance draws one line of black text on the baseline of a line
// box (the layout of package pdf: ascent 0.891, descent 0.216 em, the box
// centred on them).
type stampAppearance struct {
	text   string
	font   *fontFace
	size   float64
	center bool
	z      *deflater
}

func (a *stampAppearance) build(w, h float64, add pdfsign.AddObjectFunc) ([]byte, []byte, error) {
	t, err := newType3Text(a.font, []string{a.text}, a.z)
	if err != nil {
		return nil, nil, err
	}
	size := a.size
	if size <= 0 {
		size = h / 1.2
	}
	if tw := t.widths[0]; tw > 0 {
		size = math.Min(size, w/tw*1000)
	}
	fontID, err := t.addFont(add, a.z)
	if err != nil {
		return nil, nil, err
	}
	const ascent, descent = 0.891, 0.216
	y := h - ((h-(ascent+descent)*size)/2 + ascent*size)
	x := 0.0
	if a.center {
		x = (w - t.widths[0]*size/1000) / 2
	}
	var content bytes.Buffer
	fmt.Fprintf(&content, "q BT 0 g /F1 %s Tf 1 0 0 1 %s %s Tm <%X> Tj ET Q\n", num(size), num(x), num(y), t.lines[0])
	return fmt.Appendf(nil, " /Font << /F1 %d 0 R >>", fontID), content.Bytes(), nil
}
