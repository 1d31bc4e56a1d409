package workflow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/internal/demotest"
	"motcua/internal/stacktest"
	"motcua/internal/testfile"
	"motcua/payment"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/workflow"
)

// clock is a settable clock for tests.
type clock = clocktest.Clock

var ict = time.FixedZone("ICT", 7*3600)

// env is a demo province on one engine with a clock.
type env struct {
	svc   *workflow.Service
	db    *store.DB
	clock *clock
	users map[string]*dossier.User
	blob  string
}

func newEnv(t *testing.T, e store.Engine) *env {
	t.Helper()
	// Thursday 26 November 2026, 09:00 in Bắc Ninh.
	return newEnvAt(t, e, time.Date(2026, 11, 26, 9, 0, 0, 0, ict))
}

// eachEnv runs f as a subtest once per engine (storetest.Each), each time
// with a fresh env (newEnv).
func eachEnv(t *testing.T, f func(t *testing.T, ev *env)) {
	storetest.Each(t, func(t *testing.T, e store.Engine) { f(t, newEnv(t, e)) })
}

// eachEnvAt is eachEnv with the clock set to start (newEnvAt).
func eachEnvAt(t *testing.T, start time.Time, f func(t *testing.T, ev *env)) {
	storetest.Each(t, func(t *testing.T, e store.Engine) { f(t, newEnvAt(t, e, start)) })
}

// newEnvAt loads the demo province on engine e with the clock set to start
// and uploads one scanned component.
func newEnvAt(t testing.TB, e store.Engine, start time.Time) *env {
	t.Helper()
	c := &clock{}
	c.Set(start)
	db, svc := stacktest.Demo(t, e, workflow.Ports{}, workflow.Config{Now: c.Now})
	ev := &env{svc: svc, db: db, clock: c, users: demotest.Users(t, db)}
	ev.blob = demotest.Upload(t, svc, ev.users["reception"], "scanned component")
	return ev
}

// receive files a complete dossier for 2.001610 (3 working days, 5 tại chỗ).
func (ev *env) receive(t *testing.T) *dossier.Dossier {
	t.Helper()
	return ev.receiveOf(t, "2.001610",
		dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "027190001234", Phone: "0912345678"})
}

// receiveOf files at the counter, as the reception officer, a dossier of
// procedure code from applicant a with every required component.
func (ev *env) receiveOf(t testing.TB, code string, a dossier.Applicant) *dossier.Dossier {
	t.Helper()
	comps := demotest.Required(t, ev.db, code, func(string) string { return ev.blob })
	d, err := ev.svc.Receive(context.Background(), ev.users["reception"], workflow.ReceiveInput{
		ProcedureCode: code, Channel: dossier.ChannelCounter, Components: comps, Applicant: a})
	if err != nil {
		t.Fatalf("Receive: %v", err)
	}
	return d
}

func (ev *env) act(t *testing.T, who, code string, a dossier.Action, in workflow.ActionInput) *dossier.Dossier {
	t.Helper()
	return demotest.Act(t, ev.svc, ev.users[who], code, a, in)
}

