package sign

import (
	"crypto/sha256"
	"sync"
	"unsafe"

	"golang.org/x/image/font/sfnt"
)

// AppearanceCache keeps what visible signatures reuse from one signature
// to the next: parsed fonts and the image XObject streams prepared from
// the signature and seal images (decoding a PNG, splitting its alpha and
// deflating both took about 3 ms per signature). A cache is owned by its
// caller, passed in PDFOptions.Cache, and safe for concurrent use. The
// zero value is ready to use.
type AppearanceCache struct {
	fonts  sync.Map // font data address and length → *sfnt.Font
	images sync.Map // [32]byte SHA-256 of the image → *preparedImage
}

type fontKey struct {
	p *byte
	n int
}

func (c *AppearanceCache) font(data []byte) (*sfnt.Font, error) {
	if c == nil || len(data) == 0 {
		return loadFont(data)
	}
	k := fontKey{unsafe.SliceData(data), len(data)}
	if v, ok := c.fonts.Load(k); ok {
		return v.(*sfnt.Font), nil
	}
	f, err := loadFont(data)
	if err != nil {
		return nil, err
	}
	c.fonts.Store(k, f)
	return f, nil
}

// preparedImage is an image ready to be written as XObjects.
type preparedImage struct {
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
	k := sha256.Sum256(data)
	if v, ok := c.images.Load(k); ok {
		return v.(*preparedImage), nil
	}
	p, err := prepareImage(data, z)
	if err != nil {
		return nil, err
	}
	c.images.Store(k, p)
	return p, nil
}
