package inboxtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/repoguard/repoguard/webhooks"
)

// MemInboxOptions configures a MemInbox.
type MemInboxOptions struct {
	// Now is the clock leases and retries are measured with; nil means
	// time.Now. Tests pass a fake clock.
	Now func() time.Time
}

// MemInbox is a webhooks.Inbox in memory: the inbox of tests that need
// one without a database, and the reference the SQLite inbox is compared
// with. It keeps every job, done ones included, until Forget; Prune drops
// finished jobs' bodies. It is safe for concurrent use.
type MemInbox struct {
	now func() time.Time

	mu     sync.Mutex
	jobs   []*memJob // in ID order; ID = index+1
	byID   map[string]*memJob
	byHash map[[sha256.Size]byte]*memJob
}

type memJob struct {
	status   webhooks.JobStatus
	d        webhooks.Delivery
	key      string
	finished time.Time // when done or dead-lettered
}

var _ webhooks.Inbox = (*MemInbox)(nil)

// NewMemInbox returns an empty MemInbox.
func NewMemInbox(opts MemInboxOptions) *MemInbox {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &MemInbox{now: now, byID: map[string]*memJob{}, byHash: map[[sha256.Size]byte]*memJob{}}
}

// Enqueue implements webhooks.Inbox.
func (m *MemInbox) Enqueue(ctx context.Context, d webhooks.Delivery) (bool, error) {
	if d.ID == "" {
		return false, errors.New("meminbox: enqueue: delivery has no id")
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("meminbox: enqueue %s: %w", d.ID, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	j, known := m.byID[d.ID]
	if o, ok := m.byHash[d.BodySHA256]; ok && d.HasBodySHA256() && o != j {
		return false, &webhooks.ReplayError{ID: d.ID, Original: o.d.ID}
	}
	if known {
		return !m.revive(j, d), nil
	}
	d.Body = bytes.Clone(d.Body)
	j = &memJob{d: d, key: d.SerialKey(), status: webhooks.JobStatus{
		ID:         int64(len(m.jobs) + 1),
		DeliveryID: d.ID,
		State:      webhooks.StateReady,
		RetryAt:    m.now(),
	}}
	m.jobs = append(m.jobs, j)
	m.byID[d.ID] = j
	if d.HasBodySHA256() {
		m.byHash[d.BodySHA256] = j
	}
	return false, nil
}

// revive makes the dead job j ready again for its redelivery d, with
// its body restored, and reports whether it did: not when j is not dead,
// nor when d's body is not j's own. The caller holds m.mu.
func (m *MemInbox) revive(j *memJob, d webhooks.Delivery) bool {
	if j.status.State != webhooks.StateDead {
		return false
	}
	if d.HasBodySHA256() && j.d.HasBodySHA256() && d.BodySHA256 != j.d.BodySHA256 {
		return false
	}
	if !j.d.HasBodySHA256() && d.HasBodySHA256() {
		j.d.BodySHA256 = d.BodySHA256
		m.byHash[d.BodySHA256] = j
	}
	j.d.Body = bytes.Clone(d.Body)
	j.status.State = webhooks.StateReady
	j.status.Attempts = 0
	j.status.RetryAt = m.now()
	j.status.Pruned = false
	j.finished = time.Time{}
	return true
}

// Claim implements webhooks.Inbox.
func (m *MemInbox) Claim(ctx context.Context, worker string, lease time.Duration) (*webhooks.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("meminbox: claim: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	busy := map[string]bool{} // keys with an unexpired lease
	for _, j := range m.jobs {
		if j.status.State == webhooks.StateRunning && j.status.LeaseUntil.After(now) {
			busy[j.key] = true
		}
	}
	seen := map[string]bool{} // keys with a lower pending job
	for _, j := range m.jobs {
		st := &j.status
		if st.State != webhooks.StateReady && st.State != webhooks.StateRunning {
			continue
		}
		first := !seen[j.key]
		seen[j.key] = true
		if !first || busy[j.key] || (st.State == webhooks.StateReady && st.RetryAt.After(now)) {
			continue
		}
		st.State = webhooks.StateRunning
		st.Worker = worker
		st.LeaseUntil = now.Add(lease)
		st.RetryAt = time.Time{}
		st.Attempts++
		d := j.d
		d.Body = bytes.Clone(d.Body)
		return &webhooks.Job{ID: st.ID, Delivery: d, Attempts: st.Attempts,
			LeaseUntil: st.LeaseUntil, LastError: st.LastError}, nil
	}
	return nil, nil
}

// held returns the job if worker holds it; the caller holds m.mu.
func (m *MemInbox) held(op string, jobID int64, worker string) (*memJob, error) {
	if jobID >= 1 && jobID <= int64(len(m.jobs)) {
		j := m.jobs[jobID-1]
		if j.status.State == webhooks.StateRunning && j.status.Worker == worker {
			return j, nil
		}
	}
	return nil, fmt.Errorf("meminbox: %s job %d by %s: %w", op, jobID, worker, webhooks.ErrLeaseLost)
}

// Complete implements webhooks.Inbox.
func (m *MemInbox) Complete(ctx context.Context, jobID int64, worker string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.held("complete", jobID, worker)
	if err != nil {
		return err
	}
	j.status.State = webhooks.StateDone
	j.status.Worker = ""
	j.status.LeaseUntil = time.Time{}
	j.finished = m.now()
	return nil
}

// Fail implements webhooks.Inbox.
func (m *MemInbox) Fail(ctx context.Context, jobID int64, worker, errMsg string, retryAt time.Time, dead bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.held("fail", jobID, worker)
	if err != nil {
		return err
	}
	j.status.State = webhooks.StateReady
	j.status.RetryAt = retryAt
	if dead {
		j.status.State = webhooks.StateDead
		j.status.RetryAt = time.Time{}
		j.finished = m.now()
	}
	j.status.Worker = ""
	j.status.LeaseUntil = time.Time{}
	j.status.LastError = errMsg
	return nil
}

// Extend implements webhooks.Inbox.
func (m *MemInbox) Extend(ctx context.Context, jobID int64, worker string, lease time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.held("extend", jobID, worker)
	if err != nil {
		return err
	}
	j.status.LeaseUntil = m.now().Add(lease)
	return nil
}

// Release implements webhooks.Inbox.
func (m *MemInbox) Release(ctx context.Context, worker string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for _, j := range m.jobs {
		st := &j.status
		if st.State == webhooks.StateRunning && st.Worker == worker {
			st.State = webhooks.StateReady
			st.Worker = ""
			st.LeaseUntil = time.Time{}
			st.RetryAt = now
			st.Attempts = max(st.Attempts-1, 0)
		}
	}
	return nil
}

// Depth implements webhooks.Inbox.
func (m *MemInbox) Depth(ctx context.Context) (ready, running, dead int, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, j := range m.jobs {
		switch j.status.State {
		case webhooks.StateReady:
			ready++
		case webhooks.StateRunning:
			running++
		case webhooks.StateDead:
			dead++
		}
	}
	return ready, running, dead, nil
}

// Status implements webhooks.Inbox.
func (m *MemInbox) Status(ctx context.Context, deliveryID string) (webhooks.JobStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.byID[deliveryID]
	if !ok {
		return webhooks.JobStatus{}, fmt.Errorf("meminbox: status of %s: %w", deliveryID, webhooks.ErrNotFound)
	}
	return j.status, nil
}

// Prune drops the bodies of the jobs done or dead-lettered before
// before, keeping everything else (deduplication and replay refusal
// need only the id and hash), and returns how many it dropped.
func (m *MemInbox) Prune(ctx context.Context, before time.Time) (int64, error) {
	return m.finishedBefore(ctx, "prune", before, func(j *memJob) bool {
		if j.status.Pruned {
			return false
		}
		j.d.Body = nil
		j.status.Pruned = true
		return true
	})
}

// Forget forgets the jobs done or dead-lettered before before, ids and
// hashes too, and returns how many: their redeliveries are new
// deliveries again. (Their slots stay, so that job IDs keep matching.)
func (m *MemInbox) Forget(ctx context.Context, before time.Time) (int64, error) {
	return m.finishedBefore(ctx, "forget", before, func(j *memJob) bool {
		if m.byID[j.d.ID] != j {
			return false // forgotten already
		}
		delete(m.byID, j.d.ID)
		if m.byHash[j.d.BodySHA256] == j {
			delete(m.byHash, j.d.BodySHA256)
		}
		j.d.Body = nil
		return true
	})
}

// finishedBefore calls fn on each job done or dead-lettered before
// before, under the lock, and counts those it reports changed.
func (m *MemInbox) finishedBefore(ctx context.Context, op string, before time.Time, fn func(*memJob) bool) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("meminbox: %s: %w", op, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var n int64
	for _, j := range m.jobs {
		finished := j.status.State == webhooks.StateDone || j.status.State == webhooks.StateDead
		if finished && j.finished.Before(before) && fn(j) {
			n++
		}
	}
	return n, nil
}
