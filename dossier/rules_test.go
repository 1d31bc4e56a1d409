package dossier

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// contract is contract §4's table, transcribed by hand (not read from
// Rules): for each action, the statuses it leaves from, where it leads
// (StatusNone: the status stays), and for each role the statuses it may act
// from (nil: all of them). Any other (status, action) pair is a 409; a role
// not listed is a 403, and so is a listed role outside its statuses.
var contract = map[Action]struct {
	basis string
	from  []Status
	to    Status
	roles map[Role][]Status
}{
	ActReceive: {"NĐ 61/2018 Điều 18: reception receives a complete dossier", []Status{StatusNone}, StatusReceived,
		map[Role][]Status{RoleReception: nil}},
	ActSubmit: {"NĐ 45/2020, NĐ 61/2018 Điều 17.2: a citizen submits online", []Status{StatusNone}, StatusSubmitted,
		map[Role][]Status{RoleCitizen: nil}},
	ActAccept: {"contract §4 accept; NĐ 61/2018 Điều 17.2", []Status{StatusSubmitted}, StatusReceived,
		map[Role][]Status{RoleReception: nil}},
	ActAssign: {"contract §4 assign; QĐ 299 phần III bước 2", []Status{StatusReceived}, StatusAppraising,
		map[Role][]Status{RoleReception: nil, RoleAppraiser: nil}},
	ActSubmitAppraisal: {"contract §4 submit-appraisal; QĐ 299 phần III bước 2", []Status{StatusAppraising}, StatusAwaitingApproval,
		map[Role][]Status{RoleAppraiser: nil}},
	ActRequestClarification: {"contract §4 request-clarification; QĐ 299 phần III bước 3", []Status{StatusAwaitingApproval}, StatusAppraising,
		map[Role][]Status{RoleApprover: nil}},
	ActApprove: {"contract §4 approve; QĐ 299 phần III bước 3", []Status{StatusAwaitingApproval}, StatusApproved,
		map[Role][]Status{RoleApprover: nil}},
	ActIssue: {"contract §4 issue; NĐ 30/2020 Điều 15", []Status{StatusApproved}, StatusIssued,
		map[Role][]Status{RoleClerk: nil}},
	ActReturn: {"contract §4 return; NĐ 61/2018 Điều 20", []Status{StatusIssued}, StatusReturned,
		map[Role][]Status{RoleReception: nil}},
	ActRequestSupplement: {"contract §4 request-supplement; NĐ 61/2018 Điều 15.3, 19.4",
		[]Status{StatusSubmitted, StatusReceived, StatusAppraising}, StatusSupplementRequested,
		map[Role][]Status{RoleAppraiser: nil, RoleReception: {StatusSubmitted, StatusReceived}}},
	ActSupplement: {"contract §4 supplement; NĐ 61/2018 Điều 19.4", []Status{StatusSupplementRequested}, StatusAppraising,
		map[Role][]Status{RoleReception: nil, RoleCitizen: nil}},
	ActRefuse: {"contract §4 refuse; NĐ 61/2018 Điều 19.8 (Mẫu 03)",
		[]Status{StatusSubmitted, StatusReceived, StatusAppraising, StatusAwaitingApproval}, StatusRefused,
		map[Role][]Status{RoleApprover: nil, RoleReception: {StatusSubmitted}}},
	ActWithdraw: {"contract §4 withdraw: any non-terminal status",
		[]Status{StatusSubmitted, StatusReceived, StatusAppraising, StatusAwaitingApproval, StatusApproved, StatusIssued, StatusSupplementRequested},
		StatusWithdrawn, map[Role][]Status{RoleReception: nil}},
	ActApologize: {"contract §4 apologize; NĐ 61/2018 Điều 19.9 (Mẫu 04): the status stays",
		[]Status{StatusReceived, StatusAppraising, StatusAwaitingApproval, StatusApproved, StatusIssued, StatusSupplementRequested}, StatusNone,
		map[Role][]Status{RoleReception: nil, RoleAppraiser: nil, RoleApprover: nil}},
}

