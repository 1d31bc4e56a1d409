package dvcqg_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/dvcqg"
	"motcua/internal/clocktest"
	"motcua/internal/demotest"
	"motcua/internal/stacktest"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/workflow"
)

var ict = time.FixedZone("ICT", 7*3600)

type env struct {
	svc   *workflow.Service
	db    *store.DB
	clock *clocktest.Clock
	users map[string]*dossier.User
	blob  string
	fake  *dvcqg.Fake
	srv   *httptest.Server
}

// newEnv is the demo province on engine e, connected (when connect) to a
// fake portal listening on 127.0.0.1.
func newEnv(t *testing.T, e store.Engine, connect bool) *env {
	t.Helper()
	c := &clocktest.Clock{}
	c.Set(time.Date(2026, 11, 26, 9, 0, 0, 0, ict))
	db, svc := stacktest.Demo(t, e, workflow.Ports{}, workflow.Config{Now: c.Now, BaseURL: "https://hcc.example.vn"})
	ev := &env{svc: svc, db: db, clock: c, users: demotest.Users(t, db), fake: dvcqg.NewFake()}
	ev.blob = demotest.Upload(t, svc, ev.users["reception"], "scan")
	ev.srv = httptest.NewServer(ev.fake)
	t.Cleanup(ev.srv.Close)
	if connect {
		ev.connect(200 * time.Millisecond)
	}
	return ev
}

func (ev *env) connect(timeout time.Duration) {
	ev.svc.AddPortal(&dvcqg.Client{BaseURL: ev.srv.URL, Token: "secret-token", HTTP: &http.Client{Timeout: timeout}},
		workflow.DestinationOptions{MaxAttempts: 5, BaseDelay: 10 * time.Second, MaxDelay: time.Minute, Timeout: timeout})
}

func (ev *env) receive(t *testing.T) *dossier.Dossier {
	t.Helper()
	d, err := ev.svc.Receive(context.Background(), ev.users["reception"], workflow.ReceiveInput{ProcedureCode: "2.001610",
		Channel: dossier.ChannelCounter, Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Văn An", IDNumber: "001090001234"},
		Components: []workflow.ComponentInput{{Code: "GDN", BlobID: ev.blob}, {Code: "GTPL", BlobID: ev.blob}}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (ev *env) act(t *testing.T, who, code string, a dossier.Action, in workflow.ActionInput) *dossier.Dossier {
	t.Helper()
	d, err := ev.svc.Act(context.Background(), ev.users[who], code, a, in)
	if err != nil {
		t.Fatalf("%s %s: %v", who, a, err)
	}
	return d
}

// drain runs relay rounds until one delivers nothing.
func (ev *env) drain(t *testing.T) {
	t.Helper()
	for range 50 {
		if n, _ := ev.svc.DeliverDue(context.Background(), 100); n == 0 {
			return
		}
	}
}

type receipts struct{}

func (receipts) Name() string { return "test" }
func (receipts) Issue(ctx context.Context, r workflow.EReceipt) (*workflow.IssuedEReceipt, error) {
	return &workflow.IssuedEReceipt{ProviderRef: "T-" + r.Number, LookupCode: "LC" + r.Number, PDF: []byte("%PDF-1.7\n%%EOF\n")}, nil
}

// TestPortalReceivesTheLifecycle: reception, every status change, the
// payment and the result reach the portal, in order, with the mapped
// fields (docs/dvcqg.md).
func TestPortalReceivesTheLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		ev := newEnv(t, e, true)
		ctx := context.Background()
		d := ev.receive(t)
		if _, err := workflow.NewFees(ev.svc, receipts{}, "BL").Collect(ctx, ev.users["reception"], d.Code, workflow.PaymentInput{Method: "cash"}); err != nil {
			t.Fatal(err)
		}
		d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
		d = ev.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version,
			Recommendation: "approve", Report: "Hồ sơ hợp lệ", DraftResult: "Cấp Giấy chứng nhận"})
		d = ev.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
		ev.clock.Add(time.Hour)
		d = ev.act(t, "clerk", d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version})
		d = ev.act(t, "reception", d.Code, dossier.ActReturn, workflow.ActionInput{Version: d.Version})
		ev.drain(t)

		var got []string
		for _, r := range ev.fake.Events(d.Code) {
			got = append(got, r.SuKien+":"+r.TrangThai)
		}
		want := "[receive:received payment: assign:appraising submit-appraisal:awaiting_approval approve:approved issue:issued return:returned]"
		if fmt.Sprint(got) != want {
			t.Fatalf("portal events %v; want %s", got, want)
		}
		// The link is the result's public verification page (empty here:
		// this environment has no renderer storing the signed result).
		full, err := ev.svc.Dossier(ctx, ev.users["reception"], d.Code)
		if err != nil {
			t.Fatal(err)
		}
		link := ""
		for _, doc := range full.Documents {
			if doc.Kind == dossier.DocResult {
				link = doc.VerifyURL
			}
		}
		last, _ := ev.fake.Record(d.Code)
		if last.MaTTHC != "2.001610" || last.KenhThucHien != 1 || last.DoiTuongThucHien != 1 || last.TrangThaiHoSo != 10 ||
			last.NgayTiepNhan != d.ReceivedAt.In(ict).Format(dvcqg.TimeLayout) || last.NgayHenTra != d.DueAt.In(ict).Format(dvcqg.TimeLayout) ||
			last.NgayKetThucXuLy == "" || last.MaKetQua != d.Result.Number || last.DuongDanKetQua != link {
			t.Errorf("last record %+v; want the returned dossier's fields", last)
		}
		pay := ev.fake.Events(d.Code)[1]
		if pay.ThanhToan == nil || pay.ThanhToan.SoTien <= 0 || pay.ThanhToan.SoBienLai == "" {
			t.Errorf("payment record %+v; want amount and receipt", pay)
		}
		if acc, dup, ooo := ev.fake.Stats(); acc != 7 || dup != 0 || ooo != 0 {
			t.Errorf("accepted %d, duplicates %d, out of order %d; want 7, 0, 0", acc, dup, ooo)
		}
	})
}

