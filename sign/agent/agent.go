// Package agent is the officer's local signing agent ("motcua sign-agent"):
// a small HTTP service on the officer's own computer, listening on
// 127.0.0.1 only, that signs the digest of a prepared signature with the
// key on the officer's USB token (PKCS#11). The approve page of motcua
// drives it from the browser with plain JavaScript:
//
//  1. pairing, once: POST /v1/pair makes the agent show a six-digit code
//     on the officer's screen (its own window, not the page); the officer
//     types it into the page, which sends it to POST /v1/pair/confirm and
//     receives a pairing secret that it keeps (localStorage) and sends as
//     "Authorization: Bearer …" from then on;
//  2. signing: POST /v1/sign {"digest": base64 SHA-256, "document": …}.
//     The agent asks the officer for the token PIN itself (Prompter), logs
//     in to the token, signs, logs out, and answers the signature value
//     and the token's certificate. The PIN never reaches the page or the
//     server; the digest is all the agent sees of the document.
//
// Every request must come from the configured motcua origin (Origin
// header, answered with a CORS allow-list of that one origin) and name
// the agent by its loopback address (Host header, against DNS rebinding);
// anything else gets 403. Requests are signed one at a time.
package agent

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"motcua/sign"
)

// DefaultAddr is the agent's default listening address.
const DefaultAddr = "127.0.0.1:17870"

// Document describes, for the officer, what a digest belongs to. The agent
// shows it with the PIN prompt; it cannot check it (it only sees the
// digest), the page and the server's audit trail can.
type Document struct {
	Title  string `json:"title"`
	Code   string `json:"code"`   // dossier code
	SHA256 string `json:"sha256"` // of the document as it will be signed
}

// Prompter talks to the officer on the agent's side.
type Prompter interface {
	// ShowPairingCode shows the code the officer must type into the page.
	ShowPairingCode(origin, code string)
	// PIN asks for the token PIN to sign digest for doc. An error (for
	// example ErrCancelled) refuses the signature.
	PIN(ctx context.Context, doc Document, digest []byte) (string, error)
}

// ErrCancelled is returned by a Prompter when the officer declines.
var ErrCancelled = errors.New("the officer declined to sign")

// Token opens the officer's key with the PIN; the returned closer logs
// out. sign.OpenPKCS11 with the PIN filled in is the real one.
type Token func(pin string) (sign.DigestSigner, io.Closer, error)

// PKCS11Token returns the Token of a PKCS#11 key (cfg.PIN is ignored: the
// officer gives it for each signature).
func PKCS11Token(cfg sign.PKCS11Config) Token {
	return func(pin string) (sign.DigestSigner, io.Closer, error) {
		c := cfg
		c.PIN = pin
		id, closer, err := sign.OpenPKCS11(c)
		if err != nil {
			return nil, nil, err
		}
		return id, closer, nil
	}
}

// Config configures an agent.
type Config struct {
	// Origin is the one web origin allowed to use the agent, e.g.
	// "https://motcua.bacninh.gov.vn" (scheme, host and port as the
	// browser sends them in the Origin header).
	Origin string
	// StateFile keeps the pairing (a hash of the secret) across restarts;
	// empty keeps it in memory only.
	StateFile string
	Token     Token
	Prompter  Prompter
	// Now is the clock (pairing codes expire after PairingTTL).
	Now func() time.Time
}

// PairingTTL is how long a pairing code may be confirmed.
const PairingTTL = 5 * time.Minute

// maxPairingTries bounds wrong codes per pairing attempt.
const maxPairingTries = 3

// Agent is the HTTP handler of the signing agent.
type Agent struct {
	cfg      Config
	signing  sync.Mutex // one PIN prompt and token session at a time
	mu       sync.Mutex
	pairings map[string]*pairing
	secrets  map[string]bool // hex SHA-256 of the pairing secrets
	host     string          // the accepted Host header, set by Serve
}

type pairing struct {
	code    string
	expires time.Time
	tries   int
}

// state is the StateFile format.
type state struct {
	Origin  string   `json:"origin"`
	Secrets []string `json:"secrets"` // hex SHA-256
}

