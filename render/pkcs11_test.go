//go:build cgo

package render_test

import (
	"context"
	"crypto/elliptic"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ThalesGroup/crypto11"

	"motcua/dossier"
	"motcua/sign"
	"motcua/store"
)

const softHSMModule = "/usr/lib/softhsm/libsofthsm2.so"

// TestSealOnSoftHSM issues a result whose seal key lives on a PKCS#11
// token (SoftHSM2), referenced from the seal registry.
func TestSealOnSoftHSM(t *testing.T) {
	util := tool(t, "softhsm2-util")
	if _, err := os.Stat(softHSMModule); err != nil {
		if os.Getenv("MOTCUA_TEST_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s not installed", softHSMModule)
		}
		t.Skipf("%s not installed", softHSMModule)
	}
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "tokens"), 0o700)
	conf := filepath.Join(dir, "softhsm2.conf")
	os.WriteFile(conf, []byte("directories.tokendir = "+filepath.Join(dir, "tokens")+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600)
	t.Setenv("SOFTHSM2_CONF", conf)
	if out, err := exec.Command(util, "--init-token", "--free", "--label", "hcc", "--pin", "1234", "--so-pin", "5678").CombinedOutput(); err != nil {
		t.Fatalf("init token: %v\n%s", err, out)
	}
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	// The HSM administrator generates the seal key on the token and stores
	// its certificate there.
	c11, err := crypto11.Configure(&crypto11.Config{Path: softHSMModule, TokenLabel: "hcc", Pin: "1234"})
	if err != nil {
		t.Fatal(err)
	}
	key, err := c11.GenerateECDSAKeyPairWithLabel([]byte{7}, []byte("dau-skhdt"), elliptic.P256())
	if err != nil {
		t.Fatal(err)
	}
	// The CA of the trust store certifies it (the seal is checked for
	// revocation with that CA before every use).
	cert, err := f.keys.DemoPKI().IssueForKey(key.Public(), "", "", "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh (HSM)")
	if err != nil {
		t.Fatal(err)
	}
	if err := c11.ImportCertificateWithLabel([]byte{7}, []byte("dau-skhdt"), cert); err != nil {
		t.Fatal(err)
	}
	c11.Close()
	f.keys.PKCS11Module, f.keys.PKCS11PIN = softHSMModule, "1234"
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
