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
	"motcua/store"
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

// TestRuleSetsAPI: the province's schedule of rule sets is data its admins
// keep (issue 15 item 9): officers read it with the sets motcua knows and
// the one in force today; admins replace it; bad input is a problem+json
// 400 naming the field, never half written.
func TestRuleSetsAPI(t *testing.T) {
	eachAPIEnv(t, func(t *testing.T, ev *apiEnv) {
		admin, sup, rec := ev.token(t, "admin"), ev.token(t, "supervisor"), ev.token(t, "reception")
		if res, _ := ev.do(t, "", "GET", "/api/v1/rule-sets", "", nil); res.StatusCode != 401 {
			t.Errorf("anonymous = %d", res.StatusCode)
		}
		type view struct {
			RuleSets []struct {
				ID      string `json:"id"`
				FormSet string `json:"form_set"`
			} `json:"rule_sets"`
			Schedule []struct {
				From      string `json:"from"`
				RuleSet   string `json:"rule_set"`
				Confirmed bool   `json:"confirmed"`
			} `json:"schedule"`
			Today       string   `json:"in_force_today"`
			Unconfirmed []string `json:"unconfirmed"`
		}
		var v view
		if err := json.Unmarshal(mustGet(t, ev, rec, "/api/v1/rule-sets"), &v); err != nil {
			t.Fatal(err)
		}
		if len(v.RuleSets) != 3 || len(v.Schedule) != 3 || len(v.Unconfirmed) != 3 || v.Today != "ND118/2025" || v.Schedule[2].From != "2025-10-30" {
			t.Errorf("defaults = %+v", v)
		}
		good := `{"periods":[{"from":"2018-06-21","rule_set":"ND61/2018","basis":"NĐ 61/2018","confirmed":true},
			{"from":"2025-11-15","rule_set":"ND118/2025","basis":"Văn bản của tỉnh","confirmed":true}]}`
		for _, c := range []struct {
			tok, body string
			status    int
			field     string
		}{
			{sup, good, 403, ""},
			{admin, `{"periods":`, 400, ""},
			{admin, `{"periods":[{"from":"15/11/2025","rule_set":"ND118/2025"}]}`, 400, "periods[0].from"},
			{admin, `{"periods":[{"from":"2025-11-15","rule_set":"ND2030"}]}`, 400, "periods[0].rule_set"},
			{admin, `{"periods":[]}`, 400, "periods"},
		} {
			res, body := ev.do(t, c.tok, "PUT", "/api/v1/rule-sets/schedule", c.body, nil)
			if res.StatusCode != c.status || (c.status == 400 && res.Header.Get("Content-Type") != "application/problem+json") ||
				!strings.Contains(string(body), c.field) {
				t.Errorf("PUT %.40s = %d %s; want %d naming %q", c.body, res.StatusCode, body, c.status, c.field)
			}
		}
		// Nothing was half written.
		json.Unmarshal(mustGet(t, ev, admin, "/api/v1/rule-sets"), &v)
		if len(v.Schedule) != 3 {
			t.Errorf("after refused changes: %+v", v.Schedule)
		}
		res, body := ev.do(t, admin, "PUT", "/api/v1/rule-sets/schedule", good, nil)
		if res.StatusCode != 200 {
			t.Fatalf("PUT = %d %s", res.StatusCode, body)
		}
		v = view{}
		json.Unmarshal(mustGet(t, ev, sup, "/api/v1/rule-sets"), &v)
		if len(v.Schedule) != 2 || !v.Schedule[1].Confirmed || v.Schedule[1].From != "2025-11-15" || len(v.Unconfirmed) != 0 {
			t.Errorf("after the change = %+v", v)
		}
		// A dossier received now takes the set in force.
		res, body = ev.do(t, rec, "POST", "/api/v1/dossiers", receiveBody(ev.upload(t, "reception")), nil)
		if res.StatusCode != 201 || !strings.Contains(string(body), `"rule_set":"ND118/2025"`) || !strings.Contains(string(body), `"measure_due_at"`) {
			t.Errorf("receive = %d %s", res.StatusCode, body)
		}
	})
}

