package sign

import (
	"bytes"
	"hash/maphash"
	"sync"
	"unsafe"

	"golang.org/x/image/font/sfnt"
)

// AppearanceCache keeps what visible signatures reuse from one signature
// to the next: parsed fonts with the glyph procedures drawn from them, and
// the image XObject streams prepared from the signature and seal images
// (decoding a PNG, splitting its alpha and deflating both took about 3 ms
// per signature; drawing and deflating the glyph outlines about 0.8 ms).
// A cache is owned by its caller, passed in PDFOptions.Cache, and safe
// for concurrent use. The zero value is ready to use.
type AppearanceCache struct {
	fonts  sync.Map // fontKey (font data address and length) → *fontFace
	images sync.Map // imageKey → []*preparedImage (usually one)
	once   sync.Once
	seed   maphash.Seed
}

// fontKey identifies font data by address and length; the zero key is the
// system font (PDFOptions.Font nil).
type fontKey struct {
	p *byte
	n int
}

// systemFonts holds the system font (PDFOptions.Font nil) for signatures
// without a cache: it is the same file for the whole process.
var systemFonts AppearanceCache

func (c *AppearanceCache) font(data []byte) (*fontFace, error) {
	if c == nil && data == nil {
		c = &systemFonts
	}
	if c == nil || (data != nil && len(data) == 0) {
		f, err := loadFont(data)
		if err != nil {
			return nil, err
		}
		return newFontFace(f), nil
	}
	var k fontKey
	if data != nil {
		k = fontKey{unsafe.SliceData(data), len(data)}
	}
	if v, ok := c.fonts.Load(k); ok {
		return v.(*fontFace), nil
	}
	f, err := loadFont(data)
	if err != nil {
		return nil, err
	}
	v, _ := c.fonts.LoadOrStore(k, newFontFace(f))
	return v.(*fontFace), nil
}

// fontFace is a parsed font with the Type 3 glyph procedures drawn from it
// so far. A glyph's outline, advance and deflated procedure do not depend
// on the text around it, so each is made once per face and then shared by
// every signature that uses the face. Both maps are bounded by the font:
// runes holds only runes the font maps to a glyph.
type fontFace struct {
	font *sfnt.Font
	upem float64

	mu     sync.RWMutex
	runes  map[rune]*glyphProc
	glyphs map[sfnt.GlyphIndex]*glyphProc
}

// glyphProc is one glyph of a Type 3 font.
type glyphProc struct {
	gi  sfnt.GlyphIndex
	adv float64 // advance width, 1/1000 em
	obj []byte  // the glyph procedure, a complete deflated stream object; read-only
}

func newFontFace(f *sfnt.Font) *fontFace {
	return &fontFace{
		font:   f,
		upem:   float64(f.UnitsPerEm()),
		runes:  map[rune]*glyphProc{},
		glyphs: map[sfnt.GlyphIndex]*glyphProc{},
	}
}

// glyph returns the glyph procedure for r, or for '?' when the font has
// no glyph for r. buf and z belong to the caller.
func (f *fontFace) glyph(r rune, buf *sfnt.Buffer, z *deflater) (*glyphProc, error) {
	f.mu.RLock()
	g := f.runes[r]
	f.mu.RUnlock()
	if g != nil {
		return g, nil
	}
	gi, err := f.font.GlyphIndex(buf, r)
	mapped := err == nil && gi != 0
	if !mapped {
		gi, _ = f.font.GlyphIndex(buf, '?')
	}
	f.mu.RLock()
	g = f.glyphs[gi]
	f.mu.RUnlock()
	if g == nil {
		// Drawn without the lock; a concurrent signature may draw the
		// same glyph, and the first one stored wins.
		if g, err = f.draw(gi, buf, z); err != nil {
			return nil, err
		}
	}
	f.mu.Lock()
	if old := f.glyphs[gi]; old != nil {
		g = old
	} else {
		f.glyphs[gi] = g
	}
	if mapped {
		f.runes[r] = g
	}
	f.mu.Unlock()
	return g, nil
}

// imageKey identifies image data by its length and a seeded hash (faster
// than SHA-256 on images of tens of kilobytes); entries are confirmed by
// comparing the data.
type imageKey struct {
	hash uint64
	n    int
}

// preparedImage is an image ready to be written as XObjects.
type preparedImage struct {
	src    []byte // a copy of the image file, to confirm cache hits
	w, h   int
	jpeg   []byte // the JPEG itself (DCTDecode), or nil
	cs     string // JPEG colour space
	rgbZ   []byte // deflated RGB samples (PNG)
	alphaZ []byte // deflated alpha samples, nil when opaque
}

func (c *AppearanceCache) image(data []byte, z *deflater) (*preparedImage, error) {
	if c == nil {
		return prepareImage(data, z)
	}
	c.once.Do(func() { c.seed = maphash.MakeSeed() })
	k := imageKey{maphash.Bytes(c.seed, data), len(data)}
	v, _ := c.images.Load(k)
	list, _ := v.([]*preparedImage)
	for _, p := range list {
		if bytes.Equal(p.src, data) {
			return p, nil
		}
	}
	p, err := prepareImage(data, z)
	if err != nil {
		return nil, err
	}
	p.src = bytes.Clone(data)
	// Publish a new slice so readers never see one being appended to.
	// A concurrent store of another image under the same key may be
	// lost; it is then prepared again next time.
	c.images.Store(k, append(list[:len(list):len(list)], p))
	return p, nil
}
