package render

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"

	"motcua/pdf"
	"motcua/workflow"
)

// DemoEReceipts is the built-in e-receipt provider (workflow.
// EReceiptProvider) of the demo and of tests: it makes up a lookup code
// and prints the receipt with the documents' renderer, marked as having
// no value for payment. A real provider (an e-invoice service) issues the
// receipt under its own registration and returns its printed form.
type DemoEReceipts struct{ r *pdf.Renderer }

// NewDemoEReceipts returns the demo provider printing with r.
func NewDemoEReceipts(r *pdf.Renderer) DemoEReceipts { return DemoEReceipts{r} }

// EReceipts returns the demo e-receipt provider (workflow.NewFees uses it
// when given none).
func (d *Documents) EReceipts() workflow.EReceiptProvider { return DemoEReceipts{d.r} }

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
		AmountWords: r.AmountWords, Method: workflow.MethodLabel(r.Method), IssuedAt: r.IssuedAt, Officer: r.Officer, LookupCode: code, Demo: true})
	if err != nil {
		return nil, err
	}
	return &workflow.IssuedEReceipt{ProviderRef: "DEMO-" + r.Symbol + "-" + r.Number, LookupCode: code, PDF: out.Bytes()}, nil
}
