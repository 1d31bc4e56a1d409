package workflow_test

import (
	"bytes"
	"context"
	"testing"

	"motcua/dossier"
	"motcua/workflow"
)

// TestBrandingStored: the branding is saved and read back on both
// engines; the emblem is kept, replaced or removed as asked; a non-admin
// may not save; a colour too light for white text is refused.
func TestBrandingStored(t *testing.T) {
	eachCatalogService(t, func(t *testing.T, svc *workflow.Service) {
		ctx := context.Background()
		admin := &dossier.User{ID: 1, Username: "qt", Roles: []dossier.Role{dossier.RoleAdmin}}
		if b, err := svc.Branding(ctx); b != nil || err != nil {
			t.Fatalf("before any save: %+v, %v; want none", b, err)
		}
		b := dossier.Branding{Name: "Trung tâm A", PrimaryColor: "#8b0000", AccentColor: "#0b5394"}
		png := []byte("\x89PNG\r\n\x1a\nrest")
		if _, err := svc.SetBranding(ctx, admin, b, workflow.EmblemReplace, png, "image/png"); err != nil {
			t.Fatal(err)
		}
		b.Name = "Trung tâm B"
		if _, err := svc.SetBranding(ctx, admin, b, workflow.EmblemKeep, nil, ""); err != nil {
			t.Fatal(err)
		}
		got, err := svc.Branding(ctx)
		if err != nil || got == nil || got.Name != "Trung tâm B" || got.EmblemType != "image/png" {
			t.Errorf("after keep: %+v, %v", got, err)
		}
		if img, typ, err := svc.BrandingEmblem(ctx); !bytes.Equal(img, png) || typ != "image/png" || err != nil {
			t.Errorf("emblem kept: %q %s %v", img, typ, err)
		}
		if _, err := svc.SetBranding(ctx, admin, b, workflow.EmblemRemove, nil, ""); err != nil {
			t.Fatal(err)
		}
		if img, _, _ := svc.BrandingEmblem(ctx); img != nil {
			t.Errorf("emblem after removal: %q", img)
		}
		clerk := &dossier.User{ID: 2, Username: "vt", Roles: []dossier.Role{dossier.RoleClerk}}
		if _, err := svc.SetBranding(ctx, clerk, b, workflow.EmblemKeep, nil, ""); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("clerk saves branding: %v; want forbidden", err)
		}
		b.AccentColor = "#ffcc00"
		if _, err := svc.SetBranding(ctx, admin, b, workflow.EmblemKeep, nil, ""); dossier.ErrorCode(err) != dossier.EINVALID {
			t.Errorf("light accent: %v; want invalid", err)
		}
		if got, _ := svc.Branding(ctx); got.AccentColor != "#0b5394" {
			t.Errorf("a refused save changed the accent to %s", got.AccentColor)
		}
	})
}
