package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"motcua/store"
)

// TestAPIDocumentsAndSealChoice: GET /dossiers/{code} lists the dossier's
// documents [{kind, number, url, verify_url}] (contract §9), and POST
// …/actions/issue takes {"seal": "physical"} with the copies and register
// page it logs.
func TestAPIDocumentsAndSealChoice(t *testing.T) {
	ev := newAPIEnv(t, store.SQLite)
	blob := ev.upload(t, "reception")
	res, body := ev.do(t, ev.token(t, "reception"), "POST", "/api/v1/dossiers", receiveBody(blob), nil)
	wantStatus(t, "receive", res, body, http.StatusCreated)
	var d struct {
		Code      string
		Version   int64
		Documents []struct {
			Kind, Number, URL string
			VerifyURL         string `json:"verify_url"`
		}
		Result *struct {
			Number        string
			SealChoice    string `json:"seal_choice"`
			PhysicalSeals []struct {
				Copy         int `json:"copy"`
				RegisterPage int `json:"register_page"`
				By           string
			} `json:"physical_seals"`
		}
	}
	json.Unmarshal(body, &d)
	if len(d.Documents) != 2 || d.Documents[0].Kind != "receipt" || d.Documents[0].Number != "01/TNHS-TTHCC" ||
		!strings.Contains(d.Documents[0].VerifyURL, "/verify/") || d.Documents[1].Kind != "control_slip" || d.Documents[1].VerifyURL != "" {
		t.Fatalf("documents of a received dossier = %+v", d.Documents)
	}
	act := func(who, action, extra string) {
		t.Helper()
		res, body := ev.do(t, ev.token(t, who), "POST", "/api/v1/dossiers/"+d.Code+"/actions/"+action,
			fmt.Sprintf(`{"version":%d%s}`, d.Version, extra), nil)
		wantStatus(t, action, res, body, http.StatusOK)
		d.Result = nil
		json.Unmarshal(body, &d)
	}
	act("appraiser", "assign", "")
	act("appraiser", "submit-appraisal", `,"recommendation":"approve","report":"Đủ điều kiện","draft_result":"Cấp giấy chứng nhận"`)
	act("approver", "approve", "")
	res, body = ev.do(t, ev.token(t, "clerk"), "POST", "/api/v1/dossiers/"+d.Code+"/actions/issue", fmt.Sprintf(`{"version":%d,"seal":"wax"}`, d.Version), nil)
	wantStatus(t, "issue with an unknown seal", res, body, http.StatusBadRequest)
	res, body = ev.do(t, ev.token(t, "clerk"), "POST", "/api/v1/dossiers/"+d.Code+"/actions/issue", fmt.Sprintf(`{"version":%d,"seal":"physical"}`, d.Version), nil)
	wantStatus(t, "physical seal without the register page", res, body, http.StatusBadRequest)
	act("clerk", "issue", `,"seal":"physical","copies":2,"register_page":5`)
	if r := d.Result; r == nil || r.SealChoice != "physical" || len(r.PhysicalSeals) != 2 || r.PhysicalSeals[1].Copy != 2 ||
		r.PhysicalSeals[1].RegisterPage != 5 || r.PhysicalSeals[1].By != "Phạm Văn Đức" {
		t.Errorf("issued result = %+v", r)
	}
	res, body = ev.do(t, ev.token(t, "reception"), "GET", "/api/v1/dossiers/"+d.Code, "", nil)
	wantStatus(t, "get", res, body, http.StatusOK)
	json.Unmarshal(body, &d)
	last := d.Documents[len(d.Documents)-1]
	if last.Kind != "result" || last.Number != "01/GCN-DKDN-SKHDT" || last.URL != "/api/v1/dossiers/"+d.Code+"/result.pdf" {
		t.Errorf("result document = %+v", last)
	}
	res, body = ev.do(t, ev.token(t, "reception"), "GET", "/api/v1/dossiers/"+d.Code+"/documents/abc.pdf", "", nil)
	wantStatus(t, "bad document id", res, body, http.StatusNotFound)
}
