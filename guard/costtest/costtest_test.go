package costtest_test

import (
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/costtest"
)

var sink []byte

func TestAllocated(t *testing.T) {
	for _, n := range []int{1 << 10, 1 << 20} {
		got := costtest.Allocated(func() { sink = make([]byte, n) })
		if got < uint64(n) || got > uint64(n)+64<<10 {
			t.Errorf("Allocated(make %d bytes) = %d", n, got)
		}
	}
}

// TestCPU: a spin's CPU time is positive and no more than the wall time
// it took (one thread), and the process's CPU time does not go back.
func TestCPU(t *testing.T) {
	spin := func() {
		for end := time.Now().Add(20 * time.Millisecond); time.Now().Before(end); {
		}
	}
	before := costtest.ProcessCPU()
	start := time.Now()
	d := costtest.ThreadCPU(spin)
	if wall := time.Since(start); d <= 0 || d > wall+time.Millisecond {
		t.Errorf("ThreadCPU of a spin = %v, want in (0, %v]", d, wall)
	}
	if after := costtest.ProcessCPU(); after < before {
		t.Errorf("ProcessCPU went back from %v to %v", before, after)
	}
}
