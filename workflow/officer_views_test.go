package workflow_test

import (
	"context"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

// TestOfficerViewsAreForOfficers checks the work list and the dossier page
// refuse visitors without a session and citizens (deny by default).
func TestOfficerViewsAreForOfficers(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	ctx := context.Background()
	d := ev.receive(t)
	reg, err := ev.svc.RegisterCitizen(ctx, workflow.NewUserInput{Username: "congdan", Password: "matkhau-dai", Name: "Lê Văn Công", IDNumber: "001090005678"})
	if err != nil {
		t.Fatal(err)
	}
	citizen := reg.User
	for _, c := range []struct {
		who  *dossier.User
		want string
	}{{nil, dossier.EUNAUTHORIZED}, {citizen, dossier.EFORBIDDEN}} {
		if _, err := ev.svc.WorkQueue(ctx, c.who, workflow.WorkFilter{}); code(err) != c.want {
			t.Errorf("WorkQueue(%v) = %v; want %s", c.who, err, c.want)
		}
		if _, err := ev.svc.DossierView(ctx, c.who, d.Code); code(err) != c.want {
			t.Errorf("DossierView(%v) = %v; want %s", c.who, err, c.want)
		}
		if _, err := ev.svc.CheckActor(ctx, c.who, d.Code, dossier.ActAssign); code(err) != c.want {
			t.Errorf("CheckActor(%v) = %v; want %s", c.who, err, c.want)
		}
	}
}

// TestWorkQueueOfEachRole checks that a received dossier is in the queue of
// the appraisers (contract §4: received → assign) and not in the clerk's,
// and the filters.
func TestWorkQueueOfEachRole(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	ctx := context.Background()
	d := ev.receive(t)
	has := func(wq *workflow.WorkQueue) bool {
		for _, r := range wq.Rows {
			if r.Code == d.Code {
				return true
			}
		}
		return false
	}
	cases := []struct {
		who     string
		f       workflow.WorkFilter
		inQueue bool
		listed  bool
	}{
		{"appraiser", workflow.WorkFilter{}, true, true},
		{"reception", workflow.WorkFilter{}, true, true},
		{"clerk", workflow.WorkFilter{}, true, false}, // the clerk's queue is approved dossiers
		{"clerk", workflow.WorkFilter{Status: "open"}, false, true},
		{"supervisor", workflow.WorkFilter{}, false, true}, // no queue: every open dossier
		{"appraiser", workflow.WorkFilter{Status: string(dossier.StatusApproved)}, false, false},
		{"appraiser", workflow.WorkFilter{Query: d.Code}, true, true},
	}
	for _, c := range cases {
		wq, err := ev.svc.WorkQueue(ctx, ev.users[c.who], c.f)
		if err != nil {
			t.Fatalf("WorkQueue(%s, %+v): %v", c.who, c.f, err)
		}
		if wq.InQueue != c.inQueue || has(wq) != c.listed {
			t.Errorf("WorkQueue(%s, %+v): in queue %v, lists %s %v; want %v, %v", c.who, c.f, wq.InQueue, d.Code, has(wq), c.inQueue, c.listed)
		}
		if wq.Counts[dossier.StatusReceived] < 1 {
			t.Errorf("WorkQueue(%s): count of received = %d; want ≥ 1", c.who, wq.Counts[dossier.StatusReceived])
		}
		if !wq.Now.Equal(ev.clock.Now()) {
			t.Errorf("WorkQueue(%s).Now = %v; want the service clock %v", c.who, wq.Now, ev.clock.Now())
		}
	}
	if _, err := ev.svc.WorkQueue(ctx, ev.users["appraiser"], workflow.WorkFilter{Status: "bogus"}); code(err) != dossier.EINVALID {
		t.Errorf("WorkQueue(status bogus) = %v; want EINVALID", err)
	}
	wq, err := ev.svc.WorkQueue(ctx, ev.users["approver"], workflow.WorkFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !wq.Leader {
		t.Error("WorkQueue(approver).Leader = false; want true")
	}
}

// TestDossierPageOffersWhatTheDomainAllows checks the actions the dossier
// page offers, and that the forms of the others are refused: 403 for a role
// that may never take it, 409 for a status that does not allow it.
func TestDossierPageOffersWhatTheDomainAllows(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	ctx := context.Background()
	d := ev.receive(t) // received: the appraiser takes it (assign)
	v, err := ev.svc.DossierView(ctx, ev.users["appraiser"], d.Code)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Can[dossier.ActAssign] || v.Can[dossier.ActApprove] || v.Can[dossier.ActIssue] {
		t.Errorf("DossierView(appraiser).Can = %v; want assign and neither approve nor issue", v.Can)
	}
	if v.Procedure == nil || len(v.Components) < len(v.Procedure.Components) {
		t.Errorf("DossierView: procedure %v, %d components; want the catalog's components", v.Procedure, len(v.Components))
	}
	if v, err := ev.svc.DossierView(ctx, ev.users["clerk"], d.Code); err != nil || len(v.Can) != 0 {
		t.Errorf("DossierView(clerk) = %v, %v; want nothing offered", v, err)
	}
	cases := []struct {
		who  string
		a    dossier.Action
		want string
	}{
		{"appraiser", dossier.ActAssign, ""},
		{"clerk", dossier.ActAssign, dossier.EFORBIDDEN},    // never a clerk's action
		{"approver", dossier.ActApprove, dossier.ECONFLICT}, // the approver's, but not from "received"
		{"appraiser", dossier.Action("bogus"), dossier.ENOTFOUND},
		{"appraiser", dossier.ActReceive, dossier.ENOTFOUND}, // creates a dossier: no form on one
	}
	for _, c := range cases {
		if _, err := ev.svc.ActionForm(ctx, ev.users[c.who], d.Code, c.a); code(err) != c.want {
			t.Errorf("ActionForm(%s, %s) = %v; want %q", c.who, c.a, err, c.want)
		}
	}
	if _, err := ev.svc.DossierView(ctx, ev.users["appraiser"], "KHONG-CO"); code(err) != dossier.ENOTFOUND {
		t.Errorf("DossierView(unknown code) = %v; want ENOTFOUND", err)
	}
}

// TestDossierPageOffersTheApologyOnlyWhenAllowed: the page offers the
// apology (Mẫu 04) from the same rule the action applies (issue 15,
// NĐ 61/2018 Điều 19.9): ahead of the due date, not on the due date itself
// (too late to foresee, not yet late: the action answers 422), and again
// once the dossier is late.
func TestDossierPageOffersTheApologyOnlyWhenAllowed(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	ctx := context.Background()
	d := ev.receive(t) // Thu 26/11 09:00, 3 working days: due Tue 1/12
	offered := func(when string) bool {
		t.Helper()
		v, err := ev.svc.DossierView(ctx, ev.users["reception"], d.Code)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		return v.Can[dossier.ActApologize]
	}
	if !offered("at receipt") {
		t.Errorf("at receipt (due %v): apology not offered", d.DueAt.In(ict))
	}
	due := d.DueAt.In(ict)
	ev.clock.Set(time.Date(due.Year(), due.Month(), due.Day(), 9, 0, 0, 0, ict))
	if offered("on the due date") {
		t.Errorf("on the due date %v: apology offered", due)
	}
	nd := due.AddDate(0, 0, 3)
	_, err := ev.svc.Act(ctx, ev.users["reception"], d.Code, dossier.ActApologize,
		workflow.ActionInput{Version: d.Version, Reason: "Cần xác minh thêm", NewDueAt: &nd})
	if code(err) != dossier.EUNPROCESSABLE {
		t.Errorf("apology on the due date = %v; want EUNPROCESSABLE", err)
	}
	ev.clock.Set(due.Add(24 * time.Hour))
	if !offered("once late") {
		t.Errorf("a day after the due date %v: apology not offered", due)
	}
}
