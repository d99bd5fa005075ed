package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// MemInboxOptions configures a MemInbox.
type MemInboxOptions struct {
	// Now is the clock leases and retries are measured with; nil means
	// time.Now. Tests pass a fake clock.
	Now func() time.Time
}

// MemInbox is an Inbox in memory, for tests (of this package and others)
// and for trying the App without a database. It keeps every job, done ones
// included, for as long as it lives. It is safe for concurrent use.
type MemInbox struct {
	now func() time.Time

	mu   sync.Mutex
	jobs []*memJob // in ID order; ID = index+1
	byID map[string]*memJob
}

type memJob struct {
	status JobStatus
	d      Delivery
	key    string
}

var _ Inbox = (*MemInbox)(nil)

// NewMemInbox returns an empty MemInbox.
func NewMemInbox(opts MemInboxOptions) *MemInbox {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &MemInbox{now: now, byID: map[string]*memJob{}}
}

// Enqueue implements Inbox.
func (m *MemInbox) Enqueue(ctx context.Context, d Delivery) (bool, error) {
	if d.ID == "" {
		return false, errors.New("meminbox: enqueue: delivery has no id")
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("meminbox: enqueue %s: %w", d.ID, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if j, ok := m.byID[d.ID]; ok {
		if j.status.State != StateDead {
			return true, nil
		}
		j.status.State = StateReady
		j.status.Attempts = 0
		j.status.RetryAt = m.now()
		return false, nil
	}
	d.Body = bytes.Clone(d.Body)
	j := &memJob{d: d, key: d.SerialKey(), status: JobStatus{
		ID:         int64(len(m.jobs) + 1),
		DeliveryID: d.ID,
		State:      StateReady,
		RetryAt:    m.now(),
	}}
	m.jobs = append(m.jobs, j)
	m.byID[d.ID] = j
	return false, nil
}

// Claim implements Inbox.
func (m *MemInbox) Claim(ctx context.Context, worker string, lease time.Duration) (*Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("meminbox: claim: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	busy := map[string]bool{} // keys with an unexpired lease
	for _, j := range m.jobs {
		if j.status.State == StateRunning && j.status.LeaseUntil.After(now) {
			busy[j.key] = true
		}
	}
	seen := map[string]bool{} // keys with a lower pending job
	for _, j := range m.jobs {
		st := &j.status
		if st.State != StateReady && st.State != StateRunning {
			continue
		}
		first := !seen[j.key]
		seen[j.key] = true
		if !first || busy[j.key] || (st.State == StateReady && st.RetryAt.After(now)) {
			continue
		}
		st.State = StateRunning
		st.Worker = worker
		st.LeaseUntil = now.Add(lease)
		st.RetryAt = time.Time{}
		st.Attempts++
		d := j.d
		d.Body = bytes.Clone(d.Body)
		return &Job{ID: st.ID, Delivery: d, Attempts: st.Attempts,
			LeaseUntil: st.LeaseUntil, LastError: st.LastError}, nil
	}
	return nil, nil
}

// held returns the job if worker holds it; the caller holds m.mu.
func (m *MemInbox) held(op string, jobID int64, worker string) (*memJob, error) {
	if jobID >= 1 && jobID <= int64(len(m.jobs)) {
		j := m.jobs[jobID-1]
		if j.status.State == StateRunning && j.status.Worker == worker {
			return j, nil
		}
	}
	return nil, fmt.Errorf("meminbox: %s job %d by %s: %w", op, jobID, worker, ErrLeaseLost)
}

// Complete implements Inbox.
func (m *MemInbox) Complete(ctx context.Context, jobID int64, worker string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.held("complete", jobID, worker)
	if err != nil {
		return err
	}
	j.status.State = StateDone
	j.status.Worker = ""
	j.status.LeaseUntil = time.Time{}
	return nil
}

// Fail implements Inbox.
func (m *MemInbox) Fail(ctx context.Context, jobID int64, worker, errMsg string, retryAt time.Time, dead bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.held("fail", jobID, worker)
	if err != nil {
		return err
	}
	j.status.State = StateReady
	j.status.RetryAt = retryAt
	if dead {
		j.status.State = StateDead
		j.status.RetryAt = time.Time{}
	}
	j.status.Worker = ""
	j.status.LeaseUntil = time.Time{}
	j.status.LastError = errMsg
	return nil
}

// Extend implements Inbox.
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

// Release implements Inbox.
func (m *MemInbox) Release(ctx context.Context, worker string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for _, j := range m.jobs {
		st := &j.status
		if st.State == StateRunning && st.Worker == worker {
			st.State = StateReady
			st.Worker = ""
			st.LeaseUntil = time.Time{}
			st.RetryAt = now
			st.Attempts = max(st.Attempts-1, 0)
		}
	}
	return nil
}

// Depth implements Inbox.
func (m *MemInbox) Depth(ctx context.Context) (ready, running, dead int, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, j := range m.jobs {
		switch j.status.State {
		case StateReady:
			ready++
		case StateRunning:
			running++
		case StateDead:
			dead++
		}
	}
	return ready, running, dead, nil
}

// Status implements Inbox.
func (m *MemInbox) Status(ctx context.Context, deliveryID string) (JobStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.byID[deliveryID]
	if !ok {
		return JobStatus{}, fmt.Errorf("meminbox: status of %s: %w", deliveryID, ErrNotFound)
	}
	return j.status, nil
}
