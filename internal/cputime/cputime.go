// Package cputime reads the CPU time of this process for benchmarks: unlike
// ns/op, CPU time per operation is not inflated when other work shares the
// machine.
package cputime

import (
	"syscall"
	"testing"
	"time"
)

// Now is the process's user+system CPU time so far (0 if unknown).
func Now() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Report adds to b the CPU time per operation since start (a value of
// Now), in microseconds: "cpu-µs/op".
func Report(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(Now()-start)/1e3/float64(b.N), "cpu-µs/op")
}
