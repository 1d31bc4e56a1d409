package workflow_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

// flakyProvider issues e-receipts with a small PDF; it fails while fail is
// set, and blocks each call until release is closed when block is set.
type flakyProvider struct {
	calls   atomic.Int64
	fail    atomic.Bool
	block   chan struct{} // nil: answer at once
	started chan struct{}
}

func (p *flakyProvider) Name() string { return "flaky" }

func (p *flakyProvider) Issue(ctx context.Context, r workflow.EReceipt) (*workflow.IssuedEReceipt, error) {
	p.calls.Add(1)
	if p.block != nil {
		p.started <- struct{}{}
		<-p.block
	}
	if p.fail.Load() {
		return nil, errors.New("provider unreachable")
	}
	return &workflow.IssuedEReceipt{ProviderRef: "FLAKY-" + r.Symbol + "-" + r.Number, LookupCode: "LC" + r.Number,
		PDF: []byte("%PDF-1.7\n% e-receipt " + r.Symbol + " " + r.Number + "\n%%EOF\n")}, nil
}

// TestEReceiptProviderDown: when the provider fails, the payment is still
// recorded (the money was taken) with its number and a pending e-receipt;
// asking for the receipt retries the provider with the same number, once
// it answers the receipt is issued and never asked for again.
func TestEReceiptProviderDown(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		p := &flakyProvider{}
		p.fail.Store(true)
		fees := workflow.NewFees(ev.svc, p, "BL")
		d := ev.receive(t)
		rec := ev.users["reception"]
		pay, err := fees.Collect(ctx, rec, d.Code, workflow.PaymentInput{Method: "cash"})
		if err != nil {
			t.Fatalf("Collect with the provider down: %v", err)
		}
		if pay.ReceiptStatus != "pending" || pay.ReceiptNumber != "0000001" || pay.ProviderRef != "" {
			t.Fatalf("payment = %+v; want pending receipt 0000001", pay)
		}
		if _, err := fees.Collect(ctx, rec, d.Code, workflow.PaymentInput{Method: "cash"}); dossier.ErrorCode(err) != dossier.ECONFLICT {
			t.Errorf("second payment: %v; want conflict (already paid)", err)
		}
		if _, _, err := fees.ReceiptPDF(ctx, rec, pay.ID); dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
			t.Errorf("ReceiptPDF while down: %v; want unavailable", err)
		}
		p.fail.Store(false)
		got, pdf, err := fees.ReceiptPDF(ctx, rec, pay.ID)
		if err != nil || got.ReceiptStatus != "issued" || got.ProviderRef != "FLAKY-"+pay.ReceiptSeries+"-0000001" || string(pdf[:5]) != "%PDF-" {
			t.Fatalf("ReceiptPDF after recovery = %+v, %d bytes, %v", got, len(pdf), err)
		}
		calls := p.calls.Load()
		if _, _, err := fees.ReceiptPDF(ctx, rec, pay.ID); err != nil || p.calls.Load() != calls {
			t.Errorf("an issued receipt asked the provider again (%d → %d calls), %v", calls, p.calls.Load(), err)
		}
		ps, err := fees.Payments(ctx, rec, d.Code)
		if err != nil || len(ps) != 1 || ps[0].LookupCode != "LC0000001" {
			t.Errorf("Payments = %+v, %v", ps, err)
		}
	})
}

// TestSlowEReceiptProviderHoldsNobody: while the provider takes its time
// over one receipt, other use cases write (on SQLite the writer is shared
// by all of them).
func TestSlowEReceiptProviderHoldsNobody(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	ctx := context.Background()
	p := &flakyProvider{block: make(chan struct{}), started: make(chan struct{}, 1)}
	fees := workflow.NewFees(ev.svc, p, "BL")
	d := ev.receive(t)
	done := make(chan error, 1)
	go func() {
		_, err := fees.Collect(ctx, ev.users["reception"], d.Code, workflow.PaymentInput{Method: "cash"})
		done <- err
	}()
	<-p.started // the provider has the request
	other := make(chan error, 1)
	go func() {
		_, err := ev.svc.Act(ctx, ev.users["appraiser"], d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
		other <- err
	}()
	select {
	case err := <-other:
		if err != nil {
			t.Errorf("transition during the provider call: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a transition waited for the e-receipt provider")
	}
	close(p.block)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
