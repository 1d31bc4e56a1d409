package workflow_test

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"motcua/dossier"
	"motcua/internal/demotest"
	"motcua/workflow"
)

// TestConcurrentLifecyclesNoDeadlock: officers driving complete signed
// lifecycles at once never deadlock. Every use case writes rows that many
// share (the daily dossier sequence, the aggregates, the audit head); on
// PostgreSQL, where each use case is a transaction of its own, taking them
// in different orders made transactions deadlock, each deadlock retried
// after about a second (found by motcua bench: 0.7 lifecycles/s). The
// store counts such retries; none may happen.
func TestConcurrentLifecyclesNoDeadlock(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		const officers, each = 12, 3
		comps := demotest.Required(t, ev.db, "2.001610", func(string) string { return ev.blob })
		concurrently(t, officers, func(o int) error { return ev.lifecycles(ctx, comps, o*each, each) })
		if n := ev.db.Retries(); n != 0 {
			t.Errorf("%d transactions retried after a deadlock or a serialization failure; want 0", n)
		}
		if n, prob, err := ev.db.VerifyAudit(ctx); err != nil || prob != nil || n == 0 {
			t.Errorf("audit = %d, %+v, %v", n, prob, err)
		}
		if bad, _, err := ev.db.CheckConsistency(ctx); err != nil || len(bad) != 0 {
			t.Errorf("consistency = %v, %v", bad, err)
		}
	})
}

// lifecycles drives n dossiers one after another through lifecycle,
// numbered from first.
func (ev *env) lifecycles(ctx context.Context, comps []workflow.ComponentInput, first, n int) error {
	for i := first; i < first+n; i++ {
		if err := ev.lifecycle(ctx, comps, i); err != nil {
			return err
		}
	}
	return nil
}

// lifecycle drives a dossier from reception to return (counter channel,
// approved and issued) as the demo officers, number i naming its applicant.
func (ev *env) lifecycle(ctx context.Context, comps []workflow.ComponentInput, i int) error {
	d, err := ev.svc.Receive(ctx, ev.users["reception"], workflow.ReceiveInput{ProcedureCode: "2.001610",
		Channel: dossier.ChannelCounter, Components: comps,
		Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: fmt.Sprintf("Công dân %d", i), IDNumber: fmt.Sprintf("0271900%05d", i)}})
	if err != nil {
		return fmt.Errorf("receive: %w", err)
	}
	d, err = demotest.TryWalk(ctx, ev.svc, ev.users, d, demotest.Assign, demotest.Appraise, demotest.Approve, demotest.Issue, demotest.Return)
	if err != nil {
		return err
	}
	if d.Status != dossier.StatusReturned {
		return fmt.Errorf("%s ended %s", d.Code, d.Status)
	}
	return nil
}

// TestRecountBesideTransitions: a full recount of the report aggregates
// (admin maintenance) while officers work leaves the aggregates equal to
// a recount made afterwards, alone: no transition is lost or counted
// twice on PostgreSQL, where the recount and the transitions are
// concurrent transactions.
func TestRecountBesideTransitions(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		comps := demotest.Required(t, ev.db, "2.001610", func(string) string { return ev.blob })
		const officers, each = 6, 2
		concurrently(t, officers+1, func(i int) error {
			if i < officers {
				return ev.lifecycles(ctx, comps, i*each, each)
			}
			for range 4 { // the administrator's recounts beside them
				if _, err := ev.svc.RecountAggregates(ctx, nil); err != nil {
					return fmt.Errorf("recount: %w", err)
				}
			}
			return nil
		})
		for _, monthly := range []bool{false, true} {
			during, err := ev.db.DailyRows(ctx, monthly)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ev.svc.RecountAggregates(ctx, nil); err != nil {
				t.Fatal(err)
			}
			alone, err := ev.db.DailyRows(ctx, monthly)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(during, alone) {
				t.Errorf("monthly %v: aggregates kept beside the transitions %v; a recount alone %v", monthly, during, alone)
			}
		}
	})
}
