package render_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/softhsmtest"
	"motcua/render"
	"motcua/sign"
	"motcua/sign/csc"
	"motcua/sign/csc/csctest"
	"motcua/store"
	"motcua/workflow"
)

// toApproval takes a counter dossier to awaiting_approval.
func (f *fixture) toApproval(t testing.TB) *dossier.Dossier {
	t.Helper()
	return f.toApprovalOf(t, dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234", Address: "Phường Suối Hoa, TP Bắc Ninh"},
		"Hồ sơ đầy đủ, hợp lệ", "Cấp Giấy chứng nhận đăng ký doanh nghiệp tư nhân cho Nguyễn Thị Ánh Tuyết.")
}

// toApprovalOf receives a counter dossier for applicant and takes it to
// awaiting_approval: the appraiser recommends approval with report and
// the draft result draft.
func (f *fixture) toApprovalOf(t testing.TB, applicant dossier.Applicant, report, draft string) *dossier.Dossier {
	t.Helper()
	d := f.receive(t, applicant)
	d = f.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
	return f.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version, Recommendation: "approve",
		Report: report, DraftResult: draft})
}

func (f *fixture) status(t testing.TB, code string) dossier.Status {
	t.Helper()
	d, err := f.svc.Dossier(context.Background(), f.users["approver"], code)
	if err != nil {
		t.Fatal(err)
	}
	return d.Status
}

