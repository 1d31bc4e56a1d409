package pdf

import (
	"strings"
)

// ResultTemplate is the printed shape of one result type: its document-type
// abbreviation (for the number symbol), title and the sentence that opens
// the body. Adding a result type is adding a template, not code.
type ResultTemplate struct {
	Code      string // result_type_code, e.g. "GP"
	DocType   string // abbreviation in the number symbol, e.g. "GP" in "05/GP-SXD"
	Title     string // upper-case title
	BodyIntro string // first body paragraph; may be empty
}

// ResultTemplates maps result_type_code to a template.
type ResultTemplates map[string]ResultTemplate

// GenericResultCode is the code of the fallback template.
const GenericResultCode = "KQ"

// BuiltinResultTemplates returns a fresh copy of the built-in templates
// (the caller may add to it): GP giấy phép, GCN giấy chứng nhận, QĐ quyết
// định, TL trích lục and the generic result. GP and GCN are sector
// documents whose numbering the sector sets; QĐ is the Decree 30/2020
// abbreviation; "KQ" (generic) is a local convention.
func BuiltinResultTemplates() ResultTemplates {
	return ResultTemplates{
		"GP": {Code: "GP", DocType: "GP", Title: "GIẤY PHÉP",
			BodyIntro: "Cấp cho tổ chức, cá nhân có tên dưới đây được thực hiện các nội dung theo giấy phép này:"},
		"GCN": {Code: "GCN", DocType: "GCN", Title: "GIẤY CHỨNG NHẬN",
			BodyIntro: "Chứng nhận tổ chức, cá nhân có tên dưới đây đáp ứng các điều kiện theo quy định:"},
		"QĐ": {Code: "QĐ", DocType: "QĐ", Title: "QUYẾT ĐỊNH",
			BodyIntro: "Căn cứ hồ sơ đề nghị của tổ chức, cá nhân và kết quả thẩm định hồ sơ,"},
		"TL": {Code: "TL", DocType: "TL", Title: "TRÍCH LỤC",
			BodyIntro: "Trích lục các thông tin sau đây từ sổ gốc:"},
		GenericResultCode: {Code: GenericResultCode, DocType: GenericResultCode, Title: GenericResultTitle,
			BodyIntro: "Kết quả giải quyết thủ tục hành chính của tổ chức, cá nhân có tên dưới đây như sau:"},
	}
}

// Lookup returns the template for code (compared after NFC, trimming and
// upper-casing, and accepting "QD" for "QĐ"), or the generic template
// (GenericResultCode) when there is none. It never fails: a map without a
// generic entry falls back to a built-in generic template.
func (ts ResultTemplates) Lookup(code string) ResultTemplate {
	k := strings.ToUpper(strings.TrimSpace(nfc(code)))
	if t, ok := ts[k]; ok {
		return t
	}
	// "QD" finds "QĐ": compare with Đ folded to D; the smallest matching key
	// wins so that the result does not depend on map order.
	best, found := "", false
	for key := range ts {
		if foldD(key) == foldD(k) && (!found || key < best) {
			best, found = key, true
		}
	}
	if found {
		return ts[best]
	}
	if t, ok := ts[GenericResultCode]; ok {
		return t
	}
	return BuiltinResultTemplates()[GenericResultCode]
}

// Apply fills the parts of d that the template owns: the title when d has
// none, and the body intro as the first paragraph (unless d's body already
// starts with it).
func (t ResultTemplate) Apply(d ResultDoc) ResultDoc {
	if strings.TrimSpace(d.Title) == "" {
		d.Title = t.Title
	}
	if intro := strings.TrimSpace(t.BodyIntro); intro != "" && (len(d.Body) == 0 || nfc(strings.TrimSpace(d.Body[0])) != nfc(intro)) {
		d.Body = append([]string{intro}, d.Body...)
	}
	return d
}

func foldD(s string) string { return strings.ReplaceAll(strings.ToUpper(nfc(s)), "Đ", "D") }
