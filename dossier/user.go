package dossier

import (
	"context"
	"slices"
	"time"
)

// Role is what a user may do (contract §5).
type Role string

// Roles.
const (
	RoleReception  Role = "reception"
	RoleAppraiser  Role = "appraiser"
	RoleApprover   Role = "approver"
	RoleClerk      Role = "clerk"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
	RoleCitizen    Role = "citizen"
)

// Roles lists every role in display order.
var Roles = []Role{RoleReception, RoleAppraiser, RoleApprover, RoleClerk, RoleSupervisor, RoleAdmin, RoleCitizen}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Label returns the Vietnamese name of the role.
func (r Role) Label() string {
	switch r {
	case RoleReception:
		return "Tiếp nhận và trả kết quả"
	case RoleAppraiser:
		return "Thẩm định"
	case RoleApprover:
		return "Lãnh đạo phê duyệt"
	case RoleClerk:
		return "Văn thư"
	case RoleSupervisor:
		return "Giám sát"
	case RoleAdmin:
		return "Quản trị"
	case RoleCitizen:
		return "Công dân"
	}
	return string(r)
}

// User is an officer or a registered citizen.
type User struct {
	ID         int64    `json:"id"`
	Username   string   `json:"username"`
	Name       string   `json:"name"`
	AgencyCode string   `json:"agency_code,omitempty"`
	Position   string   `json:"position,omitempty"` // e.g. "Giám đốc", "Phó Giám đốc"
	Roles      []Role   `json:"roles"`
	Centers    []string `json:"centers,omitempty"`
	Counter    string   `json:"counter,omitempty"` // the officer's own counter, if any
	IDNumber   string   `json:"-"`                 // citizens only
	Phone      string   `json:"phone,omitempty"`
	Email      string   `json:"email,omitempty"`
	Disabled   bool     `json:"disabled"`
	// IdentityLevel is the assurance level of the current session's
	// sign-in (IdentityNone for a password, see IdentityLevel).
	IdentityLevel IdentityLevel `json:"-"`
}

// IdentityLevel is how well an identity provider vouched for a signed-in
// citizen: VNeID accounts are of level 1 or 2 (NĐ 69/2024/NĐ-CP), both
// checked against the national population database; 0 is a password.
type IdentityLevel int

// Identity levels.
const (
	IdentityNone   IdentityLevel = 0 // a password account: the ID number is declared, not verified
	IdentityLevel1 IdentityLevel = 1
	IdentityLevel2 IdentityLevel = 2
)

// Has reports whether u holds role r.
func (u *User) Has(r Role) bool { return u != nil && slices.Contains(u.Roles, r) }

// HasAny reports whether u holds any of rs.
func (u *User) HasAny(rs ...Role) bool {
	for _, r := range rs {
		if u.Has(r) {
			return true
		}
	}
	return false
}

// IsOfficer reports whether u is staff (any role but citizen).
func (u *User) IsOfficer() bool {
	if u == nil {
		return false
	}
	for _, r := range u.Roles {
		if r != RoleCitizen {
			return true
		}
	}
	return false
}

// AtCenter reports whether u works at center code.
func (u *User) AtCenter(code string) bool { return slices.Contains(u.Centers, code) }

// Session is a signed-in session.
type Session struct {
	Token     string // the raw token, only known at creation
	UserID    int64
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
	// IdentityLevel is the level vouched for at sign-in.
	IdentityLevel IdentityLevel
}

// Idle and absolute session limits.
const (
	OfficerIdleTimeout = 15 * time.Minute
	CitizenIdleTimeout = 60 * time.Minute
	SessionLifetime    = 12 * time.Hour
)

type userKey struct{}

// NewContextWithUser returns ctx carrying u.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFromContext returns the signed-in user, or nil.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}