// TestEveryStatusActionRole decides every action in every status for every
// role (contract §4: "any other pair is a 409").
func TestEveryStatusActionRole(t *testing.T) {
	if len(Rules) != len(contract) {
		t.Fatalf("the table has %d actions; contract §4 has %d", len(Rules), len(contract))
	}
	now := at(2026, 11, 27, 10, 0) // Friday, before the due date
	statuses := append([]Status{StatusNone}, Statuses...)
	n := 0
	for a, c := range contract {
		for _, s := range statuses {
			for _, role := range Roles {
				n++
				d := dossierIn(s)
				dec, err := Decide(d, cast[role], full(a, d.Version), facts(now))
				allowed, granted := c.roles[role]
				var want string
				switch {
				case !granted:
					want = EFORBIDDEN
				case !slices.Contains(c.from, s):
					want = ECONFLICT
				case allowed != nil && !slices.Contains(allowed, s):
					want = EFORBIDDEN
				}
				if got := ErrorCode(err); got != want {
					t.Errorf("%s by %s from %q (%s): error %q (%v); want %q", a, role, s, c.basis, got, err, want)
					continue
				}
				if want != "" {
					continue
				}
				to := c.to
				if to == StatusNone {
					to = s
				}
				if dec.To != to || dec.From != s || dec.Role != role {
					t.Errorf("%s by %s from %q (%s): %s → %s as %s; want → %s", a, role, s, c.basis, dec.From, dec.To, dec.Role, to)
				}
				Apply(d, dec, full(a, d.Version), facts(now))
				h := d.History[len(d.History)-1]
				if d.Status != to || h.From != s || h.To != to || h.Action != a || !h.At.Equal(now) {
					t.Errorf("%s by %s from %q: applied status %s, history %+v", a, role, s, d.Status, h)
				}
			}
		}
	}
	if want := len(contract) * (len(Statuses) + 1) * len(Roles); n != want {
		t.Errorf("checked %d cases; want %d", n, want)
	}
}

// TestUnknownAction: an action the table does not know is 404, whatever
// the dossier (contract §2).
func TestUnknownAction(t *testing.T) {
	_, err := Decide(dossierIn(StatusReceived), cast[RoleReception], Request{Action: "fly", Version: 3}, facts(received))
	if ErrorCode(err) != ENOTFOUND {
		t.Errorf("fly = %v; want not found", err)
	}
	if _, err := Next(StatusReceived, "fly"); ErrorCode(err) != ENOTFOUND {
		t.Errorf("Next fly = %v", err)
	}
	if Action("fly").Label() != "fly" {
		t.Errorf("label of an unknown action")
	}
}

// TestNext mirrors the table for callers that only need the next status.
func TestNext(t *testing.T) {
	for _, c := range []struct {
		s    Status
		a    Action
		want Status
		code string
	}{
		{StatusNone, ActReceive, StatusReceived, ""},
		{StatusAwaitingApproval, ActApprove, StatusApproved, ""},
		{StatusIssued, ActApologize, StatusIssued, ""},
		{StatusReceived, ActApprove, "", ECONFLICT},
		{StatusReturned, ActWithdraw, "", ECONFLICT},
		{StatusNone, ActAccept, "", ECONFLICT},
	} {
		got, err := Next(c.s, c.a)
		if got != c.want || ErrorCode(err) != c.code {
			t.Errorf("Next(%q, %s) = %q, %v; want %q, %q", c.s, c.a, got, err, c.want, c.code)
		}
	}
	_, err := Decide(dossierIn(StatusNone), cast[RoleReception], full(ActAccept, 3), facts(received))
	if ErrorCode(err) != ECONFLICT || !strings.Contains(ErrorMessage(err), "chưa được tạo") {
		t.Errorf("accept on no dossier = %v", err)
	}
}

// TestStaleVersion: a request read at another version is 409 (contract §2),
// after the role check and before the status check.
func TestStaleVersion(t *testing.T) {
	d := dossierIn(StatusReceived)
	if _, err := Decide(d, cast[RoleAppraiser], full(ActAssign, d.Version+1), facts(received)); ErrorCode(err) != ECONFLICT {
		t.Errorf("stale = %v; want 409", err)
	}
	if _, err := Decide(d, cast[RoleClerk], full(ActAssign, d.Version+1), facts(received)); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("stale by a clerk = %v; want 403 first", err)
	}
}

