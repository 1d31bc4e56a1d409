package dossier

import "testing"

// TestChooseSeal: at issue the clerk chooses the electronic seal, the
// physical seal on the printed copy, or both (QĐ 299/QĐ-UBND phần III bước
// 4: "đóng dấu (dấu thứ hai đặt tại Trung tâm) hoặc đóng dấu điện tử");
// without a choice the procedure's rule applies, electronic when the
// catalog sets none.
func TestChooseSeal(t *testing.T) {
	for _, c := range []struct {
		asked string
		rule  SealRule
		want  SealChoice
		code  string
	}{
		{"", SealRule{}, SealChoiceElectronic, ""},
		{"", SealRule{Default: SealChoicePhysical}, SealChoicePhysical, ""},
		{"", SealRule{Default: SealChoiceBoth}, SealChoiceBoth, ""},
		{"electronic", SealRule{Default: SealChoicePhysical}, SealChoiceElectronic, ""},
		{" both ", SealRule{}, SealChoiceBoth, ""},
		{"physical", SealRule{}, SealChoicePhysical, ""},
		{"stamp", SealRule{}, "", EINVALID},
		{"", SealRule{Default: "paper"}, "", EINVALID},
	} {
		got, err := ChooseSeal(c.asked, c.rule)
		if got != c.want || ErrorCode(err) != c.code {
			t.Errorf("ChooseSeal(%q, %+v) = %q, %v; want %q, %q", c.asked, c.rule, got, err, c.want, c.code)
		}
	}
	if !SealChoiceBoth.Electronic() || !SealChoiceBoth.Physical() || SealChoicePhysical.Electronic() || SealChoiceElectronic.Physical() {
		t.Error("Electronic/Physical of the choices")
	}
}

// TestCheckPhysical: a physical seal is logged with the copy and the page
// of the outgoing register (NĐ 30/2020 Phụ lục IV: the register records
// the number of copies); an electronic seal takes neither.
func TestCheckPhysical(t *testing.T) {
	for _, c := range []struct {
		choice     SealChoice
		in         PhysicalSealing
		wantCopies int
		code       string
	}{
		{SealChoicePhysical, PhysicalSealing{RegisterPage: 12}, 1, ""},
		{SealChoiceBoth, PhysicalSealing{Copies: 3, RegisterPage: 12}, 3, ""},
		{SealChoicePhysical, PhysicalSealing{Copies: 2}, 2, EINVALID},
		{SealChoicePhysical, PhysicalSealing{Copies: 51, RegisterPage: 1}, 51, EINVALID},
		{SealChoicePhysical, PhysicalSealing{Copies: -1, RegisterPage: 1}, -1, EINVALID},
		{SealChoiceElectronic, PhysicalSealing{}, 0, ""},
		{SealChoiceElectronic, PhysicalSealing{RegisterPage: 3}, 0, EINVALID},
	} {
		ps := c.in
		err := CheckPhysical(c.choice, &ps)
		if ErrorCode(err) != c.code || ps.Copies != c.wantCopies {
			t.Errorf("CheckPhysical(%s, %+v) = %v, copies %d; want %q, copies %d", c.choice, c.in, err, ps.Copies, c.code, c.wantCopies)
		}
	}
}

// TestPickSeals: which seal a choice applies. The physical seal is the
// agency's second seal kept at the dossier's center when the procedure's
// rule says so (QĐ 299 phần III bước 4; NĐ 99/2016/NĐ-CP, dấu thứ hai), the
// agency's own seal otherwise; an electronic seal is never put in place
// of a physical one, nor the reverse, and never added to a paper-only
// choice.
func TestPickSeals(t *testing.T) {
	e := Seal{ID: 1, AgencyCode: agency, Kind: SealElectronic, Name: "Dấu điện tử A1", Active: true}
	own := Seal{ID: 2, AgencyCode: agency, Kind: SealPhysical, Name: "Dấu A1", Active: true}
	second := Seal{ID: 3, AgencyCode: agency, Kind: SealPhysical, Name: "Dấu thứ hai A1 tại C1", CenterCode: center, Active: true}
	otherCenter := Seal{ID: 4, AgencyCode: agency, Kind: SealPhysical, Name: "Dấu thứ hai A1 tại C2", CenterCode: "C2", Active: true}
	retired := Seal{ID: 5, AgencyCode: agency, Kind: SealElectronic, Name: "Dấu điện tử cũ", Active: false}
	foreign := Seal{ID: 6, AgencyCode: "A2", Kind: SealElectronic, Name: "Dấu điện tử A2", Active: true}
	all := []Seal{retired, foreign, e, own, otherCenter, second}
	for _, c := range []struct {
		name           string
		choice         SealChoice
		rule           SealRule
		seals          []Seal
		elec, physical int64
		code           string
	}{
		{"electronic: the agency's active electronic seal", SealChoiceElectronic, SealRule{}, all, 1, 0, ""},
		{"physical at the agency's seat", SealChoicePhysical, SealRule{}, all, 0, 2, ""},
		{"physical: the second seal kept at the dossier's center", SealChoicePhysical, SealRule{SecondSeal: true}, all, 0, 3, ""},
		{"both", SealChoiceBoth, SealRule{SecondSeal: true}, all, 1, 3, ""},
		{"no second seal at this center", SealChoicePhysical, SealRule{SecondSeal: true}, []Seal{e, own, otherCenter}, 0, 0, EUNPROCESSABLE},
		{"no physical seal: no electronic one in its place", SealChoicePhysical, SealRule{}, []Seal{e, second}, 0, 0, EUNPROCESSABLE},
		{"no electronic seal: no physical one in its place", SealChoiceElectronic, SealRule{}, []Seal{retired, foreign, own}, 0, 0, EUNPROCESSABLE},
		{"both needs both", SealChoiceBoth, SealRule{}, []Seal{e}, 0, 0, EUNPROCESSABLE},
	} {
		el, ph, err := PickSeals(c.choice, c.rule, agency, center, c.seals)
		var ge, gp int64
		if el != nil {
			ge = el.ID
		}
		if ph != nil {
			gp = ph.ID
		}
		if ge != c.elec || gp != c.physical || ErrorCode(err) != c.code {
			t.Errorf("%s: PickSeals = %d, %d, %v; want %d, %d, %q", c.name, ge, gp, err, c.elec, c.physical, c.code)
		}
	}
	l := SealLog{SealName: "Dấu thứ hai A1 tại C1", Copy: 2, RegisterPage: 12}
	if l.Note() != "Dấu thứ hai A1 tại C1: bản số 2, trang sổ 12" {
		t.Errorf("Note = %q", l.Note())
	}
}
