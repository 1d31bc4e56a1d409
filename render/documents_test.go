package render_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/demotest"
	"motcua/internal/tooltest"
	"motcua/sign"
	"motcua/store"
	"motcua/workflow"
)

// pdfText extracts the text of file with pdftotext, words joined by single
// spaces.
func pdfText(t *testing.T, file []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(tooltest.PDFText(t, file)), " ")
}

// tokenOf is the verification token at the end of a verify_url.
func tokenOf(t *testing.T, url string) string {
	t.Helper()
	_, tok, ok := strings.Cut(url, "/verify/")
	if !ok || tok == "" {
		t.Fatalf("no verification token in %q", url)
	}
	return tok
}

// TestFormsSignedAndVerifiable: every form that leaves the center is
// numbered, signed by the reception officer or the competent leader (TT
// 01/2018 Điều 10: the forms are digitally signed) and verifiable at
// /verify/{token} like a result; its text (pdftotext) carries its number,
// the issuing body from the catalog and the signer.
func TestFormsSignedAndVerifiable(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	applicant := dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234", Address: "Phường Suối Hoa"}

	check := func(name string, file []byte, url, number, signer string, wants ...string) {
		t.Helper()
		rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()})
		if err != nil || !rep.Intact || !rep.Trusted || len(rep.Signatures) != 1 || rep.Signatures[0].SignerName != signer {
			t.Errorf("%s: signatures %+v, %v; want one trusted signature by %s", name, rep, err, signer)
		}
		text := pdfText(t, file)
		for _, w := range append([]string{"Số: " + number, "UBND TỈNH BẮC NINH", "Văn bản điện tử đã được ký số"}, wants...) {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", name, w, text)
			}
		}
		v, err := f.svc.VerifyResult(ctx, tokenOf(t, url))
		if err != nil || v.Status != "valid" || v.Number != number || len(v.Signatures) != 1 || v.Signatures[0].Signer != signer || v.SHA256 == "" ||
			v.Signatures[0].Role != "Người ký văn bản" || v.Kind == dossier.DocResult || v.Document == "" {
			t.Errorf("%s: /verify = %+v, %v", name, v, err)
		}
	}

	// Mẫu 02 at the counter.
	g, err := f.svc.CreateGuidanceSlip(ctx, f.users["reception"], workflow.GuidanceInput{ProcedureCode: "2.001610", Applicant: applicant,
		Missing: []string{"GTPL"}})
	if err != nil {
		t.Fatal(err)
	}
	gpdf, err := f.svc.GuidanceSlipPDF(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := f.db.GuidanceDocument(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	check("Mẫu 02 at the counter", gpdf, "https://motcua.example/verify/"+sd.VerifyToken, "01/PBS-TTHCC", "Nguyễn Thị Hoa",
		"TRUNG TÂM HÀNH CHÍNH CÔNG", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "NGƯỜI HƯỚNG DẪN")

	// A dossier: the receipt, Mẫu 02 during appraisal, an apology by the
	// leader, a refusal by the leader.
	d := f.receive(t, applicant)
	rc := demotest.DocOf(t, d, dossier.DocReceipt)
	receipt, err := f.svc.ReceiptPDF(ctx, f.users["reception"], d.Code)
	if err != nil {
		t.Fatal(err)
	}
	check("receipt", receipt, rc.VerifyURL, "01/TNHS-TTHCC", "Nguyễn Thị Hoa", "Quyển số: 01, Số thứ tự: 01", d.Code)
	if !rc.Signed {
		t.Errorf("receipt listed unsigned: %+v", rc)
	}
	d = f.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
	d = f.act(t, "appraiser", d.Code, dossier.ActRequestSupplement, workflow.ActionInput{Version: d.Version, Missing: []string{"GTPL"}, Reason: "Bản sao hết hạn"})
	g2 := demotest.DocOf(t, d, dossier.DocGuidance)
	file, err := f.svc.DocumentPDF(ctx, f.users["appraiser"], d.Code, g2.ID)
	if err != nil {
		t.Fatal(err)
	}
	check("Mẫu 02 during appraisal", file, g2.VerifyURL, "01/PBS-SKHDT", "Trần Văn Minh", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "Bản sao hết hạn", d.Code)
	d = f.act(t, "reception", d.Code, dossier.ActSupplement, workflow.ActionInput{Version: d.Version,
		Components: []workflow.ComponentInput{{Code: "GTPL", BlobID: f.blob}}})
	newDue := time.Date(2026, 12, 4, 17, 0, 0, 0, ict)
	d = f.act(t, "approver", d.Code, dossier.ActApologize, workflow.ActionInput{Version: d.Version, Reason: "Cần xác minh thêm", NewDueAt: &newDue})
	ap := demotest.DocOf(t, d, dossier.DocApology)
	file, err = f.svc.ApologyPDF(ctx, f.users["reception"], d.Code)
	if err != nil {
		t.Fatal(err)
	}
	check("Mẫu 04", file, ap.VerifyURL, "01/PXL-SKHDT", "Lê Thị Thu Hà", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Cần xác minh thêm",
		"17 giờ 00 phút, ngày 04/12/2026")
	d = f.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version, Recommendation: "refuse", Report: "Không đủ điều kiện"})
	d = f.act(t, "approver", d.Code, dossier.ActRefuse, workflow.ActionInput{Version: d.Version, Reason: "Ngành nghề kinh doanh bị cấm"})
	rf := demotest.DocOf(t, d, dossier.DocRefusal)
	file, err = f.svc.DocumentPDF(ctx, f.users["reception"], d.Code, rf.ID)
	if err != nil {
		t.Fatal(err)
	}
	check("Mẫu 03", file, rf.VerifyURL, "01/PTC-SKHDT", "Lê Thị Thu Hà", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "KT. GIÁM ĐỐC",
		"Ngành nghề kinh doanh bị cấm")

	// Stop notice when another applicant withdraws.
	d2 := f.receive(t, applicant)
	d2 = f.act(t, "reception", d2.Code, dossier.ActWithdraw, workflow.ActionInput{Version: d2.Version, Reason: "Công dân đề nghị dừng"})
	st := demotest.DocOf(t, d2, dossier.DocStop)
	file, err = f.svc.DocumentPDF(ctx, f.users["reception"], d2.Code, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	check("stop notice", file, st.VerifyURL, "01/TB-TTHCC", "Nguyễn Thị Hoa", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "Công dân đề nghị dừng")

	// The control slip carries its number; it does not leave the center.
	cs, err := f.svc.ControlSlipPDF(ctx, f.users["reception"], d.Code)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, cs); !strings.Contains(text, "Số: 01/PKS-TTHCC") || !strings.Contains(text, "Người giao: Lê Thị Thu Hà") {
		t.Errorf("control slip:\n%s", text)
	}
	if _, err := f.svc.VerifyResult(ctx, tokenOf(t, "x/verify/"+strings.Repeat("A", 22))); dossier.ErrorCode(err) != dossier.ENOTFOUND {
		t.Errorf("unknown token: %v", err)
	}
}

