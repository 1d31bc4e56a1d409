package dossier

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"motcua/calendar"
)

// Request is an action asked on a dossier, as a use case received it.
type Request struct {
	Action         Action
	Version        int64 // the version the dossier was read at
	Note           string
	Reason         string
	Recommendation string // "approve" or "refuse" (submit-appraisal)
	Report         string
	DraftResult    string
	Missing        []string   // component codes (request-supplement)
	NewDueAt       *time.Time // apology
	Components     int        // files handed in with the request (supplement)
}

// Facts are what a decision needs besides the dossier and the actor,
// loaded by the use case in its transaction.
type Facts struct {
	Now         time.Time
	Procedure   *Procedure
	Calendar    *calendar.Calendar // the calendar of the dossier's center
	Delegations []Delegation       // delegations given to the actor
	Principals  map[int64]*User    // users who gave those delegations
	Assignee    *User              // the appraiser an assignment names, if any
	// LeaderOnSite: the actor is a leader on the on-site schedule of the
	// dossier's center now (where the step is done: PlaceOf).
	LeaderOnSite bool
	// RuleSet is the rule set in force now (the province's Schedule),
	// which the creation of a dossier and the start of its clock (receive,
	// submit, accept) give it. Nil for the others: they follow the
	// dossier's own set (RuleSetOf).
	RuleSet *RuleSet
}

// ruleSet returns the rule set a decision of rule r on d under f follows.
func (f Facts) ruleSet(d *Dossier, r *Rule) *RuleSet {
	if f.RuleSet != nil && (r.Clock == ClockStart || r.Creates()) {
		return f.RuleSet
	}
	return RuleSetOf(d)
}

// Decision is an allowed action, ready to be applied (Apply) and stored.
type Decision struct {
	Rule  *Rule
	Actor *User
	Role  Role // the role the actor acts in
	From  Status
	To    Status
	// Signing is the leader's capacity for a decision taken with
	// authority (approve, refuse by a leader).
	Signing *Signing
	Reason  string // the reason kept on the dossier
	// Assignee is who appraises after an assignment.
	Assignee *User
	History  HistoryEntry
	// RuleSet is the rule set the decision follows (Facts.ruleSet).
	RuleSet *RuleSet
	// LateSupplement flags a supplement asked during appraisal later than
	// the rule set allows after receipt (3 working days, NĐ 61/2018 Điều
	// 19.4).
	LateSupplement bool
	// StopNotice: the withdrawal is answered with the notice "Thông báo
	// dừng giải quyết hồ sơ" (WithdrawNeedsStopNotice).
	StopNotice bool
	// Paused is the working time the dossier waited for the applicant,
	// set by Apply when the action ends a pause.
	Paused time.Duration
	// PauseStarted and PauseEnded tell the use case to record the start or
	// the end of a pause interval (regulation.md §4.5).
	PauseStarted, PauseEnded bool
}

func conflict(r *Rule, s Status) error {
	if s == StatusNone {
		return Errorf(ECONFLICT, "Không thể %s: hồ sơ chưa được tạo", strings.ToLower(r.Label))
	}
	return Errorf(ECONFLICT, "Không thể %s khi hồ sơ ở trạng thái %q", strings.ToLower(r.Label), s.Label())
}

func need(field, v, msg string) error {
	if strings.TrimSpace(v) == "" {
		return Invalid(msg, FieldError{Field: field, Message: msg})
	}
	return nil
}

// CheckRequest checks what the request of rule r must carry (400 when it
// lacks it); a use case may call it before its transaction. A missing
// reason is taken from the note.
func CheckRequest(r *Rule, req *Request, extra Need) error {
	needs := r.Needs | extra
	if needs&(NeedReason|NeedWhatIsMissing) != 0 && strings.TrimSpace(req.Reason) == "" {
		req.Reason = req.Note
	}
	if r.Action == ActApologize {
		// Mẫu 04 states why the result is late, then the new date.
		if err := need("reason", req.Reason, "Cần ghi lý do chậm trả kết quả"); err != nil {
			return err
		}
	}
	if needs&NeedReason != 0 {
		if err := need("reason", req.Reason, "Cần ghi lý do"); err != nil {
			return err
		}
	}
	if needs&NeedNewDue != 0 && req.NewDueAt == nil {
		return Invalid("Cần ngày hẹn trả mới", FieldError{Field: "new_due_at", Message: "Cần ngày hẹn trả mới (RFC 3339)"})
	}
	if needs&NeedWhatIsMissing != 0 && len(req.Missing) == 0 {
		if err := need("reason", req.Reason, "Cần ghi nội dung yêu cầu bổ sung"); err != nil {
			return err
		}
	}
	if needs&NeedAppraisal != 0 {
		if req.Recommendation != "approve" && req.Recommendation != "refuse" {
			return Invalid("Đề xuất phải là approve hoặc refuse", FieldError{Field: "recommendation", Message: "approve hoặc refuse"})
		}
		if err := need("report", req.Report, "Cần nội dung phiếu trình (báo cáo thẩm định)"); err != nil {
			return err
		}
		if req.Recommendation == "approve" {
			if err := need("draft_result", req.DraftResult, "Cần dự thảo kết quả"); err != nil {
				return err
			}
		}
	}
	if needs&NeedComponents != 0 && req.Components == 0 {
		return Invalid("Cần tệp bổ sung", FieldError{Field: "components", Message: "Cần ít nhất một thành phần bổ sung"})
	}
	return nil
}

