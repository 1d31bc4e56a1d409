package render

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/pdf"
	"motcua/sign"
	"motcua/workflow"
)

// DemoEReceipts is the built-in e-receipt provider (workflow.
// EReceiptProvider) of the demo and of tests: it makes up a lookup code
// and prints the receipt with the documents' renderer, marked as having
// no value for payment. A real provider (an e-invoice service) issues the
// receipt under its own registration and returns its printed form.
//
// From Documents.EReceipts the receipt is sealed like a result: the
// collecting agency's electronic seal (PAdES, with the signature
// timestamp and long-term validation data), and it prints the address
// and QR code of its public verification page (workflow.VerifyEReceipt).
type DemoEReceipts struct {
	r *pdf.Renderer
	d *Documents // seals the receipts; nil prints them unsealed
}

// NewDemoEReceipts returns the demo provider printing with r, unsealed.
func NewDemoEReceipts(r *pdf.Renderer) DemoEReceipts { return DemoEReceipts{r: r} }

// EReceipts returns the demo e-receipt provider, sealing its receipts
// (workflow.NewFees uses it when given none).
func (d *Documents) EReceipts() workflow.EReceiptProvider { return DemoEReceipts{r: d.r, d: d} }

// Name implements workflow.EReceiptProvider.
func (DemoEReceipts) Name() string { return "demo" }

// Issue implements workflow.EReceiptProvider.
func (p DemoEReceipts) Issue(ctx context.Context, r workflow.EReceipt) (*workflow.IssuedEReceipt, error) {
	var b [5]byte
	rand.Read(b[:])
	code := strings.ToUpper(hex.EncodeToString(b[:]))
	var out bytes.Buffer
	err := p.r.RenderEReceipt(&out, pdf.EReceipt{Collector: r.Collector.Name, CenterName: r.CenterName, Symbol: r.Symbol, Number: r.Number,
		Payer: r.Payer, DossierCode: r.DossierCode, Content: "Phí, lệ phí " + r.Procedure, Amount: workflow.Money(r.Amount),
		AmountWords: r.AmountWords, Method: workflow.MethodLabel(r.Method), IssuedAt: r.IssuedAt, Officer: r.Officer, LookupCode: code,
		VerifyURL: r.VerifyURL(code), Demo: true})
	if err != nil {
		return nil, err
	}
	file := out.Bytes()
	if p.d != nil {
		if file, err = p.d.SealEReceipt(ctx, file, &r.Collector, r.Symbol+" "+r.Number, r.IssuedAt); err != nil {
			return nil, err
		}
	}
	return &workflow.IssuedEReceipt{ProviderRef: "DEMO-" + r.Symbol + "-" + r.Number, LookupCode: code, PDF: file}, nil
}

// SealEReceipt applies the collecting agency's electronic seal to an
// e-receipt (an invisible PAdES signature: the receipt prints its seal
// block as text), timestamped, then adds the long-term validation data.
// The certificate is checked before use, as for results.
func (d *Documents) SealEReceipt(ctx context.Context, file []byte, agency *dossier.Agency, number string, at time.Time) ([]byte, error) {
	id, err := d.keys.Seal(agency, &dossier.Seal{AgencyCode: agency.Code})
	if err != nil {
		return nil, err
	}
	certs, err := id.Certificates(ctx)
	if err != nil {
		return nil, err
	}
	if err := d.checkCertificate(ctx, certs, at); err != nil {
		return nil, err
	}
	p, err := sign.PreparePDF(file, certs, sign.PDFOptions{Kind: sign.Seal, Name: agency.Name, Location: d.place, Time: at,
		Reason: "Biên lai điện tử " + number, TSA: d.tsa})
	if err != nil {
		return nil, userError(err)
	}
	sealed, err := sign.SignPrepared(ctx, p, id, at)
	if err != nil {
		return nil, userError(err)
	}
	return d.addLTV(ctx, sealed, at), nil
}