// TestResultNumberedAtIssue: the result carries the number and the date of
// issue the clerk gives it, written into its "Số:" and date places after
// the leader signed (NĐ 30/2020 Điều 15.3), the issuing block and place
// from the catalog, and both signatures stay valid; its verification
// address is listed with the dossier.
func TestResultNumberedAtIssue(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	d := f.toApprovalOf(t, dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234"}, "Đủ điều kiện", "Cấp Giấy chứng nhận đăng ký doanh nghiệp.")
	d = f.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
	// Issued the next day: the date is the day of issue, not of signature.
	f.now.Add((24 * time.Hour).Milliseconds())
	d = f.act(t, "clerk", d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version})
	file, err := f.svc.ResultPDF(ctx, f.users["clerk"], d.Code)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, file)
	for _, w := range []string{"UBND TỈNH BẮC NINH SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "Số: 01/GCN-DKDN-SKHDT", "Bắc Ninh, ngày 27 tháng 11 năm 2026", "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC"} {
		if !strings.Contains(text, w) {
			t.Errorf("issued result lacks %q:\n%s", w, text)
		}
	}
	if strings.Contains(text, "ngày 26 tháng 11") || strings.Contains(text, "TỈNH BẮC NINH TỈNH") {
		t.Errorf("issued result prints the day of signature or a doubled unit:\n%s", text)
	}
	rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()})
	if err != nil || !rep.Intact || len(rep.Signatures) != 2 {
		t.Errorf("issued result: %+v, %v", rep, err)
	}
	res := demotest.DocOf(t, d, dossier.DocResult)
	v, err := f.svc.VerifyResult(ctx, tokenOf(t, res.VerifyURL))
	if err != nil || v.Status != "valid" || v.Number != "01/GCN-DKDN-SKHDT" || v.Kind != dossier.DocResult {
		t.Errorf("result verify_url: %+v, %v", v, err)
	}
}

