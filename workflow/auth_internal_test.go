package workflow

import (
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// The hash checked for an unknown account costs what a real one costs:
// same algorithm and parameters, so the time of a failed sign-in tells
// no missing account from a wrong password (issue 16, item 11).
func TestDummyHashHasTheCurrentParameters(t *testing.T) {
	params := func(h string) string {
		parts := strings.Split(h, "$")
		if len(parts) != 6 {
			t.Fatalf("not a PHC string: %q", h)
		}
		return strings.Join(parts[1:4], "$")
	}
	if d, h := params(dummyHash), params(HashPassword("mật-khẩu-thử-đủ-dài")); d != h {
		t.Errorf("dummy hash parameters %q; real hashes %q", d, h)
	}
	if CheckPassword(dummyHash, "") || CheckPassword(dummyHash, "demo") {
		t.Error("the dummy hash matches a password")
	}
	// A hash stored with the former parameters (two lanes) still verifies.
	salt := []byte("muoi-sau-byte-16")
	old := "$argon2id$v=19$m=65536,t=1,p=2$" + base64.RawStdEncoding.EncodeToString(salt) + "$" +
		base64.RawStdEncoding.EncodeToString(argon2.IDKey([]byte("Cầu-Long-Biên-1902"), salt, 1, 64*1024, 2, 32))
	if !CheckPassword(old, "Cầu-Long-Biên-1902") || CheckPassword(old, "Cầu-Long-Biên-1903") {
		t.Error("a p=2 hash does not verify as it did")
	}
}
