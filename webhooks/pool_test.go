package webhooks_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/inboxtest"
)

func TestPoolRunsOneRepositorySequentially(t *testing.T) {
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
	want := enqueue(t, in, 1, "a", 20)
	var (
		mu      sync.Mutex
		order   []string
		running atomic.Int32
		overlap atomic.Bool
	)
	startPool(t, &webhooks.Pool{Inbox: in, Workers: 4, Handle: func(ctx context.Context, j *webhooks.Job) error {
		if running.Add(1) > 1 {
			overlap.Store(true)
		}
		defer running.Add(-1)
		time.Sleep(time.Millisecond)
		mu.Lock()
		order = append(order, j.Delivery.ID)
		mu.Unlock()
		return nil
	}})
	waitFor(t, "all jobs done", depthIs(in, 0, 0, 0))
	if overlap.Load() {
		t.Error("two jobs of one repository ran at the same time")
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(order, want) {
		t.Errorf("order = %v, want %v", order, want)
	}
}

func TestPoolRunsRepositoriesInParallel(t *testing.T) {
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
	enqueue(t, in, 1, "a", 1)
	enqueue(t, in, 2, "b", 1)
	var barrier sync.WaitGroup
	barrier.Add(2)
	both := make(chan struct{})
	go func() { barrier.Wait(); close(both) }()
	startPool(t, &webhooks.Pool{Inbox: in, Workers: 2, Handle: func(ctx context.Context, j *webhooks.Job) error {
		barrier.Done()
		select {
		case <-both:
			return nil
		case <-time.After(5 * time.Second):
			return webhooks.Permanent(errors.New("the other repository's job never ran alongside"))
		}
	}})
	waitFor(t, "both jobs done", depthIs(in, 0, 0, 0))
}

func TestPoolRetriesThenDeadLetters(t *testing.T) {
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
	enqueue(t, in, 1, "a", 1)
	obs := &countingObserver{}
	var calls atomic.Int32
	var attempts []int
	startPool(t, &webhooks.Pool{Inbox: in, MaxAttempts: 3, Observer: obs,
		BackoffBase: time.Millisecond, BackoffMax: 4 * time.Millisecond,
		Handle: func(ctx context.Context, j *webhooks.Job) error {
			calls.Add(1)
			attempts = append(attempts, j.Attempts)
			return errors.New("github: 502 bad gateway")
		}})
	waitFor(t, "dead letter", depthIs(in, 0, 0, 1))
	st := status(t, in, "a0")
	if calls.Load() != 3 || !slices.Equal(attempts, []int{1, 2, 3}) || st.Attempts != 3 {
		t.Errorf("handler called %d times with attempts %v, status %+v; want 3 attempts", calls.Load(), attempts, st)
	}
	if st.State != webhooks.StateDead || !strings.Contains(st.LastError, "502 bad gateway") {
		t.Errorf("status = %+v, want dead with the last error", st)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if len(obs.jobs) != 3 || obs.jobs[2] == nil {
		t.Errorf("observer saw %v, want 3 failed attempts", obs.jobs)
	}
}

func TestPoolPermanentErrorDeadLettersAtOnce(t *testing.T) {
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
	enqueue(t, in, 1, "a", 2)
	startPool(t, &webhooks.Pool{Inbox: in, Handle: func(ctx context.Context, j *webhooks.Job) error {
		if j.Delivery.ID == "a0" {
			_, err := webhooks.Decode(webhooks.Delivery{ID: "a0", Event: "push", Body: []byte(`{"ref":1}`)})
			return err
		}
		return nil
	}})
	waitFor(t, "a0 dead, a1 done", depthIs(in, 0, 0, 1))
	if st := status(t, in, "a0"); st.Attempts != 1 || !strings.Contains(st.LastError, "decode delivery a0") {
		t.Errorf("status = %+v, want dead after one attempt with the decode error", st)
	}
}

func TestPoolRecoversPanic(t *testing.T) {
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
	enqueue(t, in, 1, "a", 1)
	var lastErr atomic.Value
	startPool(t, &webhooks.Pool{Inbox: in, BackoffBase: time.Millisecond,
		Handle: func(ctx context.Context, j *webhooks.Job) error {
			if j.Attempts == 1 {
				var m map[string]int
				m["boom"]++ // nil map: panics
			}
			lastErr.Store(j.LastError)
			return nil
		}})
	waitFor(t, "job done", func() bool { return status(t, in, "a0").State == webhooks.StateDone })
	if s, _ := lastErr.Load().(string); !strings.Contains(s, "panic") || !strings.Contains(s, "nil map") {
		t.Errorf("second attempt saw last error %q, want the panic message", s)
	}
}
