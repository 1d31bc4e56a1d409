package dossier

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"motcua/calendar"
)

// The rule sets: which one-stop decree and which circular's forms a
// dossier is judged and printed by. The legal base changed in 2025
// (regulation.md Part B §0): Decree 118/2025/NĐ-CP replaced Decree 61/2018
// (as amended by Decree 107/2021) from 01/7/2025, and Circular 03/2025/
// TT-VPCP replaced Circular 01/2018's forms (renumbered; a new "Thông báo
// dừng giải quyết hồ sơ"). A dossier keeps the rule set in force on the day
// it was received (RuleSetOf); which set is in force on which day is the
// province's data (Schedule), never a date written in code.

// RuleSetID names a rule set (Dossier.RuleSet).
type RuleSetID string

// Rule sets, oldest first.
const (
	// RuleSetND61 is Decree 61/2018/NĐ-CP as amended by Decree
	// 107/2021/NĐ-CP, with the forms of Circular 01/2018/TT-VPCP.
	RuleSetND61 RuleSetID = "ND61/2018"
	// RuleSetND118TT01 is Decree 118/2025/NĐ-CP while Circular 01/2018's
	// forms are still printed (before Circular 03/2025 applies).
	RuleSetND118TT01 RuleSetID = "ND118/2025+TT01/2018"
	// RuleSetND118 is Decree 118/2025/NĐ-CP with the forms of Circular
	// 03/2025/TT-VPCP.
	RuleSetND118 RuleSetID = "ND118/2025"
)

// RuleSet is everything that differs between the legal bases a dossier
// can be handled under: the forms it prints, the time rules it is judged
// by, the notices it gets, and the articles each action cites.
type RuleSet struct {
	ID       RuleSetID `json:"id"`
	Name     string    `json:"name"`     // Vietnamese, for admins
	Decree   string    `json:"decree"`   // the one-stop decree
	Circular string    `json:"circular"` // the circular whose forms are printed
	FormSet  string    `json:"form_set"` // "TT01/2018" or "TT03/2025" (Dossier.FormSet)

	// SupplementWindowDays: a dossier found insufficient during appraisal
	// is sent back for a supplement within this many working days of its
	// receipt; later requests are flagged (SupplementRequestLate).
	SupplementWindowDays int    `json:"supplement_window_days"`
	SupplementBasis      string `json:"supplement_basis"`
	// SupplementRestarts: after the supplement the period restarts from
	// zero (the legal due date, Dossier.LegalDueAt); the reports still
	// subtract the waiting time (MeasureDue).
	SupplementRestarts bool `json:"supplement_restarts"`
	// ApologyLeadDays: the apology (Mẫu 04) is filed at least this many
	// working days before the due date, or once overdue when lateness was
	// not foreseen; the appointment may be reset once.
	ApologyLeadDays int    `json:"apology_lead_days"`
	ApologyBasis    string `json:"apology_basis"`
	// ApologyTitle is what the apology form is called.
	ApologyTitle string `json:"apology_title"`
	// StopNotice: an applicant's request to stop a dossier that has no
	// decision yet is answered with the notice "Thông báo dừng giải quyết
	// hồ sơ" (WithdrawNeedsStopNotice).
	StopNotice bool   `json:"stop_notice"`
	StopBasis  string `json:"stop_basis,omitempty"`
	// Carried lists the rules the set repeats from the previous one
	// without the new text's article being confirmed (regulation.md §10).
	Carried string `json:"carried,omitempty"`

	// basis is, per action, the article it implements under this set;
	// an action not listed cites its Rule's basis (BasisOf).
	basis map[Action]string
}

// nd118Carried is what the 2025 sets repeat of Decree 61/2018 unconfirmed.
const nd118Carried = "Thời hạn 03 ngày làm việc trả hồ sơ cần bổ sung, tính lại thời hạn sau khi bổ sung, phiếu xin lỗi chậm nhất 01 ngày làm việc trước hạn và chỉ một lần: giữ như NĐ 61/2018 (các văn bản cấp tỉnh năm 2025 nhắc lại); số điều tương ứng của NĐ 118/2025 chưa được xác nhận (regulation.md Phần B §10.1)"