// TestPaperSealAddsNoElectronicSeal: a result the clerk seals on its
// printed copy only keeps the leader's signature alone, with the number
// and the date written in; "both" adds the electronic seal; the
// verification page says which copies were stamped.
func TestPaperSealAddsNoElectronicSeal(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	for _, c := range []struct {
		seal       string
		signatures int
		number     string
	}{{"physical", 1, "01/GCN-DKDN-SKHDT"}, {"both", 2, "02/GCN-DKDN-SKHDT"}} {
		d := f.toApprovalOf(t, dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234"}, "Đủ điều kiện", "Cấp Giấy chứng nhận đăng ký doanh nghiệp.")
		d = f.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
		d = f.act(t, "clerk", d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version, Seal: c.seal, RegisterPage: 7})
		file, err := f.svc.ResultPDF(ctx, f.users["clerk"], d.Code)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()})
		signers := 0
		if err == nil {
			for _, s := range rep.Signatures {
				if s.Kind != "timestamp" {
					signers++
				}
			}
		}
		if err != nil || !rep.Intact || rep.UnsignedChanges || signers != c.signatures || rep.Signatures[0].SignerName != "Lê Thị Thu Hà" {
			t.Errorf("%s: %d signatures (%+v, %v); want %d", c.seal, signers, rep, err, c.signatures)
		}
		if text := pdfText(t, file); !strings.Contains(text, "Số: "+c.number) || !strings.Contains(text, "Bắc Ninh, ngày 26 tháng 11 năm 2026") {
			t.Errorf("%s: result text:\n%s", c.seal, text)
		}
		v, err := f.svc.VerifyResult(ctx, tokenOf(t, demotest.DocOf(t, d, dossier.DocResult).VerifyURL))
		seals := 0
		if err == nil {
			for _, s := range v.Signatures {
				if s.Role == "Con dấu cơ quan" {
					seals++
				}
			}
		}
		if err != nil || v.Status != "valid" || seals != c.signatures-1 || !strings.Contains(v.SealNote, "bản số 1, trang sổ 7") {
			t.Errorf("%s: verify = %+v, %v", c.seal, v, err)
		}
	}
}

// TestDocumentSigningSession: a form waiting for the competent leader's
// signature (an apology filed by reception) is signed through a signing
// session like a result: the leader sees the form with their signature
// block, confirms, and the signed form replaces the draft; the session is
// refused to an officer without the authority.
func TestDocumentSigningSession(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	d, ap := f.apologyWaiting(t)
	if ap.Signed || ap.Signer.Name != "" {
		t.Fatalf("apology filed by reception = %+v; want it waiting for the leader", ap)
	}
	if _, err := f.svc.BeginDocumentSigning(ctx, f.users["appraiser"], d.Code, ap.ID); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
		t.Errorf("appraiser opens the session: %v; want forbidden", err)
	}
	sess, err := f.svc.BeginDocumentSigning(ctx, f.users["approver"], d.Code, ap.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Action != workflow.ActSignDocument || sess.DocumentID != ap.ID || sess.Number != "01/PXL-SKHDT" ||
		strings.Join(sess.SignerLines, "|") != "KT. GIÁM ĐỐC|PHÓ GIÁM ĐỐC|Lê Thị Thu Hà" {
		t.Errorf("session = %+v", sess)
	}
	preview, err := f.svc.SessionPreview(ctx, f.users["approver"], sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, preview); !strings.Contains(text, "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC") || !strings.Contains(text, "Lê Thị Thu Hà") {
		t.Errorf("preview lacks the leader's block:\n%s", text)
	}
	if _, err := f.svc.CompleteSigning(ctx, f.users["approver"], sess.ID, workflow.CompleteInput{}); dossier.ErrorCode(err) != dossier.EINVALID {
		t.Errorf("completion without consent: %v", err)
	}
	d, err = f.svc.CompleteSigning(ctx, f.users["approver"], sess.ID, workflow.CompleteInput{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	ap = demotest.DocOf(t, d, dossier.DocApology)
	if !ap.Signed || ap.Signer.Name != "Lê Thị Thu Hà" || ap.Signer.Capacity != "KT. Giám đốc" {
		t.Errorf("signed apology = %+v", ap)
	}
	file, err := f.svc.ApologyPDF(ctx, f.users["reception"], d.Code)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()})
	if err != nil || !rep.Intact || len(rep.Signatures) != 1 || rep.Signatures[0].SignerName != "Lê Thị Thu Hà" {
		t.Errorf("signed apology: %+v, %v", rep, err)
	}
	if _, err := f.svc.BeginDocumentSigning(ctx, f.users["approver"], d.Code, ap.ID); dossier.ErrorCode(err) != dossier.ECONFLICT {
		t.Errorf("a second session over a signed form: %v", err)
	}
}