// Grants returns the grants of r that u may use on d (role and relation).
func (r *Rule) grantsFor(u *User, d *Dossier) []Grant {
	var out []Grant
	for _, g := range r.Grants {
		if CanActAs(u, g.Role, d) {
			out = append(out, g)
		}
	}
	return out
}

// ActingRoles returns the roles in which u may take action a on d, whatever
// d's status (nil for an unknown action).
func ActingRoles(u *User, a Action, d *Dossier) []Role {
	r, ok := RuleOf(a)
	if !ok {
		return nil
	}
	var out []Role
	for _, g := range r.grantsFor(u, d) {
		out = append(out, g.Role)
	}
	return out
}

// Offered reports whether a dossier page should offer action a to u on d
// now: a role of u may take it from d's status, and what the dossier
// itself must show for it is there (a recommendation to approve before an
// approval; a running clock and no apology yet before an apology). What
// needs the request or the delegations (reason, authority) is checked when
// the action is taken.
func Offered(u *User, a Action, d *Dossier) bool {
	r, ok := RuleOf(a)
	if !ok || r.Creates() || !r.Leaves(d.Status) {
		return false
	}
	for _, g := range r.grantsFor(u, d) {
		if g.Role == RoleCitizen {
			continue // applicants act from their own pages
		}
		if len(g.Only) > 0 && !slices.Contains(g.Only, d.Status) {
			continue
		}
		if g.OnSite && d.Mode == ModeFiveOnSpot && !u.AtCenter(d.CenterCode) {
			continue
		}
		switch a {
		case ActApprove:
			return d.Recommendation == "approve"
		case ActApologize:
			return d.ReceivedAt != nil && d.DueAt != nil && d.ApologyAt == nil
		}
		return true
	}
	return false
}

// OfferedAt is Offered with what the center's calendar cal and the time
// now tell: an apology (Mẫu 04) is offered only while ApologyOpen accepts
// it under d's rule set, so the page never offers one the action would
// refuse as too late or not late (NĐ 61/2018 Điều 19.9, 19.4).
func OfferedAt(u *User, a Action, d *Dossier, cal *calendar.Calendar, now time.Time) bool {
	if !Offered(u, a, d) {
		return false
	}
	if a == ActApologize {
		return ApologyOpen(d, RuleSetOf(d), cal, now) == nil
	}
	return true
}