func TestFiveStepLifecycle(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		d := ev.receive(t)
		token := d.LookupToken
		if d.Status != dossier.StatusReceived || d.Mode != dossier.ModeFiveOnSpot || d.LookupToken == "" {
			t.Fatalf("received dossier = %+v", d)
		}
		// The code follows V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX.
		if want := "-261126-0001"; len(d.Code) < 12 || d.Code[len(d.Code)-12:] != want {
			t.Errorf("code = %q; want suffix %q", d.Code, want)
		}
		// 3 working days from Thu 26/11 09:00 → close of Tue 1/12.
		if want := time.Date(2026, 12, 1, 17, 0, 0, 0, ict); !d.DueAt.Equal(want) {
			t.Errorf("due = %v; want %v", d.DueAt.In(ict), want)
		}
		d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
		d = ev.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version,
			Recommendation: "approve", Report: "Hồ sơ hợp lệ", DraftResult: "Cấp Giấy chứng nhận đăng ký doanh nghiệp"})
		d = ev.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
		if d.Approval == nil || d.Approval.Capacity != "KT." || d.Approval.OnBehalfOf != "Giám đốc" {
			t.Errorf("approval = %+v; want KT. Giám đốc by delegation", d.Approval)
		}
		ev.clock.Add(time.Hour)
		d = ev.act(t, "clerk", d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version})
		if d.Result == nil || d.Result.Number != "01/GCN-DKDN-SKHDT" || d.Result.DocumentCode == "" {
			t.Errorf("result = %+v; want number 01/GCN-DKDN-SKHDT", d.Result)
		}
		d = ev.act(t, "reception", d.Code, dossier.ActReturn, workflow.ActionInput{Version: d.Version})
		if d.Status != dossier.StatusReturned || d.Outcome != dossier.OutcomeEarly || d.FinishedAt == nil {
			t.Errorf("returned: status %s outcome %q", d.Status, d.Outcome)
		}
		var got []dossier.Action
		for _, h := range d.History {
			got = append(got, h.Action)
		}
		want := []dossier.Action{dossier.ActReceive, dossier.ActAssign, dossier.ActSubmitAppraisal, dossier.ActApprove, dossier.ActIssue, dossier.ActReturn}
		if !slices.Equal(got, want) {
			t.Errorf("history = %v; want %v", got, want)
		}
		if d.History[3].OnBehalfOf != "KT. Giám đốc" {
			t.Errorf("approve history on_behalf_of = %q", d.History[3].OnBehalfOf)
		}
		// The result is in the warehouse and offered for reuse.
		items, err := ev.db.Warehouse(context.Background(), "027190001234")
		if err != nil || len(items) != 1 {
			t.Errorf("warehouse = %v, %v", items, err)
		}
		ps, err := ev.svc.Lookup(context.Background(), token)
		if err != nil || ps.Applicant != "N***** T** Á** Tuyết" || ps.Status != dossier.StatusReturned {
			t.Errorf("lookup = %+v, %v", ps, err)
		}
		if _, err := ev.svc.Lookup(context.Background(), "AAAAAAAAAAAAAAAAAAAAAA"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("lookup wrong token = %v", err)
		}
		n, prob, err := ev.db.VerifyAudit(context.Background())
		if err != nil || prob != nil || n == 0 {
			t.Errorf("audit = %d, %+v, %v", n, prob, err)
		}
		bad, _, err := ev.db.CheckConsistency(context.Background())
		if err != nil || len(bad) != 0 {
			t.Errorf("consistency = %v, %v", bad, err)
		}
	})
}

// TestAnswersAreTheStoredDossier: a use case answers with the dossier as
// its transaction wrote it (store.AsStored) instead of reading the row
// again; each answer of a lifecycle with a supplement must be, in JSON,
// exactly what reading the dossier right after gives.
func TestAnswersAreTheStoredDossier(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		same := func(who string, d *dossier.Dossier) {
			t.Helper()
			got := *d
			got.LookupToken = "" // given only by the reception's answer
			read, err := ev.svc.Dossier(context.Background(), ev.users[who], d.Code)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(&got)
			b, _ := json.Marshal(read)
			if string(a) != string(b) {
				t.Errorf("%s: answer\n%s\nread again\n%s", d.History[len(d.History)-1].Action, a, b)
			}
		}
		d := ev.receive(t)
		same("reception", d)
		steps := []struct {
			who string
			a   dossier.Action
			in  workflow.ActionInput
		}{
			{"appraiser", dossier.ActAssign, workflow.ActionInput{}},
			{"appraiser", dossier.ActRequestSupplement, workflow.ActionInput{Reason: "Thiếu bản sao điều lệ"}},
			{"reception", dossier.ActSupplement, workflow.ActionInput{}},
			{"appraiser", dossier.ActSubmitAppraisal, workflow.ActionInput{Recommendation: "approve", Report: "Hồ sơ hợp lệ",
				DraftResult: "Cấp Giấy chứng nhận đăng ký doanh nghiệp"}},
			{"approver", dossier.ActApprove, workflow.ActionInput{}},
			{"clerk", dossier.ActIssue, workflow.ActionInput{}},
			{"reception", dossier.ActReturn, workflow.ActionInput{}},
		}
		for _, st := range steps {
			ev.clock.Add(time.Hour)
			st.in.Version = d.Version
			d = ev.act(t, st.who, d.Code, st.a, st.in)
			same(st.who, d)
		}
		if d.Status != dossier.StatusReturned || d.Result == nil || d.Approval == nil {
			t.Errorf("returned dossier = %+v", d)
		}
	})
}

