package app

import (
	"context"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// Profiles is the behaviour store: author baselines and the learning of
// commits that reached a default branch (guard.ProfileStore), and the
// cursors of that learning. It is the API of *sqlite.Learner.
//
// The App holds one Profiles for all its work and serializes every call
// (a Learner is not safe for concurrent use, and a database should have
// one Learner at a time). Profiles returned by Baseline are only read,
// and only until the next call.
type Profiles interface {
	guard.ProfileStore
	// Cursor returns how far learning has gone on ref of repo (a zero
	// Hash when it has not started), what was advanced since the last
	// Commit included.
	Cursor(ctx context.Context, repo, ref string) (guard.Cursor, error)
}

// Store is what the App persists besides profiles: the state of each
// pull request's evaluation (so that a review re-evaluates without
// touching Git), the heads of branches and tags seen (to notice force
// pushes and moved tags), who pushed which commit to which branch (none
// of them may approve a pull request holding it), findings, which enter
// the security team's anomaly queue, where resolving or dismissing a
// blocking finding releases the check it fails, and the verdicts posted,
// in the audit log. Every method but PullState and SavePullState is that
// of *sqlite.DB.
// Repositories are named "owner/name". Every method must be safe for
// concurrent use.
type Store interface {
	// PullState returns the saved state of a pull request, or nil (and
	// no error) when there is none.
	PullState(ctx context.Context, repo string, number int) (*PullState, error)
	// SavePullState inserts or replaces the state of s.Repo#s.Number.
	SavePullState(ctx context.Context, s *PullState) error
	// PullForCommit returns the number of a pull request of repo whose
	// saved head or merge commit is sha.
	PullForCommit(ctx context.Context, repo, sha string) (number int, ok bool, err error)
	// PullsWithHead returns the numbers of the pull requests of repo
	// whose saved head is sha, open or closed.
	PullsWithHead(ctx context.Context, repo, sha string) ([]int, error)

	// RecordPushes records that each of pushers (logins) pushed each of
	// commits to branch of repo.
	RecordPushes(ctx context.Context, repo, branch string, pushers, commits []string) error
	// PushesOf returns the recorded pushes of commits of repo, to any
	// branch.
	PushesOf(ctx context.Context, repo string, commits []string) ([]guard.Push, error)

	// RefHead returns the last head seen for a full ref name of repo
	// ("refs/heads/main", "refs/tags/v1"), "" when never seen. A deleted
	// ref keeps its last head, so that a tag deleted and created again
	// elsewhere is noticed.
	RefHead(ctx context.Context, repo, ref string) (string, error)
	// SetRefHead records the head of a ref.
	SetRefHead(ctx context.Context, repo, ref, sha string) error

	// RecordFindings turns each finding at or above rec.Queue into an
	// anomaly keyed by guard.AnomalyKey, or merges it into the existing
	// one, keeping its triage status.
	RecordFindings(ctx context.Context, rec guard.FindingRecord) ([]guard.Anomaly, error)
	// AnomaliesForPR returns every anomaly of a pull request.
	AnomaliesForPR(ctx context.Context, repo string, pr int) ([]guard.Anomaly, error)

	// AppendAudit appends an entry to the tamper-evident audit log, for
	// decisions recorded by nothing else, such as a verdict posted.
	AppendAudit(ctx context.Context, actor, action, subject, detail string) (guard.AuditEntry, error)
}

// Released reports whether an anomaly no longer blocks a check: a
// security reviewer resolved or dismissed it, or a suppression matched
// it. A confirmed one keeps blocking.
func Released(a guard.Anomaly) bool { return a.Status.Closed() || a.Suppressed }

// PullState is the outcome of a pull request's last evaluation: all that
// deciding on its reviews needs, and what the pull request page shows.
type PullState struct {
	Repo           string `json:"repo"`
	Number         int    `json:"number"`
	Title          string `json:"title,omitempty"`
	InstallationID int64  `json:"installation_id"`
	Author         string `json:"author"`
	HeadSHA        string `json:"head_sha"`
	// HeadDate is the head commit's author date.
	HeadDate time.Time `json:"head_date,omitzero"`
	BaseRef  string    `json:"base_ref"`
	// BaseSHA is the base branch commit the policy was read from;
	// MergeBase the commit the change set is diffed from.
	BaseSHA   string `json:"base_sha"`
	MergeBase string `json:"merge_base"`
	// MergeSHA is the merge commit, once the pull request is merged.
	MergeSHA string `json:"merge_sha,omitempty"`
	// Closed is set when the pull request is closed (merged or not): its
	// verdict no longer holds the check run of its head.
	Closed bool `json:"closed,omitempty"`
	// CheckRunID is the check run of the head, which every open pull
	// request with that head shares.
	CheckRunID int64 `json:"check_run_id"`
	// Categories are the sensitive categories the change set touches.
	Categories []string `json:"categories"`
	// Sensitive are the files of each category, for the summary and the
	// annotations.
	Sensitive []CategoryFiles `json:"sensitive,omitempty"`
	Findings  []guard.Finding `json:"findings"`
	// Lines is the number of lines the change set adds and deletes.
	Lines int `json:"lines"`
	// AgainstDefault, set when the base is neither the default branch nor
	// protected, judges what the head would bring to the default branch;
	// the verdict includes its requirements and blocking findings, and
	// the people of its commits may not approve either.
	AgainstDefault *AgainstDefault `json:"against_default,omitempty"`
	// Commits are the hashes of base..head, newest first, then those
	// AgainstDefault adds of default..head: whoever pushed one of them to
	// any branch may not approve.
	Commits []string `json:"commits,omitempty"`
	// Contributors are the logins of the authors and committers of the
	// pull request's commits: GitHub's attribution, noreply addresses,
	// and the logins the identity store knows used their emails.
	Contributors []string `json:"contributors"`
	// CoAuthors are the logins the commits' Co-authored-by trailers name.
	CoAuthors []guard.CoAuthor `json:"co_authors,omitempty"`
	// ApprovalsSince: approvals submitted until then do not count, for
	// what ApprovalsReset says ("the base changed from dev to main").
	ApprovalsSince time.Time `json:"approvals_since,omitzero"`
	ApprovalsReset string    `json:"approvals_reset,omitempty"`
	// Pusher pushed the current head, at PushedAt; Pushers are everyone
	// who pushed to the pull request so far (none of them may approve).
	Pusher  string   `json:"pusher"`
	Pushers []string `json:"pushers,omitempty"`
	// Unverifiable says why reviewer independence cannot be checked
	// (more commits than the API lists); no approval counts then.
	Unverifiable string    `json:"unverifiable,omitempty"`
	PushedAt     time.Time `json:"pushed_at"`
	// Policy is the part of the effective policy deciding needs: the
	// categories touched and the thresholds. PolicySource says where it
	// came from; PolicyError, when set, is why the base branch's policy
	// was rejected, and fails the check.
	Policy       *guard.Policy `json:"policy"`
	PolicySource string        `json:"policy_source"`
	PolicyError  string        `json:"policy_error,omitempty"`
	// MergeGroup is set for a merge queue group's evaluation, which
	// needs no reviews; GroupPulls are the pull requests it holds.
	MergeGroup bool  `json:"merge_group,omitempty"`
	GroupPulls []int `json:"group_pulls,omitempty"`
	// ReviewFindings are findings about the reviews (rubber stamps).
	ReviewFindings []guard.Finding `json:"review_findings,omitempty"`
	// Annotated is set once the check run has its annotations (they
	// accumulate, so a re-evaluation does not send them again).
	Annotated bool `json:"annotated,omitempty"`
	// Verdict is the last decision, as the check run shows it.
	Verdict     guard.Verdict `json:"verdict"`
	Conclusion  string        `json:"conclusion"`
	EvaluatedAt time.Time     `json:"evaluated_at"`
}