// Decide decides whether actor u may take the request's action on d now,
// and how. The checks come in the order of contract §2's status codes:
// an unknown action is 404; no role of u may take it on this dossier, 403;
// a stale version, 409; an action the status does not allow ("any other
// pair"), 409; a role that may not act from this status, 403; a request
// that lacks what the action needs, 400; a business rule broken, 422; a
// leader without authority, 403. d is not changed (see Apply).
func Decide(d *Dossier, u *User, req Request, f Facts) (*Decision, error) {
	r, ok := RuleOf(req.Action)
	if !ok {
		return nil, Errorf(ENOTFOUND, "Không có thao tác %q", req.Action)
	}
	gs := r.grantsFor(u, d)
	if len(gs) == 0 {
		return nil, Errorf(EFORBIDDEN, "Ông/bà không có quyền %s đối với hồ sơ này", strings.ToLower(r.Label))
	}
	if !r.Creates() && d.Version != req.Version {
		return nil, Errorf(ECONFLICT, "Hồ sơ đã thay đổi (phiên bản %d, yêu cầu gửi phiên bản %d); vui lòng tải lại", d.Version, req.Version)
	}
	if !r.Leaves(d.Status) {
		return nil, conflict(r, d.Status)
	}
	var g *Grant
	why := ""
	for i := range gs {
		if len(gs[i].Only) > 0 && !slices.Contains(gs[i].Only, d.Status) {
			why = gs[i].OnlyWhy
			continue
		}
		g = &gs[i]
		break
	}
	if g == nil {
		return nil, Errorf(EFORBIDDEN, "%s", why)
	}
	if err := CheckRequest(r, &req, g.Needs); err != nil {
		return nil, err
	}
	if g.OnSite && d.Mode == ModeFiveOnSpot && !u.AtCenter(d.CenterCode) {
		return nil, Errorf(EFORBIDDEN, "Hồ sơ \"5 tại chỗ\" chỉ do công chức làm việc tại trung tâm %s %s (QĐ 299/QĐ-UBND phần III: không luân chuyển về phòng, ban chuyên môn)",
			d.CenterCode, strings.ToLower(r.Label))
	}
	dec := &Decision{Rule: r, Actor: u, Role: g.Role, From: d.Status, To: r.Target(d), Reason: strings.TrimSpace(req.Reason),
		RuleSet: f.ruleSet(d, r)}
	dec.History = HistoryEntry{Action: r.Action, From: d.Status, To: dec.To, Actor: u.Name, At: f.Now, Note: req.Note,
		Place: PlaceOf(u, g.Role, d, f.LeaderOnSite)}
	if g.Authority {
		s, err := Sign(u, f.Procedure, f.Now, f.Delegations, f.Principals)
		if err != nil {
			return nil, err
		}
		dec.Signing = &s
		if s.Delegation != nil {
			dec.History.OnBehalfOf = s.Line()
		}
	}
	if err := decideAction(d, u, req, f, dec); err != nil {
		return nil, err
	}
	if dec.Signing != nil && dec.Signing.Delegation != nil {
		dec.History.Note = strings.TrimSpace(dec.History.Note + " Theo ủy quyền: " + dec.Signing.Delegation.BasisDocument)
	}
	return dec, nil
}

// decideAction holds what one action checks and writes beyond the table.
func decideAction(d *Dossier, u *User, req Request, f Facts, dec *Decision) error {
	switch dec.Rule.Action {
	case ActAssign:
		dec.Assignee = u
		if a := f.Assignee; a != nil {
			if !a.Has(RoleAppraiser) || a.AgencyCode != d.AgencyCode || a.Disabled {
				return Invalid("Người được giao không phải chuyên viên thẩm định của cơ quan", FieldError{Field: "assignee_id", Message: "không hợp lệ"})
			}
			if d.Mode == ModeFiveOnSpot && !a.AtCenter(d.CenterCode) {
				return &Error{Code: EUNPROCESSABLE, Message: fmt.Sprintf("Hồ sơ \"5 tại chỗ\" chỉ giao cho công chức làm việc tại trung tâm %s (QĐ 299/QĐ-UBND phần III)", d.CenterCode),
					Fields: []FieldError{{Field: "assignee_id", Message: a.Name + " không làm việc tại trung tâm"}}}
			}
			dec.Assignee = a
			dec.History.Note = strings.TrimSpace(dec.History.Note + " Giao: " + a.Name)
		}
	case ActApprove:
		if d.Recommendation != "approve" {
			return Errorf(EUNPROCESSABLE, "Phiếu trình đề xuất từ chối; không thể phê duyệt kết quả")
		}
	case ActReturn:
		if NeedsApology(d, f.Now) {
			return Errorf(EUNPROCESSABLE, "Hồ sơ quá hạn: cần lập phiếu xin lỗi và hẹn lại (Mẫu 04) trước khi trả kết quả")
		}
	case ActRequestSupplement:
		reason := dec.Reason
		if len(req.Missing) > 0 {
			names := make([]string, 0, len(req.Missing))
			for _, m := range req.Missing {
				c, ok := f.Procedure.Component(m)
				if !ok {
					return Invalid("Thành phần không thuộc thủ tục", FieldError{Field: "missing", Message: "Thủ tục không có thành phần " + m})
				}
				names = append(names, c.Name)
			}
			reason = strings.TrimSpace(reason + " Cần bổ sung: " + strings.Join(names, "; "))
		}
		dec.Reason = reason
		dec.History.Note = reason
		if d.Status != StatusSubmitted && SupplementRequestLate(d, dec.RuleSet, f.Procedure, f.Calendar, f.Now) {
			dec.LateSupplement = true
			dec.History.Note = strings.TrimSpace(reason + " " + dec.RuleSet.LateSupplementNote())
		}
	case ActApologize:
		if err := CheckApology(d, dec.RuleSet, f.Calendar, f.Now, req.NewDueAt.UTC()); err != nil {
			return err
		}
		loc := f.Calendar.Location()
		dec.History.Note = fmt.Sprintf("%s Hẹn lại: %s (hạn cũ %s)", dec.Reason, req.NewDueAt.In(loc).Format("15:04 02/01/2006"),
			d.DueAt.In(loc).Format("15:04 02/01/2006"))
	case ActWithdraw:
		dec.History.Note = dec.Reason
		if WithdrawNeedsStopNotice(d, d.Status) {
			dec.StopNotice = true
			dec.History.Note = strings.TrimSpace(dec.Reason + " [Thông báo dừng giải quyết hồ sơ — " + dec.RuleSet.StopBasis + "]")
		}
	case ActRequestClarification, ActRefuse:
		dec.History.Note = dec.Reason
	}
	return nil
}

