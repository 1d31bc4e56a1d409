package blob

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"motcua/dossier"
)

// S3 stores blobs in a bucket of an S3-compatible object store (MinIO,
// Ceph RGW, SeaweedFS, a cloud provider's), shared by every instance. The
// object key of blob id is Prefix + id[:2] + "/" + id, as in the directory
// backend. Requests are signed with AWS Signature Version 4 and addressed
// path-style (Endpoint/Bucket/key), which every S3-compatible server
// accepts. Objects are written whole (a blob is at most the upload limit,
// 20 MB by default) with their SHA-256 in x-amz-content-sha256, which the
// server checks.
type S3 struct {
	Endpoint  string // e.g. https://s3.hcc.bacninh.gov.vn or http://127.0.0.1:9000
	Region    string // e.g. us-east-1 (MinIO's default)
	Bucket    string
	Prefix    string // optional, e.g. "blobs/"
	AccessKey string
	SecretKey string
	// Client is the HTTP client; nil means one with a 60 s timeout.
	Client *http.Client
	// Now dates the signatures; required.
	Now func() time.Time
}

func (s *S3) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return &http.Client{Timeout: 60 * time.Second}
}

func (s *S3) objectURL(id string) string {
	return strings.TrimRight(s.Endpoint, "/") + "/" + s.Bucket + "/" + s.Prefix + id[:2] + "/" + id
}

// Put stores the bytes of r (at most limit bytes).
func (s *S3) Put(r io.Reader, limit int64) (*Info, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, inputError(err)
	}
	if len(data) == 0 {
		return nil, dossier.Errorf(dossier.EINVALID, "Tệp rỗng")
	}
	ctype, err := Sniff(data[:min(len(data), 512)])
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, dossier.Errorf(dossier.ETOOLARGE, "Tệp vượt quá dung lượng cho phép (%d MB)", limit>>20)
	}
	if err := checkBounded(bytes.NewReader(data), int64(len(data)), ctype); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	id := hex.EncodeToString(sum[:])
	req, err := http.NewRequest(http.MethodPut, s.objectURL(id), bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("blob: s3: %w", err)
	}
	req.Header.Set("Content-Type", ctype)
	res, err := s.do(req, id)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	return &Info{ID: id, SHA256: id, Size: int64(len(data)), ContentType: ctype}, nil
}

// Read returns the bytes of blob id.
func (s *S3) Read(id string) ([]byte, error) {
	if !ValidID(id) {
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy tệp")
	}
	req, err := http.NewRequest(http.MethodGet, s.objectURL(id), nil)
	if err != nil {
		return nil, fmt.Errorf("blob: s3: %w", err)
	}
	res, err := s.do(req, emptySHA256)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("blob: s3 read: %w", err)
	}
	// Content addressing: what comes back must be what was stored.
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != id {
		return nil, fmt.Errorf("blob: s3 object %s does not match its SHA-256", id)
	}
	return data, nil
}

// Open returns blob id for serving (read whole: blobs are small).
func (s *S3) Open(id string) (io.ReadSeekCloser, error) {
	data, err := s.Read(id)
	if err != nil {
		return nil, err
	}
	return readSeekNopCloser{bytes.NewReader(data)}, nil
}

type readSeekNopCloser struct{ *bytes.Reader }

func (readSeekNopCloser) Close() error { return nil }

// emptySHA256 is the SHA-256 of no bytes (a request without a body).
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// do signs and sends req; a 404 to a GET is ENOTFOUND, another non-2xx
// an error.
func (s *S3) do(req *http.Request, payloadSHA256 string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	req = req.WithContext(ctx)
	s.sign(req, payloadSHA256, s.Now())
	res, err := s.client().Do(req)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("blob: s3 %s: %w", req.Method, err)
	}
	res.Body = cancelOnClose{res.Body, cancel}
	if res.StatusCode == http.StatusNotFound && req.Method == http.MethodGet {
		res.Body.Close()
		return nil, dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy tệp")
	}
	if res.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		res.Body.Close()
		return nil, fmt.Errorf("blob: s3 %s %s: %s %s", req.Method, req.URL.Path, res.Status, bytes.TrimSpace(msg))
	}
	return res, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel func()
}

func (c cancelOnClose) Close() error { err := c.ReadCloser.Close(); c.cancel(); return err }

// sign adds an AWS Signature Version 4 Authorization header to req,
// signing the host, range and x-amz-* headers.
func (s *S3) sign(req *http.Request, payloadSHA256 string, at time.Time) {
	at = at.UTC()
	stamp := at.Format("20060102T150405Z")
	day := stamp[:8]
	req.Header.Set("X-Amz-Date", stamp)
	req.Header.Set("X-Amz-Content-Sha256", payloadSHA256)
	host := req.URL.Host
	if req.Host != "" {
		host = req.Host
	}
	headers := map[string]string{"host": host}
	for k, v := range req.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-amz-") || lk == "range" || lk == "content-md5" {
			headers[lk] = strings.TrimSpace(strings.Join(v, ","))
		}
	}
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, k)
	}
	sort.Strings(names)
	var canonHeaders strings.Builder
	for _, k := range names {
		canonHeaders.WriteString(k + ":" + headers[k] + "\n")
	}
	signed := strings.Join(names, ";")
	canonical := strings.Join([]string{req.Method, canonicalPath(req.URL), canonicalQuery(req.URL.Query()),
		canonHeaders.String(), signed, payloadSHA256}, "\n")
	scope := day + "/" + s.Region + "/s3/aws4_request"
	ch := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + stamp + "\n" + scope + "\n" + hex.EncodeToString(ch[:])
	key := hmacSHA256([]byte("AWS4"+s.SecretKey), day)
	for _, part := range []string{s.Region, "s3", "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	sig := hex.EncodeToString(hmacSHA256(key, toSign))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+s.AccessKey+"/"+scope+
		", SignedHeaders="+signed+", Signature="+sig)
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// canonicalPath URI-encodes each segment of the path (S3: once).
func canonicalPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		raw, err := url.PathUnescape(seg)
		if err != nil {
			raw = seg
		}
		segs[i] = uriEncode(raw)
	}
	return strings.Join(segs, "/")
}

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, uriEncode(k)+"="+uriEncode(v))
		}
	}
	return strings.Join(parts, "&")
}

// uriEncode percent-encodes everything but A-Z a-z 0-9 - _ . ~.
func uriEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
