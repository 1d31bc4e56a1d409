package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"

	"github.com/digitorus/timestamp"
)

// TSAClient requests RFC 3161 timestamps from a timestamping authority.
// Production deployments must point it at a licensed Vietnamese trust
// service (ND 23/2025/NĐ-CP), never at a public test TSA. The zero value is
// not usable: URL is required.
type TSAClient struct {
	URL      string
	Username string // optional HTTP basic authentication
	Password string
	// HTTPClient is used for the request; nil means a client with a
	// 30-second timeout.
	HTTPClient *http.Client
	// Local, when set, answers in this process instead of URL (the demo
	// TSA of "serve --demo", and tests).
	Local *LocalTSA
}

// configured reports whether c can ask for timestamps.
func (c *TSAClient) configured() bool { return c != nil && (c.URL != "" || c.Local != nil) }

// tokenReserve is the room a signature container reserves for a token
// of c: the bound of the in-process TSA's tokens, or 8 KiB for a TSA
// reached by URL, whose tokens' size is not known beforehand.
func (c *TSAClient) tokenReserve() int {
	if c.URL == "" {
		if n := c.Local.tokenBound(); n > 0 {
			return n
		}
	}
	return 8192
}

// name is how errors call the TSA.
func (c *TSAClient) name() string {
	if c.URL == "" && c.Local != nil {
		return "máy chủ dấu thời gian nội bộ"
	}
	return c.URL
}

// maxTSAResponse bounds the size of a TSA response.
const maxTSAResponse = 1 << 20

// Timestamp returns a DER TimeStampToken (a CMS ContentInfo) over the
// SHA-256 digest of message. The response status, message imprint, nonce
// and token signature are checked; trust in the TSA certificate is not
// (the verifier checks it against its trust store).
func (c *TSAClient) Timestamp(ctx context.Context, message []byte) ([]byte, error) {
	return c.timestampDigest(ctx, sha256.Sum256(message))
}

// timestampDigest is Timestamp for the SHA-256 digest of the message.
func (c *TSAClient) timestampDigest(ctx context.Context, digest [32]byte) ([]byte, error) {
	if !c.configured() {
		return nil, newError(EInvalidInput, "thiếu địa chỉ máy chủ dấu thời gian", "missing TSA URL", nil)
	}
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, err
	}
	req := timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digest[:], Certificates: true, Nonce: nonce}
	body, err := req.Marshal()
	if err != nil {
		return nil, err
	}
	fail := func(err error) error {
		return newError(ETimestamp, "không lấy được dấu thời gian từ "+c.name(), "cannot obtain a timestamp from "+c.name(), err)
	}
	data, err := c.exchange(ctx, body)
	if err != nil {
		return nil, fail(err)
	}
	if c.URL == "" {
		// The in-process TSA signed with this process's own key what this
		// process asked for: its token is taken as it is, without parsing
		// it back and verifying our own signature (half the cost of a
		// timestamp).
		token, err := grantedToken(data)
		if err != nil {
			return nil, fail(err)
		}
		return token, nil
	}
	ts, err := parseTimestampResponse(data)
	if err != nil {
		return nil, fail(err)
	}
	if !bytes.Equal(ts.HashedMessage, req.HashedMessage) || ts.HashAlgorithm != crypto.SHA256 {
		return nil, fail(errors.New("message imprint mismatch"))
	}
	if ts.Nonce == nil || ts.Nonce.Cmp(nonce) != 0 {
		return nil, fail(errors.New("nonce mismatch"))
	}
	if len(ts.Certificates) == 0 {
		return nil, fail(errors.New("token carries no TSA certificate"))
	}
	return ts.RawToken, nil
}

// exchange sends a DER TimeStampReq and returns the DER TimeStampResp.
func (c *TSAClient) exchange(ctx context.Context, body []byte) ([]byte, error) {
	if c.URL == "" {
		return c.Local.Respond(body)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("Content-Type", "application/timestamp-query")
	if c.Username != "" || c.Password != "" {
		hreq.SetBasicAuth(c.Username, c.Password)
	}
	client := c.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(hreq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxTSAResponse+1))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if len(data) > maxTSAResponse {
		return nil, errors.New("response too large")
	}
	return data, nil
}

// grantedToken is the TimeStampToken of a DER TimeStampResp (RFC 3161
// §2.4.2) whose status is granted or grantedWithMods.
func grantedToken(data []byte) ([]byte, error) {
	var resp struct {
		Status struct {
			Status int
			Rest   asn1.RawValue `asn1:"optional"`
		}
		Token asn1.RawValue `asn1:"optional"`
	}
	rest, err := asn1.Unmarshal(data, &resp)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, errors.New("trailing data after the timestamp response")
	}
	if resp.Status.Status != 0 && resp.Status.Status != 1 {
		return nil, fmt.Errorf("timestamp refused (status %d)", resp.Status.Status)
	}
	if len(resp.Token.FullBytes) == 0 {
		return nil, errors.New("response without a timestamp token")
	}
	return resp.Token.FullBytes, nil
}

func parseTimestampResponse(data []byte) (ts *timestamp.Timestamp, err error) {
	defer func() {
		if p := recover(); p != nil {
			ts, err = nil, fmt.Errorf("timestamp: malformed response: %v", p)
		}
	}()
	return timestamp.ParseResponse(data)
}

