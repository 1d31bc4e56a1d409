package dossier

import (
	"time"

	"motcua/calendar"
)

// StepState says where a timeline step stands.
type StepState string

// Timeline step states.
const (
	StepDone    StepState = "done"    // finished
	StepCurrent StepState = "current" // the dossier is in it now
	StepPlanned StepState = "planned" // still ahead, by the procedure's process
)

// TimelineStep is one step of a dossier's timeline: a stretch of work in
// one status, with its deadline (the step due set when it began) and when
// it actually ended.
// The JSON names are those of the dossier's "timeline" in the API.
type TimelineStep struct {
	Name   string     `json:"step"`
	Status Status     `json:"status"`
	Role   Role       `json:"role,omitempty"` // who holds the dossier during the step
	State  StepState  `json:"state"`
	Start  *time.Time `json:"started_at,omitempty"`
	Due    *time.Time `json:"due_at,omitempty"`
	Done   *time.Time `json:"done_at,omitempty"`
	Actor  string     `json:"actor,omitempty"`        // who ended the step
	Action Action     `json:"action,omitempty"`       // the action that ended it
	Hours  float64    `json:"budget_hours,omitempty"` // the process budget of a planned step, in working hours (0: none)
	Late   bool       `json:"late"`                   // ended after its due, or still open past it at now
}

// mainFlow is the order of the working statuses of a dossier that goes
// the whole way; the planned steps of a timeline follow it.
var mainFlow = []Status{StatusSubmitted, StatusReceived, StatusAppraising, StatusAwaitingApproval, StatusApproved, StatusIssued}

// stepName is the work done while a dossier is in status s.
func stepName(s Status) string {
	switch s {
	case StatusSubmitted:
		return "Tiếp nhận hồ sơ nộp trực tuyến"
	case StatusReceived:
		return "Chuyển hồ sơ đến bộ phận thẩm định"
	case StatusAppraising:
		return "Thẩm định hồ sơ"
	case StatusAwaitingApproval:
		return "Phê duyệt kết quả"
	case StatusApproved:
		return "Lấy số, đóng dấu kết quả"
	case StatusIssued:
		return "Trả kết quả"
	case StatusSupplementRequested:
		return "Chờ tổ chức, cá nhân bổ sung hồ sơ"
	}
	return s.Label()
}

// processStep returns the procedure's process step for status s: the
// step of its holder's role, for the working statuses the process budgets
// (appraisal, approval, issue).
func processStep(p *Procedure, s Status) (ProcessStep, bool) {
	if p == nil || s == StatusReceived || s == StatusSubmitted {
		return ProcessStep{}, false
	}
	role := StepRole(s)
	for _, st := range p.Process {
		if role != "" && st.Role == role {
			return st, true
		}
	}
	return ProcessStep{}, false
}

// Timeline returns the steps of d: one per stretch of its history (each
// history entry starts a step in the status it leads to, ended by the
// next entry), judged against the step due recorded when it began on the
// calendar cal (late when ended after it; the open step when now is past
// it), then the steps still ahead on the main flow with the procedure's
// process budgets. A notice (an apology) ends no step. Without history
// the timeline is empty.
func Timeline(d *Dossier, p *Procedure, cal *calendar.Calendar, now time.Time) []TimelineStep {
	var out []TimelineStep
	var open *TimelineStep
	for i := range d.History {
		h := d.History[i]
		if h.Action == ActApologize && open != nil {
			// The apology moves the appointment, not the step.
			continue
		}
		if open != nil {
			at := h.At
			open.Done, open.Actor, open.Action, open.State = &at, h.Actor, h.Action, StepDone
			open.Late = open.Due != nil && cal.Classify(at, *open.Due) == calendar.OutcomeLate
			out = append(out, *open)
			open = nil
		}
		if h.To.Terminal() {
			continue
		}
		at := h.At
		st := TimelineStep{Name: stepName(h.To), Status: h.To, Role: HolderRole(h.To), State: StepCurrent, Start: &at, Due: h.StepDueAt}
		if ps, ok := processStep(p, h.To); ok && ps.Name != "" {
			st.Name = ps.Name
		}
		open = &st
	}
	if open == nil {
		return out
	}
	open.Late = open.Due != nil && now.After(*open.Due)
	out = append(out, *open)
	// The steps ahead, after the furthest status reached on the main flow.
	last := -1
	for _, h := range d.History {
		for i, s := range mainFlow {
			if s == h.To && i > last {
				last = i
			}
		}
	}
	for _, s := range mainFlow[last+1:] {
		if s == StatusReceived {
			continue // an online dossier accepted goes straight on
		}
		st := TimelineStep{Name: stepName(s), Status: s, Role: HolderRole(s), State: StepPlanned}
		if ps, ok := processStep(p, s); ok {
			if ps.Name != "" {
				st.Name = ps.Name
			}
			st.Hours = ps.Hours
		}
		out = append(out, st)
	}
	return out
}
