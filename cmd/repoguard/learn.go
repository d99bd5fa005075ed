package main

import (
	"context"
	"fmt"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// learning judges commits of one ref against the author baselines in the
// store and learns them in order, resumably.
//
// The cursor of (repo, ref) says what has been learned: every commit
// reachable from Hash, plus the first Done commits of the oldest-first
// walk Hash..Target when a run was interrupted. Batches are committed
// with the cursor in one transaction, so a run that dies loses at most
// one batch and the next run resumes exactly where the last commit left
// off, learning no commit twice.
type learning struct {
	db      *sqlite.DB
	learner *sqlite.Learner
	repo    *gitrepo.Repo
	name    string // repository name in the store
	ref     string
	mailmap *guard.Mailmap
	cls     guard.Classifier
	first   bool // first-parent only
}

// plan returns the walks that bring the store up to tip (see
// guard.Cursor.Plan, shared with the App).
func (l *learning) plan(ctx context.Context, tip string) ([]guard.LearnSegment, error) {
	cur, err := l.db.Cursor(ctx, l.name, l.ref)
	if err != nil {
		return nil, err
	}
	segs, err := cur.Plan(tip, l.repo.Resolve)
	if err != nil {
		return nil, fmt.Errorf("learning %s %s: %w", l.name, l.ref, err)
	}
	return segs, nil
}

// count returns the number of commits the segments will learn.
func (l *learning) count(ctx context.Context, segs []guard.LearnSegment) (int, error) {
	n := 0
	for _, s := range segs {
		c, err := l.repo.Count(ctx, gitrepo.WalkOptions{Rev: s.Rev(), FirstParent: l.first})
		if err != nil {
			return 0, err
		}
		n += max(c-s.Skip, 0)
	}
	return n, nil
}

// run walks the segments; for each commit not yet learned it calls judge
// (when not nil) with the author's baseline as it was before the commit,
// then learns the commit. Commits of an interrupted walk that were learned
// already go to learned (when not nil) instead.
func (l *learning) run(ctx context.Context, segs []guard.LearnSegment, judge func(*guard.Commit, *guard.Baseline) error,
	learned func(*guard.Commit) error) error {
	for _, s := range segs {
		i := 0
		err := l.repo.Walk(ctx, gitrepo.WalkOptions{Rev: s.Rev(), FirstParent: l.first, Order: gitrepo.OldestFirst},
			func(c *guard.Commit) error {
				i++
				applyMailmap(l.mailmap, c)
				if i <= s.Skip {
					if learned != nil {
						return learned(c)
					}
					return nil
				}
				if judge != nil {
					key, err := l.learner.ResolveIdentity(ctx, "", c.Author.Email)
					if err != nil {
						return err
					}
					b, err := l.learner.Baseline(ctx, l.name, key, c.Author.Email)
					if err != nil {
						return err
					}
					if err := judge(c, b); err != nil {
						return err
					}
				}
				if err := l.learner.Learn(ctx, l.name, c, guard.CategoriesOf(l.cls, c.Files), ""); err != nil {
					return err
				}
				if l.learner.Due() {
					return l.learner.Commit(ctx, guard.Cursor{Repo: l.name, Ref: l.ref, Hash: s.Base, Target: s.Target, Done: i})
				}
				return nil
			})
		if err != nil {
			return err
		}
		if err := l.learner.Commit(ctx, guard.Cursor{Repo: l.name, Ref: l.ref, Hash: s.Target}); err != nil {
			return err
		}
	}
	return nil
}
