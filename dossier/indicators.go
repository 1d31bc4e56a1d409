package dossier

import (
	"math"
	"strings"
	"time"

	"motcua/calendar"
)

// The QĐ 766/QĐ-TTg indicator set (regulation.md Part B §5) and the
// Circular 01/2018/TT-VPCP indices motcua scores beyond the per-dossier
// ones (Art. 13–15; regulation.md Part B §8), as data and rules.

// IndicatorGroup is one of the five groups of QĐ 766, 100 points in all.
type IndicatorGroup struct {
	Group     int     `json:"group"`
	Name      string  `json:"name"`
	MaxPoints float64 `json:"max_points"`
}

// QD766Groups are the five groups and their points [S: P5, K17].
var QD766Groups = []IndicatorGroup{
	{1, "Công khai, minh bạch", 18},
	{2, "Tiến độ, kết quả giải quyết", 20},
	{3, "Cung cấp dịch vụ trực tuyến", 22},
	{4, "Số hóa hồ sơ", 22},
	{5, "Mức độ hài lòng", 18},
}

// Weight sources of an indicator's points.
const (
	WeightSecondary = "secondary" // a public reproduction of the method [S]
	WeightAssumed   = "assumed"   // not published: the group's remaining points shared evenly [U]
)

// IndicatorSpec is one indicator of QD766: its group, points and the
// threshold at which it earns them all (points = rate × max / T below T;
// T = 100 % when the method gives none), and whether motcua's data can
// measure it (Reason when not).
type IndicatorSpec struct {
	Code         string
	Name         string
	Group        int
	MaxPoints    float64 // 0: reported, not scored
	Threshold    float64 // percent; 0 = 100
	WeightSource string
	Measurable   bool
	Reason       string
}

// QD766 is the indicator table of regulation.md Part B §5 (indicator 3.4 is
// missing from the source). Points: 1.1–1.4 = 6/4/2/6, 2.1 = 20, 3.6 =
// 10, 5.2–5.4 = 6 each [S]; 2.2, 3.5 and 5.1 are reported without points
// [S]; group 3's other 12 points (online services) and group 4's 22 are
// shared among their indicators [U: not published]. Revise the table when
// VPCP publishes the method; the report says which weights are assumed.
var QD766 = []IndicatorSpec{
	{"1.1", "TTHC công bố đúng hạn", 1, 6, 0, WeightSecondary, false,
		"Cần ngày của quyết định công bố và ngày hiệu lực của văn bản quy định từng thủ tục; danh mục của hệ thống không lưu hai ngày này"},
	{"1.2", "TTHC cập nhật, công khai đúng hạn", 1, 4, 0, WeightSecondary, false,
		"Thao tác công khai được thực hiện trên Cơ sở dữ liệu quốc gia về TTHC, ngoài hệ thống"},
	{"1.3", "TTHC công khai đầy đủ các bộ phận tạo thành", 1, 2, 0, WeightSecondary, true, ""},
	{"1.4", "Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia", 1, 6, 0, WeightSecondary, false,
		"Hệ thống chưa đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia nên không có số hồ sơ đã đồng bộ"},
	{"2.1", "Hồ sơ xử lý trước hạn, đúng hạn", 2, 20, 0, WeightSecondary, true, ""},
	{"2.2", "Thời gian giải quyết trung bình", 2, 0, 0, WeightSecondary, true, ""},
	{"3.1", "TTHC cung cấp dịch vụ công trực tuyến", 3, 4, 80, WeightAssumed, true, ""},
	{"3.2", "Dịch vụ công trực tuyến có phát sinh hồ sơ", 3, 4, 0, WeightAssumed, true, ""},
	{"3.3", "Hồ sơ nộp trực tuyến", 3, 4, 50, WeightAssumed, true, ""},
	{"3.5", "TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến", 3, 0, 80, WeightSecondary, true, ""},
	{"3.6", "Hồ sơ thanh toán trực tuyến", 3, 10, 0, WeightSecondary, true, ""},
	{"4.1", "Cấp kết quả điện tử", 4, 6, 0, WeightAssumed, true, ""},
	{"4.2", "Số hóa hồ sơ", 4, 6, 80, WeightAssumed, true, ""},
	{"4.3", "Khai thác, sử dụng lại dữ liệu số hóa", 4, 4, 80, WeightAssumed, true, ""},
	{"4.4", "Số hóa có kết nối kho dữ liệu", 4, 2, 0, WeightAssumed, true, ""},
	{"4.5", "Ứng dụng dữ liệu dân cư", 4, 4, 0, WeightAssumed, true, ""},
	{"5.1", "Phản ánh, kiến nghị theo phân loại", 5, 0, 0, WeightSecondary, true, ""},
	{"5.2", "Tiến độ xử lý phản ánh, kiến nghị", 5, 6, 0, WeightSecondary, true, ""},
	{"5.3", "Hài lòng trong xử lý phản ánh, kiến nghị", 5, 6, 0, WeightSecondary, false,
		"Cần ý kiến của người dân về câu trả lời phản ánh, kiến nghị (không hài lòng, phản ánh lặp lại); hệ thống chưa thu thập"},
	{"5.4", "Hài lòng trong tiếp nhận, giải quyết TTHC", 5, 6, 90, WeightSecondary, true, ""},
}

