package webhooks

import (
	"errors"
	"math/rand/v2"
	"time"
)

// ErrPermanent marks a job error that retrying cannot fix (a payload that
// does not decode, a repository that no longer exists): the Pool
// dead-letters the job at once. Wrap errors with Permanent, test with
// errors.Is.
var ErrPermanent = errors.New("permanent failure")

// ErrTimedOut marks the error of a job attempt that ran past the Pool's
// Deadline; the Pool dead-letters such a job at once.
var ErrTimedOut = errors.New("job deadline exceeded")

// Permanent marks err as permanent; nil stays nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

type permanentError struct{ err error }

func (e permanentError) Error() string        { return e.err.Error() }
func (e permanentError) Unwrap() error        { return e.err }
func (e permanentError) Is(target error) bool { return target == ErrPermanent }

// Backoff returns the delay before retrying a job whose attempt-th attempt
// (1 for the first) failed: base·2^(attempt-1), capped at max, before
// jitter.
func Backoff(attempt int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// jitter spreads d uniformly over [d/2, d], so that jobs failing together
// (GitHub down) do not retry together.
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}
