package workflow_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/demotest"
	"motcua/store"
	"motcua/workflow"
)

// TestFormRegisters: every numbered form takes its number from its own
// register per issuing body, kind and year (NĐ 30/2020 Điều 15.1; TT
// 01/2018 Điều 10): two centers' guidance slips never share a series, the
// series restart at 01 on 1 January, and the dossier lists its forms with
// where to read and verify them (contract §9).
func TestFormRegisters(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		// A reception officer of the city of Bắc Ninh's center.
		city := ev.user(t, "tn.tpbn", dossier.RoleReception, "BN.TPBACNINH.TTHCC", "BN.TPBACNINH.TTHCC")
		slip := func(u *dossier.User, proc string) string {
			t.Helper()
			g, err := ev.svc.CreateGuidanceSlip(ctx, u, workflow.GuidanceInput{ProcedureCode: proc,
				Applicant: dossier.Applicant{Name: "Nguyễn Văn An"}, Note: "Thiếu bản sao giấy tờ tùy thân"})
			if err != nil {
				t.Fatalf("guidance slip: %v", err)
			}
			return g.Number
		}
		got := []string{slip(ev.users["reception"], "2.001610"), slip(city, "2.000528"), slip(ev.users["reception"], "2.001610"), slip(city, "2.000528")}
		// Both centers abbreviate as TTHCC, but each has its own series.
		if want := []string{"01/PBS-TTHCC", "01/PBS-TTHCC", "02/PBS-TTHCC", "02/PBS-TTHCC"}; !slices.Equal(got, want) {
			t.Errorf("guidance slips = %v; want %v", got, want)
		}
		for _, c := range []struct {
			agency string
			want   []int64
		}{{"BN.TTHCC", []int64{1, 2}}, {"BN.TPBACNINH.TTHCC", []int64{1, 2}}} {
			if ns, err := ev.db.FormNumbers(ctx, c.agency, dossier.DocGuidance, 2026); err != nil || !slices.Equal(ns, c.want) {
				t.Errorf("register of %s = %v, %v; want %v", c.agency, ns, err, c.want)
			}
		}
		// A dossier: the receipt and the control slip in the center's
		// registers; only the receipt leaves the center, so only it has a
		// verification address.
		d := ev.receive(t)
		d, err := ev.svc.Dossier(ctx, ev.users["reception"], d.Code)
		if err != nil {
			t.Fatal(err)
		}
		rc, cs := demotest.DocOf(t, d, dossier.DocReceipt), demotest.DocOf(t, d, dossier.DocControl)
		if rc.Number != "01/TNHS-TTHCC" || rc.URL != "/api/v1/dossiers/"+d.Code+"/receipt.pdf" || !strings.Contains(rc.VerifyURL, "/verify/") ||
			rc.Signer.Name != "Nguyễn Thị Hoa" {
			t.Errorf("receipt = %+v", rc)
		}
		if cs.Number != "01/PKS-TTHCC" || cs.URL != "/api/v1/dossiers/"+d.Code+"/control-slip.pdf" || cs.VerifyURL != "" {
			t.Errorf("control slip = %+v", cs)
		}
		// The new year starts every series again at 01.
		ev.clock.Set(time.Date(2027, 1, 4, 9, 0, 0, 0, ict))
		if n := slip(ev.users["reception"], "2.001610"); n != "01/PBS-TTHCC" {
			t.Errorf("first slip of 2027 = %s; want 01/PBS-TTHCC", n)
		}
		if ns, _ := ev.db.FormNumbers(ctx, "BN.TTHCC", dossier.DocGuidance, 2027); !slices.Equal(ns, []int64{1}) {
			t.Errorf("register of 2027 = %v", ns)
		}
	})
}

