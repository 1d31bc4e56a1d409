package render_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/internal/cputime"
	"motcua/internal/demotest"
	"motcua/internal/stacktest"
	"motcua/internal/testfile"
	"motcua/internal/tooltest"
	"motcua/render"
	"motcua/sign"
	"motcua/sign/tsatest"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/workflow"
)

var ict = time.FixedZone("ICT", 7*3600)

type fixture struct {
	svc   *workflow.Service
	db    *store.DB
	docs  *render.Documents
	keys  *render.FileKeys
	users map[string]*dossier.User
	blob  string
	now   *atomic.Int64
	dir   string // key directory (demo-root.pem)
}

func newFixture(t testing.TB, e store.Engine) *fixture {
	t.Helper()
	return newFixtureWith(t, e, render.Options{Demo: true})
}

// newFixtureWith is newFixture with other document options (the clock is
// the fixture's).
func newFixtureWith(t testing.TB, e store.Engine, opts render.Options) *fixture {
	t.Helper()
	now := &atomic.Int64{}
	now.Store(time.Date(2026, 11, 26, 9, 0, 0, 0, ict).UnixMilli())
	clock := func() time.Time { return time.UnixMilli(now.Load()).UTC() }
	dir := t.TempDir()
	keys, d := stacktest.Documents(t, dir, clock, opts)
	db, svc := stacktest.Demo(t, e, stacktest.Ports(d), workflow.Config{BaseURL: "https://motcua.example", Now: clock})
	f := &fixture{svc: svc, db: db, docs: d, keys: keys, users: demotest.Users(t, db), now: now, dir: dir}
	f.blob = demotest.Upload(t, svc, f.users["reception"], "scan")
	return f
}

// clock is the fixture's time: every certificate, signature and check of a
// test uses it, never the machine's clock.
func (f *fixture) clock() time.Time { return time.UnixMilli(f.now.Load()).UTC() }

func (f *fixture) act(t testing.TB, who, code string, a dossier.Action, in workflow.ActionInput) *dossier.Dossier {
	t.Helper()
	return demotest.Act(t, f.svc, f.users[who], code, a, in)
}

