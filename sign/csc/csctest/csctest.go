// Package csctest is a fake remote signing service speaking the Cloud
// Signature Consortium API v2 (auth/login, credentials/list,
// credentials/info, credentials/authorize, signatures/signHash) for tests:
// one account, one credential, an OTP that is accepted or refused, and
// switches for a slow provider and a provider that is down. Never use it
// in production.
package csctest

import (
	"crypto"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"motcua/sign"
)

// Server is a running fake CSC service.
type Server struct {
	*httptest.Server
	// Identity holds the key "in the provider's HSM" and its certificate.
	Identity *sign.Identity
	// CredentialID names the only credential.
	CredentialID string
	// Username and Password are the account of auth/login.
	Username, Password string

	otp   atomic.Value // string: the OTP credentials/authorize accepts
	delay atomic.Int64 // nanoseconds every call waits
	down  atomic.Bool  // answer 503

	mu     sync.Mutex
	tokens map[string]bool
	sads   map[string]string // SAD → base64 hash it authorises
	calls  map[string]int
}

// New starts a fake service signing with id; it accepts otp. Close it
// when done.
func New(id *sign.Identity, otp string) *Server {
	s := &Server{Identity: id, CredentialID: "cred-001", Username: "lanhdao", Password: "mat-khau-csc",
		tokens: map[string]bool{}, sads: map[string]string{}, calls: map[string]int{}}
	s.otp.Store(otp)
	mux := http.NewServeMux()
	for _, m := range []string{"auth/login", "credentials/list", "credentials/info", "credentials/authorize", "signatures/signHash"} {
		mux.HandleFunc("POST /csc/v2/"+m, s.wrap(m))
	}
	s.Server = httptest.NewServer(mux)
	return s
}

// APIURL returns the base URL of the API ("…/csc/v2").
func (s *Server) APIURL() string { return s.Server.URL + "/csc/v2" }

// SetOTP changes the accepted OTP.
func (s *Server) SetOTP(otp string) { s.otp.Store(otp) }

// SetDelay makes every call wait d before answering (a slow provider).
func (s *Server) SetDelay(d time.Duration) { s.delay.Store(int64(d)) }

// SetDown makes every call answer 503 (a provider that is down).
func (s *Server) SetDown(down bool) { s.down.Store(down) }

// Calls reports how many times method was called.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

func (s *Server) wrap(method string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls[method]++
		s.mu.Unlock()
		// Read the request first: the server notices a client that gave
		// up (and cancels r.Context) only once the body is consumed.
		raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return
		}
		if d := time.Duration(s.delay.Load()); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if s.down.Load() {
			fail(w, http.StatusServiceUnavailable, "temporarily_unavailable", "maintenance")
			return
		}
		var body map[string]any
		if method != "auth/login" {
			if !s.authorized(r) {
				fail(w, http.StatusUnauthorized, "invalid_token", "missing or invalid access token")
				return
			}
			if err := json.Unmarshal(raw, &body); err != nil {
				fail(w, http.StatusBadRequest, "invalid_request", "malformed JSON")
				return
			}
		}
		switch method {
		case "auth/login":
			s.login(w, r)
		case "credentials/list":
			reply(w, map[string]any{"credentialIDs": []string{s.CredentialID}})
		case "credentials/info":
			s.info(w, body)
		case "credentials/authorize":
			s.authorize(w, body)
		case "signatures/signHash":
			s.signHash(w, body)
		}
	}
}

func (s *Server) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	return ok && s.tokens[tok]
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	u, p, ok := r.BasicAuth()
	if !ok || u != s.Username || p != s.Password {
		fail(w, http.StatusUnauthorized, "invalid_request", "bad credentials")
		return
	}
	tok := handOut(s, s.tokens, true)
	reply(w, map[string]any{"access_token": tok, "expires_in": 3600})
}

// handOut keeps v in m, one of s's maps, under a new random handle (an
// access token, a SAD) and returns the handle.
func handOut[V any](s *Server, m map[string]V, v V) string {
	h := random()
	s.mu.Lock()
	m[h] = v
	s.mu.Unlock()
	return h
}

func (s *Server) info(w http.ResponseWriter, body map[string]any) {
	if body["credentialID"] != s.CredentialID {
		fail(w, http.StatusBadRequest, "invalid_request", "unknown credentialID")
		return
	}
	certs := []string{base64.StdEncoding.EncodeToString(s.Identity.Certificate.Raw)}
	for _, ca := range s.Identity.Chain {
		certs = append(certs, base64.StdEncoding.EncodeToString(ca.Raw))
	}
	reply(w, map[string]any{
		"key":      map[string]any{"status": "enabled", "algo": []string{"1.2.840.10045.4.3.2"}, "len": 256},
		"cert":     map[string]any{"status": "valid", "certificates": certs, "subjectDN": s.Identity.Certificate.Subject.String()},
		"authMode": "explicit", "SCAL": "2", "multisign": 1,
		"OTP": map[string]any{"presence": "true", "type": "offline", "format": "N", "label": "Mã OTP"},
	})
}

func (s *Server) authorize(w http.ResponseWriter, body map[string]any) {
	hashes, _ := body["hashes"].([]any)
	if body["credentialID"] != s.CredentialID || len(hashes) != 1 || body["numSignatures"] != float64(1) {
		fail(w, http.StatusBadRequest, "invalid_request", "expected one hash of the known credential")
		return
	}
	if otp, _ := body["OTP"].(string); otp == "" || otp != s.otp.Load().(string) {
		fail(w, http.StatusBadRequest, "invalid_otp", "The OTP is invalid")
		return
	}
	h, _ := hashes[0].(string)
	sad := handOut(s, s.sads, h)
	reply(w, map[string]any{"SAD": sad, "expiresIn": 300})
}

func (s *Server) signHash(w http.ResponseWriter, body map[string]any) {
	hashes, _ := body["hashes"].([]any)
	sad, _ := body["SAD"].(string)
	if len(hashes) != 1 {
		fail(w, http.StatusBadRequest, "invalid_request", "expected one hash")
		return
	}
	h, _ := hashes[0].(string)
	s.mu.Lock()
	want, ok := s.sads[sad]
	delete(s.sads, sad) // a SAD authorises one signature
	s.mu.Unlock()
	if !ok || want != h {
		fail(w, http.StatusBadRequest, "invalid_request", "SAD does not authorise this hash")
		return
	}
	digest, err := base64.StdEncoding.DecodeString(h)
	if err != nil || len(digest) != 32 {
		fail(w, http.StatusBadRequest, "invalid_request", "bad hash")
		return
	}
	sig, err := s.Identity.Signer.Sign(rand.Reader, digest, crypto.SHA256)
	if err != nil {
		fail(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	reply(w, map[string]any{"signatures": []string{base64.StdEncoding.EncodeToString(sig)}})
}

func random() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}
