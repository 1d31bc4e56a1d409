package dossier

import (
	"testing"
	"time"
)

// TestAuthority covers who may decide (approve or refuse) a procedure and
// under which capacity line: own authority (QĐ 299 phần III bước 3),
// delegation by the head (seed IV.2: department head → deputy), checked in
// force at the instant of the decision, for the procedure's agency and the
// procedures it lists, and the capacity lines of NĐ 30/2020 Phụ lục I
// (KT. ký thay, TL. thừa lệnh, TUQ. thừa ủy quyền).
func TestAuthority(t *testing.T) {
	now := at(2026, 11, 27, 10, 0)
	deputy := &User{ID: 8, Name: "Vũ Văn Phó", Roles: []Role{RoleApprover}, AgencyCode: agency, Position: "Phó Giám đốc"}
	director := &User{ID: 10, Name: "Nguyễn Văn Giám", Roles: []Role{RoleApprover}, AgencyCode: agency, Position: "Giám đốc"}
	chief := &User{ID: 11, Name: "Hà Thị Chánh", Roles: []Role{RoleApprover}, AgencyCode: agency, Position: "Chánh Văn phòng"}
	del := func(mod func(*Delegation)) []Delegation {
		d := Delegation{ID: 9, AgencyCode: agency, FromPosition: "Giám đốc", ToUserID: 8, ValidFrom: at(2026, 11, 1, 0, 0),
			ValidTo: at(2026, 12, 1, 0, 0), BasisDocument: "Quyết định 15/QĐ-SKHĐT", Capacity: CapacityKT}
		if mod != nil {
			mod(&d)
		}
		return []Delegation{d}
	}
	noPos := func(p *Procedure) { p.ApproverPosition = "" }
	for _, c := range []struct {
		name       string
		who        *User
		proc       func(*Procedure)
		dels       []Delegation
		principals map[int64]*User
		at         time.Time
		code       string
		line       string // capacity line (history on_behalf_of)
		describe   string
	}{
		{"own authority: the approving position", cast[RoleApprover], nil, nil, nil, now, "", "", "Thẩm quyền của Giám đốc"},
		{"own authority: any leader when the catalog names no position", deputy, noPos, nil, nil, now, "", "", "Thẩm quyền của Phó Giám đốc"},
		{"deputy without delegation", deputy, nil, nil, nil, now, EFORBIDDEN, "", ""},
		{"KT.: delegation in force", deputy, nil, del(nil), nil, now, "", "KT. Giám đốc", "KT. Giám đốc — Quyết định 15/QĐ-SKHĐT"},
		{"TL.: by order of the head", chief, nil, del(func(d *Delegation) { d.ToUserID, d.Capacity = 11, CapacityTL }), nil, now, "", "TL. Giám đốc", "TL. Giám đốc — Quyết định 15/QĐ-SKHĐT"},
		{"TUQ.: by authorisation", deputy, nil, del(func(d *Delegation) { d.Capacity = CapacityTUQ }), nil, now, "", "TUQ. Giám đốc", "TUQ. Giám đốc — Quyết định 15/QĐ-SKHĐT"},
		{"delegation from the first instant", deputy, nil, del(nil), nil, at(2026, 11, 1, 0, 0), "", "KT. Giám đốc", ""},
		{"delegation not yet in force", deputy, nil, del(nil), nil, at(2026, 10, 31, 23, 59), EFORBIDDEN, "", ""},
		{"delegation expired (its end is excluded)", deputy, nil, del(nil), nil, at(2026, 12, 1, 0, 0), EFORBIDDEN, "", ""},
		{"delegation revoked", deputy, nil, del(func(d *Delegation) { d.Revoked = true }), nil, now, EFORBIDDEN, "", ""},
		{"delegation of another agency", deputy, nil, del(func(d *Delegation) { d.AgencyCode = "A2" }), nil, now, EFORBIDDEN, "", ""},
		{"delegation for other procedures", deputy, nil, del(func(d *Delegation) { d.Procedures = []string{"P2"} }), nil, now, EFORBIDDEN, "", ""},
		{"delegation listing the procedure", deputy, nil, del(func(d *Delegation) { d.Procedures = []string{"P2", "P1"} }), nil, now, "", "KT. Giám đốc", ""},
		{"delegation to someone else", deputy, nil, del(func(d *Delegation) { d.ToUserID = 99 }), nil, now, EFORBIDDEN, "", ""},
		{"delegation from a position without the authority", deputy, nil, del(func(d *Delegation) { d.FromPosition = "Trưởng phòng" }), nil, now, EFORBIDDEN, "", ""},
		{"delegation from the director in person", deputy, nil, del(func(d *Delegation) { d.FromPosition, d.FromUserID = "", 10 }),
			map[int64]*User{10: director}, now, "", "KT. Giám đốc", ""},
		{"delegation from a person without a position", deputy, noPos, del(func(d *Delegation) { d.FromPosition, d.FromUserID = "", 12 }),
			map[int64]*User{12: {ID: 12, Name: "Trần Văn Chủ"}}, now, "", "", "Thẩm quyền của Phó Giám đốc"},
		{"own agency's leader of another agency", &User{ID: 13, Roles: []Role{RoleApprover}, AgencyCode: "A2", Position: "Giám đốc"}, nil, nil, nil, now, EFORBIDDEN, "", ""},
		{"not a leader", cast[RoleAppraiser], nil, nil, nil, now, EFORBIDDEN, "", ""},
	} {
		p := procedure()
		if c.proc != nil {
			c.proc(p)
		}
		s, err := Sign(c.who, p, c.at, c.dels, c.principals)
		if ErrorCode(err) != c.code {
			t.Errorf("%s: %v; want %q", c.name, err, c.code)
			continue
		}
		if err != nil {
			continue
		}
		if s.Line() != c.line {
			t.Errorf("%s: line %q; want %q", c.name, s.Line(), c.line)
		}
		if c.describe != "" && s.Describe(c.who) != c.describe {
			t.Errorf("%s: described %q; want %q", c.name, s.Describe(c.who), c.describe)
		}
		ap := s.Approval(c.who, c.at)
		if ap.ApproverID != c.who.ID || ap.Position != c.who.Position || !ap.At.Equal(c.at) ||
			(c.line != "" && (ap.Capacity+" "+ap.OnBehalfOf != c.line || ap.DelegationID != 9)) ||
			(c.line == "" && (ap.Capacity != "" || ap.OnBehalfOf != "" || ap.DelegationID != 0)) {
			t.Errorf("%s: approval %+v", c.name, ap)
		}
	}
	// A delegation given by a person with no position is worded with the
	// person's name.
	if got := Principal(&Delegation{FromUserID: 12}, &User{Name: "Trần Văn Chủ"}); got != "Trần Văn Chủ" {
		t.Errorf("principal = %q", got)
	}
	if got := Principal(&Delegation{FromUserID: 12}, nil); got != "" {
		t.Errorf("unknown principal = %q", got)
	}
}

