package main

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// scanSummary totals a scan.
type scanSummary struct {
	commits    int
	files      int
	findings   int
	learned    int
	bySeverity map[guard.Severity]int
	elapsed    time.Duration
	// unknown counts the commits whose changes could not be known, by
	// why (guard.Commit.Unknown); missing the files whose content a
	// partial clone lacks.
	unknown map[string]int
	missing int
}

// limits says, in one line, what the scan could not see: commits at a
// shallow clone's boundary or missing from a partial clone, and files
// whose content a partial clone lacks; "" when it saw everything.
func (s *scanSummary) limits() string {
	var parts []string
	if n := s.unknown[guard.UnknownShallow]; n > 0 {
		parts = append(parts, plural(n, "commit")+" at the boundary of a shallow clone (their parents are not here)")
	}
	if n := s.unknown[guard.UnknownMissing]; n > 0 {
		parts = append(parts, plural(n, "commit")+" whose trees a partial clone lacks")
	}
	if s.missing > 0 {
		parts = append(parts, plural(s.missing, "file")+" whose content a partial clone lacks")
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + ": judged on what could be known (their authors, dates and the names of what changed), not their content"
}

// scanRun is one scan in progress.
type scanRun struct {
	job  *scanJob
	rep  reporter
	bar  *progressBar
	sum  *scanSummary
	errs []error
}

// run walks the history and judges every commit. A scan of a whole ref
// judges in history order, each commit against its author's baseline as it
// was before the commit, then learns it; commits learned by an earlier run
// are judged on their content only (judging their author's behaviour again
// would compare them with a baseline that already holds them). A scan of a
// range or since a date judges against the stored baselines and learns
// nothing; it too goes oldest first, so that every scan lists commits in
// one order.
func (j *scanJob) run(e *env, rep reporter, showProgress bool) (*scanSummary, error) {
	start := time.Now()
	r := &scanRun{job: j, rep: rep, sum: &scanSummary{bySeverity: map[guard.Severity]int{}, unknown: map[string]int{}}}
	var err error
	if j.learn != nil {
		err = r.learning(e.ctx, e, showProgress)
	} else {
		err = r.plain(e.ctx, e, showProgress)
	}
	r.bar.done()
	if err != nil {
		return nil, err
	}
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	r.sum.elapsed = time.Since(start)
	return r.sum, nil
}

// queue records the findings at or above the policy's queue severity as
// anomalies, so that `repoguard serve` and `repoguard queue` can triage
// what a scan found. A finding seen again merges into its anomaly.
func (r *scanRun) queue(c *guard.Commit, fs []guard.Finding) error {
	pol := r.job.engine.Policy
	if !r.job.record || len(fs) == 0 || pol == nil || guard.MaxSeverity(fs) < pol.Thresholds.Queue {
		return nil
	}
	ctx := context.Background()
	key, err := r.job.learner.ResolveIdentity(ctx, "", c.Author.Email)
	if err != nil {
		return err
	}
	url := ""
	if r.job.web != "" {
		url = r.job.web + "/commit/" + c.Hash
	}
	_, err = r.job.db.RecordFindings(ctx, guard.FindingRecord{Repo: r.job.queueName, Commit: c.Hash, Author: key,
		AuthorName: c.Author.Name, AuthorEmail: c.Author.Email, URL: url, Subject: c.Subject(), Date: c.Author.When,
		Risk: guard.Risk(fs), Findings: fs, Queue: pol.Thresholds.Queue, Actor: "repoguard scan"})
	return err
}

func (r *scanRun) plain(ctx context.Context, e *env, showProgress bool) error {
	if showProgress {
		total, err := r.job.repo.Count(ctx, r.job.walk)
		if err != nil {
			return err
		}
		r.bar = newProgressBar(e.stderr, total)
	}
	err := r.job.repo.Walk(ctx, r.job.walk, func(c *guard.Commit) error {
		j, detErr, err := guard.BehaviourOf(ctx, r.job.learner, r.job.engine, r.job.name, c, "")
		if err != nil {
			return err
		}
		return r.judge(c, j, detErr)
	})
	if err != nil {
		return err
	}
	return r.job.learner.Commit(ctx) // the judgements made, kept
}

// learning judges and learns the commits of the ref not learned yet,
// after judging on content only those learned by an earlier run.
func (r *scanRun) learning(ctx context.Context, e *env, showProgress bool) error {
	w := r.job.learn
	cur, segs, err := planLearning(ctx, r.job.learner, w, r.job.repo, r.job.tip)
	if err != nil {
		return err
	}
	if showProgress {
		total, err := w.Count(ctx, segs)
		if err != nil {
			return err
		}
		if cur.Hash != "" {
			n, err := w.History.Count(ctx, cur.Hash)
			if err != nil {
				return err
			}
			total += n
		}
		for _, s := range segs {
			total += s.Skip
		}
		r.bar = newProgressBar(e.stderr, total)
	}
	w.Seen = func(c *guard.Commit) error {
		j, err := r.job.learner.Judged(ctx, r.job.name, c.Hash)
		if err != nil {
			return err
		}
		return r.judge(c, j, nil)
	}
	w.Judge = r.judge
	w.JudgeMerges = true
	if cur.Hash != "" {
		if err := w.Revisit(ctx, cur.Hash); err != nil {
			return err
		}
	}
	r.sum.learned, err = w.Run(ctx, segs)
	return err
}

// judge assesses one commit with its behaviour judgement j (nil: none
// was kept, as for a commit learned before judgements were), records its
// findings in the anomaly queue and reports them.
func (r *scanRun) judge(c *guard.Commit, j *guard.Judgement, detErr error) error {
	r.sum.commits++
	r.sum.files += len(c.Files)
	if c.Unknown != "" {
		r.sum.unknown[c.Unknown]++
	}
	for i := range c.Files {
		if c.Files[i].Skipped == guard.UnknownMissing {
			r.sum.missing++
		}
	}
	r.bar.step()
	a, err := r.job.engine.Assess(guard.Subject{Commit: c}, j)
	if j != nil {
		// Learned next: whether content or rules queue it counts
		// against the budget.
		j.Queued = a.Queued
	}
	if err = errors.Join(detErr, err); err != nil {
		r.errs = append(r.errs, err)
	}
	fs := a.Findings
	if err := r.queue(c, fs); err != nil {
		return err
	}
	risk := a.Risk
	fs = filterSeverity(fs, r.job.minSeverity)
	if len(fs) == 0 {
		return nil
	}
	for _, f := range fs {
		r.sum.bySeverity[f.Severity]++
	}
	r.sum.findings += len(fs)
	r.bar.clear()
	return r.rep.commit(c, fs, risk)
}