// TestNeeds: what each action's request must carry (contract §4: reason
// required for refuse and request-clarification; submit-appraisal carries
// {recommendation, report, draft_result}; the apology a new date) is 400.
func TestNeeds(t *testing.T) {
	now := at(2026, 11, 27, 10, 0)
	for _, c := range []struct {
		name  string
		s     Status
		role  Role
		a     Action
		strip func(*Request)
		field string
	}{
		{"refuse without reason", StatusAppraising, RoleApprover, ActRefuse, func(r *Request) { r.Reason, r.Note = "", "" }, "reason"},
		{"refuse: the note stands for the reason", StatusAppraising, RoleApprover, ActRefuse, func(r *Request) { r.Reason = "" }, ""},
		{"clarification without reason", StatusAwaitingApproval, RoleApprover, ActRequestClarification, func(r *Request) { r.Reason, r.Note = "", "" }, "reason"},
		{"withdraw without reason", StatusIssued, RoleReception, ActWithdraw, func(r *Request) { r.Reason, r.Note = "  ", "" }, "reason"},
		{"appraisal without recommendation", StatusAppraising, RoleAppraiser, ActSubmitAppraisal, func(r *Request) { r.Recommendation = "maybe" }, "recommendation"},
		{"appraisal without report", StatusAppraising, RoleAppraiser, ActSubmitAppraisal, func(r *Request) { r.Report = "" }, "report"},
		{"approving appraisal without draft", StatusAppraising, RoleAppraiser, ActSubmitAppraisal, func(r *Request) { r.DraftResult = "" }, "draft_result"},
		{"refusing appraisal needs no draft", StatusAppraising, RoleAppraiser, ActSubmitAppraisal, func(r *Request) { r.DraftResult, r.Recommendation = "", "refuse" }, ""},
		{"supplement request without content", StatusAppraising, RoleAppraiser, ActRequestSupplement, func(r *Request) { r.Reason, r.Note = "", "" }, "reason"},
		{"supplement request with a checklist only", StatusAppraising, RoleAppraiser, ActRequestSupplement, func(r *Request) { r.Reason, r.Note, r.Missing = "", "", []string{"GTPL"} }, ""},
		{"apology without date", StatusAppraising, RoleReception, ActApologize, func(r *Request) { r.NewDueAt = nil }, "new_due_at"},
		{"apology without reason", StatusAppraising, RoleReception, ActApologize, func(r *Request) { r.Reason, r.Note = "", "" }, "reason"},
		{"citizen supplements without files", StatusSupplementRequested, RoleCitizen, ActSupplement, func(r *Request) { r.Components = 0 }, "components"},
		{"reception supplements without files", StatusSupplementRequested, RoleReception, ActSupplement, func(r *Request) { r.Components = 0 }, ""},
	} {
		d := dossierIn(c.s)
		req := full(c.a, d.Version)
		c.strip(&req)
		_, err := Decide(d, cast[c.role], req, facts(now))
		fs := ErrorFields(err)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v; want allowed", c.name, err)
		case c.field != "" && (ErrorCode(err) != EINVALID || len(fs) != 1 || fs[0].Field != c.field):
			t.Errorf("%s: %v %+v; want 400 on %s", c.name, err, fs, c.field)
		}
	}
}

// TestRefuseIsALeadersDecision (issue 15 item 2; NĐ 61/2018 Điều 19.8,
// QĐ 299 phần III bước 3): a refusal after appraisal is checked exactly
// like an approval — own authority or a delegation in force — and reception
// may refuse only an online dossier it has not accepted.
func TestRefuseIsALeadersDecision(t *testing.T) {
	now := at(2026, 11, 27, 10, 0)
	deputy := &User{ID: 8, Name: "Vũ Văn Phó", Roles: []Role{RoleApprover}, AgencyCode: agency, Position: "Phó Giám đốc"}
	del := Delegation{ID: 9, AgencyCode: agency, FromPosition: "Giám đốc", ToUserID: 8, ValidFrom: at(2026, 1, 1, 0, 0),
		ValidTo: at(2027, 1, 1, 0, 0), BasisDocument: "QĐ 15/QĐ-SKHĐT", Capacity: CapacityKT}
	for _, c := range []struct {
		name string
		s    Status
		who  *User
		dels []Delegation
		code string
		line string
	}{
		{"director refuses after appraisal", StatusAwaitingApproval, cast[RoleApprover], nil, "", ""},
		{"deputy without delegation", StatusAwaitingApproval, deputy, nil, EFORBIDDEN, ""},
		{"deputy without delegation, during appraisal", StatusAppraising, deputy, nil, EFORBIDDEN, ""},
		{"deputy with a delegation in force", StatusAwaitingApproval, deputy, []Delegation{del}, "", "KT. Giám đốc"},
		{"reception refuses a received dossier", StatusReceived, cast[RoleReception], nil, EFORBIDDEN, ""},
		{"reception refuses an online dossier at its check", StatusSubmitted, cast[RoleReception], nil, "", ""},
	} {
		d := dossierIn(c.s)
		f := facts(now)
		f.Delegations = c.dels
		dec, err := Decide(d, c.who, full(ActRefuse, d.Version), f)
		if ErrorCode(err) != c.code {
			t.Errorf("%s: %v; want %q", c.name, err, c.code)
			continue
		}
		if err == nil && dec.History.OnBehalfOf != c.line {
			t.Errorf("%s: on behalf of %q; want %q", c.name, dec.History.OnBehalfOf, c.line)
		}
	}
	// Approval is checked the same way.
	d := dossierIn(StatusAwaitingApproval)
	if _, err := Decide(d, deputy, full(ActApprove, d.Version), facts(now)); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("deputy approves without delegation = %v", err)
	}
	d.Recommendation = "refuse"
	if _, err := Decide(d, cast[RoleApprover], full(ActApprove, d.Version), facts(now)); ErrorCode(err) != EUNPROCESSABLE {
		t.Errorf("approve against a refusal recommendation = %v; want 422", err)
	}
}

