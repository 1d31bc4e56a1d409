// Package payment is the adapter of a payment gateway in the style of the
// national payment platform and VNPay (workflow.PaymentGateway): the
// citizen is sent to the gateway with a signed order; the gateway answers
// with a signed message, server to server (notify) and through the
// browser (return); a signed query asks what became of an order. Every
// message is signed with HMAC-SHA256 over its canonical form (sorted
// fields, URL-encoded, "sig" left out) with the merchant's shared secret.
// docs/payment.md describes the fields. Fake is a local gateway for tests
// and the demo.
package payment

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"motcua/workflow"
)

// TimeLayout is the gateway's time format (yyyyMMddHHmmss, Vietnam time).
const TimeLayout = "20060102150405"

var zone = time.FixedZone("ICT", 7*3600)

// Result codes.
const (
	CodePaid      = "00" // paid
	CodePending   = "01" // not paid yet
	CodeCancelled = "24" // the citizen cancelled
	CodeNotFound  = "91" // the gateway knows no such order
)

// Canonical is the signed text of fields: every field but "sig", sorted by
// name, URL-encoded as name=value joined by "&".
func Canonical(fields url.Values) string {
	c := url.Values{}
	for k, v := range fields {
		if k != "sig" {
			c[k] = v
		}
	}
	return c.Encode()
}

// Sign returns the hex HMAC-SHA256 of fields' canonical form under secret.
func Sign(secret string, fields url.Values) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(Canonical(fields)))
	return hex.EncodeToString(m.Sum(nil))
}

// Signed sets fields' "sig" and returns them.
func Signed(secret string, fields url.Values) url.Values {
	fields.Set("sig", Sign(secret, fields))
	return fields
}

// ErrSignature is a message whose signature does not verify.
var ErrSignature = errors.New("payment: bad signature")

// Check verifies the "sig" of fields in constant time.
func Check(secret string, fields url.Values) error {
	got, err := hex.DecodeString(fields.Get("sig"))
	if err != nil || len(fields["sig"]) != 1 {
		return ErrSignature
	}
	want, _ := hex.DecodeString(Sign(secret, fields))
	if !hmac.Equal(got, want) {
		return ErrSignature
	}
	return nil
}

// Client talks to a gateway at BaseURL as merchant Merchant.
type Client struct {
	BaseURL  string // the gateway's address: BaseURL/pay, BaseURL/query
	Merchant string
	Secret   string // never logged
	Label    string // the gateway's name (default "gateway")
	HTTP     *http.Client
	Now      func() time.Time // the clock stamping queries (sent_at); nil: not stamped
}

// Name implements workflow.PaymentGateway.
func (c *Client) Name() string {
	if c.Label == "" {
		return "gateway"
	}
	return c.Label
}

// CreateOrder returns the gateway's pay page for o with the signed order
// in its query (no call to the gateway: it checks the signature when the
// citizen arrives).
func (c *Client) CreateOrder(_ context.Context, o workflow.GatewayOrder) (string, error) {
	f := Signed(c.Secret, url.Values{
		"merchant":   {c.Merchant},
		"order_ref":  {o.Ref},
		"amount":     {strconv.FormatInt(o.Amount, 10)},
		"dossier":    {o.DossierCode},
		"info":       {o.Info},
		"return_url": {o.ReturnURL},
		"notify_url": {o.NotifyURL},
		"created":    {o.CreatedAt.In(zone).Format(TimeLayout)},
		"expires":    {o.ExpiresAt.In(zone).Format(TimeLayout)},
	})
	return strings.TrimRight(c.BaseURL, "/") + "/pay?" + f.Encode(), nil
}

// Verify implements workflow.PaymentGateway: it checks the signature and
// the merchant of a callback and reads it.
func (c *Client) Verify(f url.Values) (*workflow.GatewayResult, error) {
	if err := Check(c.Secret, f); err != nil {
		return nil, err
	}
	if f.Get("merchant") != c.Merchant {
		return nil, fmt.Errorf("payment: message for merchant %q", f.Get("merchant"))
	}
	return read(f)
}

// Answer returns the signed fields the gateway answers about r (r.Code
// is the result code; r.State is not read); at is when it was paid or
// failed (zero: not told).
func Answer(merchant, secret string, r workflow.GatewayResult, at time.Time) url.Values {
	a := url.Values{"merchant": {merchant}, "order_ref": {r.OrderRef}, "amount": {strconv.FormatInt(r.Amount, 10)}, "result": {r.Code}}
	if r.DossierCode != "" {
		a.Set("dossier", r.DossierCode)
	}
	if r.TxnID != "" {
		a.Set("txn_id", r.TxnID)
	}
	if !at.IsZero() {
		a.Set("paid_at", at.In(zone).Format(TimeLayout))
	}
	return Signed(secret, a)
}

// read turns signed answer fields into a result.
func read(f url.Values) (*workflow.GatewayResult, error) {
	amount, err := strconv.ParseInt(f.Get("amount"), 10, 64)
	if err != nil || amount < 0 {
		return nil, fmt.Errorf("payment: bad amount %q", f.Get("amount"))
	}
	r := &workflow.GatewayResult{OrderRef: f.Get("order_ref"), DossierCode: f.Get("dossier"), Amount: amount,
		TxnID: f.Get("txn_id"), Code: f.Get("result")}
	if r.OrderRef == "" {
		return nil, errors.New("payment: no order_ref")
	}
	switch r.Code {
	case CodePaid:
		r.State = workflow.GatewayPaid
	case CodePending, CodeNotFound:
		r.State = workflow.GatewayPending
	case "":
		return nil, errors.New("payment: no result")
	default:
		r.State = workflow.GatewayFailed
	}
	return r, nil
}

// Query implements workflow.PaymentGateway: a signed POST to BaseURL/query
// whose signed JSON answer is verified.
func (c *Client) Query(ctx context.Context, o workflow.GatewayOrder) (*workflow.GatewayResult, error) {
	f := url.Values{"merchant": {c.Merchant}, "order_ref": {o.Ref}, "created": {o.CreatedAt.In(zone).Format(TimeLayout)}}
	if c.Now != nil {
		f.Set("sent_at", c.Now().In(zone).Format(TimeLayout))
	}
	Signed(c.Secret, f)
	req, err := http.NewRequestWithContext(ctx, "POST", strings.TrimRight(c.BaseURL, "/")+"/query", strings.NewReader(f.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second}
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("payment: query: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("payment: query: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("payment: query: %s", res.Status)
	}
	var m map[string]string
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&m); err != nil {
		return nil, fmt.Errorf("payment: query answer: %w", err)
	}
	ans := url.Values{}
	for k, v := range m {
		ans.Set(k, v)
	}
	return c.Verify(ans)
}
