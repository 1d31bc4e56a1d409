// Package csc signs through a remote signing service with the Cloud
// Signature Consortium API v2 (the interface of remote signing services
// under the 2023 Law on E-transactions and ND 23/2025/NĐ-CP: the key stays
// in the provider's HSM and the signer authorises each signature). It uses
// auth/login, credentials/list, credentials/info, credentials/authorize
// (with the signer's OTP and/or PIN) and signatures/signHash. Only the
// SHA-256 digest of the CMS signed attributes is sent, never the
// document.
//
// Errors are *sign.Error: EAuthorization when the provider refuses the
// OTP or PIN (the officer may try again), ERemote when the service is
// down, answers garbage or does not answer within Config.Timeout.
package csc

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"motcua/sign"
)

// Object identifiers used by the API.
const (
	OIDSHA256          = "2.16.840.1.101.3.4.2.1"
	OIDSHA256WithRSA   = "1.2.840.113549.1.1.11"
	OIDECDSAWithSHA256 = "1.2.840.10045.4.3.2"
)

// Config is one officer's remote signing account.
type Config struct {
	// URL is the base of the API, up to and including "/csc/v2".
	URL string `json:"url"`
	// CredentialID names the signing key; empty means the only (first)
	// credential of credentials/list.
	CredentialID string `json:"credential_id,omitempty"`
	// Username and Password obtain an access token from auth/login
	// (HTTP Basic); AccessToken is a token given out of band instead.
	Username    string `json:"username,omitempty"`
	Password    string `json:"password,omitempty"`
	AccessToken string `json:"access_token,omitempty"`
	// TimeoutSeconds bounds each call; zero means 30 seconds. Timeout,
	// when set, overrides it.
	TimeoutSeconds int           `json:"timeout_seconds,omitempty"`
	Timeout        time.Duration `json:"-"`
}

// Client talks to one remote signing account. It is safe for concurrent
// use.
type Client struct {
	cfg  Config
	http *http.Client

	mu    sync.Mutex
	token string
	cred  string
	certs []*x509.Certificate
}

// New returns a client for cfg; hc nil means http.DefaultClient's
// transport.
func New(cfg Config, hc *http.Client) (*Client, error) {
	if !strings.HasPrefix(cfg.URL, "https://") && !strings.HasPrefix(cfg.URL, "http://") {
		return nil, sign.NewError(sign.EInvalidInput, "địa chỉ dịch vụ ký số từ xa không hợp lệ", "invalid remote signing service URL", nil)
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Duration(cfg.TimeoutSeconds) * time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if hc == nil {
		hc = &http.Client{}
	}
	return &Client{cfg: cfg, http: hc, token: cfg.AccessToken, cred: cfg.CredentialID}, nil
}

// apiError is the CSC error body.
type apiError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// unavailable is the error of a service that cannot be used now.
func (c *Client) unavailable(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		secs := int(c.cfg.Timeout / time.Second)
		return sign.NewError(sign.ERemote,
			fmt.Sprintf("dịch vụ ký số từ xa không trả lời trong %d giây; chưa ký, vui lòng thử lại sau", secs),
			fmt.Sprintf("the remote signing service did not answer within %d seconds; not signed, please try again later", secs), err)
	}
	return sign.NewError(sign.ERemote, "không kết nối được dịch vụ ký số từ xa; chưa ký, vui lòng thử lại sau",
		"cannot reach the remote signing service; not signed, please try again later", err)
}

// call POSTs body as JSON to method and decodes the answer into out. A
// 401 on a token from auth/login logs in again once.
func (c *Client) call(ctx context.Context, method string, body, out any) error {
	for attempt := 0; ; attempt++ {
		token, err := c.accessToken(ctx)
		if err != nil {
			return err
		}
		status, data, err := c.post(ctx, method, body, token, "")
		if err != nil {
			return err
		}
		if status == http.StatusUnauthorized && attempt == 0 && c.cfg.AccessToken == "" && c.cfg.Username != "" {
			c.mu.Lock()
			c.token = ""
			c.mu.Unlock()
			continue
		}
		return c.decode(method, status, data, out)
	}
}

