package dossier

import (
	"slices"
	"time"
)

// Capacity is the signing capacity printed above a signature.
type Capacity string

// Signing capacities (Decree 30/2020 annex I).
const (
	CapacityOwn Capacity = ""     // signs in own name
	CapacityKT  Capacity = "KT."  // ký thay
	CapacityTL  Capacity = "TL."  // thừa lệnh
	CapacityTUQ Capacity = "TUQ." // thừa ủy quyền
)

// Valid reports whether c is a known capacity.
func (c Capacity) Valid() bool {
	return c == CapacityOwn || c == CapacityKT || c == CapacityTL || c == CapacityTUQ
}

// Delegation transfers approval authority (ủy quyền) from a person or a
// position to a person, for a set of procedures, for a period, on a legal
// basis.
type Delegation struct {
	ID            int64     `json:"id"`
	AgencyCode    string    `json:"agency_code"`
	FromUserID    int64     `json:"from_user_id,omitempty"`
	FromPosition  string    `json:"from_position,omitempty"`
	ToUserID      int64     `json:"to_user_id"`
	ToName        string    `json:"to_name,omitempty"`
	Procedures    []string  `json:"procedures"` // empty = all of the agency's
	ValidFrom     time.Time `json:"valid_from"`
	ValidTo       time.Time `json:"valid_to"`
	BasisDocument string    `json:"basis_document"`
	Capacity      Capacity  `json:"capacity"`
	Revoked       bool      `json:"revoked"`
}

// Covers reports whether d lets its delegate approve procedure code at t.
func (d *Delegation) Covers(procedure string, t time.Time) bool {
	if d.Revoked || t.Before(d.ValidFrom) || !t.Before(d.ValidTo) {
		return false
	}
	return len(d.Procedures) == 0 || slices.Contains(d.Procedures, procedure)
}

// Validate checks a delegation.
func (d *Delegation) Validate() error {
	var fs []FieldError
	add := func(f, m string) { fs = append(fs, FieldError{Field: f, Message: m}) }
	if d.FromUserID == 0 && d.FromPosition == "" {
		add("from_position", "Cần người hoặc chức danh ủy quyền")
	}
	if d.ToUserID == 0 {
		add("to_user_id", "Cần người được ủy quyền")
	}
	if d.ValidFrom.IsZero() || d.ValidTo.IsZero() || !d.ValidFrom.Before(d.ValidTo) {
		add("valid_to", "Thời hạn ủy quyền không hợp lệ")
	}
	if d.BasisDocument == "" {
		add("basis_document", "Cần văn bản làm căn cứ ủy quyền")
	}
	if !d.Capacity.Valid() || d.Capacity == CapacityOwn {
		add("capacity", "Hình thức ký phải là KT., TL. hoặc TUQ.")
	}
	if len(fs) > 0 {
		return Invalid("Ủy quyền không hợp lệ", fs...)
	}
	return nil
}

// Authority decides whether approver may approve procedure p at t: in their
// own right (their position is the procedure's approving position, in the
// procedure's agency) or by one of the delegations given. It returns the
// delegation used (nil for own authority) or EFORBIDDEN.
func Authority(approver *User, p *Procedure, t time.Time, ds []Delegation) (*Delegation, error) {
	if !approver.Has(RoleApprover) {
		return nil, Errorf(EFORBIDDEN, "Chỉ lãnh đạo có thẩm quyền được phê duyệt")
	}
	if approver.AgencyCode == p.AgencyCode && (p.ApproverPosition == "" || approver.Position == p.ApproverPosition) {
		return nil, nil
	}
	for i := range ds {
		d := &ds[i]
		if d.ToUserID == approver.ID && d.AgencyCode == p.AgencyCode && d.Covers(p.Code, t) {
			return d, nil
		}
	}
	return nil, Errorf(EFORBIDDEN, "Ông/bà không có thẩm quyền hoặc ủy quyền còn hiệu lực để phê duyệt thủ tục %s", p.Code)
}

// LeaderShift is a period when a leader is on site at a center.
type LeaderShift struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"user_id"`
	UserName   string    `json:"user_name,omitempty"`
	CenterCode string    `json:"center_code"`
	StartsAt   time.Time `json:"starts_at"`
	EndsAt     time.Time `json:"ends_at"`
}

// Register is a numbering book (sổ đăng ký) per agency, year and result type.
type Register struct {
	ID             int64  `json:"id"`
	AgencyCode     string `json:"agency_code"`
	Year           int    `json:"year"`
	ResultTypeCode string `json:"result_type_code"`
	Symbol         string `json:"symbol"` // e.g. "GP-SXD"
	Last           int64  `json:"last"`
}

// SealKind tells the physical second seal from the electronic seal.
type SealKind string

// Seal kinds.
const (
	SealPhysical   SealKind = "physical"
	SealElectronic SealKind = "electronic"
)

// Seal is one of an agency's seals.
type Seal struct {
	ID         int64    `json:"id"`
	AgencyCode string   `json:"agency_code"`
	Kind       SealKind `json:"kind"`
	Name       string   `json:"name"`
	CenterCode string   `json:"center_code,omitempty"`
	KeyRef     string   `json:"key_ref,omitempty"` // where the electronic seal key is
	Active     bool     `json:"active"`
}

// GuidanceSlip is Mẫu 02: what an incomplete dossier lacks, told once.
type GuidanceSlip struct {
	ID            int64       `json:"id"`
	Number        string      `json:"number"`
	ProcedureCode string      `json:"procedure_code"`
	ProcedureName string      `json:"procedure_name"`
	CenterCode    string      `json:"center_code"`
	Applicant     Applicant   `json:"applicant"`
	Missing       []Component `json:"missing"`
	Note          string      `json:"note,omitempty"`
	Officer       string      `json:"officer"`
	CreatedAt     time.Time   `json:"created_at"`
}

// AuditEntry is one row of the hash-chained audit log.
type AuditEntry struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Summary    string    `json:"summary"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}
