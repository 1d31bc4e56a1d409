//go:build !linux

package workflow

// lowerThreadPriority does nothing where the priority is not per thread.
func lowerThreadPriority() {}
