package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Pool runs workers over an Inbox. Set the fields, then call Run; zero
// fields take the defaults named in their comments.
type Pool struct {
	// Inbox is where jobs come from. Required.
	Inbox Inbox
	// Handle processes one job. A nil return completes the job; an error
	// wrapping ErrPermanent dead-letters it; any other error (or a panic)
	// retries it later. Handle must honour ctx: it is cancelled when the
	// lease is lost or the shutdown grace period ends, and it ends at the
	// job's Deadline. Required.
	Handle func(ctx context.Context, job *Job) error
	// Workers is how many jobs run at once; default 4.
	Workers int
	// Lease is how long a claim lasts; it is renewed every Lease/3 while
	// Handle runs, until the Deadline. Default 1 minute.
	Lease time.Duration
	// Deadline bounds each attempt of a job: its context ends then. An
	// attempt that fails after it passed is dead-lettered at once, its
	// error wrapping ErrTimedOut: it would time out again. The lease is
	// not renewed past it, so that the job of a handler that ignores its
	// context is taken over when the lease lapses, as a dead worker's is,
	// and abandoned after MaxAttempts. Default 2 minutes.
	Deadline time.Duration
	// PollInterval is how often an idle pool looks for jobs it was not
	// notified of (retries that came due, other replicas' deliveries);
	// default 2 seconds.
	PollInterval time.Duration
	// MaxAttempts is how many attempts a job gets before it is
	// dead-lettered; default 8.
	MaxAttempts int
	// BackoffBase and BackoffMax shape the delay before a retry (see
	// Backoff, then jittered into [d/2, d]); defaults 2 seconds and 10
	// minutes.
	BackoffBase, BackoffMax time.Duration
	// Grace is how long Run waits, once its context is done, for the jobs
	// in hand before cancelling them and giving them back; default 20
	// seconds.
	Grace time.Duration
	// Name prefixes the worker names given to the Inbox; default
	// host-pid-random, unique per process.
	Name string
	// Observer receives JobDone per attempt; nil means NopObserver.
	Observer Observer
	// Logger logs each attempt; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock retry times are computed with; it must be the
	// Inbox's. Default time.Now.
	Now func() time.Time

	once sync.Once
	wake chan struct{}
}

// Notify wakes the pool to claim jobs now rather than at the next poll.
// It never blocks; Handler calls it (through HandlerConfig.Notify) after
// storing a delivery.
func (p *Pool) Notify() {
	select {
	case p.wakeChan() <- struct{}{}:
	default:
	}
}

func (p *Pool) wakeChan() chan struct{} {
	p.once.Do(func() { p.wake = make(chan struct{}, 1) })
	return p.wake
}

// Run claims and processes jobs until ctx is done. Then it stops claiming,
// waits up to Grace for the jobs in hand, cancels those still running,
// gives their jobs back to the Inbox and returns nil. It returns an error
// only when the Pool is misconfigured.
func (p *Pool) Run(ctx context.Context) error {
	r, err := p.newRunner()
	if err != nil {
		return err
	}
	// Jobs keep ctx's values but outlive its cancellation by the grace
	// period.
	r.jobCtx, r.cancelJobs = context.WithCancel(context.WithoutCancel(ctx))
	defer r.cancelJobs()
	r.log.Info("webhook workers started", "workers", len(r.names), "pool", r.names[0])
	r.loop(ctx)
	r.log.Info("webhook workers stopping")
	r.shutdown()
	r.log.Info("webhook workers stopped")
	return nil
}

