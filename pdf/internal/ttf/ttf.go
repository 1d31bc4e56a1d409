// Package ttf reads the few TrueType tables a PDF writer needs (character
// map, advance widths, vertical metrics) and writes glyph subsets of a font
// for embedding as a CIDFontType2 (FontFile2).
//
// A subset keeps the glyphs asked for, the components of composite glyphs
// and glyph 0 (.notdef) at their original glyph IDs. Hinting (the fpgm, prep and cvt tables and the
// glyph programs) is dropped: PDF viewers and printers rasterise outlines
// at high resolution, and without the programs a Vietnamese subset is
// about half the size.
package ttf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
)

// Font is a parsed TrueType font. It is immutable and safe for concurrent
// use.
type Font struct {
	data       []byte
	tables     map[string][]byte
	UnitsPerEm int
	NumGlyphs  int
	// Metrics in font units, for the PDF font descriptor.
	Ascent, Descent, CapHeight int
	BBox                       [4]int
	ItalicAngle                float64
	Bold, Italic, FixedPitch   bool
	PostScriptName             string

	advances []uint16 // per glyph
	lsbs     []int16  // per glyph
	loca     []uint32 // NumGlyphs+1 offsets into glyf
	cmap     map[rune]uint16
}

var be = binary.BigEndian

// Parse reads a TrueType font (not a collection, not CFF outlines).
func Parse(data []byte) (*Font, error) {
	if len(data) < 12 {
		return nil, errors.New("ttf: file too short")
	}
	if v := be.Uint32(data); v != 0x00010000 && v != 0x74727565 { // 1.0 or 'true'
		return nil, fmt.Errorf("ttf: not a TrueType font (version %#x)", v)
	}
	n := int(be.Uint16(data[4:]))
	if len(data) < 12+16*n {
		return nil, errors.New("ttf: truncated table directory")
	}
	f := &Font{data: data, tables: make(map[string][]byte, n)}
	for i := range n {
		rec := data[12+16*i:]
		off, ln := be.Uint32(rec[8:]), be.Uint32(rec[12:])
		if uint64(off)+uint64(ln) > uint64(len(data)) {
			return nil, fmt.Errorf("ttf: table %q out of bounds", rec[:4])
		}
		f.tables[string(rec[:4])] = data[off : off+ln]
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap"} {
		if f.tables[t] == nil {
			return nil, fmt.Errorf("ttf: missing %s table", t)
		}
	}
	if err := f.parseHead(); err != nil {
		return nil, err
	}
	if err := f.parseMetrics(); err != nil {
		return nil, err
	}
	if err := f.parseCmap(); err != nil {
		return nil, err
	}
	f.parseNames()
	return f, nil
}

func (f *Font) parseHead() error {
	head, maxp := f.tables["head"], f.tables["maxp"]
	if len(head) < 54 || len(maxp) < 6 {
		return errors.New("ttf: short head or maxp table")
	}
	f.UnitsPerEm = int(be.Uint16(head[18:]))
	if f.UnitsPerEm == 0 {
		return errors.New("ttf: unitsPerEm is 0")
	}
	for i := range 4 {
		f.BBox[i] = int(int16(be.Uint16(head[36+2*i:])))
	}
	mac := be.Uint16(head[44:])
	f.Bold, f.Italic = mac&1 != 0, mac&2 != 0
	f.NumGlyphs = int(be.Uint16(maxp[4:]))
	long := int16(be.Uint16(head[50:])) == 1
	loca := f.tables["loca"]
	f.loca = make([]uint32, f.NumGlyphs+1)
	for i := range f.loca {
		switch {
		case long && 4*i+4 <= len(loca):
			f.loca[i] = be.Uint32(loca[4*i:])
		case !long && 2*i+2 <= len(loca):
			f.loca[i] = 2 * uint32(be.Uint16(loca[2*i:]))
		default:
			return errors.New("ttf: short loca table")
		}
	}
	glyf := f.tables["glyf"]
	for i := 0; i < f.NumGlyphs; i++ {
		if f.loca[i] > f.loca[i+1] || int(f.loca[i+1]) > len(glyf) {
			return fmt.Errorf("ttf: bad loca entry for glyph %d", i)
		}
	}
	return nil
}

