package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"motcua/internal/clocktest"
)

// TestReportsAPI exercises the report routes end to end: access rules,
// the contract §7 fields, XLSX and PDF exports, the history import through
// the admin API feeding the reports, and the dashboards page.
func TestReportsAPI(t *testing.T) {
	eachAPIEnv(t, func(t *testing.T, ev *apiEnv) {
		admin, sup, rec := ev.token(t, "admin"), ev.token(t, "supervisor"), ev.token(t, "reception")
		today := clocktest.Now().In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02")
		q := "?from=2021-01-01&to=" + today

		// Import two legacy dossiers through the admin API.
		jsonl := `{"code":"OLD-1","procedure_code":"2.001610","channel":"online","applicant":{"kind":"citizen","name":"Trần Thị Bình","id_number":"027190005678"},"received_at":"2021-04-05T08:00:00+07:00","due_at":"2021-04-08T17:00:00+07:00","status":"returned","finished_at":"2021-04-07T10:00:00+07:00"}
{"code":"OLD-2","procedure_code":"2.001610","channel":"counter","applicant":{"kind":"citizen","name":"Lê Văn Cường","id_number":"027190005679"},"received_at":"2021-04-06T08:00:00+07:00","due_at":"2021-04-09T17:00:00+07:00","status":"refused","finished_at":"2021-04-12T09:00:00+07:00"}
`
		res, body := ev.do(t, admin, "POST", "/api/v1/imports/dossiers?filename=h.jsonl", jsonl, map[string]string{"Content-Type": "application/x-ndjson"})
		if res.StatusCode != 200 || !strings.Contains(string(body), `"created":2`) {
			t.Fatalf("import: %d %s", res.StatusCode, body)
		}
		res, body = ev.do(t, admin, "POST", "/api/v1/imports/dossiers?filename=h.jsonl", `{"code":"X"}`+"\n", map[string]string{"Content-Type": "application/x-ndjson"})
		if res.StatusCode != 400 || !strings.Contains(string(body), `"line":1`) {
			t.Errorf("bad import: %d %s", res.StatusCode, body)
		}

		res, _ = ev.do(t, "", "GET", "/api/v1/reports/summary"+q, "", nil)
		if res.StatusCode != 401 {
			t.Errorf("anonymous summary = %d", res.StatusCode)
		}
		res, _ = ev.do(t, rec, "GET", "/api/v1/reports/summary"+q, "", nil)
		if res.StatusCode != 403 {
			t.Errorf("reception summary = %d", res.StatusCode)
		}
		res, body = ev.do(t, admin, "GET", "/api/v1/reports/summary?from=2021-13-01&to=2021-01-01", "", nil)
		if res.StatusCode != 400 || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("bad dates = %d %s", res.StatusCode, body)
		}
		for _, tok := range []string{admin, sup} {
			res, body = ev.do(t, tok, "GET", "/api/v1/reports/summary"+q, "", nil)
			if res.StatusCode != 200 {
				t.Fatalf("summary = %d %s", res.StatusCode, body)
			}
			var m map[string]any
			json.Unmarshal(body, &m)
			for _, k := range []string{"received", "received_online", "online_rate", "resolved", "resolved_early", "resolved_on_time",
				"resolved_late", "on_time_rate", "open", "open_overdue", "procedures", "procedures_five_on_spot", "five_on_spot_share",
				"procedures_with_dossiers", "procedures_with_dossiers_five_on_spot", "five_on_spot_coverage", "procedures_delegated",
				"delegation_rate", "ratings", "satisfaction_rate"} {
				if _, ok := m[k]; !ok {
					t.Errorf("summary lacks %q", k)
				}
			}
			if m["received"] != 2.0 || m["resolved_early"] != 1.0 || m["resolved_late"] != 1.0 || m["online_rate"] != 50.0 || m["on_time_rate"] != 50.0 {
				t.Errorf("summary = %s", body)
			}
		}
		for _, p := range []string{"by-agency", "by-agency.json", "by-procedure", "by-center", "by-level", "by-month", "by-officer", "indicators", "evaluation", "overdue"} {
			res, body = ev.do(t, sup, "GET", "/api/v1/reports/"+p+q, "", nil)
			if res.StatusCode != 200 || !json.Valid(body) {
				t.Errorf("%s = %d %s", p, res.StatusCode, body)
			}
		}
		for _, p := range []string{"summary.xlsx", "by-agency.xlsx", "by-procedure.xlsx", "by-month.xlsx", "by-officer.xlsx", "indicators.xlsx",
			"evaluation.xlsx", "overdue.xlsx", "ledger.xlsx"} {
			res, body = ev.do(t, sup, "GET", "/api/v1/reports/"+p+q+"&center=BN.TTHCC", "", nil)
			if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
				t.Errorf("%s = %d %s", p, res.StatusCode, body)
				continue
			}
			f, err := excelize.OpenReader(bytes.NewReader(body))
			if err != nil {
				t.Errorf("%s: %v", p, err)
				continue
			}
			if v, _ := f.GetCellValue(f.GetSheetName(0), "A1"); v == "" {
				t.Errorf("%s: empty title", p)
			}
			f.Close()
		}
		f, _ := excelize.OpenReader(bytes.NewReader(mustGet(t, ev, sup, "/api/v1/reports/ledger.xlsx"+q+"&center=BN.TTHCC")))
		rows, _ := f.GetRows(f.GetSheetName(0))
		found := false
		for _, r := range rows {
			if len(r) > 1 && r[1] == "OLD-1" {
				found = true
			}
		}
		if !found {
			t.Errorf("ledger lacks OLD-1: %v", rows)
		}
		if b := mustGet(t, ev, sup, "/api/v1/reports/ledger.pdf"+q+"&center=BN.TTHCC"); !bytes.HasPrefix(b, []byte("%PDF")) {
			t.Errorf("ledger.pdf = %.20q", b)
		}
		res, _ = ev.do(t, sup, "GET", "/api/v1/reports/ledger.xlsx"+q, "", nil)
		if res.StatusCode != 400 {
			t.Errorf("ledger without center = %d", res.StatusCode)
		}
		res, _ = ev.do(t, sup, "GET", "/api/v1/reports/summary"+q+"&center=BN.TPBACNINH.TTHCC", "", nil)
		if res.StatusCode != 403 {
			t.Errorf("supervisor other center = %d", res.StatusCode)
		}

		// Dashboards: sign-in first; then charts with their tables.
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		r, err := c.Get(ev.srv.URL + "/bao-cao")
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Errorf("/bao-cao anonymous = %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		html := string(mustGet(t, ev, sup, "/bao-cao?from=2021-01-01&to="+today))
		for _, want := range []string{`lang="vi"`, "<svg", "<details>", "Mục tiêu Quyết định 299", "by-agency.xlsx", "by-month.xlsx", "overdue.xlsx", "by-procedure.xlsx"} {
			if !strings.Contains(html, want) {
				t.Errorf("/bao-cao lacks %q", want)
			}
		}
		res, _ = ev.do(t, rec, "GET", "/bao-cao", "", nil)
		if res.StatusCode != 403 {
			t.Errorf("/bao-cao reception = %d", res.StatusCode)
		}
	})
}

func mustGet(t *testing.T, ev *apiEnv, tok, path string) []byte {
	t.Helper()
	res, body := ev.do(t, tok, "GET", path, "", nil)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s = %d %s", path, res.StatusCode, body)
	}
	return body
}
