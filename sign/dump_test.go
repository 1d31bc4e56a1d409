package sign_test

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDumpSample writes a signed sample PDF and the demo root to
// $MOTCUA_SIGN_DUMP for manual inspection (pdfsig, a PDF viewer).
func TestDumpSample(t *testing.T) {
	dir := os.Getenv("MOTCUA_SIGN_DUMP")
	if dir == "" {
		t.Skip("set MOTCUA_SIGN_DUMP=DIR to write a signed sample")
	}
	now := testNow()
	p := newTestPKI(t, now)
	signed := signBoth(t, p, testPDF(t), now, "")
	for name, data := range map[string][]byte{"signed.pdf": signed, "root.pem": p.pki.RootPEM(), "unsigned.pdf": testPDF(t)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
