package workflow

import (
	"context"
	"io"
	"time"

	"motcua/dossier"
)

// The read use cases: what each caller may read of the catalog, of the
// authority (users, delegations, schedules, registers, seals), of the
// files and of the audit. Each one decides who may call it (deny by
// default) and, when time matters, reads the clock once.

// Healthy reports whether the store answers (GET /healthz).
func (s *Service) Healthy(ctx context.Context) error { return s.db.Ping(ctx) }

// ---- Catalog: public by contract §3 (no account needed) -----------------

// Agencies lists the agencies of the catalog. Anyone may read it.
func (s *Service) Agencies(ctx context.Context, f AgencyFilter) ([]dossier.Agency, string, error) {
	return s.db.Agencies(ctx, f)
}

// Centers lists the Public Administration Centers. Anyone may read it.
func (s *Service) Centers(ctx context.Context) ([]dossier.Center, error) {
	return s.db.Centers(ctx)
}

// Center returns one center, or ENOTFOUND. Anyone may read it.
func (s *Service) Center(ctx context.Context, code string) (*dossier.Center, error) {
	cs, err := s.db.Centers(ctx)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		if cs[i].Code == code {
			return &cs[i], nil
		}
	}
	return nil, dossier.Errorf(dossier.ENOTFOUND, "Không có trung tâm %s", code)
}

// Procedures lists the procedures of the catalog. Anyone may read it.
func (s *Service) Procedures(ctx context.Context, f ProcedureFilter) ([]dossier.Procedure, string, error) {
	return s.db.Procedures(ctx, f)
}

// Procedure returns one procedure of the catalog, or ENOTFOUND. Anyone may
// read it.
func (s *Service) Procedure(ctx context.Context, code string) (*dossier.Procedure, error) {
	return s.db.Procedure(ctx, code)
}