func TestRulesAndAuthority(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		d := ev.receive(t)
		tests := []struct {
			name string
			who  string
			a    dossier.Action
			in   workflow.ActionInput
			code string
		}{
			{"approve before appraisal", "approver", dossier.ActApprove, workflow.ActionInput{Version: d.Version}, dossier.ECONFLICT},
			{"stale version", "appraiser", dossier.ActAssign, workflow.ActionInput{Version: d.Version + 5}, dossier.ECONFLICT},
			{"missing version", "appraiser", dossier.ActAssign, workflow.ActionInput{}, dossier.EINVALID},
			{"wrong role", "clerk", dossier.ActAssign, workflow.ActionInput{Version: d.Version}, dossier.EFORBIDDEN},
			{"supervisor cannot act", "supervisor", dossier.ActWithdraw, workflow.ActionInput{Version: d.Version, Reason: "x"}, dossier.EFORBIDDEN},
			{"refuse needs reason", "approver", dossier.ActRefuse, workflow.ActionInput{Version: d.Version}, dossier.EINVALID},
			{"unknown action", "approver", "fly", workflow.ActionInput{Version: d.Version}, dossier.ENOTFOUND},
			{"reception cannot refuse a received dossier", "reception", dossier.ActRefuse, workflow.ActionInput{Version: d.Version, Reason: "x"}, dossier.EFORBIDDEN},
		}
		for _, tt := range tests {
			_, err := ev.svc.Act(ctx, ev.users[tt.who], d.Code, tt.a, tt.in)
			if got := dossier.ErrorCode(err); got != tt.code {
				t.Errorf("%s: code %q (%v); want %q", tt.name, got, err, tt.code)
			}
		}
		// Another agency's appraiser does not see the dossier at all.
		other, err := ev.svc.CreateUser(ctx, nil, workflow.NewUserInput{Username: "tdsxd", Password: "Cầu-Long-Biên-1902", Agency: "BN.SXD",
			Roles: []dossier.Role{dossier.RoleAppraiser}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ev.svc.Dossier(ctx, other, d.Code); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("other agency Dossier = %v; want not found", err)
		}
		if _, err := ev.svc.Act(ctx, other, d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version}); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("other agency Act = %v; want not found", err)
		}
		// Missing required components → 422 naming each one.
		_, err = ev.svc.Receive(ctx, ev.users["reception"], workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelCounter,
			Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Trần Văn B", IDNumber: "001090001111"}})
		if dossier.ErrorCode(err) != dossier.EUNPROCESSABLE || len(dossier.ErrorFields(err)) == 0 {
			t.Errorf("incomplete Receive = %v; want 422 with fields", err)
		}
		// Bad applicant identifiers.
		_, err = ev.svc.Receive(ctx, ev.users["reception"], workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelCounter,
			Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Trần Văn B", IDNumber: "12345"}})
		if dossier.ErrorCode(err) != dossier.EINVALID {
			t.Errorf("bad ID Receive = %v; want invalid", err)
		}
		// Approval without authority: revoke the delegation.
		ds, _ := ev.db.Delegations(ctx, "BN.SKHDT", 0)
		if err := ev.svc.RevokeDelegation(ctx, ev.users["admin"], ds[0].ID); err != nil {
			t.Fatal(err)
		}
		d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
		d = ev.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version, Recommendation: "approve", Report: "r", DraftResult: "k"})
		if _, err := ev.svc.Act(ctx, ev.users["approver"], d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version}); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("approve without delegation = %v; want forbidden", err)
		}
	})
}

func TestSupplementPausesTheClock(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		d := ev.receive(t)
		due := *d.DueAt
		d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
		d = ev.act(t, "appraiser", d.Code, dossier.ActRequestSupplement, workflow.ActionInput{Version: d.Version, Reason: "Thiếu bản sao điều lệ"})
		if d.Status != dossier.StatusSupplementRequested || d.PausedAt == nil || d.Supplements != 1 {
			t.Fatalf("after request: %+v", d)
		}
		// Paused Thu 09:00 → Fri 09:00: one working day (7.5 h) is added.
		ev.clock.Add(24 * time.Hour)
		d = ev.act(t, "reception", d.Code, dossier.ActSupplement, workflow.ActionInput{Version: d.Version})
		if want := ev.svc.Calendar().AddWorking(due, 7*time.Hour+30*time.Minute); !d.DueAt.Equal(want) {
			t.Errorf("due after pause = %v; want %v", d.DueAt.In(ict), want.In(ict))
		}
		if d.PausedSeconds != int64(7.5*3600) {
			t.Errorf("paused seconds = %d; want %d", d.PausedSeconds, int64(7.5*3600))
		}
		// Legal view: the period restarts from zero at the supplement.
		if want := time.Date(2026, 12, 2, 17, 0, 0, 0, ict); !d.LegalDueAt.Equal(want) {
			t.Errorf("legal due = %v; want %v", d.LegalDueAt.In(ict), want)
		}
		if d.Status != dossier.StatusAppraising {
			t.Errorf("status after supplement = %s", d.Status)
		}
	})
}

