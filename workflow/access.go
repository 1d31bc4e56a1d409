package workflow

import (
	"context"
	"encoding/json"
	"io"
	"strconv"

	"motcua/blob"
	"motcua/dossier"
	"motcua/store"
)

// Access to personal data (issue 16, security.md ASVS 8.2.2 and 16.3.2 at
// L3). Officers read applicants' data only through the dossiers of their
// own unit's work (ScopeOf), and every such read is recorded — who, what,
// when and why (the dossier) — before the data is released: a read that
// cannot be recorded is refused (fail closed). Citizens reading their own
// data are not recorded.

// Kinds of personal-data reads in the access log.
const (
	ReadDossier      = "dossier"
	ReadFile         = "file"
	ReadReceipt      = "receipt"
	ReadControlSlip  = "control_slip"
	ReadApology      = "apology"
	ReadResult       = "result"
	ReadWarehouse    = "warehouse"
	ReadReuse        = "reuse"
	ReadGuidanceSlip = "guidance_slip"
	ReadPayments     = "payments"
	ReadEReceipt     = "e_receipt"
	ReadLedger       = "ledger"
)

// recordRead records an officer's read of personal data in its own
// transaction. A citizen's read of their own data is not recorded.
func (s *Service) recordRead(ctx context.Context, u *dossier.User, a store.Access) error {
	if u == nil || !u.IsOfficer() {
		return nil
	}
	a.UserID, a.Username = u.ID, u.Username
	return s.db.InTx(ctx, s.now(), func(tx *store.Tx) error { return tx.RecordAccess(a) })
}

// accessOf describes a read of what (objectID) in dossier d.
func accessOf(what, objectID string, d *dossier.Dossier) store.Access {
	return store.Access{What: what, ObjectID: objectID, Subject: dossier.MaskID(d.Applicant.IDNumber), DossierCode: d.Code,
		CenterCode: d.CenterCode, AgencyCode: d.AgencyCode}
}

// readDossier returns a dossier the caller may see and records the read
// as what (objectID).
func (s *Service) readDossier(ctx context.Context, u *dossier.User, code, what, objectID string) (*dossier.Dossier, error) {
	d, err := s.Dossier(ctx, u, code)
	if err != nil {
		return nil, err
	}
	if err := s.recordRead(ctx, u, accessOf(what, objectID, d)); err != nil {
		return nil, err
	}
	return d, nil
}

// DossierRead is a dossier as it is shown (GET /api/v1/dossiers/{code}):
// the dossier and its timeline, the steps with their due and actual times
// (dossier.Timeline), as the officer's dossier page shows them.
type DossierRead struct {
	*dossier.Dossier
	Timeline []dossier.TimelineStep `json:"timeline"`
}

// ReadDossier returns a dossier the caller may see, with its timeline, to
// show it: an officer's read is recorded. Whoever may see the dossier
// sees its timeline. (Dossier is the same check without the record, for
// use cases that only need to know the dossier.)
func (s *Service) ReadDossier(ctx context.Context, u *dossier.User, code string) (*DossierRead, error) {
	d, err := s.readDossier(ctx, u, code, ReadDossier, "")
	if err != nil {
		return nil, err
	}
	p, err := s.db.Procedure(ctx, d.ProcedureCode)
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		p, err = nil, nil // gone from the catalog: the steps taken only
	}
	if err != nil {
		return nil, err
	}
	tl := dossier.Timeline(d, p, s.CalendarFor(d.CenterCode), s.now())
	if tl == nil {
		tl = []dossier.TimelineStep{}
	}
	return &DossierRead{Dossier: d, Timeline: tl}, nil
}

