package workflow_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/internal/stacktest"
	"motcua/store"
	"motcua/store/storetest"
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

// plainHasher stands for argon2id in tests that need many sign-ins at
// once: with the real hash, one hash slot on a small machine lets only one
// sign-in transaction run at a time.
type plainHasher struct{}

func (plainHasher) HashPassword(_ context.Context, pw string) (string, error) {
	return "plain:" + pw, nil
}
func (plainHasher) CheckPassword(_ context.Context, hash, pw string) (bool, error) {
	return hash == "plain:"+pw, nil
}

// TestConcurrentFailedLoginsLock: MaxFailedLogins wrong passwords sent at
// once lock the account, as they do one after another. On PostgreSQL the
// failure counter was read without a lock, so concurrent failures each
// wrote the same count + 1 and a guesser sending them in parallel was
// never locked out.
func TestConcurrentFailedLoginsLock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		ctx := context.Background()
		c := &clocktest.Clock{}
		c.Set(time.Date(2026, 11, 26, 9, 0, 0, 0, ict))
		_, svc := stacktest.Service(t, e, workflow.Ports{}, workflow.Config{Now: c.Now, Hasher: plainHasher{}})
		if _, err := svc.CreateUser(ctx, nil, workflow.NewUserInput{Username: "canbo", Password: officerPassword, Name: "Cán bộ",
			Roles: []dossier.Role{dossier.RoleAppraiser}}); err != nil {
			t.Fatal(err)
		}
		got := concurrently(t, workflow.MaxFailedLogins, func(int) error {
			_, _, err := svc.Login(ctx, "canbo", officerPassword+"x")
			return err
		}, dossier.EUNAUTHORIZED)
		if got[dossier.EUNAUTHORIZED] != workflow.MaxFailedLogins {
			t.Fatalf("outcomes %v; want %d refusals", got, workflow.MaxFailedLogins)
		}
		if _, _, err := svc.Login(ctx, "canbo", officerPassword); dossier.ErrorCode(err) != dossier.EUNAUTHORIZED {
			t.Errorf("the right password after %d failures: %v; want the account locked", workflow.MaxFailedLogins, err)
		}
	})
}

// TestConcurrentFirstVerifiedSignIn: the first verified sign-ins of one
// personal ID number arriving at once (a double click, two tabs) all open
// a session on the one account created. On PostgreSQL each found no
// account and created one; all but the first failed on the username
// taken, and the citizen was told so (409).
func TestConcurrentFirstVerifiedSignIn(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		in := workflow.VerifiedIdentity{IDNumber: "027090004321", Name: "Phạm Thị Xác Thực", Level: dossier.IdentityLevel2}
		ids := make([]int64, 6)
		got := concurrently(t, len(ids), func(i int) error {
			_, u, err := ev.svc.SignInVerified(ctx, in)
			if err == nil {
				ids[i] = u.ID
			}
			return err
		})
		if got[""] != len(ids) {
			t.Fatalf("outcomes %v; want %d sessions", got, len(ids))
		}
		for _, id := range ids[1:] {
			if id != ids[0] {
				t.Errorf("accounts %v; want one", ids)
				break
			}
		}
	})
}

// TestConcurrentFeedbackAnswerOnce: officers answering one feedback at
// once record one answer; the others are told it is answered. On
// PostgreSQL each read it unanswered and the last one to commit replaced
// the answers before it.
func TestConcurrentFeedbackAnswerOnce(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		d := ev.receive(t)
		token := d.LookupToken
		d = ev.issue(t, d)
		ev.act(t, "reception", d.Code, dossier.ActReturn, workflow.ActionInput{Version: d.Version})
		r, err := ev.svc.Rate(ctx, workflow.RatingInput{Token: token, Level: store.RatingUnsatisfied, Comment: "Chờ lâu"})
		if err != nil {
			t.Fatal(err)
		}
		got := concurrently(t, 6, func(i int) error {
			return ev.svc.AnswerFeedback(ctx, ev.users["supervisor"], r.ID, workflow.FeedbackAnswer{
				Answer: fmt.Sprintf("Trả lời số %d", i), Category: dossier.FeedbackOther})
		}, dossier.ECONFLICT)
		if got[""] != 1 || got[dossier.ECONFLICT] != 5 {
			t.Errorf("outcomes %v; want 1 answer and 5 conflicts", got)
		}
	})
}

