package sign_test

import (
	"context"
	"os"
	"testing"
	"time"

	"motcua/sign"
)

// BenchmarkSignPDFTwice signs a one-page PDF by the officer and then seals
// it (visible appearances with PNG images and text, ECDSA P-256, no TSA).
func BenchmarkSignPDFTwice(b *testing.B) { benchmarkSignPDFTwice(b, nil) }

// BenchmarkSignPDFTwiceCached is BenchmarkSignPDFTwice with an
// AppearanceCache, as the dossier documents use: fonts, glyph procedures
// and images are prepared once.
func BenchmarkSignPDFTwiceCached(b *testing.B) { benchmarkSignPDFTwice(b, new(sign.AppearanceCache)) }

func benchmarkSignPDFTwice(b *testing.B, cache *sign.AppearanceCache) {
	now, p := newTestPKINow(b)
	pdf := testPDF(b)
	sigImg, sealImg := signaturePNG(b), sealPNG(b)
	font, _ := os.ReadFile(liberationSerif) // nil: SignPDF searches the system fonts
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out, err := sign.SignPDF(pdf, p.officer, sign.PDFOptions{
			Kind: sign.Approval, Position: "Phó Chủ tịch", Time: now, Rect: officerRect, Image: sigImg, Font: font, Cache: cache,
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sign.SignPDF(out, p.org, sign.PDFOptions{
			Kind: sign.Seal, Time: now.Add(time.Minute), Rect: sealRect, Image: sealImg, Font: font, Cache: cache,
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPDF verifies the two signatures of BenchmarkSignPDFTwice.
func BenchmarkVerifyPDF(b *testing.B) {
	now, p := newTestPKINow(b)
	signed := signBoth(b, p, testPDF(b), now, "")
	opts := sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rep, err := sign.VerifyPDF(signed, opts); err != nil || !rep.Intact {
			b.Fatal(rep, err)
		}
	}
}

// BenchmarkAddDSS adds the long-term validation data (PAdES B-LT) to the
// officer's and the seal's signatures: chains of three certificates and
// the demo root's CRL (reused from the demo PKI's cache, as a production
// HTTPRevocation reuses it until NextUpdate).
func BenchmarkAddDSS(b *testing.B) {
	now := testNow()
	benchAddDSS(b, newTestPKI(b, now), now)
}

// benchAddDSS measures AddDSS on a file signed by the officer and the seal
// of p at now, with p's demo PKI as the revocation source.
func benchAddDSS(b *testing.B, p *testPKI, now time.Time) {
	signed := signBoth(b, p, testPDF(b), now, "")
	opts := sign.DSSOptions{Roots: p.pki.RootPool(), Revocation: p.pki, Now: now.Add(2 * time.Minute)}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := sign.AddDSS(ctx, signed, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPDFLTV is BenchmarkVerifyPDF on the B-LT file: it adds
// the revocation check from the DSS and the check that only validation
// data follows the last signature.
func BenchmarkVerifyPDFLTV(b *testing.B) {
	now, p := newTestPKINow(b)
	lt := addDSS(b, p, signBoth(b, p, testPDF(b), now, ""), now.Add(2*time.Minute))
	opts := sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rep, err := sign.VerifyPDF(lt, opts); err != nil || !rep.Intact || !rep.LTV {
			b.Fatal(rep, err)
		}
	}
}