// OpenFile opens a file — an uploaded component or a generated document —
// that the caller may read: they uploaded it, or it belongs to a dossier
// within their scope. An officer's read is recorded with that dossier.
// The caller closes the file.
func (s *Service) OpenFile(ctx context.Context, u *dossier.User, id string) (*store.BlobMeta, io.ReadSeekCloser, error) {
	if u == nil {
		return nil, nil, unauthorized()
	}
	meta, err := s.db.BlobAccess(ctx, id, u.ID, ScopeOf(u))
	if err != nil {
		return nil, nil, err
	}
	if u.IsOfficer() {
		a := store.Access{What: ReadFile, ObjectID: meta.ID}
		ref, applicant, err := s.db.BlobDossier(ctx, meta.ID, ScopeOf(u))
		switch {
		case err == nil:
			a.DossierCode, a.CenterCode, a.AgencyCode, a.Subject = ref.Code, ref.CenterCode, ref.AgencyCode, dossier.MaskID(applicant)
		case dossier.ErrorCode(err) == dossier.ENOTFOUND:
			a.Purpose = "Tệp do chính cán bộ tải lên, chưa thuộc hồ sơ nào"
		default:
			return nil, nil, err
		}
		if err := s.recordRead(ctx, u, a); err != nil {
			return nil, nil, err
		}
	}
	f, err := s.OpenBlob(ctx, meta.ID)
	if err != nil {
		return nil, nil, err
	}
	return meta, f, nil
}

// warehouseRoles may look into an applicant's warehouse.
var warehouseRoles = []dossier.Role{dossier.RoleReception, dossier.RoleAppraiser, dossier.RoleApprover, dossier.RoleAdmin}

// Warehouse lists the results held by the applicant with identifier
// idNumber, for an officer handling one of that applicant's dossiers in
// their own unit's work: dossierCode names it, or (empty) the applicant's
// latest dossier within the caller's scope is the reason recorded. An
// applicant with no dossier in the caller's scope is ENOTFOUND, the same
// as an unknown identifier. Every read is recorded.
func (s *Service) Warehouse(ctx context.Context, u *dossier.User, idNumber, dossierCode string) ([]store.WarehouseItem, error) {
	if u == nil {
		return nil, unauthorized()
	}
	if !u.HasAny(warehouseRoles...) {
		return nil, forbidden("Không có quyền tra cứu kho dữ liệu")
	}
	nf := dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy người nộp này trong hồ sơ ông/bà đang xử lý")
	var d *dossier.Dossier
	if dossierCode != "" {
		var err error
		if d, err = s.Dossier(ctx, u, dossierCode); err != nil {
			return nil, nf
		}
		if idNumber == "" {
			idNumber = d.Applicant.IDNumber
		}
		if d.Applicant.IDNumber != idNumber {
			return nil, nf
		}
	} else {
		if idNumber == "" || len(idNumber) > 64 {
			return nil, nf
		}
		refs, err := s.db.ApplicantDossiers(ctx, idNumber, ScopeOf(u), 1)
		if err != nil {
			return nil, err
		}
		if len(refs) == 0 {
			return nil, nf
		}
		d = &dossier.Dossier{Code: refs[0].Code, CenterCode: refs[0].CenterCode, AgencyCode: refs[0].AgencyCode,
			Applicant: dossier.Applicant{IDNumber: idNumber}}
	}
	if err := s.recordRead(ctx, u, accessOf(ReadWarehouse, "", d)); err != nil {
		return nil, err
	}
	items, err := s.db.Warehouse(ctx, idNumber)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []store.WarehouseItem{}
	}
	return items, nil
}

// AccessQuery selects entries of the access log.
type AccessQuery struct {
	Dossier string
	UserID  int64
	Limit   int
	Cursor  string
}

// AccessLog lists the personal-data access log: admins see all of it,
// supervisors the reads of their centers' dossiers; nobody else.
func (s *Service) AccessLog(ctx context.Context, u *dossier.User, q AccessQuery) ([]store.Access, string, error) {
	if u == nil {
		return nil, "", unauthorized()
	}
	f := store.AccessFilter{Dossier: q.Dossier, UserID: q.UserID, Limit: q.Limit, Cursor: q.Cursor}
	switch {
	case u.Has(dossier.RoleAdmin):
		f.All = true
	case u.Has(dossier.RoleSupervisor):
		f.Centers = u.Centers
	default:
		return nil, "", forbidden("Chỉ quản trị viên và giám sát viên được xem nhật ký truy cập dữ liệu cá nhân")
	}
	return s.db.AccessLog(ctx, f)
}

// Seals lists seals: admins see every agency's (or agency's) with the
// reference of the signing key; other officers their own agency's,
// without it; citizens none.
func (s *Service) Seals(ctx context.Context, u *dossier.User, agency string) ([]dossier.Seal, error) {
	if u == nil {
		return nil, unauthorized()
	}
	if !u.IsOfficer() {
		return nil, forbidden("Không có quyền xem danh sách con dấu")
	}
	admin := u.Has(dossier.RoleAdmin)
	if !admin {
		agency = u.AgencyCode
		if agency == "" {
			return []dossier.Seal{}, nil
		}
	}
	ss, err := s.db.Seals(ctx, agency)
	if err != nil {
		return nil, err
	}
	if ss == nil {
		ss = []dossier.Seal{}
	}
	if !admin {
		for i := range ss {
			ss[i].KeyRef = ""
		}
	}
	return ss, nil
}

