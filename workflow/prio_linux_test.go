package workflow

import (
	"runtime"
	"testing"
)

// A password hash runs on a thread of its own at hashNice, and the
// caller's thread keeps its priority (issue 16, item 5: a sign-in flood
// yields the CPUs to the requests being served).
func TestHashRunsAtLowPriority(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before := threadNice()
	var inside int
	atLowPriority(func() { inside = threadNice() })
	if inside != hashNice {
		t.Errorf("hash ran at nice %d, want %d", inside, hashNice)
	}
	if after := threadNice(); after != before {
		t.Errorf("caller's thread went from nice %d to %d", before, after)
	}
}
