//go:build !linux

package detectors

import "time"

// threadCPU returns the wall time f takes: without a per-thread CPU
// clock, that is the closest measure.
func threadCPU(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
