package main

import (
	"runtime/debug"
)

// Garbage collector settings of the server, unless GOGC or GOMEMLIMIT
// say otherwise. Under load the server allocates fast and keeps little
// (each request builds its PDFs, CMS structures and rows and drops them),
// so with Go's default GOGC=100 the collector ran every few megabytes and
// took about a tenth of the CPU. GOGC=300 lets the heap grow to four times
// what is live, and a soft memory limit makes the collector work harder
// again before the process gets large.
const (
	serverGCPercent   = 300
	serverMemoryLimit = 160 << 20
)

// tuneGC applies the server's collector settings where the environment
// (lookup: os.LookupEnv) does not set its own.
func tuneGC(lookup func(string) (string, bool)) {
	if _, ok := lookup("GOGC"); !ok {
		debug.SetGCPercent(serverGCPercent)
	}
	if _, ok := lookup("GOMEMLIMIT"); !ok {
		debug.SetMemoryLimit(serverMemoryLimit)
	}
}