func TestApologyOnceAndReturnNeedsIt(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		d := ev.receive(t)
		d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
		d = ev.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version, Recommendation: "approve", Report: "r", DraftResult: "k"})
		d = ev.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
		d = ev.act(t, "clerk", d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version})
		// Due Tue 1/12 17:00; on Tue 1/12 it is too late to apologise in advance.
		ev.clock.Set(time.Date(2026, 12, 1, 10, 0, 0, 0, ict))
		nd := time.Date(2026, 12, 4, 17, 0, 0, 0, ict)
		if _, err := ev.svc.Act(ctx, ev.users["reception"], d.Code, dossier.ActApologize, workflow.ActionInput{Version: d.Version, Reason: "Chậm", NewDueAt: &nd}); dossier.ErrorCode(err) != dossier.EUNPROCESSABLE {
			t.Errorf("apology on the due day = %v; want 422", err)
		}
		// Overdue: return refused until an apology exists.
		ev.clock.Set(time.Date(2026, 12, 2, 9, 0, 0, 0, ict))
		if _, err := ev.svc.Act(ctx, ev.users["reception"], d.Code, dossier.ActReturn, workflow.ActionInput{Version: d.Version}); dossier.ErrorCode(err) != dossier.EUNPROCESSABLE {
			t.Errorf("return overdue without apology = %v; want 422", err)
		}
		d = ev.act(t, "reception", d.Code, dossier.ActApologize, workflow.ActionInput{Version: d.Version, Reason: "Chậm do hệ thống", NewDueAt: &nd})
		if !d.DueAt.Equal(nd) || d.ApologyAt == nil {
			t.Errorf("after apology due = %v", d.DueAt)
		}
		nd2 := nd.Add(48 * time.Hour)
		if _, err := ev.svc.Act(ctx, ev.users["reception"], d.Code, dossier.ActApologize, workflow.ActionInput{Version: d.Version, Reason: "x", NewDueAt: &nd2}); dossier.ErrorCode(err) != dossier.ECONFLICT {
			t.Errorf("second apology = %v; want 409", err)
		}
		d = ev.act(t, "reception", d.Code, dossier.ActReturn, workflow.ActionInput{Version: d.Version})
		// The apology gives the applicant a new appointment; lateness is
		// still judged against the original one (NĐ 61/2018 Điều 19.9;
		// this test used to accept on time, the defect of issue 15 item 1).
		if d.Outcome != dossier.OutcomeLate || !d.OriginalDueAt.Equal(time.Date(2026, 12, 1, 17, 0, 0, 0, ict)) {
			t.Errorf("outcome after apology = %q, original due %v; want late against 1/12 17:00", d.Outcome, d.OriginalDueAt)
		}
	})
}

// TestConcurrentActorsOneWinner: 50 goroutines act on one dossier version;
// exactly one wins, the others get 409, history gains one row.
func TestConcurrentActorsOneWinner(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		d := ev.receive(t)
		var wins, conflicts atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := ev.svc.Act(context.Background(), ev.users["appraiser"], d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
				switch dossier.ErrorCode(err) {
				case "":
					wins.Add(1)
				case dossier.ECONFLICT:
					conflicts.Add(1)
				default:
					t.Errorf("unexpected: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 || conflicts.Load() != 49 {
			t.Errorf("wins %d conflicts %d; want 1 and 49", wins.Load(), conflicts.Load())
		}
		got, err := ev.svc.Dossier(context.Background(), ev.users["appraiser"], d.Code)
		if err != nil || len(got.History) != 2 || got.Version != d.Version+1 {
			t.Errorf("history %d rows, version %d; want 2 and %d (%v)", len(got.History), got.Version, d.Version+1, err)
		}
	})
}

// TestConcurrentIssueGapFree: 1,000 dossiers issued concurrently take the
// numbers 1..1000 of the register, no gap, no repeat.
func TestConcurrentIssueGapFree(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		type ready struct {
			code    string
			version int64
		}
		var approved []ready
		// Build approved dossiers quickly through the real use cases.
		for i := 0; i < n; i++ {
			d := ev.receive(t)
			d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
			d = ev.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version, Recommendation: "approve", Report: "r", DraftResult: "k"})
			d = ev.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
			approved = append(approved, ready{d.Code, d.Version})
		}
		var wg sync.WaitGroup
		sem := make(chan struct{}, 32)
		for _, r := range approved {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				if _, err := ev.svc.Act(ctx, ev.users["clerk"], r.code, dossier.ActIssue, workflow.ActionInput{Version: r.version}); err != nil {
					t.Errorf("issue %s: %v", r.code, err)
				}
			}()
		}
		wg.Wait()
		regs, err := ev.db.Registers(ctx, "BN.SKHDT")
		if err != nil || len(regs) != 1 {
			t.Fatalf("registers = %v, %v", regs, err)
		}
		nums, err := ev.db.RegisterNumbers(ctx, regs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(nums) != n || regs[0].Last != int64(n) {
			t.Fatalf("issued %d numbers, register last %d; want %d", len(nums), regs[0].Last, n)
		}
		for i, v := range nums {
			if v != int64(i+1) {
				t.Fatalf("numbers[%d] = %d; want %d (gap or repeat)", i, v, i+1)
			}
		}
	})
}