// runner is one Run of a Pool, with the defaults filled in.
type runner struct {
	inbox       Inbox
	handle      func(context.Context, *Job) error
	names       []string // worker name per slot
	lease, poll time.Duration
	deadline    time.Duration
	base        time.Duration // backoff
	maxWait     time.Duration // backoff cap
	grace       time.Duration
	maxAttempts int
	obs         Observer
	log         *slog.Logger
	now         func() time.Time
	wake        chan struct{}
	free        chan int      // idle slots
	finished    chan struct{} // a job ended
	jobCtx      context.Context
	cancelJobs  context.CancelFunc
	stopping    atomic.Bool // the grace period is over
	wg          sync.WaitGroup

	mu   sync.Mutex
	busy map[int]bool // slots running a job
}

func (p *Pool) newRunner() (*runner, error) {
	if p.Inbox == nil || p.Handle == nil {
		return nil, errors.New("webhooks: pool needs an Inbox and a Handle func")
	}
	r := &runner{
		inbox: p.Inbox, handle: p.Handle,
		lease: orDefault(p.Lease, time.Minute), poll: orDefault(p.PollInterval, 2*time.Second),
		deadline: orDefault(p.Deadline, 2*time.Minute),
		base:     orDefault(p.BackoffBase, 2*time.Second), maxWait: orDefault(p.BackoffMax, 10*time.Minute),
		grace: orDefault(p.Grace, 20*time.Second), maxAttempts: orDefault(p.MaxAttempts, 8),
		obs: observerOr(p.Observer), log: p.Logger, now: p.Now, wake: p.wakeChan(),
		finished: make(chan struct{}, 1), busy: map[int]bool{},
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	if r.now == nil {
		r.now = time.Now
	}
	name := p.Name
	if name == "" {
		name = defaultName()
	}
	n := orDefault(p.Workers, 4)
	r.free = make(chan int, n)
	for i := range n {
		r.names = append(r.names, fmt.Sprintf("%s/%d", name, i))
		r.free <- i
	}
	return r, nil
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// defaultName is unique per process even where every container is pid 1
// on the same host name.
func defaultName() string {
	host, _ := os.Hostname()
	var b [3]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// loop hands claimed jobs to idle slots until ctx is done.
func (r *runner) loop(ctx context.Context) {
	timer := time.NewTimer(r.poll)
	defer timer.Stop()
	for {
		var slot int
		select {
		case <-ctx.Done():
			return
		case slot = <-r.free:
		}
		job, err := r.inbox.Claim(ctx, r.names[slot], r.lease)
		if err == nil && job != nil {
			r.start(slot, job)
			continue
		}
		r.free <- slot
		timer.Reset(r.poll)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			r.log.Error("claim webhook job", "err", err)
			select { // a failing store: wait a full poll interval
			case <-ctx.Done():
				return
			case <-timer.C:
			}
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-r.finished: // may have unblocked the next job of its key
		case <-timer.C:
		}
	}
}

// start runs job in slot on its own goroutine.
func (r *runner) start(slot int, job *Job) {
	r.mu.Lock()
	r.busy[slot] = true
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.process(r.names[slot], job)
		r.mu.Lock()
		delete(r.busy, slot)
		r.mu.Unlock()
		r.free <- slot
		select {
		case r.finished <- struct{}{}:
		default:
		}
	}()
}

// shutdown waits for the jobs in hand, then cancels and releases them.
func (r *runner) shutdown() {
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	t := time.NewTimer(r.grace)
	defer t.Stop()
	select {
	case <-done:
		return
	case <-t.C:
	}
	r.stopping.Store(true)
	r.cancelJobs()
	t.Reset(min(r.grace, 5*time.Second))
	select {
	case <-done:
		return
	case <-t.C:
	}
	// Handlers that ignore their context: give their jobs back anyway; a
	// late Complete from them fails with ErrLeaseLost.
	r.mu.Lock()
	defer r.mu.Unlock()
	for slot := range r.busy {
		r.log.Warn("webhook job handler ignores cancellation; releasing its job", "worker", r.names[slot])
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := r.inbox.Release(ctx, r.names[slot]); err != nil {
			r.log.Error("release webhook job", "worker", r.names[slot], "err", err)
		}
		cancel()
	}
}
