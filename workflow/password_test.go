package workflow_test

import (
	"context"
	"testing"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

// The password policy (workflow/password.go): security.md ASVS 6.2.1
// (length: officers ≥ 12 or a passphrase, TCVN 14423 level 3; citizens
// ≥ 8), 6.2.4/6.2.12 (no common or breached password: the list shipped in
// the binary), 6.2.11 (no context words: the username).
func TestPasswordPolicy(t *testing.T) {
	tests := []struct {
		pw, user string
		officer  bool
		ok       bool
	}{
		{"demo", "reception", true, false},                   // 6.2.1: 4 characters, the probe
		{"secret12", "tdsxd", true, false},                   // 6.2.1: 8 < 12 for an officer
		{"Cầu-Long-Biên-1902", "tdsxd", true, true},          // 6.2.1: 18 characters
		{"mèo đen ăn cá", "tdsxd", true, true},               // 6.2.1: a passphrase
		{"ăn cá bò gà", "tdsxd", true, true},                 // 6.2.1: 11 characters, but 4 distinct words
		{"ăn ăn ăn ăn", "tdsxd", true, false},                // 6.2.1: the same word 4 times is no passphrase
		{"a b c d e f g", "tdsxd", true, false},              // the alphabet, spaced out
		{"Quan họ 2026!", "tdsxd", true, true},               // 13 characters: length alone suffices
		{"password1234", "tdsxd", true, false},               // 6.2.12: a common password with digits around it
		{"Matkhau@2026", "tdsxd", true, false},               // 6.2.12: "mật khẩu" (password) + a year
		{"Mật Khẩu 2026!", "tdsxd", true, false},             // the same with diacritics and spaces
		{"iloveyou1234", "tdsxd", true, false},               // 6.2.12
		{"123456789012", "tdsxd", true, false},               // a digit sequence
		{"zyxwvutsrqpo", "tdsxd", true, false},               // the alphabet backwards
		{"qwertyuiopas", "tdsxd", true, false},               // a keyboard row
		{"aaaaaaaaaaaa", "tdsxd", true, false},               // one character repeated
		{"reception-2026-hcc", "reception", true, false},     // 6.2.11: contains the username
		{"Sông-Cầu-26", "congdan", false, true},              // citizen: 11 ≥ 8
		{"matkhau1", "congdan", false, false},                // citizen: common
		{"Hoa-sen1", "congdan", false, true},                 // citizen: 8
		{"Hoa-sen", "congdan", false, false},                 // citizen: 7 < 8
		{string(make([]byte, 257)), "congdan", false, false}, // over 256
	}
	for _, tt := range tests {
		msg := workflow.CheckPasswordPolicy(tt.pw, tt.user, tt.officer)
		if (msg == "") != tt.ok {
			t.Errorf("CheckPasswordPolicy(%q, %q, officer=%v) = %q; want ok=%v", tt.pw, tt.user, tt.officer, msg, tt.ok)
		}
	}
	// The shipped list is there: the 10,000 most common and the
	// Vietnamese additions.
	for _, pw := range []string{"123456", "qwerty", "dragon", "anhyeuem", "matkhau", "bacninh", "1q2w3e4r5t6y"} {
		if !workflow.CommonPassword(pw) {
			t.Errorf("%q not on the common list", pw)
		}
	}
}

// Accounts are created only with a password that meets the policy, by
// the API and the CLI alike (CreateUser with no actor).
func TestCreateUserRefusesWeakPasswords(t *testing.T) {
	ev := newEnv(t, store.SQLite)
	ctx := context.Background()
	for _, pw := range []string{"1234", "demo", "password1234"} {
		_, err := ev.svc.CreateUser(ctx, ev.users["admin"], workflow.NewUserInput{Username: "canbo1", Password: pw, Agency: "BN.SKHDT",
			Roles: []dossier.Role{dossier.RoleAppraiser}})
		fs := dossier.ErrorFields(err)
		if dossier.ErrorCode(err) != dossier.EINVALID || len(fs) != 1 || fs[0].Field != "password" {
			t.Errorf("password %q: %v", pw, err)
		}
	}
	if _, err := ev.svc.CreateUser(ctx, nil, workflow.NewUserInput{Username: "canbo1", Password: "mèo đen ăn cá", Agency: "BN.SKHDT",
		Roles: []dossier.Role{dossier.RoleAppraiser}}); err != nil {
		t.Errorf("passphrase refused: %v", err)
	}
}
