package dossier

import (
	"context"
	"slices"
	"testing"
)

// TestAccess: who may act and see (security.md R10): reception at its
// centers, officers in their agency, citizens their own dossiers, admins
// all; and each role's work queue.
func TestAccess(t *testing.T) {
	d := dossierIn(StatusReceived)
	other := dossierIn(StatusReceived)
	other.CenterCode, other.AgencyCode, other.ApplicantUser = "C2", "A2", 99
	for _, role := range Roles {
		u := cast[role]
		acts := CanActAs(u, role, d)
		if want := role != RoleSupervisor && role != RoleAdmin; acts != want {
			t.Errorf("%s acts on its own dossier: %v", role, acts)
		}
		if CanActAs(u, role, other) {
			t.Errorf("%s acts on another center's dossier", role)
		}
		if !Visible(u, d) {
			t.Errorf("%s does not see its dossier", role)
		}
		if Visible(u, other) != (role == RoleAdmin) {
			t.Errorf("%s sees another center's dossier: %v", role, Visible(u, other))
		}
	}
	if CanActAs(cast[RoleClerk], RoleReception, d) || (Reach{}).Sees(d) || ReachOf(nil).All {
		t.Errorf("no role, no reach")
	}
	both := &User{Roles: []Role{RoleAppraiser, RoleApprover}}
	for _, c := range []struct {
		u    *User
		want []Status
	}{
		{cast[RoleReception], []Status{StatusSubmitted, StatusReceived, StatusSupplementRequested, StatusIssued}},
		{both, []Status{StatusReceived, StatusAppraising, StatusAwaitingApproval}},
		{cast[RoleClerk], []Status{StatusApproved}},
		{cast[RoleSupervisor], nil},
		{cast[RoleCitizen], nil},
	} {
		if got := QueueOf(c.u); !slices.Equal(got, c.want) {
			t.Errorf("queue of %v = %v; want %v", c.u.Roles, got, c.want)
		}
	}
	if got := OpenStatuses(); len(got) != 7 || slices.ContainsFunc(got, Status.Terminal) {
		t.Errorf("open statuses = %v", got)
	}
	ctx := NewContextWithUser(context.Background(), cast[RoleClerk])
	if UserFromContext(ctx) != cast[RoleClerk] || UserFromContext(context.Background()) != nil {
		t.Errorf("user in context")
	}
}
