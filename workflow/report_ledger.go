package workflow

import (
	"context"
	"time"

	"motcua/dossier"
	"motcua/store"
)

// LedgerInfo describes a ledger (sổ theo dõi hồ sơ) of one center and
// period: Mẫu 06 of Circular 01/2018, Mẫu 07 of Circular 03/2025, chosen by
// the form set in force at the start of the period.
type LedgerInfo struct {
	Center  dossier.Center
	Parent  string // the center's parent body (e.g. "Ủy ban nhân dân tỉnh Bắc Ninh")
	FormSet string // "TT01/2018" or "TT03/2025"
	Query   ReportQuery
	At      time.Time // when the ledger was made (its date line)
}

// Ledger streams the dossiers received at center q.Center in the period to
// fn, in order of receipt. Supervisors of that center and admins may.
func (s *Service) Ledger(ctx context.Context, u *dossier.User, q ReportQuery, fn func(store.LedgerRow) error) (*LedgerInfo, error) {
	if q.Center == "" {
		return nil, dossier.Invalid("Cần chọn trung tâm", dossier.FieldError{Field: "center", Message: "Cần mã trung tâm"})
	}
	rs, err := s.checkReport(u, q)
	if err != nil {
		return nil, err
	}
	c, err := s.Center(ctx, q.Center)
	if err != nil {
		return nil, err
	}
	fs, err := s.FormSetAt(ctx, rs.start)
	if err != nil {
		return nil, err
	}
	info := &LedgerInfo{Query: q, Center: *c, FormSet: fs, At: s.now()}
	if a, err := s.db.Agency(ctx, info.Center.AgencyCode); err == nil && a.ParentCode != "" {
		if p, err := s.db.Agency(ctx, a.ParentCode); err == nil {
			info.Parent = p.Name
		}
	}
	// The ledger lists applicants' names, addresses and phones: recorded.
	if err := s.recordRead(ctx, u, store.Access{What: ReadLedger, CenterCode: q.Center,
		Purpose: "Sổ theo dõi hồ sơ " + q.From + " – " + q.To}); err != nil {
		return nil, err
	}
	return info, s.db.LedgerRows(ctx, q.Center, rs.start, rs.end, fn)
}
