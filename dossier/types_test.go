package dossier

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestApplicantValidate: identifiers of the population database (12-digit
// personal identifier, CCCD) and tax codes with their check digit
// (regulation.md Part B §3).
func TestApplicantValidate(t *testing.T) {
	for _, c := range []struct {
		a      Applicant
		fields []string
	}{
		{Applicant{Kind: ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234", Phone: "0912 345 678", Email: "a@b.vn"}, nil},
		{Applicant{Kind: ApplicantOrganization, Name: "Công ty TNHH Hoa Sen", IDNumber: "0100109106"}, nil},
		{Applicant{Kind: ApplicantOrganization, Name: "Chi nhánh", IDNumber: "0100109106-001"}, nil},
		{Applicant{Kind: ApplicantOrganization, Name: "Sai mã", IDNumber: "0100109107"}, []string{"p.id_number"}},
		{Applicant{Kind: ApplicantCitizen, Name: "A", IDNumber: "000190001234", Phone: "x", Email: "no-at", Address: strings.Repeat("a", 501)},
			[]string{"p.id_number", "p.name", "p.phone", "p.email", "p.address"}},
		{Applicant{Kind: "robot", Name: "Rô bốt"}, []string{"p.kind"}},
	} {
		var got []string
		for _, f := range c.a.Validate("p.") {
			got = append(got, f.Field)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.fields) {
			t.Errorf("%+v: fields %v; want %v", c.a, got, c.fields)
		}
	}
	if ValidPersonalID("12345") || !ValidPersonalID("001203001234") || ValidPersonalID("097203001234") {
		t.Errorf("personal identifier: province codes run 001–096")
	}
}

// TestCodesAndNumbers: the dossier code of Circular 01/2018 Art. 19, the
// register number of NĐ 30/2020 ("05/QĐ-UBND"), the document code of
// NĐ 45/2020, masks for public lookup.
func TestCodesAndNumbers(t *testing.T) {
	if got := DossierCode("000.00.21.H06", at(2026, 11, 26, 9, 0), 7); got != "000.00.21.H06-261126-0007" {
		t.Errorf("dossier code = %q", got)
	}
	if got := FormatNumber(5, "QĐ-UBND"); got != "05/QĐ-UBND" {
		t.Errorf("number = %q", got)
	}
	if got := FormatNumber(123, "GP-SXD"); got != "123/GP-SXD" {
		t.Errorf("number = %q", got)
	}
	if got := DocumentCode("027190001234", "GCN", 2026, 12); got != "027190001234.GCN.2026.000012" {
		t.Errorf("document code = %q", got)
	}
	if !ValidIdentifier("000.00.21.H06") || ValidIdentifier("BN.SKHDT") {
		t.Errorf("agency identifier shape")
	}
	if got := MaskName("Nguyễn Thị Ánh Tuyết"); got != "N***** T** Á** Tuyết" {
		t.Errorf("mask name = %q", got)
	}
	if MaskID("001203001234") != "********1234" || MaskID("123") != "***" { // issue 16: the last 4 digits only
		t.Errorf("mask id")
	}
}

// TestLabels: the Vietnamese labels with legal meaning (contract §4 status
// labels, TT 01/2018 forms' wording) and the enumerations.
func TestLabels(t *testing.T) {
	want := map[Status]string{StatusSubmitted: "Chờ tiếp nhận", StatusReceived: "Đã tiếp nhận", StatusAppraising: "Đang thẩm định",
		StatusAwaitingApproval: "Chờ phê duyệt", StatusApproved: "Đã phê duyệt", StatusIssued: "Đã lấy số, đóng dấu",
		StatusReturned: "Đã trả kết quả", StatusSupplementRequested: "Chờ bổ sung", StatusRefused: "Từ chối giải quyết",
		StatusWithdrawn: "Công dân rút hồ sơ"}
	for s, l := range want {
		if s.Label() != l || !s.Valid() {
			t.Errorf("%s: label %q; want %q", s, s.Label(), l)
		}
	}
	if len(want) != len(Statuses) || Status("x").Valid() || Status("x").Label() != "x" {
		t.Errorf("statuses")
	}
	for _, r := range Rules {
		if r.Action.Label() != r.Label || r.Label == "" || r.Basis == "" {
			t.Errorf("rule %s lacks a label or its legal basis", r.Action)
		}
	}
	for _, r := range Roles {
		if !r.Valid() || r.Label() == string(r) {
			t.Errorf("role %s", r)
		}
	}
	if Role("x").Valid() || Role("x").Label() != "x" {
		t.Errorf("unknown role")
	}
	for _, l := range []Level{LevelProvince, LevelDistrict, LevelCommune} {
		if !l.Valid() || l.Label() == string(l) {
			t.Errorf("level %s", l)
		}
	}
	if Level("x").Valid() || Level("x").Label() != "x" || OnlineLevel("x").Valid() || !OnlineFull.Valid() {
		t.Errorf("unknown level")
	}
	// NĐ 42/2022 Art. 11.1: an online service is toàn trình or một phần.
	for o, online := range map[OnlineLevel]bool{OnlineFull: true, OnlinePartial: true, OnlineNone: false, "x": false} {
		if o.Online() != online {
			t.Errorf("OnlineLevel(%q).Online() = %v", o, !online)
		}
	}
	if !ChannelPostal.Valid() || Channel("fax").Valid() {
		t.Errorf("channels")
	}
	if u := (&User{Roles: []Role{RoleCitizen}}); u.IsOfficer() || (*User)(nil).IsOfficer() || !cast[RoleClerk].IsOfficer() {
		t.Errorf("officers")
	}
}

// TestCatalog: agencies and procedures as the catalog accepts them, and
// the "5 tại chỗ" designation by effective date (QĐ 299).
func TestCatalog(t *testing.T) {
	if err := (&Agency{Code: "A1", Name: "Sở", Level: LevelProvince}).Validate(); err != nil {
		t.Errorf("agency: %v", err)
	}
	if err := (&Agency{Code: "A1", Level: "x", ParentCode: "A1"}).Validate(); len(ErrorFields(err)) != 3 {
		t.Errorf("bad agency: %+v", ErrorFields(err))
	}
	if err := (&Agency{Code: "?", Name: "x", Level: LevelCommune, ParentCode: "!"}).Validate(); len(ErrorFields(err)) != 2 {
		t.Errorf("bad codes: %+v", ErrorFields(err))
	}
	p := procedure()
	if err := p.Validate(); err != nil {
		t.Errorf("procedure: %v", err)
	}
	bad := &Procedure{Code: "?", AgencyCode: "?", Level: "x", ProcessingDays: hours(400), OnlineLevel: "x", Fee: -1, Cutoff: "25h",
		Components: []Component{{Code: "A", Name: "a"}, {Code: "A", Name: "b"}, {Code: "?", Name: ""}}}
	if n := len(ErrorFields(bad.Validate())); n != 10 {
		t.Errorf("bad procedure: %d fields %+v", n, ErrorFields(bad.Validate()))
	}
	for _, pp := range []*Procedure{{ProcessingDays: hours(1), ProcessingHours: hours(1)}, {}, {ProcessingHours: hours(0)}} {
		if len(ErrorFields(pp.Validate())) == 0 {
			t.Errorf("period of %+v accepted", pp)
		}
	}
	if miss := p.RequiredMissing(map[string]bool{"GTPL": true}); len(miss) != 1 || miss[0].Code != "GDN" {
		t.Errorf("missing = %+v", miss)
	}
	if _, ok := p.Component("NOPE"); ok {
		t.Errorf("unknown component found")
	}
	p.FiveOnSpot = true
	if !p.FiveOnSpotAt("2021-01-01") {
		t.Errorf("undated designation")
	}
	p.FiveOnSpotDecree = &FiveOnSpotDesignation{Decision: "299/QĐ-UBND", EffectiveFrom: "2021-07-01"}
	if p.FiveOnSpotAt("2021-06-30") || !p.FiveOnSpotAt("2021-07-01") {
		t.Errorf("designation by effective date")
	}
	p.FiveOnSpot = false
	if p.FiveOnSpotAt("2022-01-01") {
		t.Errorf("not designated")
	}
}

// TestErrors: every domain error carries its code, message and fields;
// anything else is internal.
func TestErrors(t *testing.T) {
	e := Errorf(ECONFLICT, "xung đột %d", 1)
	wrapped := fmt.Errorf("ngoài: %w", e)
	if ErrorCode(wrapped) != ECONFLICT || ErrorMessage(wrapped) != "xung đột 1" || e.Error() != "conflict: xung đột 1" {
		t.Errorf("error = %v", wrapped)
	}
	cause := errors.New("đĩa đầy")
	e2 := &Error{Code: EINTERNAL, Message: "lỗi", Err: cause}
	if !errors.Is(e2, cause) || !strings.Contains(e2.Error(), "đĩa đầy") {
		t.Errorf("wrapped cause: %v", e2)
	}
	plain := errors.New("x")
	if ErrorCode(plain) != EINTERNAL || ErrorCode(nil) != "" || ErrorFields(plain) != nil || !strings.HasPrefix(ErrorMessage(plain), "Lỗi hệ thống") {
		t.Errorf("plain errors are internal")
	}
	if fs := ErrorFields(Invalid("x", FieldError{Field: "f"})); len(fs) != 1 {
		t.Errorf("fields = %v", fs)
	}
}
