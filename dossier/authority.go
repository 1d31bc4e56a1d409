package dossier

import (
	"slices"
	"strings"
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

// AsNew returns d as a request to create a delegation: the store assigns
// the id, and a delegation starts in force for its period (seed IV.2). It
// ends early only through revocation, an act of its own with its own audit
// entry (workflow.RevokeDelegation), so a creation request — JSON or form —
// cannot carry an id or a revoked flag.
func (d Delegation) AsNew() Delegation {
	d.ID, d.Revoked = 0, false
	return d
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

// Label returns the Vietnamese name of the capacity (Decree 30/2020
// annex I).
func (c Capacity) Label() string {
	switch c {
	case CapacityKT:
		return "Ký thay"
	case CapacityTL:
		return "Thừa lệnh"
	case CapacityTUQ:
		return "Thừa ủy quyền"
	}
	return "Ký theo thẩm quyền"
}

// Signing is how a leader signs a decision on a dossier (approval or
// refusal): in their own right, or on behalf of the principal who holds the
// authority, under a delegation.
type Signing struct {
	Capacity Capacity
	// Principal is the position signed for ("Giám đốc"); empty on own
	// authority.
	Principal  string
	Delegation *Delegation
}

// Line is the capacity line printed above the signer's position and kept
// as the history's on_behalf_of: "KT. Giám đốc", "TL. Giám đốc",
// "TUQ. Chủ tịch" (Decree 30/2020 annex I); empty on own authority.
// Printed forms set it in capitals.
func (s Signing) Line() string {
	if s.Capacity == CapacityOwn {
		return ""
	}
	return strings.TrimSpace(string(s.Capacity) + " " + s.Principal)
}

// Describe tells a leader under which authority they sign: "Thẩm quyền của
// Giám đốc", or the capacity line and the delegation's legal basis.
func (s Signing) Describe(signer *User) string {
	if s.Delegation == nil {
		return "Thẩm quyền của " + strings.TrimSpace(signer.Position)
	}
	return s.Line() + " — " + s.Delegation.BasisDocument
}

// Approval returns the approval record of signer signing at t.
func (s Signing) Approval(signer *User, at time.Time) *Approval {
	ap := &Approval{ApproverID: signer.ID, ApproverName: signer.Name, Position: signer.Position, At: at}
	if s.Delegation != nil {
		ap.Capacity, ap.OnBehalfOf, ap.DelegationID = string(s.Capacity), s.Principal, s.Delegation.ID
	}
	return ap
}

// Principal returns the position a delegation is given on behalf of: its
// FromPosition, else the position of the delegating user from (else their
// name, when they have no position).
func Principal(d *Delegation, from *User) string {
	if d.FromPosition != "" {
		return d.FromPosition
	}
	if from != nil {
		if from.Position != "" {
			return from.Position
		}
		return from.Name
	}
	return ""
}

// ErrNoAuthority is the refusal of a leader without authority.
func errNoAuthority(p *Procedure) error {
	return Errorf(EFORBIDDEN, "Ông/bà không có thẩm quyền hoặc ủy quyền còn hiệu lực để quyết định đối với thủ tục %s", p.Code)
}

// Authority decides whether approver may decide (approve or refuse)
// procedure p at t: in their own right (an approver of the procedure's
// agency holding its approving position) or by one of the delegations
// given, which must be in force at t, of the procedure's agency, cover the
// procedure and come from the position that holds the authority. It
// returns the delegation used (nil for own authority) or EFORBIDDEN.
// principals resolves delegations given by a person (FromUserID); it may
// be nil.
func Authority(approver *User, p *Procedure, t time.Time, ds []Delegation, principals map[int64]*User) (*Delegation, error) {
	if !approver.Has(RoleApprover) {
		return nil, Errorf(EFORBIDDEN, "Chỉ lãnh đạo có thẩm quyền được phê duyệt hoặc từ chối")
	}
	if approver.AgencyCode == p.AgencyCode && (p.ApproverPosition == "" || approver.Position == p.ApproverPosition) {
		return nil, nil
	}
	for i := range ds {
		d := &ds[i]
		if d.ToUserID != approver.ID || d.AgencyCode != p.AgencyCode || !d.Covers(p.Code, t) {
			continue
		}
		// One can delegate only the authority one holds.
		if from := Principal(d, principals[d.FromUserID]); p.ApproverPosition != "" && from != "" && from != p.ApproverPosition {
			continue
		}
		return d, nil
	}
	return nil, errNoAuthority(p)
}

// Sign resolves how approver signs a decision on procedure p at t (see
// Authority): the one place where the capacity and the on-behalf wording
// are decided.
func Sign(approver *User, p *Procedure, t time.Time, ds []Delegation, principals map[int64]*User) (Signing, error) {
	d, err := Authority(approver, p, t, ds, principals)
	if err != nil {
		return Signing{}, err
	}
	if d == nil {
		return Signing{}, nil
	}
	return Signing{Capacity: d.Capacity, Principal: Principal(d, principals[d.FromUserID]), Delegation: d}, nil
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

// MaxShift is the longest on-site shift one entry of the leaders' schedule
// may cover.
const MaxShift = 24 * time.Hour

// AsNew returns sh as a request to create a shift: the store assigns the id.
func (sh LeaderShift) AsNew() LeaderShift {
	sh.ID = 0
	return sh
}

// Validate checks a shift: a leader, a center, and a period that ends
// after it starts and lasts at most MaxShift.
func (sh *LeaderShift) Validate() error {
	if sh.UserID == 0 || sh.CenterCode == "" || !sh.StartsAt.Before(sh.EndsAt) || sh.EndsAt.Sub(sh.StartsAt) > MaxShift {
		return Invalid("Lịch trực không hợp lệ", FieldError{Field: "ends_at", Message: "Cần người, trung tâm và khoảng thời gian (tối đa 24 giờ)"})
	}
	return nil
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
	// Covers lists digests of the history and result rows written with
	// the entry ("h<id>=<digest>", "r<id>=<digest>"); it is hashed with
	// the entry when not empty.
	Covers   string `json:"covers,omitempty"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}