// TestOnlineSupplementReturnsToReception (issue 15 item 7; contract §4:
// online dossiers always pass reception's check): an online dossier asked
// for a supplement before acceptance comes back to submitted with no clock;
// only acceptance starts it. A received dossier goes back to appraisal.
func TestOnlineSupplementReturnsToReception(t *testing.T) {
	d := dossierIn(StatusSubmitted)
	d.Channel = ChannelOnline
	step := func(who Role, a Action, now time.Time, want Status) {
		t.Helper()
		actUnder(t, d, cast[who], full(a, d.Version), facts(now))
		if d.Status != want {
			t.Fatalf("%s → %s; want %s", a, d.Status, want)
		}
	}
	step(RoleReception, ActRequestSupplement, at(2026, 11, 26, 9, 0), StatusSupplementRequested)
	if d.PausedAt != nil || d.Supplements != 0 || d.ReceivedAt != nil {
		t.Errorf("a request before acceptance paused a clock that never ran: %+v", d)
	}
	step(RoleCitizen, ActSupplement, at(2026, 11, 30, 9, 0), StatusSubmitted)
	if d.ReceivedAt != nil || d.DueAt != nil {
		t.Errorf("the clock started before reception's check: %v %v", d.ReceivedAt, d.DueAt)
	}
	step(RoleReception, ActAccept, at(2026, 11, 30, 10, 0), StatusReceived)
	if want := at(2026, 12, 3, 17, 0); d.ReceivedAt == nil || !d.DueAt.Equal(want) {
		t.Errorf("due after acceptance = %v; want %v", d.DueAt, want)
	}
	r := dossierIn(StatusSupplementRequested)
	dec, err := Decide(r, cast[RoleReception], full(ActSupplement, r.Version), facts(at(2026, 11, 27, 9, 0)))
	if err != nil || dec.To != StatusAppraising {
		t.Errorf("received dossier supplemented → %v, %v; want appraising", dec, err)
	}
}

// TestOffered: the dossier page offers what Decide would allow, less what
// only the request can tell.
func TestOffered(t *testing.T) {
	for _, c := range []struct {
		name string
		d    func() *Dossier
		who  Role
		a    Action
		want bool
	}{
		{"approve a recommended approval", func() *Dossier { return dossierIn(StatusAwaitingApproval) }, RoleApprover, ActApprove, true},
		{"approve a recommended refusal", func() *Dossier { d := dossierIn(StatusAwaitingApproval); d.Recommendation = "refuse"; return d }, RoleApprover, ActApprove, false},
		{"reception refuses a received dossier", func() *Dossier { return dossierIn(StatusReceived) }, RoleReception, ActRefuse, false},
		{"reception refuses a submitted dossier", func() *Dossier { return dossierIn(StatusSubmitted) }, RoleReception, ActRefuse, true},
		{"apology once", func() *Dossier { d := dossierIn(StatusIssued); d.ApologyAt = ptr(received); return d }, RoleReception, ActApologize, false},
		{"apology", func() *Dossier { return dossierIn(StatusIssued) }, RoleReception, ActApologize, true},
		{"citizen acts from own pages", func() *Dossier { return dossierIn(StatusSupplementRequested) }, RoleCitizen, ActSupplement, false},
		{"clerk issues", func() *Dossier { return dossierIn(StatusApproved) }, RoleClerk, ActIssue, true},
		{"nothing after return", func() *Dossier { return dossierIn(StatusReturned) }, RoleReception, ActWithdraw, false},
		{"creation is not offered", func() *Dossier { return dossierIn(StatusNone) }, RoleReception, ActReceive, false},
		{"5 tại chỗ appraised off site", func() *Dossier {
			d := dossierIn(StatusAppraising)
			d.Mode = ModeFiveOnSpot
			d.CenterCode = "C2"
			return d
		}, RoleAppraiser, ActSubmitAppraisal, false},
	} {
		if got := Offered(cast[c.who], c.a, c.d()); got != c.want {
			t.Errorf("%s: offered %v; want %v", c.name, got, c.want)
		}
	}
	if got := DossierActions(); len(got) != len(Rules)-2 || got[0] != ActAccept || got[len(got)-1] != ActWithdraw {
		t.Errorf("dossier actions = %v", got)
	}
	if rs := ActingRoles(cast[RoleReception], ActRefuse, dossierIn(StatusReceived)); !slices.Equal(rs, []Role{RoleReception}) {
		t.Errorf("acting roles = %v", rs)
	}
	if ActingRoles(cast[RoleReception], "fly", dossierIn(StatusReceived)) != nil {
		t.Errorf("acting roles of an unknown action")
	}
	r, _ := RuleOf(ActAssign)
	if !slices.Equal(r.Roles(), []Role{RoleReception, RoleAppraiser}) {
		t.Errorf("assign roles = %v", r.Roles())
	}
}
