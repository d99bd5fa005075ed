package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/guard/keytest"
)

// Tests of the judgement of a pull request against the default branch
// when its base is another, unprotected branch (issue 8, item 1: the
// open/reopen race of a shared head).

// evilPR pushes head as the branches evil-head and evil (base, "" for
// head itself) and registers pull request number by mallory from
// evil-head into evil.
func (e *env) evilPR(number int, head, base string) map[string]any {
	e.T.Helper()
	if base == "" {
		base = head
	}
	e.Push(base+":refs/heads/evil", head+":refs/heads/evil-head", fmt.Sprintf("%s:refs/pull/%d/head", head, number))
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: number, Author: "mallory", HeadSHA: head,
		HeadRef: "evil-head", BaseSHA: base, BaseRef: "evil"})
	return pullOn(number, "mallory", head, "evil-head", base, "evil")
}

// neverGreen fails when any write of the check run on head concluded
// success.
func (e *env) neverGreen(head string) {
	e.T.Helper()
	for _, u := range e.OnlyCheck(head).Updates {
		if u.Conclusion == "success" {
			e.T.Fatalf("the check run on %s was green at some point: %+v", guard.ShortHash(head), e.OnlyCheck(head).Updates)
		}
	}
}

// TestAgainstDefaultClosesOpenRace replays the race: mallory's commit X
// changes a contract; carol pushes it to the branch evil, which mallory
// opens #2 into before #1 (X into main) exists. #2 is judged against
// main too, so the run on X is never green: not when #2 opens, not on
// carol's approval (she pushed X), not while #1 opens, closes and
// reopens.
func TestAgainstDefaultClosesOpenRace(t *testing.T) {
	e := newEnv(t)
	e.withPolicy()
	e.Git("checkout", "-q", "-b", "feature")
	head := e.Commit("mallory", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	pr2 := e.evilPR(2, head, "")
	if err := e.pushEvent("refs/heads/evil", zeroSHA, head, "carol", nil); err != nil {
		t.Fatal(err)
	}
	if err := e.pullEvent("opened", pr2, "mallory", nil); err != nil {
		t.Fatal(err)
	}
	cr := e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "action_required", "**Also judged against `main`** because the base `evil` is not protected: contracts changed since `main`.",
		"| contracts — Smart contracts and on-chain programs (against `main`) | 1 | :x: 0 | — |")
	if cr.Title != "Second review required: contracts against main 0/1" {
		t.Errorf("title %q", cr.Title)
	}
	st := e.state(2)
	if ag := st.AgainstDefault; ag == nil || ag.Branch != "main" || !slices.Equal(ag.Categories, []string{"contracts"}) ||
		!slices.Contains(st.Commits, head) || len(st.Categories) != 0 {
		t.Fatalf("#2 saved against %+v, commits %v, categories %v: want contracts against main, X among its commits, none of its own",
			st.AgainstDefault, st.Commits, st.Categories)
	}

	e.GH.AddReview(apptest.Owner, apptest.Name, 2, githubtest.Review{User: "carol", State: "APPROVED", CommitID: head})
	if err := e.reviewEvent(2, "mallory", head, head, "carol"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "@carol: pushed commit "+guard.ShortHash(head)+" to branch evil")

	_, base := e.OpenPR(1, "mallory", "feature")
	for _, action := range []string{"opened", "closed", "reopened"} {
		pr1 := pullOn(1, "mallory", head, "feature", base, "main")
		if action == "closed" {
			pr1["state"] = "closed"
		}
		if err := e.pullEvent(action, pr1, "mallory", nil); err != nil {
			t.Fatal(err)
		}
		apptest.WantCheck(t, e.OnlyCheck(head), "action_required")
	}
	e.neverGreen(head)
}

