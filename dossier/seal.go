package dossier

import (
	"fmt"
	"strings"
	"time"
)

// SealChoice is how the clerk seals a result at issue (QĐ 299/QĐ-UBND phần
// III bước 4: "đóng dấu (dấu thứ hai đặt tại Trung tâm) hoặc đóng dấu điện
// tử"): the agency's electronic seal on the file, the physical seal on the
// printed copy, or both.
type SealChoice string

// Seal choices.
const (
	SealChoiceElectronic SealChoice = "electronic"
	SealChoicePhysical   SealChoice = "physical"
	SealChoiceBoth       SealChoice = "both"
)

// Valid reports whether c is a known choice.
func (c SealChoice) Valid() bool {
	return c == SealChoiceElectronic || c == SealChoicePhysical || c == SealChoiceBoth
}

// Electronic reports whether c applies the electronic seal.
func (c SealChoice) Electronic() bool { return c == SealChoiceElectronic || c == SealChoiceBoth }

// Physical reports whether c stamps the printed copy.
func (c SealChoice) Physical() bool { return c == SealChoicePhysical || c == SealChoiceBoth }

// Label returns the Vietnamese name of c.
func (c SealChoice) Label() string {
	switch c {
	case SealChoiceElectronic:
		return "Dấu điện tử"
	case SealChoicePhysical:
		return "Dấu trên bản giấy"
	case SealChoiceBoth:
		return "Dấu điện tử và dấu trên bản giấy"
	}
	return string(c)
}

// SealRule is a procedure's sealing rule: the choice made when the clerk
// names none, and whether its printed results are stamped with the
// agency's second seal kept at the center ("dấu thứ hai" under NĐ
// 99/2016/NĐ-CP on seals; QĐ 299 phần III bước 4) rather than the agency's
// own seal at its seat.
type SealRule struct {
	Default    SealChoice `json:"default,omitempty"` // "" = electronic
	SecondSeal bool       `json:"second_seal"`
}

// ChooseSeal resolves the clerk's choice asked ("" = the procedure's
// default, electronic when the catalog sets none).
func ChooseSeal(asked string, rule SealRule) (SealChoice, error) {
	c := SealChoice(strings.TrimSpace(asked))
	if c == "" {
		c = rule.Default
	}
	if c == "" {
		c = SealChoiceElectronic
	}
	if !c.Valid() {
		return "", Invalid("Cách đóng dấu phải là electronic, physical hoặc both",
			FieldError{Field: "seal", Message: "electronic, physical hoặc both"})
	}
	return c, nil
}

// PhysicalSealing is what the clerk states when stamping printed copies:
// how many copies and the page of the outgoing register (sổ đăng ký văn
// bản đi, NĐ 30/2020 Phụ lục IV) where the result is entered.
type PhysicalSealing struct {
	Copies       int `json:"copies"`
	RegisterPage int `json:"register_page"`
}

// CheckPhysical checks the physical sealing stated for choice c: with a
// physical seal, one copy or more (default one) and the register page
// (required); without, nothing may be stated.
func CheckPhysical(c SealChoice, ps *PhysicalSealing) error {
	if !c.Physical() {
		if ps.Copies != 0 || ps.RegisterPage != 0 {
			return Invalid("Bản giấy và trang sổ chỉ ghi khi đóng dấu trên bản giấy",
				FieldError{Field: "seal", Message: "physical hoặc both"})
		}
		return nil
	}
	if ps.Copies == 0 {
		ps.Copies = 1
	}
	var fs []FieldError
	if ps.Copies < 1 || ps.Copies > 50 {
		fs = append(fs, FieldError{Field: "copies", Message: "từ 1 đến 50 bản"})
	}
	if ps.RegisterPage < 1 {
		fs = append(fs, FieldError{Field: "register_page", Message: "Cần số trang sổ đăng ký văn bản đi"})
	}
	if len(fs) > 0 {
		return Invalid("Đóng dấu trên bản giấy cần số bản và trang sổ", fs...)
	}
	return nil
}

// PickSeals returns the seals choice c applies to a result of agency
// received at center, among the agency's seals: the active electronic
// seal; the active physical seal — with rule.SecondSeal the second seal
// kept at that center, otherwise the agency's own, kept at no center.
// A seal the choice needs and the agency lacks is EUNPROCESSABLE; an
// electronic seal is never taken for a physical one, nor the reverse.
func PickSeals(c SealChoice, rule SealRule, agency, center string, seals []Seal) (electronic, physical *Seal, err error) {
	for i := range seals {
		s := &seals[i]
		if !s.Active || s.AgencyCode != agency {
			continue
		}
		switch {
		case s.Kind == SealElectronic && electronic == nil:
			electronic = s
		case s.Kind == SealPhysical && physical == nil && rule.SecondSeal && s.CenterCode == center:
			physical = s
		case s.Kind == SealPhysical && physical == nil && !rule.SecondSeal && s.CenterCode == "":
			physical = s
		}
	}
	if !c.Electronic() {
		electronic = nil
	} else if electronic == nil {
		return nil, nil, Errorf(EUNPROCESSABLE, "Cơ quan %s chưa có con dấu điện tử đang sử dụng", agency)
	}
	if !c.Physical() {
		physical = nil
	} else if physical == nil {
		if rule.SecondSeal {
			return nil, nil, Errorf(EUNPROCESSABLE, "Chưa có dấu thứ hai của cơ quan %s đặt tại trung tâm %s", agency, center)
		}
		return nil, nil, Errorf(EUNPROCESSABLE, "Cơ quan %s chưa có con dấu (bản giấy) đang sử dụng", agency)
	}
	return electronic, physical, nil
}

// SealLog is one printed copy of a result stamped with a physical seal:
// who, when, which copy and the register page.
type SealLog struct {
	ID           int64     `json:"id"`
	DossierCode  string    `json:"dossier_code"`
	Number       string    `json:"number"`
	SealID       int64     `json:"seal_id"`
	SealName     string    `json:"seal"`
	Copy         int       `json:"copy"`
	RegisterPage int       `json:"register_page"`
	By           string    `json:"by"`
	At           time.Time `json:"at"`
}

// Note is the sentence on the verification page: "Đóng dấu trên bản
// giấy: bản số 1, trang sổ 12".
func (l SealLog) Note() string {
	return fmt.Sprintf("%s: bản số %d, trang sổ %d", l.SealName, l.Copy, l.RegisterPage)
}
