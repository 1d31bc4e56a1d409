package dossier

import (
	"slices"
	"time"

	"motcua/calendar"
)

// CanActAs reports whether u may act as role r on d: u holds the role, and
// the relation that role needs to the dossier: reception works at the
// dossier's center; appraisers, approvers and clerks belong to the
// procedure's agency; a citizen is the dossier's applicant.
func CanActAs(u *User, r Role, d *Dossier) bool {
	if !u.Has(r) {
		return false
	}
	switch r {
	case RoleReception:
		return u.AtCenter(d.CenterCode)
	case RoleAppraiser, RoleApprover, RoleClerk:
		return u.AgencyCode == d.AgencyCode
	case RoleCitizen:
		return d.ApplicantUser != 0 && d.ApplicantUser == u.ID
	}
	return false
}

// Reach is what a user may see (security.md R10): everything, the dossiers
// received at some centers, those of some agencies' procedures, or one's
// own as an applicant. A dossier is visible when any part matches.
type Reach struct {
	All           bool
	Centers       []string
	Agencies      []string
	ApplicantUser int64
}

// ReachOf returns what u may see: admins everything; reception and
// supervisors their centers' dossiers; appraisers, approvers and clerks
// their agency's; citizens their own.
func ReachOf(u *User) Reach {
	if u == nil {
		return Reach{}
	}
	if u.Has(RoleAdmin) {
		return Reach{All: true}
	}
	var r Reach
	if u.HasAny(RoleReception, RoleSupervisor) {
		r.Centers = u.Centers
	}
	if u.HasAny(RoleAppraiser, RoleApprover, RoleClerk) && u.AgencyCode != "" {
		r.Agencies = []string{u.AgencyCode}
	}
	if u.Has(RoleCitizen) {
		r.ApplicantUser = u.ID
	}
	return r
}

// Sees reports whether d is within r.
func (r Reach) Sees(d *Dossier) bool {
	return r.All || slices.Contains(r.Centers, d.CenterCode) || slices.Contains(r.Agencies, d.AgencyCode) ||
		(r.ApplicantUser != 0 && r.ApplicantUser == d.ApplicantUser)
}

// Visible reports whether u may see d at all.
func Visible(u *User, d *Dossier) bool { return ReachOf(u).Sees(d) }

// WorkQueue is what one role works on: the statuses of its dossiers, within
// the role's reach (reception: its centers; officers: their agency).
type WorkQueue struct {
	Role     Role
	Label    string
	Statuses []Status
}

// WorkQueues defines each role's work list (the officer's desk). Supervisors
// and admins have none: they see every open dossier in their reach.
var WorkQueues = []WorkQueue{
	{Role: RoleReception, Label: "Tiếp nhận, bổ sung và trả kết quả",
		Statuses: []Status{StatusSubmitted, StatusReceived, StatusSupplementRequested, StatusIssued}},
	{Role: RoleAppraiser, Label: "Thẩm định", Statuses: []Status{StatusReceived, StatusAppraising}},
	{Role: RoleApprover, Label: "Phê duyệt", Statuses: []Status{StatusAwaitingApproval}},
	{Role: RoleClerk, Label: "Lấy số, đóng dấu", Statuses: []Status{StatusApproved}},
}

// QueueOf returns the statuses of u's work list, in workflow order of the
// roles, each once; nil for supervisors and admins (every open dossier).
func QueueOf(u *User) []Status {
	if u.HasAny(RoleAdmin, RoleSupervisor) {
		return nil
	}
	var out []Status
	for _, q := range WorkQueues {
		if !u.Has(q.Role) {
			continue
		}
		for _, s := range q.Statuses {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// OpenStatuses lists the statuses that are not terminal, in workflow order.
func OpenStatuses() []Status {
	var out []Status
	for _, s := range Statuses {
		if !s.Terminal() {
			out = append(out, s)
		}
	}
	return out
}

// Urgency values of a work-list row.
const (
	UrgencyOverdue = "overdue"
	UrgencyToday   = "today" // due later today
	UrgencyNear    = "near"  // due on the next working day
)

// Urgency tells how close an open dossier is to its due date on its
// center's calendar cal: overdue past due, today when due later the same
// day, near when due no later than the next working day, "" otherwise. A dossier waiting for the applicant or
// not yet accepted has no urgency (its clock is not running).
func Urgency(s Status, due *time.Time, cal *calendar.Calendar, now time.Time) string {
	if due == nil || s.Terminal() || s == StatusSupplementRequested || s == StatusSubmitted {
		return ""
	}
	if now.After(*due) {
		return UrgencyOverdue
	}
	loc := cal.Location()
	if calendar.DateOf(due.In(loc)) == calendar.DateOf(now.In(loc)) {
		return UrgencyToday
	}
	if limit := cal.AddWorkingDays(calendar.DateOf(now.In(loc)), 1); !calendar.DateOf(due.In(loc)).After(limit) {
		return UrgencyNear
	}
	return ""
}

// NeedsApology reports whether d may be returned at now only after an
// apology slip (Mẫu 04): it is overdue and has none (NĐ 61/2018 Điều 19.9).
func NeedsApology(d *Dossier, now time.Time) bool { return Overdue(d, now) && d.ApologyAt == nil }

// Overdue reports whether d's clock runs and its appointment (due_at) is
// past at now (contract §4: "overdue: true").
func Overdue(d *Dossier, now time.Time) bool {
	return d.DueAt != nil && !d.Status.Terminal() && d.Status != StatusSupplementRequested &&
		d.Status != StatusSubmitted && now.After(*d.DueAt)
}
