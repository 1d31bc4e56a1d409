// Package demotest holds test fixtures built on the demo data set (package
// demo): the demo accounts as a store holds them, and a scanned component
// uploaded by one of them. Only tests import it.
package demotest

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"motcua/demo"
	"motcua/dossier"
	"motcua/internal/testfile"
	"motcua/store"
	"motcua/workflow"
)

// Users returns the demo accounts (demo.Accounts) as db holds them, by
// username. The demo data must be loaded.
func Users(tb testing.TB, db *store.DB) map[string]*dossier.User {
	tb.Helper()
	users := map[string]*dossier.User{}
	for _, a := range demo.Accounts {
		u, err := db.UserByName(context.Background(), a.Username)
		if err != nil {
			tb.Fatal(err)
		}
		users[a.Username] = u
	}
	return users
}

// Upload uploads, as u, a one-page PDF showing label (testfile.PDF) and
// returns its blob id.
func Upload(tb testing.TB, svc *workflow.Service, u *dossier.User, label string) string {
	tb.Helper()
	info, err := svc.Upload(context.Background(), u, bytes.NewReader(testfile.PDF(label)))
	if err != nil {
		tb.Fatal(err)
	}
	return info.ID
}

// Required returns an input for every required component of procedure
// code as db holds it, in the catalog's order, each with the blob id that
// blob returns for that component's code.
func Required(tb testing.TB, db *store.DB, code string, blob func(component string) string) []workflow.ComponentInput {
	tb.Helper()
	p, err := db.Procedure(context.Background(), code)
	if err != nil {
		tb.Fatal(err)
	}
	var comps []workflow.ComponentInput
	for _, c := range p.Components {
		if c.Required {
			comps = append(comps, workflow.ComponentInput{Code: c.Code, BlobID: blob(c.Code)})
		}
	}
	return comps
}

// Act takes action a on dossier code as u, failing the test on error.
func Act(tb testing.TB, svc *workflow.Service, u *dossier.User, code string, a dossier.Action, in workflow.ActionInput) *dossier.Dossier {
	tb.Helper()
	d, err := svc.Act(context.Background(), u, code, a, in)
	if err != nil {
		tb.Fatalf("%s %s: %v", u.Username, a, err)
	}
	return d
}

// DocOf returns the listed document of kind k of d, failing the test when
// d lists none.
func DocOf(tb testing.TB, d *dossier.Dossier, k dossier.DocKind) dossier.Document {
	tb.Helper()
	for _, doc := range d.Documents {
		if doc.Kind == k {
			return doc
		}
	}
	tb.Fatalf("dossier %s lists no %s: %+v", d.Code, k, d.Documents)
	return dossier.Document{}
}

// Receive uploads a scan as u (Upload) and receives, as u, a complete
// counter dossier of procedure 2.001610 (both components: GDN, GTPL) from
// applicant a.
func Receive(tb testing.TB, svc *workflow.Service, u *dossier.User, a dossier.Applicant) *dossier.Dossier {
	tb.Helper()
	id := Upload(tb, svc, u, "scan")
	d, err := svc.Receive(context.Background(), u, workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelCounter,
		Applicant: a, Components: []workflow.ComponentInput{{Code: "GDN", BlobID: id}, {Code: "GTPL", BlobID: id}}})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// Step is an action taken by the account Who.
type Step struct {
	Who    string
	Action dossier.Action
	In     workflow.ActionInput
}

// The steps of the usual path of a complete dossier (Walk): the appraiser
// takes it and recommends approval, the leader approves, the clerk issues
// the result and reception returns it.
var (
	Assign   = Step{Who: "appraiser", Action: dossier.ActAssign}
	Appraise = Step{Who: "appraiser", Action: dossier.ActSubmitAppraisal, In: workflow.ActionInput{Recommendation: "approve", Report: "Đủ điều kiện", DraftResult: "Cấp Giấy chứng nhận."}}
	Approve  = Step{Who: "approver", Action: dossier.ActApprove}
	Issue    = Step{Who: "clerk", Action: dossier.ActIssue}
	Return   = Step{Who: "reception", Action: dossier.ActReturn}
)

// Walk takes steps on d in order, each at the version the one before left
// (users by username, as Users gives them), and returns the last state.
func Walk(tb testing.TB, svc *workflow.Service, users map[string]*dossier.User, d *dossier.Dossier, steps ...Step) *dossier.Dossier {
	tb.Helper()
	d, err := TryWalk(context.Background(), svc, users, d, steps...)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// TryWalk is Walk for callers that cannot fail the test themselves (other
// goroutines): it stops at the first refused step and returns its error.
func TryWalk(ctx context.Context, svc *workflow.Service, users map[string]*dossier.User, d *dossier.Dossier, steps ...Step) (*dossier.Dossier, error) {
	for _, s := range steps {
		s.In.Version = d.Version
		next, err := svc.Act(ctx, users[s.Who], d.Code, s.Action, s.In)
		if err != nil {
			return d, fmt.Errorf("%s %s: %w", s.Who, s.Action, err)
		}
		d = next
	}
	return d, nil
}
