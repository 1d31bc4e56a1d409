package dossier

import (
	"strings"
	"time"
)

// PublicShift is what the public may know of a leader's on-site shift:
// who (name and position), where and when. The seed publishes which leader
// is at the center to approve on site (QĐ 299/QĐ-UBND phần III bước 3:
// "phê duyệt tại chỗ theo lịch trực của lãnh đạo"); nothing else about the
// person is published (NĐ 13/2023/NĐ-CP Điều 3.4: personal data are
// processed only for the purpose announced, and no more than it needs).
type PublicShift struct {
	Name       string    `json:"name"`
	Position   string    `json:"position"`
	CenterCode string    `json:"center_code"`
	CenterName string    `json:"center_name"`
	StartsAt   time.Time `json:"starts_at"`
	EndsAt     time.Time `json:"ends_at"`
}

// PublishShift projects a shift of leader at center onto what the public
// schedule shows. The leader's account, identifiers and contacts are never
// read into it; a position missing from the catalog prints as "Lãnh đạo".
func PublishShift(s LeaderShift, leader *User, center *Center) PublicShift {
	p := PublicShift{CenterCode: s.CenterCode, CenterName: s.CenterCode, StartsAt: s.StartsAt, EndsAt: s.EndsAt, Name: s.UserName,
		Position: "Lãnh đạo"}
	if leader != nil {
		p.Name = leader.Name
		if pos := strings.TrimSpace(leader.Position); pos != "" {
			p.Position = pos
		}
	}
	if center != nil && center.Name != "" {
		p.CenterName = center.Name
	}
	return p
}
