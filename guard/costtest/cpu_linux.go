package costtest

import (
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// clockThreadCPUTime is CLOCK_THREAD_CPUTIME_ID: the CPU time of the
// calling thread, in nanoseconds.
const clockThreadCPUTime = 3

// ThreadCPU returns the CPU time f takes on the calling goroutine's
// thread (locked to it for the measurement): unlike wall time, it does
// not count other processes running on the machine. Where the system
// has no per-thread CPU clock, it is the wall time.
func ThreadCPU(f func()) time.Duration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, ok := threadTime()
	if !ok {
		return wallTime(f)
	}
	f()
	after, _ := threadTime()
	return after - before
}

func threadTime() (time.Duration, bool) {
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime,
		uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
