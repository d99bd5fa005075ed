// Package inboxtest holds the conformance suite every webhooks.Inbox
// implementation must pass, a fake clock to drive it, and MemInbox, an
// inbox in memory that passes it: the inbox of tests that need one
// without a database.
//
// An implementation's test runs it like this:
//
//	func TestInboxConformance(t *testing.T) {
//		inboxtest.Conformance(t, func(t *testing.T, now func() time.Time) webhooks.Inbox {
//			return openInbox(t, Options{Now: now}) // a fresh, empty inbox
//		})
//	}
//
// The suite's clock starts at a whole second and moves in whole seconds,
// so a store that keeps times as unix seconds passes. Besides the methods
// of webhooks.Inbox, the suite needs Prune (see Pruner).
package inboxtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/repoguard/repoguard/webhooks"
)

// Start is the time a suite clock starts at.
var Start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// Clock is a fake clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Pruner is what the suite needs of an Inbox besides webhooks.Inbox:
// Prune drops the bodies of the jobs done or dead-lettered before
// before, and returns how many. Deduplication and replay refusal go on
// as before; pending jobs keep their bodies. Forget deletes the jobs
// done or dead-lettered before before, delivery ids and body hashes
// too, and returns how many: a redelivery of one is a new delivery, its
// body no longer a replay.
type Pruner interface {
	Prune(ctx context.Context, before time.Time) (int64, error)
	Forget(ctx context.Context, before time.Time) (int64, error)
}

// NewInbox returns a fresh, empty Inbox that reads the time from now. It
// may use t for cleanup and to fail.
type NewInbox func(t *testing.T, now func() time.Time) webhooks.Inbox

// Conformance runs the suite against inboxes made by newInbox, one per
// subtest.
func Conformance(t *testing.T, newInbox NewInbox) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := NewClock(Start)
			e := &env{t: t, in: newInbox(t, clock.Now), clock: clock, ctx: context.Background()}
			c.run(e)
		})
	}
}

// lease is the lease every claim of the suite asks for.
const lease = time.Minute

// env is a subtest's inbox, clock and helpers.
type env struct {
	t     *testing.T
	in    webhooks.Inbox
	clock *Clock
	ctx   context.Context
}

// delivery returns a push delivery of repository repoID, with the hash
// of its body.
func (e *env) delivery(id string, repoID int64) webhooks.Delivery {
	body := []byte(fmt.Sprintf(`{"delivery":%q}`, id))
	return webhooks.Delivery{
		ID: id, Event: "push", InstallationID: 7,
		Repo: fmt.Sprintf("org/repo-%d", repoID), RepoID: repoID, Sender: "alice",
		Body: body, BodySHA256: sha256.Sum256(body),
		ReceivedAt: e.clock.Now(),
	}
}

func (e *env) enqueue(d webhooks.Delivery) bool {
	e.t.Helper()
	dup, err := e.in.Enqueue(e.ctx, d)
	if err != nil {
		e.t.Fatalf("Enqueue(%s): %v", d.ID, err)
	}
	return dup
}

// add enqueues new deliveries of repoID, failing on a duplicate.
func (e *env) add(repoID int64, ids ...string) {
	e.t.Helper()
	for _, id := range ids {
		if e.enqueue(e.delivery(id, repoID)) {
			e.t.Fatalf("Enqueue(%s): new delivery reported as duplicate", id)
		}
	}
}

func (e *env) claim(worker string) *webhooks.Job {
	e.t.Helper()
	j, err := e.in.Claim(e.ctx, worker, lease)
	if err != nil {
		e.t.Fatalf("Claim(%s): %v", worker, err)
	}
	return j
}

// claimID claims and expects the job of delivery id.
func (e *env) claimID(worker, id string) *webhooks.Job {
	e.t.Helper()
	j := e.claim(worker)
	if j == nil {
		e.t.Fatalf("Claim(%s) = nil, want delivery %s", worker, id)
	}
	if j.Delivery.ID != id {
		e.t.Fatalf("Claim(%s) = delivery %s, want %s", worker, j.Delivery.ID, id)
	}
	return j
}

func (e *env) claimNone(worker string) {
	e.t.Helper()
	if j := e.claim(worker); j != nil {
		e.t.Fatalf("Claim(%s) = delivery %s (attempt %d), want nothing claimable", worker, j.Delivery.ID, j.Attempts)
	}
}

func (e *env) complete(j *webhooks.Job, worker string) {
	e.t.Helper()
	if err := e.in.Complete(e.ctx, j.ID, worker); err != nil {
		e.t.Fatalf("Complete(%d, %s): %v", j.ID, worker, err)
	}
}

func (e *env) depth(ready, running, dead int) {
	e.t.Helper()
	r, n, d, err := e.in.Depth(e.ctx)
	if err != nil {
		e.t.Fatalf("Depth: %v", err)
	}
	if r != ready || n != running || d != dead {
		e.t.Fatalf("Depth = ready %d, running %d, dead %d; want %d, %d, %d", r, n, d, ready, running, dead)
	}
}

func (e *env) status(id string) webhooks.JobStatus {
	e.t.Helper()
	st, err := e.in.Status(e.ctx, id)
	if err != nil {
		e.t.Fatalf("Status(%s): %v", id, err)
	}
	return st
}

// leaseLost expects err to wrap webhooks.ErrLeaseLost.
func (e *env) leaseLost(op string, err error) {
	e.t.Helper()
	if !errors.Is(err, webhooks.ErrLeaseLost) {
		e.t.Fatalf("%s: err = %v, want ErrLeaseLost", op, err)
	}
}

func sameDelivery(a, b webhooks.Delivery) bool {
	return a.ID == b.ID && a.Event == b.Event && a.Action == b.Action && a.BodySHA256 == b.BodySHA256 &&
		a.InstallationID == b.InstallationID && a.Repo == b.Repo && a.RepoID == b.RepoID &&
		a.Sender == b.Sender && bytes.Equal(a.Body, b.Body) && a.ReceivedAt.Equal(b.ReceivedAt)
}
