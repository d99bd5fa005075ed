//go:build unix

package costtest

import (
	"syscall"
	"time"
)

// ProcessCPU returns the CPU time the process has used, user and system:
// unlike wall time, it does not count waiting for a CPU on a busy
// machine. It is 0 where the system does not tell.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
