package app

import (
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/github/githubtest"
)

// onePolicy asks one approval for contracts, so that one second reviewer
// is enough.
const onePolicy = "version: 1\ncategories:\n  - name: contracts\n    approvals: 1\n"

// checkRun returns the only check run on head.
func (e *env) checkRun(head string) githubtest.CheckRun {
	e.t.Helper()
	var found []githubtest.CheckRun
	for _, cr := range e.gh.CheckRuns() {
		if cr.HeadSHA == head {
			found = append(found, cr)
		}
	}
	if len(found) != 1 {
		e.t.Fatalf("%d check runs on %s, want 1", len(found), guard.ShortHash(head))
	}
	return found[0]
}

func wantCheck(t *testing.T, cr githubtest.CheckRun, conclusion string, inSummary ...string) {
	t.Helper()
	if cr.Status != "completed" || cr.Conclusion != conclusion {
		t.Fatalf("check run %s/%s, want completed/%s\n%s\n%s", cr.Status, cr.Conclusion, conclusion, cr.Title, cr.Summary)
	}
	for _, s := range inSummary {
		if !strings.Contains(cr.Summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, cr.Summary)
		}
	}
}

func TestPullRequestSecondReviewer(t *testing.T) {
	e := newEnv(t)
	e.commit("alice", "Add policy", map[string]string{guard.PolicyPath: onePolicy})
	e.push("main")
	e.git("checkout", "-q", "-b", "feature")
	e.commit("alice", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	head, base := e.openPR(1, "alice", "feature")

	if err := e.pullRequestEvent("opened", 1, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	cr := e.checkRun(head)
	wantCheck(t, cr, "action_required", "contracts", "0/1")
	if want := publicURL + "/pulls/acme/widgets/1"; cr.DetailsURL != want {
		t.Errorf("details_url %q, want %q", cr.DetailsURL, want)
	}
	fetches := e.repos.n.Load()

	// The author's own approval does not count.
	e.gh.AddReview(testOwner, testRepo, 1, githubtest.Review{User: "alice", State: "APPROVED", CommitID: head})
	if err := e.reviewEvent(1, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	wantCheck(t, e.checkRun(head), "action_required", "@alice: the pull request's author cannot approve it")

	// A second person's does.
	e.gh.AddReview(testOwner, testRepo, 1, githubtest.Review{User: "bob", State: "APPROVED", CommitID: head})
	if err := e.reviewEvent(1, "alice", head, base, "bob"); err != nil {
		t.Fatal(err)
	}
	wantCheck(t, e.checkRun(head), "success", "@bob")
	if n := e.repos.n.Load(); n != fetches {
		t.Errorf("re-evaluations fetched %d times, want no Git access", n-fetches)
	}

	// A push resets the approval.
	e.commit("alice", "Tweak token", map[string]string{"contracts/Token.sol": "contract Token { uint x; }\n"})
	head2, _ := e.openPR(1, "alice", "feature")
	if err := e.pullRequestEvent("synchronize", 1, "alice", head2, base, "alice"); err != nil {
		t.Fatal(err)
	}
	wantCheck(t, e.checkRun(head2), "action_required", "@bob: approved an earlier head")
}

func TestPolicyReadFromBaseNotHead(t *testing.T) {
	e := newEnv(t)
	e.git("checkout", "-q", "-b", "feature")
	e.commit("mallory", "Quiet the guard", map[string]string{
		guard.PolicyPath:    "version: 1\ndetectors:\n  key-material:\n    disabled: true\n",
		"config/signer.pem": testKeyPEM(t),
	})
	head, base := e.openPR(2, "mallory", "feature")
	if err := e.pullRequestEvent("opened", 2, "mallory", head, base, "mallory"); err != nil {
		t.Fatal(err)
	}
	wantCheck(t, e.checkRun(head), "failure", "key-material", "built-in defaults")
}

func TestInvalidBasePolicyFails(t *testing.T) {
	e := newEnv(t)
	e.commit("alice", "Broken policy", map[string]string{guard.PolicyPath: "version: 1\nthresholds: {block: sometimes}\n"})
	e.push("main")
	e.git("checkout", "-q", "-b", "feature")
	e.commit("bob", "Docs", map[string]string{"docs/intro.md": "hello\n"})
	head, base := e.openPR(3, "bob", "feature")
	if err := e.pullRequestEvent("opened", 3, "bob", head, base, "bob"); err != nil {
		t.Fatal(err)
	}
	wantCheck(t, e.checkRun(head), "failure", "invalid", "sometimes")
}

func TestOrganizationDefaultPolicy(t *testing.T) {
	e := newEnv(t)
	e.gh.SetFile(testOwner, OrgPolicyRepo, "", guard.PolicyPath, []byte(onePolicy))
	e.git("checkout", "-q", "-b", "feature")
	e.commit("alice", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	head, base := e.openPR(4, "alice", "feature")
	if err := e.pullRequestEvent("opened", 4, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	wantCheck(t, e.checkRun(head), "action_required", "0/1", "organization default")
}

func TestStaleEventIsSuperseded(t *testing.T) {
	e := newEnv(t)
	e.git("checkout", "-q", "-b", "feature")
	old := e.commit("alice", "First try", map[string]string{"src/a.go": "package src\n"})
	e.push("feature:refs/pull/13/head")
	e.git("reset", "-q", "--hard", "HEAD~1")
	e.commit("alice", "Second try", map[string]string{"src/b.go": "package src\n"})
	e.openPR(13, "alice", "feature") // force-pushes refs/pull/13/head
	if err := e.pullRequestEvent("opened", 13, "alice", old, e.git("rev-parse", "origin/main"), "alice"); err != nil {
		t.Fatalf("stale event: %v, want nil", err)
	}
	if cr := e.checkRun(old); cr.Conclusion != "cancelled" {
		t.Errorf("check run on the old head: %s/%s, want cancelled", cr.Status, cr.Conclusion)
	}
}
