package agent

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"motcua/internal/outhttp"
	"motcua/sign"
)

// Client speaks to an agent as the approve page does (same requests and
// Origin header). Tests and tools use it; the page has its own JavaScript.
type Client struct {
	URL    string // e.g. "http://127.0.0.1:17870"
	Origin string // the motcua origin the page would send
	Secret string // pairing secret, from Pair
	// Document is shown to the officer with the PIN prompt.
	Document Document
	HTTP     *http.Client
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	req, err := outhttp.JSONRequest(ctx, method, c.URL+path, in, c.Secret)
	if err != nil {
		return err
	}
	req.Header.Set("Origin", c.Origin)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return sign.NewError(sign.ERemote, "không kết nối được trình ký trên máy của cán bộ (motcua sign-agent)",
			"cannot reach the signing agent on the officer's computer", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var a answer
		_ = json.Unmarshal(data, &a)
		return sign.NewError(sign.ERemote, a.Message, "signing agent: "+a.Error, fmt.Errorf("HTTP %d", resp.StatusCode))
	}
	return json.Unmarshal(data, out)
}

// Pair pairs with the agent: code returns what the officer reads on the
// agent's screen.
func (c *Client) Pair(ctx context.Context, code func() string) error {
	var p struct {
		PairingID string `json:"pairing_id"`
	}
	if err := c.do(ctx, http.MethodPost, "/v1/pair", struct{}{}, &p); err != nil {
		return err
	}
	var s struct {
		Secret string `json:"secret"`
	}
	if err := c.do(ctx, http.MethodPost, "/v1/pair/confirm", map[string]string{"pairing_id": p.PairingID, "code": code()}, &s); err != nil {
		return err
	}
	c.Secret = s.Secret
	return nil
}

// Sign has the agent sign digest and returns the signature value and the
// token's certificates.
func (c *Client) Sign(ctx context.Context, digest []byte) ([]byte, []*x509.Certificate, error) {
	var out SignResponse
	if err := c.do(ctx, http.MethodPost, "/v1/sign", SignRequest{Digest: base64.StdEncoding.EncodeToString(digest), Document: c.Document}, &out); err != nil {
		return nil, nil, err
	}
	sig, err := base64.StdEncoding.DecodeString(out.Signature)
	if err != nil {
		return nil, nil, err
	}
	var certs []*x509.Certificate
	for _, b := range out.Certificates {
		der, err := base64.StdEncoding.DecodeString(b)
		if err != nil {
			return nil, nil, err
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, nil, err
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, nil, sign.NewError(sign.ERemote, "trình ký không trả chứng thư số", "the agent returned no certificate", nil)
	}
	return sig, certs, nil
}
