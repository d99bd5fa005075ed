package app

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/guard/github"
	"github.com/repoguard/repoguard/webhooks"
)

// onCheckRun re-runs the full evaluation of the pull requests of a
// repoguard check run whose "Re-run" was clicked. Check runs on commits
// of no pull request (a merge group's) are skipped with a log line:
// GitHub sends merge_group again when a group is retried.
func (a *App) onCheckRun(ctx context.Context, d *webhooks.Delivery, e *gh.CheckRunEvent) error {
	if e.GetCheckRun().GetName() != github.CheckName {
		return nil
	}
	return a.rerun(ctx, d, e.GetRepo(), e.GetCheckRun().GetHeadSHA(), e.GetCheckRun().PullRequests)
}

// onCheckSuite re-runs the evaluation of the suite's pull requests on
// "Re-run all checks".
func (a *App) onCheckSuite(ctx context.Context, d *webhooks.Delivery, e *gh.CheckSuiteEvent) error {
	return a.rerun(ctx, d, e.GetRepo(), e.GetCheckSuite().GetHeadSHA(), e.GetCheckSuite().PullRequests)
}

// rerun evaluates each pull request afresh, as GitHub has it now.
func (a *App) rerun(ctx context.Context, d *webhooks.Delivery, repo *gh.Repository, head string, prs []*gh.PullRequest) error {
	full := repo.GetFullName()
	owner, name, err := splitRepo(full)
	if err != nil {
		return err
	}
	if len(prs) == 0 {
		a.logger(ctx).Info("re-run skipped: no pull request for this head", "head", head)
		return nil
	}
	c := a.Clients(d.InstallationID)
	for _, ref := range prs {
		p, err := c.PullRequest(ctx, owner, name, ref.GetNumber())
		if err != nil {
			return fmt.Errorf("pull request #%d: %w", ref.GetNumber(), transient(err))
		}
		if p.State != "open" {
			continue
		}
		pr := pullRef{inst: d.InstallationID, repo: full, number: p.Number, author: p.Author,
			head: p.HeadSHA, baseRef: p.BaseRef, baseSHA: p.BaseSHA, defaultBranch: repo.GetDefaultBranch()}
		if err := a.evaluatePull(ctx, pr); err != nil {
			return err
		}
	}
	return nil
}
