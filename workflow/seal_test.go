package workflow_test

import (
	"context"
	"strings"
	"testing"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

// approved takes a new dossier of 2.001610 (a "5 tại chỗ" procedure of the
// department of planning, whose printed results the demo stamps with the
// second seal kept at the provincial center) to approval.
func (ev *env) approved(t *testing.T) *dossier.Dossier {
	t.Helper()
	d := ev.receive(t)
	d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
	d = ev.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version, Recommendation: "approve",
		Report: "Đủ điều kiện", DraftResult: "Cấp Giấy chứng nhận đăng ký doanh nghiệp"})
	return ev.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
}

// TestIssueSealChoice: at issue the clerk chooses the electronic seal, the
// physical seal on the printed copy, or both (contract §9: POST
// …/actions/issue {"seal"}; QĐ 299 phần III bước 4); the default is the
// procedure's; every stamped copy is logged with who, when, the copy and
// the register page; a paper-only choice adds no electronic seal.
func TestIssueSealChoice(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		const second = "Dấu thứ hai Sở Kế hoạch và Đầu tư (đặt tại Trung tâm HCC)"

		// Bad choices change nothing.
		d := ev.approved(t)
		for _, c := range []struct {
			in   workflow.ActionInput
			code string
		}{
			{workflow.ActionInput{Seal: "stamp"}, dossier.EINVALID},
			{workflow.ActionInput{Seal: "physical"}, dossier.EINVALID}, // no register page
			{workflow.ActionInput{Seal: "electronic", RegisterPage: 4}, dossier.EINVALID},
		} {
			c.in.Version = d.Version
			if _, err := ev.svc.Act(ctx, ev.users["clerk"], d.Code, dossier.ActIssue, c.in); dossier.ErrorCode(err) != c.code {
				t.Errorf("issue %+v: %v; want %s", c.in, err, c.code)
			}
		}
		if regs, _ := ev.db.Registers(ctx, "BN.SKHDT"); len(regs) > 0 && regs[0].Last != 0 {
			t.Errorf("a refused issue took a number: %+v", regs)
		}

		// Physical only: the second seal at the center, two copies logged.
		d = ev.act(t, "clerk", d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version, Seal: "physical", Copies: 2, RegisterPage: 12})
		r := d.Result
		if r == nil || r.Number != "01/GCN-DKDN-SKHDT" || r.Seal != second || r.SealChoice != dossier.SealChoicePhysical || len(r.PhysicalSeals) != 2 {
			t.Fatalf("physical issue: %+v", r)
		}
		for i, l := range r.PhysicalSeals {
			if l.Copy != i+1 || l.RegisterPage != 12 || l.By != "Phạm Văn Đức" || l.SealName != second || !l.At.Equal(ev.clock.Now()) || l.Number != r.Number {
				t.Errorf("stamped copy %d = %+v", i+1, l)
			}
		}

		// Both: the electronic seal and one stamped copy.
		d = ev.approved(t)
		d = ev.act(t, "clerk", d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version, Seal: "both", RegisterPage: 13})
		if r := d.Result; r.SealChoice != dossier.SealChoiceBoth || !strings.HasPrefix(r.Seal, "Dấu điện tử Sở Kế hoạch và Đầu tư") ||
			!strings.HasSuffix(r.Seal, second) || len(r.PhysicalSeals) != 1 || r.Number != "02/GCN-DKDN-SKHDT" {
			t.Errorf("both: %+v", r)
		}

		// Default: the procedure's rule (electronic in the demo), nothing
		// stamped.
		d = ev.approved(t)
		d = ev.act(t, "clerk", d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version})
		if r := d.Result; r.SealChoice != dossier.SealChoiceElectronic || len(r.PhysicalSeals) != 0 || !strings.HasPrefix(r.Seal, "Dấu điện tử") {
			t.Errorf("default: %+v", r)
		}

		// A procedure whose rule is paper, with the agency's own seal at its
		// seat: without such a seal the issue is refused, not sealed
		// electronically instead.
		p, err := ev.db.Procedure(ctx, "2.001610")
		if err != nil {
			t.Fatal(err)
		}
		p.Seal = dossier.SealRule{Default: dossier.SealChoicePhysical}
		if err := ev.db.InTx(ctx, ev.clock.Now(), func(tx *store.Tx) error { return tx.UpsertProcedure(p) }); err != nil {
			t.Fatal(err)
		}
		d = ev.approved(t)
		if _, err := ev.svc.Act(ctx, ev.users["clerk"], d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version, RegisterPage: 2}); dossier.ErrorCode(err) != dossier.EUNPROCESSABLE {
			t.Errorf("paper rule without the agency's own seal: %v; want unprocessable", err)
		}
		if got, _ := ev.db.Procedure(ctx, "2.001610"); got.Seal != p.Seal {
			t.Errorf("stored rule = %+v", got.Seal)
		}
	})
}

// TestImportSealRule: the procedure import takes the sealing rule in two
// optional columns (contract §6 stays valid without them).
func TestImportSealRule(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	const head = "code,name,agency_code,level,field,processing_days,processing_hours,five_on_spot,online_level,fee,result_type_code,components"
	ps, err := ev.svc.ParseProcedures("p.csv", strings.NewReader(head+",seal,second_seal\n"+
		"T.1,Thủ tục một,BN.SKHDT,province,Doanh nghiệp,3,,1,full,0,GCN,A=Đơn*,both,1\n"+
		"T.2,Thủ tục hai,BN.SKHDT,province,Doanh nghiệp,3,,0,full,0,GCN,A=Đơn*,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	if ps[0].Seal != (dossier.SealRule{Default: dossier.SealChoiceBoth, SecondSeal: true}) || ps[1].Seal != (dossier.SealRule{}) {
		t.Errorf("rules = %+v, %+v", ps[0].Seal, ps[1].Seal)
	}
	_, err = ev.svc.ParseProcedures("p.csv", strings.NewReader(head+",seal,second_seal\nT.3,Thủ tục ba,BN.SKHDT,province,Doanh nghiệp,3,,0,full,0,GCN,A=Đơn*,paper,2\n"))
	if fs := dossier.ErrorFields(err); dossier.ErrorCode(err) != dossier.EINVALID || len(fs) != 2 || fs[0].Line != 2 {
		t.Errorf("bad rule: %v %+v; want two errors on line 2", err, fs)
	}
}
