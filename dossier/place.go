package dossier

import (
	"motcua/calendar"
)

// Place is where a step of a dossier was done. The seed (QĐ 299/QĐ-UBND
// phần III) has a "5 tại chỗ" dossier received, appraised, approved,
// numbered and sealed, and returned at the center — approval by the leader
// on site or through the electronic process with a digital signature — and
// never sent to the departments.
type Place string

// Places.
const (
	PlaceCenter       Place = "center"         // at the center, by an officer stationed there
	PlaceOnSiteLeader Place = "on_site_leader" // by the leader on the center's on-site schedule
	PlaceElectronic   Place = "electronic"     // by a leader through the system, digitally signed
	PlaceDepartment   Place = "department"     // at the agency, away from the center
	PlaceOnline       Place = "online"         // by the applicant, online
)

// Label returns the Vietnamese label of p.
func (p Place) Label() string {
	switch p {
	case PlaceCenter:
		return "Tại Trung tâm"
	case PlaceOnSiteLeader:
		return "Lãnh đạo trực tại Trung tâm"
	case PlaceElectronic:
		return "Trên hệ thống, ký số"
	case PlaceDepartment:
		return "Tại cơ quan chuyên môn"
	case PlaceOnline:
		return "Trực tuyến"
	}
	return string(p)
}

// PlaceOf tells where u, acting as role on d, does a step: the applicant
// online; a leader on site when on the center's on-site schedule at that
// moment (leaderOnSite), otherwise through the system with a digital
// signature; any other officer at the center when stationed there,
// otherwise at the department.
func PlaceOf(u *User, role Role, d *Dossier, leaderOnSite bool) Place {
	switch {
	case role == RoleCitizen:
		return PlaceOnline
	case role == RoleApprover && leaderOnSite:
		return PlaceOnSiteLeader
	case role == RoleApprover:
		return PlaceElectronic
	case u.AtCenter(d.CenterCode):
		return PlaceCenter
	}
	return PlaceDepartment
}

// FiveOnSpotAchieved reports whether a returned "5 tại chỗ" dossier was
// processed as the seed requires (QĐ 299 phần III): every step at the
// center, the leader's on site or electronically signed; the applicant's
// own online steps do not count against it. A step with no recorded place
// (history imported from an older system) cannot show it.
func FiveOnSpotAchieved(d *Dossier) bool {
	if d.Mode != ModeFiveOnSpot || d.Status != StatusReturned {
		return false
	}
	for _, h := range d.History {
		switch h.Place {
		case PlaceCenter, PlaceOnSiteLeader, PlaceElectronic, PlaceOnline:
		default:
			return false
		}
	}
	return len(d.History) > 0
}

// ReturnedSameDay reports whether a returned dossier was returned on the
// working day it was received, on its center's calendar.
func ReturnedSameDay(d *Dossier, cal *calendar.Calendar) bool {
	if d.Status != StatusReturned || d.ReceivedAt == nil || d.FinishedAt == nil {
		return false
	}
	loc := cal.Location()
	return calendar.DateOf(d.ReceivedAt.In(loc)) == calendar.DateOf(d.FinishedAt.In(loc))
}
