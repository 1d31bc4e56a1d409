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
