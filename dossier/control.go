package dossier

import (
	"strings"
	"time"

	"motcua/calendar"
)

// Handover is one row of the control slip, "Phiếu kiểm soát quá trình giải
// quyết hồ sơ" (TT 01/2018/TT-VPCP Mẫu 05; TT 03/2025/TT-VPCP Mẫu 06): the
// unit and person who handed the dossier over, the unit and person who
// received it, when, and the verdict on the step that ended with the
// hand-over (trước hạn / đúng hạn / quá hạn), which the receiving side
// records. The system logs every hand-over from the dossier's history.
type Handover struct {
	Action Action
	// FromRole and ToRole name the units: the role whose step ends and
	// the role whose step begins; RoleCitizen is the applicant.
	FromRole, ToRole Role
	Giver, Receiver  string // người giao, người nhận; "" when not known yet
	At               time.Time
	// Verdict is OutcomeEarly, OutcomeOnTime or OutcomeLate for the step
	// that ended, judged against its own deadline (the step deadline of
	// the internal process); "" when that step had none (the applicant's
	// own time, a notice that hands nothing over).
	Verdict string
	Note    string
}

// HolderRole is the role whose unit holds a dossier in status s on the
// control slip: reception holds it once received and again to return it;
// the applicant holds it before acceptance, while supplementing and once
// finished.
func HolderRole(s Status) Role {
	switch s {
	case StatusReceived, StatusIssued:
		return RoleReception
	case StatusAppraising:
		return RoleAppraiser
	case StatusAwaitingApproval:
		return RoleApprover
	case StatusApproved:
		return RoleClerk
	}
	return RoleCitizen
}

// assignedTo returns the appraiser an assignment named ("… Giao: NAME", the
// note decideAction writes), or "".
func assignedTo(note string) string {
	_, name, ok := strings.Cut(note, "Giao: ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(name)
}

// ControlSlip builds the hand-over rows of d's control slip from its
// history (TT 01/2018 Mẫu 05; TT 03/2025 Mẫu 06), on the center's calendar
// cal. The first entry (reception, or the online submission) is the
// slip's header, not a row. On each row:
//   - the giver is the officer who acted, except when the action takes the
//     dossier from another unit's hands (an online dossier accepted, an
//     appraiser taking a received dossier): then the giver is who held it;
//   - the receiver is who acts on the dossier next (the named appraiser of
//     an assignment; the applicant when the dossier goes back to them or
//     is finished; the current assignee, when given, for an appraisal not
//     yet acted on);
//   - the verdict judges the step that ended against the step deadline
//     set when it began.
//
// An apology (Mẫu 04) hands nothing over: its row is a notice from the
// officer to the applicant, without a verdict.
func ControlSlip(d *Dossier, cal *calendar.Calendar, assignee string) []Handover {
	hs := d.History
	if len(hs) == 0 {
		return nil
	}
	applicant := d.Applicant.Name
	// nextActor returns who acts after entry i, skipping notices.
	nextActor := func(i int) string {
		for j := i + 1; j < len(hs); j++ {
			if hs[j].Action != ActApologize {
				return hs[j].Actor
			}
		}
		return ""
	}
	holder := hs[0].Actor
	if hs[0].To == StatusSubmitted {
		holder = applicant
	}
	prevDue := hs[0].StepDueAt
	var out []Handover
	for i := 1; i < len(hs); i++ {
		h := hs[i]
		row := Handover{Action: h.Action, FromRole: HolderRole(h.From), ToRole: HolderRole(h.To), Giver: h.Actor, At: h.At, Note: h.Note}
		if h.Action == ActApologize {
			row.ToRole, row.Receiver = RoleCitizen, applicant
			out = append(out, row)
			continue
		}
		pickup := h.Action == ActAccept || (h.Action == ActAssign && assignedTo(h.Note) == "")
		switch {
		case pickup:
			row.Giver, row.Receiver = holder, h.Actor
		case row.ToRole == RoleCitizen:
			row.Receiver = applicant
		case h.Action == ActAssign:
			row.Receiver = assignedTo(h.Note)
		default:
			row.Receiver = nextActor(i)
			if row.Receiver == "" && row.ToRole == RoleAppraiser {
				row.Receiver = assignee
			}
		}
		if prevDue != nil && row.FromRole != RoleCitizen {
			row.Verdict = string(cal.Classify(h.At, *prevDue))
		}
		prevDue = h.StepDueAt
		holder = row.Receiver
		out = append(out, row)
	}
	return out
}
