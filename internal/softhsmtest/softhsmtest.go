//go:build cgo

// Package softhsmtest makes SoftHSM2 tokens for the tests of PKCS#11
// signing (sign, the signing agent, render, the browser test of web): a
// USB token or an HSM that a test can create and fill.
package softhsmtest

import (
	"crypto"
	"crypto/elliptic"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"motcua/internal/tooltest"

	"github.com/ThalesGroup/crypto11"
)

// Module is the SoftHSM2 PKCS#11 module (Debian package softhsm2).
const Module = "/usr/lib/softhsm/libsofthsm2.so"

// Token creates the token label, user PIN pin (SO PIN 5678), in a SoftHSM2
// store of the test's own, which SOFTHSM2_CONF names until the test ends.
// Without SoftHSM2 the test is skipped, or fails when
// MOTCUA_TEST_REQUIRE_TOOLS=1.
func Token(t testing.TB, label, pin string) {
	t.Helper()
	util, err := exec.LookPath("softhsm2-util")
	if _, serr := os.Stat(Module); err != nil || serr != nil {
		tooltest.Missing(t, "SoftHSM2 (softhsm2-util, "+Module+") not installed")
	}
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+tokens+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	if out, err := exec.Command(util, "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", "5678").CombinedOutput(); err != nil {
		t.Fatalf("softhsm2-util --init-token: %v\n%s", err, out)
	}
}

// Key generates an ECDSA P-256 key (id, label) inside the token, has
// certify issue its certificate, stores the certificate beside the key and
// returns it: what an HSM administrator does, or a CA handing out a USB
// token.
func Key(t testing.TB, token, pin string, id byte, label string, certify func(crypto.PublicKey) (*x509.Certificate, error)) *x509.Certificate {
	t.Helper()
	c11, err := crypto11.Configure(&crypto11.Config{Path: Module, TokenLabel: token, Pin: pin})
	if err != nil {
		t.Fatalf("crypto11.Configure: %v", err)
	}
	defer c11.Close()
	key, err := c11.GenerateECDSAKeyPairWithLabel([]byte{id}, []byte(label), elliptic.P256())
	if err != nil {
		t.Fatalf("generate key %s: %v", label, err)
	}
	cert, err := certify(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := c11.ImportCertificateWithLabel([]byte{id}, []byte(label), cert); err != nil {
		t.Fatalf("import certificate %s: %v", label, err)
	}
	return cert
}
