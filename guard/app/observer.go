package app

import "time"

// Observer receives metrics events from the App: backfill progress and
// evaluations. Implementations must be safe for concurrent use and fast.
type Observer interface {
	// Backfill is called as a repository's profiles are backfilled:
	// every ProgressEvery commits, and once more with Done set.
	Backfill(p BackfillProgress)
	// Evaluated is called after each check run write: kind is
	// "pull_request", "review" or "merge_group", conclusion the check's.
	Evaluated(kind, conclusion string, d time.Duration)
}

// BackfillProgress is the state of one repository's backfill.
type BackfillProgress struct {
	Installation int64
	Repo         string
	// Learned commits so far, of Total to learn (Total is 0 until the
	// walk is planned).
	Learned, Total int
	Elapsed        time.Duration
	// Done is set on the last call; Err says why it stopped early
	// (context.Canceled when the installation or repository was
	// removed).
	Done bool
	Err  error
}

// NopObserver is an Observer that does nothing.
type NopObserver struct{}

// Backfill implements Observer.
func (NopObserver) Backfill(BackfillProgress) {}

// Evaluated implements Observer.
func (NopObserver) Evaluated(kind, conclusion string, d time.Duration) {}
