package dossier

import "slices"

// Action is a dossier transition (contract §4).
type Action string

// Actions.
const (
	ActReceive              Action = "receive" // creation at the counter
	ActSubmit               Action = "submit"  // creation online
	ActAccept               Action = "accept"
	ActAssign               Action = "assign"
	ActSubmitAppraisal      Action = "submit-appraisal"
	ActRequestClarification Action = "request-clarification"
	ActApprove              Action = "approve"
	ActIssue                Action = "issue"
	ActReturn               Action = "return"
	ActRequestSupplement    Action = "request-supplement"
	ActSupplement           Action = "supplement"
	ActRefuse               Action = "refuse"
	ActWithdraw             Action = "withdraw"
	ActApologize            Action = "apologize" // no status change
)

// Label returns the Vietnamese label of a (from Rules).
func (a Action) Label() string {
	if r, ok := RuleOf(a); ok {
		return r.Label
	}
	return string(a)
}

// StatusNone is the status of a dossier not yet created: the creation
// actions (receive, submit) start from it.
const StatusNone Status = ""

// ClockEffect is what an action does to a dossier's clock.
type ClockEffect uint8

// Clock effects.
const (
	ClockKeep       ClockEffect = iota // nothing changes
	ClockStart                         // the period starts (reception, acceptance of an online dossier)
	ClockPause                         // waiting for the applicant (supplement requested)
	ClockResume                        // the applicant supplemented
	ClockStop                          // resolved (returned, refused): the outcome is judged
	ClockAbandon                       // withdrawn: closed, not judged
	ClockReschedule                    // apology: a new appointment for the applicant
)

// Need is what an action's request must carry.
type Need uint8

// Needs.
const (
	NeedReason        Need = 1 << iota // a reason (the note stands in for it)
	NeedAppraisal                      // recommendation approve|refuse, a report, a draft result when approving
	NeedWhatIsMissing                  // the missing components, or a reason
	NeedNewDue                         // a new appointment (apology)
	NeedComponents                     // files handed in (an applicant supplementing online)
)

// Grant lets one role take an action. The role also needs its relation to
// the dossier (CanActAs): reception at the dossier's center, officers of the
// procedure's agency, the applicant for their own dossier.
type Grant struct {
	Role Role
	// Only, when set, narrows the statuses this role may act from; the
	// other statuses of the rule are refused with OnlyWhy (403).
	Only    []Status
	OnlyWhy string
	// Authority: the actor must hold authority over the procedure, own
	// or delegated and in force at that moment (Authority).
	Authority bool
	// OnSite: for a "5 tại chỗ" dossier the actor must be stationed at
	// the dossier's center (QĐ 299 part III).
	OnSite bool
	// Needs adds to the rule's needs for this role.
	Needs Need
}

// Rule is one action of the state machine: the statuses it leaves from,
// where it leads, who may take it and what it needs. The table Rules is the
// whole machine (contract §4); any pair (status, action) not in it is a
// conflict (409).
type Rule struct {
	Action Action
	Label  string // Vietnamese label
	From   []Status
	// To is the status the action leads to; StatusNone keeps the status.
	To Status
	// ToUnreceived, when set, is where the action leads instead when the
	// dossier's clock has not started (an online dossier not yet accepted).
	ToUnreceived Status
	Grants       []Grant
	Needs        Need
	Clock        ClockEffect
	Basis        string // the article it implements
}

var open = []Status{StatusSubmitted, StatusReceived, StatusAppraising, StatusAwaitingApproval,
	StatusApproved, StatusIssued, StatusSupplementRequested}