// receive takes a complete counter dossier of procedure 2.001610 from
// applicant at the reception desk.
// apologyWaiting receives a dossier and has reception file an apology
// with a new date: the apology slip (Mẫu 04) waits for the competent
// leader's signature. It returns the dossier and the slip.
func (f *fixture) apologyWaiting(t testing.TB) (*dossier.Dossier, dossier.Document) {
	t.Helper()
	d := f.receive(t, dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234"})
	nd := time.Date(2026, 12, 4, 17, 0, 0, 0, ict)
	d = f.act(t, "reception", d.Code, dossier.ActApologize, workflow.ActionInput{Version: d.Version, Reason: "Chờ ý kiến phối hợp", NewDueAt: &nd})
	return d, demotest.DocOf(t, d, dossier.DocApology)
}

func (f *fixture) receive(t testing.TB, applicant dossier.Applicant) *dossier.Dossier {
	t.Helper()
	d, err := f.svc.Receive(context.Background(), f.users["reception"], workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelCounter,
		Applicant: applicant, Components: []workflow.ComponentInput{{Code: "GDN", BlobID: f.blob}, {Code: "GTPL", BlobID: f.blob}}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// lifecycle runs the five steps and returns the returned dossier and the
// lookup token.
func (f *fixture) lifecycle(t testing.TB) (*dossier.Dossier, string) {
	d := f.receive(t, dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234", Address: "Phường Suối Hoa, TP Bắc Ninh"})
	tok := d.LookupToken
	d = f.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
	d = f.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version, Recommendation: "approve",
		Report: "Hồ sơ đầy đủ, hợp lệ", DraftResult: "Cấp Giấy chứng nhận đăng ký doanh nghiệp tư nhân cho Nguyễn Thị Ánh Tuyết."})
	d = f.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
	d = f.act(t, "clerk", d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version})
	d = f.act(t, "reception", d.Code, dossier.ActReturn, workflow.ActionInput{Version: d.Version})
	return d, tok
}

func tool(t *testing.T, name string) string {
	t.Helper()
	return tooltest.Path(t, name)
}

func TestSignedResultLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		d, _ := f.lifecycle(t)
		pdfBytes, err := f.svc.ResultPDF(ctx, f.users["reception"], d.Code)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := sign.VerifyPDF(pdfBytes, sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Signatures) != 2 || !rep.Intact || !rep.Trusted {
			t.Fatalf("verify: %d signatures, intact %v, trusted %v: %+v", len(rep.Signatures), rep.Intact, rep.Trusted, rep.Signatures)
		}
		if rep.Signatures[0].SignerName != "Lê Thị Thu Hà" || rep.SHA256 != d.Result.SHA256 {
			t.Errorf("first signer %q, sha %s vs stored %s", rep.Signatures[0].SignerName, rep.SHA256, d.Result.SHA256)
		}
		// Issued at PAdES B-LT: chains and CRLs in the DSS, checked offline.
		if !rep.LTV {
			t.Errorf("result is not long-term verifiable: %+v", rep.Signatures)
		}
		for _, s := range rep.Signatures {
			if !s.LTV || s.Revocation != sign.RevocationGood {
				t.Errorf("signature of %s: LTV %v, revocation %q", s.SignerName, s.LTV, s.Revocation)
			}
			// Timestamped by the demo TSA: B-T, and with the DSS, B-LT.
			if s.Level != sign.LevelBLT || s.TimestampAuthority != sign.DemoTSAName || !s.TimestampTime.Equal(f.clock()) {
				t.Errorf("signature of %s: level %q, timestamp by %q at %v", s.SignerName, s.Level, s.TimestampAuthority, s.TimestampTime)
			}
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "result.pdf")
		os.WriteFile(path, pdfBytes, 0o600)
		out, err := clocktest.Command(t, f.clock(), tool(t, "pdfsig"), path).CombinedOutput()
		if err != nil || bytes.Count(out, []byte("Signature is Valid")) != 2 {
			t.Errorf("pdfsig: %v\n%s", err, out)
		}
		txt, err := exec.Command(tool(t, "pdftotext"), path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Nguyễn Thị Ánh Tuyết", "KT. GIÁM ĐỐC", "Lê Thị Thu Hà"} {
			if !bytes.Contains(txt, []byte(want)) {
				t.Errorf("result text lacks %q:\n%s", want, txt)
			}
		}
		// One flipped byte: our verifier and pdfsig both fail.
		bad := bytes.Clone(pdfBytes)
		i := bytes.Index(bad, []byte("Nguy"))
		if i < 0 {
			i = len(bad) / 3
		}
		bad[i] ^= 0x01
		rep, err = sign.VerifyPDF(bad, sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()})
		if err == nil && rep.Intact {
			t.Errorf("tampered PDF verified intact")
		}
		os.WriteFile(path, bad, 0o600)
		out, _ = clocktest.Command(t, f.clock(), tool(t, "pdfsig"), path).CombinedOutput()
		if bytes.Count(out, []byte("Signature is Valid")) == 2 {
			t.Errorf("pdfsig accepted a tampered file:\n%s", out)
		}
	})
}

func TestPublicVerifyAndReceiptQR(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	d, token := f.lifecycle(t)
	receipt, err := f.svc.ReceiptPDF(ctx, f.users["reception"], d.Code)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "receipt.pdf")
	os.WriteFile(path, receipt, 0o600)
	txt, err := exec.Command(tool(t, "pdftotext"), path, "-").Output()
	if err != nil || !bytes.Contains(txt, []byte(d.Code)) || !bytes.Contains(txt, []byte("Nguyễn Thị Ánh Tuyết")) {
		t.Errorf("receipt text: %v\n%s", err, txt)
	}
	if err := exec.Command(tool(t, "pdftoppm"), "-r", "200", "-png", "-f", "1", "-l", "1", path, filepath.Join(dir, "page")).Run(); err != nil {
		t.Fatal(err)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pngs) == 0 {
		t.Fatal("no page rendered")
	}
	qr, err := exec.Command(tool(t, "zbarimg"), "--raw", "-q", pngs[0]).Output()
	if err != nil || strings.TrimSpace(string(qr)) != "https://motcua.example/tra-cuu?token="+token {
		t.Errorf("receipt QR = %q, %v", qr, err)
	}
	// The result's QR leads to /verify/{token}; the verification page answers.
	res, err := f.svc.ResultPDF(ctx, f.users["reception"], d.Code)
	if err != nil {
		t.Fatal(err)
	}
	rpath := filepath.Join(dir, "result.pdf")
	os.WriteFile(rpath, res, 0o600)
	exec.Command("pdftoppm", "-r", "200", "-png", rpath, filepath.Join(dir, "res")).Run()
	pngs, _ = filepath.Glob(filepath.Join(dir, "res*.png"))
	var url string
	for _, p := range pngs {
		if out, err := exec.Command("zbarimg", "--raw", "-q", p).Output(); err == nil {
			url = strings.TrimSpace(string(out))
		}
	}
	const prefix = "https://motcua.example/verify/"
	if !strings.HasPrefix(url, prefix) {
		t.Fatalf("result QR = %q", url)
	}
	v, err := f.svc.VerifyResult(ctx, strings.TrimPrefix(url, prefix))
	if err != nil || v.Status != "valid" || len(v.Signatures) != 2 || v.Number != d.Result.Number || v.SHA256 != d.Result.SHA256 {
		t.Fatalf("VerifyResult = %+v, %v", v, err)
	}
	for _, s := range v.Signatures {
		if !s.LTV || s.Revocation != "good" {
			t.Errorf("VerifyResult signature %s: LTV %v, revocation %q", s.Signer, s.LTV, s.Revocation)
		}
	}
	if _, err := f.svc.VerifyResult(ctx, "AAAAAAAAAAAAAAAAAAAAAA"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
		t.Errorf("unknown verify token = %v", err)
	}
	cs, err := f.svc.ControlSlipPDF(ctx, f.users["reception"], d.Code)
	if err != nil || !bytes.HasPrefix(cs, []byte("%PDF-")) {
		t.Errorf("control slip: %v", err)
	}
}

