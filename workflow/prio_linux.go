package workflow

import "syscall"

// hashNice is the nice value of the threads that hash passwords: well
// below the requests being served (a thread at nice 10 gets about a tenth
// of a CPU its neighbours at 0 also want), yet never starved, so that a
// sign-in still finishes on a saturated server.
const hashNice = 10

// lowerThreadPriority gives the calling OS thread the nice value
// hashNice. On Linux the nice value is per thread.
func lowerThreadPriority() {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), hashNice)
}

// threadNice is the nice value of the calling OS thread.
func threadNice() int {
	// The raw system call answers 20 - nice.
	p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	if err != nil {
		return 0
	}
	return 20 - p
}
