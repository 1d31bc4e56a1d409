package pdf

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"unicode/utf16"

	"motcua/pdf/internal/ttf"
)

// repertoire is the set of characters every embedded face carries: the
// Vietnamese alphabet with all its tone marks (ASCII, the Latin-1 vowels
// Vietnamese uses, ă đ ĩ ũ ơ ư and the Latin Extended Additional block) and
// the punctuation forms print. Most documents use nothing else, so the
// subset of each face is built and compressed once per process and the same
// bytes are copied into every PDF. A document that uses other characters of
// the font (a foreign name with ü or ç) gets the repertoire plus those
// glyphs, a subset that is cached too (see face.embedding).
var repertoire = [][2]rune{
	{0x20, 0x7E}, // ASCII
	{0xA0, 0xA0}, {0xA7, 0xA7}, {0xAB, 0xAB}, {0xB0, 0xB0}, {0xB7, 0xB7}, {0xBB, 0xBB}, {0xD7, 0xD7},
	{0xC0, 0xC3}, {0xC8, 0xCA}, {0xCC, 0xCD}, {0xD2, 0xD5}, {0xD9, 0xDA}, {0xDD, 0xDD},
	{0xE0, 0xE3}, {0xE8, 0xEA}, {0xEC, 0xED}, {0xF2, 0xF5}, {0xF9, 0xFA}, {0xFD, 0xFD},
	{0x102, 0x103}, {0x110, 0x111}, {0x128, 0x129}, {0x168, 0x169}, {0x1A0, 0x1A1}, {0x1AF, 0x1B0},
	{0x1EA0, 0x1EF9}, // Latin Extended Additional: ạ ả … ỹ
	{0x2013, 0x2014}, {0x2018, 0x2019}, {0x201C, 0x201D}, {0x2022, 0x2022}, {0x2026, 0x2026},
	{0x20AB, 0x20AB}, {0x2116, 0x2116}, // ₫ №
}

// fastRunes is the size of the per-face lookup table indexed by rune; the
// rare characters beyond it go through the font's cmap.
const fastRunes = 0x2200

// glyphInfo is a character's glyph and advance in 1/1000 em.
type glyphInfo struct {
	gid uint16
	w   uint16
	ok  bool // the font has a glyph for the character
}

// face is one embedded TrueType face. It is immutable after newFace, apart
// from the cache of subsets, and safe for concurrent use.
type face struct {
	name string // PostScript name
	font *ttf.Font
	fast []glyphInfo // indexed by rune < fastRunes
	base map[uint16]rune

	mu   sync.Mutex
	embs map[string]*embedding // by the extra glyphs beyond the repertoire
}

func newFace(data []byte) (*face, error) {
	f, err := ttf.Parse(data)
	if err != nil {
		return nil, err
	}
	fc := &face{name: f.PostScriptName, font: f, fast: make([]glyphInfo, fastRunes),
		base: map[uint16]rune{}, embs: map[string]*embedding{}}
	if fc.name == "" {
		fc.name = "Embedded"
	}
	for r := range rune(fastRunes) {
		fc.fast[r] = fc.lookup(r)
	}
	for _, rg := range repertoire {
		for r := rg[0]; r <= rg[1]; r++ {
			if g, ok := f.GlyphID(r); ok {
				if _, dup := fc.base[g]; !dup {
					fc.base[g] = r
				}
			}
		}
	}
	return fc, nil
}

func (fc *face) lookup(r rune) glyphInfo {
	g, ok := fc.font.GlyphID(r)
	// Widths in 1/1000 em, truncated as in the PDF /W array.
	return glyphInfo{gid: g, w: uint16(fc.font.Advance(g) * 1000 / fc.font.UnitsPerEm), ok: ok}
}

// glyph returns the glyph of r (.notdef, glyph 0, when the font has none).
func (fc *face) glyph(r rune) glyphInfo {
	if r >= 0 && r < fastRunes {
		return fc.fast[r]
	}
	return fc.lookup(r)
}

// embedding is a face's font subset with everything the PDF objects of the
// font need, prepared once and shared by every document that uses it.
type embedding struct {
	baseFont  string // "ABCDEF+LiberationSerif"
	fontFile  []byte // zlib-compressed subset (FontFile2)
	length1   int    // uncompressed length of the subset
	widths    []byte // the /W array
	toUnicode []byte // zlib-compressed ToUnicode CMap
	descr     []byte // the font descriptor's metrics
}

// maxCachedEmbeddings bounds the subsets kept per face for documents with
// characters outside the repertoire.
const maxCachedEmbeddings = 256

