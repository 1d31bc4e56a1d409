// Package testfile makes small well-formed files for tests: uploads are
// parsed in full (blob.Check), so a test file must be a real PDF, JPEG or
// PNG, not just its first bytes.
package testfile

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
)

// PDF returns a well-formed one-page PDF whose page shows note (ASCII;
// parentheses and backslashes are escaped), with a correct
// cross-reference table. Different notes give different files.
func PDF(note string) []byte {
	esc := bytes.NewBuffer(nil)
	for _, c := range []byte(note) {
		if c == '(' || c == ')' || c == '\\' {
			esc.WriteByte('\\')
		}
		if c < 0x20 || c > 0x7e {
			fmt.Fprintf(esc, "\\%03o", c)
			continue
		}
		esc.WriteByte(c)
	}
	return PDFContent("BT /F1 12 Tf 72 720 Td (" + esc.String() + ") Tj ET")
}

// PDFContent returns a well-formed one-page PDF (Helvetica as /F1) whose
// page content stream is stream, with a correct cross-reference table.
func PDFContent(stream string) []byte {
	return build([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	})
}

// PDFWithCatalog returns a one-page PDF whose catalog has the extra
// entries extra (e.g. "/OpenAction << /S /JavaScript /JS (x) >>"), and
// the extra objects more (numbered from 5).
func PDFWithCatalog(extra string, more ...string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R " + extra + " >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
		"<< /Length 0 >>\nstream\n\nendstream",
	}
	return build(append(objs, more...))
}

func build(objs []string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func img(seed byte) image.Image {
	m := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range m.Pix {
		m.Pix[i] = seed + byte(i)
	}
	m.Set(0, 0, color.RGBA{seed, 0, 0, 255})
	return m
}

// PNG returns a small valid PNG; different seeds give different files.
func PNG(seed byte) []byte {
	var b bytes.Buffer
	png.Encode(&b, img(seed))
	return b.Bytes()
}

// JPEG returns a small valid JPEG; different seeds give different files.
func JPEG(seed byte) []byte {
	var b bytes.Buffer
	jpeg.Encode(&b, img(seed), nil)
	return b.Bytes()
}

// XLSX returns a workbook whose first sheet holds rows (inline strings),
// zipped by hand: [Content_Types].xml, the workbook, its relations and
// xl/worksheets/sheet1.xml.
func XLSX(rows [][]string) []byte {
	var sheet bytes.Buffer
	for i, row := range rows {
		fmt.Fprintf(&sheet, `<row r="%d">`, i+1)
		for _, v := range row {
			sheet.WriteString(`<c t="inlineStr"><is><t>`)
			xml.EscapeText(&sheet, []byte(v))
			sheet.WriteString(`</t></is></c>`)
		}
		sheet.WriteString(`</row>`)
	}
	return xlsxWith(func(w io.Writer) { w.Write(sheet.Bytes()) })
}

// XLSXBomb returns a small workbook whose sheet inflates to about
// inflated bytes of identical rows (a zip bomb): a few hundred KB that
// would take gigabytes once parsed.
func XLSXBomb(inflated int) []byte {
	row := []byte(`<row><c t="inlineStr"><is><t>BN.SXD</t></is></c><c t="inlineStr"><is><t>Sở Xây dựng</t></is></c></row>`)
	chunk := bytes.Repeat(row, 64<<10/len(row))
	return xlsxWith(func(w io.Writer) {
		for n := 0; n < inflated; n += len(chunk) {
			w.Write(chunk)
		}
	})
}

func xlsxWith(sheetData func(io.Writer)) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	put := func(name, body string) {
		w, _ := z.Create(name)
		io.WriteString(w, body)
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" `+
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, _ := z.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate})
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	sheetData(w)
	io.WriteString(w, `</sheetData></worksheet>`)
	z.Close()
	return b.Bytes()
}

// CSVBomb returns a CSV file of about size bytes made of the smallest
// cells ("a,a,a…"), the most rows and cells a byte can buy.
func CSVBomb(size int) []byte {
	line := append(bytes.Repeat([]byte("a,"), 511), 'a', '\n')
	return bytes.Repeat(line, max(1, size/len(line)))
}
