package app

import (
	"context"
	"errors"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
)

// learnWalk returns the learning of ref of repo from r, with eng's
// classifier and behaviour detectors and the mailmap mm: guard.LearnWalk,
// the loop of the command line's scan and backfill too, so that each
// resumes the other's work. The App's walks share its Profiles under its
// lock.
func (a *App) learnWalk(repo, ref string, r Repository, eng *guard.Engine, mm *guard.Mailmap) *guard.LearnWalk {
	return &guard.LearnWalk{Repo: repo, Ref: ref, History: gitrepo.History{Repo: r}, Profiles: a.profiles.p,
		Lock: &a.profiles.mu, Mailmap: mm, Classifier: eng.Classifier, Engine: eng}
}

// judgeEach makes w hand the assessment of each commit it learns (merges
// aside) to record. The commit is assessed, its content findings
// included, under the profiles' lock before it is learned: whether they
// brought it into the queue counts against the budget (Judgement.Queued).
func (a *App) judgeEach(ctx context.Context, w *guard.LearnWalk, eng *guard.Engine, record func(*guard.Commit, judged) error) {
	var as guard.Assessment
	var detErr error
	// The walk judges no merge (JudgeMerges is unset): Step sees the
	// assessment Judge made of the same commit, or none.
	w.Judge = func(c *guard.Commit, j *guard.Judgement, err error) error {
		var cerr error
		as, cerr = eng.Assess(guard.Subject{Commit: c}, j)
		detErr = errors.Join(err, cerr)
		if j != nil {
			j.Queued = as.Queued
		}
		return nil
	}
	w.Step = func(c *guard.Commit, _ int) error {
		fs, err := as.Findings, detErr
		as, detErr = guard.Assessment{}, nil
		a.logDetectorError(ctx, err)
		if len(fs) == 0 {
			return nil
		}
		key, kerr := a.profiles.key(ctx, w.Logins[c.Hash], c.Author.Email)
		if kerr != nil {
			return kerr
		}
		return record(c, judged{findings: fs, key: key})
	}
}