func TestRegisterRestartsOnFirstJanuary(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		issue := func(at time.Time) string {
			ev.clock.Set(at)
			d := ev.receive(t)
			d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
			d = ev.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version, Recommendation: "approve", Report: "r", DraftResult: "k"})
			d = ev.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
			d = ev.act(t, "clerk", d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version})
			return d.Result.Number
		}
		// 31/12 23:59 local is still 2026; 1/1 00:00 local (17:00 UTC the day before) is 2027.
		a := issue(time.Date(2026, 12, 31, 23, 0, 0, 0, ict))
		b := issue(time.Date(2026, 12, 31, 23, 30, 0, 0, ict))
		c := issue(time.Date(2027, 1, 1, 0, 0, 0, 0, ict))
		if a != "01/GCN-DKDN-SKHDT" || b != "02/GCN-DKDN-SKHDT" || c != "01/GCN-DKDN-SKHDT" {
			t.Errorf("numbers = %s, %s, %s; want 01, 02, then 01 in the new year", a, b, c)
		}
	})
}

func TestDossierCodeSequencePerAgencyPerDay(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		var codes []string
		for i := 0; i < 3; i++ {
			codes = append(codes, ev.receive(t).Code)
		}
		ev.clock.Add(24 * time.Hour)
		codes = append(codes, ev.receive(t).Code)
		want := []string{"-261126-0001", "-261126-0002", "-261126-0003", "-261127-0001"}
		for i, c := range codes {
			if c[len(c)-12:] != want[i] || c[:14] != "000.00.02.H06-" {
				t.Errorf("code[%d] = %s; want 000.00.02.H06…%s", i, c, want[i])
			}
		}
	})
}

func errFields(err error) []dossier.FieldError { return dossier.ErrorFields(err) }

// TestCenterWorkingWeek: a center that receives on Saturday mornings
// counts them as working time; the provincial center does not.
func TestCenterWorkingWeek(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	ctx := context.Background()
	p, err := ev.db.Procedure(ctx, "2.001610")
	if err != nil {
		t.Fatal(err)
	}
	// Friday 27/11/2026 10:00, 1 working day.
	one := 1
	p.ProcessingDays = &one
	from := time.Date(2026, 11, 27, 10, 0, 0, 0, ict)
	if got, want := ev.svc.DueFor(p, "BN.TTHCC", from), time.Date(2026, 11, 30, 17, 0, 0, 0, ict); !got.Equal(want) {
		t.Errorf("provincial center: due %v; want Monday %v", got.In(ict), want)
	}
	// TP Bắc Ninh's center works Saturday 07:30–11:30: due Saturday 11:30.
	if got, want := ev.svc.DueFor(p, "BN.TPBACNINH.TTHCC", from), time.Date(2026, 11, 28, 11, 30, 0, 0, ict); !got.Equal(want) {
		t.Errorf("district center with Saturday hours: due %v; want %v", got.In(ict), want)
	}
	// A center-specific day off wins for that center only.
	admin := ev.users["admin"]
	if err := ev.svc.PutOverride(ctx, admin, store.Override{Day: "2026-11-30", Center: "BN.TTHCC", Kind: "extra_off", Name: "Nghỉ sửa chữa trụ sở"}); err != nil {
		t.Fatal(err)
	}
	if got, want := ev.svc.DueFor(p, "BN.TTHCC", from), time.Date(2026, 12, 1, 17, 0, 0, 0, ict); !got.Equal(want) {
		t.Errorf("with the center's day off: due %v; want %v", got.In(ict), want)
	}
	if got, want := ev.svc.DueFor(p, "BN.TPBACNINH.TTHCC", from), time.Date(2026, 11, 28, 11, 30, 0, 0, ict); !got.Equal(want) {
		t.Errorf("another center's day off leaked: due %v; want %v", got.In(ict), want)
	}
	if _, err := ev.svc.SaveCenter(ctx, admin, dossier.Center{Code: "BN.TTHCC", Name: "Trung tâm HCC", Level: dossier.LevelProvince,
		AgencyCode: "BN.TTHCC", SaturdayHours: "11:30-07:30"}); dossier.ErrorCode(err) != dossier.EINVALID {
		t.Errorf("bad Saturday hours accepted: %v", err)
	}
}

