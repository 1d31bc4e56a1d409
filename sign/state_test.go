package sign_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"motcua/sign"
)

// TestResumePDF prepares a signature, serializes it, restores it as
// another instance would (with its own TSA client) and finishes it: the
// result is the file the original would have given, valid for pdfsig,
// and the restored signature refuses what the original refuses.
func TestResumePDF(t *testing.T) {
	now, p := newTestPKINow(t)
	ctx := context.Background()
	tsa := demoTSAOf(t, p.pki, now)
	prepare := func(t *testing.T, opts sign.PDFOptions) (*sign.PreparedPDF, []byte) {
		t.Helper()
		pp := p.preparePDF(t, now, opts)
		state, err := pp.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		return pp, state
	}

	t.Run("SameFileAsTheOriginal", func(t *testing.T) {
		pp, state := prepare(t, sign.PDFOptions{Page: 1, Rect: [4]float64{300, 100, 500, 160}, Image: signaturePNG(t), Position: "Phó Chủ tịch"})
		rp, err := sign.ResumePDF(state, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rp.Digest != pp.Digest || rp.DocumentDigest != pp.DocumentDigest || !rp.Time.Equal(pp.Time) || !rp.Expires.Equal(pp.Expires) ||
			!bytes.Equal(rp.Certificate.Raw, pp.Certificate.Raw) || len(rp.Chain) != len(pp.Chain) || !bytes.Equal(rp.File(), pp.File()) {
			t.Fatalf("resumed signature differs from the prepared one")
		}
		sig, err := p.officer.SignDigest(ctx, rp.Digest[:])
		if err != nil {
			t.Fatal(err)
		}
		want, err := pp.Finish(ctx, sig, nil, now)
		if err != nil {
			t.Fatal(err)
		}
		got, err := rp.Finish(ctx, sig, p.officer.Certificate, now.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Error("the resumed signature gives another file than the original")
		}
		if out := pdfsig(t, got, ""); !strings.Contains(out, "Signature is Valid.") {
			t.Errorf("pdfsig:\n%s", out)
		}
	})

	t.Run("TimestampFromTheResumingInstance", func(t *testing.T) {
		_, state := prepare(t, sign.PDFOptions{TSA: tsa.Client()})
		if _, err := sign.ResumePDF(state, nil); sign.ErrorCode(err) != sign.ETimestamp {
			t.Fatalf("ResumePDF without a TSA = %v, want ETimestamp", err)
		}
		before := tsa.Requests()
		rp, err := sign.ResumePDF(state, tsa.Client())
		if err != nil {
			t.Fatal(err)
		}
		out, err := sign.SignPrepared(ctx, rp, p.officer, now)
		if err != nil {
			t.Fatal(err)
		}
		if tsa.Requests() != before+1 {
			t.Errorf("TSA requests = %d, want %d", tsa.Requests(), before+1)
		}
		rep, err := sign.VerifyPDF(out, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
		if err != nil || !rep.Intact || !rep.Trusted || rep.Signatures[0].Level != sign.LevelBT {
			t.Fatalf("VerifyPDF = %+v, %v; want an intact B-T signature", rep, err)
		}
		if out := pdfsig(t, out, ""); !strings.Contains(out, "Signature is Valid.") {
			t.Errorf("pdfsig:\n%s", out)
		}
	})

	t.Run("RefusalsSurvive", func(t *testing.T) {
		_, state := prepare(t, sign.PDFOptions{Expires: now.Add(time.Minute)})
		rp, err := sign.ResumePDF(state, tsa.Client())
		if err != nil {
			t.Fatal(err)
		}
		sig, _ := p.officer.SignDigest(ctx, rp.Digest[:])
		if _, err := rp.Finish(ctx, sig, nil, now.Add(time.Minute+time.Second)); sign.ErrorCode(err) != sign.EExpired {
			t.Errorf("Finish after expiry = %v, want EExpired", err)
		}
		other, _ := p.org.SignDigest(ctx, rp.Digest[:])
		if _, err := rp.Finish(ctx, other, nil, now); sign.ErrorCode(err) != sign.ESignatureMismatch {
			t.Errorf("Finish with another key = %v, want ESignatureMismatch", err)
		}
		if _, err := rp.Finish(ctx, other, p.org.Certificate, now); sign.ErrorCode(err) != sign.ECertMismatch {
			t.Errorf("Finish with another certificate = %v, want ECertMismatch", err)
		}
		if _, err := rp.Finish(ctx, sig, nil, now); err != nil {
			t.Errorf("Finish in time with the right key = %v", err)
		}
	})

	t.Run("ErrAlteredState", func(t *testing.T) {
		pp, state := prepare(t, sign.PDFOptions{})
		// A byte of the signed file changed: the document digest no
		// longer matches what the signer was shown.
		i := bytes.Index(state, []byte("%PDF"))
		altered := bytes.Clone(state)
		altered[i+20] ^= 1
		tests := map[string][]byte{
			"Empty":      nil,
			"Truncated":  state[:len(state)-1],
			"Longer":     append(bytes.Clone(state), 0),
			"OtherMagic": append([]byte("x"), state[1:]...),
			"FileByte":   altered,
		}
		for name, st := range tests {
			if _, err := sign.ResumePDF(st, nil); sign.ErrorCode(err) != sign.EInvalidInput {
				t.Errorf("%s: ResumePDF = %v, want EInvalidInput", name, err)
			}
		}
		var none *sign.PreparedPDF
		if _, err := none.MarshalBinary(); sign.ErrorCode(err) != sign.EInvalidInput {
			t.Errorf("MarshalBinary of nil = %v", err)
		}
		if _, err := sign.ResumePDF(state, nil); err != nil || pp == nil {
			t.Errorf("the unaltered state = %v", err)
		}
	})
}
