package workflow

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"motcua/dossier"
)

// EReceiptToken is the verification token of an e-receipt printed with
// its QR code: series, year, number and lookup code, e.g.
// "BL26E.2026.0000012.3FA9C01B7D". The first three find the receipt by
// its unique key; the lookup code, known only to the holder of the
// receipt, must match.
func EReceiptToken(series string, year int, number, lookup string) string {
	return series + "." + strconv.Itoa(year) + "." + number + "." + lookup
}

// VerifyURL returns the public address that checks the receipt with
// lookup code lookup ("" without a base URL).
func (r EReceipt) VerifyURL(lookup string) string {
	if r.BaseURL == "" || lookup == "" {
		return ""
	}
	return strings.TrimRight(r.BaseURL, "/") + "/verify/bien-lai/" + EReceiptToken(r.Symbol, r.Year, r.Number, lookup)
}

// ReceiptVerification is the public answer about an e-receipt.
type ReceiptVerification struct {
	Status      string             `json:"status"` // "valid", "tampered", "unsigned"
	StatusLabel string             `json:"status_label"`
	Series      string             `json:"series"`
	Number      string             `json:"number"`
	Collector   string             `json:"collector"`
	Payer       string             `json:"payer"` // masked
	Amount      int64              `json:"amount"`
	IssuedAt    time.Time          `json:"issued_at"`
	SHA256      string             `json:"sha256"`
	Signatures  []SignatureSummary `json:"signatures"`
}

// VerifyEReceipt answers /verify/bien-lai/{token}: the e-receipt, its
// seal re-checked now, and the SHA-256 of the stored file. A wrong and an
// unknown token are the same ENOTFOUND.
func (s *Service) VerifyEReceipt(ctx context.Context, token string) (*ReceiptVerification, error) {
	nf := dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy biên lai với mã xác thực này")
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(token) > 100 || len(parts) != 4 || parts[3] == "" {
		return nil, nf
	}
	year, err1 := strconv.Atoi(parts[1])
	seq, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return nil, nf
	}
	p, err := s.db.PaymentByReceipt(ctx, parts[0], year, seq)
	if err != nil || p.LookupCode == "" || subtle.ConstantTimeCompare([]byte(p.LookupCode), []byte(parts[3])) != 1 {
		return nil, nf
	}
	v := &ReceiptVerification{Status: "unsigned", StatusLabel: "Biên lai không có tệp ký số", Series: p.ReceiptSeries, Number: p.ReceiptNumber,
		Payer: dossier.MaskName(p.PayerName), Amount: p.Amount, IssuedAt: p.CreatedAt, Signatures: []SignatureSummary{}}
	if a, err := s.db.Agency(ctx, p.AgencyCode); err == nil {
		v.Collector = a.Name
	}
	if p.PDFBlobID == "" {
		return v, nil
	}
	pdf, err := s.ReadBlob(ctx, p.PDFBlobID)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(pdf)
	v.SHA256 = hex.EncodeToString(sum[:])
	vr := s.ports.Verifier
	if vr == nil {
		return v, nil
	}
	sigs, err := vr.VerifyPDF(pdf)
	intact := err == nil && len(sigs) > 0
	for _, sg := range sigs {
		intact = intact && sg.Intact
	}
	v.Signatures = append(v.Signatures, sigs...)
	switch {
	case len(sigs) == 0 && err == nil:
	case intact:
		v.Status, v.StatusLabel = "valid", "Biên lai hợp lệ: dấu điện tử của đơn vị thu toàn vẹn"
	default:
		v.Status, v.StatusLabel = "tampered", "Cảnh báo: tệp biên lai không còn toàn vẹn"
	}
	return v, nil
}