// Points766 scores a rate (percent) under the general rule of QĐ 766: the
// indicator's points at or above its threshold, rate × points / threshold
// below it, rounded to two decimals.
func Points766(rate float64, s IndicatorSpec) float64 {
	t := s.Threshold
	if t <= 0 {
		t = 100
	}
	p := s.MaxPoints
	if rate < t {
		p = math.Max(0, rate) * s.MaxPoints / t
	}
	return math.Round(p*100) / 100
}

// CatalogComplete reports whether procedure p is published with the parts
// motcua's catalog holds of those a procedure must publish (NĐ 63/2010
// Điều 8.2: name, agency, time limit, dossier components, result, fee);
// trình tự, cách thức and đối tượng are not held.
func CatalogComplete(p *Procedure) bool {
	return strings.TrimSpace(p.Name) != "" && p.AgencyCode != "" && (p.ProcessingDays != nil || p.ProcessingHours != nil) &&
		len(p.Components) > 0 && strings.TrimSpace(p.ResultTypeCode) != "" && p.Fee >= 0
}

// Feedback categories (QĐ 766 indicator 5.1): about an administrative
// regulation, about officials' conduct, other.
const (
	FeedbackRegulation = "regulation"
	FeedbackBehaviour  = "behaviour"
	FeedbackOther      = "other"
)

// ValidFeedbackCategory reports whether c is a known category.
func ValidFeedbackCategory(c string) bool {
	return c == FeedbackRegulation || c == FeedbackBehaviour || c == FeedbackOther
}

// FeedbackAnswerDays is the time to answer a feedback (phản ánh, kiến
// nghị): 15 working days (QĐ 766 indicator 5.2; regulation.md §5).
const FeedbackAnswerDays = 15

// FeedbackDue is when a feedback received at at must be answered: the
// close of the 15th working day after it on the center's calendar.
func FeedbackDue(cal *calendar.Calendar, at time.Time) time.Time {
	return cal.DueDays(at, FeedbackAnswerDays, 0)
}

// Feedback timeliness.
const (
	FeedbackOnTime  = "on_time"
	FeedbackLate    = "late"
	FeedbackPending = "pending" // unanswered, not yet due at the end of the period
)

// FeedbackTimeliness judges a feedback received at at, answered at
// answered (nil while unanswered), as of end (the end of the period):
// answered by its due date on time; answered later, or unanswered past
// it, late; otherwise still pending.
func FeedbackTimeliness(cal *calendar.Calendar, at time.Time, answered *time.Time, end time.Time) string {
	due := FeedbackDue(cal, at)
	switch {
	case answered != nil && !answered.After(due):
		return FeedbackOnTime
	case answered != nil:
		return FeedbackLate
	case end.After(due):
		return FeedbackLate
	}
	return FeedbackPending
}

// Index6 scores Circular 01/2018's index 6 (publication of procedures)
// for an agency from motcua's catalog, which publishes every procedure
// both on the public pages and at the center's kiosk: 2 when all of its
// procedures are published complete (CatalogComplete), 0 when one is not
// (not accurate); no procedure, no score (ok false).
func Index6(complete, total int) (score int, ok bool) {
	if total == 0 {
		return 0, false
	}
	if complete == total {
		return 2, true
	}
	return 0, true
}

// Index8 scores Circular 01/2018's index 8 (handling of feedback): 2 when
// every feedback due was answered on time, 1 at 90 % or more, 0 below; an
// agency with no feedback due has nothing late (2).
func Index8(onTime, late int) int {
	n := onTime + late
	switch {
	case late == 0:
		return 2
	case onTime*100 >= 90*n:
		return 1
	}
	return 0
}

// OfficerStepScore scores Circular 01/2018's index 2 (each unit's time
// against its allotment) for one officer on one dossier: the steps the
// officer held on its control slip (the rows they handed over): all early
// 2, any late 0, otherwise 1; fallback when they held no judged step.
func OfficerStepScore(rows []Handover, officer string, fallback int) int {
	score, seen := 2, false
	for _, r := range rows {
		if r.Giver != officer || r.Verdict == "" || r.Action == ActApologize {
			continue
		}
		seen = true
		switch r.Verdict {
		case OutcomeLate:
			return 0
		case OutcomeOnTime:
			score = 1
		}
	}
	if !seen {
		return fallback
	}
	return score
}
