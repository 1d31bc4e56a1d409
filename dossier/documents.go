package dossier

import (
	"fmt"
	"strings"
	"time"
)

// DocKind is a document a dossier's handling produces: the one-stop forms
// (biểu mẫu một cửa) and the result.
type DocKind string

// Document kinds.
const (
	DocReceipt  DocKind = "receipt"      // Mẫu 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả
	DocGuidance DocKind = "guidance"     // Mẫu 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
	DocRefusal  DocKind = "refusal"      // Mẫu 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ
	DocApology  DocKind = "apology"      // Mẫu 04 Phiếu xin lỗi và hẹn lại ngày trả kết quả
	DocStop     DocKind = "stop_notice"  // Mẫu 05 (TT 03/2025) Thông báo dừng giải quyết hồ sơ
	DocControl  DocKind = "control_slip" // Mẫu 05 (TT 01/2018) / 06 (TT 03/2025) Phiếu kiểm soát quá trình giải quyết hồ sơ
	DocResult   DocKind = "result"       // the result (kết quả giải quyết TTHC)
)

// DocSpec says how a kind of document is numbered and who signs it.
type DocSpec struct {
	Kind  DocKind
	Label string // Vietnamese name
	// Symbol is the form's part of the number's symbol, before the issuing
	// body's abbreviation: "PBS" gives "05/PBS-TTHCC".
	Symbol string
	// Leaves says the document is handed to the applicant: it is signed
	// and can be verified at /verify/{token}. The control slip travels
	// with the dossier inside the administration and is not.
	Leaves bool
	Basis  string
}