func (f *Font) parseMetrics() error {
	hhea, hmtx := f.tables["hhea"], f.tables["hmtx"]
	if len(hhea) < 36 {
		return errors.New("ttf: short hhea table")
	}
	f.Ascent = int(int16(be.Uint16(hhea[4:])))
	f.Descent = int(int16(be.Uint16(hhea[6:])))
	nh := int(be.Uint16(hhea[34:]))
	if nh == 0 || nh > f.NumGlyphs || len(hmtx) < 4*nh+2*(f.NumGlyphs-nh) {
		return errors.New("ttf: bad hmtx table")
	}
	f.advances = make([]uint16, f.NumGlyphs)
	f.lsbs = make([]int16, f.NumGlyphs)
	for i := range f.NumGlyphs {
		if i < nh {
			f.advances[i] = be.Uint16(hmtx[4*i:])
			f.lsbs[i] = int16(be.Uint16(hmtx[4*i+2:]))
		} else {
			f.advances[i] = f.advances[nh-1]
			f.lsbs[i] = int16(be.Uint16(hmtx[4*nh+2*(i-nh):]))
		}
	}
	if os2 := f.tables["OS/2"]; len(os2) >= 90 && be.Uint16(os2) >= 2 {
		f.CapHeight = int(int16(be.Uint16(os2[88:])))
	} else {
		f.CapHeight = f.Ascent
	}
	if post := f.tables["post"]; len(post) >= 16 {
		f.ItalicAngle = float64(int32(be.Uint32(post[4:]))) / 65536
		f.FixedPitch = be.Uint32(post[12:]) != 0
	}
	return nil
}

// parseCmap reads the Unicode subtable (format 12 preferred, else 4).
func (f *Font) parseCmap() error {
	cm := f.tables["cmap"]
	if len(cm) < 4 {
		return errors.New("ttf: short cmap table")
	}
	var best []byte
	bestFormat := 0
	for i := range int(be.Uint16(cm[2:])) {
		rec := cm[4+8*i:]
		if len(rec) < 8 {
			break
		}
		pid, eid, off := be.Uint16(rec), be.Uint16(rec[2:]), be.Uint32(rec[4:])
		if int(off)+4 > len(cm) || !(pid == 0 || pid == 3 && (eid == 1 || eid == 10)) {
			continue
		}
		sub := cm[off:]
		format := int(be.Uint16(sub))
		if (format == 12 || format == 4) && format > bestFormat {
			best, bestFormat = sub, format
		}
	}
	f.cmap = make(map[rune]uint16, 1024)
	switch bestFormat {
	case 12:
		if len(best) < 16 {
			return errors.New("ttf: short cmap format 12")
		}
		n := int(be.Uint32(best[12:]))
		if len(best) < 16+12*n {
			return errors.New("ttf: short cmap format 12")
		}
		for i := range n {
			g := best[16+12*i:]
			start, end, gid := be.Uint32(g), be.Uint32(g[4:]), be.Uint32(g[8:])
			for c := start; c <= end && c <= 0x10FFFF; c++ {
				if id := gid + c - start; id < uint32(f.NumGlyphs) {
					f.cmap[rune(c)] = uint16(id)
				}
			}
		}
	case 4:
		if len(best) < 14 {
			return errors.New("ttf: short cmap format 4")
		}
		segs := int(be.Uint16(best[6:])) / 2
		if len(best) < 16+8*segs {
			return errors.New("ttf: short cmap format 4")
		}
		ends, starts := best[14:], best[16+2*segs:]
		deltas, ranges := best[16+4*segs:], best[16+6*segs:]
		for s := range segs {
			end, start := int(be.Uint16(ends[2*s:])), int(be.Uint16(starts[2*s:]))
			delta, ro := be.Uint16(deltas[2*s:]), int(be.Uint16(ranges[2*s:]))
			for c := start; c <= end && c != 0xFFFF; c++ {
				var gid uint16
				if ro == 0 {
					gid = uint16(c) + delta
				} else {
					p := 16 + 6*segs + 2*s + ro + 2*(c-start)
					if p+2 > len(best) {
						continue
					}
					if gid = be.Uint16(best[p:]); gid != 0 {
						gid += delta
					}
				}
				if gid != 0 && int(gid) < f.NumGlyphs {
					f.cmap[rune(c)] = gid
				}
			}
		}
	default:
		return errors.New("ttf: no Unicode cmap subtable")
	}
	return nil
}

