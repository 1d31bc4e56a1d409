package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"motcua/dossier"
)

// TestPublicLeaderSchedule: the leaders' on-site schedule is public, as a
// page and as JSON, and shows name, position, center and times only.
func TestPublicLeaderSchedule(t *testing.T) {
	eachFrontEnv(t, func(t *testing.T, ev *frontEnv) {
		res, body := ev.call(t, "", "GET", "/api/v1/public/leader-schedule?center=BN.TTHCC", "")
		wantStatus(t, "schedule JSON", res, body, http.StatusOK)
		var out struct {
			Items []map[string]any `json:"items"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
		// The demo approver is on site every working day of the next two
		// weeks: at least 8 shifts whatever the weekday today.
		if len(out.Items) < 8 {
			t.Fatalf("schedule has %d shifts; want ≥ 8: %s", len(out.Items), body)
		}
		for _, it := range out.Items {
			if it["name"] != "Lê Thị Thu Hà" || it["position"] != "Phó Giám đốc" || it["center_code"] != "BN.TTHCC" || len(it) != 6 {
				t.Errorf("shift = %v; want the demo approver's name, position, center and times only", it)
			}
		}
		for _, secret := range []string{"approver", "user_id", "username", "phone", "email", `"id"`} {
			if strings.Contains(string(body), secret) {
				t.Errorf("public schedule shows %q: %s", secret, body)
			}
		}
		res, body = ev.call(t, "", "GET", "/api/v1/public/leader-schedule?center=BN.TPTUSON.TTHCC", "")
		wantStatus(t, "schedule of a center without shifts", res, body, http.StatusOK)
		if !strings.Contains(string(body), `"items":[]`) {
			t.Errorf("center without shifts = %s; want an empty list", body)
		}
		res, body = ev.call(t, "", "GET", "/api/v1/public/leader-schedule?center=%3Cscript%3E", "")
		wantStatus(t, "bad center code", res, body, http.StatusBadRequest)

		res, body = ev.call(t, "", "GET", "/lich-truc", "")
		wantStatus(t, "schedule page", res, body, http.StatusOK)
		page := string(body)
		for _, want := range []string{`lang="vi"`, "Lịch trực của lãnh đạo", "Lê Thị Thu Hà", "Phó Giám đốc", "07:30–17:00"} {
			if !strings.Contains(page, want) {
				t.Errorf("schedule page lacks %q", want)
			}
		}
		_ = dossier.RoleApprover
	})
}
