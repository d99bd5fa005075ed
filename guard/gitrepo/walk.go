package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/repoguard/repoguard/guard"
)

// Order is the order in which a walk delivers commits.
type Order int

// The orders of a walk.
const (
	// NewestFirst is the order of `git log`: newest committer date first.
	NewestFirst Order = iota
	// OldestFirst is the reverse (`git log --reverse`), for learning
	// profiles in the order history was written.
	OldestFirst
)

// WalkOptions select the commits of a walk.
type WalkOptions struct {
	// Rev is a revision (branch, tag, hash, "HEAD~3"; "" means HEAD) or a
	// range "A..B": the commits reachable from B and not from A. An empty
	// side of a range means HEAD.
	Rev string
	// FirstParent follows only the first parent of merge commits.
	FirstParent bool
	// Since, when set, leaves out commits whose committer date is before
	// it, and their history.
	Since time.Time
	// Order is NewestFirst unless set.
	Order Order
}

// Walk calls fn for each commit selected by o, in order, with its changes
// against its first parent. Changes are computed by Options.Workers
// goroutines ahead of fn. Walk stops at the first error, returning fn's
// error unchanged; it honours ctx between commits.
func (r *Repo) Walk(ctx context.Context, o WalkOptions, fn func(*guard.Commit) error) error {
	p, err := r.plan(ctx, o, false)
	if err != nil {
		return err
	}
	nodes := p.nodes
	if o.Order == OldestFirst {
		nodes = slices.Clone(nodes)
		slices.Reverse(nodes)
	}
	return r.run(ctx, nodes, p.g.nodes, fn)
}

// Commits returns an iterator over the commits of a walk (see Walk). The
// iteration ends after yielding a non-nil error.
func (r *Repo) Commits(ctx context.Context, o WalkOptions) iter.Seq2[*guard.Commit, error] {
	return func(yield func(*guard.Commit, error) bool) {
		errStop := errors.New("stop")
		err := r.Walk(ctx, o, func(c *guard.Commit) error {
			if !yield(c, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			yield(nil, err)
		}
	}
}

// Count returns the number of commits a walk with o visits, for progress
// bars. It reads commit headers only, and a Walk with the same options that
// follows reuses its work if the refs have not moved.
func (r *Repo) Count(ctx context.Context, o WalkOptions) (int, error) {
	p, err := r.plan(ctx, o, true)
	if err != nil {
		return 0, err
	}
	return len(p.nodes), nil
}

// Hashes returns the hashes of the commits a walk with o visits, in its
// order, reading commit headers only: which commits a range or a date
// selects, without computing their changes.
func (r *Repo) Hashes(ctx context.Context, o WalkOptions) ([]string, error) {
	p, err := r.plan(ctx, o, false)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(p.nodes))
	for i, n := range p.nodes {
		out[i] = n.hash.String()
	}
	if o.Order == OldestFirst {
		slices.Reverse(out)
	}
	return out, nil
}

// planKey identifies the commits of a walk.
type planKey struct {
	include, exclude plumbing.Hash
	isRange          bool
	firstParent      bool
	since            int64
}

// walkPlan is the list of a walk's commits, newest first, with the graph
// whose nodes hold their trees.
type walkPlan struct {
	key   planKey
	nodes []*node
	g     *graph
}

// plan lists the commits of a walk, newest first. Count keeps the plan for
// the Walk that usually follows it; that Walk takes it.
func (r *Repo) plan(ctx context.Context, o WalkOptions, keep bool) (*walkPlan, error) {
	var p *walkPlan
	err := r.withMain(func(h *handle) error {
		include, exclude, err := r.parseRev(h, o.Rev)
		if err != nil {
			return err
		}
		key := planKey{include: include[0], firstParent: o.FirstParent}
		if len(exclude) > 0 {
			key.exclude, key.isRange = exclude[0], true
		}
		if !o.Since.IsZero() {
			key.since = o.Since.Unix()
		}
		if r.lastPlan != nil && r.lastPlan.key == key {
			p = r.lastPlan
		} else {
			g := newGraph(h)
			nodes, err := g.revList(ctx, include, exclude, o.FirstParent, key.since)
			if err != nil {
				return fmt.Errorf("walk %s: %w", r.path, err)
			}
			p = &walkPlan{key: key, nodes: nodes, g: g}
		}
		r.lastPlan = nil
		if keep {
			r.lastPlan = p
		}
		return nil
	})
	return p, err
}

// parseRev resolves a revision or an A..B range.
func (r *Repo) parseRev(h *handle, rev string) (include, exclude []plumbing.Hash, err error) {
	if strings.Contains(rev, "...") || strings.Count(rev, "..") > 1 ||
		rev == ".." {
		return nil, nil, newError(ErrBadRange, nil, "invalid range %q: want A..B", rev)
	}
	from, to, isRange := strings.Cut(rev, "..")
	if !isRange {
		c, err := r.resolve(h, rev)
		return []plumbing.Hash{c}, nil, err
	}
	a, err := r.resolve(h, from)
	if err != nil {
		return nil, nil, err
	}
	b, err := r.resolve(h, to)
	if err != nil {
		return nil, nil, err
	}
	return []plumbing.Hash{b}, []plumbing.Hash{a}, nil
}