// TestAgainstDefaultPolicyOfDefault: the branch evil holds main and a
// policy that drops the contracts category; the head forked from main,
// so both merge bases are main's tip. The policy differs, so the pull
// request is judged against main with main's policy.
func TestAgainstDefaultPolicyOfDefault(t *testing.T) {
	e := newEnv(t)
	main := e.withPolicy()
	e.Git("checkout", "-q", "-b", "evil-base")
	evil := e.Commit("mallory", "Relax policy", map[string]string{guard.PolicyPath: "version: 1\ncategories:\n  - name: contracts\n    disabled: true\n"})
	e.Git("checkout", "-q", "-b", "feature", main)
	head := e.Commit("mallory", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	if err := e.pullEvent("opened", e.evilPR(2, head, evil), "mallory", nil); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "contracts against main (0/1)", "against main: acme/widgets:"+guard.PolicyPath)
	if st := e.state(2); st.MergeBase != main || st.AgainstDefault == nil || st.AgainstDefault.MergeBase != main {
		t.Errorf("merge bases %s and %+v, want both main's tip %s", st.MergeBase, st.AgainstDefault, main)
	}
}

// TestAgainstDefaultSkipped: pull requests into main, into a protected
// branch, or into a branch with the same merge base and policy as main
// are judged against their base alone.
func TestAgainstDefaultSkipped(t *testing.T) {
	for _, tc := range []struct {
		name, base string
		baseCommit bool // the base has a commit of its own (docs)
		protected  []string
		want       string
	}{
		{"into main", "main", false, nil, "contracts (0/1)"},
		{"into a protected branch", "release/1", false, []string{"release/*"}, "No sensitive change"},
		{"same merge base and policy", "docs", true, nil, "contracts (0/1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.app.ProtectedBranches = tc.protected
			main := e.withPolicy()
			base := main
			if tc.baseCommit {
				e.Git("checkout", "-q", "-b", "docs")
				base = e.Commit("alice", "Docs", map[string]string{"README.md": "# widgets\n\nDocs.\n"})
			}
			e.Git("checkout", "-q", "-b", "feature", main)
			head := e.Commit("alice", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
			if tc.base == "release/1" {
				e.Git("checkout", "-q", "-b", "release/1")
				base = head // the release branch already holds the head
			}
			e.Push(base+":refs/heads/"+tc.base, "feature", "feature:refs/pull/3/head")
			e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 3, Author: "alice", HeadSHA: head,
				HeadRef: "feature", BaseSHA: base, BaseRef: tc.base})
			if err := e.pullEvent("opened", pullOn(3, "alice", head, "feature", base, tc.base), "alice", nil); err != nil {
				t.Fatal(err)
			}
			cr := e.OnlyCheck(head)
			if !strings.Contains(cr.Summary, tc.want) || strings.Contains(cr.Summary, "Also judged") {
				t.Errorf("summary, want %q and no judgement against main:\n%s", tc.want, cr.Summary)
			}
			if st := e.state(3); st.AgainstDefault != nil {
				t.Errorf("judged against main: %+v", st.AgainstDefault)
			}
		})
	}
}

// TestAgainstDefaultStacked: bob's docs change stacked on alice's
// unmerged contract needs the contract's approvals, and alice, who
// pushed it, cannot give them; carol can.
func TestAgainstDefaultStacked(t *testing.T) {
	e := newEnv(t)
	main := e.withPolicy()
	e.Git("checkout", "-q", "-b", "feature-x")
	x := e.Commit("alice", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	e.Push("feature-x")
	if err := e.pushEvent("refs/heads/feature-x", zeroSHA, x, "alice", nil); err != nil {
		t.Fatal(err)
	}
	e.Git("checkout", "-q", "-b", "feature-y")
	head := e.Commit("bob", "Docs", map[string]string{"README.md": "# widgets\n\nTokens.\n"})
	e.Push("feature-y", "feature-y:refs/pull/4/head")
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 4, Author: "bob", HeadSHA: head,
		HeadRef: "feature-y", BaseSHA: x, BaseRef: "feature-x", Commits: []githubtest.Commit{{SHA: head, AuthorLogin: "bob"}}})
	if err := e.pullEvent("opened", pullOn(4, "bob", head, "feature-y", x, "feature-x"), "bob", nil); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "the base `feature-x` is not protected: contracts changed since `main`")
	if ag := e.state(4).AgainstDefault; ag == nil || ag.MergeBase != main {
		t.Fatalf("against %+v, want merge base %s", ag, main)
	}
	for _, reviewer := range []string{"alice", "carol"} {
		e.GH.AddReview(apptest.Owner, apptest.Name, 4, githubtest.Review{User: reviewer, State: "APPROVED", CommitID: head})
	}
	if err := e.reviewEvent(4, "bob", head, x, "carol"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "success", "contracts against main (1/1)", "@carol",
		"@alice: pushed commit "+guard.ShortHash(x)+" to branch feature-x")
}

