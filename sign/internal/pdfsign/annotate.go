package pdfsign

import (
	"bytes"
	"errors"
	"fmt"
	"math"

	"motcua/sign/internal/pdf"
)

// Annot is a text annotation that Annotate adds to a page: printed,
// read-only and locked, drawn by its appearance.
type Annot struct {
	Page       int        // 1-based
	Rect       [4]float64 // llx, lly, urx, ury in default user space
	Contents   string     // the text, for readers that list annotations
	Appearance AppearanceFunc
}

// Annotate returns input with the annotations appended as one incremental
// update (FreeText annotations with their own appearance streams), so
// that signatures already in the file keep covering their revision. It
// changes nothing else: no form field, no catalog entry.
func Annotate(input []byte, annots []Annot, deflate func([]byte) []byte) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("pdfsign: malformed PDF: %v", p)
		}
	}()
	if len(annots) == 0 {
		return input, nil
	}
	rdr, err := pdf.NewReader(bytes.NewReader(input), int64(len(input)))
	if err != nil {
		return nil, fmt.Errorf("pdfsign: open: %w", err)
	}
	if !rdr.Trailer().Key("Encrypt").IsNull() {
		return nil, errEncrypted
	}
	w := &writer{in: input, rdr: rdr, req: Request{Deflate: deflate}, buf: getBuffer()}
	defer putBuffer(w.buf)
	if len(input) == 0 || (input[len(input)-1] != '\n' && input[len(input)-1] != '\r') {
		w.buf.WriteByte('\n')
	}
	w.nextID = w.firstFreeID()
	root := rdr.Trailer().Key("Root")
	rootID, _ := ref(root)
	if root.Kind() != pdf.Dict || rootID == 0 {
		return nil, errors.New("pdfsign: document catalog not found")
	}
	type pageAnnots struct {
		page pdf.Value
		ids  []uint32
	}
	var pages []*pageAnnots
	byPage := map[int]*pageAnnots{}
	for _, a := range annots {
		if a.Appearance == nil {
			return nil, errors.New("pdfsign: annotation without appearance")
		}
		n := max(a.Page, 1)
		pa := byPage[n]
		if pa == nil {
			page, err := findPage(root.Key("Pages"), n)
			if err != nil {
				return nil, err
			}
			pa = &pageAnnots{page: page}
			byPage[n] = pa
			pages = append(pages, pa)
		}
		r := a.Rect
		llx, lly := math.Min(r[0], r[2]), math.Min(r[1], r[3])
		urx, ury := math.Max(r[0], r[2]), math.Max(r[1], r[3])
		if urx-llx < 1 || ury-lly < 1 {
			return nil, fmt.Errorf("pdfsign: annotation rectangle %.2f×%.2f is too small", urx-llx, ury-lly)
		}
		w.req.Appearance = a.Appearance
		apID, err := w.addAppearance(urx-llx, ury-lly)
		if err != nil {
			return nil, err
		}
		pid, pgen := ref(pa.page)
		var b bytes.Buffer
		fmt.Fprintf(&b, "<<\n/Type /Annot\n/Subtype /FreeText\n/Rect [%s %s %s %s]\n", num(llx), num(lly), num(urx), num(ury))
		b.WriteString("/Contents " + TextString(a.Contents) + "\n")
		// Print (4) + ReadOnly (64) + Locked (128); no border.
		fmt.Fprintf(&b, "/DA (0 g /Helv 12 Tf)\n/BS << /W 0 >>\n/F 196\n/P %d %d R\n/AP << /N %d 0 R >>\n>>", pid, pgen, apID)
		id, err := w.addObject(b.Bytes())
		if err != nil {
			return nil, err
		}
		pa.ids = append(pa.ids, id)
	}
	for _, pa := range pages {
		if err := w.updatePage(pa.page, pa.ids...); err != nil {
			return nil, err
		}
	}
	if err := w.writeXrefAndTrailer(rootID); err != nil {
		return nil, err
	}
	return append(input[:len(input):len(input)], w.buf.Bytes()...), nil
}