func (c *Client) decode(method string, status int, data []byte, out any) error {
	if status == http.StatusOK {
		if err := json.Unmarshal(data, out); err != nil {
			return sign.NewError(sign.ERemote, "dịch vụ ký số từ xa trả lời không hợp lệ", "the remote signing service gave an invalid answer",
				fmt.Errorf("%s: %w", method, err))
		}
		return nil
	}
	var e apiError
	_ = json.Unmarshal(data, &e)
	cause := fmt.Errorf("%s: HTTP %d %s %s", method, status, e.Error, e.Description)
	switch {
	case status >= 500 || status == http.StatusTooManyRequests:
		return c.unavailable(cause)
	case e.Error == "invalid_otp" || e.Error == "invalid_pin" || e.Error == "access_denied" || strings.Contains(e.Description, "OTP"):
		return sign.NewError(sign.EAuthorization, "dịch vụ ký số từ xa từ chối xác thực: mã OTP hoặc PIN không đúng hoặc đã hết hạn",
			"the remote signing service refused the authorisation: wrong or expired OTP or PIN", cause)
	case status == http.StatusUnauthorized:
		return sign.NewError(sign.ERemote, "tài khoản ký số từ xa không được chấp nhận (kiểm tra cấu hình của cán bộ)",
			"the remote signing account was not accepted (check the officer's configuration)", cause)
	}
	return sign.NewError(sign.ERemote, "dịch vụ ký số từ xa từ chối yêu cầu", "the remote signing service refused the request", cause)
}

// post sends one request; basic, when set, is the HTTP Basic credential
// of auth/login.
func (c *Client) post(ctx context.Context, method string, body any, token, basic string) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	buf, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL+"/"+method, bytes.NewReader(buf))
	if err != nil {
		return 0, nil, sign.NewError(sign.EInvalidInput, "địa chỉ dịch vụ ký số từ xa không hợp lệ", "invalid remote signing service URL", err)
	}
	req.Header.Set("Content-Type", "application/json")
	switch {
	case basic != "":
		req.Header.Set("Authorization", "Basic "+basic)
	case token != "":
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, c.unavailable(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, c.unavailable(err)
	}
	return resp.StatusCode, data, nil
}

// accessToken returns the bearer token, logging in when needed.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	token := c.token
	c.mu.Unlock()
	if token != "" || c.cfg.Username == "" {
		return token, nil
	}
	basic := base64.StdEncoding.EncodeToString([]byte(c.cfg.Username + ":" + c.cfg.Password))
	status, data, err := c.post(ctx, "auth/login", map[string]any{"rememberMe": false}, "", basic)
	if err != nil {
		return "", err
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := c.decode("auth/login", status, data, &out); err != nil {
		return "", err
	}
	if out.AccessToken == "" {
		return "", sign.NewError(sign.ERemote, "dịch vụ ký số từ xa không cấp mã truy cập", "the remote signing service gave no access token", nil)
	}
	c.mu.Lock()
	c.token = out.AccessToken
	c.mu.Unlock()
	return out.AccessToken, nil
}

// credentialID returns the configured credential or the first listed.
func (c *Client) credentialID(ctx context.Context) (string, error) {
	c.mu.Lock()
	id := c.cred
	c.mu.Unlock()
	if id != "" {
		return id, nil
	}
	var out struct {
		CredentialIDs []string `json:"credentialIDs"`
	}
	if err := c.call(ctx, "credentials/list", map[string]any{"maxResults": 10}, &out); err != nil {
		return "", err
	}
	if len(out.CredentialIDs) == 0 {
		return "", sign.NewError(sign.ERemote, "tài khoản ký số từ xa không có chứng thư số nào", "the remote signing account has no credential", nil)
	}
	c.mu.Lock()
	c.cred = out.CredentialIDs[0]
	c.mu.Unlock()
	return out.CredentialIDs[0], nil
}