// OnlineProcedures lists, by name, the procedures that accept dossiers
// online (fully or partly, Decree 45/2020 Art. 11). Anyone may read it.
func (s *Service) OnlineProcedures(ctx context.Context) ([]dossier.Procedure, error) {
	ps, _, err := s.db.Procedures(ctx, ProcedureFilter{ByName: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	out := ps[:0]
	for _, p := range ps {
		if p.OnlineLevel.Online() {
			out = append(out, p)
		}
	}
	return out, nil
}

// Overrides lists the calendar overrides of year (0: every year). Anyone
// may read them: they decide the public due dates.
func (s *Service) Overrides(ctx context.Context, year int) ([]Override, error) {
	return s.db.Overrides(ctx, year)
}

// CalendarYear is the calendar of one year as the administration page
// shows it.
type CalendarYear struct {
	Year      int
	Years     []int // the years offered: last, this and next
	Overrides []Override
}

// CalendarYearOf returns the overrides of year (0: this year, by the
// clock). Admins only.
func (s *Service) CalendarYearOf(ctx context.Context, u *dossier.User, year int) (*CalendarYear, error) {
	if err := needRole(u, "Chỉ quản trị viên được quản lý lịch làm việc", dossier.RoleAdmin); err != nil {
		return nil, err
	}
	this := s.now().In(s.Location()).Year()
	if year < 1900 || year > 2199 {
		year = this
	}
	os, err := s.db.Overrides(ctx, year)
	if err != nil {
		return nil, err
	}
	return &CalendarYear{Year: year, Years: []int{this - 1, this, this + 1}, Overrides: os}, nil
}

// ---- Authority ------------------------------------------------------------

// needRole refuses a caller without any of roles: 401 without a session,
// 403 with msg otherwise.
func needRole(u *dossier.User, msg string, roles ...dossier.Role) error {
	if u == nil {
		return unauthorized()
	}
	if !u.HasAny(roles...) {
		return forbidden(msg)
	}
	return nil
}

// ownAgency is the agency a caller may list: any (as asked) for admins,
// their own for everyone else.
func ownAgency(u *dossier.User, asked string) string {
	if u.Has(dossier.RoleAdmin) {
		return asked
	}
	return u.AgencyCode
}

// Users lists the accounts of agency ("" = all). Admins see any agency;
// supervisors their own.
func (s *Service) Users(ctx context.Context, u *dossier.User, agency string) ([]dossier.User, error) {
	if err := needRole(u, "Không có quyền xem danh sách tài khoản", dossier.RoleAdmin, dossier.RoleSupervisor); err != nil {
		return nil, err
	}
	return s.db.Users(ctx, ownAgency(u, agency))
}

// Approvers lists the enabled leaders who may approve (for the delegation
// and schedule forms). Admins and supervisors, like Users.
func (s *Service) Approvers(ctx context.Context, u *dossier.User) ([]dossier.User, error) {
	us, err := s.Users(ctx, u, "")
	if err != nil {
		return nil, err
	}
	var out []dossier.User
	for _, x := range us {
		if x.Has(dossier.RoleApprover) && !x.Disabled {
			out = append(out, x)
		}
	}
	return out, nil
}

// Delegations lists the delegations of agency ("" = all). Admins see any
// agency; approvers and supervisors their own.
func (s *Service) Delegations(ctx context.Context, u *dossier.User, agency string) ([]dossier.Delegation, error) {
	if err := needRole(u, "Không có quyền xem ủy quyền", dossier.RoleAdmin, dossier.RoleApprover, dossier.RoleSupervisor); err != nil {
		return nil, err
	}
	return s.db.Delegations(ctx, ownAgency(u, agency), 0)
}

// ShiftsAhead lists the leaders' on-site shifts at center from a day ago
// to days ahead of now, for officers: admins of any center (all when
// center is empty), others of their own centers only (the first when they
// name none). Citizens read the public schedule, a separate minimal view.
func (s *Service) ShiftsAhead(ctx context.Context, u *dossier.User, center string, days int) ([]dossier.LeaderShift, error) {
	if u == nil {
		return nil, unauthorized()
	}
	if !u.IsOfficer() {
		return nil, forbidden("Lịch trực nội bộ chỉ dành cho cán bộ")
	}
	if !u.Has(dossier.RoleAdmin) {
		if center == "" && len(u.Centers) > 0 {
			center = u.Centers[0]
		}
		if center == "" || !u.AtCenter(center) {
			return nil, forbidden("Chỉ xem được lịch trực của trung tâm nơi ông/bà làm việc")
		}
	}
	now := s.now()
	ss, err := s.db.Shifts(ctx, center, now.Add(-24*time.Hour), now.Add(time.Duration(days)*24*time.Hour))
	if err != nil {
		return nil, err
	}
	if ss == nil {
		ss = []dossier.LeaderShift{}
	}
	return ss, nil
}

// Registers lists the document registers of agency ("" = all). Admins see
// any agency; clerks and supervisors their own.
func (s *Service) Registers(ctx context.Context, u *dossier.User, agency string) ([]dossier.Register, error) {
	if err := needRole(u, "Không có quyền xem sổ đăng ký", dossier.RoleAdmin, dossier.RoleClerk, dossier.RoleSupervisor); err != nil {
		return nil, err
	}
	return s.db.Registers(ctx, ownAgency(u, agency))
}

// AuditEntries returns the latest limit entries of the audit log. Admins
// only.
func (s *Service) AuditEntries(ctx context.Context, u *dossier.User, limit int) ([]dossier.AuditEntry, error) {
	if err := needRole(u, "Chỉ quản trị viên xem nhật ký", dossier.RoleAdmin); err != nil {
		return nil, err
	}
	return s.db.AuditEntries(ctx, limit)
}

// ---- Reception ------------------------------------------------------------

// ---- Files ----------------------------------------------------------------

// BlobAccess returns the description of a file the caller may read: one
// they uploaded, or one of a dossier they may see; otherwise ENOTFOUND.
func (s *Service) BlobAccess(ctx context.Context, u *dossier.User, id string) (*BlobMeta, error) {
	if u == nil {
		return nil, unauthorized()
	}
	return s.db.BlobAccess(ctx, id, u.ID, ScopeOf(u))
}

// OpenBlobFor opens a file the caller may read (see OpenFile, which
// records an officer's read). The caller closes it.
func (s *Service) OpenBlobFor(ctx context.Context, u *dossier.User, id string) (*BlobMeta, io.ReadSeekCloser, error) {
	return s.OpenFile(ctx, u, id)
}

// ---- Idempotent requests (contract §2: Idempotency-Key) --------------------

// ClaimRequest claims key for the caller's request (fingerprint: method,
// path and body hash). When the request is new it returns a context that
// carries the claim (serve the request with it, then CompleteRequest or
// ReleaseRequest with it) and a nil response. Otherwise it returns ctx and
// what the key holds: the response kept from an earlier request, or Status
// 0 while another one is being served.
func (s *Service) ClaimRequest(ctx context.Context, u *dossier.User, key, fingerprint string) (context.Context, *StoredResponse, error) {
	if u == nil {
		return ctx, nil, unauthorized()
	}
	return s.db.ClaimIdempotencyKey(ctx, s.now, u.ID, key, fingerprint)
}

// CompleteRequest keeps the response of the request whose claim ctx
// carries, for replays, and ends the claim.
func (s *Service) CompleteRequest(ctx context.Context, status int, body []byte) error {
	return s.db.CompleteIdempotencyKey(ctx, status, body)
}

// ReleaseRequest ends the claim ctx carries of a request that failed, so
// that a retry runs it again (unless its change was committed: then the
// response is kept instead).
func (s *Service) ReleaseRequest(ctx context.Context, status int, body []byte) error {
	return s.db.ReleaseIdempotencyKey(ctx, status, body)
}