// TestConcurrentExchangeSendOnce: officers sending the same exchange step
// of a dossier at once queue one package; the others are told the step
// was sent. The check was made before the transaction, so on either
// engine each sender saw the step unsent and queued a package of its own.
func TestConcurrentExchangeSendOnce(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		ev.svc.AddExchange(&exchangeRecorder{}, workflow.ExchangeOptions{}, workflow.DestinationOptions{})
		p, err := ev.db.Procedure(ctx, "2.001610")
		if err != nil {
			t.Fatal(err)
		}
		p.Exchange = &dossier.ExchangePlan{Steps: []dossier.ExchangeStep{{Agency: "BN.CT", Kind: dossier.ExchangeConsult, Days: 2}}}
		if err := ev.db.InTx(ctx, ev.clock.Now(), func(tx *store.Tx) error { return tx.UpsertProcedure(p) }); err != nil {
			t.Fatal(err)
		}
		d := ev.receive(t)
		d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
		step := 0
		got := concurrently(t, 6, func(int) error {
			_, err := ev.svc.SendExchange(ctx, ev.users["appraiser"], d.Code, workflow.ExchangeSendInput{Step: &step})
			return err
		}, dossier.ECONFLICT)
		if got[""] != 1 || got[dossier.ECONFLICT] != 5 {
			t.Errorf("outcomes %v; want 1 package and 5 conflicts", got)
		}
		pkgs, err := ev.db.ExchangePackages(ctx, d.ID)
		if err != nil || len(pkgs) != 1 {
			t.Errorf("packages = %d, %v; want 1", len(pkgs), err)
		}
	})
}

// TestConcurrentCollectAndRefuse: a fee collected while the leader refuses
// the dossier is recorded before the refusal or not at all (ECONFLICT):
// the audit chain, in commit order, never shows a collection after the
// refusal. Collect checked the status on a dossier read before its
// transaction, so on either engine a refusal committed in between let
// the fee of a refused dossier be collected.
func TestConcurrentCollectAndRefuse(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		fees := workflow.NewFees(ev.svc, nil, "BL")
		d := ev.receive(t)
		d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
		d = ev.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version, Recommendation: "refuse",
			Report: "Không đủ điều kiện"})
		got := concurrently(t, 5, func(i int) error {
			if i == 0 {
				_, err := ev.svc.Act(ctx, ev.users["approver"], d.Code, dossier.ActRefuse, workflow.ActionInput{Version: d.Version,
					Reason: "Ngành nghề không được phép kinh doanh"})
				return err
			}
			_, err := fees.Collect(ctx, ev.users["reception"], d.Code, workflow.PaymentInput{Method: "cash"})
			return err
		}, dossier.ECONFLICT)
		if got[""] > 2 {
			t.Errorf("outcomes %v; want the refusal and at most one collection", got)
		}
		es, err := ev.db.AuditEntries(ctx, 50)
		if err != nil {
			t.Fatal(err)
		}
		refused := false
		for i := len(es) - 1; i >= 0; i-- { // oldest first: commit order
			switch e := es[i]; {
			case e.ObjectID != d.Code:
			case e.Action == string(dossier.ActRefuse):
				refused = true
			case e.Action == "collect-fee" && refused:
				t.Errorf("fee collected (audit %d) after the dossier was refused", e.Seq)
			}
		}
		if !refused {
			t.Errorf("no refusal in the audit log; outcomes %v", got)
		}
	})
}
