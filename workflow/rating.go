package workflow

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

// RatingScaleVersion names the rating scale and criteria set stored with
// each rating (regulation.md §8: store ratings per criterion, with the
// scale version): three levels (TT 32/2017/TT-BTTTT art. 12) over the
// criteria of NĐ 61/2018 art. 31 and the four online criteria.
const RatingScaleVersion = "nd61-a31+tt32-a12/v1"

// RatingCriteria are the criteria an applicant may score, with their
// Vietnamese labels (NĐ 61/2018 art. 31 a–i; TT 32/2017 art. 12).
var RatingCriteria = []struct{ Key, Label string }{
	{"time", "Thời gian trả kết quả so với quy định"},
	{"bodies", "Số cơ quan, đơn vị phải liên hệ để hoàn thiện hồ sơ"},
	{"contacts", "Số lần phải liên hệ với Bộ phận Một cửa"},
	{"publicity", "Công khai thủ tục hành chính đầy đủ, chính xác"},
	{"attitude", "Thái độ, tinh thần phục vụ của cán bộ, công chức"},
	{"lawfulness", "Kết quả đúng quy định; chi phí đúng quy định, không phát sinh chi phí ngoài quy định"},
	{"feedback", "Thời gian và chất lượng trả lời phản ánh, kiến nghị"},
	{"online", "Tiến độ và chất lượng dịch vụ công trực tuyến"},
	{"convenience", "Mức độ thuận tiện"},
	{"support", "Sự hỗ trợ của cán bộ"},
	{"overall", "Đánh giá chung"},
	{"other", "Nội dung khác"},
}

// RatingLevelLabel returns the Vietnamese label of a rating level.
func RatingLevelLabel(level string) string {
	switch level {
	case store.RatingVerySatisfied:
		return "Rất hài lòng"
	case store.RatingSatisfied:
		return "Hài lòng"
	case store.RatingUnsatisfied:
		return "Chưa hài lòng"
	}
	return level
}

func validLevel(l string) bool {
	return l == store.RatingVerySatisfied || l == store.RatingSatisfied || l == store.RatingUnsatisfied
}

// RatingInput is an applicant's rating (contract §8). Each criterion takes
// a level (very_satisfied, satisfied, unsatisfied) or a Circular 01/2018
// score 0, 1 or 2.
type RatingInput struct {
	Token    string                     `json:"token"`
	Level    string                     `json:"level"`
	Comment  string                     `json:"comment"`
	Criteria map[string]json.RawMessage `json:"criteria"`
	Channel  string                     `json:"channel,omitempty"` // online (default) or counter (tablet)
}

// validate checks the input and returns the normalised criteria.
func (in *RatingInput) validate() (map[string]any, error) {
	var fs []dossier.FieldError
	in.Comment = vntext.NFC(in.Comment)
	if strings.TrimSpace(in.Token) == "" {
		fs = append(fs, dossier.FieldError{Field: "token", Message: "bắt buộc"})
	}
	if !validLevel(in.Level) {
		fs = append(fs, dossier.FieldError{Field: "level", Message: "very_satisfied, satisfied hoặc unsatisfied"})
	}
	if in.Level == store.RatingUnsatisfied && in.Comment == "" {
		fs = append(fs, dossier.FieldError{Field: "comment", Message: "Cần cho biết lý do chưa hài lòng"})
	}
	if len([]rune(in.Comment)) > 2000 {
		fs = append(fs, dossier.FieldError{Field: "comment", Message: "tối đa 2000 ký tự"})
	}
	switch in.Channel {
	case "":
		in.Channel = "online"
	case "online", "counter":
	default:
		fs = append(fs, dossier.FieldError{Field: "channel", Message: "online hoặc counter"})
	}
	known := map[string]bool{}
	for _, c := range RatingCriteria {
		known[c.Key] = true
	}
	crit := map[string]any{}
	keys := make([]string, 0, len(in.Criteria))
	for k := range in.Criteria {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		raw := in.Criteria[k]
		f := "criteria." + k
		if !known[k] {
			fs = append(fs, dossier.FieldError{Field: f, Message: "tiêu chí không tồn tại"})
			continue
		}
		var sv string
		var nv float64
		switch {
		case json.Unmarshal(raw, &sv) == nil:
			if k == "other" && !validLevel(sv) {
				crit[k] = vntext.NFC(sv)
				if len([]rune(sv)) > 500 {
					fs = append(fs, dossier.FieldError{Field: f, Message: "tối đa 500 ký tự"})
				}
				continue
			}
			if !validLevel(sv) {
				fs = append(fs, dossier.FieldError{Field: f, Message: "very_satisfied, satisfied, unsatisfied hoặc điểm 0–2"})
				continue
			}
			crit[k] = sv
		case json.Unmarshal(raw, &nv) == nil:
			if nv != 0 && nv != 1 && nv != 2 {
				fs = append(fs, dossier.FieldError{Field: f, Message: "điểm 0, 1 hoặc 2"})
				continue
			}
			crit[k] = int(nv)
		default:
			fs = append(fs, dossier.FieldError{Field: f, Message: "very_satisfied, satisfied, unsatisfied hoặc điểm 0–2"})
		}
	}
	if len(fs) > 0 {
		return nil, dossier.Invalid("Đánh giá không hợp lệ", fs...)
	}
	return crit, nil
}

// Rate records the applicant's satisfaction rating of a returned dossier,
// found by its receipt lookup token. Bad input: EINVALID; unknown token:
// ENOTFOUND; not yet returned or already rated: ECONFLICT.
func (s *Service) Rate(ctx context.Context, in RatingInput) (*store.Rating, error) {
	crit, err := in.validate()
	if err != nil {
		return nil, err
	}
	token := strings.TrimSpace(in.Token)
	nf := dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy hồ sơ với mã tra cứu này")
	if len(token) < 16 || len(token) > 64 {
		return nil, nf
	}
	d, err := s.db.DossierByLookup(ctx, store.HashToken(token))
	if err != nil {
		return nil, nf
	}
	if d.Status != dossier.StatusReturned {
		return nil, dossier.Errorf(dossier.ECONFLICT, "Hồ sơ chưa được trả kết quả; chỉ đánh giá sau khi nhận kết quả")
	}
	b, err := json.Marshal(crit)
	if err != nil {
		return nil, err
	}
	r := &store.Rating{DossierID: d.ID, DossierCode: d.Code, ProcedureCode: d.ProcedureCode, AgencyCode: d.AgencyCode,
		CenterCode: d.CenterCode, Level: in.Level, Comment: in.Comment, Criteria: crit, ScaleVersion: RatingScaleVersion, Channel: in.Channel}
	err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if err := tx.InsertRating(r, string(b), d.ApplicantUser); err != nil {
			return err
		}
		if err := tx.Audit("public", "rate", "dossier", d.Code, `{"level":"`+in.Level+`"}`); err != nil {
			return err
		}
		return tx.Outbox("rating.created", map[string]any{"code": d.Code, "level": in.Level, "agency": d.AgencyCode,
			"center": d.CenterCode, "at": tx.Now()})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}
