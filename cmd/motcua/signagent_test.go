package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/render"
	"motcua/sign"
	"motcua/workflow"
)

// TestCmdSigning registers how officers sign, as an administrator does,
// and reads it back as the server does.
func TestCmdSigning(t *testing.T) {
	dir := t.TempDir()
	pki, err := sign.NewDemoPKI(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := pki.IssuePerson("Lê Thị Thu Hà", "Phó Giám đốc", "Sở KH&ĐT")
	if err != nil {
		t.Fatal(err)
	}
	certFile := filepath.Join(dir, "token.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.Certificate.Raw}), 0o600)
	cscFile := filepath.Join(dir, "csc.json")
	os.WriteFile(cscFile, []byte(`{"url": "https://ky-so.example.vn/csc/v2", "credential_id": "c1", "username": "u", "password": "p"}`), 0o600)
	env := func(string) string { return "" }
	run1 := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"signing", "--data", dir}, args...), env, strings.NewReader(""), &out, &errb)
		return code, out.String() + errb.String()
	}
	read := func(user string) *render.OfficerSigning {
		t.Helper()
		keys, err := render.OpenFileKeys(filepath.Join(dir, "keys"), "", "", false, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := keys.OfficerSigning(&dossier.User{Username: user})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if code, out := run1("--user", "approver", "--method", "agent", "--cert", certFile); code != 0 {
		t.Fatalf("agent: %d %s", code, out)
	}
	if s := read("approver"); s.Method != workflow.SignWithAgent || !strings.Contains(s.Certificates, "BEGIN CERTIFICATE") {
		t.Errorf("registered %+v", s)
	}
	if code, out := run1("--user", "pgd2", "--method", "csc", "--csc", cscFile); code != 0 {
		t.Fatalf("csc: %d %s", code, out)
	}
	if s := read("pgd2"); s.Method != workflow.SignRemotely || s.CSC.URL != "https://ky-so.example.vn/csc/v2" || s.CSC.CredentialID != "c1" {
		t.Errorf("registered %+v", s)
	}
	if code, _ := run1("--user", "approver", "--method", "server"); code != 0 || read("approver").Method != workflow.SignOnServer {
		t.Errorf("server: %d", code)
	}
	for _, args := range [][]string{{"--user", "x", "--method", "usb"}, {"--user", "x", "--method", "agent", "--cert", filepath.Join(dir, "none.pem")},
		{"--user", "x", "--method", "agent", "--cert", cscFile}} {
		if code, _ := run1(args...); code == 0 {
			t.Errorf("signing %q succeeded", args)
		}
	}
	// sign-agent needs its origin, module, token and key.
	var out bytes.Buffer
	if code := run(context.Background(), []string{"sign-agent"}, env, strings.NewReader(""), &out, &out); code != 2 {
		t.Errorf("sign-agent without flags: exit %d\n%s", code, out.String())
	}
}
