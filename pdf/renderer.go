package pdf

import (
	_ "embed"
	"fmt"
	"io"
	"time"
)

//go:embed fonts/LiberationSerif-Regular.ttf
var fontRegular []byte

//go:embed fonts/LiberationSerif-Bold.ttf
var fontBold []byte

//go:embed fonts/LiberationSerif-Italic.ttf
var fontItalic []byte

//go:embed fonts/LiberationSerif-BoldItalic.ttf
var fontBoldItalic []byte

// fontStyle selects one of the four embedded faces.
type fontStyle int

const (
	regular fontStyle = iota
	bold
	italic
	boldItalic
)

// family is the font family name used inside the PDF for each face; pdffonts
// shows it as the font name.
func (s fontStyle) family() string {
	switch s {
	case bold:
		return "LiberationSerif-Bold"
	case italic:
		return "LiberationSerif-Italic"
	case boldItalic:
		return "LiberationSerif-BoldItalic"
	}
	return "LiberationSerif"
}

// Renderer renders documents. Create one with NewRenderer and share it: the
// fonts are parsed once and their subsets are built once (see repertoire),
// every Render call builds its own document, so a Renderer is safe for
// concurrent use.
type Renderer struct {
	faces [4]*face
	z     zpool
	loc   *time.Location
}

// NewRenderer parses the embedded fonts and loads the Asia/Ho_Chi_Minh time
// zone (falling back to a fixed UTC+7 zone when the tz database is missing).
func NewRenderer() (*Renderer, error) {
	r := &Renderer{loc: vietnamLocation()}
	for _, f := range []struct {
		style fontStyle
		data  []byte
	}{{regular, fontRegular}, {bold, fontBold}, {italic, fontItalic}, {boldItalic, fontBoldItalic}} {
		fc, err := newFace(f.data)
		if err != nil {
			return nil, fmt.Errorf("pdf: parse font %s: %w", f.style.family(), err)
		}
		r.faces[f.style] = fc
	}
	return r, nil
}

// Warm builds the shared font subsets of the four faces, which the first
// document would otherwise build (about 3 ms a face). Servers call it in
// the background at start.
func (r *Renderer) Warm() error {
	for _, fc := range r.faces {
		if _, err := fc.embedding(nil); err != nil {
			return err
		}
	}
	return nil
}

// vietnamLocation returns Asia/Ho_Chi_Minh, or a fixed UTC+7 zone (Vietnam
// has no daylight saving time) when the tz database is unavailable.
func vietnamLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*60*60)
}

// pageSize is a page size in points.
type pageSize struct{ W, H float64 }

const ptPerMM = 72.0 / 25.4

// ISO 216 sizes in points: A5 is 148 × 210 mm (pdfinfo: 419.528 x 595.276
// pts), A4 is 210 × 297 mm.
const (
	a5W = 148 * ptPerMM
	a5H = 210 * ptPerMM
	a4W = 210 * ptPerMM
	a4H = 297 * ptPerMM
)

// margins in points.
type margins struct{ Top, Right, Bottom, Left float64 }

// docInfo is the document information dictionary written into every PDF.
type docInfo struct {
	Title   string
	Subject string
	Created time.Time // zero: no creation date
}

// newCanvas starts a document with one page.
func (r *Renderer) newCanvas(size pageSize, m margins, info docInfo) (*canvas, error) {
	info.Title, info.Subject = nfc(info.Title), nfc(info.Subject)
	c := &canvas{doc: newDocument(&r.faces, &r.z, size.W, size.H, info, r.loc), loc: r.loc, size: size, m: m}
	c.addPage()
	return c, nil
}

// finish writes the document to w; it returns the first drawing error, if
// any, without writing.
func (c *canvas) finish(w io.Writer) error {
	if c.err != nil {
		return c.err
	}
	if err := c.doc.writeTo(w); err != nil {
		return fmt.Errorf("pdf: write: %w", err)
	}
	return nil
}

// SerifFont returns the embedded Liberation Serif Regular TrueType font,
// for other drawers (the signature appearances) to use the same face.
func SerifFont() []byte { return fontRegular }

// SerifItalicFont returns the embedded Liberation Serif Italic TrueType
// font (the place-and-date line of Decree 30/2020).
func SerifItalicFont() []byte { return fontItalic }
