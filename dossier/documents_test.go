package dossier

import (
	"slices"
	"testing"
	"time"
)

// TestFormsOf: which one-stop form each action gives, who gives it and who
// signs it.
func TestFormsOf(t *testing.T) {
	tt03 := func(s Status) *Dossier { d := dossierIn(s); d.FormSet = FormSetTT03; return d }
	tt01 := func(s Status) *Dossier { d := dossierIn(s); d.FormSet = FormSetTT01; return d }
	issued := func() *Dossier { d := tt03(StatusApproved); d.Result = &Result{Number: "01/GCN-A1"}; return d }
	for _, c := range []struct {
		basis  string
		action Action
		role   Role
		from   Status
		d      *Dossier
		want   []FormPlan
	}{
		{"NĐ 61/2018 Điều 18.1; TT 01/2018 Mẫu 01, 05: receipt and control slip at the counter", ActReceive, RoleReception, StatusNone, tt03(StatusNone),
			[]FormPlan{{DocReceipt, IssuerCenter, SignerActor}, {DocControl, IssuerCenter, SignerNone}}},
		{"NĐ 61/2018 Điều 17.2: an online dossier gets them when accepted", ActAccept, RoleReception, StatusSubmitted, tt03(StatusSubmitted),
			[]FormPlan{{DocReceipt, IssuerCenter, SignerActor}, {DocControl, IssuerCenter, SignerNone}}},
		{"NĐ 61/2018 Điều 15.3, 17.1a: Mẫu 02 at the counter, by the center, signed by reception", ActRequestSupplement, RoleReception, StatusReceived, tt03(StatusReceived),
			[]FormPlan{{DocGuidance, IssuerCenter, SignerActor}}},
		{"NĐ 61/2018 Điều 17.2a: Mẫu 02 at the check of an online dossier", ActRequestSupplement, RoleAppraiser, StatusSubmitted, tt03(StatusSubmitted),
			[]FormPlan{{DocGuidance, IssuerCenter, SignerActor}}},
		{"NĐ 61/2018 Điều 19.4: Mẫu 02 during appraisal, by the agency, signed by the appraiser", ActRequestSupplement, RoleAppraiser, StatusAppraising, tt03(StatusAppraising),
			[]FormPlan{{DocGuidance, IssuerAgency, SignerActor}}},
		{"NĐ 61/2018 Điều 17.1b: Mẫu 03 for an online dossier refused at reception's check", ActRefuse, RoleReception, StatusSubmitted, tt03(StatusSubmitted),
			[]FormPlan{{DocRefusal, IssuerCenter, SignerActor}}},
		{"NĐ 61/2018 Điều 19.8: Mẫu 03 after appraisal, by the agency, signed by the competent leader", ActRefuse, RoleApprover, StatusAwaitingApproval, tt03(StatusAwaitingApproval),
			[]FormPlan{{DocRefusal, IssuerAgency, SignerLeader}}},
		{"NĐ 61/2018 Điều 19.9; Mẫu 04 THỦ TRƯỞNG CƠ QUAN: the apology, signed by the agency's leader whoever files it", ActApologize, RoleReception, StatusAppraising, tt03(StatusAppraising),
			[]FormPlan{{DocApology, IssuerAgency, SignerLeader}}},
		{"NĐ 118/2025 Điều 21.2; TT 03/2025 Mẫu 05: stop notice when the applicant withdraws before a result", ActWithdraw, RoleReception, StatusAppraising, tt03(StatusAppraising),
			[]FormPlan{{DocStop, IssuerCenter, SignerActor}}},
		{"TT 03/2025 Mẫu 05: an approved result not yet issued is not a result", ActWithdraw, RoleReception, StatusApproved, tt03(StatusApproved),
			[]FormPlan{{DocStop, IssuerCenter, SignerActor}}},
		{"NĐ 118/2025 Điều 21.2: no stop notice once the result is issued", ActWithdraw, RoleReception, StatusIssued, tt03(StatusIssued), nil},
		{"no stop notice with a result recorded", ActWithdraw, RoleReception, StatusApproved, issued(), nil},
		{"TT 01/2018 has no stop notice: a dossier received under it keeps its set", ActWithdraw, RoleReception, StatusAppraising, tt01(StatusAppraising), nil},
		{"the other actions give no form", ActAssign, RoleAppraiser, StatusReceived, tt03(StatusReceived), nil},
		{"approval gives the result, not a form", ActApprove, RoleApprover, StatusAwaitingApproval, tt03(StatusAwaitingApproval), nil},
	} {
		if got := FormsOf(c.action, c.role, c.from, c.d); !slices.Equal(got, c.want) {
			t.Errorf("%s: FormsOf(%s, %s, %s) = %v; want %v", c.basis, c.action, c.role, c.from, got, c.want)
		}
	}
}

// TestDocNumber: a form's number and symbol (NĐ 30/2020 Phụ lục I: number
// with a leading zero below 10, "/", the form's symbol and the issuer's
// abbreviation joined by "-"), and the year of its register (Điều 15.1:
// from 01 on 1 January to 31 December, in the center's time).
func TestDocNumber(t *testing.T) {
	for _, c := range []struct {
		kind   DocKind
		agency string
		n      int64
		want   string
	}{
		{DocGuidance, "BN.TTHCC", 5, "05/PBS-TTHCC"},
		{DocGuidance, "BN.TPTUSON.TTHCC", 5, "05/PBS-TTHCC"},
		{DocRefusal, "BN.SKHDT", 12, "12/PTC-SKHDT"},
		{DocApology, "BN.SKHDT", 1, "01/PXL-SKHDT"},
		{DocStop, "BN.TTHCC", 103, "103/TB-TTHCC"},
		{DocControl, "BN.TTHCC", 7, "07/PKS-TTHCC"},
		{DocReceipt, "bn.tthcc", 9, "09/TNHS-TTHCC"},
		{DocResult, "BN.SKHDT", 3, "03/SKHDT"},
	} {
		if got := DocNumber(c.kind, c.agency, c.n); got != c.want {
			t.Errorf("DocNumber(%s, %s, %d) = %q; want %q", c.kind, c.agency, c.n, got, c.want)
		}
	}
	// 31/12 at 23:30 in Vietnam is still the old year; 1/1 00:10 the new.
	if y := DocYear(time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC), ict); y != 2026 {
		t.Errorf("DocYear(31/12 23:30 ICT) = %d", y)
	}
	if y := DocYear(time.Date(2026, 12, 31, 17, 10, 0, 0, time.UTC), ict); y != 2027 {
		t.Errorf("DocYear(1/1 00:10 ICT) = %d", y)
	}
	for _, s := range DocSpecs {
		if s.Label == "" || s.Basis == "" || (s.Kind != DocResult && s.Symbol == "") {
			t.Errorf("spec %+v lacks a label, a basis or a symbol", s)
		}
	}
	if !FormSetHas(FormSetTT03, DocStop) || FormSetHas(FormSetTT01, DocStop) || !FormSetHas(FormSetTT01, DocApology) || FormSetHas(FormSetTT03, "x") {
		t.Error("FormSetHas: the stop notice exists only in TT 03/2025")
	}
	if SignerFor(cast[RoleApprover], Signing{Capacity: CapacityKT, Principal: "Giám đốc"}) != (FormSigner{UserID: 3, Name: "Lê Thị Thu Hà", Position: "Giám đốc", Capacity: "KT. Giám đốc"}) {
		t.Errorf("SignerFor = %+v", SignerFor(cast[RoleApprover], Signing{Capacity: CapacityKT, Principal: "Giám đốc"}))
	}
}
