package app

import (
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/guard/keytest"
)

// onePolicy asks one approval for contracts, so that one second reviewer
// is enough.
const onePolicy = "version: 1\ncategories:\n  - name: contracts\n    approvals: 1\n"

func TestPullRequestSecondReviewer(t *testing.T) {
	e := newEnv(t)
	head, base := e.contractsPR()

	if err := e.pullRequestEvent("opened", 1, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	cr := e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "action_required", "contracts", "0/1")
	if want := publicURL + "/pulls/acme/widgets/1"; cr.DetailsURL != want {
		t.Errorf("details_url %q, want %q", cr.DetailsURL, want)
	}
	fetches := e.repos.n.Load()

	// The author's own approval does not count.
	e.GH.AddReview(apptest.Owner, apptest.Name, 1, githubtest.Review{User: "alice", State: "APPROVED", CommitID: head})
	if err := e.reviewEvent(1, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "@alice: the pull request's author cannot approve it")

	// A second person's does.
	e.GH.AddReview(apptest.Owner, apptest.Name, 1, githubtest.Review{User: "bob", State: "APPROVED", CommitID: head})
	if err := e.reviewEvent(1, "alice", head, base, "bob"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "success", "@bob")
	if n := e.repos.n.Load(); n != fetches {
		t.Errorf("re-evaluations fetched %d times, want no Git access", n-fetches)
	}

	// A push resets the approval.
	e.Commit("alice", "Tweak token", map[string]string{"contracts/Token.sol": "contract Token { uint x; }\n"})
	head2, _ := e.OpenPR(1, "alice", "feature")
	if err := e.pullRequestEvent("synchronize", 1, "alice", head2, base, "alice"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head2), "action_required", "@bob: approved an earlier head")
}

func TestPolicyReadFromBaseNotHead(t *testing.T) {
	e := newEnv(t)
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("mallory", "Quiet the guard", map[string]string{
		guard.PolicyPath:    "version: 1\ndetectors:\n  key-material:\n    disabled: true\n",
		"config/signer.pem": keytest.ECPEM(t),
	})
	head, base := e.OpenPR(2, "mallory", "feature")
	if err := e.pullRequestEvent("opened", 2, "mallory", head, base, "mallory"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "failure", "key-material", "built-in defaults")
}

func TestInvalidBasePolicyFails(t *testing.T) {
	e := newEnv(t)
	e.Commit("alice", "Broken policy", map[string]string{guard.PolicyPath: "version: 1\nthresholds: {block: sometimes}\n"})
	e.Push("main")
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("bob", "Docs", map[string]string{"docs/intro.md": "hello\n"})
	head, base := e.OpenPR(3, "bob", "feature")
	if err := e.pullRequestEvent("opened", 3, "bob", head, base, "bob"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "failure", "invalid", "sometimes")
}

func TestOrganizationDefaultPolicy(t *testing.T) {
	e := newEnv(t)
	e.GH.SetFile(apptest.Owner, OrgPolicyRepo, "", guard.PolicyPath, []byte(onePolicy))
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("alice", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	head, base := e.OpenPR(4, "alice", "feature")
	if err := e.pullRequestEvent("opened", 4, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "0/1", "organization default")
}

func TestStaleEventIsSuperseded(t *testing.T) {
	e := newEnv(t)
	e.Git("checkout", "-q", "-b", "feature")
	old := e.Commit("alice", "First try", map[string]string{"src/a.go": "package src\n"})
	e.Push("feature:refs/pull/13/head")
	e.Git("reset", "-q", "--hard", "HEAD~1")
	e.Commit("alice", "Second try", map[string]string{"src/b.go": "package src\n"})
	e.OpenPR(13, "alice", "feature") // force-pushes refs/pull/13/head
	if err := e.pullRequestEvent("opened", 13, "alice", old, e.Git("rev-parse", "origin/main"), "alice"); err != nil {
		t.Fatalf("stale event: %v, want nil", err)
	}
	if cr := e.OnlyCheck(old); cr.Conclusion != "cancelled" {
		t.Errorf("check run on the old head: %s/%s, want cancelled", cr.Status, cr.Conclusion)
	}
}
