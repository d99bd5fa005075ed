// Package costtest measures what code costs, for the tests that bound
// it: the bytes it allocates and the CPU time it takes. The race detector
// changes both, so such a test skips its bounds when Race is true.
package costtest

import (
	"runtime"
	"time"
)

// Allocated returns the bytes f allocates (runtime.MemStats.TotalAlloc):
// a deterministic measure of its memory, unlike a peak or a duration.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// wallTime returns the wall time f takes.
func wallTime(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
