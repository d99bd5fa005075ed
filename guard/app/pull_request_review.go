package app

import (
	"context"

	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/webhooks"
)

// onPullRequestReview decides again when a review is submitted, edited
// or dismissed, from the saved state and the current reviews, without
// touching Git.
func (a *App) onPullRequestReview(ctx context.Context, d *webhooks.Delivery, e *gh.PullRequestReviewEvent) error {
	pr, err := pullRefOf(d, e.GetRepo(), e.GetPullRequest())
	if err != nil {
		return err
	}
	if e.GetPullRequest().GetState() == "closed" {
		return nil
	}
	return a.reevaluate(ctx, pr)
}