// Rules is the state machine of contract §4 as data, in workflow order.
// Basis cites the articles of the oldest rule set (Decree 61/2018); a later
// set cites its own where they are known (RuleSet.BasisOf).
var Rules = []Rule{
	{Action: ActReceive, Label: "Tiếp nhận hồ sơ", From: []Status{StatusNone}, To: StatusReceived,
		Grants: []Grant{{Role: RoleReception}}, Clock: ClockStart,
		Basis: "NĐ 61/2018 Điều 18; QĐ 299/QĐ-UBND phần III bước 1"},
	{Action: ActSubmit, Label: "Nộp hồ sơ trực tuyến", From: []Status{StatusNone}, To: StatusSubmitted,
		Grants: []Grant{{Role: RoleCitizen}},
		Basis:  "NĐ 45/2020; NĐ 61/2018 Điều 17.2"},
	{Action: ActAccept, Label: "Tiếp nhận hồ sơ trực tuyến", From: []Status{StatusSubmitted}, To: StatusReceived,
		Grants: []Grant{{Role: RoleReception}}, Clock: ClockStart,
		Basis: "NĐ 61/2018 Điều 17.2; hợp đồng §4"},
	{Action: ActAssign, Label: "Chuyển thẩm định", From: []Status{StatusReceived}, To: StatusAppraising,
		Grants: []Grant{{Role: RoleReception}, {Role: RoleAppraiser, OnSite: true}},
		Basis:  "NĐ 61/2018 Điều 18.2; QĐ 299/QĐ-UBND phần III bước 2"},
	{Action: ActSubmitAppraisal, Label: "Trình phê duyệt", From: []Status{StatusAppraising}, To: StatusAwaitingApproval,
		Grants: []Grant{{Role: RoleAppraiser, OnSite: true}}, Needs: NeedAppraisal,
		Basis: "QĐ 299/QĐ-UBND phần III bước 2"},
	{Action: ActApprove, Label: "Phê duyệt, ký số", From: []Status{StatusAwaitingApproval}, To: StatusApproved,
		Grants: []Grant{{Role: RoleApprover, Authority: true}},
		Basis:  "QĐ 299/QĐ-UBND phần III bước 3; NĐ 30/2020 Phụ lục I (KT., TL., TUQ.)"},
	{Action: ActRequestClarification, Label: "Yêu cầu giải trình", From: []Status{StatusAwaitingApproval}, To: StatusAppraising,
		Grants: []Grant{{Role: RoleApprover}}, Needs: NeedReason,
		Basis: "QĐ 299/QĐ-UBND phần III bước 3"},
	{Action: ActIssue, Label: "Lấy số, đóng dấu", From: []Status{StatusApproved}, To: StatusIssued,
		Grants: []Grant{{Role: RoleClerk}},
		Basis:  "NĐ 30/2020 Điều 15; QĐ 299/QĐ-UBND phần III bước 4"},
	{Action: ActApologize, Label: "Xin lỗi, hẹn lại ngày trả",
		From:   []Status{StatusReceived, StatusAppraising, StatusAwaitingApproval, StatusApproved, StatusIssued, StatusSupplementRequested},
		Grants: []Grant{{Role: RoleReception}, {Role: RoleAppraiser}, {Role: RoleApprover}}, Needs: NeedReason | NeedNewDue,
		Clock: ClockReschedule, Basis: "NĐ 61/2018 Điều 19.9 (sửa đổi bởi NĐ 107/2021); TT 01/2018 Mẫu 04"},
	{Action: ActReturn, Label: "Trả kết quả", From: []Status{StatusIssued}, To: StatusReturned,
		Grants: []Grant{{Role: RoleReception}}, Clock: ClockStop,
		Basis: "NĐ 61/2018 Điều 20; QĐ 299/QĐ-UBND phần III bước 5"},
	{Action: ActRequestSupplement, Label: "Yêu cầu bổ sung hồ sơ",
		From: []Status{StatusSubmitted, StatusReceived, StatusAppraising}, To: StatusSupplementRequested,
		Grants: []Grant{{Role: RoleAppraiser, OnSite: true}, {Role: RoleReception, Only: []Status{StatusSubmitted, StatusReceived},
			OnlyWhy: "Bộ phận tiếp nhận chỉ yêu cầu bổ sung trước khi chuyển thẩm định"}},
		Needs: NeedWhatIsMissing, Clock: ClockPause,
		Basis: "NĐ 61/2018 Điều 15.3, 17.1a, 17.2a, 19.4; TT 01/2018 Mẫu 02"},
	{Action: ActSupplement, Label: "Bổ sung hồ sơ", From: []Status{StatusSupplementRequested}, To: StatusAppraising,
		ToUnreceived: StatusSubmitted,
		Grants:       []Grant{{Role: RoleReception}, {Role: RoleCitizen, Needs: NeedComponents}}, Clock: ClockResume,
		Basis: "NĐ 61/2018 Điều 19.4; hợp đồng §4 (hồ sơ trực tuyến luôn qua bước tiếp nhận)"},
	{Action: ActRefuse, Label: "Từ chối giải quyết",
		From: []Status{StatusSubmitted, StatusReceived, StatusAppraising, StatusAwaitingApproval}, To: StatusRefused,
		Grants: []Grant{{Role: RoleApprover, Authority: true}, {Role: RoleReception, Only: []Status{StatusSubmitted},
			OnlyWhy: "Bộ phận tiếp nhận chỉ từ chối hồ sơ trực tuyến chưa tiếp nhận (Mẫu 03)"}},
		Needs: NeedReason, Clock: ClockStop,
		Basis: "NĐ 61/2018 Điều 19.8; TT 01/2018 Mẫu 03"},
	{Action: ActWithdraw, Label: "Rút hồ sơ", From: open, To: StatusWithdrawn,
		Grants: []Grant{{Role: RoleReception}}, Needs: NeedReason, Clock: ClockAbandon,
		Basis: "Hợp đồng §4 (rút hồ sơ theo yêu cầu của người nộp; từ NĐ 118/2025: RuleSet.BasisOf)"},
}

