package sign_test

import (
	"bytes"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"motcua/sign"
)

// contentsHex matches the signature container, the only part of two
// signatures by the same key over the same input that may differ.
var contentsHex = regexp.MustCompile(`/Contents <[0-9a-f]+>`)

func blankContents(pdf []byte) []byte {
	return contentsHex.ReplaceAllFunc(pdf, func(b []byte) []byte { return bytes.Repeat([]byte{'-'}, len(b)) })
}

// TestAppearanceCacheSameOutput checks that glyph procedures and images
// taken from an AppearanceCache, warm or cold, give the same file as
// drawing them for one signature only.
func TestAppearanceCacheSameOutput(t *testing.T) {
	now := time.Date(2026, 5, 20, 9, 30, 15, 0, vn)
	p := newTestPKI(t, now)
	in := testPDF(t)
	font, _ := os.ReadFile(liberationSerif)
	sigImg, sealImg := signaturePNG(t), sealPNG(t)
	signWith := func(cache *sign.AppearanceCache, fontData []byte) []byte {
		t.Helper()
		out, err := sign.SignPDF(in, p.officer, sign.PDFOptions{
			Kind: sign.Approval, Position: "Phó Chủ tịch", Time: now, Rect: officerRect, Image: sigImg, Font: fontData, Cache: cache,
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err = sign.SignPDF(out, p.org, sign.PDFOptions{
			Kind: sign.Seal, Time: now.Add(time.Minute), Rect: sealRect, Image: sealImg, Font: fontData, Cache: cache,
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	want := blankContents(signWith(nil, font))
	var cache sign.AppearanceCache
	for i, got := range [][]byte{signWith(&cache, font), signWith(&cache, font), signWith(nil, nil), signWith(&cache, nil)} {
		if !bytes.Equal(blankContents(got), want) {
			t.Errorf("signature %d differs from the uncached one", i)
		}
	}
}

// TestAppearanceCacheConcurrent signs with one cache from several
// goroutines (run with -race).
func TestAppearanceCacheConcurrent(t *testing.T) {
	now, p := newTestPKINow(t)
	in := testPDF(t)
	var cache sign.AppearanceCache
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			out, err := sign.SignPDF(in, p.officer, sign.PDFOptions{
				Kind: sign.Approval, Position: "Phó Chủ tịch " + string(rune('A'+i)), Time: now, Rect: officerRect,
				Image: signaturePNG(t), Cache: &cache,
			})
			if err != nil {
				t.Error(err)
				return
			}
			rep, err := sign.VerifyPDF(out, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
			if err != nil || !rep.Intact {
				t.Errorf("VerifyPDF = %+v, %v", rep, err)
			}
		})
	}
	wg.Wait()
}
