package workflow_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

// TestReadUseCasesDenyByDefault checks who may call each read use case:
// the roles listed, and nobody else (no session: 401; other roles: 403).
func TestReadUseCasesDenyByDefault(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	ctx := context.Background()
	everyone := []string{"reception", "appraiser", "approver", "clerk", "supervisor", "admin"}
	cases := []struct {
		name    string
		allowed []string
		call    func(u *dossier.User) error
	}{
		{"Users", []string{"supervisor", "admin"}, func(u *dossier.User) error { _, err := ev.svc.Users(ctx, u, ""); return err }},
		{"Approvers", []string{"supervisor", "admin"}, func(u *dossier.User) error { _, err := ev.svc.Approvers(ctx, u); return err }},
		{"Delegations", []string{"approver", "supervisor", "admin"}, func(u *dossier.User) error { _, err := ev.svc.Delegations(ctx, u, ""); return err }},
		{"Registers", []string{"clerk", "supervisor", "admin"}, func(u *dossier.User) error { _, err := ev.svc.Registers(ctx, u, ""); return err }},
		{"AuditEntries", []string{"admin"}, func(u *dossier.User) error { _, err := ev.svc.AuditEntries(ctx, u, 10); return err }},
		{"CalendarYearOf", []string{"admin"}, func(u *dossier.User) error { _, err := ev.svc.CalendarYearOf(ctx, u, 0); return err }},
		// Decree 45/2020 Art. 13: the officers who handle the dossier read
		// the warehouse — of applicants of dossiers in their unit's work
		// (issue 16; this applicant has none: ENOTFOUND past the role gate).
		{"Warehouse", []string{"reception", "appraiser", "approver", "admin"}, func(u *dossier.User) error {
			_, err := ev.svc.Warehouse(ctx, u, "001203001234", "")
			if dossier.ErrorCode(err) == dossier.ENOTFOUND {
				return nil
			}
			return err
		}},
		{"RatingSummary", []string{"supervisor", "admin"}, func(u *dossier.User) error {
			_, err := ev.svc.RatingSummary(ctx, u, workflow.RatingQuery{})
			return err
		}},
		{"DashboardQuery", []string{"supervisor", "admin"}, func(u *dossier.User) error {
			_, _, err := ev.svc.DashboardQuery(ctx, u, workflow.ReportQuery{})
			return err
		}},
		{"Seals", everyone, func(u *dossier.User) error { _, err := ev.svc.Seals(ctx, u, ""); return err }},
		{"ShiftsAhead", everyone, func(u *dossier.User) error { _, err := ev.svc.ShiftsAhead(ctx, u, "", 14); return err }},
		{"BlobAccess", everyone, func(u *dossier.User) error {
			_, err := ev.svc.BlobAccess(ctx, u, ev.blob)
			if dossier.ErrorCode(err) == dossier.ENOTFOUND {
				return nil // signed in, but not the uploader: the file does not exist for them
			}
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(nil); dossier.ErrorCode(err) != dossier.EUNAUTHORIZED {
				t.Errorf("%s(no session) = %v; want EUNAUTHORIZED", c.name, err)
			}
			for _, who := range everyone {
				err := c.call(ev.users[who])
				want := ""
				if !slices.Contains(c.allowed, who) {
					want = dossier.EFORBIDDEN
				}
				if got := code(err); got != want {
					t.Errorf("%s(%s) = %v; want code %q", c.name, who, err, want)
				}
			}
		})
	}
}

func code(err error) string {
	if err == nil {
		return ""
	}
	return dossier.ErrorCode(err)
}

// TestReadUseCasesScope checks that non-admins read their own agency only,
// whatever they ask for, and that admins read the agency they name.
func TestReadUseCasesScope(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	ctx := context.Background()
	us, err := ev.svc.Users(ctx, ev.users["supervisor"], "BN.SKHDT")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.AgencyCode != "BN.TTHCC" {
			t.Errorf("supervisor of BN.TTHCC asking for BN.SKHDT got user %s of %s", u.Username, u.AgencyCode)
		}
	}
	us, err = ev.svc.Users(ctx, ev.users["admin"], "BN.SKHDT")
	if err != nil {
		t.Fatal(err)
	}
	if len(us) == 0 {
		t.Fatal("admin asking for BN.SKHDT got no users")
	}
	for _, u := range us {
		if u.AgencyCode != "BN.SKHDT" {
			t.Errorf("admin asking for BN.SKHDT got user %s of %s", u.Username, u.AgencyCode)
		}
	}
	aps, err := ev.svc.Approvers(ctx, ev.users["admin"])
	if err != nil {
		t.Fatal(err)
	}
	if len(aps) == 0 {
		t.Error("Approvers: none, want the demo approver")
	}
	for _, a := range aps {
		if !a.Has(dossier.RoleApprover) || a.Disabled {
			t.Errorf("Approvers returned %s (roles %v, disabled %v)", a.Username, a.Roles, a.Disabled)
		}
	}
}

// TestPeriodsDefaultToToday checks that a period left out is today's, by
// the service's clock, and that an empty period is refused.
func TestPeriodsDefaultToToday(t *testing.T) {
	ev := newEnv(t, store.SQLite) // Thursday 26 November 2026, 09:00
	ctx := context.Background()
	q, centers, err := ev.svc.DashboardQuery(ctx, ev.users["supervisor"], workflow.ReportQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if q.From != "2026-01-01" || q.To != "2026-11-26" {
		t.Errorf("DashboardQuery period = %s..%s; want 2026-01-01..2026-11-26", q.From, q.To)
	}
	for _, c := range centers {
		if !ev.users["supervisor"].AtCenter(c.Code) {
			t.Errorf("DashboardQuery lists center %s the supervisor does not serve", c.Code)
		}
	}
	day := time.Date(2026, 11, 26, 0, 0, 0, 0, ict)
	_, err = ev.svc.RatingSummary(ctx, ev.users["admin"], workflow.RatingQuery{From: day.AddDate(0, 0, 2)})
	if dossier.ErrorCode(err) != dossier.EINVALID {
		t.Errorf("RatingSummary from the day after tomorrow to (default) tomorrow = %v; want EINVALID", err)
	}
	if _, err := ev.svc.RatingSummary(ctx, ev.users["admin"], workflow.RatingQuery{From: day.AddDate(0, 0, -7)}); err != nil {
		t.Errorf("RatingSummary over the last week: %v", err)
	}
	cy, err := ev.svc.CalendarYearOf(ctx, ev.users["admin"], 0)
	if err != nil {
		t.Fatal(err)
	}
	if cy.Year != 2026 || !slices.Equal(cy.Years, []int{2025, 2026, 2027}) {
		t.Errorf("CalendarYearOf(0) = %d %v; want 2026 [2025 2026 2027]", cy.Year, cy.Years)
	}
}

// TestQueueBoardAndMyDossierAreScoped checks the public board of an unknown
// center and a dossier read by someone other than its online applicant.
func TestQueueBoardAndMyDossierAreScoped(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	ctx := context.Background()
	if _, err := ev.svc.QueueBoard(ctx, "KHONG-CO"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
		t.Errorf("QueueBoard(unknown) = %v; want ENOTFOUND", err)
	}
	d := ev.receive(t)
	// Received at the counter: there is no online applicant, so even the
	// officer who received it cannot read it as "my dossier".
	if _, err := ev.svc.MyDossier(ctx, ev.users["reception"], d.Code); dossier.ErrorCode(err) != dossier.ENOTFOUND {
		t.Errorf("MyDossier(reception, counter dossier) = %v; want ENOTFOUND", err)
	}
}

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