// BenchmarkLifecycleSigned measures complete five-step lifecycles with
// the approval and seal signatures (SQLite, synchronous=FULL), with the
// demo TSA stamping both signatures (the demo's default) and without.
func BenchmarkLifecycleSigned(b *testing.B) {
	for _, c := range []struct {
		name string
		opts render.Options
	}{{"demoTSA", render.Options{Demo: true}}, {"noTSA", render.Options{Demo: true, NoTimestamps: true}}} {
		b.Run(c.name, func(b *testing.B) {
			f := newFixtureWith(b, store.SQLite, c.opts)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cputime.Now()
			for b.Loop() {
				f.lifecycle(b)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lifecycles/s")
			cputime.Report(b, cpu)
		})
	}
}

// TestDemoResultsAreTimestamped: every result the demo issues is PAdES B-T
// or better (issue 17 asks for 100%).
func TestDemoResultsAreTimestamped(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	const n = 12
	atLeastBT := 0
	for i := 0; i < n; i++ {
		d, _ := f.lifecycle(t)
		file, err := f.svc.ResultPDF(ctx, f.users["reception"], d.Code)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()})
		if err != nil || len(rep.Signatures) != 2 {
			t.Fatalf("VerifyPDF = %+v, %v", rep, err)
		}
		ok := true
		for _, s := range rep.Signatures {
			ok = ok && (s.Level == sign.LevelBT || s.Level == sign.LevelBLT || s.Level == sign.LevelBLTA)
		}
		if ok {
			atLeastBT++
		}
		f.now.Add(time.Minute.Milliseconds())
	}
	t.Logf("demo results at PAdES B-T or higher: %d/%d", atLeastBT, n)
	if atLeastBT != n {
		t.Errorf("%d of %d demo results are B-T or higher; want all", atLeastBT, n)
	}
	// Without the demo TSA they are B-B (so the count above can fail).
	g := newFixtureWith(t, store.SQLite, render.Options{Demo: true, NoTimestamps: true})
	d, _ := g.lifecycle(t)
	file, _ := g.svc.ResultPDF(ctx, g.users["reception"], d.Code)
	if rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: g.keys.Roots(), Now: g.clock()}); err != nil || rep.Signatures[0].Level != sign.LevelBB {
		t.Errorf("without timestamps: %+v, %v; want B-B", rep, err)
	}
}

