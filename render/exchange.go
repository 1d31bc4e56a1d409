package render

import (
	"fmt"
	"strings"
	"time"

	"motcua/workflow"
)

// coordinating is the control slip's "Cơ quan phối hợp giải quyết hồ sơ":
// each body of the procedure's inter-agency steps with what it is asked,
// its working days and its own deadline (NĐ 61/2018 Art. 19.5–7), and
// where the package stands; "" when the procedure has none.
func coordinating(v *workflow.ExchangeView, loc *time.Location) string {
	if v == nil {
		return ""
	}
	parts := make([]string, 0, len(v.Steps))
	for _, s := range v.Steps {
		due := s.Due.In(loc)
		line := fmt.Sprintf("%s (%s, %d ngày làm việc, hạn %02d giờ %02d phút ngày %s", s.Name, strings.ToLower(s.KindLabel), s.Days,
			due.Hour(), due.Minute(), due.Format("02/01/2006"))
		switch {
		case s.Package != nil:
			line += "; " + strings.ToLower(s.Package.Status.Label())
		case s.Planned:
			line += "; dự kiến"
		}
		parts = append(parts, line+")")
	}
	return strings.Join(parts, "; ")
}
