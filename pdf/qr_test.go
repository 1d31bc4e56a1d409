package pdf

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	qrcode "github.com/piglig/go-qr"

	"motcua/internal/tooltest"
)

// TestQRMaskDecodes encodes payloads of the shapes the documents carry
// (lookup and verification links) and links of 44 to 234 characters
// (several versions), all with the fixed mask qrMask, draws each at
// four pixels per module and decodes it with go-qr's reader and, when
// installed, with zbarimg (another implementation).
func TestQRMaskDecodes(t *testing.T) {
	var payloads []string
	for i := range 40 {
		payloads = append(payloads,
			fmt.Sprintf("https://dichvucong.bacninh.gov.vn/tra-cuu?ma=000.00.12.H06-2611%02d-%04d&t=K7Q%03X", i%28, i*37, i*977),
			fmt.Sprintf("https://motcua.example/verify/%040x", uint64(i+1)*11400714819323198485))
	}
	for n := 10; n <= 200; n += 19 {
		payloads = append(payloads, "https://motcua.example/tra-cuu?q="+strings.Repeat("0123456789-ABCDEFGHIJ_klmnopqrst.", n/33+1)[:n])
	}
	dir := t.TempDir()
	var files []string
	for i, p := range payloads {
		bm, err := qrModules(p)
		if err != nil {
			t.Fatal(err)
		}
		img := qrImage(bm, 4)
		if got, err := qrcode.Decode(img); err != nil || got != nfc(p) {
			t.Errorf("go-qr decodes %q as %q, %v", p, got, err)
		}
		f := filepath.Join(dir, fmt.Sprintf("qr%03d.png", i))
		out, err := os.Create(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(out, img); err != nil {
			t.Fatal(err)
		}
		out.Close()
		files = append(files, f)
	}
	zbar, ok := tooltest.Optional(t, "zbarimg")
	if !ok {
		return
	}
	for i, f := range files {
		got, err := exec.Command(zbar, "--raw", "-q", f).Output()
		if err != nil || strings.TrimSuffix(string(got), "\n") != payloads[i] {
			t.Errorf("zbarimg decodes %q as %q, %v", payloads[i], got, err)
		}
	}
}

// qrImage draws the modules bm with px pixels per module, dark = black.
func qrImage(bm [][]bool, px int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, len(bm)*px, len(bm)*px))
	for y, row := range bm {
		for x, dark := range row {
			c := color.Gray{Y: 255}
			if dark {
				c = color.Gray{}
			}
			for dy := range px {
				for dx := range px {
					img.SetGray(x*px+dx, y*px+dy, c)
				}
			}
		}
	}
	return img
}
