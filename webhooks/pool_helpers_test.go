package webhooks_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/repoguard/repoguard/webhooks"
)

// startPool runs p until the returned stop func is called; stop waits for
// Run to return.
func startPool(t *testing.T, p *webhooks.Pool) (stop func()) {
	t.Helper()
	if p.Logger == nil {
		p.Logger = quietLogger(t)
	}
	if p.PollInterval == 0 {
		p.PollInterval = 10 * time.Millisecond
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after its context was cancelled")
		}
	}
	t.Cleanup(stop)
	return stop
}

// waitFor polls cond until it holds or fails the test after 5 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// depthIs returns a condition on the inbox depth.
func depthIs(in webhooks.Inbox, ready, running, dead int) func() bool {
	return func() bool {
		r, n, d, err := in.Depth(context.Background())
		return err == nil && r == ready && n == running && d == dead
	}
}

// enqueue stores deliveries id0..id(n-1) of repository repo.
func enqueue(t *testing.T, in webhooks.Inbox, repo int64, prefix string, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		id := fmt.Sprintf("%s%d", prefix, i)
		d := webhooks.Delivery{ID: id, Event: "push", Repo: fmt.Sprintf("o/r%d", repo), RepoID: repo, Body: []byte(`{}`)}
		if _, err := in.Enqueue(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func status(t *testing.T, in webhooks.Inbox, id string) webhooks.JobStatus {
	t.Helper()
	st, err := in.Status(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