// parseNames reads the PostScript name (name ID 6), Windows or Mac record.
func (f *Font) parseNames() {
	nm := f.tables["name"]
	if len(nm) < 6 {
		return
	}
	count, strOff := int(be.Uint16(nm[2:])), int(be.Uint16(nm[4:]))
	for i := range count {
		rec := nm[6+12*i:]
		if len(rec) < 12 || be.Uint16(rec[6:]) != 6 {
			continue
		}
		pid, ln, off := be.Uint16(rec), int(be.Uint16(rec[8:])), int(be.Uint16(rec[10:]))
		if strOff+off+ln > len(nm) {
			continue
		}
		s := nm[strOff+off : strOff+off+ln]
		if pid == 3 || pid == 0 { // UTF-16BE
			b := make([]byte, 0, ln/2)
			for j := 0; j+1 < len(s); j += 2 {
				if c := be.Uint16(s[j:]); c < 0x80 {
					b = append(b, byte(c))
				}
			}
			f.PostScriptName = string(b)
		} else {
			f.PostScriptName = string(s)
		}
		if f.PostScriptName != "" {
			return
		}
	}
}

// GlyphID returns the glyph for r, and false when the font has none.
func (f *Font) GlyphID(r rune) (uint16, bool) {
	g, ok := f.cmap[r]
	return g, ok
}

// Advance returns the advance width of glyph g in font units.
func (f *Font) Advance(g uint16) int {
	if int(g) >= len(f.advances) {
		return 0
	}
	return int(f.advances[g])
}

// glyph returns the glyf data of g.
func (f *Font) glyph(g uint16) []byte {
	return f.tables["glyf"][f.loca[g]:f.loca[g+1]]
}

// Composite glyph flags.
const (
	argWords      = 0x0001
	haveScale     = 0x0008
	moreComps     = 0x0020
	haveXYScale   = 0x0040
	haveTwoByTwo  = 0x0080
	haveInstr     = 0x0100
	compHeaderLen = 4 // flags, glyphIndex
)

// components calls fn with the offset of each component's glyph index in a
// composite glyph, and returns the offset just after the last component.
func components(g []byte, fn func(off int)) (int, error) {
	p := 10
	for {
		if p+compHeaderLen > len(g) {
			return 0, errors.New("ttf: truncated composite glyph")
		}
		flags := be.Uint16(g[p:])
		fn(p + 2)
		p += compHeaderLen
		if flags&argWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if p > len(g) {
			return 0, errors.New("ttf: truncated composite glyph")
		}
		if flags&moreComps == 0 {
			return p, nil
		}
	}
}

// Subset writes a font that keeps glyph 0, the glyphs gids and the
// components of composite glyphs; every other glyph is left empty with a
// zero advance. Glyph IDs do not change, so a PDF can map character codes
// to glyphs with /CIDToGIDMap /Identity and draw text before it knows the
// final subset. The glyph table ends at the highest glyph kept.
func (f *Font) Subset(gids []uint16) ([]byte, error) {
	keep := make([]bool, f.NumGlyphs)
	keep[0] = true
	queue := []uint16{0}
	for _, g := range gids {
		if int(g) < f.NumGlyphs && !keep[g] {
			keep[g] = true
			queue = append(queue, g)
		}
	}
	for len(queue) > 0 {
		g := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		data := f.glyph(g)
		if len(data) < 10 || int16(be.Uint16(data)) >= 0 {
			continue
		}
		var bad error
		_, err := components(data, func(off int) {
			c := be.Uint16(data[off:])
			if int(c) >= f.NumGlyphs {
				bad = fmt.Errorf("ttf: glyph %d refers to glyph %d", g, c)
				return
			}
			if !keep[c] {
				keep[c] = true
				queue = append(queue, c)
			}
		})
		if err == nil {
			err = bad
		}
		if err != nil {
			return nil, err
		}
	}
	n := f.NumGlyphs
	for n > 1 && !keep[n-1] {
		n--
	}

	// glyf without programs, loca (long), hmtx.
	var glyf []byte
	loca := make([]byte, 4*(n+1))
	hmtx := make([]byte, 4*n)
	for g := range n {
		be.PutUint32(loca[4*g:], uint32(len(glyf)))
		if !keep[g] {
			continue
		}
		be.PutUint16(hmtx[4*g:], f.advances[g])
		be.PutUint16(hmtx[4*g+2:], uint16(f.lsbs[g]))
		if data := f.glyph(uint16(g)); len(data) >= 10 {
			out, err := stripGlyph(data)
			if err != nil {
				return nil, fmt.Errorf("ttf: glyph %d: %w", g, err)
			}
			glyf = append(glyf, out...)
			for len(glyf)%4 != 0 {
				glyf = append(glyf, 0)
			}
		}
	}
	be.PutUint32(loca[4*n:], uint32(len(glyf)))

	head := slices.Clone(f.tables["head"])
	be.PutUint32(head[8:], 0) // checkSumAdjustment, set by assemble
	be.PutUint16(head[50:], 1)
	hhea := slices.Clone(f.tables["hhea"])
	be.PutUint16(hhea[34:], uint16(n))
	maxp := slices.Clone(f.tables["maxp"])
	be.PutUint16(maxp[4:], uint16(n))
	if len(maxp) >= 32 {
		// No programs: one zone, no twilight points, storage or functions.
		be.PutUint16(maxp[14:], 1)
		for _, off := range []int{16, 18, 20, 22, 24, 26} {
			be.PutUint16(maxp[off:], 0)
		}
	}
	post := make([]byte, 32)
	if p := f.tables["post"]; len(p) >= 32 {
		copy(post, p[:32])
	}
	be.PutUint32(post, 0x00030000) // format 3: no glyph names
	tables := map[string][]byte{"head": head, "hhea": hhea, "maxp": maxp, "hmtx": hmtx,
		"loca": loca, "glyf": glyf, "post": post, "cmap": emptyCmap}
	if os2 := f.tables["OS/2"]; os2 != nil {
		tables["OS/2"] = os2
	}
	return assemble(tables), nil
}

