package ttf

import (
	"os"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

func load(t testing.TB, name string) ([]byte, *Font) {
	t.Helper()
	data, err := os.ReadFile("../../fonts/" + name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return data, f
}

// TestMetricsMatchSfnt compares what Parse reads with x/image's parser.
func TestMetricsMatchSfnt(t *testing.T) {
	data, f := load(t, "LiberationSerif-Regular.ttf")
	ref, err := sfnt.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if f.NumGlyphs != ref.NumGlyphs() || f.UnitsPerEm != int(ref.UnitsPerEm()) {
		t.Fatalf("glyphs/upem = %d/%d; sfnt %d/%d", f.NumGlyphs, f.UnitsPerEm, ref.NumGlyphs(), ref.UnitsPerEm())
	}
	if f.PostScriptName != "LiberationSerif" {
		t.Errorf("PostScript name = %q", f.PostScriptName)
	}
	var buf sfnt.Buffer
	ppem := fixed.I(f.UnitsPerEm)
	for _, r := range "AaĐđƠơƯưẠạẶặỹ€…“”№0123456789 " {
		g, ok := f.GlyphID(r)
		rg, err := ref.GlyphIndex(&buf, r)
		if !ok || err != nil || uint16(rg) != g {
			t.Errorf("GlyphID(%q) = %d, %v; sfnt %d, %v", r, g, ok, rg, err)
			continue
		}
		adv, err := ref.GlyphAdvance(&buf, rg, ppem, font.HintingNone)
		if err != nil || adv.Round() != f.Advance(g) {
			t.Errorf("Advance(%q) = %d; sfnt %v", r, f.Advance(g), adv)
		}
	}
	if _, ok := f.GlyphID('中'); ok {
		t.Errorf("Liberation Serif has no CJK glyphs")
	}
}

// TestSubset checks that a subset parses, keeps the outlines and advances
// of the glyphs asked for and of the components of composite glyphs (the
// precomposed Vietnamese vowels are composites), at their glyph IDs, and
// empties the others.
func TestSubset(t *testing.T) {
	for _, name := range []string{"LiberationSerif-Regular.ttf", "LiberationSerif-BoldItalic.ttf"} {
		data, f := load(t, name)
		ref, _ := sfnt.Parse(data)
		var keep []uint16
		for _, r := range "Nguyễn Thị Ánh Tuyết" {
			g, _ := f.GlyphID(r)
			keep = append(keep, g)
		}
		out, err := f.Subset(keep)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) >= len(data)/4 {
			t.Errorf("%s: subset is %d bytes of %d", name, len(out), len(data))
		}
		sub, err := sfnt.Parse(out)
		if err != nil {
			t.Fatalf("%s: subset does not parse: %v", name, err)
		}
		sf, err := Parse(append(out[:0:0], out...))
		if err != nil {
			t.Fatal(err)
		}
		var b1, b2 sfnt.Buffer
		ppem := fixed.I(f.UnitsPerEm)
		for _, g := range keep {
			want, err := ref.LoadGlyph(&b1, sfnt.GlyphIndex(g), ppem, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := sub.LoadGlyph(&b2, sfnt.GlyphIndex(g), ppem, nil)
			if err != nil {
				t.Fatalf("%s: glyph %d: %v", name, g, err)
			}
			if len(got) != len(want) {
				t.Errorf("%s: glyph %d has %d segments; original %d", name, g, len(got), len(want))
				continue
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("%s: glyph %d segment %d = %v; original %v", name, g, i, got[i], want[i])
					break
				}
			}
			if sf.Advance(g) != f.Advance(g) {
				t.Errorf("%s: advance of %d = %d; original %d", name, g, sf.Advance(g), f.Advance(g))
			}
		}
		// A glyph not asked for (and not a component) is empty.
		gz, _ := f.GlyphID('Z')
		if int(gz) < sf.NumGlyphs {
			if segs, err := sub.LoadGlyph(&b2, sfnt.GlyphIndex(gz), ppem, nil); err != nil || len(segs) != 0 {
				t.Errorf("%s: glyph of Z kept (%d segments, %v)", name, len(segs), err)
			}
		}
	}
}

// TestParseRejectsDamage feeds truncated and altered fonts to Parse and
// Subset: errors, never a panic.
func TestParseRejectsDamage(t *testing.T) {
	data, _ := load(t, "LiberationSerif-Regular.ttf")
	for _, n := range []int{0, 4, 11, 12, 100, 400, 4000, len(data) / 2} {
		if _, err := Parse(data[:n]); err == nil {
			t.Errorf("Parse of the first %d bytes succeeded", n)
		}
	}
	if _, err := Parse([]byte("OTTO\x00\x00\x00\x00\x00\x00\x00\x00")); err == nil {
		t.Errorf("CFF font accepted")
	}
}

func FuzzParse(f *testing.F) {
	data, err := os.ReadFile("../../fonts/LiberationSerif-Regular.ttf")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data[:2000])
	f.Fuzz(func(t *testing.T, b []byte) {
		ft, err := Parse(b)
		if err != nil {
			return
		}
		ft.GlyphID('a')
		ft.Subset([]uint16{1, 2, 3, 100})
	})
}