// DocSpecs lists the documents with the law that shapes them. The symbols
// of forms 02–05 and 06 are those of the samples (regulation.md Part B §1:
// "Số …/PBS-…", "…/PTC-…", "…/PXL", "…/PKS-…"); the stop notice is a
// "Thông báo" (TB, NĐ 30/2020 Phụ lục III); the receipt's sample leaves the
// symbol open and motcua writes TNHS (tiếp nhận hồ sơ).
var DocSpecs = []DocSpec{
	{DocReceipt, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "TNHS", true, "NĐ 61/2018 Điều 18.1; TT 01/2018 Mẫu 01; TT 03/2025 Mẫu 01"},
	{DocGuidance, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "PBS", true, "NĐ 61/2018 Điều 15.3, 17.1a, 19.4; TT 01/2018 Mẫu 02"},
	{DocRefusal, "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "PTC", true, "NĐ 61/2018 Điều 17.1b, 19.8; TT 01/2018 Mẫu 03"},
	{DocApology, "Phiếu xin lỗi và hẹn lại ngày trả kết quả", "PXL", true, "NĐ 61/2018 Điều 19.9; TT 01/2018 Mẫu 04; TT 03/2025 Mẫu 04"},
	{DocStop, "Thông báo dừng giải quyết hồ sơ", "TB", true, "NĐ 118/2025 Điều 21.2; TT 03/2025 Mẫu 05"},
	{DocControl, "Phiếu kiểm soát quá trình giải quyết hồ sơ", "PKS", false, "TT 01/2018 Mẫu 05; TT 03/2025 Mẫu 06"},
	{DocResult, "Kết quả giải quyết thủ tục hành chính", "", true, "NĐ 30/2020 Điều 15; NĐ 45/2020"},
}

// SpecOf returns the spec of kind k.
func SpecOf(k DocKind) (DocSpec, bool) {
	for _, s := range DocSpecs {
		if s.Kind == k {
			return s, true
		}
	}
	return DocSpec{}, false
}

// Label returns the Vietnamese name of k.
func (k DocKind) Label() string {
	if s, ok := SpecOf(k); ok {
		return s.Label
	}
	return string(k)
}

// Form sets (Dossier.FormSet): the rule set a dossier's forms print with.
const (
	FormSetTT01 = "TT01/2018"
	FormSetTT03 = "TT03/2025"
)

// FormSetHas reports whether form set set has a form for kind k: the stop
// notice exists only from Circular 03/2025 (regulation.md Part B §1).
func FormSetHas(set string, k DocKind) bool {
	if k == DocStop {
		return set == FormSetTT03
	}
	_, ok := SpecOf(k)
	return ok
}

// IssuerAbbrev is an issuing body's abbreviation in document symbols: the
// last part of its catalog code, in capitals ("BN.SKHDT" → "SKHDT"), as
// the result registers use (NĐ 30/2020 Phụ lục I: the symbol joins the
// document's and the issuer's abbreviations with "-").
func IssuerAbbrev(agencyCode string) string {
	short := agencyCode
	if i := strings.LastIndexByte(short, '.'); i >= 0 {
		short = short[i+1:]
	}
	return strings.ToUpper(short)
}

// DocSymbol is the symbol of kind k issued by agencyCode: "PBS-TTHCC".
func DocSymbol(k DocKind, agencyCode string) string {
	s, _ := SpecOf(k)
	if s.Symbol == "" {
		return IssuerAbbrev(agencyCode)
	}
	return s.Symbol + "-" + IssuerAbbrev(agencyCode)
}

// DocNumber is the number of the n-th document of kind k of agencyCode in
// its year: "05/PBS-TTHCC" (FormatNumber).
func DocNumber(k DocKind, agencyCode string, n int64) string {
	return FormatNumber(n, DocSymbol(k, agencyCode))
}

// DocYear is the register year of a document issued at t: numbers run from
// 01 on 1 January to 31 December (NĐ 30/2020 Điều 15.1; TT 01/2018 Điều
// 10), in the center's time zone loc.
func DocYear(t time.Time, loc *time.Location) int { return t.In(loc).Year() }

// Issuer tells which body gives a form: the center (the one-stop desk, in
// its own name) or the agency that processes the dossier.
type Issuer uint8

// Issuers.
const (
	IssuerCenter Issuer = iota + 1
	IssuerAgency
)

// SignerKind says who signs a form.
type SignerKind uint8

// Signer kinds.
const (
	SignerNone   SignerKind = iota // not signed (the control slip)
	SignerActor                    // the officer who took the action signs
	SignerLeader                   // the competent leader of the agency (own authority or delegation)
)

// FormPlan is one form an action produces: what, given by whom, signed by
// whom.
type FormPlan struct {
	Kind   DocKind
	Issuer Issuer
	Signer SignerKind
}

// FormsOf returns the forms produced when an officer acting as role takes
// action a on dossier d in status from (d as it was before the action; its
// FormSet decides the stop notice):
//   - reception (counter) or acceptance of an online dossier: the receipt
//     and the control slip, by the center (NĐ 61/2018 Điều 18.1; TT
//     01/2018 Mẫu 01, 05);
//   - a supplement asked: Mẫu 02, by the center and signed by the
//     reception officer at the counter or at the check of an online
//     dossier (Điều 15.3, 17.1a), by the agency and signed by the
//     appraiser during appraisal (Điều 19.4);
//   - a refusal: Mẫu 03, by the center and signed by reception for an
//     online dossier refused at the check (Điều 17.1b), by the agency and
//     signed by the competent leader after appraisal (Điều 19.8);
//   - an apology: Mẫu 04 of the agency, signed by its head or the leader
//     holding the authority (Điều 19.9; the form's signature block
//     "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ");
//   - a withdrawal before the result is issued: the stop notice of the
//     TT 03/2025 set, by the center and signed by the reception officer
//     who records the applicant's request (NĐ 118/2025 Điều 21.2).
func FormsOf(a Action, role Role, from Status, d *Dossier) []FormPlan {
	switch a {
	case ActReceive, ActAccept:
		return []FormPlan{{DocReceipt, IssuerCenter, SignerActor}, {DocControl, IssuerCenter, SignerNone}}
	case ActRequestSupplement:
		if role == RoleReception || from == StatusSubmitted {
			return []FormPlan{{DocGuidance, IssuerCenter, SignerActor}}
		}
		return []FormPlan{{DocGuidance, IssuerAgency, SignerActor}}
	case ActRefuse:
		if role == RoleReception {
			return []FormPlan{{DocRefusal, IssuerCenter, SignerActor}}
		}
		return []FormPlan{{DocRefusal, IssuerAgency, SignerLeader}}
	case ActApologize:
		return []FormPlan{{DocApology, IssuerAgency, SignerLeader}}
	case ActWithdraw:
		if WithdrawNeedsStopNotice(d, from) {
			return []FormPlan{{DocStop, IssuerCenter, SignerActor}}
		}
	}
	return nil
}

// FormSigner is the signature block of a form: the capacity line (KT.,
// TL., TUQ. …), position and name (NĐ 30/2020 Phụ lục I).
type FormSigner struct {
	UserID   int64  `json:"user_id,omitempty"`
	Name     string `json:"name,omitempty"`
	Position string `json:"position,omitempty"`
	Capacity string `json:"capacity,omitempty"` // the capacity line: "KT. Giám đốc"
}

// SignerFor is the signature block of u signing as s (a leader's capacity
// from Sign; the zero Signing in their own right).
func SignerFor(u *User, s Signing) FormSigner {
	return FormSigner{UserID: u.ID, Name: u.Name, Position: u.Position, Capacity: s.Line()}
}

// DocData is what a form states besides the dossier: the reason, the items
// to supplement, the appointments of an apology, when the applicant asked
// to stop. It is kept with the numbered form so that it prints the same
// every time.
type DocData struct {
	Reason      string     `json:"reason,omitempty"`
	Missing     []string   `json:"missing,omitempty"`
	OldDue      *time.Time `json:"old_due,omitempty"`
	NewDue      *time.Time `json:"new_due,omitempty"`
	RequestedAt *time.Time `json:"requested_at,omitempty"`
}

// Document is a numbered document of a dossier, as listed with it
// (contract §9: GET /dossiers/{code} → documents).
type Document struct {
	ID        int64      `json:"id"`
	Kind      DocKind    `json:"kind"`
	Label     string     `json:"label"`
	Number    string     `json:"number"`
	URL       string     `json:"url"`
	VerifyURL string     `json:"verify_url,omitempty"`
	Signed    bool       `json:"signed"`
	Signer    FormSigner `json:"signer,omitzero"`
	IssuedAt  time.Time  `json:"issued_at"`
}

// String is the document's name and number for logs and pages.
func (d Document) String() string { return fmt.Sprintf("%s số %s", d.Kind.Label(), d.Number) }
