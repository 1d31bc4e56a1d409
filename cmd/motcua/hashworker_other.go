//go:build !linux

package main

import "syscall"

// workerProcAttr: no process attributes where the worker's priority is
// not set.
func workerProcAttr() *syscall.SysProcAttr { return nil }

// lowestPriority does nothing here: the worker runs at the server's
// priority, which still leaves the server's own threads to its requests.
func lowestPriority(int) error { return nil }
