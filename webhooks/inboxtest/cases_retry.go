package inboxtest

import (
	"errors"
	"time"

	"github.com/repoguard/repoguard/webhooks"
)

func failRetry(e *env) {
	e.add(1, "a1", "a2")
	j := e.claimID("w1", "a1")
	retryAt := e.clock.Now().Add(10 * time.Second)
	if err := e.in.Fail(e.ctx, j.ID, "w1", "github: 502", retryAt, false); err != nil {
		e.t.Fatalf("Fail: %v", err)
	}
	st := e.status("a1")
	if st.State != webhooks.StateReady || st.LastError != "github: 502" || !st.RetryAt.Equal(retryAt) || st.Attempts != 1 {
		e.t.Fatalf("Status after Fail = %+v, want ready, retry at %v, last error kept, 1 attempt", st, retryAt)
	}
	e.depth(2, 0, 0)
	e.claimNone("w1") // a1 is not due and a2 waits behind it
	e.clock.Advance(9 * time.Second)
	e.claimNone("w1")
	e.clock.Advance(time.Second)
	j = e.claimID("w2", "a1")
	if j.Attempts != 2 || j.LastError != "github: 502" {
		e.t.Fatalf("retried job: attempts %d, last error %q; want 2, %q", j.Attempts, j.LastError, "github: 502")
	}
	e.complete(j, "w2")
	e.complete(e.claimID("w2", "a2"), "w2")
}

func deadLetter(e *env) {
	e.add(1, "a1", "a2")
	j := e.claimID("w1", "a1")
	if err := e.in.Fail(e.ctx, j.ID, "w1", "no such repository", time.Time{}, true); err != nil {
		e.t.Fatalf("Fail(dead): %v", err)
	}
	e.depth(1, 0, 1)
	if st := e.status("a1"); st.State != webhooks.StateDead || st.LastError != "no such repository" {
		e.t.Fatalf("Status after dead Fail = %+v", st)
	}
	// A dead job no longer holds back its repository.
	e.complete(e.claimID("w1", "a2"), "w1")
	e.clock.Advance(24 * time.Hour)
	e.claimNone("w1")
	// A redelivery revives it, with a fresh attempt count.
	if e.enqueue(e.delivery("a1", 1)) {
		e.t.Fatal("redelivery of a dead job reported as duplicate; want it revived")
	}
	e.depth(1, 0, 0)
	j = e.claimID("w1", "a1")
	if j.Attempts != 1 {
		e.t.Fatalf("revived job attempts = %d, want 1", j.Attempts)
	}
	e.complete(j, "w1")
	e.depth(0, 0, 0)
}

func release(e *env) {
	e.add(1, "a1", "a2")
	e.add(2, "b1")
	e.claimID("w1", "a1")
	e.claimID("w1", "b1")
	e.clock.Advance(time.Second)
	if err := e.in.Release(e.ctx, "w1"); err != nil {
		e.t.Fatalf("Release: %v", err)
	}
	e.depth(3, 0, 0)
	a1, b1 := e.claimID("w2", "a1"), e.claimID("w2", "b1")
	for _, j := range []*webhooks.Job{a1, b1} {
		if j.Attempts != 1 {
			e.t.Fatalf("job %s after Release: attempts %d, want 1 (a released claim does not count)", j.Delivery.ID, j.Attempts)
		}
		e.leaseLost("Complete by the released worker", e.in.Complete(e.ctx, j.ID, "w1"))
		e.complete(j, "w2")
	}
	if err := e.in.Release(e.ctx, "nobody"); err != nil {
		e.t.Fatalf("Release of a worker holding nothing: %v", err)
	}
	e.complete(e.claimID("w2", "a2"), "w2")
}

func statusUnknown(e *env) {
	_, err := e.in.Status(e.ctx, "no-such-delivery")
	if !errors.Is(err, webhooks.ErrNotFound) {
		e.t.Fatalf("Status of an unknown delivery: err = %v, want ErrNotFound", err)
	}
}
