package dossier

import (
	"testing"
	"time"
)

// TestTimeline: the steps of a dossier from its history and its
// procedure's process, each with its due and actual time, late ones
// marked, then the steps ahead with their budgets.
func TestTimeline(t *testing.T) {
	tp := func(tt time.Time) *time.Time { return &tt }
	proc := &Procedure{Process: []ProcessStep{
		{Code: "TD", Name: "Thẩm định hồ sơ xây dựng", Role: RoleAppraiser, Hours: 16},
		{Code: "PD", Name: "Lãnh đạo phòng phê duyệt", Role: RoleApprover, Hours: 4},
	}}
	received := HistoryEntry{Action: ActReceive, To: StatusReceived, Actor: "Hoa", At: at(2026, 11, 26, 9, 0), StepDueAt: tp(at(2026, 11, 26, 17, 0))}
	assigned := HistoryEntry{Action: ActAssign, From: StatusReceived, To: StatusAppraising, Actor: "Minh", At: at(2026, 11, 26, 10, 0), StepDueAt: tp(at(2026, 11, 30, 10, 0))}
	type step struct {
		name  string
		state StepState
		due   *time.Time
		done  *time.Time
		hours float64
		late  bool
	}
	for _, c := range []struct {
		name    string
		history []HistoryEntry
		now     time.Time
		want    []step
	}{
		{name: "no history", now: at(2026, 11, 26, 9, 0)},
		{
			name:    "just received: the current step on time, the rest planned with the process budgets",
			history: []HistoryEntry{received}, now: at(2026, 11, 26, 9, 30),
			want: []step{
				{"Chuyển hồ sơ đến bộ phận thẩm định", StepCurrent, received.StepDueAt, nil, 0, false},
				{"Thẩm định hồ sơ xây dựng", StepPlanned, nil, nil, 16, false},
				{"Lãnh đạo phòng phê duyệt", StepPlanned, nil, nil, 4, false},
				{"Lấy số, đóng dấu kết quả", StepPlanned, nil, nil, 0, false},
				{"Trả kết quả", StepPlanned, nil, nil, 0, false},
			},
		},
		{
			name: "appraisal open past its due is late; the apology ends no step",
			history: []HistoryEntry{received, assigned,
				{Action: ActApologize, From: StatusAppraising, To: StatusAppraising, Actor: "Hoa", At: at(2026, 11, 30, 11, 0), StepDueAt: assigned.StepDueAt}},
			now: at(2026, 11, 30, 11, 30),
			want: []step{
				{"Chuyển hồ sơ đến bộ phận thẩm định", StepDone, received.StepDueAt, tp(assigned.At), 0, false},
				{"Thẩm định hồ sơ xây dựng", StepCurrent, assigned.StepDueAt, nil, 0, true},
				{"Lãnh đạo phòng phê duyệt", StepPlanned, nil, nil, 4, false},
				{"Lấy số, đóng dấu kết quả", StepPlanned, nil, nil, 0, false},
				{"Trả kết quả", StepPlanned, nil, nil, 0, false},
			},
		},
		{
			name: "returned: every step done, the late one marked, nothing ahead",
			history: []HistoryEntry{received, assigned,
				{Action: ActSubmitAppraisal, From: StatusAppraising, To: StatusAwaitingApproval, Actor: "Minh", At: at(2026, 11, 30, 14, 0), StepDueAt: tp(at(2026, 12, 1, 8, 30))},
				{Action: ActApprove, From: StatusAwaitingApproval, To: StatusApproved, Actor: "Hà", At: at(2026, 11, 30, 16, 0), StepDueAt: tp(at(2026, 12, 1, 17, 0))},
				{Action: ActIssue, From: StatusApproved, To: StatusIssued, Actor: "Đức", At: at(2026, 12, 1, 9, 0), StepDueAt: tp(at(2026, 12, 1, 17, 0))},
				{Action: ActReturn, From: StatusIssued, To: StatusReturned, Actor: "Hoa", At: at(2026, 12, 2, 8, 0)}},
			now: at(2026, 12, 3, 8, 0),
			want: []step{
				{"Chuyển hồ sơ đến bộ phận thẩm định", StepDone, received.StepDueAt, tp(assigned.At), 0, false},
				{"Thẩm định hồ sơ xây dựng", StepDone, assigned.StepDueAt, tp(at(2026, 11, 30, 14, 0)), 0, true},
				{"Lãnh đạo phòng phê duyệt", StepDone, tp(at(2026, 12, 1, 8, 30)), tp(at(2026, 11, 30, 16, 0)), 0, false},
				{"Lấy số, đóng dấu kết quả", StepDone, tp(at(2026, 12, 1, 17, 0)), tp(at(2026, 12, 1, 9, 0)), 0, false},
				{"Trả kết quả", StepDone, tp(at(2026, 12, 1, 17, 0)), tp(at(2026, 12, 2, 8, 0)), 0, true},
			},
		},
		{
			name: "waiting for a supplement: a step with no due, never late; the rest ahead",
			history: []HistoryEntry{received, assigned,
				{Action: ActRequestSupplement, From: StatusAppraising, To: StatusSupplementRequested, Actor: "Minh", At: at(2026, 11, 27, 9, 0)}},
			now: at(2026, 12, 20, 9, 0),
			want: []step{
				{"Chuyển hồ sơ đến bộ phận thẩm định", StepDone, received.StepDueAt, tp(assigned.At), 0, false},
				{"Thẩm định hồ sơ xây dựng", StepDone, assigned.StepDueAt, tp(at(2026, 11, 27, 9, 0)), 0, false},
				{"Chờ tổ chức, cá nhân bổ sung hồ sơ", StepCurrent, nil, nil, 0, false},
				{"Lãnh đạo phòng phê duyệt", StepPlanned, nil, nil, 4, false},
				{"Lấy số, đóng dấu kết quả", StepPlanned, nil, nil, 0, false},
				{"Trả kết quả", StepPlanned, nil, nil, 0, false},
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Timeline(&Dossier{History: c.history}, proc, national, c.now)
			if len(got) != len(c.want) {
				t.Fatalf("%d steps %+v; want %d", len(got), got, len(c.want))
			}
			eq := func(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }
			for i, w := range c.want {
				g := got[i]
				if g.Name != w.name || g.State != w.state || !eq(g.Due, w.due) || !eq(g.Done, w.done) || g.Hours != w.hours || g.Late != w.late {
					t.Errorf("step %d = %q %s due %v done %v hours %v late %v; want %+v", i, g.Name, g.State, g.Due, g.Done, g.Hours, g.Late, w)
				}
			}
		})
	}
}
