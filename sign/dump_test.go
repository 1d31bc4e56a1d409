package sign_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestDumpSample writes signed sample PDFs (B-B and B-LT) and the demo root to
// $MOTCUA_SIGN_DUMP for manual inspection (pdfsig, a PDF viewer).
func TestDumpSample(t *testing.T) {
	dir := os.Getenv("MOTCUA_SIGN_DUMP")
	if dir == "" {
		t.Skip("set MOTCUA_SIGN_DUMP=DIR to write a signed sample")
	}
	now, p, signed := signedTestPDF(t)
	lt := addDSS(t, p, signed, now.Add(2*time.Minute))
	for name, data := range map[string][]byte{"signed.pdf": signed, "signed-lt.pdf": lt, "root.pem": p.pki.RootPEM(), "unsigned.pdf": testPDF(t)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
