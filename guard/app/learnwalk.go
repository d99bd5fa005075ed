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
// aside) to record: its behaviour judgement under the profiles' lock,
// its content findings outside it.
func (a *App) judgeEach(ctx context.Context, w *guard.LearnWalk, eng *guard.Engine, record func(*guard.Commit, judged) error) {
	var bj *guard.Judgement
	var detErr error
	w.Judge = func(c *guard.Commit, j *guard.Judgement, err error) error {
		bj, detErr = j, err
		return nil
	}
	w.Step = func(c *guard.Commit, _ int) error {
		j, err := bj, detErr
		bj, detErr = nil, nil
		if c.IsMerge() {
			return nil
		}
		key, kerr := a.profiles.key(ctx, w.Logins[c.Hash], c.Author.Email)
		if kerr != nil {
			return kerr
		}
		as, cerr := eng.Assess(guard.Subject{Commit: c}, j)
		a.logDetectorError(ctx, errors.Join(err, cerr))
		if len(as.Findings) == 0 {
			return nil
		}
		return record(c, judged{findings: as.Findings, key: key})
	}
}
