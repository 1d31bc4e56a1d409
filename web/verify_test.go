package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"motcua/demo"
	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/internal/demotest"
	"motcua/internal/stacktest"
	"motcua/internal/testfile"
	"motcua/internal/tooltest"
	"motcua/sign"
	"motcua/store"
	"motcua/web"
	"motcua/workflow"
)

// newSigningServer is the demo province with documents signed by demo keys,
// behind a test server.
func newSigningServer(t *testing.T, cfg workflow.Config) (*workflow.Service, *store.DB, *httptest.Server) {
	t.Helper()
	_, db, svc := stacktest.SigningDemo(t, store.SQLite, cfg)
	_, srv := stacktest.Server(t, svc, nil, web.Options{PublicRPS: 1000, PublicBurst: 1000})
	return svc, db, srv
}

// TestVerifyPageOfIssuedResult issues a signed result and opens the
// public verification page and JSON its QR code leads to: both
// signatures, their integrity, long-term validation and the SHA-256 of
// the issued file.
func TestVerifyPageOfIssuedResult(t *testing.T) {
	tooltest.Path(t, "pdftotext")
	ctx := context.Background()
	svc, db, srv := newSigningServer(t, workflow.Config{BaseURL: "https://motcua.example", Now: clocktest.Now})

	users := demotest.Users(t, db)
	ds := demotest.Receive(t, svc, users["reception"], dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234"})
	ds = demotest.Walk(t, svc, users, ds, demotest.Assign, demotest.Appraise, demotest.Approve, demotest.Issue)
	file, err := svc.ResultPDF(ctx, users["clerk"], ds.Code)
	if err != nil {
		t.Fatal(err)
	}
	txt := tooltest.PDFText(t, file)
	m := regexp.MustCompile(`https://motcua\.example/verify/\s*([A-Za-z0-9_-]{22})(?:\s|$)`).FindStringSubmatch(txt)
	if m == nil {
		t.Fatalf("no verification address printed on the result:\n%s", txt)
	}
	token := m[1]

	res, page := roundTrip(t, nil, request(t, "GET", srv.URL+"/verify/"+token, nil, "", nil))
	if res.StatusCode != 200 {
		t.Fatalf("verify page = %d", res.StatusCode)
	}
	for _, want := range []string{ds.Result.Number, "Lê Thị Thu Hà", "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh", "Toàn vẹn", "Văn bản này đáng tin cậy", "Người ký được xác minh",
		"PAdES B-LT", "Có dữ liệu xác thực dài hạn", ds.Result.SHA256,
		// In plain Vietnamese, with the timestamp of the demo TSA (issue 17).
		"Chữ ký hợp lệ, chứng thư do " + sign.DemoRootName + " cấp, còn hiệu lực tại thời điểm ký", "do " + sign.DemoTSAName + " cấp"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("verify page lacks %q", want)
		}
	}
	// Personal data is masked (issue 16 item 14): the document code
	// starts with the applicant's ID number, shown by its last 4 digits.
	if strings.Contains(string(page), "027190001234") || !strings.Contains(string(page), "********1234") {
		t.Errorf("verify page shows the ID number unmasked")
	}
	res, err = http.Get(srv.URL + "/api/v1/public/verify/" + token)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if bytes.Contains(body, []byte("027190001234")) {
		t.Errorf("verify JSON shows the ID number unmasked: %s", body)
	}
	var v workflow.Verification
	err = json.Unmarshal(body, &v)
	if err != nil || v.Status != "valid" || len(v.Signatures) != 2 || v.SHA256 != ds.Result.SHA256 {
		t.Fatalf("verify JSON = %+v, %v", v, err)
	}
	for _, s := range v.Signatures {
		if !s.Intact || !s.Trusted || !s.LTV || s.Revocation != "good" || s.Level != "B-LT" || s.TimestampTime == nil ||
			s.TimestampAuthority != sign.DemoTSAName || !strings.HasPrefix(s.Description, "Chữ ký hợp lệ, chứng thư do") {
			t.Errorf("signature %+v", s)
		}
	}
	// The JSON names the fields of contract §9.
	res, _ = http.Get(srv.URL + "/api/v1/public/verify/" + token)
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, k := range []string{`"level":"B-LT"`, `"timestamp_time":`, `"timestamp_authority":`, `"trusted":true`} {
		if !strings.Contains(string(raw), k) {
			t.Errorf("verify JSON lacks %s: %s", k, raw)
		}
	}
	// The officers' dossier page shows the archive copy once there is one.
	if _, err := db.SQL().Exec(`UPDATE results SET archived_at = $1`, time.Date(2027, 1, 5, 3, 0, 0, 0, time.UTC).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	tok, _, err := svc.Login(ctx, "clerk", demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	res, page = roundTrip(t, nil, request(t, "GET", srv.URL+"/ho-so/"+ds.Code, nil, tok, nil))
	if res.StatusCode != 200 || !strings.Contains(string(page), "bản lưu trữ dài hạn (PAdES B-LTA) lập") {
		t.Errorf("dossier page = %d, archive copy not shown", res.StatusCode)
	}
}

// TestVerifyPageOfEReceipt: the e-receipt of a fee is sealed like a result
// and its printed address opens a public page and JSON that say so.
func TestVerifyPageOfEReceipt(t *testing.T) {
	ctx := context.Background()
	svc, db, srv := newSigningServer(t, workflow.Config{BaseURL: "https://motcua.example", Now: clocktest.Now})
	reception, err := db.UserByName(ctx, "reception")
	if err != nil {
		t.Fatal(err)
	}
	info, err := svc.Upload(ctx, reception, bytes.NewReader(testfile.PDF("scan")))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := svc.Receive(ctx, reception, workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelCounter,
		Applicant:  dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234"},
		Components: []workflow.ComponentInput{{Code: "GDN", BlobID: info.ID}, {Code: "GTPL", BlobID: info.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := workflow.NewFees(svc, nil, "BL").Collect(ctx, reception, ds.Code, workflow.PaymentInput{Method: "cash"})
	if err != nil {
		t.Fatal(err)
	}
	token := workflow.EReceiptToken(p.ReceiptSeries, p.ReceiptYear, p.ReceiptNumber, p.LookupCode)
	res, page := roundTrip(t, nil, request(t, "GET", srv.URL+"/verify/bien-lai/"+token, nil, "", nil))
	if res.StatusCode != 200 {
		t.Fatalf("receipt page = %d", res.StatusCode)
	}
	for _, want := range []string{"Biên lai hợp lệ", "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh", p.ReceiptNumber, "50.000", "PAdES B-LT", "Chữ ký hợp lệ, chứng thư do"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("receipt page lacks %q", want)
		}
	}
	if strings.Contains(string(page), "Ánh Tuyết") {
		t.Error("the public page shows the payer's full name")
	}
	res, _ = http.Get(srv.URL + "/api/v1/public/verify-receipt/" + token)
	var v workflow.ReceiptVerification
	err = json.NewDecoder(res.Body).Decode(&v)
	res.Body.Close()
	if err != nil || v.Status != "valid" || len(v.Signatures) != 1 || v.Signatures[0].Level != "B-LT" {
		t.Errorf("receipt JSON = %+v, %v", v, err)
	}
	res, _ = http.Get(srv.URL + "/verify/bien-lai/" + workflow.EReceiptToken(p.ReceiptSeries, p.ReceiptYear, p.ReceiptNumber, "0000000000"))
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("wrong lookup code: %d, want 404", res.StatusCode)
	}
}