// TestFiveOnSpotReportFields: the summary, its breakdowns and their XLSX,
// and the supervisors' dashboard carry the per-dossier "5 tại chỗ" figures
// (issue 15 item 11) next to the procedure coverage. One imported "5 tại
// chỗ" dossier returned the day it was received, whose old system recorded
// no places: 1 returned, 0 achieved (0.00 %), 1 the same day (100.00 %).
func TestFiveOnSpotReportFields(t *testing.T) {
	ev := newAPIEnv(t, store.SQLite)
	admin, sup := ev.token(t, "admin"), ev.token(t, "supervisor")
	jsonl := `{"code":"OLD-5","procedure_code":"2.001610","channel":"counter","applicant":{"kind":"citizen","name":"Trần Thị Bình","id_number":"027190005678"},"received_at":"2021-04-05T08:00:00+07:00","due_at":"2021-04-08T17:00:00+07:00","status":"returned","finished_at":"2021-04-05T16:00:00+07:00"}` + "\n"
	res, body := ev.do(t, admin, "POST", "/api/v1/imports/dossiers?filename=h.jsonl", jsonl, map[string]string{"Content-Type": "application/x-ndjson"})
	if res.StatusCode != 200 {
		t.Fatalf("import: %d %s", res.StatusCode, body)
	}
	today := clocktest.Now().In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02")
	q := "?from=2021-04-01&to=2021-04-30"
	var m map[string]any
	json.Unmarshal(mustGet(t, ev, sup, "/api/v1/reports/summary"+q), &m)
	for k, want := range map[string]float64{"dossiers_five_on_spot_returned": 1, "dossiers_five_on_spot_achieved": 0,
		"five_on_spot_achieved_rate": 0, "dossiers_returned_same_day": 1, "same_day_rate": 100, "five_on_spot_coverage": 100} {
		if got, ok := m[k].(float64); !ok || got != want {
			t.Errorf("summary %s = %v; want %v", k, m[k], want)
		}
	}
	for _, p := range []string{"by-agency", "by-center"} {
		var b struct {
			Items []map[string]any `json:"items"`
		}
		json.Unmarshal(mustGet(t, ev, sup, "/api/v1/reports/"+p+q), &b)
		found := false
		for _, it := range b.Items {
			if it["code"] == "BN.SKHDT" || it["code"] == "BN.TTHCC" {
				found = it["dossiers_five_on_spot_returned"] == 1.0 && it["same_day_rate"] == 100.0
			}
		}
		if !found {
			t.Errorf("%s lacks the row: %+v", p, b.Items)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(mustGet(t, ev, sup, "/api/v1/reports/by-agency.xlsx"+q)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	f.Close()
	col := map[string]int{}
	var row []string
	for _, r := range rows {
		for i, h := range r {
			if h == "Tỷ lệ trả trong ngày (%)" || h == "Tỷ lệ đạt 5 tại chỗ (%)" || h == "Hồ sơ 5 tại chỗ đã trả" {
				col[h] = i
			}
		}
		if len(r) > 0 && strings.Contains(strings.Join(r, "|"), "BN.SKHDT") {
			row = r
		}
	}
	if len(col) != 3 || row == nil || row[col["Hồ sơ 5 tại chỗ đã trả"]] != "1" || row[col["Tỷ lệ trả trong ngày (%)"]] != "100" {
		t.Errorf("by-agency.xlsx: columns %v, row %v", col, row)
	}
	html := string(mustGet(t, ev, sup, "/bao-cao?from=2021-01-01&to="+today))
	for _, want := range []string{"Hồ sơ thực hiện 5 tại chỗ", "Hồ sơ đạt 5 tại chỗ (0/1)", "Trả trong ngày (1/1)", "Tỷ lệ trả trong ngày (%)"} {
		if !strings.Contains(html, want) {
			t.Errorf("/bao-cao lacks %q", want)
		}
	}
}
