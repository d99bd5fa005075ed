package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/guard/github"
	"github.com/repoguard/repoguard/webhooks"
)

// onPullRequest evaluates a pull request when its head or base changes:
// opened, synchronize (a push, whose sender is the pusher), reopened,
// ready_for_review, and edited when the base branch changed. A closed
// pull request no longer holds the check run of its head, which is
// decided again for the others with that head; a merged one's merge
// commit is remembered, so that its push to the default branch is not
// taken for a direct push.
func (a *App) onPullRequest(ctx context.Context, d *webhooks.Delivery, e *gh.PullRequestEvent) error {
	pr, err := pullRefOf(d, e.GetRepo(), e.GetPullRequest())
	if err != nil {
		return err
	}
	switch e.GetAction() {
	case "opened", "synchronize":
		pr.pusher, pr.pushedAt = e.GetSender().GetLogin(), receivedAt(d, a.Now)
	case "reopened":
		pr.reopened, pr.at = true, eventTime(d, e.GetPullRequest(), a.Now)
	case "ready_for_review":
	case "edited":
		base := e.GetChanges().GetBase()
		if base == nil {
			return nil
		}
		pr.baseEdited, pr.baseFrom, pr.at = true, base.GetRef().GetFrom(), eventTime(d, e.GetPullRequest(), a.Now)
	case "closed":
		return a.onPullClosed(ctx, pr, e.GetPullRequest())
	default:
		return nil
	}
	return a.evaluatePull(ctx, pr)
}

// onPullClosed marks the pull request closed (recording the merge commit
// of a merged one) and decides the check run of its head again for the
// other open pull requests with that head, if any.
func (a *App) onPullClosed(ctx context.Context, pr pullRef, p *gh.PullRequest) error {
	st, err := a.Store.PullState(ctx, pr.repo, pr.number)
	if err != nil {
		return fmt.Errorf("load state of #%d: %w", pr.number, err)
	}
	merged := p.GetMerged() && p.GetMergeCommitSHA() != ""
	if st == nil && merged {
		st = &PullState{Repo: pr.repo, Number: pr.number, InstallationID: pr.inst, Author: pr.author,
			HeadSHA: pr.head, BaseRef: pr.baseRef}
	}
	if st != nil {
		st.Closed = true
		if merged {
			st.MergeSHA = p.GetMergeCommitSHA()
		}
		if err := a.savePullState(ctx, st); err != nil {
			return err
		}
	}
	if merged {
		a.logger(ctx).Info("pull request merged", "pull_request", pr.number, "merge_commit", st.MergeSHA)
	}
	return a.releaseClosed(ctx, pr, st)
}

// releaseClosed decides the check run of a closed pull request's head
// again without it.
func (a *App) releaseClosed(ctx context.Context, pr pullRef, st *PullState) error {
	owner, name, err := splitRepo(pr.repo)
	if err != nil {
		return err
	}
	c := a.Clients(pr.inst)
	var id int64
	if st != nil && st.HeadSHA == pr.head {
		id = st.CheckRunID
	}
	if id == 0 {
		found, ok, err := c.FindCheckRun(ctx, owner, name, pr.head, github.CheckName)
		if err != nil {
			return fmt.Errorf("find check run: %w", transient(err))
		}
		if !ok {
			return nil // no check to decide again
		}
		id = found
	}
	_, err = a.releaseHead(ctx, c, pr.inst, pr.repo, pr.head, pr.number, id)
	return err
}

// pullRefOf reads what every pull request event carries.
func pullRefOf(d *webhooks.Delivery, repo *gh.Repository, p *gh.PullRequest) (pullRef, error) {
	pr := pullRef{
		inst:          d.InstallationID,
		repo:          repo.GetFullName(),
		number:        p.GetNumber(),
		title:         p.GetTitle(),
		author:        p.GetUser().GetLogin(),
		head:          p.GetHead().GetSHA(),
		baseRef:       p.GetBase().GetRef(),
		baseSHA:       p.GetBase().GetSHA(),
		defaultBranch: repo.GetDefaultBranch(),
	}
	if pr.repo == "" || pr.number == 0 || pr.head == "" || pr.baseRef == "" {
		return pr, webhooks.Permanent(errors.New("pull request without repository, number, head or base"))
	}
	return pr, nil
}

// eventTime is when an event that changes what approvals approve
// happened: the later of the pull request's updated_at (GitHub's clock)
// and the delivery's arrival (ours), so that neither clock lets an
// approval given before it count.
func eventTime(d *webhooks.Delivery, p *gh.PullRequest, now func() time.Time) time.Time {
	t := receivedAt(d, now)
	if u := p.GetUpdatedAt().Time; u.After(t) {
		t = u
	}
	return t
}

// receivedAt is when the delivery arrived, the best estimate of when a
// push it reports happened.
func receivedAt(d *webhooks.Delivery, now func() time.Time) time.Time {
	if !d.ReceivedAt.IsZero() {
		return d.ReceivedAt
	}
	return now()
}
