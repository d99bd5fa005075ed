package gitrepo

import (
	"context"

	"github.com/repoguard/repoguard/guard"
)

// Walker walks and counts commits: a *Repo, or what wraps one.
type Walker interface {
	Walk(ctx context.Context, o WalkOptions, fn func(*guard.Commit) error) error
	Count(ctx context.Context, o WalkOptions) (int, error)
}

// History is a repository's history as the learning loop reads it
// (guard.History): walks oldest first, following only first parents when
// FirstParent is set.
type History struct {
	Repo        Walker
	FirstParent bool
}

var _ guard.History = History{}

// Walk implements guard.History.
func (h History) Walk(ctx context.Context, rev string, fn func(*guard.Commit) error) error {
	return h.Repo.Walk(ctx, WalkOptions{Rev: rev, FirstParent: h.FirstParent, Order: OldestFirst}, fn)
}

// Count implements guard.History.
func (h History) Count(ctx context.Context, rev string) (int, error) {
	return h.Repo.Count(ctx, WalkOptions{Rev: rev, FirstParent: h.FirstParent})
}
