package workflow_test

import (
	"context"
	"strings"
	"testing"

	"motcua/dossier"
	"motcua/internal/demotest"
	"motcua/store"
	"motcua/workflow"
)

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