// New returns an agent; it reads the pairing state from cfg.StateFile.
func New(cfg Config) (*Agent, error) {
	if !strings.HasPrefix(cfg.Origin, "https://") && !strings.HasPrefix(cfg.Origin, "http://") {
		return nil, fmt.Errorf("agent: the motcua origin must be an http(s) origin, got %q", cfg.Origin)
	}
	cfg.Origin = strings.TrimRight(cfg.Origin, "/")
	if cfg.Token == nil || cfg.Prompter == nil || cfg.Now == nil {
		return nil, errors.New("agent: Token, Prompter and Now are required")
	}
	a := &Agent{cfg: cfg, pairings: map[string]*pairing{}, secrets: map[string]bool{}}
	if cfg.StateFile != "" {
		data, err := os.ReadFile(cfg.StateFile)
		switch {
		case err == nil:
			var st state
			if err := json.Unmarshal(data, &st); err != nil {
				return nil, fmt.Errorf("agent: %s: %w", cfg.StateFile, err)
			}
			if st.Origin == cfg.Origin { // pairings are per origin
				for _, s := range st.Secrets {
					a.secrets[s] = true
				}
			}
		case !errors.Is(err, os.ErrNotExist):
			return nil, err
		}
	}
	return a, nil
}

// Serve listens on addr, which must be a loopback address, and serves
// until ctx ends. ready, when not nil, receives the bound address.
func (a *Agent) Serve(ctx context.Context, addr string, ready func(net.Addr)) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("agent: refusing to listen on %s: only a loopback address (127.0.0.1) is allowed", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.host = ln.Addr().String()
	a.mu.Unlock()
	if ready != nil {
		ready(ln.Addr())
	}
	srv := &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// answer is an error body: a stable code and a Vietnamese message.
type answer struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ServeHTTP implements http.Handler.
func (a *Agent) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	host := a.host
	a.mu.Unlock()
	if host != "" && !sameHost(r.Host, host) {
		reply(w, http.StatusForbidden, answer{"host", "Yêu cầu không gửi tới địa chỉ của trình ký"})
		return
	}
	if r.Header.Get("Origin") != a.cfg.Origin {
		// No CORS headers: the browser keeps the answer from the page.
		reply(w, http.StatusForbidden, answer{"origin", "Trình ký chỉ phục vụ trang " + a.cfg.Origin})
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", a.cfg.Origin)
	h.Set("Vary", "Origin")
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "GET, POST")
		h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
		// Chromium's Private Network Access: a page may reach a
		// loopback service only if it says so.
		h.Set("Access-Control-Allow-Private-Network", "true")
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/v1/status":
		reply(w, http.StatusOK, map[string]any{"agent": "motcua-sign-agent", "version": 1, "paired": a.paired(r)})
	case r.Method == http.MethodPost && r.URL.Path == "/v1/pair":
		a.pair(w)
	case r.Method == http.MethodPost && r.URL.Path == "/v1/pair/confirm":
		a.confirm(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/v1/sign":
		if !a.paired(r) {
			reply(w, http.StatusUnauthorized, answer{"not_paired", "Trình ký chưa được ghép nối với trình duyệt này; hãy ghép nối lại"})
			return
		}
		a.sign(w, r)
	default:
		reply(w, http.StatusNotFound, answer{"not_found", "Không có chức năng này"})
	}
}

// sameHost compares Host headers, accepting "localhost" for 127.0.0.1.
func sameHost(got, want string) bool {
	if got == want {
		return true
	}
	gh, gp, err1 := net.SplitHostPort(got)
	_, wp, err2 := net.SplitHostPort(want)
	return err1 == nil && err2 == nil && gp == wp && gh == "localhost"
}

func (a *Agent) paired(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return false
	}
	sum := sha256.Sum256([]byte(tok))
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.secrets[hex.EncodeToString(sum[:])]
}

func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (a *Agent) pair(w http.ResponseWriter) {
	var b [4]byte
	_, _ = rand.Read(b[:])
	n := (uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])) % 1000000
	code := fmt.Sprintf("%06d", n)
	id := random(12)
	now := a.cfg.Now()
	a.mu.Lock()
	for k, p := range a.pairings {
		if now.After(p.expires) {
			delete(a.pairings, k)
		}
	}
	if len(a.pairings) >= 4 {
		a.mu.Unlock()
		reply(w, http.StatusTooManyRequests, answer{"busy", "Đang có yêu cầu ghép nối chờ xác nhận; vui lòng đợi"})
		return
	}
	a.pairings[id] = &pairing{code: code, expires: now.Add(PairingTTL)}
	a.mu.Unlock()
	a.cfg.Prompter.ShowPairingCode(a.cfg.Origin, code)
	reply(w, http.StatusOK, map[string]any{"pairing_id": id, "expires_in": int(PairingTTL / time.Second)})
}

