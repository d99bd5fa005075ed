package logtest_test

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/repoguard/repoguard/guard/logtest"
)

// TestBuffer: writes from many goroutines all arrive, whole (run with
// -race: reading while they write is safe).
func TestBuffer(t *testing.T) {
	var b logtest.Buffer
	log := slog.New(slog.NewTextHandler(&b, nil))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				log.Info("line", "writer", i, "n", j)
				_ = b.String()
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 400 {
		t.Fatalf("%d lines, want 400", len(lines))
	}
	for _, l := range lines {
		if !strings.Contains(l, "msg=line writer=") {
			t.Fatalf("torn line %q", l)
		}
	}
}

// recordingTB keeps what is logged to it.
type recordingTB struct {
	testing.TB
	logged []string
}

func (r *recordingTB) Log(args ...any) { r.logged = append(r.logged, fmt.Sprint(args...)) }

func TestWriter(t *testing.T) {
	tb := &recordingTB{TB: t}
	w := logtest.Writer{T: tb}
	if n, err := w.Write([]byte("level=INFO msg=hello\n")); n != 21 || err != nil {
		t.Errorf("Write = %d, %v", n, err)
	}
	if len(tb.logged) != 1 || tb.logged[0] != "level=INFO msg=hello" {
		t.Errorf("logged %q", tb.logged)
	}
}