// RuleSets lists the rule sets, oldest first. Adding one is a row here and
// a row of the province's schedule; nothing else branches on the set.
var RuleSets = []RuleSet{
	{
		ID: RuleSetND61, Name: "NĐ 61/2018/NĐ-CP (sửa đổi bởi NĐ 107/2021/NĐ-CP), biểu mẫu TT 01/2018/TT-VPCP",
		Decree: "61/2018/NĐ-CP", Circular: "01/2018/TT-VPCP", FormSet: FormSetTT01,
		SupplementWindowDays: 3, SupplementBasis: "NĐ 61/2018 Điều 19.4", SupplementRestarts: true,
		ApologyLeadDays: 1, ApologyBasis: "NĐ 61/2018 Điều 19.9 (sửa đổi bởi NĐ 107/2021); TT 01/2018 Mẫu 04",
		ApologyTitle: "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
	},
	{
		ID: RuleSetND118TT01, Name: "NĐ 118/2025/NĐ-CP, biểu mẫu TT 01/2018/TT-VPCP (trước khi áp dụng TT 03/2025/TT-VPCP)",
		Decree: "118/2025/NĐ-CP", Circular: "01/2018/TT-VPCP", FormSet: FormSetTT01,
		SupplementWindowDays: 3, SupplementBasis: "NĐ 118/2025 (quy định tương ứng NĐ 61/2018 Điều 19.4)", SupplementRestarts: true,
		ApologyLeadDays: 1, ApologyBasis: "NĐ 118/2025 (quy định tương ứng NĐ 61/2018 Điều 19.9); TT 01/2018 Mẫu 04",
		ApologyTitle: "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
		StopNotice:   false, Carried: nd118Carried,
		basis: nd118Basis(false),
	},
	{
		ID: RuleSetND118, Name: "NĐ 118/2025/NĐ-CP, biểu mẫu TT 03/2025/TT-VPCP",
		Decree: "118/2025/NĐ-CP", Circular: "03/2025/TT-VPCP", FormSet: FormSetTT03,
		SupplementWindowDays: 3, SupplementBasis: "NĐ 118/2025 (quy định tương ứng NĐ 61/2018 Điều 19.4); TT 03/2025 Mẫu 02", SupplementRestarts: true,
		ApologyLeadDays: 1, ApologyBasis: "NĐ 118/2025 (quy định tương ứng NĐ 61/2018 Điều 19.9); TT 03/2025 Mẫu 04",
		ApologyTitle: "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết",
		StopNotice:   true, StopBasis: "NĐ 118/2025 Điều 21; TT 03/2025 Điều 7, Mẫu 05", Carried: nd118Carried,
		basis: nd118Basis(true),
	},
}

// nd118Basis is the articles of Decree 118/2025 that sources confirm
// (regulation.md Part B §0, §1, §3): reception with the digitised copy
// (Điều 17.1c; Circular 03/2025 Điều 5), the stop of a procedure on the
// applicant's request (Điều 21; Circular 03/2025 Điều 7). Other actions
// cite the Decree 61/2018 rule the new decree repeats (BasisOf).
func nd118Basis(tt03 bool) map[Action]string {
	receipt, stop := "TT 01/2018 Mẫu 01", ""
	if tt03 {
		receipt, stop = "TT 03/2025 Điều 5, Mẫu 01", "; TT 03/2025 Điều 7, Mẫu 05"
	}
	return map[Action]string{
		ActReceive:  "NĐ 118/2025 Điều 17.1c; " + receipt + "; QĐ 299/QĐ-UBND phần III bước 1",
		ActWithdraw: "NĐ 118/2025 Điều 21" + stop + "; hợp đồng §4",
	}
}

// RuleSetByID returns the rule set id names.
func RuleSetByID(id RuleSetID) (*RuleSet, bool) {
	for i := range RuleSets {
		if RuleSets[i].ID == id {
			return &RuleSets[i], true
		}
	}
	return nil, false
}

// RuleSetOf returns the rule set d is judged and printed by: the one
// recorded at its receipt; for a dossier recorded before rule sets (only a
// form set) the set of that form set's era; otherwise the oldest set, whose
// articles the table Rules cites.
func RuleSetOf(d *Dossier) *RuleSet {
	if rs, ok := RuleSetByID(d.RuleSet); ok {
		return rs
	}
	if d.FormSet == FormSetTT03 {
		rs, _ := RuleSetByID(RuleSetND118)
		return rs
	}
	return &RuleSets[0]
}

// BasisOf returns the article action a implements under rs.
func (rs *RuleSet) BasisOf(a Action) string {
	if b, ok := rs.basis[a]; ok {
		return b
	}
	r, ok := RuleOf(a)
	if !ok {
		return ""
	}
	if rs.ID == RuleSetND61 {
		return r.Basis
	}
	return r.Basis + " (quy định tương ứng của NĐ " + strings.TrimSuffix(rs.Decree, "/NĐ-CP") + ")"
}

