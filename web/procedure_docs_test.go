package web_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"motcua/store"
	"motcua/web"
)

// TestProcedureLegalBasisAndForms: the demo civil-status procedure shows
// its legal basis and, for its "(theo mẫu)" declaration, a blank form
// drawn by motcua (a PDF); a component that is not a form has none; the
// JSON resource carries legal_basis.
func TestProcedureLegalBasisAndForms(t *testing.T) {
	ev := newFrontEnv(t, store.SQLite, web.Options{})
	res, body := ev.call(t, "", "GET", "/thu-tuc/2.000528", "")
	wantStatus(t, "page", res, body, 200)
	for _, w := range []string{"Căn cứ pháp lý", "Luật Hộ tịch số 60/2014/QH13", "Nghị định số 123/2015/NĐ-CP",
		"Mẫu đơn, tờ khai", `href="/thu-tuc/2.000528/mau/TK.pdf"`, "mẫu trống in từ hệ thống"} {
		if !strings.Contains(string(body), w) {
			t.Errorf("procedure page lacks %q", w)
		}
	}
	if strings.Contains(string(body), "/mau/GCS.pdf") {
		t.Error("a component that is not a form links a blank form")
	}
	res, body = ev.call(t, "", "GET", "/thu-tuc/2.000528/mau/TK.pdf", "")
	wantStatus(t, "blank form", res, body, 200)
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Errorf("blank form: %s, %q…", ct, body[:min(8, len(body))])
	}
	for _, p := range []string{"/thu-tuc/2.000528/mau/GCS.pdf", "/thu-tuc/2.000528/mau/NOPE.pdf", "/thu-tuc/NOPE/mau/TK.pdf"} {
		if res, _ := ev.call(t, "", "GET", p, ""); res.StatusCode != 404 {
			t.Errorf("GET %s = %d; want 404", p, res.StatusCode)
		}
	}
	res, body = ev.call(t, "", "GET", "/api/v1/procedures/2.000528", "")
	wantStatus(t, "json", res, body, 200)
	var p struct {
		LegalBasis []string `json:"legal_basis"`
	}
	if err := json.Unmarshal(body, &p); err != nil || len(p.LegalBasis) < 2 || p.LegalBasis[0] != "Luật Hộ tịch số 60/2014/QH13" {
		t.Errorf("JSON legal_basis = %q, %v", p.LegalBasis, err)
	}
	// A procedure with no legal basis says so rather than showing nothing.
	if _, body := ev.call(t, "", "GET", "/thu-tuc/2.001610", ""); !strings.Contains(string(body), "Luật Doanh nghiệp số 59/2020/QH14") {
		t.Error("2.001610 lacks its legal basis")
	}
}
