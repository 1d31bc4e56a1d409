package web_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"motcua/store"
)

// TestAPIIndicatorsAndFeedback: GET /reports/indicators lists every
// indicator of the QĐ 766 set with its status, the five group scores and
// the total out of 100 (contract §9); answering a feedback that does not
// exist is a 404, a malformed answer a 400.
func TestAPIIndicatorsAndFeedback(t *testing.T) {
	ev := newAPIEnv(t, store.SQLite)
	res, body := ev.do(t, ev.token(t, "admin"), "GET", "/api/v1/reports/indicators?from=2026-11-02&to=2026-11-06", "", nil)
	wantStatus(t, "indicators", res, body, http.StatusOK)
	var out struct {
		Indicators []struct {
			Code, Status, Reason string
		}
		Groups []struct {
			Group     int
			MaxPoints float64 `json:"max_points"`
		}
		Total     *float64
		MaxPoints float64 `json:"max_points"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	statuses := map[string]int{}
	for _, i := range out.Indicators {
		statuses[i.Status]++
		if i.Status == "not_measurable" && i.Reason == "" {
			t.Errorf("%s not measurable without a reason", i.Code)
		}
	}
	if len(out.Indicators) != 20 || statuses["computed"] != 16 || statuses["not_measurable"] != 4 || len(out.Groups) != 5 ||
		out.Total == nil || out.MaxPoints != 100 {
		t.Errorf("indicators report: %d indicators %v, %d groups, total %v of %.0f", len(out.Indicators), statuses, len(out.Groups), out.Total, out.MaxPoints)
	}
	res, body = ev.do(t, ev.token(t, "supervisor"), "POST", "/api/v1/ratings/999/answer", `{"answer":"Đã xử lý","category":"other"}`, nil)
	wantStatus(t, "answer an unknown feedback", res, body, http.StatusNotFound)
	res, body = ev.do(t, ev.token(t, "supervisor"), "POST", "/api/v1/ratings/999/answer", `{"answer":"Đã xử lý","category":"rude"}`, nil)
	wantStatus(t, "answer with an unknown category", res, body, http.StatusBadRequest)
	res, body = ev.do(t, ev.token(t, "supervisor"), "GET", "/api/v1/reports/feedback?from=2026-11-02&to=2026-11-06", "", nil)
	wantStatus(t, "feedback report", res, body, http.StatusOK)
}