func (a *Agent) confirm(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PairingID string `json:"pairing_id"`
		Code      string `json:"code"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&in); err != nil {
		reply(w, http.StatusBadRequest, answer{"bad_request", "Yêu cầu không hợp lệ"})
		return
	}
	code := strings.ReplaceAll(strings.TrimSpace(in.Code), " ", "")
	a.mu.Lock()
	p, ok := a.pairings[in.PairingID]
	if ok && a.cfg.Now().After(p.expires) {
		delete(a.pairings, in.PairingID)
		ok = false
	}
	if !ok {
		a.mu.Unlock()
		reply(w, http.StatusGone, answer{"pairing_expired", "Mã ghép nối đã hết hạn; hãy ghép nối lại"})
		return
	}
	if subtle.ConstantTimeCompare([]byte(code), []byte(p.code)) != 1 {
		p.tries++
		if p.tries >= maxPairingTries {
			delete(a.pairings, in.PairingID)
		}
		a.mu.Unlock()
		reply(w, http.StatusForbidden, answer{"wrong_code", "Mã ghép nối không đúng"})
		return
	}
	delete(a.pairings, in.PairingID)
	secret := random(32)
	sum := sha256.Sum256([]byte(secret))
	a.secrets[hex.EncodeToString(sum[:])] = true
	err := a.save()
	a.mu.Unlock()
	if err != nil {
		reply(w, http.StatusInternalServerError, answer{"state", "Không lưu được trạng thái ghép nối: " + err.Error()})
		return
	}
	reply(w, http.StatusOK, map[string]string{"secret": secret})
}

// save writes the state file; a.mu is held.
func (a *Agent) save() error {
	if a.cfg.StateFile == "" {
		return nil
	}
	st := state{Origin: a.cfg.Origin}
	for s := range a.secrets {
		st.Secrets = append(st.Secrets, s)
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp := a.cfg.StateFile + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, a.cfg.StateFile)
}

// SignRequest is the body of POST /v1/sign.
type SignRequest struct {
	Digest   string   `json:"digest"` // base64 SHA-256 of the CMS signed attributes
	Document Document `json:"document"`
}

// SignResponse is the answer of POST /v1/sign.
type SignResponse struct {
	Signature    string   `json:"signature"`    // base64
	Certificates []string `json:"certificates"` // base64 DER, signer first
}

func (a *Agent) sign(w http.ResponseWriter, r *http.Request) {
	var in SignRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 16<<10)).Decode(&in); err != nil {
		reply(w, http.StatusBadRequest, answer{"bad_request", "Yêu cầu ký không hợp lệ"})
		return
	}
	digest, err := base64.StdEncoding.DecodeString(in.Digest)
	if err != nil || len(digest) != sha256.Size {
		reply(w, http.StatusBadRequest, answer{"bad_digest", "Giá trị cần ký phải là SHA-256 (32 byte, base64)"})
		return
	}
	a.signing.Lock()
	defer a.signing.Unlock()
	pin, err := a.cfg.Prompter.PIN(r.Context(), in.Document, digest)
	if err != nil {
		reply(w, http.StatusConflict, answer{"cancelled", "Cán bộ đã từ chối ký trên trình ký"})
		return
	}
	signer, closer, err := a.cfg.Token(pin)
	if err != nil {
		reply(w, http.StatusUnauthorized, answer{"token", "Không mở được thiết bị ký (sai mã PIN, hoặc chưa cắm USB token): " + err.Error()})
		return
	}
	defer closer.Close()
	certs, err := signer.Certificates(r.Context())
	if err != nil {
		reply(w, http.StatusBadGateway, answer{"token", "Không đọc được chứng thư số trên thiết bị ký: " + err.Error()})
		return
	}
	sig, err := signer.SignDigest(r.Context(), digest)
	if err != nil {
		reply(w, http.StatusBadGateway, answer{"token", "Thiết bị ký không tạo được chữ ký: " + err.Error()})
		return
	}
	out := SignResponse{Signature: base64.StdEncoding.EncodeToString(sig)}
	for _, c := range certs {
		out.Certificates = append(out.Certificates, base64.StdEncoding.EncodeToString(c.Raw))
	}
	reply(w, http.StatusOK, out)
}
