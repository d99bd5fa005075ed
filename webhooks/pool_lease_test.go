package webhooks_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/inboxtest"
)

func TestPoolShutdownReleasesJobInFlight(t *testing.T) {
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
	enqueue(t, in, 1, "a", 1)
	started := make(chan struct{})
	stop := startPool(t, &webhooks.Pool{Inbox: in, Grace: 50 * time.Millisecond,
		Handle: func(ctx context.Context, j *webhooks.Job) error {
			close(started)
			<-ctx.Done() // a long job that honours cancellation
			return ctx.Err()
		}})
	<-started
	stop()
	st := status(t, in, "a0")
	if st.State != webhooks.StateReady || st.Attempts != 0 || st.LastError != "" {
		t.Fatalf("after shutdown: %+v, want ready again with the attempt not counted", st)
	}
}

func TestPoolShutdownFinishesJobWithinGrace(t *testing.T) {
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
	enqueue(t, in, 1, "a", 1)
	started := make(chan struct{})
	stop := startPool(t, &webhooks.Pool{Inbox: in, Grace: 5 * time.Second,
		Handle: func(ctx context.Context, j *webhooks.Job) error {
			close(started)
			time.Sleep(50 * time.Millisecond)
			return ctx.Err() // not cancelled during the grace period
		}})
	<-started
	stop()
	if st := status(t, in, "a0"); st.State != webhooks.StateDone {
		t.Fatalf("after shutdown: %+v, want done", st)
	}
}

func TestPoolTakesOverFromDeadWorker(t *testing.T) {
	clock := inboxtest.NewClock(inboxtest.Start)
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{Now: clock.Now})
	enqueue(t, in, 1, "a", 1)
	if j, err := in.Claim(context.Background(), "crashed-worker", time.Minute); err != nil || j == nil {
		t.Fatalf("Claim = %v, %v", j, err)
	}
	var attempt atomic.Int32
	startPool(t, &webhooks.Pool{Inbox: in, Now: clock.Now,
		Handle: func(ctx context.Context, j *webhooks.Job) error {
			attempt.Store(int32(j.Attempts))
			return nil
		}})
	time.Sleep(50 * time.Millisecond) // several polls: the lease still holds
	if attempt.Load() != 0 {
		t.Fatal("pool ran a job whose lease had not expired")
	}
	clock.Advance(time.Minute)
	waitFor(t, "job taken over", func() bool { return status(t, in, "a0").State == webhooks.StateDone })
	if attempt.Load() != 2 {
		t.Errorf("taken-over job ran as attempt %d, want 2", attempt.Load())
	}
}

func TestPoolDeadLettersJobThatKeepsKillingWorkers(t *testing.T) {
	clock := inboxtest.NewClock(inboxtest.Start)
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{Now: clock.Now})
	enqueue(t, in, 1, "a", 1)
	for range 2 { // two workers died on it
		if j, _ := in.Claim(context.Background(), "crashed", time.Minute); j == nil {
			t.Fatal("nothing to claim")
		}
		clock.Advance(time.Minute)
	}
	var calls atomic.Int32
	startPool(t, &webhooks.Pool{Inbox: in, Now: clock.Now, MaxAttempts: 2,
		Handle: func(ctx context.Context, j *webhooks.Job) error { calls.Add(1); return nil }})
	waitFor(t, "dead letter", depthIs(in, 0, 0, 1))
	if calls.Load() != 0 {
		t.Error("handler ran a job past its attempts")
	}
}

func TestPoolHeartbeatKeepsLease(t *testing.T) {
	clock := inboxtest.NewClock(inboxtest.Start)
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{Now: clock.Now})
	enqueue(t, in, 1, "a", 1)
	const lease = 30 * time.Millisecond // heartbeat every 10ms of real time
	var calls atomic.Int32
	release := make(chan struct{})
	startPool(t, &webhooks.Pool{Inbox: in, Now: clock.Now, Lease: lease,
		Handle: func(ctx context.Context, j *webhooks.Job) error {
			calls.Add(1)
			<-release
			return nil
		}})
	waitFor(t, "job running", func() bool { return calls.Load() == 1 })
	// Move the inbox's clock through ten leases, a little at a time: after
	// each step the heartbeat renews the lease and nobody else can claim.
	for range 15 {
		clock.Advance(lease * 2 / 3)
		waitFor(t, "lease renewed", func() bool {
			return !status(t, in, "a0").LeaseUntil.Before(clock.Now().Add(lease))
		})
		if j, err := in.Claim(context.Background(), "thief", time.Hour); err != nil || j != nil {
			t.Fatalf("another worker claimed a job whose lease is kept alive: %v, %v", j, err)
		}
	}
	close(release)
	waitFor(t, "job done", depthIs(in, 0, 0, 0))
	if calls.Load() != 1 {
		t.Errorf("job ran %d times, want once", calls.Load())
	}
}

func TestPoolNotifyWakesIdlePool(t *testing.T) {
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{})
	p := &webhooks.Pool{Inbox: in, PollInterval: time.Hour,
		Handle: func(ctx context.Context, j *webhooks.Job) error { return nil }}
	startPool(t, p)
	time.Sleep(20 * time.Millisecond) // let it find the inbox empty and sleep
	h := newHandler(t, webhooks.HandlerConfig{Inbox: in, Notify: p.Notify})
	if w := serve(h, delivery("push", "d1", []byte(pushBody), testSecret)); w.Code != 202 {
		t.Fatalf("status %d", w.Code)
	}
	waitFor(t, "job done without polling", func() bool { return status(t, in, "d1").State == webhooks.StateDone })
}

func TestPoolNeedsInboxAndHandle(t *testing.T) {
	if err := (&webhooks.Pool{}).Run(context.Background()); err == nil {
		t.Fatal("Run of an empty Pool succeeded")
	}
}

func TestBackoff(t *testing.T) {
	for attempt, want := range map[int]time.Duration{
		1: 2 * time.Second, 2: 4 * time.Second, 3: 8 * time.Second,
		9: 512 * time.Second, 10: 10 * time.Minute, 1000: 10 * time.Minute,
	} {
		if got := webhooks.Backoff(attempt, 2*time.Second, 10*time.Minute); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", attempt, got, want)
		}
	}
}

func TestPoolCancelsJobWhoseLeaseWasLost(t *testing.T) {
	clock := inboxtest.NewClock(inboxtest.Start)
	in := inboxtest.NewMemInbox(inboxtest.MemInboxOptions{Now: clock.Now})
	enqueue(t, in, 1, "a", 1)
	started, cancelled := make(chan struct{}), make(chan struct{})
	startPool(t, &webhooks.Pool{Inbox: in, Now: clock.Now, Lease: 30 * time.Millisecond,
		Handle: func(ctx context.Context, j *webhooks.Job) error {
			if j.Attempts > 1 {
				return nil
			}
			close(started)
			<-ctx.Done()
			close(cancelled)
			return ctx.Err()
		}})
	<-started
	clock.Advance(time.Hour) // the pool looks dead to others...
	if j, err := in.Claim(context.Background(), "other", time.Hour); err != nil || j == nil {
		t.Fatalf("Claim by another worker = %v, %v", j, err)
	}
	select { // ...so its next heartbeat finds the lease lost
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("job not cancelled after its lease was lost")
	}
	if st := status(t, in, "a0"); st.Worker != "other" || st.State != webhooks.StateRunning {
		t.Errorf("status = %+v, want still held by the other worker", st)
	}
}
