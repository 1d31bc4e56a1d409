package workflow_test

import (
	"context"
	"strings"
	"testing"

	"motcua/dossier"
	"motcua/workflow"
)

// TestSignInVerified: a verified identity finds or creates the citizen
// account holding its personal ID number, on both engines; the session
// carries the level; a password account linked loses its password; a
// disabled account and an invalid number are refused.
func TestSignInVerified(t *testing.T) {
	eachEnvAt(t, vnAt(11, 3, 9, 0, 0, 0), func(t *testing.T, ev *env) {
		ctx := context.Background()
		in := workflow.VerifiedIdentity{IDNumber: "027090004321", Name: "Phạm Thị Xác Thực", Level: dossier.IdentityLevel2}
		tok, u, err := ev.svc.SignInVerified(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if !u.Has(dossier.RoleCitizen) || u.IDNumber != in.IDNumber || strings.Contains(u.Username, in.IDNumber) {
			t.Fatalf("created %+v", u)
		}
		if s, err := ev.svc.Authenticate(ctx, tok); err != nil || s.IdentityLevel != dossier.IdentityLevel2 || s.ID != u.ID {
			t.Fatalf("session: %+v, %v; want account %d at level 2", s, err, u.ID)
		}
		// Again, at level 1: the same account, a level-1 session.
		tok2, u2, err := ev.svc.SignInVerified(ctx, workflow.VerifiedIdentity{IDNumber: in.IDNumber, Level: dossier.IdentityLevel1})
		if err != nil || u2.ID != u.ID {
			t.Fatalf("second sign-in: %+v, %v", u2, err)
		}
		if s, _ := ev.svc.Authenticate(ctx, tok2); s == nil || s.IdentityLevel != dossier.IdentityLevel1 {
			t.Errorf("second session level: %+v", s)
		}

		// A password account with a declared number is linked; its
		// password and password sessions end.
		const pw = "Hoa-sen-nở-2026"
		if _, err := ev.svc.RegisterCitizen(ctx, workflow.NewUserInput{Username: "tudangky", Password: pw, Name: "Tự Đăng Ký",
			IDNumber: "027090008642"}); err != nil {
			t.Fatal(err)
		}
		pwTok, _, err := ev.svc.Login(ctx, "tudangky", pw)
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := ev.svc.Authenticate(ctx, pwTok); s == nil || s.IdentityLevel != dossier.IdentityNone {
			t.Fatalf("password session: %+v", s)
		}
		_, linked, err := ev.svc.SignInVerified(ctx, workflow.VerifiedIdentity{IDNumber: "027090008642", Level: dossier.IdentityLevel2})
		if err != nil || linked.Username != "tudangky" {
			t.Fatalf("link: %+v, %v", linked, err)
		}
		if _, err := ev.svc.Authenticate(ctx, pwTok); dossier.ErrorCode(err) != dossier.EUNAUTHORIZED {
			t.Errorf("password session after linking: %v; want ended", err)
		}
		if _, _, err := ev.svc.Login(ctx, "tudangky", pw); dossier.ErrorCode(err) != dossier.EUNAUTHORIZED {
			t.Errorf("password after linking: %v; want refused", err)
		}

		// Disabled: refused.
		if err := ev.svc.SetUserDisabled(ctx, ev.users["admin"], u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ev.svc.SignInVerified(ctx, in); dossier.ErrorCode(err) != dossier.EUNAUTHORIZED {
			t.Errorf("disabled account: %v; want refused", err)
		}
		if _, _, err := ev.svc.SignInVerified(ctx, workflow.VerifiedIdentity{IDNumber: "12345", Level: 2}); dossier.ErrorCode(err) != dossier.EUNAUTHORIZED {
			t.Errorf("invalid number: %v; want refused", err)
		}
	})
}
