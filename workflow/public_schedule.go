package workflow

import (
	"context"
	"time"

	"motcua/dossier"
)

// PublicScheduleDays is how far ahead the public leaders' schedule reaches.
const PublicScheduleDays = 14

// PublicSchedule lists, for anyone, which leader is on site at which
// center and when, from the start of today for PublicScheduleDays days
// (center "" = every center): name, position, center and times only
// (dossier.PublishShift).
func (s *Service) PublicSchedule(ctx context.Context, center string) ([]dossier.PublicShift, error) {
	if center != "" && !dossier.ValidCode(center) {
		return nil, dossier.Invalid("Mã trung tâm không hợp lệ", dossier.FieldError{Field: "center", Message: "không hợp lệ"})
	}
	loc := s.Location()
	now := s.now().In(loc)
	from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	return s.db.PublicShifts(ctx, center, from, from.AddDate(0, 0, PublicScheduleDays))
}
