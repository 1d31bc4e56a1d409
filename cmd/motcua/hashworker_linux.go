package main

import "syscall"

// workerNice is the nice value of the hash worker: the lowest priority, so
// that it runs on the CPU time the server and everything else leave.
const workerNice = 19

// workerProcAttr puts the hash worker in a process group of its own, so
// that lowestPriority reaches every one of its threads.
func workerProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// lowestPriority gives every thread of the process group pgid the nice
// value workerNice; threads started later inherit it from their creator.
// On Linux the nice value is per thread, and PRIO_PGRP sets it on all the
// group's threads (PRIO_PROCESS would reach the first thread only).
func lowestPriority(pgid int) error {
	return syscall.Setpriority(syscall.PRIO_PGRP, pgid, workerNice)
}
