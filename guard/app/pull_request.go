package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/webhooks"
)

// onPullRequest evaluates a pull request when its head or base changes:
// opened, synchronize (a push, whose sender is the pusher), reopened,
// ready_for_review, and edited when the base branch changed. A merged
// pull request's merge commit is remembered, so that its push to the
// default branch is not taken for a direct push.
func (a *App) onPullRequest(ctx context.Context, d *webhooks.Delivery, e *gh.PullRequestEvent) error {
	pr, err := pullRefOf(d, e.GetRepo(), e.GetPullRequest())
	if err != nil {
		return err
	}
	switch e.GetAction() {
	case "opened", "synchronize":
		pr.pusher, pr.pushedAt = e.GetSender().GetLogin(), receivedAt(d, a.Now)
	case "reopened", "ready_for_review":
	case "edited":
		if e.GetChanges().GetBase() == nil {
			return nil
		}
	case "closed":
		return a.onPullClosed(ctx, pr, e.GetPullRequest())
	default:
		return nil
	}
	return a.evaluatePull(ctx, pr)
}

// onPullClosed records the merge commit of a merged pull request.
func (a *App) onPullClosed(ctx context.Context, pr pullRef, p *gh.PullRequest) error {
	if !p.GetMerged() || p.GetMergeCommitSHA() == "" {
		return nil
	}
	st, err := a.Store.PullState(ctx, pr.repo, pr.number)
	if err != nil {
		return fmt.Errorf("load state of #%d: %w", pr.number, err)
	}
	if st == nil {
		st = &PullState{Repo: pr.repo, Number: pr.number, InstallationID: pr.inst, Author: pr.author,
			HeadSHA: pr.head, BaseRef: pr.baseRef}
	}
	st.MergeSHA = p.GetMergeCommitSHA()
	if err := a.Store.SavePullState(ctx, st); err != nil {
		return fmt.Errorf("save state of #%d: %w", pr.number, err)
	}
	a.logger(ctx).Info("pull request merged", "pull_request", pr.number, "merge_commit", st.MergeSHA)
	return nil
}

// pullRefOf reads what every pull request event carries.
func pullRefOf(d *webhooks.Delivery, repo *gh.Repository, p *gh.PullRequest) (pullRef, error) {
	pr := pullRef{
		inst:    d.InstallationID,
		repo:    repo.GetFullName(),
		number:  p.GetNumber(),
		title:   p.GetTitle(),
		author:  p.GetUser().GetLogin(),
		head:    p.GetHead().GetSHA(),
		baseRef: p.GetBase().GetRef(),
		baseSHA: p.GetBase().GetSHA(),
	}
	if pr.repo == "" || pr.number == 0 || pr.head == "" || pr.baseRef == "" {
		return pr, webhooks.Permanent(errors.New("pull request without repository, number, head or base"))
	}
	return pr, nil
}

// receivedAt is when the delivery arrived, the best estimate of when a
// push it reports happened.
func receivedAt(d *webhooks.Delivery, now func() time.Time) time.Time {
	if !d.ReceivedAt.IsZero() {
		return d.ReceivedAt
	}
	return now()
}
