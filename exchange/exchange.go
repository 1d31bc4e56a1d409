// Package exchange is the adapter of document exchange (liên thông,
// issue 18 item 5): it sends a package — the dossier's metadata and a
// signed PDF — to another body or to the agency's document-management
// system (QLVB) through the province's integration platform (LGSP), as
// JSON over HTTPS (workflow.Exchange). The other side answers on motcua's
// POST /api/v1/exchange/answers, signed with HMAC-SHA256
// (workflow.ExchangeSignature). The format is in docs/exchange.md. Fake
// is a local peer for tests and the demo.
package exchange

import (
	"context"
	"time"

	"motcua/internal/outhttp"
	"motcua/workflow"
)

// Package is the wire format of one package (docs/exchange.md).
type Package struct {
	PackageID      string    `json:"package_id"`
	Kind           string    `json:"kind"` // consult, chain, register
	DossierCode    string    `json:"dossier_code"`
	ProcedureCode  string    `json:"procedure_code"`
	ProcedureName  string    `json:"procedure_name"`
	FromAgency     string    `json:"from_agency"`
	FromAgencyName string    `json:"from_agency_name,omitempty"`
	ToAgency       string    `json:"to_agency"`
	ToAgencyName   string    `json:"to_agency_name,omitempty"`
	Task           string    `json:"task,omitempty"`
	ReceivedAt     string    `json:"received_at,omitempty"`    // RFC 3339
	DossierDueAt   string    `json:"dossier_due_at,omitempty"` // RFC 3339
	DueAt          string    `json:"due_at,omitempty"`         // the step's deadline, RFC 3339
	ResultNumber   string    `json:"result_number,omitempty"`
	AnswerURL      string    `json:"answer_url,omitempty"`
	Document       *Document `json:"document,omitempty"`
}

// Document is the signed PDF of a package (Content is base64 in JSON).
type Document struct {
	Kind    string `json:"kind"` // receipt or result
	Name    string `json:"name"`
	Number  string `json:"number,omitempty"`
	SHA256  string `json:"sha256"`
	Content []byte `json:"content"`
}

var zone = time.FixedZone("ICT", 7*3600)

func ts(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(zone).Format(time.RFC3339)
}

// FromMessage maps a workflow message to the wire format.
func FromMessage(m workflow.ExchangeMessage) Package {
	p := Package{PackageID: m.PackageID, Kind: string(m.Kind), DossierCode: m.DossierCode, ProcedureCode: m.ProcedureCode,
		ProcedureName: m.ProcedureName, FromAgency: m.FromAgency, FromAgencyName: m.FromAgencyName, ToAgency: m.ToAgency,
		ToAgencyName: m.ToAgencyName, Task: m.Task, ReceivedAt: ts(m.ReceivedAt), DossierDueAt: ts(m.DossierDueAt), DueAt: ts(m.DueAt),
		ResultNumber: m.ResultNumber, AnswerURL: m.AnswerURL}
	if d := m.Document; d != nil {
		p.Document = &Document{Kind: string(d.Kind), Name: d.Name, Number: d.Number, SHA256: d.SHA256, Content: d.Content}
	}
	return p
}

// Client sends packages to the platform, at BaseURL (e.g.
// https://lgsp.bacninh.gov.vn/lienthong); a nil HTTP is a client with a 30
// s timeout.
type Client outhttp.Endpoint

var _ workflow.Exchange = (*Client)(nil)

// Error is an answer of the platform other than 2xx; Permanent reports a
// refusal a retry will not change (4xx but 408, 409 and 429).
type Error = outhttp.Error

// Send posts one package (POST BASE/packages, header Idempotency-Key).
func (c *Client) Send(ctx context.Context, key string, m workflow.ExchangeMessage) error {
	e := outhttp.Endpoint(*c)
	req, err := outhttp.JSONRequest(ctx, "POST", e.URL("/packages"), FromMessage(m), "")
	if err != nil {
		return err
	}
	req.Header.Set("Idempotency-Key", key)
	_, err = e.Do("exchange", req, 30*time.Second, 4096)
	return err
}
