package app

import (
	"context"
	"fmt"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
)

// plan returns the walks that bring learning of a ref from cur up to tip
// (see guard.Cursor.Plan, shared with the command line's backfill).
func plan(r Repository, cur guard.Cursor, tip string) ([]guard.LearnSegment, error) {
	segs, err := cur.Plan(tip, r.Resolve)
	if err != nil {
		return nil, fmt.Errorf("learning %s: %w", cur.Ref, err)
	}
	return segs, nil
}

// learnWalk is the learning of one ref of a repository.
type learnWalk struct {
	repo, ref string
	r         Repository
	eng       *guard.Engine
	mailmap   *guard.Mailmap
	logins    map[string]string // commit hash -> author login, when known
	// judged, when set, judges each commit before it is learned and
	// receives the findings.
	judged func(c *guard.Commit, j judged) error
	// step, when set, is called after each commit learned.
	step func(n int)
}

// run learns the segments in order and returns how many commits it
// learned. Batches are committed with the cursor of the walk in
// progress, and each segment ends with a Commit of its target.
func (a *App) runLearn(ctx context.Context, w *learnWalk, segs []guard.LearnSegment) (int, error) {
	n := 0
	for _, s := range segs {
		i := 0
		err := w.r.Walk(ctx, gitrepo.WalkOptions{Rev: s.Rev(), Order: gitrepo.OldestFirst}, func(c *guard.Commit) error {
			if i++; i <= s.Skip {
				return nil
			}
			applyMailmap(w.mailmap, c)
			cur := guard.Cursor{Repo: w.repo, Ref: w.ref, Hash: s.Base, Target: s.Target, Done: i}
			j, detErr, err := a.profiles.judgeAndLearn(ctx, w.eng, w.repo, c,
				author{login: w.logins[c.Hash], email: c.Author.Email}, w.judged != nil, cur)
			if err != nil {
				return err
			}
			a.logDetectorError(ctx, detErr)
			n++
			if w.step != nil {
				w.step(n)
			}
			if w.judged != nil && len(j.findings) > 0 {
				return w.judged(c, j)
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("learn %s %s: %w", w.ref, s.Rev(), err)
		}
		if err := a.profiles.finish(ctx, guard.Cursor{Repo: w.repo, Ref: w.ref, Hash: s.Target}); err != nil {
			return n, err
		}
	}
	return n, nil
}

// count returns the number of commits the segments will learn.
func count(ctx context.Context, r Repository, segs []guard.LearnSegment) (int, error) {
	n := 0
	for _, s := range segs {
		c, err := r.Count(ctx, gitrepo.WalkOptions{Rev: s.Rev()})
		if err != nil {
			return 0, err
		}
		n += max(c-s.Skip, 0)
	}
	return n, nil
}

// applyMailmap rewrites a commit's author and committer to their
// canonical names and emails, as the command line does.
func applyMailmap(m *guard.Mailmap, c *guard.Commit) {
	if m == nil {
		return
	}
	c.Author.Name, c.Author.Email = m.Map(c.Author.Name, c.Author.Email)
	c.Committer.Name, c.Committer.Email = m.Map(c.Committer.Name, c.Committer.Email)
}
