// Package clocktest is the only wall clock that tests may read.
//
// A test either runs on a fixed clock of its own (a fixture's
// func() time.Time) or on this one; it never mixes the real clock with a
// fixed one, because such a test passes only on the dates it was written
// for. Now reads the real clock shifted by MOTCUA_TEST_CLOCK_SHIFT (a Go
// duration such as 8760h or -720h), so the whole suite can be run as if it
// were another day:
//
//	MOTCUA_TEST_CLOCK_SHIFT=8760h go test ./...
//
// The guard test in this package fails when a file reads time.Now
// directly where it must not (see guard_test.go).
package clocktest

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/internal/tooltest"
)

// EnvShift names the variable that moves the tests' wall clock.
const EnvShift = "MOTCUA_TEST_CLOCK_SHIFT"

var shift = sync.OnceValue(func() time.Duration {
	v := os.Getenv(EnvShift)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		panic(fmt.Sprintf("clocktest: %s=%q: %v", EnvShift, v, err))
	}
	return d
})

// Now is the tests' wall clock: the real time moved by
// MOTCUA_TEST_CLOCK_SHIFT. It keeps the monotonic reading, so
// time.Since(Now()) measures elapsed time correctly.
func Now() time.Time { return time.Now().Add(shift()) }

// Shift returns the configured shift (0 when none).
func Shift() time.Duration { return shift() }

// Command returns a command that runs an outside tool (pdfsig, openssl…)
// as if the wall clock read at, so that a tool which checks certificates
// at "its" current time agrees with the test's clock. When at is within a
// minute of the real time the tool runs as is; otherwise it runs under
// libfaketime (Debian package faketime), and the test is skipped — or
// failed when MOTCUA_TEST_REQUIRE_TOOLS=1 — if faketime is missing.
func Command(tb testing.TB, at time.Time, name string, args ...string) *exec.Cmd {
	tb.Helper()
	if d := time.Until(at); d > -time.Minute && d < time.Minute {
		return exec.Command(name, args...)
	}
	ft, err := exec.LookPath("faketime")
	if err != nil {
		tooltest.Missing(tb, "faketime not installed: needed to run "+name+" at "+at.Format(time.RFC3339))
	}
	cmd := exec.Command(ft, append([]string{"-f", "@" + at.UTC().Format("2006-01-02 15:04:05"), name}, args...)...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	return cmd
}

// RealClockOnly skips the test when the clock is shifted: it exercises
// outside code that stamps the real time itself (digitorus/timestamp's
// CMS signing-time in the test TSA, digitorus/pdfsign), which no shift can
// move. Such a test still runs on one clock, the real one, in every
// normal run.
func RealClockOnly(tb testing.TB, why string) {
	tb.Helper()
	if shift() != 0 {
		tb.Skipf("runs on the real clock only (%s); %s=%s", why, EnvShift, shift())
	}
}

// Clock is a fixture's own clock, safe for concurrent use: it reads the
// instant it was last set to, moved by every Add since, and never the
// wall clock. Its zero value reads the Unix epoch; tests Set it first and
// hand its Now to the code under test.
type Clock struct{ t atomic.Int64 }

// Now returns the clock's instant in UTC, to the millisecond.
func (c *Clock) Now() time.Time { return time.UnixMilli(c.t.Load()).UTC() }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.t.Store(t.UnixMilli()) }

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) { c.t.Add(d.Milliseconds()) }
