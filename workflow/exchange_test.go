package workflow_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
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

// recorded keeps what a fake destination is handed, safe for the relay's
// concurrent deliveries.
type recorded[T any] struct {
	mu   sync.Mutex
	sent []T
}

func (r *recorded[T]) add(v T) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, v)
	return nil
}

// exchangeRecorder is an integration platform that takes every package.
type exchangeRecorder struct {
	recorded[workflow.ExchangeMessage]
}

func (r *exchangeRecorder) Send(_ context.Context, _ string, m workflow.ExchangeMessage) error {
	return r.add(m)
}

// TestExchangeDeliveryOnlyWhenThereIsSomethingToSend: with the platform
// connected, issuing a dossier queues an exchange delivery only when its
// procedure registers its results; a procedure without a plan, or with
// steps only, has nothing to send when issued and gets none (the admins'
// outbox lists only real packages).
func TestExchangeDeliveryOnlyWhenThereIsSomethingToSend(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		rec := &exchangeRecorder{}
		ev.svc.AddExchange(rec, workflow.ExchangeOptions{}, workflow.DestinationOptions{})
		deliveries := func(code string) []workflow.Delivery {
			t.Helper()
			v, err := ev.svc.Outbox(ctx, ev.users["admin"], workflow.DeliveryFilter{Destination: workflow.ExchangeDestination})
			if err != nil {
				t.Fatal(err)
			}
			var out []workflow.Delivery
			for _, d := range v.Items {
				if d.OrderKey == code {
					out = append(out, d)
				}
			}
			return out
		}
		setPlan := func(plan *dossier.ExchangePlan) {
			t.Helper()
			p, err := ev.db.Procedure(ctx, "2.001610")
			if err != nil {
				t.Fatal(err)
			}
			p.Exchange = plan
			if err := ev.db.InTx(ctx, ev.clock.Now(), func(tx *store.Tx) error { return tx.UpsertProcedure(p) }); err != nil {
				t.Fatal(err)
			}
		}

		none := ev.issue(t, ev.receive(t))
		if got := deliveries(none.Code); len(got) != 0 {
			t.Errorf("issued dossier of a procedure without exchange: %d exchange deliveries (%+v), want 0", len(got), got)
		}
		setPlan(&dossier.ExchangePlan{Steps: []dossier.ExchangeStep{{Agency: "BN.CT", Kind: dossier.ExchangeConsult, Days: 2}}})
		steps := ev.issue(t, ev.receive(t))
		if got := deliveries(steps.Code); len(got) != 0 {
			t.Errorf("issued dossier of a procedure with steps only: %d exchange deliveries, want 0", len(got))
		}
		setPlan(&dossier.ExchangePlan{RegisterResult: true})
		reg := ev.issue(t, ev.receive(t))
		got := deliveries(reg.Code)
		if len(got) != 1 || got[0].Topic != workflow.TopicExchangeRegister || got[0].Status != "pending" {
			t.Fatalf("issued dossier of a procedure that registers its results: %+v, want one pending %s delivery", got, workflow.TopicExchangeRegister)
		}
		if n, err := ev.svc.DeliverDue(ctx, 10, workflow.ExchangeDestination); n != 1 || err != nil {
			t.Fatalf("DeliverDue = %d, %v; want the registration only", n, err)
		}
		if len(rec.sent) != 1 || rec.sent[0].Kind != dossier.ExchangeRegister || rec.sent[0].DossierCode != reg.Code || rec.sent[0].ResultNumber != reg.Result.Number {
			t.Errorf("sent %+v; want the registration of %s", rec.sent, reg.Code)
		}
		if left := deliveries(reg.Code); len(left) != 0 {
			t.Errorf("still waiting after delivery: %+v", left)
		}
		// A dossier.issue delivery an earlier version queued, still
		// waiting, is delivered as the registration it stood for.
		err := ev.db.InTx(ctx, ev.clock.Now(), func(tx *store.Tx) error {
			_, err := tx.Enqueue("dossier.issue", []byte(`{"code":"`+reg.Code+`","action":"issue"}`),
				[]store.OutboxRoute{{Destination: workflow.ExchangeDestination, Key: reg.Code}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := ev.svc.DeliverDue(ctx, 10, workflow.ExchangeDestination); n != 1 || err != nil || len(rec.sent) != 2 ||
			rec.sent[1].Kind != dossier.ExchangeRegister || rec.sent[1].DossierCode != reg.Code {
			t.Errorf("legacy delivery: DeliverDue = %d, %v; sent %+v", n, err, rec.sent)
		}
	})
}
