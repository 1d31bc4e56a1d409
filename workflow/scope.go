package workflow

import (
	"context"

	"motcua/dossier"
	"motcua/store"
)

// ScopeOf returns what u may see (contract §2, security.md R10): reception
// and supervisors see their centers' dossiers; appraisers, approvers and
// clerks their agency's procedures; citizens their own; admins everything.
func ScopeOf(u *dossier.User) store.Scope {
	if u == nil {
		return store.Scope{}
	}
	if u.Has(dossier.RoleAdmin) {
		return store.Scope{All: true}
	}
	var sc store.Scope
	if u.HasAny(dossier.RoleReception, dossier.RoleSupervisor) {
		sc.Centers = u.Centers
	}
	if u.HasAny(dossier.RoleAppraiser, dossier.RoleApprover, dossier.RoleClerk) && u.AgencyCode != "" {
		sc.Agencies = []string{u.AgencyCode}
	}
	if u.Has(dossier.RoleCitizen) {
		sc.ApplicantUser = u.ID
	}
	return sc
}

// CanActAs reports whether u may take an action as role r on d: the role,
// plus the object relation that role needs.
func CanActAs(u *dossier.User, r dossier.Role, d *dossier.Dossier) bool {
	if !u.Has(r) {
		return false
	}
	switch r {
	case dossier.RoleReception:
		return u.AtCenter(d.CenterCode)
	case dossier.RoleAppraiser, dossier.RoleApprover, dossier.RoleClerk:
		return u.AgencyCode == d.AgencyCode
	case dossier.RoleCitizen:
		return d.ApplicantUser == u.ID
	}
	return false
}

// visible reports whether u may see d at all.
func visible(u *dossier.User, d *dossier.Dossier) bool {
	sc := ScopeOf(u)
	if sc.All {
		return true
	}
	for _, c := range sc.Centers {
		if c == d.CenterCode {
			return true
		}
	}
	for _, a := range sc.Agencies {
		if a == d.AgencyCode {
			return true
		}
	}
	return sc.ApplicantUser != 0 && sc.ApplicantUser == d.ApplicantUser
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
	return d, nil
}

// decorate fills derived fields (overdue).
func (s *Service) decorate(d *dossier.Dossier) {
	if d.DueAt != nil && !d.Status.Terminal() && d.Status != dossier.StatusSupplementRequested && d.Status != dossier.StatusSubmitted {
		d.Overdue = s.now().After(*d.DueAt)
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
