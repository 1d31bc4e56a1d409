//go:build cgo

package render_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"testing"

	"motcua/dossier"
	"motcua/internal/softhsmtest"
	"motcua/sign"
	"motcua/store"
)

// TestSealOnSoftHSM issues a result whose seal key lives on a PKCS#11
// token (SoftHSM2), referenced from the seal registry.
func TestSealOnSoftHSM(t *testing.T) {
	softhsmtest.Token(t, "hcc", "1234")
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	// The HSM administrator generates the seal key on the token and stores
	// its certificate there.
	// The CA of the trust store certifies it (the seal is checked for
	// revocation with that CA before every use).
	softhsmtest.Key(t, "hcc", "1234", 7, "dau-skhdt", func(pub crypto.PublicKey) (*x509.Certificate, error) {
		return f.keys.DemoPKI().IssueForKey(pub, "", "", "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh (HSM)")
	})
	f.keys.PKCS11Module, f.keys.PKCS11PIN = softhsmtest.Module, "1234"
	seals, err := f.db.Seals(ctx, "BN.SKHDT")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range seals {
		if s.Kind == dossier.SealElectronic {
			s.KeyRef = "pkcs11:token=hcc;object=dau-skhdt"
			if _, err := f.svc.SaveSeal(ctx, f.users["admin"], s); err != nil {
				t.Fatal(err)
			}
		}
	}
	d, _ := f.lifecycle(t)
	file, err := f.svc.ResultPDF(ctx, f.users["reception"], d.Code)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sign.VerifyPDF(file, sign.VerifyOptions{Roots: f.keys.Roots(), Now: f.clock()})
	if err != nil || !rep.Intact || !rep.Trusted || len(rep.Signatures) != 2 {
		t.Fatalf("VerifyPDF = %+v, %v", rep, err)
	}
	if got := rep.Signatures[1].SignerName; got != "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh (HSM)" {
		t.Errorf("seal signed by %q; want the HSM key's certificate", got)
	}
}