// TestIndicatorOnlinePayment: QĐ 766 indicator 3.6 counts fee-bearing
// dossiers paid online through the gateway (a verified order) over
// fee-bearing dossiers received; a fee collected at the counter is not
// online. 3.5 counts the procedures with such a payment.
func TestIndicatorOnlinePayment(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		gw := &payment.Client{BaseURL: "https://cong-thanh-toan.example", Merchant: "MOTCUA", Secret: "khoa-chung", Label: "fake"}
		ev.svc.SetPaymentGateway(gw, "https://motcua.example")
		fees := workflow.NewFees(ev.svc, nil, "")
		counter := ev.receive(t)
		if _, err := fees.Collect(ctx, ev.users["reception"], counter.Code, workflow.PaymentInput{Method: "cash"}); err != nil {
			t.Fatal(err)
		}
		reg, err := ev.svc.RegisterCitizen(ctx, workflow.NewUserInput{Username: "congdan", Password: "matkhau-dai", Name: "Lê Văn Công", IDNumber: "001090005678"})
		if err != nil {
			t.Fatal(err)
		}
		citizen := reg.User
		info, err := ev.svc.Upload(ctx, citizen, bytes.NewReader(testfile.PDF("online")))
		if err != nil {
			t.Fatal(err)
		}
		d, err := ev.svc.Receive(ctx, citizen, workflow.ReceiveInput{ProcedureCode: "2.001610",
			Applicant:  dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Lê Văn Công", IDNumber: "001090005678"},
			Components: []workflow.ComponentInput{{Code: "GDN", BlobID: info.ID}, {Code: "GTPL", BlobID: info.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		d = ev.act(t, "reception", d.Code, dossier.ActAccept, workflow.ActionInput{Version: d.Version})
		if _, err := fees.Collect(ctx, citizen, d.Code, workflow.PaymentInput{Method: "online"}); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Fatalf("the applicant marking the fee paid: %v; want forbidden", err)
		}
		indicator := func(code string) workflow.Indicator {
			rep, err := ev.svc.Indicators(ctx, ev.users["admin"], workflow.ReportQuery{From: "2026-11-26", To: "2026-11-26"})
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range rep.Indicators {
				if in.Code == code {
					return in
				}
			}
			t.Fatalf("no indicator %s", code)
			return workflow.Indicator{}
		}
		if in := indicator("3.6"); in.Numerator != 0 || in.Denominator != 2 {
			t.Errorf("3.6 before the online payment = %+v; want 0/2", in)
		}
		o, err := fees.PayOnline(ctx, citizen, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		// A refused answer (another amount) counts for nothing.
		wrong := payment.Answer(gw.Merchant, gw.Secret, workflow.GatewayResult{OrderRef: o.Ref, Amount: o.Amount + 1, TxnID: "FT1", Code: payment.CodePaid}, time.Time{})
		if _, err := fees.Confirm(ctx, wrong, ""); dossier.ErrorCode(err) != dossier.EUNPROCESSABLE {
			t.Fatalf("wrong amount: %v", err)
		}
		if in := indicator("3.6"); in.Numerator != 0 {
			t.Errorf("3.6 after a refused answer = %+v; want 0", in)
		}
		ok := payment.Answer(gw.Merchant, gw.Secret, workflow.GatewayResult{OrderRef: o.Ref, Amount: o.Amount, TxnID: "FT1", Code: payment.CodePaid}, time.Time{})
		if out, err := fees.Confirm(ctx, ok, d.Code); err != nil || out.Payment == nil {
			t.Fatalf("online payment: %v %v", out, err)
		}
		if in := indicator("3.6"); !in.Computable || in.Numerator != 1 || in.Denominator != 2 || in.Value != 50 {
			t.Errorf("3.6 = %+v; want 1/2 = 50%%", in)
		}
		if in := indicator("3.5"); in.Numerator != 1 {
			t.Errorf("3.5 = %+v; want 1 procedure paid online", in)
		}
	})
}

// TestCheckFindsRegisterGaps: `motcua check` reports a register whose
// numbers are not 1..last exactly once.
func TestCheckFindsRegisterGaps(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		for i := 0; i < 3; i++ {
			d := ev.receive(t)
			d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
			d = ev.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version, Recommendation: "approve", Report: "r", DraftResult: "k"})
			d = ev.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
			ev.act(t, "clerk", d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version})
		}
		if bad, _, err := ev.db.CheckConsistency(ctx); err != nil || len(bad) != 0 {
			t.Fatalf("clean data: %v, %v", bad, err)
		}
		if _, err := ev.db.SQL().Exec(`UPDATE registers SET last = last + 1`); err != nil {
			t.Fatal(err)
		}
		if bad, _, err := ev.db.CheckConsistency(ctx); err != nil || len(bad) != 1 {
			t.Errorf("register with a gap: %v, %v; want one inconsistency", bad, err)
		}
	})
}

