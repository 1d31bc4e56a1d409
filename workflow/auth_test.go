package workflow

import "testing"

func TestDummyHashParses(t *testing.T) {
	if CheckPassword(dummyHash, "motcua-dummy-password") || CheckPassword(dummyHash, "") {
		t.Error("dummy hash matched a password")
	}
	h := HashPassword("Mật khẩu")
	if !CheckPassword(h, "Mật khẩu") || CheckPassword(h, "mat khau") {
		t.Error("CheckPassword(HashPassword(x), x) is not exact")
	}
}
