package sso

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Fake is a small OpenID Connect provider for tests and serve --demo:
// discovery, JWKS, an authorize endpoint that approves at once (as
// Claims' person) and a token endpoint that checks the client, the PKCE
// verifier and the redirect URL and accepts each code once. ID tokens are
// RS256, signed with Key. Set Issuer to the server's URL before the first
// request.
type Fake struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	Key          *rsa.PrivateKey
	Now          func() time.Time
	// Claims are the signed-in person's claims (personal_id, name, acr…)
	// added to iss, sub, aud, iat, exp and nonce.
	Claims map[string]any
	// Tamper, when set, edits each ID token's claims before signing, and
	// SignKey, when set, signs instead of Key under Key's key id (tests).
	Tamper  func(claims map[string]any)
	SignKey *rsa.PrivateKey

	mu    sync.Mutex
	codes map[string]fakeGrant
}

type fakeGrant struct {
	redirect, challenge, nonce string
}

// DemoCitizen is the person the demo provider signs in.
var DemoCitizen = map[string]any{"sub": "demo-vneid-1", DefaultIDClaim: "027090001234", "name": "Nguyễn Thị Demo", DefaultLevelClaim: "2"}

// NewFake returns a provider for client id and secret, signing with a
// fresh 2048-bit key.
func NewFake(clientID, secret string, now func() time.Time) (*Fake, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return &Fake{ClientID: clientID, ClientSecret: secret, Key: k, Now: now, Claims: DemoCitizen}, nil
}

const fakeKeyID = "motcua-fake-1"

func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/.well-known/openid-configuration":
		writeJSON(w, http.StatusOK, map[string]any{
			"issuer": f.Issuer, "authorization_endpoint": f.Issuer + "/authorize", "token_endpoint": f.Issuer + "/token",
			"jwks_uri": f.Issuer + "/jwks", "response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
		})
	case "/jwks":
		pub := f.Key.PublicKey
		writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": fakeKeyID,
			"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes())}}})
	case "/authorize":
		f.authorize(w, r)
	case "/token":
		f.token(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (f *Fake) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if q.Get("client_id") != f.ClientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || err != nil || redirect.Scheme == "" {
		http.Error(w, "invalid_request", http.StatusBadRequest)
		return
	}
	code := rand.Text()
	f.mu.Lock()
	if f.codes == nil {
		f.codes = map[string]fakeGrant{}
	}
	f.codes[code] = fakeGrant{redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge"), nonce: q.Get("nonce")}
	f.mu.Unlock()
	v := redirect.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	redirect.RawQuery = v.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (f *Fake) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "authorization_code" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != f.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(f.ClientSecret)) != 1 {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	code := r.PostForm.Get("code")
	f.mu.Lock()
	g, ok := f.codes[code]
	delete(f.codes, code) // once only, whatever happens next
	f.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !ok || g.redirect != r.PostForm.Get("redirect_uri") || b64(sum[:]) != g.challenge {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	now := f.Now()
	claims := map[string]any{"iss": f.Issuer, "aud": f.ClientID, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "nonce": g.nonce}
	for k, v := range f.Claims {
		claims[k] = v
	}
	if f.Tamper != nil {
		f.Tamper(claims)
	}
	key := f.Key
	if f.SignKey != nil {
		key = f.SignKey
	}
	idToken, err := signRS256(key, claims)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 300, "id_token": idToken})
}

// signRS256 returns a compact JWS of claims.
func signRS256(k *rsa.PrivateKey, claims map[string]any) (string, error) {
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": fakeKeyID})
	p, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signing := b64(h) + "." + b64(p)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signing + "." + b64(sig), nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
