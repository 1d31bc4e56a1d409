package sign

import (
	"context"
	"testing"
	"time"

	"github.com/digitorus/timestamp"

	"motcua/internal/clocktest"
)

// TestVerifiedChainRemembered: a chain found once is given again only
// while every certificate in it is valid at the time asked, and only for
// the same roots.
func TestVerifiedChainRemembered(t *testing.T) {
	now := clocktest.Now().Truncate(time.Second)
	pki, err := NewDemoPKI(now)
	if err != nil {
		t.Fatal(err)
	}
	org, _, err := pki.IssueOrganization("Ủy ban nhân dân tỉnh Bắc Ninh")
	if err != nil {
		t.Fatal(err)
	}
	roots := pki.RootPool()
	chain, err := VerifiedChain(org.Certificate, nil, roots, now)
	if err != nil || len(chain) != 2 || !chain[1].Equal(pki.Root) {
		t.Fatalf("first verification: chain %d certificates, err %v", len(chain), err)
	}
	again, err := VerifiedChain(org.Certificate, nil, roots, now.Add(time.Hour))
	if err != nil || len(again) != 2 {
		t.Fatalf("remembered chain: %d certificates, err %v", len(again), err)
	}
	if _, err := VerifiedChain(org.Certificate, nil, roots, org.Certificate.NotAfter.Add(time.Second)); err == nil {
		t.Fatal("a remembered chain was given after its leaf expired")
	}
	if _, err := VerifiedChain(org.Certificate, nil, roots, org.Certificate.NotBefore.Add(-time.Second)); err == nil {
		t.Fatal("a remembered chain was given before its leaf was valid")
	}
	other, err := NewDemoPKI(now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifiedChain(org.Certificate, nil, other.RootPool(), now); err == nil {
		t.Fatal("a chain remembered for one root pool was given for another")
	}
	// The remembered chain is a copy: changing what was returned does not
	// change what the next caller gets.
	again[1] = nil
	if c, err := VerifiedChain(org.Certificate, nil, roots, now); err != nil || c[1] == nil {
		t.Fatalf("remembered chain was modified by a caller: %v", err)
	}
}

// TestSignedByAndCRLRemembered: remembered checks still refuse what does
// not verify.
func TestSignedByAndCRLRemembered(t *testing.T) {
	now := clocktest.Now().Truncate(time.Second)
	pki, err := NewDemoPKI(now)
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewDemoPKI(now)
	if err != nil {
		t.Fatal(err)
	}
	org, _, err := pki.IssueOrganization("Sở Tư pháp")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if !signedBy(org.Certificate, pki.Root) {
			t.Fatalf("round %d: the issuing CA does not verify", i)
		}
		if signedBy(org.Certificate, other.Root) {
			t.Fatalf("round %d: another CA with the same name verifies", i)
		}
	}
	crl, err := pki.CRL(context.Background(), org.Certificate, pki.Root, now)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := checkCRL(crl, pki.Root); err != nil {
			t.Fatalf("round %d: CRL of the issuer refused: %v", i, err)
		}
		if err := checkCRL(crl, other.Root); err == nil {
			t.Fatalf("round %d: CRL accepted for another issuer of the same name", i)
		}
	}
	resp, err := pki.OCSP(context.Background(), org.Certificate, pki.Root, now)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := checkOCSP(resp, org.Certificate, pki.Root, now); err != nil {
			t.Fatalf("round %d: OCSP response refused: %v", i, err)
		}
		if _, err := checkOCSP(resp, org.Certificate, pki.Root, now.Add(365*24*time.Hour)); err == nil {
			t.Fatalf("round %d: stale OCSP response accepted", i)
		}
	}
}

// TestLocalTimestampToken: the token the in-process TSA gives is a
// correctly signed RFC 3161 token over the digest, and tokenTime reads
// the same time as the full parser.
func TestLocalTimestampToken(t *testing.T) {
	now := clocktest.Now().Truncate(time.Second)
	pki, err := NewDemoPKI(now)
	if err != nil {
		t.Fatal(err)
	}
	id, err := pki.IssueTSA("TSA demo")
	if err != nil {
		t.Fatal(err)
	}
	c := &TSAClient{Local: &LocalTSA{Identity: id, Now: func() time.Time { return now }}}
	message := []byte("biên nhận hồ sơ")
	token, err := c.Timestamp(context.Background(), message)
	if err != nil {
		t.Fatal(err)
	}
	info, err := verifyTimestampToken(token, message, pki.RootPool())
	if err != nil || !info.Trusted || !info.Time.Equal(now) {
		t.Fatalf("local token: %+v, %v", info, err)
	}
	p7, err := parsePKCS7(token)
	if err != nil {
		t.Fatal(err)
	}
	at, err := tokenTime(p7)
	if err != nil || !at.Equal(now) {
		t.Fatalf("tokenTime = %v, %v; want %v", at, err, now)
	}
	refused, err := timestamp.CreateErrorResponse(timestamp.Rejection, timestamp.BadAlgorithm)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := grantedToken(refused); err == nil {
		t.Fatal("a refused timestamp response gave a token")
	}
	if _, err := grantedToken([]byte{0x30, 0x03, 0x02, 0x01}); err == nil {
		t.Fatal("a truncated response gave a token")
	}
}