// LateSupplementNote marks in the history a supplement requested later than
// rs allows (SupplementRequestLate).
func (rs *RuleSet) LateSupplementNote() string {
	return fmt.Sprintf("[Yêu cầu bổ sung quá %02d ngày làm việc kể từ ngày tiếp nhận — %s]", rs.SupplementWindowDays, rs.SupplementBasis)
}

// WithdrawNeedsStopNotice reports whether withdrawing d from status from
// is answered with the stop notice "Thông báo dừng giải quyết hồ sơ": its
// rule set has it and no result has been issued yet (TT 03/2025 Điều 7:
// "trường hợp chưa có quyết định giải quyết"; NĐ 118/2025 Điều 21.2). A
// result approved but not yet numbered and sealed is not issued.
func WithdrawNeedsStopNotice(d *Dossier, from Status) bool {
	return RuleSetOf(d).StopNotice && from != StatusIssued && d.Result == nil
}

// RuleSetPeriod says that dossiers received from day From (a day of the
// province, YYYY-MM-DD) on are judged and printed by RuleSet, until the
// next period. Basis is the decision or text that set it; Confirmed is
// false for a date entered as a default that the province has not checked.
type RuleSetPeriod struct {
	From      string    `json:"from"`
	RuleSet   RuleSetID `json:"rule_set"`
	Basis     string    `json:"basis"`
	Confirmed bool      `json:"confirmed"`
}

// Schedule is a province's rule-set periods (data, kept by its admins).
type Schedule []RuleSetPeriod

// Validate checks a schedule: at least one period, each a real day and a
// known rule set, no day twice, and rule sets in legal order (a period may
// not go back to an older set than the one before it).
func (s Schedule) Validate() error {
	if len(s) == 0 {
		return Invalid("Cần ít nhất một giai đoạn áp dụng", FieldError{Field: "periods", Message: "Danh sách trống"})
	}
	var fs []FieldError
	sorted := slices.Clone(s)
	slices.SortFunc(sorted, func(a, b RuleSetPeriod) int { return strings.Compare(a.From, b.From) })
	order := func(id RuleSetID) int {
		return slices.IndexFunc(RuleSets, func(r RuleSet) bool { return r.ID == id })
	}
	seen := map[string]bool{}
	for i, p := range s {
		f := fmt.Sprintf("periods[%d]", i)
		if d, err := calendar.ParseDate(p.From); err != nil || d.String() != p.From {
			fs = append(fs, FieldError{Field: f + ".from", Message: "Ngày phải có dạng YYYY-MM-DD"})
		}
		if order(p.RuleSet) < 0 {
			fs = append(fs, FieldError{Field: f + ".rule_set", Message: "Không có bộ quy định " + string(p.RuleSet)})
		}
		if seen[p.From] {
			fs = append(fs, FieldError{Field: f + ".from", Message: "Ngày bắt đầu bị lặp: " + p.From})
		}
		seen[p.From] = true
		if len([]rune(p.Basis)) > 500 {
			fs = append(fs, FieldError{Field: f + ".basis", Message: "Căn cứ quá dài"})
		}
	}
	if len(fs) == 0 {
		for i := 1; i < len(sorted); i++ {
			if order(sorted[i].RuleSet) < order(sorted[i-1].RuleSet) {
				fs = append(fs, FieldError{Field: "periods", Message: fmt.Sprintf("Từ %s không thể quay lại bộ quy định cũ hơn (%s sau %s)",
					sorted[i].From, sorted[i].RuleSet, sorted[i-1].RuleSet)})
			}
		}
	}
	if len(fs) > 0 {
		return Invalid("Lịch áp dụng bộ quy định không hợp lệ", fs...)
	}
	return nil
}

// On returns the rule set in force on day (YYYY-MM-DD): the period that
// starts last on or before it. Days before the first period take the first
// period's set (the oldest configured covers the history before it); an
// empty schedule gives the newest set.
func (s Schedule) On(day string) *RuleSet {
	var best *RuleSetPeriod
	var first *RuleSetPeriod
	for i := range s {
		p := &s[i]
		if first == nil || p.From < first.From {
			first = p
		}
		if p.From <= day && (best == nil || p.From > best.From) {
			best = p
		}
	}
	if best == nil {
		best = first
	}
	if best != nil {
		if rs, ok := RuleSetByID(best.RuleSet); ok {
			return rs
		}
	}
	return &RuleSets[len(RuleSets)-1]
}

// At returns the rule set in force at instant t, a day of the province's
// time zone loc.
func (s Schedule) At(t time.Time, loc *time.Location) *RuleSet {
	return s.On(calendar.DateOf(t.In(loc)).String())
}
