package render_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/demotest"
	"motcua/internal/stacktest"
	"motcua/render"
	"motcua/sign"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/workflow"
)

// instance starts another motcua instance over f's database, blob storage
// and key folder, as a second process behind the load balancer (or the
// same one after a restart) would: its own memory, documents adapter and
// TSA client, the fixture's clock.
func (f *fixture) instance(t testing.TB) *workflow.Service {
	t.Helper()
	_, d := stacktest.Documents(t, f.dir, f.clock, render.Options{Demo: true})
	return f.over(t, d)
}

// eachTwoInstances runs test on each engine with a fixture and a second
// instance b over it (instance).
func eachTwoInstances(t *testing.T, test func(t *testing.T, f *fixture, b *workflow.Service)) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		f := newFixture(t, e)
		test(t, f, f.instance(t))
	})
}

// over returns other use cases over f's database and blob storage, with
// the documents adapter d and the fixture's clock.
func (f *fixture) over(t testing.TB, d *render.Documents) *workflow.Service {
	t.Helper()
	svc, err := workflow.New(f.db, f.svc.Blobs(), stacktest.Ports(d), nil, workflow.Config{BaseURL: "https://motcua.example", Now: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// verified checks that file's signatures are intact, trusted and at least
// B-T (the demo TSA of each instance), n of them.
func (f *fixture) verified(t testing.TB, file []byte, n int) *sign.Report {
	t.Helper()
	rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()})
	if err != nil || !rep.Intact || !rep.Trusted || len(rep.Signatures) != n {
		t.Fatalf("VerifyPDF = %+v, %v; want %d intact trusted signatures", rep, err, n)
	}
	for _, s := range rep.Signatures {
		if s.Level != sign.LevelBT && s.Level != sign.LevelBLT && s.Level != sign.LevelBLTA {
			t.Errorf("signature of %s at level %s, want B-T or higher", s.SignerName, s.Level)
		}
	}
	return rep
}

// TestSigningSessionOnAnotherInstance (issue 21): a signing session
// prepared on one instance is shown and completed on another — the
// leader's approval with the key the server holds, then the clerk's seal
// the other way round — and is gone everywhere once used.
func TestSigningSessionOnAnotherInstance(t *testing.T) {
	eachTwoInstances(t, func(t *testing.T, f *fixture, b *workflow.Service) {
		ctx := context.Background()
		leader, clerk := f.users["approver"], f.users["clerk"]
		d := f.toApproval(t)
		sess, err := f.svc.BeginSigning(ctx, leader, d.Code, dossier.ActApprove, d.Version)
		if err != nil {
			t.Fatal(err)
		}
		preview, err := f.svc.SessionPreview(ctx, leader, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := b.Session(ctx, leader, sess.ID)
		if err != nil {
			t.Fatalf("the other instance does not know the session: %v", err)
		}
		if got.Digest != sess.Digest || got.DocumentSHA256 != sess.DocumentSHA256 || got.LegalBasis != sess.LegalBasis ||
			len(got.SignerLines) != len(sess.SignerLines) || !got.ExpiresAt.Equal(sess.ExpiresAt) || got.Certificate != sess.Certificate {
			t.Errorf("session on the other instance = %+v, want %+v", got, sess)
		}
		if _, err := b.Session(ctx, clerk, sess.ID); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("another officer's session on the other instance: %v", err)
		}
		other, err := b.SessionPreview(ctx, leader, sess.ID)
		if err != nil || !bytes.Equal(other, preview) {
			t.Fatalf("the other instance previews another document (%v)", err)
		}
		approved, err := b.CompleteSigning(ctx, leader, sess.ID, workflow.CompleteInput{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		if approved.Status != dossier.StatusApproved {
			t.Fatalf("status %s", approved.Status)
		}
		file := f.signedAsPreviewed(t, d.Code, preview)
		f.verified(t, file, 1)
		// Used: neither instance offers it any more, the one that
		// prepared it included (it still has it in memory).
		for name, svc := range map[string]*workflow.Service{"preparing": f.svc, "completing": b} {
			if _, err := svc.CompleteSigning(ctx, leader, sess.ID, workflow.CompleteInput{Confirm: true}); dossier.ErrorCode(err) != dossier.ENOTFOUND {
				t.Errorf("second completion on the %s instance: %v", name, err)
			}
		}
		if c := f.consents(t, d.Code); len(c) != 1 || c[0]["session"] != sess.ID || c[0]["signed_digest"] != sess.Digest {
			t.Fatalf("audit: %+v", c)
		}

		// The seal, prepared on the other instance, confirmed on the first.
		d, _ = f.svc.Dossier(ctx, clerk, d.Code)
		seal, err := b.BeginSigning(ctx, clerk, d.Code, dossier.ActIssue, d.Version)
		if err != nil {
			t.Fatal(err)
		}
		sealPreview, err := f.svc.SessionPreview(ctx, clerk, seal.ID)
		if err != nil || !bytes.HasPrefix(sealPreview, []byte("%PDF")) || len(sealPreview) <= len(file) {
			t.Fatalf("seal preview on the first instance: %v", err)
		}
		issued, err := f.svc.CompleteSigning(ctx, clerk, seal.ID, workflow.CompleteInput{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		if issued.Status != dossier.StatusIssued || issued.Result == nil || issued.Result.Number != seal.Number {
			t.Fatalf("issued: %s, %+v (previewed number %q)", issued.Status, issued.Result, seal.Number)
		}
		sealed, err := f.svc.ReadBlob(ctx, issued.Result.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		f.verified(t, sealed, 2)
		if _, err := b.Session(ctx, clerk, seal.ID); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("the used seal session on the preparing instance: %v", err)
		}
	})
}

// TestSigningSessionAgentOnAnotherInstance: the officer's USB token signs
// the digest a first instance prepared; the signature reaches a second
// one. A wrong signature there is refused and the session stays open for
// the right one.
func TestSigningSessionAgentOnAnotherInstance(t *testing.T) {
	eachTwoInstances(t, func(t *testing.T, f *fixture, b *workflow.Service) {
		ctx := context.Background()
		leader, token := f.agentLeader(t)
		d := f.toApproval(t)
		sess, digest := f.beginAgentApproval(t, leader, d, token)
		wrong := f.leaderKey(t, leader)
		bad, _ := wrong.SignDigest(ctx, digest)
		if _, err := b.CompleteSigning(ctx, leader, sess.ID, workflow.CompleteInput{Confirm: true, Signature: bad, Certificate: token.Certificate.Raw}); dossier.ErrorCode(err) != dossier.EUNPROCESSABLE {
			t.Fatalf("another key's signature on the other instance: %v; want 422", err)
		}
		sig, err := token.SignDigest(ctx, digest)
		if err != nil {
			t.Fatal(err)
		}
		f.now.Add(time.Minute.Milliseconds())
		got, err := b.CompleteSigning(ctx, leader, sess.ID, workflow.CompleteInput{Confirm: true, Signature: sig, Certificate: token.Certificate.Raw})
		if err != nil || got.Status != dossier.StatusApproved {
			t.Fatalf("complete on the other instance: %v", err)
		}
		rep := f.verified(t, f.resultOf(t, d.Code), 1)
		if !rep.Signatures[0].Certificate.Equal(token.Certificate) {
			t.Error("the result is not signed with the token's certificate")
		}
	})
}

// TestDocumentSigningSessionAfterRestart: a form's signing session
// survives a restart: the new process shows the same form and signs it.
func TestDocumentSigningSessionAfterRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		leader := f.users["approver"]
		d, ap := f.apologyWaiting(t)
		sess, err := f.svc.BeginDocumentSigning(ctx, leader, d.Code, ap.ID)
		if err != nil {
			t.Fatal(err)
		}
		preview, err := f.svc.SessionPreview(ctx, leader, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		restarted := f.instance(t)
		again, err := restarted.SessionPreview(ctx, leader, sess.ID)
		if err != nil || !bytes.Equal(again, preview) {
			t.Fatalf("preview after the restart differs (%v)", err)
		}
		d, err = restarted.CompleteSigning(ctx, leader, sess.ID, workflow.CompleteInput{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		ap = demotest.DocOf(t, d, dossier.DocApology)
		if !ap.Signed || ap.Signer.Name != leader.Name || ap.Signer.Capacity != "KT. Giám đốc" {
			t.Errorf("signed apology = %+v", ap)
		}
		file, err := restarted.ApologyPDF(ctx, f.users["reception"], d.Code)
		if err != nil {
			t.Fatal(err)
		}
		f.verified(t, file, 1)
		if _, err := f.svc.CompleteSigning(ctx, leader, sess.ID, workflow.CompleteInput{Confirm: true}); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("second completion before the restart's memory: %v", err)
		}
	})
}

// TestSigningSessionCompletedOnce: the officer's confirmation reaches two
// instances at once (a double click, a retry through the load balancer):
// one completion signs, the other is told the session is busy or used,
// and the remote signing service signs once.
func TestSigningSessionCompletedOnce(t *testing.T) {
	eachTwoInstances(t, func(t *testing.T, f *fixture, b *workflow.Service) {
		ctx := context.Background()
		leader := f.users["approver"]
		srv, _ := f.remoteSigning(t, leader, 5)
		d := f.toApproval(t)
		sess, err := f.svc.BeginSigning(ctx, leader, d.Code, dossier.ActApprove, d.Version)
		if err != nil {
			t.Fatal(err)
		}
		// The provider is slow: both completions are in flight together.
		srv.SetDelay(300 * time.Millisecond)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, svc := range []*workflow.Service{f.svc, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = svc.CompleteSigning(ctx, leader, sess.ID, workflow.CompleteInput{Confirm: true, OTP: "135790"})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch code := dossier.ErrorCode(err); {
			case err == nil:
				ok++
			case code == dossier.ECONFLICT || code == dossier.ENOTFOUND:
			default:
				t.Errorf("completion: %v; want success, 409 or 404", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d completions succeeded (%v); want exactly 1", ok, errs)
		}
		if n := srv.Calls("signatures/signHash"); n != 1 {
			t.Errorf("the signing service signed %d times; want 1", n)
		}
		if c := f.consents(t, d.Code); len(c) != 1 {
			t.Errorf("%d consents audited; want 1", len(c))
		}
		f.verified(t, f.resultOf(t, d.Code), 1)
	})
}
