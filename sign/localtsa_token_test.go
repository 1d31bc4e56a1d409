package sign_test

import (
	"crypto"
	"crypto/sha256"
	"math/big"
	"testing"
	"time"

	"github.com/digitorus/timestamp"

	"motcua/internal/cputime"
	"motcua/sign"
)

// demoTSA is a demo TSA of a CA of its own, its clock stopped at at.
func demoTSA(tb testing.TB, at time.Time) *sign.LocalTSA {
	tb.Helper()
	return demoTSAOf(tb, newDemoPKI(tb, at.Add(-time.Hour)), at)
}

// demoTSAOf is the demo TSA of pki, its clock stopped at at, or ends tb.
func demoTSAOf(tb testing.TB, pki *sign.DemoPKI, at time.Time) *sign.LocalTSA {
	tb.Helper()
	tsa, err := sign.NewDemoTSA(pki, func() time.Time { return at })
	if err != nil {
		tb.Fatal(err)
	}
	return tsa
}

func timestampRequest(tb testing.TB, digest [32]byte, nonce int64) []byte {
	tb.Helper()
	req := timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digest[:], Certificates: true, Nonce: big.NewInt(nonce)}
	der, err := req.Marshal()
	if err != nil {
		tb.Fatal(err)
	}
	return der
}

// TestLocalTSAToken: the demo TSA's token, built directly in DER, is read
// and its signature verified by an independent RFC 3161 implementation
// (digitorus/timestamp, with pkcs7), with the request's imprint and nonce,
// the TSA's time to the second, an accuracy of one second, the policy, and
// the TSA certificate with its chain.
func TestLocalTSAToken(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 30, 15, 600_000_000, time.UTC)
	tsa := demoTSA(t, at)
	digest := sha256.Sum256([]byte("kết quả giải quyết hồ sơ"))
	resp, err := tsa.Respond(timestampRequest(t, digest, 424242))
	if err != nil {
		t.Fatal(err)
	}
	ts, err := timestamp.ParseResponse(resp)
	if err != nil {
		t.Fatalf("ParseResponse: %v", err)
	}
	if string(ts.HashedMessage) != string(digest[:]) || ts.HashAlgorithm != crypto.SHA256 {
		t.Errorf("imprint = %x (%v)", ts.HashedMessage, ts.HashAlgorithm)
	}
	if ts.Nonce == nil || ts.Nonce.Int64() != 424242 {
		t.Errorf("nonce = %v", ts.Nonce)
	}
	if !ts.Time.Equal(at.Truncate(time.Second)) || ts.Accuracy != time.Second {
		t.Errorf("time = %v, accuracy %v; want %v, 1s", ts.Time, ts.Accuracy, at.Truncate(time.Second))
	}
	if ts.Policy.String() != "2.999.3161.1" || ts.SerialNumber == nil || ts.SerialNumber.Sign() <= 0 {
		t.Errorf("policy %v, serial %v", ts.Policy, ts.SerialNumber)
	}
	if len(ts.Certificates) < 2 || ts.Certificates[0].Subject.CommonName != sign.DemoTSAName {
		t.Errorf("%d certificates, first %v", len(ts.Certificates), ts.Certificates)
	}
	// Another digest gives another token, which the first one's check refuses.
	other := sha256.Sum256([]byte("khác"))
	resp2, _ := tsa.Respond(timestampRequest(t, other, 1))
	ts2, err := timestamp.ParseResponse(resp2)
	if err != nil || string(ts2.HashedMessage) == string(digest[:]) || ts2.SerialNumber.Cmp(ts.SerialNumber) == 0 {
		t.Errorf("second token: %v, same imprint or serial", err)
	}
}

// BenchmarkLocalTSA answers one timestamp request of the demo TSA (four per
// signed lifecycle).
func BenchmarkLocalTSA(b *testing.B) {
	tsa := demoTSA(b, time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC))
	req := timestampRequest(b, sha256.Sum256([]byte("x")), 7)
	b.ReportAllocs()
	cpu := cputime.Now()
	for b.Loop() {
		if _, err := tsa.Respond(req); err != nil {
			b.Fatal(err)
		}
	}
	cputime.Report(b, cpu)
}