// TestFormSigningNeedsAuthorityWhenSigned (issue 15 items 2 and 3: a form
// the competent leader signs is signed under the authority in force when
// it is signed, exactly as an approval is decided): an apology slip (Mẫu
// 04) waits for the leader; the deputy opens a signing session under the
// director's delegation (KT. Giám đốc); the delegation is revoked before
// the deputy confirms: the signature is refused (403), the form stays
// unsigned, and a new session is refused too.
func TestFormSigningNeedsAuthorityWhenSigned(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	d, ap := f.apologyWaiting(t)
	approver := f.users["approver"]
	sess, err := f.svc.BeginDocumentSigning(ctx, approver, d.Code, ap.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(strings.Join(sess.SignerLines, "|"), "KT. GIÁM ĐỐC|") {
		t.Fatalf("session signer lines %v; want the delegated capacity", sess.SignerLines)
	}
	dels, err := f.svc.Delegations(ctx, f.users["admin"], "")
	if err != nil {
		t.Fatal(err)
	}
	revoked := 0
	for _, del := range dels {
		if del.ToUserID == approver.ID {
			if err := f.svc.RevokeDelegation(ctx, f.users["admin"], del.ID); err != nil {
				t.Fatal(err)
			}
			revoked++
		}
	}
	if revoked == 0 {
		t.Fatalf("no delegation to %s among %+v", approver.Name, dels)
	}
	f.now.Add(int64(time.Minute / time.Millisecond))
	if _, err := f.svc.CompleteSigning(ctx, approver, sess.ID, workflow.CompleteInput{Confirm: true}); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
		t.Errorf("completion after the delegation was revoked: %v; want forbidden", err)
	}
	d, err = f.svc.Dossier(ctx, approver, d.Code)
	if err != nil {
		t.Fatal(err)
	}
	if ap := demotest.DocOf(t, d, dossier.DocApology); ap.Signed || ap.Signer.Name != "" {
		t.Errorf("apology after the refused signature = %+v; want it still waiting", ap)
	}
	if _, err := f.svc.BeginDocumentSigning(ctx, approver, d.Code, ap.ID); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
		t.Errorf("new session without authority: %v; want forbidden", err)
	}
}