// LeaderShifts lists the leaders' on-site shifts of a center from a day
// ago to two weeks ahead (ShiftsAhead decides who may).
func (s *Service) LeaderShifts(ctx context.Context, u *dossier.User, center string) ([]dossier.LeaderShift, error) {
	return s.ShiftsAhead(ctx, u, center, 14)
}

// GuidanceSlip returns a guidance slip (Mẫu 02) to the reception officers
// and supervisors of the center that wrote it, and to admins; otherwise
// ENOTFOUND. The read
// is recorded (the slip names the applicant).
func (s *Service) GuidanceSlip(ctx context.Context, u *dossier.User, id int64) (*dossier.GuidanceSlip, error) {
	if u == nil {
		return nil, unauthorized()
	}
	nf := dossier.Errorf(dossier.ENOTFOUND, "Không tìm thấy phiếu hướng dẫn")
	g, err := s.db.GuidanceSlip(ctx, id)
	if err != nil {
		return nil, nf
	}
	if !u.Has(dossier.RoleAdmin) && !(u.HasAny(dossier.RoleReception, dossier.RoleSupervisor) && u.AtCenter(g.CenterCode)) {
		return nil, nf
	}
	a := store.Access{What: ReadGuidanceSlip, ObjectID: strconv.FormatInt(g.ID, 10), Subject: dossier.MaskID(g.Applicant.IDNumber),
		Purpose: "Phiếu hướng dẫn " + g.Number, CenterCode: g.CenterCode}
	if err := s.recordRead(ctx, u, a); err != nil {
		return nil, err
	}
	return g, nil
}

// attachable reports whether u may attach blob id to a dossier: only a
// file u uploaded (holding its bytes), never one known by its id — ids
// are content hashes, and an issued result's is public on its
// verification page.
func attachable(tx *store.Tx, u *dossier.User, id string) (bool, error) {
	if !blob.ValidID(id) {
		return false, nil
	}
	return tx.UploadedBy(id, u.ID)
}

// heldResult returns the warehouse result documentCode that u may reuse
// in a dossier for the applicant idNumber, or nil: online, a citizen
// reuses only results they hold — those of dossiers their account
// submitted (a self-declared identifier proves nothing); at the counter,
// the reception officer reuses the results of the applicant of the dossier
// being received. An unknown code and someone else's are the same nil,
// from the same single query.
func heldResult(tx *store.Tx, u *dossier.User, online bool, idNumber, documentCode string) (*store.WarehouseItem, error) {
	if len(documentCode) > 128 {
		return nil, nil
	}
	var w *store.WarehouseItem
	var err error
	if online {
		w, err = tx.HeldResult(u.ID, documentCode)
	} else {
		w, err = tx.WarehouseItem(idNumber, documentCode)
	}
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		return nil, nil
	}
	return w, err
}

// recordReuse audits each result reused from the warehouse in the new
// dossier d, and records an officer's use of it as a read of personal data
// whose reason is d.
func recordReuse(tx *store.Tx, u *dossier.User, d *dossier.Dossier) error {
	for _, c := range d.Components {
		if c.ReusedFrom == "" {
			continue
		}
		sum, _ := json.Marshal(map[string]string{"component": c.Code, "document_code": c.ReusedFrom})
		if err := tx.Audit(u.Username, "reuse_result", "dossier", d.Code, string(sum)); err != nil {
			return err
		}
		if u.IsOfficer() {
			a := accessOf(ReadReuse, c.ReusedFrom, d)
			a.UserID, a.Username = u.ID, u.Username
			if err := tx.RecordAccess(a); err != nil {
				return err
			}
		}
	}
	return nil
}

// MayReadMetrics reports whether u may read the server's operational
// metrics (/metrics): admins only. A scraper without an account is let in
// by network address, configured at start (web.Options.MetricsAllow).
func MayReadMetrics(u *dossier.User) bool { return u.Has(dossier.RoleAdmin) }