// TestAgainstDefaultBlocking: a private key on the base branch, beyond
// main, fails a pull request into it until a security reviewer resolves
// its anomaly, recorded under the pull request.
func TestAgainstDefaultBlocking(t *testing.T) {
	e := newEnv(t)
	e.withPolicy()
	e.Git("checkout", "-q", "-b", "keys")
	base := e.Commit("alice", "Add deploy key", map[string]string{"deploy/keys/deploy.pem": keytest.ECPEM(t)})
	e.Git("checkout", "-q", "-b", "docs")
	head := e.Commit("bob", "Docs", map[string]string{"README.md": "# widgets\n\nKeys.\n"})
	e.Push("keys", "docs", "docs:refs/pull/5/head")
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 5, Author: "bob", HeadSHA: head,
		HeadRef: "docs", BaseSHA: base, BaseRef: "keys"})
	if err := e.pullEvent("opened", pullOn(5, "bob", head, "docs", base, "keys"), "bob", nil); err != nil {
		t.Fatal(err)
	}
	cr := e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "failure", "key-material", "deploy/keys/deploy.pem")
	if len(cr.Annotations) == 0 || cr.Annotations[0].Path != "deploy/keys/deploy.pem" {
		t.Errorf("annotations %+v, want the key's", cr.Annotations)
	}
	e.resolveKey(5, "test fixture")
	if err := e.app.Reevaluate(context.Background(), apptest.FullName, 5); err != nil {
		t.Fatal(err)
	}
	if cr := e.OnlyCheck(head); cr.Conclusion == "failure" {
		t.Errorf("still failing after the key was resolved: %s", cr.Title)
	}
}

// TestAgainstDefaultUnnamedDefault: an event that does not name the
// default branch (as GitHub's list of a commit's pull requests does
// not) finds it from the remote's HEAD.
func TestAgainstDefaultUnnamedDefault(t *testing.T) {
	e := newEnv(t)
	e.withPolicy()
	e.Git("checkout", "-q", "-b", "feature")
	head := e.Commit("mallory", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	repo := maps.Clone(repoJSON())
	delete(repo, "default_branch")
	if err := e.pullEvent("opened", e.evilPR(2, head, ""), "mallory", map[string]any{"repository": repo}); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "contracts against main (0/1)")
}

// TestAgainstDefaultInvalidPolicy: a pull request into a branch with a
// valid policy fails when the default branch's policy, which it is also
// judged with, does not parse.
func TestAgainstDefaultInvalidPolicy(t *testing.T) {
	e := newEnv(t)
	e.Commit("alice", "Break policy", map[string]string{guard.PolicyPath: "version: 1\ncategories:\n  - name: contracts\n    aprovals: 1\n"})
	e.Push("main")
	e.Git("checkout", "-q", "-b", "fixed")
	base := e.Commit("mallory", "Fix policy", map[string]string{guard.PolicyPath: onePolicy})
	head := e.Commit("mallory", "Docs", map[string]string{"README.md": "# widgets\n\nFixed.\n"})
	if err := e.pullEvent("opened", e.evilPR(2, head, base), "mallory", nil); err != nil {
		t.Fatal(err)
	}
	cr := e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "failure", "the policy file .github/repoguard.yml on main, which this change is also judged against, is invalid",
		`unknown key "aprovals"`)
	if cr.Title != "Invalid repoguard policy on main" {
		t.Errorf("title %q", cr.Title)
	}
}
