package app

import (
	"context"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/github"
	"github.com/repoguard/repoguard/guard/gitrepo"
)

// GitHubClient is what the App calls on GitHub as one installation: the
// methods of *github.Client it uses.
type GitHubClient interface {
	CreateCheckRun(ctx context.Context, owner, repo string, cr github.CheckRun) (int64, error)
	UpdateCheckRun(ctx context.Context, owner, repo string, id int64, cr github.CheckRun) error
	FindCheckRun(ctx context.Context, owner, repo, headSHA, name string) (int64, bool, error)
	PullRequest(ctx context.Context, owner, repo string, number int) (*github.PullRequest, error)
	PullRequestsForCommit(ctx context.Context, owner, repo, sha string) ([]github.PullRequest, error)
	PullRequestCommits(ctx context.Context, owner, repo string, number int) ([]github.PRCommit, error)
	Reviews(ctx context.Context, owner, repo string, number int) ([]github.Review, error)
	IsTeamMember(ctx context.Context, org, teamSlug, login string) (bool, error)
	FileContent(ctx context.Context, owner, repo, ref, path string) ([]byte, bool, error)
	Token(ctx context.Context) (string, error)
}

// Repos keeps local copies of repositories.
type Repos interface {
	// Fetch brings the refs (full names such as "refs/heads/main" and
	// "refs/pull/7/head", or "HEAD" for the remote's default branch) of
	// the repository at cloneURL up to date in a local bare clone,
	// cloning it first when needed, and returns it locked: no other
	// Fetch of the same repository returns until release is called.
	// With no refs nothing is fetched; the clone must exist.
	Fetch(ctx context.Context, installationID int64, cloneURL string, refs []string) (Repository, func(), error)
}

// Repository is a local clone: what the App reads of a *gitrepo.Repo.
type Repository interface {
	// Resolve returns the full hash of the commit a revision names.
	Resolve(rev string) (string, error)
	// ReadFile returns a file at a revision, or an error matching
	// gitrepo.ErrFileNotFound.
	ReadFile(ctx context.Context, rev, path string) ([]byte, error)
	// MergeBase returns the best common ancestor of two revisions,
	// stopping with ctx's error.
	MergeBase(ctx context.Context, a, b string) (string, error)
	// DiffCommits returns the changes from base's tree to head's,
	// stopping with ctx's error between files.
	DiffCommits(ctx context.Context, base, head string) ([]guard.FileChange, error)
	// Count returns the number of commits a walk visits.
	Count(ctx context.Context, o gitrepo.WalkOptions) (int, error)
	// Walk calls fn for each commit of a walk, with its changes.
	Walk(ctx context.Context, o gitrepo.WalkOptions, fn func(*guard.Commit) error) error
	// DefaultBranch returns the remote's default branch ("main") as the
	// last fetch of "HEAD" found it, "" when unknown.
	DefaultBranch() string
}