var rulesByAction = func() map[Action]*Rule {
	m := make(map[Action]*Rule, len(Rules))
	for i := range Rules {
		m[Rules[i].Action] = &Rules[i]
	}
	return m
}()

// RuleOf returns the rule of action a.
func RuleOf(a Action) (*Rule, bool) {
	r, ok := rulesByAction[a]
	return r, ok
}

// Creates reports whether the rule creates a dossier (receive, submit).
func (r *Rule) Creates() bool { return slices.Contains(r.From, StatusNone) }

// Leaves reports whether the rule may be taken from status s.
func (r *Rule) Leaves(s Status) bool { return slices.Contains(r.From, s) }

// Target returns where the rule leads from d.
func (r *Rule) Target(d *Dossier) Status {
	switch {
	case r.To == StatusNone:
		return d.Status
	case r.ToUnreceived != StatusNone && d.ReceivedAt == nil:
		return r.ToUnreceived
	}
	return r.To
}

// Roles lists the roles the rule grants, in order.
func (r *Rule) Roles() []Role {
	out := make([]Role, len(r.Grants))
	for i, g := range r.Grants {
		out[i] = g.Role
	}
	return out
}

// DossierActions lists the actions taken on an existing dossier, in
// workflow order (the buttons of a dossier page).
func DossierActions() []Action {
	var out []Action
	for _, r := range Rules {
		if !r.Creates() {
			out = append(out, r.Action)
		}
	}
	return out
}

// Next returns the status that action a leads to from s, or ECONFLICT
// (ENOTFOUND for an unknown action). For the supplement of a dossier whose
// clock has not started use Rule.Target.
func Next(s Status, a Action) (Status, error) {
	r, ok := RuleOf(a)
	if !ok {
		return "", Errorf(ENOTFOUND, "Không có thao tác %q", a)
	}
	if !r.Leaves(s) {
		return "", conflict(r, s)
	}
	if r.To == StatusNone {
		return s, nil
	}
	return r.To, nil
}
