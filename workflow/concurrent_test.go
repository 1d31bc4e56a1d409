package workflow_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"motcua/dossier"
	"motcua/workflow"
)

// concurrently runs call n times at once and counts the outcomes by error
// code ("" for success). Any other failure than those named in allowed
// fails the test.
func concurrently(t *testing.T, n int, call func(i int) error, allowed ...string) map[string]int {
	t.Helper()
	var mu sync.Mutex
	out := map[string]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := call(i)
			c := dossier.ErrorCode(err)
			if err != nil && !slices.Contains(allowed, c) {
				t.Errorf("call %d: %v", i, err)
			}
			mu.Lock()
			out[c]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// TestConcurrentCollectOnePayment: reception officers collecting the same
// fee at once record one payment; the others are told it is paid
// (ECONFLICT). On PostgreSQL the fee due was read without a lock, so
// each collector saw it unpaid and the applicant paid several times.
func TestConcurrentCollectOnePayment(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		fees := workflow.NewFees(ev.svc, nil, "BL")
		d := ev.receive(t)
		got := concurrently(t, 8, func(int) error {
			_, err := fees.Collect(ctx, ev.users["reception"], d.Code, workflow.PaymentInput{Method: "cash"})
			return err
		}, dossier.ECONFLICT)
		if got[""] != 1 || got[dossier.ECONFLICT] != 7 {
			t.Errorf("outcomes %v; want 1 payment and 7 conflicts", got)
		}
		ps, err := fees.Payments(ctx, ev.users["reception"], d.Code)
		if err != nil || len(ps) != 1 {
			t.Errorf("payments = %d, %v; want 1", len(ps), err)
		}
	})
}
