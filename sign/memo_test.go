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
	pki := demoPKI(t, now)
	org := demoOrg(t, pki, "Ủy ban nhân dân tỉnh Bắc Ninh")
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
	other := demoPKI(t, now)
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
	pki := demoPKI(t, now)
	other := demoPKI(t, now)
	org := demoOrg(t, pki, "Sở Tư pháp")
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
	pki := demoPKI(t, now)
	c, _ := localTSA(t, pki, now)
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

// TestCMSDERAgreesWithPKCS7: the DER reader of AddDSS finds in a
// timestamped signature and in its token the same signer, certificates,
// timestamp and time as the general parser, and gives up on what is not
// plain DER of that shape.
func TestCMSDERAgreesWithPKCS7(t *testing.T) {
	now := clocktest.Now().Truncate(time.Second)
	pki := demoPKI(t, now)
	org := demoOrg(t, pki, "Sở Nội vụ")
	tsa, tsaID := localTSA(t, pki, now)
	der, err := buildCMS(context.Background(), [32]byte{1, 2, 3}, org, cmsParams{timestamp: tsa.Timestamp})
	if err != nil {
		t.Fatal(err)
	}
	sd, ok := cmsDER(der)
	if !ok {
		t.Fatal("cmsDER refused a signature of ours")
	}
	p7, err := parsePKCS7(der)
	if err != nil {
		t.Fatal(err)
	}
	if sd.signer == nil || !sd.signer.Equal(p7.GetOnlySigner()) || len(sd.certs) != len(p7.Certificates) {
		t.Fatalf("signer %v, %d certificates; pkcs7: %v, %d", sd.signer != nil, len(sd.certs), p7.GetOnlySigner() != nil, len(p7.Certificates))
	}
	for i := range sd.certs {
		if !sd.certs[i].Equal(p7.Certificates[i]) {
			t.Errorf("certificate %d differs", i)
		}
	}
	var tokens [][]byte
	for _, a := range p7.Signers[0].UnauthenticatedAttributes {
		if a.Type.Equal(oidTimeStampToken()) {
			tokens = append(tokens, a.Value.Bytes)
		}
	}
	if len(sd.tokens) != 1 || len(tokens) != 1 || string(sd.tokens[0]) != string(tokens[0]) {
		t.Fatalf("timestamp tokens: %d, pkcs7 %d", len(sd.tokens), len(tokens))
	}
	tsd, ok := cmsDER(sd.tokens[0])
	if !ok || tsd.signer == nil || !tsd.signer.Equal(tsaID.Certificate) {
		t.Fatalf("token: ok %v, signer %v", ok, tsd.signer != nil)
	}
	at, err := tstInfoTime(tsd.content)
	if err != nil || !at.Equal(now) {
		t.Fatalf("token time %v, %v; want %v", at, err, now)
	}

	// The signature sets AddDSS builds are the same either way.
	s := rawSignature{field: "Sig1", contents: der}
	viaDER, err := signatureCertSets(s, now)
	if err != nil {
		t.Fatal(err)
	}
	viaPKCS7, err := certSetsPKCS7(s, der, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(viaDER) != 2 || len(viaPKCS7) != 2 {
		t.Fatalf("%d and %d sets", len(viaDER), len(viaPKCS7))
	}
	for i := range viaDER {
		a, b := viaDER[i], viaPKCS7[i]
		if !a.leaf.Equal(b.leaf) || !a.at.Equal(b.at) || len(a.certs) != len(b.certs) {
			t.Errorf("set %d differs: %v/%v %v/%v", i, a.leaf.Subject, b.leaf.Subject, a.at, b.at)
		}
	}

	// BER (indefinite lengths), truncations and trailing bytes are left
	// to the general parser.
	for name, bad := range map[string][]byte{
		"truncated": der[:len(der)-1],
		"trailing":  append(append([]byte(nil), der...), 0),
		"BER":       append([]byte{0x30, 0x80}, der[2:]...),
		"empty":     nil,
	} {
		if _, ok := cmsDER(bad); ok {
			t.Errorf("%s: cmsDER accepted it", name)
		}
	}
}

// demoPKI is a demo CA opened at now.
func demoPKI(t *testing.T, now time.Time) *DemoPKI {
	t.Helper()
	pki, err := NewDemoPKI(now)
	if err != nil {
		t.Fatal(err)
	}
	return pki
}

// demoOrg is the identity pki issues to the organisation name.
func demoOrg(t *testing.T, pki *DemoPKI, name string) *Identity {
	t.Helper()
	org, _, err := pki.IssueOrganization(name)
	if err != nil {
		t.Fatal(err)
	}
	return org
}

// localTSA is a client of an in-process timestamp authority certified by
// pki whose clock stands at now, and the authority's identity.
func localTSA(t *testing.T, pki *DemoPKI, now time.Time) (*TSAClient, *Identity) {
	t.Helper()
	id, err := pki.IssueTSA("TSA demo")
	if err != nil {
		t.Fatal(err)
	}
	return &TSAClient{Local: &LocalTSA{Identity: id, Now: func() time.Time { return now }}}, id
}
