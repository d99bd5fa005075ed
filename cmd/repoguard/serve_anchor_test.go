package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/logtest"
)

// fakeHead is an audit log whose head the test moves.
type fakeHead struct{ seq atomic.Int64 }

func (f *fakeHead) AuditHead(context.Context) (guard.AuditEntry, error) {
	n := f.seq.Load()
	return guard.AuditEntry{Seq: n, Hash: strings.Repeat(string(rune('a'+n%6)), 64)}, nil
}

// sentHeads records the heads notified.
type sentHeads struct {
	mu   sync.Mutex
	seqs []int64
}

func (s *sentHeads) NotifyAuditHead(_ context.Context, h guard.AuditEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seqs = append(s.seqs, h.Seq)
}

func (s *sentHeads) list() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.seqs...)
}

// startAnchor runs an anchor over a fake log until the test ends.
func startAnchor(t *testing.T, every int64, interval time.Duration) (*auditAnchor, *fakeHead, *sentHeads, context.CancelFunc) {
	var logs logtest.Buffer
	a := newAuditAnchor(slog.New(slog.NewJSONHandler(&logs, nil)), every, interval)
	db, sent := &fakeHead{}, &sentHeads{}
	a.db, a.notify = db, sent
	ctx, cancel := context.WithCancel(context.Background())
	go a.run(ctx)
	t.Cleanup(func() {
		cancel()
		<-a.done
		if n := strings.Count(logs.String(), `"msg":"audit.head"`); n != len(sent.list()) {
			t.Errorf("%d audit.head log lines for %d heads sent:\n%s", n, len(sent.list()), &logs)
		}
	})
	return a, db, sent, cancel
}

func waitSent(t *testing.T, sent *sentHeads, want ...int64) {
	t.Helper()
	waitFor(t, fmt.Sprint("anchors ", want), func() bool { return slices.Equal(sent.list(), want) })
}

// TestAuditAnchorEvery: the anchor fires when the head reaches the next
// multiple of every, and at the end.
func TestAuditAnchorEvery(t *testing.T) {
	a, db, sent, stop := startAnchor(t, 10, time.Hour)
	db.seq.Store(4)
	a.appended(guard.AuditEntry{Seq: 4})
	time.Sleep(50 * time.Millisecond)
	waitSent(t, sent) // below every: nothing yet
	db.seq.Store(12)
	a.appended(guard.AuditEntry{Seq: 12})
	waitSent(t, sent, 12)
	db.seq.Store(13)
	stop()
	<-a.done
	waitSent(t, sent, 12, 13)
}

// TestAuditAnchorTimer: the timer anchors the head when it moved, and
// only then.
func TestAuditAnchorTimer(t *testing.T) {
	_, db, sent, _ := startAnchor(t, 1000, 20*time.Millisecond)
	time.Sleep(60 * time.Millisecond)
	waitSent(t, sent) // an empty log is not anchored
	db.seq.Store(4)
	waitSent(t, sent, 4)
	time.Sleep(100 * time.Millisecond) // ticks without a move anchor nothing
	waitSent(t, sent, 4)
	db.seq.Store(5)
	waitSent(t, sent, 4, 5)
}
