package dossier

import (
	"strings"
	"unicode"
)

// Heading is the issuing block of a document, from the catalog (NĐ
// 30/2020/NĐ-CP Phụ lục I mục II): the issuing body's direct superior
// (ô 2, first line), the issuing body (ô 2, second line, bold) and the place
// printed before the date (ô 4, địa danh).
type Heading struct {
	Parent string // "UBND tỉnh Bắc Ninh"; "" for a body with no superior
	Issuer string // "Sở Kế hoạch và Đầu tư"
	Place  string // "Bắc Ninh"; "" when the catalog does not tell it
}

// Words that open the name of a people's committee, and the units of the
// administrative levels (Luật Tổ chức chính quyền địa phương 2015 Điều 2).
var (
	committeeNames = []string{"Ủy ban nhân dân", "Uỷ ban nhân dân", "UBND"}
	unitWords      = []string{"thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường", "đặc khu"}
)

// committeeUnit returns the administrative unit a people's committee
// governs ("tỉnh Bắc Ninh" for "Ủy ban nhân dân tỉnh Bắc Ninh"), or "" when
// name is not a people's committee.
func committeeUnit(name string) string {
	n := strings.TrimSpace(name)
	for _, c := range committeeNames {
		if len(n) > len(c) && strings.EqualFold(n[:len(c)], c) && n[len(c)] == ' ' {
			return strings.TrimSpace(n[len(c):])
		}
	}
	return ""
}

// unitName strips the unit word: "thành phố Từ Sơn" → "Từ Sơn".
func unitName(unit string) string {
	for _, w := range unitWords {
		if len(unit) > len(w) && strings.EqualFold(unit[:len(w)], w) && unit[len(w)] == ' ' {
			return strings.TrimSpace(unit[len(w):])
		}
	}
	return unit
}

// HeadingOf returns the heading of documents issued by agency a, whose
// superiors from the catalog are ancestors (the direct parent first):
//   - Parent is the direct superior, with "Ủy ban nhân dân" written
//     "UBND" as the decree allows for the superior's line (Phụ lục I mục
//     II.1.a);
//   - Issuer is a's name without the administrative unit its superior line
//     already gives ("Sở Xây dựng tỉnh Bắc Ninh" under "UBND tỉnh Bắc Ninh"
//     prints "Sở Xây dựng");
//   - Place is the official name of the administrative unit where the
//     issuing body sits: that of the nearest people's committee among a
//     and its superiors, without the unit word (Phụ lục I mục II.4.a:
//     "Bắc Ninh" for a department of the province, "Từ Sơn" for an
//     office of the city of Từ Sơn).
func HeadingOf(a *Agency, ancestors []Agency) Heading {
	if a == nil {
		return Heading{}
	}
	h := Heading{Issuer: strings.TrimSpace(a.Name)}
	if len(ancestors) > 0 {
		p := strings.TrimSpace(ancestors[0].Name)
		if u := committeeUnit(p); u != "" {
			h.Parent = "UBND " + u
			if cut, ok := strings.CutSuffix(h.Issuer, " "+u); ok && strings.TrimFunc(cut, unicode.IsSpace) != "" {
				h.Issuer = strings.TrimSpace(cut)
			}
		} else {
			h.Parent = p
		}
	}
	for _, x := range append([]Agency{*a}, ancestors...) {
		if u := committeeUnit(x.Name); u != "" {
			h.Place = unitName(u)
			break
		}
	}
	return h
}
