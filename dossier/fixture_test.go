package dossier

import (
	"time"

	"motcua/calendar"
)

// The fixtures of the domain tests: one center C1 serving agency A1, one
// officer per role, a 3-working-day procedure, and the national calendar.
// The clock is the fixture's: every instant is written out.

var ict = time.FixedZone("ICT", 7*3600)

func at(y, m, d, h, min int) time.Time { return time.Date(y, time.Month(m), d, h, min, 0, 0, ict) }

var (
	national = calendar.New(calendar.Config{}, nil)
	// saturdays is a center that also works Saturday mornings.
	saturdays = calendar.New(calendar.Config{SaturdayHours: []calendar.Span{{Start: calendar.ClockAt(7, 30), End: calendar.ClockAt(11, 30)}}}, nil)
)

const (
	center = "C1"
	agency = "A1"
)

// cast is one user per role; the approver holds the procedure's approving
// position (own authority).
var cast = map[Role]*User{
	RoleReception:  {ID: 1, Name: "Nguyễn Thị Hoa", Roles: []Role{RoleReception}, AgencyCode: "C1AG", Centers: []string{center}},
	RoleAppraiser:  {ID: 2, Name: "Trần Văn Minh", Roles: []Role{RoleAppraiser}, AgencyCode: agency, Centers: []string{center}, Position: "Chuyên viên"},
	RoleApprover:   {ID: 3, Name: "Lê Thị Thu Hà", Roles: []Role{RoleApprover}, AgencyCode: agency, Centers: []string{center}, Position: "Giám đốc"},
	RoleClerk:      {ID: 4, Name: "Phạm Văn Đức", Roles: []Role{RoleClerk}, AgencyCode: agency, Centers: []string{center}},
	RoleSupervisor: {ID: 5, Name: "Hoàng Minh Tuấn", Roles: []Role{RoleSupervisor}, AgencyCode: "C1AG", Centers: []string{center}},
	RoleAdmin:      {ID: 6, Name: "Quản trị", Roles: []Role{RoleAdmin}, AgencyCode: "ROOT"},
	RoleCitizen:    {ID: 7, Name: "Đỗ Văn Em", Roles: []Role{RoleCitizen}},
}

func three() *int { n := 3; return &n }

func procedure() *Procedure {
	return &Procedure{Code: "P1", Name: "Đăng ký doanh nghiệp", AgencyCode: agency, Level: LevelProvince, ProcessingDays: three(),
		OnlineLevel: OnlineFull, ApproverPosition: "Giám đốc", ResultTypeCode: "GCN",
		Components: []Component{{Code: "GDN", Name: "Giấy đề nghị", Required: true}, {Code: "GTPL", Name: "Giấy tờ pháp lý"}}}
}

// received is when the fixture dossiers were received: Thursday 26/11/2026
// 09:00, so they are due Tuesday 1/12 17:00 (3 working days).
var received = at(2026, 11, 26, 9, 0)

// dossierIn returns a dossier in status s as the workflow leaves it there.
func dossierIn(s Status) *Dossier {
	d := &Dossier{ID: 1, Code: "000.00.01.H06-261126-0001", ProcedureCode: "P1", AgencyCode: agency, CenterCode: center,
		Channel: ChannelCounter, Mode: ModeStandard, Status: s, Version: 3, ApplicantUser: 7}
	if s != StatusNone && s != StatusSubmitted {
		StartClock(d, procedure(), national, received)
	}
	switch s {
	case StatusAwaitingApproval, StatusApproved, StatusIssued:
		d.Recommendation = "approve"
	case StatusSupplementRequested:
		d.PausedAt, d.Supplements = ptr(received.Add(time.Hour)), 1
	case StatusReturned, StatusRefused, StatusWithdrawn:
		d.FinishedAt = ptr(received.Add(time.Hour))
	}
	return d
}

func ptr(t time.Time) *time.Time { return &t }

// full returns a request carrying everything any action needs.
func full(a Action, version int64) Request {
	nd := at(2026, 12, 4, 17, 0) // Friday, a working day after the due date
	return Request{Action: a, Version: version, Note: "Ghi chú", Reason: "Lý do", Recommendation: "approve", Report: "Báo cáo thẩm định",
		DraftResult: "Dự thảo kết quả", NewDueAt: &nd, Components: 1}
}

// facts are the facts of a decision at now on the national calendar.
func facts(now time.Time) Facts {
	return Facts{Now: now, Procedure: procedure(), Calendar: national}
}
