package webhooks_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/inboxtest"
)

// TestPoolDeadlineEndsJob: an attempt that runs into the job deadline is
// cancelled, dead-lettered at once (it would time out again) with an
// error naming the deadline, and observed as timed out; a job that ends
// in time is not affected.
func TestPoolDeadlineEndsJob(t *testing.T) {
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
	enqueue(t, in, 1, "slow", 1)
	enqueue(t, in, 2, "fast", 1)
	obs := &countingObserver{}
	var calls atomic.Int32
	startPool(t, &webhooks.Pool{Inbox: in, Deadline: 50 * time.Millisecond, Observer: obs, BackoffBase: time.Millisecond,
		Handle: func(ctx context.Context, j *webhooks.Job) error {
			if j.Delivery.ID == "fast0" {
				return nil
			}
			calls.Add(1)
			if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > 50*time.Millisecond {
				return webhooks.Permanent(errors.New("the job's context has no deadline of 50ms"))
			}
			<-ctx.Done()
			return ctx.Err()
		}})
	waitFor(t, "slow dead, fast done", depthIs(in, 0, 0, 1))
	st := status(t, in, "slow0")
	if st.State != webhooks.StateDead || st.Attempts != 1 || calls.Load() != 1 ||
		!strings.Contains(st.LastError, "job deadline exceeded (50ms)") {
		t.Errorf("status %+v after %d calls, want dead after one attempt, timed out", st, calls.Load())
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	timedOut := 0
	for _, err := range obs.jobs {
		if errors.Is(err, webhooks.ErrTimedOut) && errors.Is(err, context.DeadlineExceeded) {
			timedOut++
		}
	}
	if timedOut != 1 || len(obs.jobs) != 2 {
		t.Errorf("observer saw %v, want one timed-out attempt of two", obs.jobs)
	}
}

// TestPoolDeadlineStopsLeaseRenewal: the lease of a handler that ignores
// its context is not renewed past the deadline, so that another worker
// takes the job over once it lapses, as from a dead worker.
func TestPoolDeadlineStopsLeaseRenewal(t *testing.T) {
	clock := inboxtest.NewClock(inboxtest.Start)
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{Now: clock.Now})
	enqueue(t, in, 1, "a", 1)
	const lease = 30 * time.Millisecond
	release := make(chan struct{})
	defer close(release)
	startPool(t, &webhooks.Pool{Inbox: in, Now: clock.Now, Lease: lease, Deadline: 20 * time.Millisecond,
		Handle: func(ctx context.Context, j *webhooks.Job) error {
			<-release // ignores ctx
			return nil
		}})
	waitFor(t, "job running", depthIs(in, 0, 1, 0))
	time.Sleep(100 * time.Millisecond) // past the deadline: the heartbeat has stopped
	until := status(t, in, "a0").LeaseUntil
	clock.Advance(lease * 2 / 3)
	time.Sleep(50 * time.Millisecond) // a heartbeat would have renewed it by now
	if got := status(t, in, "a0").LeaseUntil; !got.Equal(until) {
		t.Fatalf("lease renewed past the deadline: %v, then %v", until, got)
	}
	clock.Advance(lease)
	if j, err := in.Claim(context.Background(), "other", time.Hour); err != nil || j == nil {
		t.Fatalf("the job's lapsed lease was not taken over: %v, %v", j, err)
	}
}
