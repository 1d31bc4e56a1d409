package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestTuneGC: the server's collector settings apply unless the
// environment sets GOGC or GOMEMLIMIT, which then win.
func TestTuneGC(t *testing.T) {
	prevPercent := debug.SetGCPercent(100)
	prevLimit := debug.SetMemoryLimit(math.MaxInt64)
	defer func() {
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	}()
	tuneGC(func(k string) (string, bool) { return "", false })
	if p := debug.SetGCPercent(100); p != serverGCPercent {
		t.Errorf("GOGC unset: percent %d, want %d", p, serverGCPercent)
	}
	if l := debug.SetMemoryLimit(math.MaxInt64); l != serverMemoryLimit {
		t.Errorf("GOMEMLIMIT unset: limit %d, want %d", l, serverMemoryLimit)
	}
	tuneGC(func(k string) (string, bool) { return "50", true })
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("GOGC set: percent changed to %d", p)
	}
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set: limit changed to %d", l)
	}
}
