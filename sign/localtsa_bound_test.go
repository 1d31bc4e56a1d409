package sign

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"math/big"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
)

// TestLocalTSATokenBound: the tokens of the in-process TSA, with the
// largest nonces TSAClient sends and a long policy, never exceed the room
// a signature reserves for them (tokenReserve), which is much less than
// the 8 KiB kept for a TSA reached by URL.
func TestLocalTSATokenBound(t *testing.T) {
	at := time.Date(2026, 12, 8, 3, 0, 0, 0, time.UTC)
	pki, err := NewDemoPKI(at.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	tsa, err := NewDemoTSA(pki, func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	for _, policy := range []asn1.ObjectIdentifier{nil, {1, 3, 6, 1, 4, 1, 99999999, 2147483647, 1, 2, 3, 4, 5, 6}} {
		tsa.Policy = policy
		reserve := tsa.Client().tokenReserve()
		if reserve <= 0 || reserve >= 8192 {
			t.Fatalf("reserve = %d", reserve)
		}
		largest := 0
		for i := range 300 {
			digest := sha256.Sum256([]byte{byte(i), byte(i >> 8)})
			nonce := new(big.Int).Lsh(big.NewInt(1), 63) // TSAClient's nonces are below 2^63
			nonce.Sub(nonce, big.NewInt(int64(i)))
			if i%2 == 1 {
				nonce, _ = rand.Int(rand.Reader, nonce)
			}
			req := timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digest[:], Certificates: true, Nonce: nonce}
			der, err := req.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			resp, err := tsa.Respond(der)
			if err != nil {
				t.Fatal(err)
			}
			ts, err := timestamp.ParseResponse(resp)
			if err != nil {
				t.Fatal(err)
			}
			largest = max(largest, len(ts.RawToken))
		}
		if largest > reserve {
			t.Errorf("policy %v: a token of %d bytes, reserve %d", policy, largest, reserve)
		}
		t.Logf("policy %v: largest token %d bytes, reserve %d", policy, largest, reserve)
	}
	if got := (&TSAClient{URL: "https://tsa.example"}).tokenReserve(); got != 8192 {
		t.Errorf("reserve for a TSA by URL = %d", got)
	}
}