// parseTimestampToken parses a TimeStampToken and, when it carries
// certificates, checks its signature (digitorus/timestamp does this).
func parseTimestampToken(token []byte) (ts *timestamp.Timestamp, err error) {
	defer func() {
		if p := recover(); p != nil {
			ts, err = nil, fmt.Errorf("timestamp: malformed token: %v", p)
		}
	}()
	return timestamp.Parse(token)
}

// verifyTimestampToken checks that token is a correctly signed RFC 3161
// token over message, and whether its TSA chains to roots with the
// timeStamping extended key usage at the stamped time.
func verifyTimestampToken(token, message []byte, roots *x509.CertPool) (*TimestampInfo, error) {
	bad := func(vi, en string, err error) error { return newError(ETimestamp, vi, en, err) }
	ts, err := parseTimestampToken(token)
	if err != nil {
		return nil, bad("dấu thời gian không hợp lệ", "invalid timestamp token", err)
	}
	if len(ts.Certificates) == 0 || !ts.AddTSACertificate {
		return nil, bad("dấu thời gian không kèm chứng thư của máy chủ TSA", "the timestamp does not carry the TSA certificate", nil)
	}
	if !ts.HashAlgorithm.Available() {
		return nil, bad("thuật toán băm của dấu thời gian không được hỗ trợ", "unsupported timestamp hash algorithm", nil)
	}
	h := ts.HashAlgorithm.New()
	h.Write(message)
	if !bytes.Equal(h.Sum(nil), ts.HashedMessage) {
		return nil, bad("dấu thời gian không khớp với chữ ký", "the timestamp does not match the signed data", nil)
	}
	p7, err := parsePKCS7(token)
	if err != nil {
		return nil, bad("dấu thời gian không hợp lệ", "invalid timestamp token", err)
	}
	tsa := p7.GetOnlySigner()
	if tsa == nil {
		return nil, bad("không tìm thấy chứng thư của máy chủ TSA", "the TSA certificate is missing", nil)
	}
	info := &TimestampInfo{Time: ts.Time, Authority: tsa, certs: ts.Certificates}
	_, info.TrustStatus, _ = verifyChain(tsa, ts.Certificates, roots, ts.Time, x509.ExtKeyUsageTimeStamping)
	info.Trusted = info.TrustStatus == TrustTrusted
	return info, nil
}

// TrustStatus is the outcome of certificate path validation. Its value is
// a stable code; Text gives the message for people.
type TrustStatus string

// Trust statuses.
const (
	TrustTrusted       TrustStatus = "trusted"        // Chains to the trust store.
	TrustNotChecked    TrustStatus = "not_checked"    // No trust store was given.
	TrustUnknownIssuer TrustStatus = "unknown_issuer" // No path to a trusted root.
	TrustExpired       TrustStatus = "expired"        // A certificate of the path was not valid at the signing time.
	TrustKeyUsage      TrustStatus = "bad_key_usage"  // The certificate may not be used for this purpose.
	TrustInvalid       TrustStatus = "invalid"        // Any other path validation failure.
	TrustRevoked       TrustStatus = "revoked"        // A certificate of the path was revoked before the signing time.
)

// trustTexts describe the trust statuses, in Vietnamese then in English;
// any status not listed is an invalid chain.
var trustTexts = map[TrustStatus][2]string{
	TrustTrusted:       {"Chứng thư số được tin cậy", "The certificate is trusted"},
	TrustNotChecked:    {"Chưa kiểm tra chuỗi tin cậy (không có kho chứng thư tin cậy)", "Trust not checked (no trust store)"},
	TrustUnknownIssuer: {"Không xác định được chuỗi tin cậy", "The certificate chain is not trusted"},
	TrustExpired:       {"Chứng thư số không có hiệu lực tại thời điểm ký", "A certificate was not valid at the signing time"},
	TrustKeyUsage:      {"Chứng thư số không được phép dùng cho mục đích này", "The certificate is not allowed for this purpose"},
	TrustRevoked:       {"Chứng thư số đã bị thu hồi trước thời điểm ký", "The certificate was revoked before the signing time"},
	TrustInvalid:       {"Chuỗi chứng thư số không hợp lệ", "The certificate chain is invalid"},
}

// Text returns the status in English when lang is "en", in Vietnamese
// otherwise.
func (s TrustStatus) Text(lang string) string {
	t, ok := trustTexts[s]
	if !ok {
		t = trustTexts[TrustInvalid]
	}
	return pick(lang == "en", t[0], t[1])
}

func pick(en bool, vi, english string) string {
	if en {
		return english
	}
	return vi
}

// verifyChain validates leaf at time at against roots, with the given
// extended key usage. Intermediates may include unrelated certificates.
func verifyChain(leaf *x509.Certificate, intermediates []*x509.Certificate, roots *x509.CertPool, at time.Time, eku x509.ExtKeyUsage) ([]*x509.Certificate, TrustStatus, error) {
	if roots == nil {
		return nil, TrustNotChecked, nil
	}
	chain, err := VerifiedChain(leaf, intermediates, roots, at, eku)
	if err == nil {
		return chain, TrustTrusted, nil
	}
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknown):
		return nil, TrustUnknownIssuer, err
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return nil, TrustExpired, err
	case errors.As(err, &invalid) && invalid.Reason == x509.IncompatibleUsage:
		return nil, TrustKeyUsage, err
	}
	return nil, TrustInvalid, err
}
