package dossier

import (
	"testing"
	"time"
)

// TestControlSlip: the hand-over rows of the control slip (TT 01/2018/
// TT-VPCP Mẫu 05; TT 03/2025/TT-VPCP Mẫu 06: "1. Giao … 2. Nhận …", the
// time of the hand-over and the result trước hạn / đúng hạn / quá hạn of the
// step that ended, with người giao and người nhận on every row).
func TestControlSlip(t *testing.T) {
	tp := func(tt time.Time) *time.Time { return &tt }
	const (
		hoa  = "Nguyễn Thị Hoa" // reception
		lan  = "Vũ Thị Lan"     // reception, another officer
		minh = "Trần Văn Minh"  // appraiser
		ha   = "Lê Thị Thu Hà"  // approver
		duc  = "Phạm Văn Đức"   // clerk
		em   = "Đỗ Văn Em"      // applicant
	)
	type row struct {
		action         Action
		from, to       Role
		giver, receive string
		verdict        string
	}
	for _, c := range []struct {
		name     string
		history  []HistoryEntry
		assignee string
		want     []row
	}{
		{
			name: "at the counter: pick-up by the appraiser, an apology, each step judged against its own deadline",
			history: []HistoryEntry{
				{Action: ActReceive, To: StatusReceived, Actor: hoa, At: at(2026, 11, 26, 9, 0), StepDueAt: tp(at(2026, 11, 27, 17, 0))},
				{Action: ActAssign, From: StatusReceived, To: StatusAppraising, Actor: minh, At: at(2026, 11, 26, 10, 0), StepDueAt: tp(at(2026, 11, 30, 12, 0))},
				{Action: ActApologize, From: StatusAppraising, To: StatusAppraising, Actor: hoa, At: at(2026, 11, 30, 8, 0), StepDueAt: tp(at(2026, 11, 30, 12, 0))},
				{Action: ActSubmitAppraisal, From: StatusAppraising, To: StatusAwaitingApproval, Actor: minh, At: at(2026, 11, 30, 11, 0), StepDueAt: tp(at(2026, 11, 30, 16, 0))},
				{Action: ActApprove, From: StatusAwaitingApproval, To: StatusApproved, Actor: ha, At: at(2026, 12, 1, 9, 0), StepDueAt: tp(at(2026, 12, 1, 11, 0))},
				{Action: ActIssue, From: StatusApproved, To: StatusIssued, Actor: duc, At: at(2026, 12, 1, 10, 0), StepDueAt: tp(at(2026, 12, 1, 17, 0))},
				{Action: ActReturn, From: StatusIssued, To: StatusReturned, Actor: lan, At: at(2026, 12, 2, 8, 0)},
			},
			want: []row{
				// The appraiser took the dossier from reception's desk:
				// reception handed it over, the appraiser received it,
				// the day before reception's step was due.
				{ActAssign, RoleReception, RoleAppraiser, hoa, minh, OutcomeEarly},
				{ActApologize, RoleAppraiser, RoleCitizen, hoa, em, ""},
				// Appraisal submitted at 11:00 on the day its step was due
				// at 12:00; the leader who approved next received it.
				{ActSubmitAppraisal, RoleAppraiser, RoleApprover, minh, ha, OutcomeOnTime},
				{ActApprove, RoleApprover, RoleClerk, ha, duc, OutcomeLate},
				{ActIssue, RoleClerk, RoleReception, duc, lan, OutcomeOnTime},
				{ActReturn, RoleReception, RoleCitizen, lan, em, OutcomeLate},
			},
		},
		{
			name: "online: accepted from the applicant, assigned by name, a supplement, awaiting the appraiser",
			history: []HistoryEntry{
				{Action: ActSubmit, To: StatusSubmitted, Actor: em, At: at(2026, 11, 25, 20, 0)},
				{Action: ActAccept, From: StatusSubmitted, To: StatusReceived, Actor: hoa, At: at(2026, 11, 26, 8, 0), StepDueAt: tp(at(2026, 11, 26, 17, 0))},
				{Action: ActAssign, From: StatusReceived, To: StatusAppraising, Actor: hoa, At: at(2026, 11, 27, 8, 0), Note: "Giao: " + minh, StepDueAt: tp(at(2026, 11, 30, 17, 0))},
				{Action: ActRequestSupplement, From: StatusAppraising, To: StatusSupplementRequested, Actor: minh, At: at(2026, 11, 30, 9, 0)},
				{Action: ActSupplement, From: StatusSupplementRequested, To: StatusAppraising, Actor: em, At: at(2026, 12, 3, 9, 0), StepDueAt: tp(at(2026, 12, 4, 17, 0))},
			},
			assignee: minh,
			want: []row{
				// The applicant's own time before acceptance is not judged.
				{ActAccept, RoleCitizen, RoleReception, em, hoa, ""},
				{ActAssign, RoleReception, RoleAppraiser, hoa, minh, OutcomeLate},
				{ActRequestSupplement, RoleAppraiser, RoleCitizen, minh, em, OutcomeOnTime},
				// The time the applicant took to supplement is theirs.
				{ActSupplement, RoleCitizen, RoleAppraiser, em, minh, ""},
			},
		},
		{
			name: "awaiting approval: the receiver is not known until a leader acts",
			history: []HistoryEntry{
				{Action: ActReceive, To: StatusReceived, Actor: hoa, At: at(2026, 11, 26, 9, 0)},
				{Action: ActAssign, From: StatusReceived, To: StatusAppraising, Actor: minh, At: at(2026, 11, 26, 10, 0), StepDueAt: tp(at(2026, 11, 30, 12, 0))},
				{Action: ActSubmitAppraisal, From: StatusAppraising, To: StatusAwaitingApproval, Actor: minh, At: at(2026, 12, 1, 8, 0)},
			},
			want: []row{
				// No step deadline at reception: no verdict.
				{ActAssign, RoleReception, RoleAppraiser, hoa, minh, ""},
				{ActSubmitAppraisal, RoleAppraiser, RoleApprover, minh, "", OutcomeLate},
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := &Dossier{Applicant: Applicant{Name: em}, History: c.history}
			got := ControlSlip(d, national, c.assignee)
			if len(got) != len(c.want) {
				t.Fatalf("ControlSlip gave %d rows; want %d: %+v", len(got), len(c.want), got)
			}
			for i, w := range c.want {
				g := got[i]
				if g.Action != w.action || g.FromRole != w.from || g.ToRole != w.to || g.Giver != w.giver || g.Receiver != w.receive || g.Verdict != w.verdict {
					t.Errorf("row %d = {%s %s→%s giver %q receiver %q verdict %q}; want {%s %s→%s giver %q receiver %q verdict %q}",
						i+1, g.Action, g.FromRole, g.ToRole, g.Giver, g.Receiver, g.Verdict, w.action, w.from, w.to, w.giver, w.receive, w.verdict)
				}
				if !g.At.Equal(c.history[i+1].At) {
					t.Errorf("row %d at %v; want the hand-over instant %v", i+1, g.At, c.history[i+1].At)
				}
			}
		})
	}
	if got := ControlSlip(&Dossier{}, national, ""); got != nil {
		t.Errorf("no history: %v; want no rows", got)
	}
}
