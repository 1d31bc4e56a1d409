package tooltest

import (
	"os/exec"
	"runtime"
	"testing"
)

func TestPath(t *testing.T) {
	want, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go on PATH")
	}
	if got := Path(t, "go"); got != want {
		t.Errorf("Path(go) = %q; want %q", got, want)
	}
	if got, ok := Optional(t, "go"); got != want || !ok {
		t.Errorf("Optional(go) = %q, %v; want %q, true", got, ok, want)
	}
}

// TestPathMissing: a missing program skips the test, or fails it when
// MOTCUA_TEST_REQUIRE_TOOLS=1.
func TestPathMissing(t *testing.T) {
	for _, require := range []string{"", "1"} {
		t.Setenv("MOTCUA_TEST_REQUIRE_TOOLS", require)
		r := &recorder{TB: t}
		done := make(chan struct{})
		go func() { // Skip and Fatal end the goroutine
			defer close(done)
			Path(r, "motcua-no-such-program")
		}()
		<-done
		if r.skipped != (require == "") || r.failed != (require == "1") {
			t.Errorf("MOTCUA_TEST_REQUIRE_TOOLS=%q: skipped %v, failed %v", require, r.skipped, r.failed)
		}
	}
}

// TestOptionalMissing: a missing optional program lets the test go on,
// or fails it when MOTCUA_TEST_REQUIRE_TOOLS=1.
func TestOptionalMissing(t *testing.T) {
	for _, require := range []string{"", "1"} {
		t.Setenv("MOTCUA_TEST_REQUIRE_TOOLS", require)
		r := &recorder{TB: t}
		done := make(chan struct{})
		found, returned := true, false
		go func() { // Fatal ends the goroutine
			defer close(done)
			_, found = Optional(r, "motcua-no-such-program")
			returned = true
		}()
		<-done
		if r.skipped || r.failed != (require == "1") || returned != (require == "") || (returned && found) {
			t.Errorf("MOTCUA_TEST_REQUIRE_TOOLS=%q: skipped %v, failed %v, returned %v, found %v", require, r.skipped, r.failed, returned, found)
		}
	}
}

// recorder notes a Skip or Fatal instead of ending the test.
type recorder struct {
	testing.TB
	skipped, failed bool
}

func (r *recorder) Helper() {}
func (r *recorder) Skip(args ...any) {
	r.skipped = true
	runtime.Goexit()
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = true
	runtime.Goexit()
}

// TestPDFTextFailsOnGarbage: what pdftotext cannot read fails the test
// instead of returning an empty text (the callers' tests read real PDFs).
func TestPDFTextFailsOnGarbage(t *testing.T) {
	Path(t, "pdftotext")
	r := &recorder{TB: t}
	done := make(chan struct{})
	returned := false
	go func() { // Fatal ends the goroutine
		defer close(done)
		PDFText(r, []byte("not a PDF"))
		returned = true
	}()
	<-done
	if !r.failed || returned {
		t.Errorf("PDFText(garbage): failed %v, returned %v", r.failed, returned)
	}
}