// Certificates implements sign.DigestSigner: the certificate chain of the
// credential (credentials/info), fetched once.
func (c *Client) Certificates(ctx context.Context) ([]*x509.Certificate, error) {
	c.mu.Lock()
	certs := c.certs
	c.mu.Unlock()
	if certs != nil {
		return certs, nil
	}
	id, err := c.credentialID(ctx)
	if err != nil {
		return nil, err
	}
	var out struct {
		Key struct {
			Status string `json:"status"`
		} `json:"key"`
		Cert struct {
			Status       string   `json:"status"`
			Certificates []string `json:"certificates"`
		} `json:"cert"`
	}
	if err := c.call(ctx, "credentials/info", map[string]any{"credentialID": id, "certificates": "chain", "certInfo": false, "authInfo": true}, &out); err != nil {
		return nil, err
	}
	if out.Key.Status != "" && out.Key.Status != "enabled" {
		return nil, sign.NewError(sign.ERemote, "khóa ký số từ xa đang bị khóa", "the remote signing key is disabled", nil)
	}
	for _, b := range out.Cert.Certificates {
		der, err := base64.StdEncoding.DecodeString(b)
		if err != nil {
			return nil, sign.NewError(sign.ERemote, "chứng thư số từ dịch vụ ký số từ xa không hợp lệ", "invalid certificate from the remote signing service", err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, sign.NewError(sign.ERemote, "chứng thư số từ dịch vụ ký số từ xa không hợp lệ", "invalid certificate from the remote signing service", err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, sign.NewError(sign.ERemote, "dịch vụ ký số từ xa không trả chứng thư số", "the remote signing service returned no certificate", nil)
	}
	c.mu.Lock()
	c.certs = certs
	c.mu.Unlock()
	return certs, nil
}

// Authorize asks the provider to authorise one signature of digest
// (credentials/authorize, explicit mode) with the signer's OTP and/or PIN
// and returns the Signature Activation Data.
func (c *Client) Authorize(ctx context.Context, digest []byte, otp, pin string) (string, error) {
	id, err := c.credentialID(ctx)
	if err != nil {
		return "", err
	}
	body := map[string]any{"credentialID": id, "numSignatures": 1, "hashes": []string{base64.StdEncoding.EncodeToString(digest)},
		"hashAlgorithmOID": OIDSHA256}
	if otp != "" {
		body["OTP"] = otp
	}
	if pin != "" {
		body["PIN"] = pin
	}
	var out struct {
		SAD string `json:"SAD"`
	}
	if err := c.call(ctx, "credentials/authorize", body, &out); err != nil {
		return "", err
	}
	if out.SAD == "" {
		return "", sign.NewError(sign.ERemote, "dịch vụ ký số từ xa không cấp dữ liệu kích hoạt chữ ký (SAD)", "the remote signing service returned no SAD", nil)
	}
	return out.SAD, nil
}

// SignHash signs digest with the authorisation sad (signatures/signHash).
func (c *Client) SignHash(ctx context.Context, sad string, digest []byte) ([]byte, error) {
	id, err := c.credentialID(ctx)
	if err != nil {
		return nil, err
	}
	certs, err := c.Certificates(ctx)
	if err != nil {
		return nil, err
	}
	var algo string
	switch certs[0].PublicKey.(type) {
	case *rsa.PublicKey:
		algo = OIDSHA256WithRSA
	case *ecdsa.PublicKey:
		algo = OIDECDSAWithSHA256
	default:
		return nil, sign.NewError(sign.EUnsupported, "thuật toán khóa không được hỗ trợ (chỉ RSA hoặc ECDSA)", "unsupported key algorithm", nil)
	}
	var out struct {
		Signatures []string `json:"signatures"`
	}
	if err := c.call(ctx, "signatures/signHash", map[string]any{"credentialID": id, "SAD": sad,
		"hashes": []string{base64.StdEncoding.EncodeToString(digest)}, "hashAlgorithmOID": OIDSHA256, "signAlgo": algo}, &out); err != nil {
		return nil, err
	}
	if len(out.Signatures) != 1 {
		return nil, sign.NewError(sign.ERemote, "dịch vụ ký số từ xa không trả chữ ký", "the remote signing service returned no signature", nil)
	}
	sig, err := base64.StdEncoding.DecodeString(out.Signatures[0])
	if err != nil {
		return nil, sign.NewError(sign.ERemote, "chữ ký từ dịch vụ ký số từ xa không hợp lệ", "invalid signature from the remote signing service", err)
	}
	return sig, nil
}

// Authorized is the client with the signer's authorisation for one
// signature: a sign.DigestSigner that calls credentials/authorize, then
// signatures/signHash.
type Authorized struct {
	*Client
	OTP, PIN string
}

// SignDigest implements sign.DigestSigner.
func (a Authorized) SignDigest(ctx context.Context, digest []byte) ([]byte, error) {
	sad, err := a.Authorize(ctx, digest, a.OTP, a.PIN)
	if err != nil {
		return nil, err
	}
	return a.SignHash(ctx, sad, digest)
}

var _ sign.DigestSigner = Authorized{}
