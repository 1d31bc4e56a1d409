// Package tooltest finds the outside programs some tests run (poppler,
// zbar, qpdf, faketime, SoftHSM2): without one the test is skipped, or
// fails when MOTCUA_TEST_REQUIRE_TOOLS=1, as in CI, which installs them
// all (scripts/test.sh).
package tooltest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Missing ends tb for lack of what: skipped, or failed when
// MOTCUA_TEST_REQUIRE_TOOLS=1.
func Missing(tb testing.TB, what string) {
	tb.Helper()
	failIfRequired(tb, what)
	tb.Skip(what)
}

// Optional returns the path of the program name and true, for a check a
// test can do without: when name is missing it returns "" and false, or
// fails tb when MOTCUA_TEST_REQUIRE_TOOLS=1.
func Optional(tb testing.TB, name string) (string, bool) {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		failIfRequired(tb, name+" not installed")
		return "", false
	}
	return path, true
}

// failIfRequired fails tb for lack of what when MOTCUA_TEST_REQUIRE_TOOLS=1.
func failIfRequired(tb testing.TB, what string) {
	tb.Helper()
	if os.Getenv("MOTCUA_TEST_REQUIRE_TOOLS") == "1" {
		tb.Fatalf("%s (scripts/test.sh installs it)", what)
	}
}

// Path returns the path of the program name, or ends tb through Missing.
func Path(tb testing.TB, name string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		Missing(tb, name+" not installed")
	}
	return path
}

// PDFText returns the text pdftotext reads in the PDF file, in UTF-8 and
// in reading order, or ends tb: skipped through Path when pdftotext is
// missing, failed when it cannot read the file.
func PDFText(tb testing.TB, file []byte) string {
	tb.Helper()
	bin := Path(tb, "pdftotext")
	path := filepath.Join(tb.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		tb.Fatalf("%v", err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