// TestCreateDelegationAndShiftAreNew: the id and the revoked flag of a
// creation request are not the caller's (dossier.Delegation.AsNew,
// dossier.LeaderShift.AsNew): the record gets the store's id and a new
// delegation is in force.
func TestCreateDelegationAndShiftAreNew(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	ctx := context.Background()
	now := ev.clock.Now()
	d, err := ev.svc.CreateDelegation(ctx, ev.users["admin"], dossier.Delegation{ID: 9999, Revoked: true, AgencyCode: "BN.SKHDT",
		FromPosition: "Giám đốc", ToUserID: ev.users["approver"].ID, ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(0, 1, 0),
		BasisDocument: "Quyết định 15/QĐ-SKHĐT", Capacity: dossier.CapacityKT})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := ev.db.Delegations(ctx, "BN.SKHDT", 0)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ds, func(x dossier.Delegation) bool { return x.ID == d.ID })
	if d.ID == 9999 || d.Revoked || i < 0 || ds[i].Revoked || !ds[i].Covers("2.001610", now) {
		t.Errorf("created delegation %+v, stored %v; want a new id, in force", d, ds)
	}
	sh, err := ev.svc.CreateShift(ctx, ev.users["admin"], dossier.LeaderShift{ID: 9999, UserID: ev.users["approver"].ID,
		CenterCode: "BN.TTHCC", StartsAt: now, EndsAt: now.Add(4 * time.Hour)})
	if err != nil || sh.ID == 9999 || sh.ID == 0 {
		t.Errorf("created shift %+v, %v; want a new id", sh, err)
	}
}

// TestRefuseNeedsAuthority (issue 15 item 2; NĐ 61/2018 Điều 19.8): a
// refusal after appraisal is the competent or delegated leader's decision,
// checked like an approval, and carries the capacity line.
func TestRefuseNeedsAuthority(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		d1 := ev.act(t, "appraiser", ev.receive(t).Code, dossier.ActAssign, workflow.ActionInput{Version: 1})
		d2 := ev.act(t, "appraiser", ev.receive(t).Code, dossier.ActAssign, workflow.ActionInput{Version: 1})
		// The deputy refuses under the director's delegation (KT.).
		d1 = ev.act(t, "approver", d1.Code, dossier.ActRefuse, workflow.ActionInput{Version: d1.Version, Reason: "Ngành nghề không được phép"})
		h := d1.History[len(d1.History)-1]
		if d1.Status != dossier.StatusRefused || h.OnBehalfOf != "KT. Giám đốc" || !strings.Contains(h.Note, "Theo ủy quyền") {
			t.Errorf("refusal under delegation: %s, %+v", d1.Status, h)
		}
		// Without the delegation the deputy may neither refuse nor approve.
		ds, err := ev.db.Delegations(ctx, "BN.SKHDT", 0)
		if err != nil || len(ds) == 0 {
			t.Fatal(err)
		}
		if err := ev.svc.RevokeDelegation(ctx, ev.users["admin"], ds[0].ID); err != nil {
			t.Fatal(err)
		}
		_, err = ev.svc.Act(ctx, ev.users["approver"], d2.Code, dossier.ActRefuse, workflow.ActionInput{Version: d2.Version, Reason: "x"})
		if dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("refusal without authority = %v; want 403", err)
		}
		// Reception refuses only an online dossier it has not accepted.
		_, err = ev.svc.Act(ctx, ev.users["reception"], d2.Code, dossier.ActRefuse, workflow.ActionInput{Version: d2.Version, Reason: "x"})
		if dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("reception refusing during appraisal = %v; want 403", err)
		}
	})
}

