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

func TestCPU(t *testing.T) {
	spin := func() {
		for end := time.Now().Add(20 * time.Millisecond); time.Now().Before(end); {
		}
	}
	before := costtest.ProcessCPU()
	if d := costtest.ThreadCPU(spin); d < 5*time.Millisecond || d > 5*time.Second {
		t.Errorf("ThreadCPU of a 20 ms spin = %v", d)
	}
	if after := costtest.ProcessCPU(); after != 0 && after-before < 5*time.Millisecond {
		t.Errorf("ProcessCPU grew by %v over a 20 ms spin", after-before)
	}
}
