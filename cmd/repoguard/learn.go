package main

import (
	"context"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// newLearnWalk returns the learning of ref of a local repository into
// the store, under name: guard.LearnWalk, the learning loop of the App
// too. The cursor of (name, ref) says what is learned already, and
// batches are committed with it, so a run that dies loses at most one
// batch and the next resumes where the last commit left off, learning no
// commit twice. eng's behaviour detectors judge each commit before it is
// learned, and the judgement is kept.
func newLearnWalk(learner *sqlite.Learner, repo *gitrepo.Repo, name, ref string, mm *guard.Mailmap,
	eng *guard.Engine, firstParent bool) *guard.LearnWalk {
	return &guard.LearnWalk{Repo: name, Ref: ref, History: gitrepo.History{Repo: repo, FirstParent: firstParent},
		Profiles: learner, Mailmap: mm, Classifier: eng.Classifier, Engine: eng}
}

// planLearning reads the cursor of w's ref and returns it with the walks
// that bring the learning up to tip.
func planLearning(ctx context.Context, learner *sqlite.Learner, w *guard.LearnWalk, repo *gitrepo.Repo,
	tip string) (guard.Cursor, []guard.LearnSegment, error) {
	cur, err := learner.Cursor(ctx, w.Repo, w.Ref)
	if err != nil {
		return cur, nil, err
	}
	segs, err := cur.Plan(tip, repo.Resolve)
	return cur, segs, err
}
