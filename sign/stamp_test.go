package sign_test

import (
	"strings"
	"testing"
	"time"

	"motcua/internal/tooltest"
	"motcua/sign"
)

// TestStampPDF: the number and date written at issue onto a result the
// leader already signed (NĐ 30/2020 Điều 15.3) keep the leader's signature
// valid, read back as text, and are covered by the seal added afterwards.
func TestStampPDF(t *testing.T) {
	now, p := newTestPKINow(t)
	for _, xrefStream := range []bool{false, true} {
		file := testPDF(t)
		if xrefStream {
			file = minimalPDF(true)
		}
		signed, err := sign.SignPDF(file, p.officer, sign.PDFOptions{Kind: sign.Approval, Position: "Phó Chủ tịch", Capacity: "KT.",
			Location: "Bắc Ninh", Time: now, Rect: officerRect, Image: signaturePNG(t), Lines: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		stamped, err := sign.StampPDF(signed, []sign.Stamp{
			{Page: 1, Rect: [4]float64{150, 40, 300, 56}, Text: "07/GCN-HKD", Size: 13},
			{Page: 1, Rect: [4]float64{310, 40, 560, 56}, Text: "Bắc Ninh, ngày 27 tháng 11 năm 2026", Size: 13, Center: true},
			{Page: 1, Rect: [4]float64{310, 20, 560, 36}, Text: "   "}, // blank: nothing written
		}, nil)
		if err != nil {
			t.Fatalf("StampPDF: %v", err)
		}
		if !strings.HasPrefix(string(stamped), string(signed)) {
			t.Fatal("StampPDF rewrote the signed revision instead of appending to it")
		}
		if n := strings.Count(string(stamped[len(signed):]), "/Subtype /FreeText"); n != 2 {
			t.Errorf("update holds %d FreeText annotations; want 2", n)
		}
		rep, err := sign.VerifyPDF(stamped, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
		if err != nil || len(rep.Signatures) != 1 || !rep.Signatures[0].Intact {
			t.Errorf("the leader's signature after stamping: %+v, %v", rep, err)
		}
		sealed, err := sign.SignPDF(stamped, p.org, sign.PDFOptions{Kind: sign.Seal, Location: "Bắc Ninh", Time: now.Add(time.Minute),
			Rect: sealRect, Image: sealPNG(t), Lines: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		if out := pdfsig(t, sealed, ""); strings.Count(out, "Signature is Valid.") != 2 || !strings.Contains(out, "Total document signed") {
			t.Errorf("pdfsig after stamp and seal:\n%s", out)
		}
		txt := tooltest.PDFText(t, sealed)
		for _, want := range []string{"07/GCN-HKD", "Bắc Ninh, ngày 27 tháng 11 năm 2026"} {
			if !strings.Contains(txt, want) {
				t.Errorf("xref stream %v: stamped text lacks %q:\n%s", xrefStream, want, txt)
			}
		}
	}
	if _, err := sign.StampPDF([]byte("not a pdf"), []sign.Stamp{{Page: 1, Rect: [4]float64{0, 0, 100, 20}, Text: "x"}}, nil); sign.ErrorCode(err) != sign.EInvalidPDF {
		t.Errorf("StampPDF(garbage) = %v; want EInvalidPDF", err)
	}
}
