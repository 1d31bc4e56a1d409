package sign_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/internal/clocktest"
	"motcua/internal/tooltest"
	"motcua/pdf"
	"motcua/sign"
	"motcua/sign/tsatest"
)

const liberationSerif = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"

// vn is Vietnam time.
var vn = time.FixedZone("ICT", 7*3600)

// testNow is the clock of most tests: the wall clock, so that pdfsig (which
// checks certificates at its own current time) agrees with the demo PKI.
func testNow() time.Time { return clocktest.Now().In(vn).Truncate(time.Second) }

// testPKI holds a demo CA and the two identities of the usual flow.
type testPKI struct {
	pki     *sign.DemoPKI
	officer *sign.Identity
	org     *sign.Identity
}

// officerChain returns the officer's certificate and its issuers, or ends
// tb.
func (p *testPKI) officerChain(tb testing.TB) []*x509.Certificate {
	tb.Helper()
	certs, err := p.officer.Certificates(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return certs
}

// preparePDF prepares the officer's signature of testPDF with opts, whose
// Kind and Time default to an approval at now, or ends tb.
func (p *testPKI) preparePDF(tb testing.TB, now time.Time, opts sign.PDFOptions) *sign.PreparedPDF {
	tb.Helper()
	if opts.Kind == 0 {
		opts.Kind = sign.Approval
	}
	if opts.Time.IsZero() {
		opts.Time = now
	}
	pp, err := sign.PreparePDF(testPDF(tb), p.officerChain(tb), opts)
	if err != nil {
		tb.Fatal(err)
	}
	return pp
}

// newTestPKINow is newTestPKI at testNow, which it returns too.
func newTestPKINow(tb testing.TB) (time.Time, *testPKI) {
	tb.Helper()
	now := testNow()
	return now, newTestPKI(tb, now)
}

func newTestPKI(tb testing.TB, now time.Time) *testPKI {
	tb.Helper()
	return newTestPKIWith(tb, now, func(*sign.DemoPKI) {})
}

// newDemoPKI makes a demo CA valid at now, or ends tb.
func newDemoPKI(tb testing.TB, now time.Time) *sign.DemoPKI {
	tb.Helper()
	pki, err := sign.NewDemoPKI(now)
	if err != nil {
		tb.Fatal(err)
	}
	return pki
}

// newTestPKIWith is newTestPKI whose CA configure sets up (its OCSP or CRL
// address) before the two identities are issued.
func newTestPKIWith(tb testing.TB, now time.Time, configure func(*sign.DemoPKI)) *testPKI {
	tb.Helper()
	pki := newDemoPKI(tb, now)
	configure(pki)
	officer, _, err := pki.IssuePerson("Nguyễn Văn Ánh", "Phó Chủ tịch", "Ủy ban nhân dân tỉnh Bắc Ninh")
	if err != nil {
		tb.Fatal(err)
	}
	org, _, err := pki.IssueOrganization("Ủy ban nhân dân tỉnh Bắc Ninh")
	if err != nil {
		tb.Fatal(err)
	}
	return &testPKI{pki: pki, officer: officer, org: org}
}

// testPDF renders a one-page A4 result document with Vietnamese text with
// our PDF writer (classic xref table, Type 0 fonts).
func testPDF(tb testing.TB) []byte {
	tb.Helper()
	r, err := pdf.NewRenderer()
	if err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	_, err = r.RenderResult(&b, pdf.ResultDoc{ParentAgency: "UBND TỈNH BẮC NINH", Agency: "SỞ KẾ HOẠCH VÀ ĐẦU TƯ",
		Number: pdf.DocNumber(1, "GCN-HKD"), Place: "Bắc Ninh", Date: time.Date(2026, 11, 26, 9, 0, 0, 0, vn),
		Title: "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", Body: []string{"Cấp cho: Ông Nguyễn Văn Ánh."},
		Recipients: []string{"Như trên;", "Lưu: VT."}, Signer: pdf.Signer{Position: "PHÓ GIÁM ĐỐC", Name: "Nguyễn Văn Ánh"}})
	if err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// minimalPDF returns a hand-written one-page PDF with a classic xref table
// or, when xrefStream is set, a cross-reference stream.
func minimalPDF(xrefStream bool) []byte {
	content := "BT /F1 24 Tf 72 720 Td (Giay xac nhan - motcua) Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content)+1, content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs)+2)
	for i, o := range objs {
		offsets[i+1] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	const id = "<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>"
	if !xrefStream {
		xref := b.Len()
		fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", len(objs)+1)
		for i := range objs {
			fmt.Fprintf(&b, "%010d 00000 n\r\n", offsets[i+1])
		}
		fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /ID [%s] >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, id, xref)
		return b.Bytes()
	}
	n := len(objs) + 1 // the xref stream object
	offsets[n] = b.Len()
	var rows bytes.Buffer
	for i := 0; i <= n; i++ {
		typ := byte(1)
		if i == 0 {
			typ = 0
		}
		off := offsets[i]
		rows.Write([]byte{typ, byte(off >> 24), byte(off >> 16), byte(off >> 8), byte(off), 0, 0})
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(rows.Bytes())
	zw.Close()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /ID [%s] /Filter /FlateDecode /Length %d >>\nstream\n",
		n, n+1, id, z.Len())
	b.Write(z.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", offsets[n])
	return b.Bytes()
}

// signaturePNG draws a blue scribble on a transparent background.
func signaturePNG(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 240, 90))
	blue := color.NRGBA{0x10, 0x30, 0xB0, 0xff}
	for x := 10; x < 230; x++ {
		y := 45 + int(25*math.Sin(float64(x)/18))
		for d := -2; d <= 2; d++ {
			img.SetNRGBA(x, y+d, blue)
		}
	}
	return encodePNG(tb, img)
}

// sealPNG draws a red ring (the seal) on a transparent background.
func sealPNG(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 160, 160))
	red := color.NRGBA{0xD0, 0x10, 0x10, 0xe0}
	for y := 0; y < 160; y++ {
		for x := 0; x < 160; x++ {
			r := math.Hypot(float64(x)-80, float64(y)-80)
			if (r > 68 && r < 76) || (r > 50 && r < 53) || (r < 12) {
				img.SetNRGBA(x, y, red)
			}
		}
	}
	return encodePNG(tb, img)
}