// Apply writes decision dec, taken under facts f, into d: status, clock,
// deadlines, the fields the action sets, and the history row (appended to
// d.History and kept in dec.History). The version is the store's to bump.
// The return of a "5 tại chỗ" dossier records its verdicts, which read
// every step: d.History must then hold the dossier's whole history.
func Apply(d *Dossier, dec *Decision, req Request, f Facts) {
	now, cal, p := f.Now, f.Calendar, f.Procedure
	switch dec.Rule.Action {
	case ActAssign:
		d.AssigneeID = dec.Assignee.ID
	case ActSubmitAppraisal:
		d.Recommendation, d.Report, d.DraftResult = req.Recommendation, req.Report, req.DraftResult
	case ActApprove:
		d.Approval = dec.Signing.Approval(dec.Actor, now)
	case ActRequestClarification, ActRefuse, ActWithdraw, ActRequestSupplement:
		d.Reason = dec.Reason
	}
	if dec.LateSupplement {
		d.LateSupplement = true
	}
	if dec.Rule.Creates() || dec.Rule.Clock == ClockStart {
		// The dossier keeps the rule set in force at its receipt (an
		// online one: at its acceptance).
		d.RuleSet, d.FormSet = dec.RuleSet.ID, dec.RuleSet.FormSet
	}
	switch dec.Rule.Clock {
	case ClockStart:
		StartClock(d, p, cal, now)
	case ClockPause:
		if d.ReceivedAt != nil {
			d.PausedAt = tptr(now)
			d.Supplements++
			dec.PauseStarted = true
		}
	case ClockResume:
		if d.ReceivedAt != nil && d.PausedAt != nil {
			dec.Paused = cal.WorkingDuration(*d.PausedAt, now)
			d.PausedSeconds += int64(dec.Paused / time.Second)
			d.DueAt = tptr(cal.ExtendDue(*d.DueAt, dec.Paused).UTC())
			// Legal view (NĐ 61/2018 Điều 19.4): a dossier found
			// insufficient after receipt restarts its period from zero.
			d.LegalDueAt = d.DueAt
			if dec.RuleSet.SupplementRestarts {
				d.LegalDueAt = tptr(DueFor(p, cal, now))
			}
			d.PausedAt = nil
			dec.PauseEnded = true
		}
	case ClockStop:
		d.FinishedAt, d.PausedAt = tptr(now), nil
		d.Outcome = Judge(d, cal, now)
	case ClockAbandon:
		d.FinishedAt, d.PausedAt = tptr(now), nil
	case ClockReschedule:
		d.DueAt, d.ApologyAt = tptr(req.NewDueAt.UTC()), tptr(now)
	}
	if d.ReceivedAt != nil {
		d.MeasureDueAt = MeasureDue(d, cal)
	}
	d.Status = dec.To
	if dec.Rule.Clock != ClockReschedule {
		// A step's deadline is capped by the date the dossier is measured
		// against, not by an apology's new appointment: the apology moves
		// the applicant's date, not the units' allotments (TT 01/2018
		// Điều 13–15 index 2; Mẫu 05 verdicts).
		limit := d.DueAt
		if d.MeasureDueAt != nil {
			limit = d.MeasureDueAt
		}
		d.StepDueAt = StepDue(p, cal, dec.To, now, limit)
	}
	dec.History.StepDueAt = d.StepDueAt
	d.History = append(d.History, dec.History)
	if d.Status == StatusReturned && d.Mode == ModeFiveOnSpot {
		achieved, sameDay := FiveOnSpotAchieved(d), ReturnedSameDay(d, cal)
		d.FiveOnSpotAchieved, d.ReturnedSameDay = &achieved, &sameDay
	}
}
