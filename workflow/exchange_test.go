package workflow_test

import (
	"context"
	"strings"
	"testing"

	"motcua/dossier"
	"motcua/store"
)

// TestImportExchangePlan: which procedures need other bodies is catalog
// data, taken by the procedure import in two optional columns and kept
// by the store; a bad step is reported with its line.
func TestImportExchangePlan(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	const head = "code,name,agency_code,level,field,processing_days,processing_hours,five_on_spot,online_level,fee,result_type_code,components,inter_agency,register_result\n"
	ps, err := ev.svc.ParseProcedures("p.csv", strings.NewReader(head+
		"T.1,Thủ tục một,BN.SKHDT,province,Doanh nghiệp,10,,0,full,0,GCN,A=Đơn*,BN.CT:3:chain=Cục Thuế;BN.STNMT:2,1\n"+
		"T.2,Thủ tục hai,BN.SKHDT,province,Doanh nghiệp,3,,0,full,0,GCN,A=Đơn*,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := &dossier.ExchangePlan{RegisterResult: true, Steps: []dossier.ExchangeStep{
		{Agency: "BN.CT", Name: "Cục Thuế", Kind: dossier.ExchangeChain, Days: 3}, {Agency: "BN.STNMT", Kind: dossier.ExchangeConsult, Days: 2}}}
	if p := ps[0].Exchange; p == nil || !p.RegisterResult || len(p.Steps) != 2 || p.Steps[0] != want.Steps[0] || p.Steps[1] != want.Steps[1] || ps[1].Exchange != nil {
		t.Fatalf("plans = %+v, %+v", ps[0].Exchange, ps[1].Exchange)
	}
	ctx := context.Background()
	if err := ev.db.InTx(ctx, ev.clock.Now(), func(tx *store.Tx) error { return tx.UpsertProcedure(&ps[0]) }); err != nil {
		t.Fatal(err)
	}
	got, err := ev.db.Procedure(ctx, "T.1")
	if err != nil || got.Exchange == nil || len(got.Exchange.Steps) != 2 || got.Exchange.Steps[0] != want.Steps[0] || !got.Exchange.RegisterResult {
		t.Fatalf("stored plan = %+v %v", got.Exchange, err)
	}
	for _, bad := range []string{"BN.CT:x,1", "BN.CT:3:later,0", "BN.CT:3,2"} {
		_, err = ev.svc.ParseProcedures("p.csv", strings.NewReader(head+"T.3,Thủ tục ba,BN.SKHDT,province,Doanh nghiệp,3,,0,full,0,GCN,A=Đơn*,"+bad+"\n"))
		if fs := dossier.ErrorFields(err); dossier.ErrorCode(err) != dossier.EINVALID || len(fs) == 0 || fs[0].Line != 2 {
			t.Errorf("%q: %v %+v; want an error on line 2", bad, err, fs)
		}
	}
}
