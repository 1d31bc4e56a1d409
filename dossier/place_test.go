package dossier

import "testing"

// TestPlaces: where each step is done and whether a "5 tại chỗ" dossier
// achieved it (QĐ 299/QĐ-UBND phần III: received, appraised, approved —
// by the leader on site or electronically signed —, numbered and sealed,
// and returned at the center; never sent to the departments).
func TestPlaces(t *testing.T) {
	d := dossierIn(StatusReturned)
	away := &User{ID: 20, Roles: []Role{RoleAppraiser}, AgencyCode: agency, Centers: []string{"C2"}}
	for _, c := range []struct {
		who    *User
		role   Role
		onSite bool
		want   Place
	}{
		{cast[RoleReception], RoleReception, false, PlaceCenter},
		{cast[RoleAppraiser], RoleAppraiser, false, PlaceCenter},
		{away, RoleAppraiser, false, PlaceDepartment},
		{cast[RoleApprover], RoleApprover, true, PlaceOnSiteLeader},
		{cast[RoleApprover], RoleApprover, false, PlaceElectronic},
		{cast[RoleCitizen], RoleCitizen, false, PlaceOnline},
	} {
		if got := PlaceOf(c.who, c.role, d, c.onSite); got != c.want || got.Label() == string(got) {
			t.Errorf("%s (on site %v): %q; want %q", c.role, c.onSite, got, c.want)
		}
	}
	if Place("x").Label() != "x" {
		t.Errorf("unknown place label")
	}
	fos := func(places ...Place) *Dossier {
		d := dossierIn(StatusReturned)
		d.Mode = ModeFiveOnSpot
		for _, p := range places {
			d.History = append(d.History, HistoryEntry{Place: p})
		}
		return d
	}
	for _, c := range []struct {
		name string
		d    *Dossier
		want bool
	}{
		{"all at the center, leader on site", fos(PlaceCenter, PlaceCenter, PlaceOnSiteLeader, PlaceCenter), true},
		{"leader signs electronically, applicant online", fos(PlaceOnline, PlaceCenter, PlaceElectronic, PlaceCenter), true},
		{"appraised at the department", fos(PlaceCenter, PlaceDepartment, PlaceOnSiteLeader, PlaceCenter), false},
		{"imported history without places", fos(""), false},
		{"no history", fos(), false},
		{"a standard dossier", func() *Dossier { d := fos(PlaceCenter); d.Mode = ModeStandard; return d }(), false},
	} {
		if got := FiveOnSpotAchieved(c.d); got != c.want {
			t.Errorf("%s: %v; want %v", c.name, got, c.want)
		}
	}
	// Received Thu 26/11 09:00; returned 10:00 the same day, or the next.
	if !ReturnedSameDay(d, national) {
		t.Errorf("returned the same day")
	}
	d.FinishedAt = ptr(at(2026, 11, 27, 8, 0))
	if ReturnedSameDay(d, national) || ReturnedSameDay(dossierIn(StatusIssued), national) {
		t.Errorf("returned another day, or not returned")
	}
}