// TestPortalDownSlowAndFailing: the portal down, slow (beyond the
// attempt's timeout) or answering 500 delays the messages, which arrive
// in order once it is back; a 400 sets the message dead at once, and the
// dossier's later messages wait behind it until an admin retries it.
func TestPortalDownSlowAndFailing(t *testing.T) {
	ev := newEnv(t, store.SQLite, true)
	ctx := context.Background()
	ev.fake.SetDown(true)
	d := ev.receive(t)
	d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
	ev.drain(t)
	if acc, _, _ := ev.fake.Stats(); acc != 0 {
		t.Fatalf("%d accepted while down", acc)
	}
	ev.fake.SetDown(false)
	ev.fake.SetSlow(time.Second) // beyond the 200 ms attempt timeout
	ev.clock.Add(11 * time.Second)
	ev.drain(t)
	ev.fake.SetSlow(0)
	ev.fake.FailNext(1, 500)
	ev.clock.Add(25 * time.Second)
	ev.drain(t)
	if acc, _, _ := ev.fake.Stats(); acc != 0 {
		t.Fatalf("%d accepted while slow or failing", acc)
	}
	ev.clock.Add(time.Minute)
	ev.drain(t)
	var got []string
	for _, r := range ev.fake.Events(d.Code) {
		got = append(got, r.SuKien)
	}
	if fmt.Sprint(got) != "[receive assign]" {
		t.Fatalf("portal events %v; want [receive assign]", got)
	}
	// The slow answers may have been accepted late by the receiver: those
	// repeats carry the same key and are dropped there.
	_, dup, ooo := ev.fake.Stats()
	t.Logf("duplicates dropped by the receiver: %d", dup)
	if ooo != 0 {
		t.Errorf("%d out of order", ooo)
	}

	// A refusal (400) is not retried: dead, and the next update waits.
	ev.fake.FailNext(1, 400)
	d = ev.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version,
		Recommendation: "approve", Report: "Hồ sơ hợp lệ", DraftResult: "Cấp"})
	d = ev.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
	ev.drain(t)
	admin := ev.users["admin"]
	dead, err := ev.svc.Outbox(ctx, admin, workflow.DeliveryFilter{Status: "dead", Destination: workflow.PortalDestination})
	if err != nil || len(dead.Items) != 1 || dead.Items[0].Attempts != 1 || dead.Items[0].Topic != "dossier.submit-appraisal" {
		t.Fatalf("dead = %+v, %v; want submit-appraisal dead after one attempt", dead, err)
	}
	if n := len(ev.fake.Events(d.Code)); n != 2 {
		t.Fatalf("%d events at the portal; want 2 (approve waits behind the dead one)", n)
	}
	if err := ev.svc.RetryDelivery(ctx, admin, dead.Items[0].ID); err != nil {
		t.Fatal(err)
	}
	ev.drain(t)
	got = got[:0]
	for _, r := range ev.fake.Events(d.Code) {
		got = append(got, r.SuKien)
	}
	if fmt.Sprint(got) != "[receive assign submit-appraisal approve]" {
		t.Fatalf("portal events %v after the retry", got)
	}
}

// TestSyncCheckFindsAndResendsTheMissing: dossiers received before the
// portal was connected, and one the portal lost, are reported and resent;
// the second check finds everything.
func TestSyncCheckFindsAndResendsTheMissing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		ev := newEnv(t, e, false)
		ctx := context.Background()
		from := ev.clock.Now().Add(-time.Hour)
		early := ev.receive(t) // before the connection: never sent
		ev.connect(time.Second)
		sent := ev.receive(t)
		lost := ev.receive(t)
		lost = ev.act(t, "appraiser", lost.Code, dossier.ActAssign, workflow.ActionInput{Version: lost.Version})
		ev.drain(t)
		ev.fake.Forget(lost.Code)
		to := ev.clock.Now().Add(time.Hour)

		rep, err := ev.svc.SyncCheck(ctx, from, to, false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Local != 3 || rep.Remote != 1 || fmt.Sprint(rep.Missing) != fmt.Sprint([]string{early.Code, lost.Code}) || rep.Verified || rep.Resent != 0 {
			t.Fatalf("report %+v; want 3 local, 1 remote, missing %s and %s", rep, early.Code, lost.Code)
		}
		rep, err = ev.svc.SyncCheck(ctx, from, to, true)
		if err != nil || rep.Resent != 2 {
			t.Fatalf("resend: %+v, %v", rep, err)
		}
		ev.drain(t)
		rep, err = ev.svc.SyncCheck(ctx, from, to, true)
		if err != nil || !rep.Verified || rep.Remote != 3 || rep.Resent != 0 {
			t.Fatalf("after the resend: %+v, %v; want everything at the portal", rep, err)
		}
		if r, _ := ev.fake.Record(lost.Code); r.SuKien != "resync" || r.TrangThai != string(dossier.StatusAppraising) {
			t.Errorf("lost dossier resent as %+v; want its current status", r)
		}
		if r, _ := ev.fake.Record(sent.Code); r.SuKien != "receive" {
			t.Errorf("a dossier the portal held was resent: %+v", r)
		}
		// The portal away: a clear error, nothing queued.
		ev.fake.SetDown(true)
		if _, err := ev.svc.SyncCheck(ctx, from, to, true); dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
			t.Errorf("check with the portal down = %v; want unavailable", err)
		}
	})
}
