package sign_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"motcua/sign"
)

// TestTwoPhaseSignature prepares a signature, has the digest signed
// "elsewhere" (the key is only used through DigestSigner), finishes it,
// and checks every refusal of Finish.
func TestTwoPhaseSignature(t *testing.T) {
	now, p := newTestPKINow(t)
	ctx := context.Background()
	certs := p.officerChain(t)

	t.Run("OK", func(t *testing.T) {
		pp := p.preparePDF(t, now, sign.PDFOptions{Page: 1, Rect: [4]float64{300, 100, 500, 160}, Image: signaturePNG(t)})
		if got, want := pp.Expires, now.Add(sign.DefaultPrepareTTL); !got.Equal(want) {
			t.Errorf("Expires = %v, want %v", got, want)
		}
		// The preview is the file that gets signed: the signed bytes of
		// the result are the preview's bytes.
		preview := bytes.Clone(pp.File())
		sig, err := p.officer.SignDigest(ctx, pp.Digest[:])
		if err != nil {
			t.Fatal(err)
		}
		out, err := pp.Finish(ctx, sig, p.officer.Certificate, now.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != len(preview) || !bytes.Equal(out[:100], preview[:100]) {
			t.Errorf("signed file differs in size or start from the preview")
		}
		rep, err := sign.VerifyPDF(out, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
		if err != nil || !rep.Intact || !rep.Trusted {
			t.Fatalf("VerifyPDF = %+v, %v", rep, err)
		}
		if got := rep.Signatures[0].Level; got != sign.LevelBB {
			t.Errorf("Level = %q, want B-B without a TSA", got)
		}
		if got := sha256.Sum256(preview); got == sha256.Sum256(out) {
			t.Error("the signature container was not filled")
		}
	})

	t.Run("ErrSignatureOfAnotherDigest", func(t *testing.T) {
		pp := p.preparePDF(t, now, sign.PDFOptions{})
		other := sha256.Sum256([]byte("một tài liệu khác"))
		sig, _ := p.officer.SignDigest(ctx, other[:])
		_, err := pp.Finish(ctx, sig, nil, now)
		if sign.ErrorCode(err) != sign.ESignatureMismatch || !sign.Refused(err) {
			t.Errorf("Finish = %v, want ESignatureMismatch (refused)", err)
		}
	})

	t.Run("ErrAnotherKey", func(t *testing.T) {
		pp := p.preparePDF(t, now, sign.PDFOptions{})
		// The seal's key signs the officer's digest: the value does not
		// match the registered certificate.
		sig, _ := p.org.SignDigest(ctx, pp.Digest[:])
		if _, err := pp.Finish(ctx, sig, nil, now); sign.ErrorCode(err) != sign.ESignatureMismatch {
			t.Errorf("Finish = %v, want ESignatureMismatch", err)
		}
		// And says so: another certificate than the registered one.
		if _, err := pp.Finish(ctx, sig, p.org.Certificate, now); sign.ErrorCode(err) != sign.ECertMismatch {
			t.Errorf("Finish = %v, want ECertMismatch", err)
		}
	})

	t.Run("SignPreparedWithServerKey", func(t *testing.T) {
		// The in-process key of the prepared certificate: its signature is
		// not verified again by Finish, and the file verifies.
		pp := p.preparePDF(t, now, sign.PDFOptions{})
		out, err := sign.SignPrepared(ctx, pp, p.officer, now)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := sign.VerifyPDF(out, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
		if err != nil || !rep.Intact || !rep.Trusted || len(rep.Signatures) != 1 {
			t.Fatalf("VerifyPDF = %+v, %v", rep, err)
		}
		// Another in-process key than the prepared certificate's: checked
		// and refused.
		pp = p.preparePDF(t, now, sign.PDFOptions{})
		if _, err := sign.SignPrepared(ctx, pp, p.org, now); sign.ErrorCode(err) != sign.ESignatureMismatch {
			t.Errorf("SignPrepared with the seal's key = %v, want ESignatureMismatch", err)
		}
	})

	t.Run("ErrExpired", func(t *testing.T) {
		pp := p.preparePDF(t, now, sign.PDFOptions{Expires: now.Add(time.Minute)})
		sig, _ := p.officer.SignDigest(ctx, pp.Digest[:])
		_, err := pp.Finish(ctx, sig, nil, now.Add(time.Minute+time.Second))
		var se *sign.Error
		if !errors.As(err, &se) || se.Code != sign.EExpired || !strings.Contains(se.Message, "hết hạn") {
			t.Errorf("Finish after expiry = %v, want EExpired in Vietnamese", err)
		}
		// Just in time is fine.
		if _, err := pp.Finish(ctx, sig, nil, now.Add(time.Minute)); err != nil {
			t.Errorf("Finish at expiry = %v", err)
		}
	})

	t.Run("ErrCertificateNotUsable", func(t *testing.T) {
		_, err := sign.PreparePDF(testPDF(t), certs, sign.PDFOptions{Kind: sign.Approval, Time: p.officer.Certificate.NotAfter.Add(time.Hour)})
		if sign.ErrorCode(err) != sign.ECertExpired {
			t.Errorf("PreparePDF with an expired certificate = %v, want ECertExpired", err)
		}
	})
}

// TestLevels follows one result from B-B to B-LTA with the in-process
// demo TSA, and checks the plain sentence the verify page shows.
func TestLevels(t *testing.T) {
	now, p := newTestPKINow(t)
	ctx := context.Background()
	tsa := demoTSAOf(t, p.pki, now)
	level := func(t *testing.T, file []byte, want ...string) *sign.Report {
		t.Helper()
		rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: p.pki.RootPool(), Now: now})
		if err != nil || !rep.Intact {
			t.Fatalf("VerifyPDF = %+v, %v", rep, err)
		}
		var got []string
		for _, s := range rep.Signatures {
			got = append(got, s.Level)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("levels = %q, want %q", got, want)
		}
		return rep
	}
	plain := signBoth(t, p, testPDF(t), now, "")
	level(t, plain, sign.LevelBB, sign.LevelBB)

	officer, err := sign.SignPDF(testPDF(t), p.officer, sign.PDFOptions{Kind: sign.Approval, Time: now, TSA: tsa.Client()})
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := sign.SignPDF(officer, p.org, sign.PDFOptions{Kind: sign.Seal, Time: now, TSA: tsa.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if tsa.Requests() != 2 {
		t.Errorf("TSA requests = %d, want 2", tsa.Requests())
	}
	rep := level(t, sealed, sign.LevelBT, sign.LevelBT)
	s := rep.Signatures[0]
	if s.TimestampAuthority != sign.DemoTSAName || !s.TimestampTime.Equal(now) || s.Issuer != sign.DemoRootName {
		t.Errorf("timestamp by %q at %v, issuer %q", s.TimestampAuthority, s.TimestampTime, s.Issuer)
	}
	want := "Chữ ký hợp lệ, chứng thư do " + sign.DemoRootName + " cấp, còn hiệu lực tại thời điểm ký"
	if got := s.Sentence("vi"); !strings.HasPrefix(got, want) {
		t.Errorf("Sentence = %q, want prefix %q", got, want)
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text, "vi"); err != nil || !strings.Contains(text.String(), "PAdES B-T (có dấu thời gian)") {
		t.Errorf("WriteText lacks the level:\n%s", text.String())
	}

	lt, err := sign.AddDSS(ctx, sealed, sign.DSSOptions{Roots: p.pki.RootPool(), Revocation: p.pki, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	level(t, lt, sign.LevelBLT, sign.LevelBLT)

	// The archive: validation data, a document timestamp over it (B-LTA),
	// then the data of the timestamp itself.
	stamped, err := sign.TimestampPDF(ctx, lt, tsa.Client())
	if err != nil {
		t.Fatal(err)
	}
	lta, err := sign.AddDSS(ctx, stamped, sign.DSSOptions{Roots: p.pki.RootPool(), Revocation: p.pki, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	level(t, lta, sign.LevelBLTA, sign.LevelBLTA, "")

	// A document timestamp over a file without validation data makes
	// the signatures B-T, not B-LTA.
	stampedOnly, err := sign.TimestampPDF(ctx, signBoth(t, p, testPDF(t), now, ""), tsa.Client())
	if err != nil {
		t.Fatal(err)
	}
	level(t, stampedOnly, sign.LevelBT, sign.LevelBT, "")
}

// failingOCSP answers OCSP with an error and CRLs from the demo CA.
type failingOCSP struct{ pki *sign.DemoPKI }

func (f failingOCSP) CRL(ctx context.Context, c, i *x509.Certificate, at time.Time) ([]byte, error) {
	return f.pki.CRL(ctx, c, i, at)
}
func (failingOCSP) OCSP(context.Context, *x509.Certificate, *x509.Certificate, time.Time) ([]byte, error) {
	return nil, errors.New("OCSP responder down")
}

// downRevocation answers nothing.
type downRevocation struct{ sign.NoOCSP }

func (downRevocation) CRL(context.Context, *x509.Certificate, *x509.Certificate, time.Time) ([]byte, error) {
	return nil, errors.New("CRL server down")
}

// TestCheckCertificate is the check before signing of TT 15/2025/TT-BKHCN:
// validity, key usage, then revocation by OCSP and else CRL.
func TestCheckCertificate(t *testing.T) {
	now, p := newTestPKINow(t)
	ctx := context.Background()
	certs := p.officerChain(t)
	revokedID, _, err := p.pki.IssuePerson("Trần Văn Bình", "Phó Giám đốc", "Sở Tư pháp")
	if err != nil {
		t.Fatal(err)
	}
	p.pki.Revoke(revokedID.Certificate.SerialNumber, now.Add(-time.Minute))
	revokedCerts, _ := revokedID.Certificates(ctx)

	tests := []struct {
		name  string
		certs []*x509.Certificate
		at    time.Time
		src   sign.RevocationSource
		want  sign.Code
		text  string
	}{
		{"GoodByOCSP", certs, now, p.pki, "", ""},
		{"GoodByCRLWhenOCSPFails", certs, now, failingOCSP{p.pki}, "", ""},
		{"RevokedByOCSP", revokedCerts, now, p.pki, sign.ECertRevoked, "đã bị thu hồi"},
		{"RevokedByCRL", revokedCerts, now, failingOCSP{p.pki}, sign.ECertRevoked, "đã bị thu hồi"},
		{"RevokedLaterIsGoodBefore", revokedCerts, now.Add(-2 * time.Minute), p.pki, "", ""},
		{"Expired", certs, p.officer.Certificate.NotAfter.Add(time.Second), p.pki, sign.ECertExpired, "đã hết hạn"},
		{"NotYetValid", certs, p.officer.Certificate.NotBefore.Add(-time.Second), p.pki, sign.ECertNotYetValid, "chưa có hiệu lực"},
		{"RevocationUnknown", certs, now, downRevocation{}, sign.ERevocation, "không kiểm tra được"},
		{"NoIssuer", certs[:1], now, p.pki, sign.ERevocation, "tổ chức cấp"},
		{"NoSourceChecksValidityOnly", certs, now, nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := sign.CheckCertificate(ctx, tt.certs, tt.at, tt.src)
			if got := sign.ErrorCode(err); got != tt.want {
				t.Fatalf("CheckCertificate = %v, want code %q", err, tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), tt.text) {
				t.Errorf("message %q lacks %q", err.Error(), tt.text)
			}
		})
	}
}