// TestOnlineSupplementPassesReception (issue 15 item 7; contract §4): an
// online dossier supplemented before acceptance goes back to reception's
// check (submitted) with no clock; the clock starts at acceptance.
func TestOnlineSupplementPassesReception(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		reg, err := ev.svc.RegisterCitizen(ctx, workflow.NewUserInput{Username: "congdan1", Password: "Mai-vàng-2026", Name: "Phạm Thị Mai", IDNumber: "001203004321"})
		if err != nil {
			t.Fatal(err)
		}
		cit := reg.User
		up := func(string) string { return demotest.Upload(t, ev.svc, cit, "online component") }
		comps := demotest.Required(t, ev.db, "2.001610", up)
		d, err := ev.svc.Receive(ctx, cit, workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelOnline, Components: comps,
			Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Phạm Thị Mai", IDNumber: "001203004321"}})
		if err != nil {
			t.Fatal(err)
		}
		d = ev.act(t, "reception", d.Code, dossier.ActRequestSupplement, workflow.ActionInput{Version: d.Version, Reason: "Bản chụp mờ"})
		if d.Supplements != 0 || d.PausedAt != nil {
			t.Errorf("a request before acceptance counted as a pause: %d, %v", d.Supplements, d.PausedAt)
		}
		d, err = ev.svc.Act(ctx, cit, d.Code, dossier.ActSupplement, workflow.ActionInput{Version: d.Version,
			Components: []workflow.ComponentInput{{Code: comps[0].Code, BlobID: up(comps[0].Code)}}})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != dossier.StatusSubmitted || d.ReceivedAt != nil || d.DueAt != nil {
			t.Fatalf("after the online supplement: %s, received %v, due %v; want submitted with no clock", d.Status, d.ReceivedAt, d.DueAt)
		}
		d = ev.act(t, "reception", d.Code, dossier.ActAccept, workflow.ActionInput{Version: d.Version})
		if d.Status != dossier.StatusReceived || d.ReceivedAt == nil || d.DueAt == nil {
			t.Errorf("after acceptance: %s, received %v, due %v", d.Status, d.ReceivedAt, d.DueAt)
		}
	})
}

// TestFiveOnSpotStaysAtTheCenter (issue 15 item 11; QĐ 299/QĐ-UBND phần III:
// "Không luân chuyển hồ sơ TTHC thực hiện theo quy trình 5 tại chỗ về
// phòng, ban chuyên môn"): a "5 tại chỗ" dossier is assigned to and
// appraised by officers stationed at its center only.
func TestFiveOnSpotStaysAtTheCenter(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	ctx := context.Background()
	away, err := ev.svc.CreateUser(ctx, nil, workflow.NewUserInput{Username: "tdphong", Password: "Cầu-Long-Biên-1902", Name: "Đinh Văn Xa",
		Agency: "BN.SKHDT", Roles: []dossier.Role{dossier.RoleAppraiser}})
	if err != nil {
		t.Fatal(err)
	}
	d := ev.receive(t)
	if d.Mode != dossier.ModeFiveOnSpot {
		t.Fatalf("mode %s", d.Mode)
	}
	_, err = ev.svc.Act(ctx, ev.users["reception"], d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version, AssigneeID: away.ID})
	if dossier.ErrorCode(err) != dossier.EUNPROCESSABLE || !strings.Contains(dossier.ErrorMessage(err), "5 tại chỗ") {
		t.Errorf("assigned to an officer away from the center = %v; want 422 with the reason", err)
	}
	_, err = ev.svc.Act(ctx, away, d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
	if dossier.ErrorCode(err) != dossier.EFORBIDDEN {
		t.Errorf("taken by an officer away from the center = %v; want 403", err)
	}
	d = ev.act(t, "reception", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version, AssigneeID: ev.users["appraiser"].ID})
	if d.AssigneeID != ev.users["appraiser"].ID {
		t.Errorf("assignee = %d", d.AssigneeID)
	}
}

// TestPlacesOfTheFiveSteps (issue 15 item 11; QĐ 299 phần III): each step
// records where it was done; a "5 tại chỗ" dossier done at the center, with
// the leader on the on-site schedule, and returned the day it was received
// shows both.
func TestPlacesOfTheFiveSteps(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	d := ev.receive(t)
	d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
	d = ev.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version,
		Recommendation: "approve", Report: "Hồ sơ hợp lệ", DraftResult: "Cấp Giấy chứng nhận"})
	d = ev.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
	d = ev.act(t, "clerk", d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version})
	d = ev.act(t, "reception", d.Code, dossier.ActReturn, workflow.ActionInput{Version: d.Version})
	want := []dossier.Place{dossier.PlaceCenter, dossier.PlaceCenter, dossier.PlaceCenter, dossier.PlaceOnSiteLeader, dossier.PlaceCenter, dossier.PlaceCenter}
	if len(d.History) != len(want) {
		t.Fatalf("history = %+v", d.History)
	}
	for i, h := range d.History {
		if h.Place != want[i] {
			t.Errorf("%s done %q; want %q", h.Action, h.Place, want[i])
		}
	}
	if d.FiveOnSpotAchieved == nil || !*d.FiveOnSpotAchieved || d.ReturnedSameDay == nil || !*d.ReturnedSameDay {
		t.Errorf("achieved %v, same day %v; want both", d.FiveOnSpotAchieved, d.ReturnedSameDay)
	}
}
