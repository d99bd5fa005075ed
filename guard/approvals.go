package guard

import (
	"sort"
	"strings"
	"time"
)

// Review is one pull request review as GitHub reports it.
type Review struct {
	Login       string
	Bot         bool
	State       string // APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
	CommitID    string // the head the review was given on
	SubmittedAt time.Time
}

// CoAuthor is a login named as a co-author of one of the pull request's
// commits: a Co-authored-by trailer's email matched to the login.
type CoAuthor struct {
	Login  string `json:"login"`
	Email  string `json:"email"`
	Commit string `json:"commit"`
}

// Push records that Login pushed Commit to Branch.
type Push struct {
	Login  string `json:"login"`
	Branch string `json:"branch"`
	Commit string `json:"commit"`
}

// ReviewContext is what decides whether an approval counts.
type ReviewContext struct {
	// Author is the pull request's author login.
	Author string
	// Contributors are the logins of the authors and committers of the
	// pull request's commits.
	Contributors []string
	// CoAuthors are the logins named as co-authors of its commits.
	CoAuthors []CoAuthor
	// Pusher is the login that pushed the current head (when known).
	Pusher string
	// Pushers are every login that pushed commits to the pull request;
	// none of them may approve it.
	Pushers []string
	// Pushes are the pushes of the pull request's commits to any branch
	// of the repository: none of their pushers may approve it.
	Pushes []Push
	// Unverifiable, when set, says why reviewer independence cannot be
	// checked (a pull request with more commits than the API lists): no
	// approval counts then.
	Unverifiable string
	// HeadSHA is the current head; approvals of older heads do not count.
	HeadSHA string
	// ApprovalsSince, when set, is when what the approvals approve last
	// changed without a new head (the base branch switched, the merge
	// base moved, the pull request reopened on commits pushed while it
	// was closed); ApprovalsReset says what happened ("the base changed
	// from dev to main"). Approvals submitted until then do not count.
	ApprovalsSince time.Time
	ApprovalsReset string
	// PushedAt is when the current head was pushed (zero when unknown).
	PushedAt time.Time
	Reviews  []Review
	// MemberOf reports whether login belongs to a team ("org/slug" or
	// "slug"). Nil means no team can be checked, and team requirements
	// cannot be met.
	MemberOf func(team, login string) (bool, error)
}

// countableApprovals keeps each reviewer's latest decisive review and
// returns the logins whose approval counts, and the others with reasons.
func countableApprovals(rc ReviewContext) ([]string, []Rejected) {
	latest := map[string]Review{}
	for _, r := range rc.Reviews {
		key := strings.ToLower(r.Login)
		if r.State == "COMMENTED" {
			continue // a comment neither gives nor withdraws approval
		}
		if prev, ok := latest[key]; !ok || !r.SubmittedAt.Before(prev.SubmittedAt) {
			latest[key] = r
		}
	}
	ind := newIndependence(rc)
	var valid []string
	var rejected []Rejected
	for _, r := range latest {
		if r.State != "APPROVED" {
			continue
		}
		if reason := ind.problem(r); reason != "" {
			rejected = append(rejected, Rejected{Login: r.Login, Reason: reason})
			continue
		}
		valid = append(valid, r.Login)
	}
	sort.Strings(valid)
	sort.Slice(rejected, func(i, j int) bool { return rejected[i].Login < rejected[j].Login })
	return valid, rejected
}

// independence answers whether a reviewer took part in the change, by
// lowercased login.
type independence struct {
	rc           ReviewContext
	contributors map[string]bool
	pushers      map[string]bool
	pushes       map[string]Push
	coAuthors    map[string]CoAuthor
}

func newIndependence(rc ReviewContext) *independence {
	ind := &independence{rc: rc, contributors: map[string]bool{}, pushers: map[string]bool{},
		pushes: map[string]Push{}, coAuthors: map[string]CoAuthor{}}
	for _, l := range rc.Contributors {
		ind.contributors[strings.ToLower(l)] = true
	}
	for _, l := range append(rc.Pushers, rc.Pusher) {
		if l != "" {
			ind.pushers[strings.ToLower(l)] = true
		}
	}
	for _, p := range rc.Pushes {
		if k := strings.ToLower(p.Login); k != "" {
			if _, ok := ind.pushes[k]; !ok {
				ind.pushes[k] = p
			}
		}
	}
	for _, c := range rc.CoAuthors {
		if k := strings.ToLower(c.Login); k != "" {
			if _, ok := ind.coAuthors[k]; !ok {
				ind.coAuthors[k] = c
			}
		}
	}
	return ind
}

// problem says why an approval does not count, "" when it does.
func (ind *independence) problem(r Review) string {
	rc := ind.rc
	login := strings.ToLower(r.Login)
	push, pushed := ind.pushes[login]
	co, coAuthored := ind.coAuthors[login]
	switch {
	case rc.Unverifiable != "":
		return "cannot be checked for independence: " + rc.Unverifiable
	case r.Bot || strings.HasSuffix(login, "[bot]"):
		return "bots cannot approve"
	case login == strings.ToLower(rc.Author):
		return "the pull request's author cannot approve it"
	case ind.contributors[login]:
		return "authored or committed commits of this pull request"
	case coAuthored:
		return "named as co-author (" + co.Email + ") of commit " + ShortHash(co.Commit)
	case rc.Pusher != "" && login == strings.ToLower(rc.Pusher):
		return "pushed the latest commits"
	case ind.pushers[login]:
		return "pushed commits to this pull request"
	case pushed:
		return "pushed commit " + ShortHash(push.Commit) + " to branch " + push.Branch
	case rc.HeadSHA != "" && r.CommitID != rc.HeadSHA:
		return "approved an earlier head " + ShortHash(r.CommitID) + "; the pull request changed since"
	case !rc.ApprovalsSince.IsZero() && !r.SubmittedAt.After(rc.ApprovalsSince):
		return "approved before " + rc.ApprovalsReset + "; approve again"
	}
	return ""
}
