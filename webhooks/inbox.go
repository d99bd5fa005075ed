package webhooks

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Enqueuer stores deliveries; it is the part of an Inbox the Handler uses.
type Enqueuer interface {
	// Enqueue stores d as a ready job keyed by d.ID, durably: it returns
	// nil only once d would survive a power loss (the Handler answers
	// 2xx then), and an error when that is not known. When a delivery with
	// that id is already stored it changes nothing and reports
	// duplicate, except for a dead-lettered one: that is made ready
	// again with its attempts reset and its body restored if it was
	// pruned (an admin's "Redeliver" in GitHub is how a dead job is
	// retried; it resends the same id and body) and duplicate is false.
	//
	// A non-zero d.BodySHA256 held by a delivery of another id refuses d
	// with a *ReplayError, storing nothing: GitHub's signature does not
	// cover the delivery id, so a captured delivery resent under a fresh
	// id verifies. The check is atomic with the insert. Nor is a dead
	// job revived by a body other than its own. Hashes are kept as long
	// as the delivery's row, after its body is pruned.
	Enqueue(ctx context.Context, d Delivery) (duplicate bool, err error)
}

// Inbox is the durable queue of deliveries the Pool works from. Every
// implementation must pass inboxtest.Conformance; its rules are:
//
//   - One job per delivery id (see Enqueue). Jobs are numbered in the
//     order they were enqueued; that is the delivery order.
//   - A job is pending while it is ready or running. Claim hands out the
//     lowest-numbered job that is ready with its retry time reached, or
//     running with its lease expired (its worker died, perhaps in an
//     earlier process), provided no other job of its SerialKey is pending
//     with a lower number or running with an unexpired lease. So the jobs
//     of one key run one at a time and in order, a failed job waiting
//     for its retry holds back the later jobs of its key, and different
//     keys run in parallel.
//   - Claim makes the job running, held by worker until now+lease, and
//     counts an attempt. Complete, Fail and Extend act only for the worker
//     holding the job, even when its lease has expired, as long as no
//     other worker has claimed it since; otherwise they return an error
//     wrapping ErrLeaseLost.
//   - Implementations read the time from a Now func given to their
//     constructor, so that tests can drive leases and retries with a fake
//     clock; they keep times to at least the second.
type Inbox interface {
	Enqueuer
	// Claim leases the next claimable job to worker for lease and
	// returns it with Attempts already counting this attempt. It returns
	// nil, nil when no job is claimable.
	Claim(ctx context.Context, worker string, lease time.Duration) (*Job, error)
	// Complete marks the job done. A done job is kept for deduplication
	// and replay refusal; implementations may prune its body.
	Complete(ctx context.Context, jobID int64, worker string) error
	// Fail records errMsg as the job's last error. With dead false the job
	// becomes ready again at retryAt; with dead true it is dead-lettered:
	// never claimed again unless its delivery is enqueued anew.
	Fail(ctx context.Context, jobID int64, worker, errMsg string, retryAt time.Time, dead bool) error
	// Extend renews the lease of a running job to now+lease: the heartbeat
	// of a long job.
	Extend(ctx context.Context, jobID int64, worker string, lease time.Duration) error
	// Release makes every job held by worker ready immediately, without
	// counting the attempt: the graceful shutdown of a worker. Releasing a
	// worker that holds nothing is not an error.
	Release(ctx context.Context, worker string) error
	// Depth counts jobs that are ready (including those waiting for a
	// retry or behind another job of their key), running (including
	// expired leases not yet claimed again) and dead.
	Depth(ctx context.Context) (ready, running, dead int, err error)
	// Status reports the state of the job of a delivery id; an unknown id
	// is an error wrapping ErrNotFound.
	Status(ctx context.Context, deliveryID string) (JobStatus, error)
}

// Job is a claimed delivery.
type Job struct {
	ID       int64
	Delivery Delivery
	// Attempts counts the claims of this job, this one included (released
	// claims excepted): 1 on the first attempt.
	Attempts int
	// LeaseUntil is when the lease ends unless extended.
	LeaseUntil time.Time
	// LastError is the error of the previous attempt, if any.
	LastError string
}

// JobState is the state of a job in an Inbox.
type JobState string

// The states of a job.
const (
	StateReady   JobState = "ready"
	StateRunning JobState = "running"
	StateDone    JobState = "done"
	StateDead    JobState = "dead"
)

// JobStatus describes a job for operators and tests.
type JobStatus struct {
	ID         int64
	DeliveryID string
	State      JobState
	Attempts   int
	Worker     string    // the holder while running
	LeaseUntil time.Time // while running
	RetryAt    time.Time // while ready after a failure
	LastError  string
	// Pruned tells that the finished job's body was dropped after the
	// retention; its id and body hash are kept.
	Pruned bool
}

var (
	// ErrLeaseLost means the worker does not hold the job (any more): it
	// is unknown, finished, released, or claimed by another worker after
	// the lease expired.
	ErrLeaseLost = errors.New("job not held by this worker")
	// ErrNotFound means no job has this delivery id.
	ErrNotFound = errors.New("no such delivery")
	// ErrReplay means a delivery's body was already stored under another
	// delivery id. Enqueue returns it as a *ReplayError.
	ErrReplay = errors.New("body already delivered under another id")
)

// ReplayError is Enqueue's refusal of a replayed body.
type ReplayError struct {
	// ID is the refused delivery's id, Original the id the body was
	// first stored under.
	ID, Original string
}

// Error implements error.
func (e *ReplayError) Error() string {
	return fmt.Sprintf("delivery %s replays the body of delivery %s", e.ID, e.Original)
}

// Is makes errors.Is(err, ErrReplay) hold.
func (e *ReplayError) Is(target error) bool { return target == ErrReplay }
