// Package sso signs citizens in with OpenID Connect: VNeID, reached through
// the national public service portal's single sign-on, or any provider that
// speaks the authorization code flow (issue 18 item 3, docs/oidc.md).
//
// A sign-in is a Flow (state, nonce and PKCE verifier, kept by the caller
// in a short-lived cookie): AuthCodeURL sends the browser to the provider,
// Exchange turns the code it brings back into a verified Identity — the ID
// token's signature checked against the provider's JWKS, its issuer,
// audience, expiry and nonce, and the personal ID number read from the
// configured claim. Errors are ErrProvider (the provider did not answer)
// or ErrRefused (the sign-in is not valid); their text holds no token and
// no code, so they may be logged.
package sso

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Config is the relying party's registration with the provider.
type Config struct {
	Issuer       string   // the provider's issuer URL (discovery at ISSUER/.well-known/openid-configuration)
	ClientID     string   // motcua's client id at the provider
	ClientSecret string   // its secret (never logged)
	RedirectURL  string   // BASE/dang-nhap/vneid/callback, registered at the provider
	Scopes       []string // default DefaultScopes
	// IDClaim names the claim holding the 12-digit personal ID number
	// (default DefaultIDClaim); LevelClaim the one holding the identity
	// level (default DefaultLevelClaim, see Level).
	IDClaim    string
	LevelClaim string
	// Now is the clock the ID token's expiry is checked against.
	Now func() time.Time
	// HTTPClient talks to the provider (default: a client with a 10 s
	// timeout).
	HTTPClient *http.Client
}

// Defaults of Config.
const (
	DefaultIDClaim    = "personal_id"
	DefaultLevelClaim = "acr"
)

// DefaultScopes are asked for when Config.Scopes is empty.
var DefaultScopes = []string{oidc.ScopeOpenID, "profile"}

// Errors of a sign-in.
var (
	ErrProvider = errors.New("sso: identity provider unavailable")
	ErrRefused  = errors.New("sso: sign-in refused")
	ErrNoID     = fmt.Errorf("%w: no personal ID number", ErrRefused)
)

// Identity is what the provider vouched for.
type Identity struct {
	Issuer   string
	Subject  string
	IDNumber string // from Config.IDClaim
	Name     string // the "name" claim, if any
	Level    int    // 1 or 2, see Level
}

// Client is a configured relying party. The provider is discovered on
// first use (and again after a failure), so motcua starts while the
// provider is down.
type Client struct {
	cfg    Config
	mu     sync.Mutex
	oauth  *oauth2.Config
	verify *oidc.IDTokenVerifier
}

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("sso: issuer, client id and redirect URL are required")
	}
	if cfg.Now == nil {
		return nil, errors.New("sso: no clock")
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = DefaultScopes
	}
	if cfg.IDClaim == "" {
		cfg.IDClaim = DefaultIDClaim
	}
	if cfg.LevelClaim == "" {
		cfg.LevelClaim = DefaultLevelClaim
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	return &Client{cfg: cfg}, nil
}

// Flow is one sign-in's secrets, bound to the browser that started it.
type Flow struct {
	State, Nonce, Verifier string
}

// NewFlow returns fresh random values.
func NewFlow() Flow {
	return Flow{State: rand.Text(), Nonce: rand.Text(), Verifier: oauth2.GenerateVerifier()}
}

// provider discovers the provider once (the key set then lives as long as
// the client, on a background context).
func (c *Client) provider() (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.oauth != nil {
		return c.oauth, c.verify, nil
	}
	ctx := oidc.ClientContext(context.Background(), c.cfg.HTTPClient)
	p, err := oidc.NewProvider(ctx, c.cfg.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: discovery: %v", ErrProvider, err)
	}
	c.oauth = &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: c.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: c.cfg.Scopes}
	c.verify = p.Verifier(&oidc.Config{ClientID: c.cfg.ClientID, Now: c.cfg.Now})
	return c.oauth, c.verify, nil
}

// AuthCodeURL is where the browser goes to sign in: the code flow with
// state, nonce and a PKCE S256 challenge.
func (c *Client) AuthCodeURL(f Flow) (string, error) {
	o, _, err := c.provider()
	if err != nil {
		return "", err
	}
	return o.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), nil
}

// Exchange redeems code (the caller has checked the state) and verifies
// the ID token that comes back.
func (c *Client) Exchange(ctx context.Context, f Flow, code string) (*Identity, error) {
	o, verifier, err := c.provider()
	if err != nil {
		return nil, err
	}
	ctx = oidc.ClientContext(ctx, c.cfg.HTTPClient)
	tok, err := o.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		// The provider's answer names the reason (invalid_grant for a
		// code used twice); a network failure or a 5xx is the provider
		// being down. Neither message carries the code.
		if re := (*oauth2.RetrieveError)(nil); errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			return nil, fmt.Errorf("%w: token endpoint: %d %s", ErrRefused, re.Response.StatusCode, re.ErrorCode)
		}
		return nil, fmt.Errorf("%w: token endpoint unreachable", ErrProvider)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, fmt.Errorf("%w: no ID token", ErrRefused)
	}
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		// go-oidc's messages name the failed check, not the token.
		return nil, fmt.Errorf("%w: ID token: %v", ErrRefused, err)
	}
	if idt.Nonce != f.Nonce {
		return nil, fmt.Errorf("%w: nonce mismatch", ErrRefused)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrRefused, err)
	}
	id := &Identity{Issuer: idt.Issuer, Subject: idt.Subject, IDNumber: claimString(claims[c.cfg.IDClaim]),
		Level: Level(claimString(claims[c.cfg.LevelClaim]))}
	id.Name, _ = claims["name"].(string)
	if id.IDNumber == "" {
		return nil, ErrNoID
	}
	return id, nil
}

// claimString reads a string or number claim.
func claimString(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

// Level maps the level claim to an identity level: a value ending in "2"
// (2, "loa2", "urn:…:loa:2") is level 2; anything else, or no claim, is
// level 1 — the provider verified the person either way.
func Level(v string) int {
	if strings.HasSuffix(v, "2") {
		return 2
	}
	return 1
}