// emptyCmap is a Windows Unicode cmap with no characters (format 4, only
// the closing 0xFFFF segment). A PDF CIDFontType2 maps codes to glyphs
// through CIDToGIDMap, but some font parsers insist on a cmap table.
var emptyCmap = []byte{
	0, 0, 0, 1, // version, one subtable
	0, 3, 0, 1, 0, 0, 0, 12, // Windows, Unicode BMP, at offset 12
	0, 4, 0, 24, 0, 0, // format 4, length, language
	0, 2, 0, 2, 0, 0, 0, 0, // segCountX2, searchRange, entrySelector, rangeShift
	0xFF, 0xFF, 0, 0, // endCode, reservedPad
	0xFF, 0xFF, 0, 1, 0, 0, // startCode, idDelta, idRangeOffset
}

// stripGlyph copies a glyph without its instructions.
func stripGlyph(g []byte) ([]byte, error) {
	nc := int16(be.Uint16(g))
	if nc >= 0 {
		// Simple glyph: header, endPts[nc], instructionLength, instructions,
		// then flags and coordinates.
		p := 10 + 2*int(nc)
		if p+2 > len(g) {
			return nil, errors.New("truncated simple glyph")
		}
		il := int(be.Uint16(g[p:]))
		if p+2+il > len(g) {
			return nil, errors.New("truncated instructions")
		}
		out := make([]byte, 0, len(g)-il)
		out = append(out, g[:p]...)
		out = append(out, 0, 0)
		return append(out, g[p+2+il:]...), nil
	}
	out := slices.Clone(g)
	end, err := components(out, func(off int) {
		be.PutUint16(out[off-2:], be.Uint16(out[off-2:])&^haveInstr)
	})
	if err != nil {
		return nil, err
	}
	return out[:end], nil
}

// assemble writes an sfnt file from its tables, with checksums.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	es := 0
	for 1<<(es+1) <= n {
		es++
	}
	size := 12 + 16*n
	for _, t := range tags {
		size += (len(tables[t]) + 3) &^ 3
	}
	out := make([]byte, 12+16*n, size)
	be.PutUint32(out, 0x00010000)
	be.PutUint16(out[4:], uint16(n))
	be.PutUint16(out[6:], uint16(16<<es))
	be.PutUint16(out[8:], uint16(es))
	be.PutUint16(out[10:], uint16(16*n-16<<es))
	headAt := 0
	for i, t := range tags {
		d := tables[t]
		rec := out[12+16*i:]
		copy(rec, t)
		be.PutUint32(rec[4:], checksum(d))
		be.PutUint32(rec[8:], uint32(len(out)))
		be.PutUint32(rec[12:], uint32(len(d)))
		if t == "head" {
			headAt = len(out)
		}
		out = append(out, d...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	if headAt > 0 {
		be.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out
}

func checksum(b []byte) uint32 {
	var s uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		s += be.Uint32(w[:])
	}
	return s
}
