package app

import (
	"context"
	"fmt"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
)

// segment is one oldest-first walk base..target of a ref ("" base: the
// whole history of target) whose first skip commits are learned already.
type segment struct {
	base, target string
	skip         int
}

func (s segment) rev() string {
	if s.base == "" {
		return s.target
	}
	return s.base + ".." + s.target
}

// plan returns the walks that bring learning of a ref from cur up to
// tip, as the command line's backfill plans them, so that the App and
// the CLI resume each other's work without learning a commit twice. It
// fails when the cursor's commits are gone (history rewritten).
func plan(r Repository, cur Cursor, tip string) ([]segment, error) {
	var segs []segment
	base := cur.Hash
	if cur.Target != "" {
		if _, err := r.Resolve(cur.Target); err != nil {
			return nil, fmt.Errorf("resume learning %s: the interrupted walk's target %s is gone: %w",
				cur.Ref, guard.ShortHash(cur.Target), err)
		}
		segs = append(segs, segment{base: base, target: cur.Target, skip: cur.Done})
		base = cur.Target
	}
	if base != tip {
		if base != "" {
			if _, err := r.Resolve(base); err != nil {
				return nil, fmt.Errorf("learning cursor of %s points at %s, which is gone: %w", cur.Ref, guard.ShortHash(base), err)
			}
		}
		segs = append(segs, segment{base: base, target: tip})
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
func (a *App) runLearn(ctx context.Context, w *learnWalk, segs []segment) (int, error) {
	n := 0
	for _, s := range segs {
		i := 0
		err := w.r.Walk(ctx, gitrepo.WalkOptions{Rev: s.rev(), Order: gitrepo.OldestFirst}, func(c *guard.Commit) error {
			if i++; i <= s.skip {
				return nil
			}
			applyMailmap(w.mailmap, c)
			cur := Cursor{Repo: w.repo, Ref: w.ref, Hash: s.base, Target: s.target, Done: i}
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
			return n, fmt.Errorf("learn %s %s: %w", w.ref, s.rev(), err)
		}
		if err := a.profiles.finish(ctx, Cursor{Repo: w.repo, Ref: w.ref, Hash: s.target}); err != nil {
			return n, err
		}
	}
	return n, nil
}

// count returns the number of commits the segments will learn.
func count(ctx context.Context, r Repository, segs []segment) (int, error) {
	n := 0
	for _, s := range segs {
		c, err := r.Count(ctx, gitrepo.WalkOptions{Rev: s.rev()})
		if err != nil {
			return 0, err
		}
		n += max(c-s.skip, 0)
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