// embedding returns the subset of the repertoire plus extra (glyph →
// character, for text extraction), building and caching it on first use.
func (fc *face) embedding(extra map[uint16]rune) (*embedding, error) {
	var key []byte
	if len(extra) > 0 {
		gids := make([]uint16, 0, len(extra))
		for g := range extra {
			gids = append(gids, g)
		}
		slices.Sort(gids)
		for _, g := range gids {
			key = append(key, byte(g>>8), byte(g))
		}
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if e, ok := fc.embs[string(key)]; ok {
		return e, nil
	}
	uni := make(map[uint16]rune, len(fc.base)+len(extra))
	for g, r := range fc.base {
		uni[g] = r
	}
	for g, r := range extra {
		uni[g] = r
	}
	e, err := fc.build(uni)
	if err != nil {
		return nil, err
	}
	if len(fc.embs) < maxCachedEmbeddings {
		fc.embs[string(key)] = e
	}
	return e, nil
}

func (fc *face) build(uni map[uint16]rune) (*embedding, error) {
	gids := make([]uint16, 0, len(uni))
	for g := range uni {
		gids = append(gids, g)
	}
	slices.Sort(gids)
	sub, err := fc.font.Subset(gids)
	if err != nil {
		return nil, fmt.Errorf("pdf: font subset of %s: %w", fc.name, err)
	}
	e := &embedding{length1: len(sub), fontFile: (*zpool)(nil).deflate(sub, zlib.BestCompression)}
	sum := sha256.Sum256(sub)
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	e.baseFont = string(tag) + "+" + fc.name

	// /W: runs of consecutive glyphs, [first [w1 w2 …] first [ …] …].
	w := []byte{'['}
	for i := 0; i < len(gids); {
		j := i + 1
		for j < len(gids) && gids[j] == gids[j-1]+1 {
			j++
		}
		w = strconv.AppendInt(w, int64(gids[i]), 10)
		w = append(w, " ["...)
		for k := i; k < j; k++ {
			if k > i {
				w = append(w, ' ')
			}
			w = strconv.AppendInt(w, int64(fc.glyphWidth(gids[k])), 10)
		}
		w = append(w, "] "...)
		i = j
	}
	e.widths = append(bytes.TrimRight(w, " "), ']')
	e.toUnicode = (*zpool)(nil).deflate(toUnicodeCMap(gids, uni), zlib.BestCompression)

	f := fc.font
	em := func(v int) int { return v * 1000 / f.UnitsPerEm }
	flags := 4 | 2 // symbolic (a CID font), serif
	if f.Italic {
		flags |= 64
	}
	stemV := 80
	if f.Bold {
		stemV = 140
	}
	e.descr = fmt.Appendf(nil, "/Flags %d /FontBBox [%d %d %d %d] /ItalicAngle %s /Ascent %d /Descent %d /CapHeight %d /StemV %d",
		flags, em(f.BBox[0]), em(f.BBox[1]), em(f.BBox[2]), em(f.BBox[3]),
		strconv.FormatFloat(f.ItalicAngle, 'f', -1, 64), em(f.Ascent), em(f.Descent), em(f.CapHeight), stemV)
	return e, nil
}

func (fc *face) glyphWidth(g uint16) int {
	return fc.font.Advance(g) * 1000 / fc.font.UnitsPerEm
}

// toUnicodeCMap maps every glyph (two-byte code) back to its character, so
// that text can be searched, copied and extracted (pdftotext).
func toUnicodeCMap(gids []uint16, uni map[uint16]rune) []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for i := 0; i < len(gids); i += 100 {
		chunk := gids[i:min(i+100, len(gids))]
		fmt.Fprintf(&b, "%d beginbfchar\n", len(chunk))
		for _, g := range chunk {
			fmt.Fprintf(&b, "<%04X> <", g)
			for _, u := range utf16.Encode([]rune{uni[g]}) {
				fmt.Fprintf(&b, "%04X", u)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}

// zpool reuses zlib compressors: a new zlib.Writer allocates several
// hundred kilobytes of tables. It is a small free list rather than a
// sync.Pool, whose entries do not survive the frequent collections of a
// busy server. The zero value is ready to use.
type zpool struct {
	once sync.Once
	free [10]chan *zlib.Writer
}

// deflate compresses b with zlib at level (1–9); a nil pool compresses
// with a new writer.
func (p *zpool) deflate(b []byte, level int) []byte {
	var out bytes.Buffer
	out.Grow(len(b)/3 + 64)
	var zw *zlib.Writer
	if p != nil {
		p.once.Do(func() {
			for i := range p.free {
				p.free[i] = make(chan *zlib.Writer, 8)
			}
		})
		select {
		case zw = <-p.free[level]:
			zw.Reset(&out)
		default:
		}
	}
	if zw == nil {
		zw, _ = zlib.NewWriterLevel(&out, level)
	}
	zw.Write(b)
	zw.Close()
	if p != nil {
		select {
		case p.free[level] <- zw:
		default:
		}
	}
	return out.Bytes()
}
