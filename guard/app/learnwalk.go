package app

import (
	"context"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
)

// learnWalk returns the learning of ref of repo from r, with eng's
// classifier and the mailmap mm: guard.LearnWalk, the loop of the
// command line's scan and backfill too, so that each resumes the
// other's work. The App's walks share its Profiles under its lock.
func (a *App) learnWalk(repo, ref string, r Repository, eng *guard.Engine, mm *guard.Mailmap) *guard.LearnWalk {
	return &guard.LearnWalk{Repo: repo, Ref: ref, History: gitrepo.History{Repo: r}, Profiles: a.profiles.p,
		Lock: &a.profiles.mu, Mailmap: mm, Classifier: eng.Classifier}
}

// judgeEach makes w judge each commit (merges aside) with eng before
// learning it, and hand the findings of each to record, outside the
// profiles' lock.
func (a *App) judgeEach(ctx context.Context, w *guard.LearnWalk, eng *guard.Engine, record func(*guard.Commit, judged) error) {
	var j judged
	var detErr error
	w.Judge = func(c *guard.Commit, key string, b *guard.Baseline) error {
		j.key = key
		j.findings, detErr = eng.Judge(guard.Subject{Commit: c, Baseline: b})
		return nil
	}
	w.Step = func(c *guard.Commit, _ int) error {
		found, err := j, detErr
		j, detErr = judged{}, nil
		a.logDetectorError(ctx, err)
		if len(found.findings) == 0 {
			return nil
		}
		return record(c, found)
	}
}
