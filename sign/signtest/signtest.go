// Package signtest holds the fixture that the tests of the remote signing
// back ends (sign/agent, sign/csc) share: a demo CA opened an hour before
// their fixed clock and the one-page licence the leader signs.
package signtest

import (
	"bytes"
	"testing"
	"time"

	"motcua/pdf"
	"motcua/sign"
)

// VN is Vietnam's time zone (UTC+7, no daylight saving).
var VN = time.FixedZone("ICT", 7*3600)

// Now is the tests' fixed clock: Thu 26/11/2026 09:00 in Vietnam.
var Now = time.Date(2026, 11, 26, 9, 0, 0, 0, VN)

// PKI returns a demo CA whose certificates are valid from an hour before
// now.
func PKI(tb testing.TB, now time.Time) *sign.DemoPKI {
	tb.Helper()
	pki, err := sign.NewDemoPKI(now.Add(-time.Hour))
	if err != nil {
		tb.Fatal(err)
	}
	return pki
}

// Licence renders a one-page licence (GIẤY PHÉP of the Department of
// Justice) dated date, for Lê Thị Mai to sign.
func Licence(tb testing.TB, date time.Time) []byte {
	tb.Helper()
	r, err := pdf.NewRenderer()
	if err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := r.RenderResult(&b, pdf.ResultDoc{ParentAgency: "UBND TỈNH BẮC NINH", Agency: "SỞ TƯ PHÁP", Number: "01/GP",
		Place: "Bắc Ninh", Date: date, Title: "GIẤY PHÉP", Body: []string{"Cấp cho: Bà Lê Thị Mai."},
		Signer: pdf.Signer{Position: "PHÓ CHỦ TỊCH", Name: "Lê Thị Mai"}}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}
