package workflow

import (
	"context"

	"motcua/dossier"
	"motcua/store"
)

// ScopeOf returns what u may see (dossier.ReachOf) as a store filter.
func ScopeOf(u *dossier.User) store.Scope {
	r := dossier.ReachOf(u)
	return store.Scope{All: r.All, Centers: r.Centers, Agencies: r.Agencies, ApplicantUser: r.ApplicantUser}
}

// CanActAs reports whether u may take an action as role r on d
// (dossier.CanActAs).
func CanActAs(u *dossier.User, r dossier.Role, d *dossier.Dossier) bool {
	return dossier.CanActAs(u, r, d)
}

// Dossier returns a dossier the caller may see, or ENOTFOUND.
func (s *Service) Dossier(ctx context.Context, u *dossier.User, code string) (*dossier.Dossier, error) {
	if u == nil {
		return nil, unauthorized()
	}
	d, err := s.db.Dossier(ctx, code, ScopeOf(u))
	if err != nil {
		return nil, err
	}
	s.decorate(d)
	return d, s.attachDocuments(ctx, d)
}

// decorate fills derived fields (overdue).
func (s *Service) decorate(d *dossier.Dossier) {
	d.Overdue = dossier.Overdue(d, s.now())
	if d.Mode == dossier.ModeFiveOnSpot && d.Status == dossier.StatusReturned {
		achieved, sameDay := dossier.FiveOnSpotAchieved(d), dossier.ReturnedSameDay(d, s.CalendarFor(d.CenterCode))
		d.FiveOnSpotAchieved, d.ReturnedSameDay = &achieved, &sameDay
	}
}

// Dossiers returns a work list scoped to the caller, overdue flags judged
// at this call's clock reading.
func (s *Service) Dossiers(ctx context.Context, u *dossier.User, f store.DossierFilter) ([]store.DossierRow, string, error) {
	if u == nil {
		return nil, "", unauthorized()
	}
	f.Scope = ScopeOf(u)
	f.Now = s.now()
	return s.db.Dossiers(ctx, f)
}