// BenchmarkRenderApproveSeal renders a one-page result, applies the
// approval signature and then the seal signature (issue 5's figure).
func BenchmarkRenderApproveSeal(b *testing.B) {
	f := newFixture(b, store.SQLite)
	ctx := context.Background()
	ag, _ := f.db.Agency(ctx, "BN.SKHDT")
	p, _ := f.db.Procedure(ctx, "2.001610")
	seals, _ := f.db.Seals(ctx, "BN.SKHDT")
	u := f.users["approver"]
	d := &dossier.Dossier{Code: "000.00.02.H06-261126-0001", ProcedureName: p.Name, DraftResult: "Cấp Giấy chứng nhận đăng ký doanh nghiệp tư nhân.",
		Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234"}}
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, ict)
	in := workflow.ResultInput{Dossier: d, Procedure: p, Agency: ag, Approver: u, Symbol: "GCN-DKDN-SKHDT",
		Approval:  &dossier.Approval{ApproverName: u.Name, Position: u.Position, Capacity: "KT.", OnBehalfOf: "Giám đốc", At: at},
		VerifyURL: "https://motcua.example/verify/AAAAAAAAAAAAAAAAAAAAAA", At: at}
	for b.Loop() {
		signed, layout, err := f.docs.ApproveResult(ctx, in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.docs.SealResult(ctx, signed, workflow.SealInput{Agency: ag, Seal: &seals[0], Number: "01/GCN-DKDN-SKHDT", Layout: layout, At: at}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLifecycleSignedParallel runs lifecycles from several
// goroutines at once, as counters do (throughput on both cores).
func BenchmarkLifecycleSignedParallel(b *testing.B) {
	f := newFixture(b, store.SQLite)
	b.ResetTimer()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			f.lifecycle(b)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lifecycles/s")
}

// TestReceptionSignsDigitisedComponents: every uploaded component of a
// counter dossier carries the reception officer's detached signature,
// which verifies against the file and fails on a changed file.
func TestReceptionSignsDigitisedComponents(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	d, _ := f.lifecycle(t)
	for _, c := range d.Components {
		if !c.Signed {
			t.Errorf("component %s not signed", c.Code)
		}
		sig, err := f.svc.ComponentSignature(ctx, f.users["reception"], d.Code, c.Code)
		if err != nil {
			t.Fatal(err)
		}
		data, err := f.svc.Blobs().Read(c.BlobID)
		if err != nil {
			t.Fatal(err)
		}
		signer, err := f.docs.VerifyComponent(data, sig)
		if err != nil || signer != "Nguyễn Thị Hoa" {
			t.Errorf("VerifyComponent(%s) = %q, %v; want the reception officer", c.Code, signer, err)
		}
		if _, err := f.docs.VerifyComponent(append(bytes.Clone(data), ' '), sig); err == nil {
			t.Errorf("a changed file verified")
		}
	}
	// Someone who may not see the dossier does not get the signature.
	other, err := f.svc.CreateUser(ctx, nil, workflow.NewUserInput{Username: "tdsxd", Password: "Cầu-Long-Biên-1902", Agency: "BN.SXD", Roles: []dossier.Role{dossier.RoleAppraiser}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ComponentSignature(ctx, other, d.Code, "GDN"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
		t.Errorf("other agency: %v; want not found", err)
	}
}

func TestCounterSupplementIsSigned(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	d := f.receive(t, dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Trần Văn Bình", IDNumber: "001090001111"})
	d = f.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
	d = f.act(t, "appraiser", d.Code, dossier.ActRequestSupplement, workflow.ActionInput{Version: d.Version, Reason: "Giấy đề nghị chưa ký"})
	info, err := f.svc.Upload(ctx, f.users["reception"], bytes.NewReader(testfile.PDF("signed form")))
	if err != nil {
		t.Fatal(err)
	}
	f.act(t, "reception", d.Code, dossier.ActSupplement, workflow.ActionInput{Version: d.Version,
		Components: []workflow.ComponentInput{{Code: "GDN", BlobID: info.ID}}})
	sig, err := f.svc.ComponentSignature(ctx, f.users["reception"], d.Code, "GDN")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := f.svc.Blobs().Read(info.ID)
	if signer, err := f.docs.VerifyComponent(data, sig); err != nil || signer != "Nguyễn Thị Hoa" {
		t.Errorf("supplemented file signature: %q, %v", signer, err)
	}
}

// TestIssueFromTwoProcesses issues results concurrently through two
// services on one database — as two server processes would, each with its
// own register locks — so that the number guessed for a seal prepared
// outside the transaction is sometimes taken by the other: numbers still
// run 1..n without gap or repeat, and every sealed PDF prints its own
// number.
func TestIssueFromTwoProcesses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		other := f.over(t, f.docs)
		const n = 24
		ds := make([]*dossier.Dossier, n)
		for i := range ds {
			d := f.toApprovalOf(t, dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Văn An", IDNumber: "027190001234"}, "Đủ điều kiện", "Cấp Giấy chứng nhận.")
			ds[i] = f.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
		}
		errs := make(chan error, n)
		for i, d := range ds {
			svc := f.svc
			if i%2 == 1 {
				svc = other
			}
			go func() {
				_, err := svc.Act(ctx, f.users["clerk"], d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version})
				errs <- err
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		seen := map[string]bool{}
		for _, d := range ds {
			got, err := f.svc.Dossier(ctx, f.users["clerk"], d.Code)
			if err != nil || got.Result == nil {
				t.Fatalf("%s: %v", d.Code, err)
			}
			num := got.Result.Number
			if seen[num] {
				t.Errorf("number %s issued twice", num)
			}
			seen[num] = true
			pdfBytes, err := f.svc.ResultPDF(ctx, f.users["clerk"], d.Code)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(tooltest.PDFText(t, pdfBytes), "Số: "+num) {
				t.Errorf("%s: sealed PDF does not print %q", d.Code, num)
			}
		}
		for i := 1; i <= n; i++ {
			if num := fmt.Sprintf("%02d/GCN-DKDN-SKHDT", i); !seen[num] {
				t.Errorf("number %s missing", num)
			}
		}
	})
}

// TestCheckFindsAlteredDocuments: `motcua check` recomputes the SHA-256 of
// the receipts and results the database holds and names a dossier whose
// document was altered or lost.
func TestCheckFindsAlteredDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		d, _ := f.lifecycle(t)
		if bad, _, err := f.db.CheckConsistency(ctx); err != nil || len(bad) != 0 {
			t.Fatalf("clean data: %v, %v", bad, err)
		}
		var data []byte
		if err := f.db.SQL().QueryRow(`SELECT data FROM blobs WHERE id = (SELECT pdf_blob_id FROM results LIMIT 1)`).Scan(&data); err != nil {
			t.Fatal(err)
		}
		data[len(data)/2] ^= 1
		if _, err := f.db.SQL().Exec(`UPDATE blobs SET data = $1 WHERE id = (SELECT pdf_blob_id FROM results LIMIT 1)`, data); err != nil {
			t.Fatal(err)
		}
		bad, _, err := f.db.CheckConsistency(ctx)
		if err != nil || len(bad) != 1 || bad[0].Code != d.Code || !strings.Contains(bad[0].String(), "đã bị thay đổi") {
			t.Errorf("altered result: %+v, %v; want one inconsistency for %s", bad, err, d.Code)
		}
	})
}

// signedPart is what one signature of a PDF signs, and its CMS.
type signedPart struct{ signed, der []byte }

// signedParts cuts every signature out of a PDF by its /ByteRange: the
// signed bytes, and the DER in the /Contents gap without its padding.
func signedParts(t *testing.T, file []byte) []signedPart {
	t.Helper()
	re := regexp.MustCompile(`/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]`)
	var out []signedPart
	for i, m := range re.FindAllSubmatch(file, -1) {
		var n [4]int
		for k := range n {
			n[k], _ = strconv.Atoi(string(m[k+1]))
		}
		signed := append(bytes.Clone(file[n[0]:n[0]+n[1]]), file[n[2]:n[2]+n[3]]...)
		padded, err := hex.DecodeString(string(file[n[0]+n[1]+1 : n[2]-1]))
		if err != nil {
			t.Fatalf("signature %d: contents: %v", i+1, err)
		}
		var cms asn1.RawValue
		if _, err := asn1.Unmarshal(padded, &cms); err != nil {
			t.Fatalf("signature %d: CMS: %v", i+1, err)
		}
		out = append(out, signedPart{signed, cms.FullBytes})
	}
	return out
}

// TestResultSignaturesOpenSSL checks the CMS of both PAdES signatures of an
// issued result with OpenSSL, a verifier nobody here wrote: each signs the
// bytes its /ByteRange names and chains to the demo root.
func TestResultSignaturesOpenSSL(t *testing.T) {
	bin := tool(t, "openssl")
	f := newFixture(t, store.SQLite)
	d, _ := f.lifecycle(t)
	file, err := f.svc.ResultPDF(context.Background(), f.users["reception"], d.Code)
	if err != nil {
		t.Fatal(err)
	}
	parts := signedParts(t, file)
	if len(parts) != 2 {
		t.Fatalf("%d signatures with a /ByteRange; want 2", len(parts))
	}
	dir := t.TempDir()
	for i, p := range parts {
		signed, der := p.signed, p.der
		data, sig := filepath.Join(dir, fmt.Sprintf("data%d", i)), filepath.Join(dir, fmt.Sprintf("sig%d.der", i))
		os.WriteFile(data, signed, 0o600)
		os.WriteFile(sig, der, 0o600)
		out, err := clocktest.Command(t, f.clock(), bin, "cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", data,
			"-CAfile", filepath.Join(f.dir, "demo-root.pem"), "-purpose", "any", "-out", os.DevNull).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Verification successful") {
			t.Errorf("signature %d: openssl cms -verify: %v\n%s", i+1, err, out)
		}
		// One changed byte in the signed range: OpenSSL refuses it.
		signed[len(signed)/2] ^= 1
		os.WriteFile(data, signed, 0o600)
		if out, err := clocktest.Command(t, f.clock(), bin, "cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", data,
			"-CAfile", filepath.Join(f.dir, "demo-root.pem"), "-purpose", "any", "-out", os.DevNull).CombinedOutput(); err == nil {
			t.Errorf("signature %d: openssl accepted altered content:\n%s", i+1, out)
		}
	}
}

// TestArchiveResults: `motcua archive` makes the archive copy of an issued
// result, PAdES B-LTA (revocation data, then a document timestamp from the
// TSA), leaves the issued file as it was, and renews the copy with a new
// timestamp over the old one once it is due.
func TestArchiveResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		d, _ := f.lifecycle(t)
		clock := func() time.Time { return time.UnixMilli(f.now.Load()) }
		tsaID, err := f.keys.DemoPKI().IssueTSA("DEMO Máy chủ dấu thời gian")
		if err != nil {
			t.Fatal(err)
		}
		tsa := tsatest.New(tsaID, clock)
		defer tsa.Close()
		withTSA, err := render.New(f.keys, render.Options{Demo: true, TSAURL: tsa.URL, Now: f.clock})
		if err != nil {
			t.Fatal(err)
		}
		svc := f.over(t, withTSA)
		// Without a TSA (outside demo mode, none configured) the archive
		// refuses rather than make a copy that would not last.
		noTSA, err := render.New(f.keys, render.Options{Now: f.clock})
		if err != nil {
			t.Fatal(err)
		}
		if noTSA.Timestamps() != "" || f.docs.Timestamps() != "demo" || withTSA.Timestamps() != tsa.URL {
			t.Errorf("timestamps: %q, %q, %q", noTSA.Timestamps(), f.docs.Timestamps(), withTSA.Timestamps())
		}
		plain := f.over(t, noTSA)
		if _, err := plain.ArchiveResults(ctx, 0, 10); dossier.ErrorCode(err) != dossier.EUNPROCESSABLE {
			t.Errorf("archive without a TSA: %v; want unprocessable", err)
		}
		check := func(wantSigs int) []byte {
			t.Helper()
			id, _, err := f.db.ResultArchive(ctx, d.ID)
			if err != nil || id == "" {
				t.Fatalf("archive copy: %q, %v", id, err)
			}
			file, err := svc.ReadBlob(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: f.keys.Roots(), Now: clock()})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Signatures) != wantSigs || !rep.Intact || !rep.Trusted {
				t.Fatalf("archive copy: %d signatures, intact %v, trusted %v; want %d", len(rep.Signatures), rep.Intact, rep.Trusted, wantSigs)
			}
			if last := rep.Signatures[len(rep.Signatures)-1]; last.Kind != "timestamp" {
				t.Errorf("last signature is %q; want the document timestamp", last.Kind)
			}
			for _, s := range rep.Signatures[:2] {
				if !s.LTV || s.Revocation != sign.RevocationGood {
					t.Errorf("%s: LTV %v, revocation %q", s.SignerName, s.LTV, s.Revocation)
				}
			}
			// Tools nobody here wrote: pdfsig validates the two signatures
			// (it lists document timestamps but cannot validate them);
			// openssl ts validates each document timestamp over its range.
			dir := t.TempDir()
			path := filepath.Join(dir, "archive.pdf")
			os.WriteFile(path, file, 0o600)
			out, _ := clocktest.Command(t, f.clock(), tool(t, "pdfsig"), path).CombinedOutput()
			if n := bytes.Count(out, []byte("Signature is Valid")); n != 2 || !bytes.Contains(out, []byte(fmt.Sprintf("Signature #%d", wantSigs))) {
				t.Errorf("pdfsig: %d valid signatures; want 2 and %d in all:\n%s", n, wantSigs, out)
			}
			parts := signedParts(t, file)
			for i, p := range parts[2:] {
				data, tok := filepath.Join(dir, fmt.Sprintf("ts%d.data", i)), filepath.Join(dir, fmt.Sprintf("ts%d.der", i))
				os.WriteFile(data, p.signed, 0o600)
				os.WriteFile(tok, p.der, 0o600)
				out, err := clocktest.Command(t, f.clock(), tool(t, "openssl"), "ts", "-verify", "-token_in", "-in", tok, "-data", data,
					"-CAfile", filepath.Join(f.dir, "demo-root.pem")).CombinedOutput()
				if err != nil || !bytes.Contains(out, []byte("Verification: OK")) {
					t.Errorf("document timestamp %d: openssl ts -verify: %v\n%s", i+1, err, out)
				}
				p.signed[len(p.signed)/2] ^= 1
				os.WriteFile(data, p.signed, 0o600)
				if out, err := clocktest.Command(t, f.clock(), tool(t, "openssl"), "ts", "-verify", "-token_in", "-in", tok, "-data", data,
					"-CAfile", filepath.Join(f.dir, "demo-root.pem")).CombinedOutput(); err == nil {
					t.Errorf("document timestamp %d: openssl accepted altered data:\n%s", i+1, out)
				}
			}
			return file
		}
		if n, err := svc.ArchiveResults(ctx, 24*time.Hour, 10); err != nil || n != 1 {
			t.Fatalf("first archive: %d, %v", n, err)
		}
		first := check(3)
		if got, err := f.svc.Dossier(ctx, f.users["clerk"], d.Code); err != nil || got.Result == nil || got.Result.ArchivedAt == nil {
			t.Errorf("the dossier does not show its archive copy: %+v, %v", got.Result, err)
		}
		if n, err := svc.ArchiveResults(ctx, 24*time.Hour, 10); err != nil || n != 0 {
			t.Errorf("archive again the same day: %d, %v; want 0", n, err)
		}
		f.now.Add((48 * time.Hour).Milliseconds())
		if n, err := svc.ArchiveResults(ctx, 24*time.Hour, 10); err != nil || n != 1 {
			t.Fatalf("renewal: %d, %v", n, err)
		}
		renewed := check(4)
		if !bytes.HasPrefix(renewed, first) {
			t.Errorf("the renewed copy does not extend the first one")
		}
		// The issued file is what it was.
		issued, err := f.svc.ResultPDF(ctx, f.users["reception"], d.Code)
		if err != nil || fmt.Sprintf("%x", sha256.Sum256(issued)) != d.Result.SHA256 {
			t.Errorf("issued file changed: %v", err)
		}
		if tsa.Requests() != 2 {
			t.Errorf("TSA asked %d times; want 2", tsa.Requests())
		}
		// A result that cannot be archived (its stored file damaged) does
		// not stop the others.
		bad, _ := f.lifecycle(t)
		good, _ := f.lifecycle(t)
		if _, err := f.db.SQL().Exec(`UPDATE blobs SET data = $1 WHERE id = (SELECT pdf_blob_id FROM results WHERE dossier_id = $2)`,
			[]byte("%PDF-1.7\n% damaged\n"), bad.ID); err != nil {
			t.Fatal(err)
		}
		n, err := svc.ArchiveResults(ctx, 24*time.Hour, 10)
		if n != 1 || err == nil || !strings.Contains(err.Error(), bad.Code) {
			t.Errorf("archive with one damaged result: %d, %v; want 1 and an error naming %s", n, err, bad.Code)
		}
		if id, _, err := f.db.ResultArchive(ctx, good.ID); err != nil || id == "" {
			t.Errorf("the sound result was not archived: %q, %v", id, err)
		}
		// The server's background job does the same on schedule (the
		// damaged result still fails, the new one is archived).
		d2, _ := f.lifecycle(t)
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { svc.RunArchive(runCtx, time.Hour, 24*time.Hour); close(done) }()
		deadline := clocktest.Now().Add(20 * time.Second)
		for {
			if id, _, err := f.db.ResultArchive(ctx, d2.ID); err == nil && id != "" {
				break
			}
			if clocktest.Now().After(deadline) {
				t.Fatal("the archive job did not archive the new result")
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		<-done
	})
}