// TestDecideRecordsTheCapacity: an approval under delegation records the
// capacity line and the legal basis in the history and in the approval.
func TestDecideRecordsTheCapacity(t *testing.T) {
	now := at(2026, 11, 27, 10, 0)
	deputy := &User{ID: 8, Name: "Vũ Văn Phó", Roles: []Role{RoleApprover}, AgencyCode: agency, Position: "Phó Giám đốc"}
	f := facts(now)
	f.Delegations = []Delegation{{ID: 9, AgencyCode: agency, FromPosition: "Giám đốc", ToUserID: 8, ValidFrom: at(2026, 1, 1, 0, 0),
		ValidTo: at(2027, 1, 1, 0, 0), BasisDocument: "QĐ 15/QĐ-SKHĐT", Capacity: CapacityKT}}
	d := dossierIn(StatusAwaitingApproval)
	actUnder(t, d, deputy, full(ActApprove, d.Version), f)
	h := d.History[0]
	if h.OnBehalfOf != "KT. Giám đốc" || h.Note != "Ghi chú Theo ủy quyền: QĐ 15/QĐ-SKHĐT" {
		t.Errorf("history = %+v", h)
	}
	if d.Approval == nil || d.Approval.Capacity != "KT." || d.Approval.OnBehalfOf != "Giám đốc" || d.Approval.ApproverName != "Vũ Văn Phó" {
		t.Errorf("approval = %+v", d.Approval)
	}
}