func encodePNG(tb testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// Officer's and seal's boxes: the seal overlaps the left third of the
// officer's box (ND 30/2020 Phụ lục I).
var (
	officerRect = [4]float64{330, 120, 510, 200}
	sealRect    = [4]float64{270, 95, 390, 215}
)

// signedTestPDF is testPDF signed by the officer then sealed by the
// organization (signBoth, no TSA) at testNow, with the PKI that issued
// their certificates.
func signedTestPDF(tb testing.TB) (time.Time, *testPKI, []byte) {
	tb.Helper()
	now, p := newTestPKINow(tb)
	return now, p, signBoth(tb, p, testPDF(tb), now, "")
}

// signBoth signs pdf by the officer, then seals it.
func signBoth(tb testing.TB, p *testPKI, pdf []byte, now time.Time, tsaURL string) []byte {
	tb.Helper()
	out, err := sign.SignPDF(pdf, p.officer, sign.PDFOptions{
		Kind: sign.Approval, Position: "Phó Chủ tịch", Capacity: "KT.", Location: "Bắc Ninh",
		Time: now, Rect: officerRect, Image: signaturePNG(tb), TSAURL: tsaURL,
	})
	if err != nil {
		tb.Fatalf("SignPDF(approval) = %v", err)
	}
	out, err = sign.SignPDF(out, p.org, sign.PDFOptions{
		Kind: sign.Seal, Location: "Bắc Ninh", Time: now.Add(time.Minute), Rect: sealRect, Image: sealPNG(tb), TSAURL: tsaURL,
	})
	if err != nil {
		tb.Fatalf("SignPDF(seal) = %v", err)
	}
	return out
}

// needTool skips the test when a command-line tool is absent (CI installs
// them).
func needTool(tb testing.TB, name string) string {
	tb.Helper()
	return tooltest.Path(tb, name)
}

// pdfsig runs poppler's pdfsig on pdf and returns its output. nssDir may
// be empty.
func pdfsig(tb testing.TB, pdf []byte, nssDir string) string {
	tb.Helper()
	bin := needTool(tb, "pdfsig")
	file := filepath.Join(tb.TempDir(), "signed.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		tb.Fatal(err)
	}
	args := []string{}
	if nssDir != "" {
		args = append(args, "-nssdir", "sql:"+nssDir)
	}
	args = append(args, file)
	out, _ := clocktest.Command(tb, clocktest.Now(), bin, args...).CombinedOutput() // pdfsig exits non-zero on invalid signatures
	return string(out)
}

// nssTrusting creates an NSS database trusting rootPEM as a CA.
func nssTrusting(tb testing.TB, rootPEM []byte) string {
	tb.Helper()
	bin := needTool(tb, "certutil")
	dir := tb.TempDir()
	root := filepath.Join(dir, "root.pem")
	if err := os.WriteFile(root, rootPEM, 0o600); err != nil {
		tb.Fatal(err)
	}
	for _, args := range [][]string{
		{"-N", "--empty-password", "-d", "sql:" + dir},
		{"-A", "-n", "motcua-demo-root", "-t", "CT,C,C", "-i", root, "-d", "sql:" + dir},
	} {
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			tb.Fatalf("certutil %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return dir
}

func runTool(bin string, args ...string) (string, error) {
	out, err := exec.Command(bin, args...).CombinedOutput()
	return string(out), err
}

func asError(err error, target **sign.Error) bool { return errors.As(err, target) }

// objStmPDF returns a PDF whose catalog lives in an object stream with
// the given body.
func objStmPDF(body string) []byte { return buildObjStmPDF(body, false) }

// buildObjStmPDF is objStmPDF; selfRef declares the object stream as
// stored inside itself.
func buildObjStmPDF(body string, selfRef bool) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	off2 := b.Len()
	stm := "1 0 " + body
	fmt.Fprintf(&b, "2 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Length %d >>\nstream\n%s\nendstream\nendobj\n", len(stm), stm)
	off3 := b.Len()
	var rows bytes.Buffer
	rows.Write([]byte{0, 0, 0, 0, 0, 0xff, 0xff})
	rows.Write([]byte{2, 0, 0, 0, 2, 0, 0})
	if selfRef {
		rows.Write([]byte{2, 0, 0, 0, 2, 0, 0})
	} else {
		rows.Write([]byte{1, byte(off2 >> 24), byte(off2 >> 16), byte(off2 >> 8), byte(off2), 0, 0})
	}
	rows.Write([]byte{1, byte(off3 >> 24), byte(off3 >> 16), byte(off3 >> 8), byte(off3), 0, 0})
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(rows.Bytes())
	zw.Close()
	fmt.Fprintf(&b, "3 0 obj\n<< /Type /XRef /Size 4 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n", z.Len())
	b.Write(z.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", off3)
	return b.Bytes()
}

// newTestTSA issues a TSA certificate from the demo PKI of p and starts a
// test TSA that stamps with the fixed time at; it stops when the test ends.
// The test runs on the real clock only: the TSA library dates its CMS
// signing-time from it.
func newTestTSA(tb testing.TB, p *testPKI, at time.Time) (*sign.Identity, *tsatest.Server) {
	tb.Helper()
	clocktest.RealClockOnly(tb, "the test TSA's CMS signing-time is the real time")
	id, err := p.pki.IssueTSA("DEMO TSA motcua")
	if err != nil {
		tb.Fatal(err)
	}
	tsa := tsatest.New(id, func() time.Time { return at })
	tb.Cleanup(tsa.Close)
	return id, tsa
}

// writeDER answers a test responder's request with der as ctype, or with
// 500 and err when making der failed.
func writeDER(w http.ResponseWriter, ctype string, der []byte, err error) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Write(der)
}
