package github

import (
	"context"
	"errors"
	"fmt"
	"time"

	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/guard"
)

// MaxPullRequestCommits is the most commits GitHub lists for a pull
// request.
const MaxPullRequestCommits = 250

// ErrCommitsTruncated is returned, wrapped and beside the commits GitHub
// did list, when a pull request has more than MaxPullRequestCommits
// commits. Callers that need every author (to decide whose approval
// counts) must then read the commits from the Git repository.
var ErrCommitsTruncated = errors.New("github lists only the first 250 commits of a pull request")

// PullRequest is what repoguard needs of a pull request.
type PullRequest struct {
	Number  int
	Title   string
	Author  string // login of the user who opened it
	HeadSHA string
	HeadRef string
	// HeadRepo is the "owner/name" of the head repository; it differs
	// from the base repository for pull requests from forks.
	HeadRepo string
	BaseSHA  string
	BaseRef  string
	Draft    bool
	State    string // "open" or "closed"
	Merged   bool
	// Commits is the number of commits, as GitHub counts them.
	Commits int
	// CloneURL is the HTTPS clone URL of the base repository; the head
	// is fetchable there as refs/pull/<Number>/head.
	CloneURL string
	HTMLURL  string
}

// PRCommit is one commit of a pull request with the GitHub accounts
// GitHub matched to its author and committer ("" when none matched).
type PRCommit struct {
	SHA            string
	AuthorLogin    string
	AuthorName     string
	AuthorEmail    string
	CommitterLogin string
	CommitterName  string
	CommitterEmail string
}

// Review is one review of a pull request.
type Review struct {
	ID       int64
	User     string // login
	UserType string // "User" or "Bot"
	// State is APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or
	// PENDING.
	State string
	// CommitID is the head commit the review was made on.
	CommitID    string
	SubmittedAt time.Time
}

// PullRequest fetches a pull request.
func (c *Client) PullRequest(ctx context.Context, owner, repo string, number int) (*PullRequest, error) {
	p, _, err := call(ctx, c, func() (*gh.PullRequest, *gh.Response, error) {
		return c.api.PullRequests.Get(ctx, owner, repo, number)
	})
	if err != nil {
		return nil, fmt.Errorf("get pull request %s/%s#%d: %w", owner, repo, number, err)
	}
	return pullRequestOf(p), nil
}

// PullRequestsForCommit lists the pull requests GitHub associates with a
// commit (GET /repos/{owner}/{repo}/commits/{sha}/pulls), open and
// closed: those that contain it, or once it reached the default branch
// the one that merged it. Callers filter by State and HeadSHA.
func (c *Client) PullRequestsForCommit(ctx context.Context, owner, repo, sha string) ([]PullRequest, error) {
	ps, err := paginate(ctx, c, func(lo *gh.ListOptions) ([]*gh.PullRequest, *gh.Response, error) {
		return c.api.PullRequests.ListPullRequestsWithCommit(ctx, owner, repo, sha, lo)
	})
	if err != nil {
		return nil, fmt.Errorf("list pull requests of %s/%s@%s: %w", owner, repo, guard.ShortHash(sha), err)
	}
	out := make([]PullRequest, 0, len(ps))
	for _, p := range ps {
		out = append(out, *pullRequestOf(p))
	}
	return out, nil
}

func pullRequestOf(p *gh.PullRequest) *PullRequest {
	return &PullRequest{
		Number:   p.GetNumber(),
		Title:    p.GetTitle(),
		Author:   p.GetUser().GetLogin(),
		HeadSHA:  p.GetHead().GetSHA(),
		HeadRef:  p.GetHead().GetRef(),
		HeadRepo: p.GetHead().GetRepo().GetFullName(),
		BaseSHA:  p.GetBase().GetSHA(),
		BaseRef:  p.GetBase().GetRef(),
		Draft:    p.GetDraft(),
		State:    p.GetState(),
		Merged:   p.GetMerged(),
		Commits:  p.GetCommits(),
		CloneURL: p.GetBase().GetRepo().GetCloneURL(),
		HTMLURL:  p.GetHTMLURL(),
	}
}

// PullRequestCommits lists the commits of a pull request, oldest first.
// Beyond MaxPullRequestCommits it returns the first ones and an error
// wrapping ErrCommitsTruncated.
func (c *Client) PullRequestCommits(ctx context.Context, owner, repo string, number int) ([]PRCommit, error) {
	where := fmt.Sprintf("%s/%s#%d", owner, repo, number)
	cs, err := paginate(ctx, c, func(lo *gh.ListOptions) ([]*gh.RepositoryCommit, *gh.Response, error) {
		return c.api.PullRequests.ListCommits(ctx, owner, repo, number, lo)
	})
	if err != nil {
		return nil, fmt.Errorf("list commits of %s: %w", where, err)
	}
	out := make([]PRCommit, 0, len(cs))
	for _, rc := range cs {
		gc := rc.GetCommit()
		out = append(out, PRCommit{
			SHA:            rc.GetSHA(),
			AuthorLogin:    rc.GetAuthor().GetLogin(),
			AuthorName:     gc.GetAuthor().GetName(),
			AuthorEmail:    gc.GetAuthor().GetEmail(),
			CommitterLogin: rc.GetCommitter().GetLogin(),
			CommitterName:  gc.GetCommitter().GetName(),
			CommitterEmail: gc.GetCommitter().GetEmail(),
		})
	}
	if len(out) >= MaxPullRequestCommits {
		// Exactly 250 may be all of them: ask for the count.
		pr, err := c.PullRequest(ctx, owner, repo, number)
		if err != nil {
			return out, fmt.Errorf("list commits of %s: %w", where, err)
		}
		if pr.Commits > len(out) {
			return out, fmt.Errorf("list commits of %s: %d of %d listed: %w", where, len(out), pr.Commits, ErrCommitsTruncated)
		}
	}
	return out, nil
}

// Reviews lists the reviews of a pull request in the order they were
// submitted.
func (c *Client) Reviews(ctx context.Context, owner, repo string, number int) ([]Review, error) {
	rs, err := paginate(ctx, c, func(lo *gh.ListOptions) ([]*gh.PullRequestReview, *gh.Response, error) {
		return c.api.PullRequests.ListReviews(ctx, owner, repo, number, lo)
	})
	if err != nil {
		return nil, fmt.Errorf("list reviews of %s/%s#%d: %w", owner, repo, number, err)
	}
	out := make([]Review, 0, len(rs))
	for _, r := range rs {
		out = append(out, Review{
			ID:          r.GetID(),
			User:        r.GetUser().GetLogin(),
			UserType:    r.GetUser().GetType(),
			State:       r.GetState(),
			CommitID:    r.GetCommitID(),
			SubmittedAt: r.GetSubmittedAt().Time,
		})
	}
	return out, nil
}
