//go:build !linux

package costtest

import "time"

// ThreadCPU returns the CPU time f takes on the calling goroutine's
// thread; without a per-thread CPU clock, as here, it is the wall time,
// the closest measure.
func ThreadCPU(f func()) time.Duration { return wallTime(f) }