// consents returns the sign_consent audit entries of dossier code.
func (f *fixture) consents(t testing.TB, code string) []map[string]any {
	t.Helper()
	es, err := f.db.AuditEntries(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, e := range es {
		if e.Action == "sign_consent" && e.ObjectID == code {
			var m map[string]any
			if err := json.Unmarshal([]byte(e.Summary), &m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
	}
	return out
}

// resultOf returns the approver-signed result of dossier code.
// signedAsPreviewed returns the dossier's signed result after checking
// that it is the previewed file with its signature filled in: same length,
// same bytes outside the signature container.
func (f *fixture) signedAsPreviewed(t testing.TB, code string, preview []byte) []byte {
	t.Helper()
	file := f.resultOf(t, code)
	if len(file) != len(preview) || !bytes.Equal(file[:len(file)/4], preview[:len(preview)/4]) {
		t.Error("the signed result is not the previewed document")
	}
	return file
}

func (f *fixture) resultOf(t testing.TB, code string) []byte {
	t.Helper()
	ctx := context.Background()
	d, err := f.svc.Dossier(ctx, f.users["approver"], code)
	if err != nil {
		t.Fatal(err)
	}
	_, signed, _, err := f.db.DossierFiles(ctx, d.ID)
	if err != nil || signed == "" {
		t.Fatalf("no signed result: %q, %v", signed, err)
	}
	file, err := f.svc.ReadBlob(ctx, signed)
	if err != nil {
		t.Fatal(err)
	}
	return file
}

// TestSigningSessionOnServer: the leader whose key the server holds sees
// the exact document, confirms, and the approval is signed and audited;
// the clerk does the same for the seal.
func TestSigningSessionOnServer(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	d := f.toApproval(t)
	leader := f.users["approver"]
	sess, err := f.svc.BeginSigning(ctx, leader, d.Code, dossier.ActApprove, d.Version)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Method != workflow.SignOnServer || !sess.Certificate.Demo || sess.Certificate.Subject != "Lê Thị Thu Hà" {
		t.Errorf("session: method %q, certificate %+v", sess.Method, sess.Certificate)
	}
	// The delegation: capacity line and its legal basis.
	if got := strings.Join(sess.SignerLines, " | "); got != "KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC | Lê Thị Thu Hà" {
		t.Errorf("signer lines = %q", got)
	}
	if !strings.Contains(sess.LegalBasis, "15/QĐ-SKHĐT") {
		t.Errorf("legal basis = %q", sess.LegalBasis)
	}
	preview, err := f.svc.SessionPreview(ctx, leader, sess.ID)
	if err != nil || !bytes.HasPrefix(preview, []byte("%PDF")) {
		t.Fatalf("preview: %v", err)
	}
	// Someone else cannot see it.
	if _, err := f.svc.SessionPreview(ctx, f.users["clerk"], sess.ID); dossier.ErrorCode(err) != dossier.ENOTFOUND {
		t.Errorf("another officer's preview: %v", err)
	}
	if f.status(t, d.Code) != dossier.StatusAwaitingApproval {
		t.Fatal("preparing changed the dossier")
	}
	if _, err := f.svc.CompleteSigning(ctx, leader, sess.ID, workflow.CompleteInput{}); dossier.ErrorCode(err) != dossier.EINVALID {
		t.Errorf("complete without confirmation: %v", err)
	}
	got, err := f.svc.CompleteSigning(ctx, leader, sess.ID, workflow.CompleteInput{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != dossier.StatusApproved {
		t.Fatalf("status %s", got.Status)
	}
	file := f.signedAsPreviewed(t, d.Code, preview)
	c := f.consents(t, d.Code)
	if len(c) != 1 || c[0]["confirmed"] != true || c[0]["signed_digest"] != sess.Digest || c[0]["certificate_sha256"] != sess.Certificate.SHA256 ||
		c[0]["document_sha256"] != sess.DocumentSHA256 {
		t.Fatalf("audit: %+v", c)
	}
	sum := sha256.Sum256(file)
	if c[0]["signed_file_sha256"] != hex.EncodeToString(sum[:]) {
		t.Errorf("audit names file %v, stored file is %x", c[0]["signed_file_sha256"], sum)
	}
	// A session is used once.
	if _, err := f.svc.CompleteSigning(ctx, leader, sess.ID, workflow.CompleteInput{Confirm: true}); dossier.ErrorCode(err) != dossier.ENOTFOUND {
		t.Errorf("second completion: %v", err)
	}

	// The clerk's seal, previewed and confirmed.
	clerk := f.users["clerk"]
	got, _ = f.svc.Dossier(ctx, clerk, d.Code)
	seal, err := f.svc.BeginSigning(ctx, clerk, d.Code, dossier.ActIssue, got.Version)
	if err != nil {
		t.Fatal(err)
	}
	if seal.Number == "" || !strings.Contains(strings.Join(seal.SignerLines, " "), seal.Number) {
		t.Errorf("seal session: number %q, lines %q", seal.Number, seal.SignerLines)
	}
	issued, err := f.svc.CompleteSigning(ctx, clerk, seal.ID, workflow.CompleteInput{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if issued.Status != dossier.StatusIssued || issued.Result.Number != seal.Number {
		t.Errorf("issued: %s, number %q (previewed %q)", issued.Status, issued.Result.Number, seal.Number)
	}
	// Newest first: the seal's consent names the number and the issued
	// file.
	if c := f.consents(t, d.Code); len(c) != 2 || c[0]["number"] != seal.Number || c[0]["signed_file_sha256"] != issued.Result.SHA256 {
		t.Errorf("seal consent not audited: %+v", c)
	}
}

// TestSigningSessionAgent: the leader's key is on a USB token; the server
// knows only the registered certificate. A signature from the token is
// accepted; one over another digest, from another key or after expiry is
// refused with 422 and the dossier stays awaiting approval.
func TestSigningSessionAgent(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	leader, token := f.agentLeader(t)
	other := f.leaderKey(t, leader)
	d := f.toApproval(t)
	// The old one-click approval is refused: the server has no key.
	if _, err := f.svc.Act(ctx, leader, d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version}); dossier.ErrorCode(err) != dossier.EUNPROCESSABLE {
		t.Errorf("one-click approval with a token: %v", err)
	}
	refused := func(name string, sess *workflow.SigningSession, in workflow.CompleteInput, want string) {
		t.Helper()
		in.Confirm = true
		_, err := f.svc.CompleteSigning(ctx, leader, sess.ID, in)
		if dossier.ErrorCode(err) != dossier.EUNPROCESSABLE || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want 422 %q", name, err, want)
		}
		if f.status(t, d.Code) != dossier.StatusAwaitingApproval {
			t.Fatalf("%s: the dossier moved", name)
		}
	}
	sess, digest := f.beginAgentApproval(t, leader, d, token)
	otherDigest := sha256.Sum256([]byte("văn bản khác"))
	sig, _ := token.SignDigest(ctx, otherDigest[:])
	refused("AnotherDigest", sess, workflow.CompleteInput{Signature: sig, Certificate: token.Certificate.Raw}, "không khớp")
	sig, _ = other.SignDigest(ctx, digest)
	refused("AnotherKey", sess, workflow.CompleteInput{Signature: sig, Certificate: other.Certificate.Raw}, "không phải chứng thư đã đăng ký")
	refused("AnotherKeyClaimingTheRegisteredCertificate", sess, workflow.CompleteInput{Signature: sig, Certificate: token.Certificate.Raw}, "không khớp")
	if _, err := f.svc.CompleteSigning(ctx, leader, sess.ID, workflow.CompleteInput{Confirm: true}); dossier.ErrorCode(err) != dossier.EINVALID {
		t.Errorf("no signature: %v", err)
	}
	// The right signature, too late.
	sig, _ = token.SignDigest(ctx, digest)
	f.now.Add((sign.DefaultPrepareTTL + time.Second).Milliseconds())
	refused("Expired", sess, workflow.CompleteInput{Signature: sig, Certificate: token.Certificate.Raw}, "hết hạn")

	// Begin again, sign with the token: approved.
	sess, digest = f.beginAgentApproval(t, leader, d, token)
	sig, _ = token.SignDigest(ctx, digest)
	got, err := f.svc.CompleteSigning(ctx, leader, sess.ID, workflow.CompleteInput{Confirm: true, Signature: sig, Certificate: token.Certificate.Raw})
	if err != nil || got.Status != dossier.StatusApproved {
		t.Fatalf("complete: %v", err)
	}
	rep, err := sign.VerifyPDF(f.resultOf(t, d.Code), sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()})
	if err != nil || !rep.Intact || !rep.Trusted || !rep.Signatures[0].Certificate.Equal(token.Certificate) || rep.Signatures[0].Level != sign.LevelBT {
		t.Fatalf("VerifyPDF = %+v, %v", rep, err)
	}
	if c := f.consents(t, d.Code); len(c) != 1 || c[0]["method"] != "agent" {
		t.Errorf("audit: %+v", c)
	}
}

// TestSigningRevokedCertificate: a revoked certificate is refused before
// anything is signed, in Vietnamese.
func TestSigningRevokedCertificate(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	leader, token := f.agentLeader(t)
	f.keys.DemoPKI().Revoke(token.Certificate.SerialNumber, f.clock().Add(-time.Minute))
	d := f.toApproval(t)
	_, err := f.svc.BeginSigning(ctx, leader, d.Code, dossier.ActApprove, d.Version)
	if dossier.ErrorCode(err) != dossier.EUNPROCESSABLE || !strings.Contains(err.Error(), "Chứng thư số đã bị thu hồi") {
		t.Errorf("revoked certificate: %v", err)
	}
}

// TestSigningSessionRemote: the leader signs with a remote signing
// service (fake CSC), authorising with an OTP.
func TestSigningSessionRemote(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	leader := f.users["approver"]
	srv, key := f.remoteSigning(t, leader, 1)
	d := f.toApproval(t)
	sess, err := f.svc.BeginSigning(ctx, leader, d.Code, dossier.ActApprove, d.Version)
	if err != nil || sess.Method != workflow.SignRemotely {
		t.Fatalf("begin: %+v, %v", sess, err)
	}
	try := func(otp string) error {
		_, err := f.svc.CompleteSigning(ctx, leader, sess.ID, workflow.CompleteInput{Confirm: true, OTP: otp})
		return err
	}
	if err := try("000000"); dossier.ErrorCode(err) != dossier.EUNPROCESSABLE || !strings.Contains(err.Error(), "OTP") {
		t.Errorf("OTP refused: %v", err)
	}
	srv.SetDelay(3 * time.Second)
	if err := try("135790"); dossier.ErrorCode(err) != dossier.EUNAVAILABLE || !strings.Contains(err.Error(), "không trả lời") {
		t.Errorf("slow provider: %v", err)
	}
	srv.SetDelay(0)
	srv.SetDown(true)
	if err := try("135790"); dossier.ErrorCode(err) != dossier.EUNAVAILABLE || !strings.Contains(err.Error(), "thử lại sau") {
		t.Errorf("provider down: %v", err)
	}
	if f.status(t, d.Code) != dossier.StatusAwaitingApproval {
		t.Fatal("a failed remote signature moved the dossier")
	}
	srv.SetDown(false)
	if err := try("135790"); err != nil {
		t.Fatal(err)
	}
	if f.status(t, d.Code) != dossier.StatusApproved {
		t.Fatal("not approved")
	}
	rep, err := sign.VerifyPDF(f.resultOf(t, d.Code), sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()})
	if err != nil || !rep.Intact || !rep.Signatures[0].Certificate.Equal(key.Certificate) {
		t.Fatalf("VerifyPDF = %+v, %v", rep, err)
	}
}

// leaderKey is a new key of leader's, certified by the demo CA: a USB
// token's or a remote signing service's.
func (f *fixture) leaderKey(t testing.TB, leader *dossier.User) *sign.Identity {
	t.Helper()
	key, _, err := f.keys.DemoPKI().IssuePerson(leader.Name, leader.Position, "Sở Kế hoạch và Đầu tư")
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// agentLeader is the approver signing with a USB token through the
// signing agent: it returns the leader and the token's key and certificate
// (issued by the trusted CA); the server knows only the token's registered
// certificate.
func (f *fixture) agentLeader(t testing.TB) (*dossier.User, *sign.Identity) {
	t.Helper()
	leader := f.users["approver"]
	token := f.leaderKey(t, leader)
	chain := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: token.Certificate.Raw})
	if err := f.keys.SetOfficerSigning(leader.Username, render.OfficerSigning{Method: workflow.SignWithAgent, Certificates: string(chain)}); err != nil {
		t.Fatal(err)
	}
	return leader, token
}

// beginAgentApproval begins leader's approval of d on f's service, to be
// signed by the agent with token, and returns the session and the digest
// to sign.
func (f *fixture) beginAgentApproval(t testing.TB, leader *dossier.User, d *dossier.Dossier, token *sign.Identity) (*workflow.SigningSession, []byte) {
	t.Helper()
	sess, err := f.svc.BeginSigning(context.Background(), leader, d.Code, dossier.ActApprove, d.Version)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Method != workflow.SignWithAgent || sess.Certificate.SHA256 != render.CertificateInfo(token.Certificate).SHA256 {
		t.Fatalf("session %+v", sess)
	}
	digest, _ := base64.StdEncoding.DecodeString(sess.Digest)
	return sess, digest
}

// remoteSigning has leader sign with a remote signing service (a fake CSC
// server, OTP 135790, closed at the end of the test) holding a key the
// demo CA certifies (returned with it); requests to it time out after
// timeout seconds.
func (f *fixture) remoteSigning(t testing.TB, leader *dossier.User, timeout int) (*csctest.Server, *sign.Identity) {
	t.Helper()
	key := f.leaderKey(t, leader)
	srv := csctest.New(key, "135790")
	t.Cleanup(srv.Close)
	if err := f.keys.SetOfficerSigning(leader.Username, render.OfficerSigning{Method: workflow.SignRemotely,
		CSC: &csc.Config{URL: srv.APIURL(), Username: srv.Username, Password: srv.Password, TimeoutSeconds: timeout}}); err != nil {
		t.Fatal(err)
	}
	return srv, key
}

// TestSealOnSoftHSM issues a result whose seal key lives on a PKCS#11
// token (SoftHSM2), referenced from the seal registry.
func TestSealOnSoftHSM(t *testing.T) {
	softhsmtest.Token(t, "hcc", "1234")
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	// The HSM administrator generates the seal key on the token and stores
	// its certificate there.
	// The CA of the trust store certifies it (the seal is checked for
	// revocation with that CA before every use).
	softhsmtest.Key(t, "hcc", "1234", 7, "dau-skhdt", func(pub crypto.PublicKey) (*x509.Certificate, error) {
		return f.keys.DemoPKI().IssueForKey(pub, "", "", "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh (HSM)")
	})
	f.keys.PKCS11Module, f.keys.PKCS11PIN = softhsmtest.Module, "1234"
	seals, err := f.db.Seals(ctx, "BN.SKHDT")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range seals {
		if s.Kind == dossier.SealElectronic {
			s.KeyRef = "pkcs11:token=hcc;object=dau-skhdt"
			if _, err := f.svc.SaveSeal(ctx, f.users["admin"], s); err != nil {
				t.Fatal(err)
			}
		}
	}
	d, _ := f.lifecycle(t)
	file, err := f.svc.ResultPDF(ctx, f.users["reception"], d.Code)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()})
	if err != nil || !rep.Intact || !rep.Trusted || len(rep.Signatures) != 2 {
		t.Fatalf("VerifyPDF = %+v, %v", rep, err)
	}
	if got := rep.Signatures[1].SignerName; got != "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh (HSM)" {
		t.Errorf("seal signed by %q; want the HSM key's certificate", got)
	}
}
