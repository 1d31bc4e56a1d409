package dossier

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestPublishShift: the public leaders' schedule (QĐ 299/QĐ-UBND phần III
// bước 3, leaders approve on site by schedule) shows name, position, center
// and times, and nothing else of the person (NĐ 13/2023/NĐ-CP Điều 3.4:
// no more personal data than the purpose needs).
func TestPublishShift(t *testing.T) {
	c1 := &Center{Code: center, Name: "Trung tâm Phục vụ hành chính công tỉnh", Address: "Số 11 Lý Thái Tổ"}
	shift := LeaderShift{ID: 4, UserID: 3, UserName: "Lê Thị Thu Hà", CenterCode: center, StartsAt: at(2026, 11, 27, 7, 30), EndsAt: at(2026, 11, 27, 17, 0)}
	full := &User{ID: 3, Username: "approver", Name: "Lê Thị Thu Hà", Position: "Phó Giám đốc", AgencyCode: agency, Roles: []Role{RoleApprover},
		Centers: []string{center}, IDNumber: "027190001234", Phone: "0912345678", Email: "ha@bacninh.gov.vn", Counter: "Q01"}
	for _, c := range []struct {
		name                   string
		leader                 *User
		center                 *Center
		wantName, wantPosition string
		wantCenter             string
	}{
		{"leader with every personal field set", full, c1, "Lê Thị Thu Hà", "Phó Giám đốc", c1.Name},
		{"leader without a position in the catalog", &User{ID: 3, Name: "Lê Thị Thu Hà", Phone: "0912345678"}, c1, "Lê Thị Thu Hà", "Lãnh đạo", c1.Name},
		{"leader no longer in the catalog: the shift's name", nil, c1, "Lê Thị Thu Hà", "Lãnh đạo", c1.Name},
		{"center no longer in the catalog: its code", full, nil, "Lê Thị Thu Hà", "Phó Giám đốc", center},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := PublishShift(shift, c.leader, c.center)
			if p.Name != c.wantName || p.Position != c.wantPosition || p.CenterName != c.wantCenter || p.CenterCode != center ||
				!p.StartsAt.Equal(shift.StartsAt) || !p.EndsAt.Equal(shift.EndsAt) {
				t.Errorf("PublishShift = %+v", p)
			}
			js, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(js, &m); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for k := range m {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if want := []string{"center_code", "center_name", "ends_at", "name", "position", "starts_at"}; !slices.Equal(keys, want) {
				t.Errorf("published keys = %v; want %v", keys, want)
			}
			for _, secret := range []string{"027190001234", "0912345678", "ha@bacninh.gov.vn", "approver", "Q01", "Lý Thái Tổ"} {
				if strings.Contains(string(js), secret) {
					t.Errorf("published shift %s shows %q", js, secret)
				}
			}
		})
	}
}