// TestDelegationValidate: a delegation names who gives it and to whom, a
// period, a legal basis and a capacity other than one's own (NĐ 30/2020
// Phụ lục I).
func TestDelegationValidate(t *testing.T) {
	ok := Delegation{FromPosition: "Giám đốc", ToUserID: 8, ValidFrom: at(2026, 1, 1, 0, 0), ValidTo: at(2026, 2, 1, 0, 0), BasisDocument: "QĐ 1", Capacity: CapacityTUQ}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid delegation: %v", err)
	}
	bad := Delegation{ValidFrom: at(2026, 2, 1, 0, 0), ValidTo: at(2026, 1, 1, 0, 0), Capacity: CapacityOwn}
	err := bad.Validate()
	if ErrorCode(err) != EINVALID || len(ErrorFields(err)) != 5 {
		t.Errorf("bad delegation: %v %+v", err, ErrorFields(err))
	}
	for c, label := range map[Capacity]string{CapacityKT: "Ký thay", CapacityTL: "Thừa lệnh", CapacityTUQ: "Thừa ủy quyền", CapacityOwn: "Ký theo thẩm quyền"} {
		if !c.Valid() || c.Label() != label {
			t.Errorf("capacity %q: valid %v label %q", c, c.Valid(), c.Label())
		}
	}
	if Capacity("TM.").Valid() {
		t.Errorf("TM. is not a delegation capacity")
	}
}

// TestNewDelegationAndShift: a creation request never carries the id (the
// store assigns it) nor, for a delegation, the revoked flag — a delegation
// starts in force and ends early only by revocation, its own audited act
// (seed IV.2). A shift is a leader at a center for at most MaxShift.
func TestNewDelegationAndShift(t *testing.T) {
	from, to := at(2026, 11, 1, 0, 0), at(2026, 12, 1, 0, 0)
	for _, c := range []struct {
		name string
		in   Delegation
	}{
		{"as sent", Delegation{AgencyCode: agency, ToUserID: 8, ValidFrom: from, ValidTo: to, Capacity: CapacityKT}},
		{"with an id", Delegation{ID: 41, AgencyCode: agency, ToUserID: 8, ValidFrom: from, ValidTo: to, Capacity: CapacityKT}},
		{"revoked", Delegation{AgencyCode: agency, ToUserID: 8, ValidFrom: from, ValidTo: to, Capacity: CapacityKT, Revoked: true}},
		{"both", Delegation{ID: 41, AgencyCode: agency, ToUserID: 8, ValidFrom: from, ValidTo: to, Capacity: CapacityKT, Revoked: true}},
	} {
		got := c.in.AsNew()
		want := c.in
		want.ID, want.Revoked = 0, false
		if got.ID != 0 || got.Revoked || got.AgencyCode != want.AgencyCode || got.ToUserID != want.ToUserID ||
			!got.ValidFrom.Equal(want.ValidFrom) || !got.ValidTo.Equal(want.ValidTo) || got.Capacity != want.Capacity {
			t.Errorf("%s: AsNew = %+v; want %+v", c.name, got, want)
		}
		if !got.Covers("2.001610", from) {
			t.Errorf("%s: a new delegation is not in force at its start", c.name)
		}
	}
	start := at(2026, 11, 27, 7, 30)
	for _, c := range []struct {
		name  string
		in    LeaderShift
		valid bool
	}{
		{"a morning", LeaderShift{ID: 5, UserID: 8, CenterCode: "BN.TTHCC", StartsAt: start, EndsAt: start.Add(4 * time.Hour)}, true},
		{"a whole day", LeaderShift{UserID: 8, CenterCode: "BN.TTHCC", StartsAt: start, EndsAt: start.Add(MaxShift)}, true},
		{"longer than a day", LeaderShift{UserID: 8, CenterCode: "BN.TTHCC", StartsAt: start, EndsAt: start.Add(MaxShift + time.Minute)}, false},
		{"ends before it starts", LeaderShift{UserID: 8, CenterCode: "BN.TTHCC", StartsAt: start, EndsAt: start.Add(-time.Hour)}, false},
		{"empty period", LeaderShift{UserID: 8, CenterCode: "BN.TTHCC", StartsAt: start, EndsAt: start}, false},
		{"no leader", LeaderShift{CenterCode: "BN.TTHCC", StartsAt: start, EndsAt: start.Add(time.Hour)}, false},
		{"no center", LeaderShift{UserID: 8, StartsAt: start, EndsAt: start.Add(time.Hour)}, false},
	} {
		sh := c.in.AsNew()
		if sh.ID != 0 || sh.UserID != c.in.UserID || sh.CenterCode != c.in.CenterCode {
			t.Errorf("%s: AsNew = %+v", c.name, sh)
		}
		err := sh.Validate()
		if (err == nil) != c.valid || (err != nil && ErrorCode(err) != EINVALID) {
			t.Errorf("%s: Validate = %v; want valid %v", c.name, err, c.valid)
		}
	}
}