// TestFormsOfDecisions: the forms the law asks for are produced by the
// actions that call for them, numbered by the right body and with the
// right signer: Mẫu 02 when appraisal finds the dossier insufficient (NĐ
// 61/2018 Điều 19.4), Mẫu 03 for a refusal after appraisal, signed by the
// leader with the capacity line (Điều 19.8), Mẫu 04 signed by the agency's
// competent leader even when reception files it (Điều 19.9), the stop
// notice of TT 03/2025 when the applicant withdraws (NĐ 118/2025 Điều
// 21.2).
func TestFormsOfDecisions(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()

		// Supplement asked during appraisal.
		d := ev.receive(t)
		d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
		d = ev.act(t, "appraiser", d.Code, dossier.ActRequestSupplement, workflow.ActionInput{Version: d.Version, Missing: []string{"GTPL"},
			Reason: "Giấy tờ pháp lý hết hiệu lực"})
		g := demotest.DocOf(t, d, dossier.DocGuidance)
		if g.Number != "01/PBS-SKHDT" || g.Signer.Name != "Trần Văn Minh" || !strings.HasSuffix(g.URL, ".pdf") || !strings.Contains(g.URL, "/documents/") {
			t.Errorf("Mẫu 02 during appraisal = %+v; want the agency's series, signed by the appraiser", g)
		}
		sd, err := ev.db.DocumentByID(ctx, g.ID)
		if err != nil || !slices.Equal(sd.Data.Missing, []string{"Bản sao giấy tờ pháp lý của cá nhân đối với chủ doanh nghiệp tư nhân"}) || sd.Data.Reason != "Giấy tờ pháp lý hết hiệu lực" {
			t.Errorf("Mẫu 02 states %+v, %v", sd.Data, err)
		}

		// Apology filed by reception: waits for the leader's signature.
		d = ev.act(t, "reception", d.Code, dossier.ActSupplement, workflow.ActionInput{Version: d.Version,
			Components: []workflow.ComponentInput{{Code: "GTPL", BlobID: ev.blob}}})
		newDue := d.DueAt.Add(48 * time.Hour)
		d = ev.act(t, "reception", d.Code, dossier.ActApologize, workflow.ActionInput{Version: d.Version, Reason: "Cần xác minh thêm",
			NewDueAt: &newDue})
		ap := demotest.DocOf(t, d, dossier.DocApology)
		if ap.Number != "01/PXL-SKHDT" || ap.Signer.Name != "" || ap.Signed || ap.URL != "/api/v1/dossiers/"+d.Code+"/apology.pdf" {
			t.Errorf("apology filed by reception = %+v; want the agency's number, waiting for the leader", ap)
		}
		if _, err := ev.svc.SignDocument(ctx, ev.users["appraiser"], d.Code, ap.ID); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("appraiser signs the apology: %v; want forbidden", err)
		}
		if _, err := ev.svc.SignDocument(ctx, ev.users["approver"], d.Code, g.ID); dossier.ErrorCode(err) != dossier.ECONFLICT {
			t.Errorf("leader signs the appraiser's Mẫu 02: %v; want conflict", err)
		}
		d, err = ev.svc.SignDocument(ctx, ev.users["approver"], d.Code, ap.ID)
		if err != nil {
			t.Fatalf("leader signs the apology: %v", err)
		}
		if ap = demotest.DocOf(t, d, dossier.DocApology); ap.Signer.Name != "Lê Thị Thu Hà" || ap.Signer.Capacity != "KT. Giám đốc" || ap.Signer.Position != "Phó Giám đốc" {
			t.Errorf("signed apology = %+v; want the deputy, KT. Giám đốc", ap)
		}
		// Once a signature is recorded (here as a USB token's would be), a
		// write from a reader that saw the form unsigned (a second click,
		// the producer) leaves it.
		err = ev.db.InTx(ctx, ev.clock.Now(), func(tx *store.Tx) error {
			return tx.SignDocumentFile(ap.ID, ev.blob, dossier.FormSigner{UserID: ev.users["approver"].ID, Name: "Lê Thị Thu Hà"})
		})
		if err != nil {
			t.Fatal(err)
		}
		err = ev.db.InTx(ctx, ev.clock.Now(), func(tx *store.Tx) error {
			return tx.SetDocumentFile(ap.ID, "", false, dossier.FormSigner{})
		})
		if sd, _ := ev.db.DocumentByID(ctx, ap.ID); dossier.ErrorCode(err) != dossier.ECONFLICT || sd == nil || !sd.Signed || sd.BlobID != ev.blob {
			t.Errorf("stale write over the signed apology: %v, now %+v; want conflict, still signed", err, sd)
		}
		if _, err := ev.svc.SignDocument(ctx, ev.users["approver"], d.Code, ap.ID+1000); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("unknown document: %v", err)
		}

		// Refusal after appraisal, by the leader under delegation.
		d = ev.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version, Recommendation: "refuse",
			Report: "Không đủ điều kiện"})
		d = ev.act(t, "approver", d.Code, dossier.ActRefuse, workflow.ActionInput{Version: d.Version, Reason: "Ngành nghề không được phép kinh doanh"})
		rf := demotest.DocOf(t, d, dossier.DocRefusal)
		if rf.Number != "01/PTC-SKHDT" || rf.Signer.Name != "Lê Thị Thu Hà" || rf.Signer.Capacity != "KT. Giám đốc" {
			t.Errorf("Mẫu 03 after appraisal = %+v", rf)
		}

		// The applicant withdraws another dossier: the stop notice, by the
		// center (TT 03/2025 set: received in November 2026).
		d2 := ev.receive(t)
		if d2.FormSet != "TT03/2025" {
			t.Fatalf("form set = %s", d2.FormSet)
		}
		d2 = ev.act(t, "reception", d2.Code, dossier.ActWithdraw, workflow.ActionInput{Version: d2.Version, Reason: "Công dân đề nghị rút hồ sơ"})
		st := demotest.DocOf(t, d2, dossier.DocStop)
		if st.Number != "01/TB-TTHCC" || st.Signer.Name != "Nguyễn Thị Hoa" || st.VerifyURL == "" {
			t.Errorf("stop notice = %+v", st)
		}
		// Receipts of the two dossiers: 01 and 02 of the center's register.
		if n := demotest.DocOf(t, d2, dossier.DocReceipt).Number; n != "02/TNHS-TTHCC" {
			t.Errorf("second receipt = %s", n)
		}
		// Without a document renderer the forms are numbered but have no
		// file: reading one says so.
		if _, err := ev.svc.DocumentPDF(ctx, ev.users["reception"], d2.Code, st.ID); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("DocumentPDF without a renderer: %v", err)
		}
		// Another dossier's document id is not found through this one.
		if _, err := ev.svc.DocumentPDF(ctx, ev.users["reception"], d2.Code, rf.ID); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("DocumentPDF of another dossier's form: %v", err)
		}
	})
}
