package pdfcheck_test

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"strings"
	"testing"

	"motcua/internal/testfile"
	"motcua/sign/pdfcheck"
)

func check(b []byte) error { return pdfcheck.Check(bytes.NewReader(b), int64(len(b))) }

// flateStream is an indirect stream object compressing n zero bytes.
func flateStream(n int) string {
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	chunk := make([]byte, 1<<20)
	for left := n; left > 0; left -= len(chunk) {
		w.Write(chunk[:min(len(chunk), left)])
	}
	w.Close()
	return fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.String())
}

func TestCheck(t *testing.T) {
	ok := testfile.PDF("hồ sơ")
	jpegPDF := append(testfile.JPEG(3), ok...)
	tests := []struct {
		name   string
		file   []byte
		active bool // refused as active content (422); false with wantErr: malformed (415)
		ok     bool
	}{
		{"well-formed", ok, false, true},
		{"goto open action is fine", testfile.PDFWithCatalog("/OpenAction [3 0 R /Fit]"), false, true},
		{"truncated", ok[:len(ok)*2/3], false, false},
		{"only a header", []byte("%PDF-1.7\n%%EOF\n"), false, false},
		{"header then junk", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("junk "), 100)...), false, false},
		{"junk after %%EOF (polyglot tail)", append(append([]byte{}, ok...), bytes.Repeat([]byte("<html><script>x</script></html>"), 100)...), false, false},
		{"JPEG with a PDF inside", jpegPDF, false, false},
		{"wrong xref offsets", bytes.Replace(ok, []byte("0000000015 00000 n"), []byte("0000000099 00000 n"), 1), false, false},
		{"no pages", testfile.PDFWithCatalog("/Pages 4 0 R"), false, false},
		{"JavaScript open action", testfile.PDFWithCatalog("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), true, false},
		{"JavaScript names tree", testfile.PDFWithCatalog("/Names << /JavaScript 5 0 R >>", "<< /Names [(a) << /S /JavaScript /JS (x) >>] >>"), true, false},
		{"JavaScript in an unreferenced object", testfile.PDFWithCatalog("", "<< /S /JavaScript /JS 6 0 R >>", "(app.alert(1))"), true, false},
		{"launch action", testfile.PDFWithCatalog("/OpenAction << /S /Launch /F (cmd.exe) >>"), true, false},
		{"embedded file", testfile.PDFWithCatalog("/Names << /EmbeddedFiles << /Names [(x.exe) 5 0 R] >> >>",
			"<< /Type /Filespec /F (x.exe) /EF << /F 6 0 R >> >>", "<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"), true, false},
		{"page additional action", testfile.PDFWithCatalog("", "<< /Type /Page /AA << /O << /S /JavaScript /JS (x) >> >> >>"), true, false},
		{"XFA form", testfile.PDFWithCatalog("/AcroForm << /Fields [] /XFA 5 0 R >>", "<< /Length 0 >>\nstream\n\nendstream"), true, false},
		{"encrypted", bytes.Replace(ok, []byte("/Root 1 0 R"), []byte("/Root 1 0 R /Encrypt << /Filter /Standard /V 9 >>"), 1), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := check(tt.file)
			if tt.ok {
				if err != nil {
					t.Fatalf("refused a good file: %v", err)
				}
				return
			}
			var e *pdfcheck.Error
			if !errors.As(err, &e) {
				t.Fatalf("Check = %v; want a refusal", err)
			}
			t.Logf("%s", e.Reason)
			if e.Active != tt.active {
				t.Errorf("Active = %v; want %v (%s)", e.Active, tt.active, e.Reason)
			}
			if !strings.HasPrefix(e.Reason, "Tệp PDF") {
				t.Errorf("message %q is not the Vietnamese one", e.Reason)
			}
		})
	}
}

// TestCheckBombs: a stream that inflates past the limit is refused
// without inflating it all.
func TestCheckBombs(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("compresses 257 MB (minutes under the race detector)")
	}
	bomb := testfile.PDFWithCatalog("", flateStream(pdfcheck.MaxInflated+1<<20))
	err := check(bomb)
	var e *pdfcheck.Error
	if !errors.As(err, &e) || !strings.Contains(e.Reason, "quá lớn") {
		t.Fatalf("bomb of %d bytes: %v", len(bomb), err)
	}
	if err := check(testfile.PDFWithCatalog("", flateStream(1<<20))); err != nil {
		t.Errorf("a 1 MB stream was refused: %v", err)
	}
}

// FuzzCheck: Check never panics, hangs or accepts a file qpdf-style
// parsing would not; it only answers nil or *Error.
func FuzzCheck(f *testing.F) {
	f.Add(testfile.PDF("seed"))
	f.Add(testfile.PDFWithCatalog("/OpenAction << /S /JavaScript /JS (x) >>"))
	f.Add(testfile.PDFWithCatalog("", "<< /Type /ObjStm /N 1 /First 4 /Length 10 >>\nstream\n6 0 << >>\nendstream"))
	f.Add([]byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer << /Root 1 0 R /Size 2 >>\nstartxref\n40\n%%EOF"))
	f.Fuzz(func(t *testing.T, b []byte) {
		err := check(b)
		var e *pdfcheck.Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("Check returned %T %v", err, err)
		}
	})
}