// TestDemoEReceipt prints an e-receipt with the demo provider and reads it
// back with pdftotext.
func TestDemoEReceipt(t *testing.T) {
	f := newFixture(t, store.SQLite)
	p := f.docs.EReceipts()
	r := workflow.EReceipt{Symbol: "BL26E", Number: "0000012", Year: 2026, IssuedAt: time.Date(2026, 11, 27, 2, 30, 0, 0, time.UTC),
		Collector: dossier.Agency{Code: "BN.SKHDT", Name: "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh"}, CenterName: "Trung tâm Hành chính công tỉnh Bắc Ninh",
		Payer: "Nguyễn Thị Ánh Tuyết", DossierCode: "000.00.02.H06-261127-0001", Procedure: "Đăng ký thành lập doanh nghiệp tư nhân",
		Amount: 50000, AmountWords: workflow.AmountInWords(50000), Method: "cash", Officer: "Nguyễn Thị Hoa"}
	out, err := p.Issue(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out.PDF), "%PDF-") || len(out.LookupCode) != 10 || out.ProviderRef != "DEMO-BL26E-0000012" {
		t.Fatalf("Issue = ref %q code %q, %d bytes", out.ProviderRef, out.LookupCode, len(out.PDF))
	}
	dir := os.Getenv("MOTCUA_TEST_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "ereceipt.pdf")
	if err := os.WriteFile(path, out.PDF, 0o644); err != nil {
		t.Fatal(err)
	}
	txt := tooltest.PDFText(t, out.PDF)
	flat := strings.Join(strings.Fields(txt), " ")
	for _, w := range []string{"BIÊN LAI THU PHÍ, LỆ PHÍ (ĐIỆN TỬ)", "Ký hiệu: BL26E", "Số: 0000012", "Nguyễn Thị Ánh Tuyết",
		"50.000", "Năm mươi nghìn đồng", "Tiền mặt", "09:30 ngày 27/11/2026", out.LookupCode, "không có giá trị thanh toán"} {
		if !strings.Contains(flat, w) {
			t.Errorf("receipt text lacks %q:\n%s", w, txt)
		}
	}
}

// TestEReceiptSealedAndVerifiable: a fee collected at the counter gives an
// e-receipt sealed like a result (the collecting agency's seal, PAdES with
// the demo TSA's timestamp and validation data) whose printed address
// leads to its public verification; a changed copy or a wrong lookup code
// does not verify.
func TestEReceiptSealedAndVerifiable(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	d := f.receive(t, dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234", Address: "Bắc Ninh"})
	fees := workflow.NewFees(f.svc, nil, "BL")
	p, err := fees.Collect(ctx, f.users["reception"], d.Code, workflow.PaymentInput{Method: "cash"})
	if err != nil {
		t.Fatal(err)
	}
	if p.PDFBlobID == "" || p.LookupCode == "" {
		t.Fatalf("payment %+v has no e-receipt", p)
	}
	file, err := f.svc.ReadBlob(ctx, p.PDFBlobID)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()})
	if err != nil || !rep.Intact || !rep.Trusted || len(rep.Signatures) != 1 {
		t.Fatalf("VerifyPDF = %+v, %v", rep, err)
	}
	if s := rep.Signatures[0]; s.SignerName != "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh" || s.Level != sign.LevelBLT {
		t.Errorf("receipt sealed by %q at level %q", s.SignerName, s.Level)
	}
	// The printed verification address, as a phone reads it from the QR.
	txt := tooltest.PDFText(t, file)
	flat := strings.Join(strings.Fields(txt), "")
	m := regexp.MustCompile(`/verify/bien-lai/([A-Z0-9]+\.\d{4}\.\d+\.[0-9A-F]{10})`).FindStringSubmatch(flat)
	if m == nil {
		t.Fatalf("no verification address on the receipt:\n%s", txt)
	}
	token := m[1]
	if want := workflow.EReceiptToken(p.ReceiptSeries, p.ReceiptYear, p.ReceiptNumber, p.LookupCode); token != want {
		t.Fatalf("printed token %q, want %q", token, want)
	}
	v, err := f.svc.VerifyEReceipt(ctx, token)
	if err != nil || v.Status != "valid" || v.Amount != 50000 || v.Collector != "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh" ||
		len(v.Signatures) != 1 || v.Signatures[0].Role != "Con dấu cơ quan" || v.Signatures[0].Level != "B-LT" || strings.Contains(v.Payer, "Ánh Tuyết") {
		t.Fatalf("VerifyEReceipt = %+v, %v", v, err)
	}
	wrong := workflow.EReceiptToken(p.ReceiptSeries, p.ReceiptYear, p.ReceiptNumber, "0000000000")
	for _, tok := range []string{wrong, "", "a.b.c.d", p.ReceiptSeries + ".x.1.y"} {
		if _, err := f.svc.VerifyEReceipt(ctx, tok); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("VerifyEReceipt(%q) = %v; want not found", tok, err)
		}
	}
	// One changed byte in the stored receipt: the seal no longer holds.
	bad := bytes.Clone(file)
	bad[200] ^= 1 // inside the first signed range
	if rep, err := sign.VerifyPDF(bad, sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()}); err == nil && rep.Intact {
		t.Error("a changed receipt verified intact")
	}
}
