package workflow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

// A rating "chưa hài lòng" with its comment is a feedback (phản ánh, kiến
// nghị) that the center answers within 15 working days (QĐ 766 indicators
// 5.1–5.2; Circular 01/2018 index 8).

// FeedbackAnswer answers a feedback: the text and the category
// (regulation, behaviour, other; default other).
type FeedbackAnswer struct {
	Answer   string `json:"answer"`
	Category string `json:"category"`
}

// AnswerFeedback records the answer to the feedback of rating id: by an
// admin, a supervisor or reception officer of the rating's center, or a
// leader of its agency; once (a second answer is a conflict); only a
// rating "chưa hài lòng" is a feedback.
func (s *Service) AnswerFeedback(ctx context.Context, u *dossier.User, id int64, in FeedbackAnswer) error {
	if u == nil {
		return unauthorized()
	}
	in.Answer = vntext.NFC(strings.TrimSpace(in.Answer))
	if in.Category == "" {
		in.Category = dossier.FeedbackOther
	}
	var fs []dossier.FieldError
	if n := len([]rune(in.Answer)); n < 2 || n > 4000 {
		fs = append(fs, dossier.FieldError{Field: "answer", Message: "Câu trả lời từ 2 đến 4000 ký tự"})
	}
	if !dossier.ValidFeedbackCategory(in.Category) {
		fs = append(fs, dossier.FieldError{Field: "category", Message: "regulation, behaviour hoặc other"})
	}
	if len(fs) > 0 {
		return dossier.Invalid("Câu trả lời phản ánh không hợp lệ", fs...)
	}
	return s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		center, agency, level, answered, err := tx.RatingForAnswer(id)
		if err != nil {
			return err
		}
		may := u.Has(dossier.RoleAdmin) || (u.HasAny(dossier.RoleSupervisor, dossier.RoleReception) && u.AtCenter(center)) ||
			(u.Has(dossier.RoleApprover) && u.AgencyCode == agency)
		if !may {
			return dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy phản ánh %d", id)
		}
		if level != store.RatingUnsatisfied {
			return dossier.Errorf(dossier.EUNPROCESSABLE, "Đánh giá này không phải phản ánh (chỉ đánh giá chưa hài lòng cần trả lời)")
		}
		if answered {
			return dossier.Errorf(dossier.ECONFLICT, "Phản ánh đã được trả lời")
		}
		if err := tx.AnswerRating(id, in.Answer, in.Category, u.ID); err != nil {
			return err
		}
		return tx.Audit(u.Username, "answer", "rating", fmt.Sprint(id), fmt.Sprintf(`{"category":%q}`, in.Category))
	})
}

// FeedbackRow is a feedback of the period with its due date and whether
// it was answered on time.
type FeedbackRow struct {
	store.Feedback
	Due        time.Time `json:"due"`
	Timeliness string    `json:"timeliness"` // on_time, late, pending
}

// FeedbackReport lists the feedback received in the period (supervisors
// and admins, in their scope).
func (s *Service) FeedbackReport(ctx context.Context, u *dossier.User, q ReportQuery) ([]FeedbackRow, error) {
	rs, err := s.checkReport(u, q)
	if err != nil {
		return nil, err
	}
	fbs, err := s.db.FeedbackIn(ctx, rs.start, rs.end, rs.filter)
	if err != nil {
		return nil, err
	}
	out := []FeedbackRow{}
	for _, fb := range fbs {
		cal := s.CalendarFor(fb.Center)
		out = append(out, FeedbackRow{Feedback: fb, Due: dossier.FeedbackDue(cal, fb.At),
			Timeliness: dossier.FeedbackTimeliness(cal, fb.At, fb.AnsweredAt, rs.end)})
	}
	return out, nil
}
