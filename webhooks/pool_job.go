package webhooks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"
)

// maxErrLen bounds the error message stored with a failed job.
const maxErrLen = 2000

// process runs one claimed job to an outcome the Inbox records.
func (r *runner) process(worker string, job *Job) {
	d := &job.Delivery
	log := r.log.With("delivery", d.ID, "event", d.Event, "action", d.Action,
		"repo", d.Repo, "installation", d.InstallationID, "job", job.ID,
		"attempt", job.Attempts, "worker", worker)
	if job.Attempts > r.maxAttempts {
		err := fmt.Errorf("abandoned after %d attempts without an outcome (worker died or lease lost)", job.Attempts-1)
		r.fail(worker, job, log, err, true)
		return
	}
	ctx, cancel := context.WithTimeout(r.jobCtx, r.deadline)
	hb := make(chan struct{})
	go func() { defer close(hb); r.heartbeat(ctx, cancel, worker, job, log) }()
	start := time.Now()
	err := r.call(ctx, job, log)
	elapsed := time.Since(start)
	timedOut := err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded)
	cancel()
	<-hb
	if timedOut {
		err = fmt.Errorf("%w (%s): %w", ErrTimedOut, r.deadline, err)
	}
	r.obs.JobDone(d.Event, elapsed, err)

	switch {
	case err == nil:
		opCtx, opCancel := opContext()
		defer opCancel()
		if err := r.inbox.Complete(opCtx, job.ID, worker); err != nil {
			log.Warn("webhook job done but not recorded", "err", err, "took", elapsed)
			return
		}
		log.Info("webhook job done", "took", elapsed)
	case r.stopping.Load():
		opCtx, opCancel := opContext()
		defer opCancel()
		if err := r.inbox.Release(opCtx, worker); err != nil {
			log.Error("release webhook job", "err", err)
			return
		}
		log.Info("webhook job given back at shutdown", "cause", err)
	case timedOut:
		log.Error("webhook job timed out", "deadline", r.deadline, "took", elapsed)
		r.fail(worker, job, log, err, true)
	default:
		r.fail(worker, job, log, err, errors.Is(err, ErrPermanent) || job.Attempts >= r.maxAttempts)
	}
}

// fail records a failed attempt: a retry after a jittered backoff, or the
// dead letter.
func (r *runner) fail(worker string, job *Job, log *slog.Logger, err error, dead bool) {
	msg := err.Error()
	if len(msg) > maxErrLen {
		msg = msg[:maxErrLen] + "..."
	}
	var retryAt time.Time
	if !dead {
		retryAt = r.now().Add(jitter(Backoff(job.Attempts, r.base, r.maxWait)))
	}
	ctx, cancel := opContext()
	defer cancel()
	if ferr := r.inbox.Fail(ctx, job.ID, worker, msg, retryAt, dead); ferr != nil {
		log.Warn("webhook job failed, failure not recorded", "err", err, "record_err", ferr)
		return
	}
	if dead {
		log.Error("webhook job dead-lettered", "err", err)
		return
	}
	log.Warn("webhook job failed, will retry", "err", err, "retry_at", retryAt)
}

// call runs the handler, turning a panic into an error.
func (r *runner) call(ctx context.Context, job *Job, log *slog.Logger) (err error) {
	defer func() {
		if v := recover(); v != nil {
			log.Error("webhook job handler panicked", "panic", v, "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return r.handle(ctx, job)
}

// heartbeat extends the job's lease every lease/3 until ctx is done; when
// the lease is lost it cancels the job.
func (r *runner) heartbeat(ctx context.Context, cancel context.CancelFunc, worker string, job *Job, log *slog.Logger) {
	t := time.NewTicker(max(r.lease/3, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := r.inbox.Extend(ctx, job.ID, worker, r.lease)
		switch {
		case errors.Is(err, ErrLeaseLost):
			log.Warn("webhook job lease lost; cancelling it", "err", err)
			cancel()
			return
		case err != nil && ctx.Err() == nil:
			log.Warn("extend webhook job lease", "err", err)
		}
	}
}

// opContext bounds an Inbox call made after the job, which must happen
// even during shutdown.
func opContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}
