package app

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github/githubtest"
)

// Tests of the bypasses of the second-reviewer rule closed in issue 8:
// a head shared by two pull requests, a base switched after approval,
// pushers known only from push events, co-authors.

// pullOn is a pull_request object of a pull request from headRef into
// baseRef.
func pullOn(number int, author, head, headRef, base, baseRef string) map[string]any {
	p := prJSON(number, author, head, base)
	p["head"] = map[string]any{"sha": head, "ref": headRef}
	p["base"] = map[string]any{"sha": base, "ref": baseRef}
	return p
}

// pullEvent delivers a pull_request event about pr; extra adds to the
// payload.
func (e *env) pullEvent(action string, pr map[string]any, sender string, extra map[string]any) error {
	e.T.Helper()
	payload := map[string]any{"action": action, "number": pr["number"], "pull_request": pr,
		"repository": repoJSON(), "installation": installation(), "sender": user(sender)}
	maps.Copy(payload, extra)
	return e.deliver("pull_request", payload)
}

// withPolicy commits onePolicy to main, pushes it and returns main's
// head.
func (e *env) withPolicy() string {
	e.T.Helper()
	e.Commit("alice", "Add policy", map[string]string{guard.PolicyPath: onePolicy})
	e.Push("main")
	return e.Head()
}

// contractsPR commits the policy to main and a contract on branch
// feature, by alice, and registers it as pull request #1.
func (e *env) contractsPR() (head, base string) {
	e.T.Helper()
	e.withPolicy()
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("alice", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	return e.OpenPR(1, "alice", "feature")
}

// contractsOnFeature opens contractsPR: action required.
func (e *env) contractsOnFeature() (head, base string) {
	e.T.Helper()
	head, base = e.contractsPR()
	if err := e.pullRequestEvent("opened", 1, "alice", head, base, "alice"); err != nil {
		e.T.Fatal(err)
	}
	apptest.WantCheck(e.T, e.OnlyCheck(head), "action_required", "contracts", "0/1")
	return head, base
}

// sharedHeadPR opens #2 by mallory with head into the branch evil, which
// already holds head: an empty diff.
func (e *env) sharedHeadPR(head string) map[string]any {
	e.T.Helper()
	e.Push(head+":refs/heads/evil", head+":refs/heads/evil-head", head+":refs/pull/2/head")
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 2, Author: "mallory", HeadSHA: head,
		HeadRef: "evil-head", BaseSHA: head, BaseRef: "evil"})
	return pullOn(2, "mallory", head, "evil-head", head, "evil")
}

func (e *env) state(n int) *PullState {
	e.T.Helper()
	st, err := e.store.PullState(context.Background(), apptest.FullName, n)
	if err != nil || st == nil {
		e.T.Fatalf("state of #%d: %v %v", n, st, err)
	}
	return st
}

// TestSharedHeadKeepsStrictestVerdict: a pull request with the same head
// as a sensitive one, into a branch that already holds it, cannot turn
// the shared check run green, not by opening, nor by an approval of its
// own, nor while GitHub cannot list the pull requests of the head;
// closing and reopening the sensitive one decides the run again. (The
// second pull request is judged against main too, see against_test.go:
// only an independent approval of the contract makes it green.)
func TestSharedHeadKeepsStrictestVerdict(t *testing.T) {
	e := newEnv(t)
	head, _ := e.contractsOnFeature()
	pr2 := e.sharedHeadPR(head)
	if err := e.pullEvent("opened", pr2, "mallory", nil); err != nil {
		t.Fatal(err)
	}
	cr := e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "action_required", "This commit is the head of #1 and #2.", "that of #1",
		"| #2 | `evil` | :warning: Second review required: contracts against main 0/1 |")
	if !strings.HasSuffix(cr.Title, "(#1)") || cr.DetailsURL != publicURL+"/pulls/acme/widgets/1" {
		t.Errorf("title %q, details %q: want #1's", cr.Title, cr.DetailsURL)
	}
	if st := e.state(2); st.Conclusion != "action_required" || st.CheckRunID != cr.ID {
		t.Errorf("#2 saved %s on run %d, want its own action_required on run %d", st.Conclusion, st.CheckRunID, cr.ID)
	}

	// An approval decides #2 again (approved, it succeeds): the run
	// keeps #1's verdict.
	e.GH.AddReview(apptest.Owner, apptest.Name, 2, githubtest.Review{User: "bob", State: "APPROVED", CommitID: head})
	if err := e.reviewEvent(2, "mallory", head, head, "bob"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "that of #1")

	// GitHub cannot list the pull requests of the head: the event fails
	// for a retry and nothing weaker is written.
	writes := len(e.OnlyCheck(head).Updates)
	e.GH.FailNext("GET", "/repos/acme/widgets/commits/"+head+"/pulls", 502, 4, nil)
	if err := e.reviewEvent(2, "mallory", head, head, "bob"); err == nil {
		t.Fatal("review decided although the pull requests of the head could not be listed")
	}
	if cr := e.OnlyCheck(head); len(cr.Updates) != writes || cr.Conclusion != "action_required" {
		t.Errorf("check run written (%d writes, %s) without knowing the other pull requests", len(cr.Updates)-writes, cr.Conclusion)
	}

	if st := e.state(2); st.Conclusion != "success" {
		t.Errorf("#2 saved %s after bob's approval, want success", st.Conclusion)
	}
	// #1 closed: the run carries the verdict of #2, the only one left.
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 1, Author: "alice", HeadSHA: head,
		HeadRef: "feature", BaseRef: "main", State: "closed"})
	closed := pullOn(1, "alice", head, "feature", "", "main")
	closed["state"] = "closed"
	if err := e.pullEvent("closed", closed, "alice", nil); err != nil {
		t.Fatal(err)
	}
	cr = e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "success", "contracts against main (1/1)", "@bob")
	if strings.Contains(cr.Summary, "head of") {
		t.Errorf("summary names other pull requests after #1 closed:\n%s", cr.Summary)
	}
	// Reopened, it holds the run again.
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 1, Author: "alice", HeadSHA: head,
		HeadRef: "feature", BaseRef: "main"})
	if err := e.pullRequestEvent("reopened", 1, "alice", head, e.Git("rev-parse", "origin/main"), "alice"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "that of #1")
}

// TestSharedHeadEvaluatesMissedPullRequest: GitHub lists an open pull
// request on the head that repoguard has no verdict for (its event was
// missed): it is evaluated before the run is written.
func TestSharedHeadEvaluatesMissedPullRequest(t *testing.T) {
	e := newEnv(t)
	head, _ := e.contractsPR() // no event delivered
	if err := e.pullEvent("opened", e.sharedHeadPR(head), "mallory", nil); err != nil {
		t.Fatal(err)
	}
	cr := e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "action_required", "that of #1")
	if st := e.state(1); st.Conclusion != "action_required" || st.CheckRunID != cr.ID || st.HeadSHA != head {
		t.Errorf("#1 saved %s on run %d for %s, want action_required on run %d", st.Conclusion, st.CheckRunID, st.HeadSHA, cr.ID)
	}
}

// TestMergeGroupKeepsStricterPullRequestVerdict: a merge group whose head
// is the head of an open pull request does not weaken its verdict.
func TestMergeGroupKeepsStricterPullRequestVerdict(t *testing.T) {
	e := newEnv(t)
	head, base := e.contractsOnFeature()
	ref := "refs/heads/gh-readonly-queue/main/pr-9-" + base
	e.Push(head + ":" + ref)
	if err := e.deliver("merge_group", map[string]any{"action": "checks_requested",
		"merge_group": map[string]any{"head_sha": head, "head_ref": ref, "base_sha": base, "base_ref": "refs/heads/main"},
		"repository":  repoJSON(), "installation": installation(), "sender": user("alice")}); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "head of the merge group and #1", "that of #1")
}

// TestBaseSwitchResetsApprovals: an approval given while the base was
// dev does not count once the base is main; one given after does. (dev
// is protected, so the pull request into dev is judged against dev
// alone, with nothing sensitive to approve.)
func TestBaseSwitchResetsApprovals(t *testing.T) {
	e := newEnv(t)
	e.app.ProtectedBranches = []string{"release/*", "de?"}
	main := e.withPolicy()
	e.Git("checkout", "-q", "-b", "dev")
	dev := e.Commit("alice", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	e.Git("checkout", "-q", "-b", "docs")
	head := e.Commit("alice", "Docs", map[string]string{"README.md": "# widgets\n\nDocs.\n"})
	e.Push("dev", "docs", "docs:refs/pull/3/head")
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 3, Author: "alice", HeadSHA: head,
		HeadRef: "docs", BaseSHA: dev, BaseRef: "dev", Commits: []githubtest.Commit{{SHA: head, AuthorLogin: "alice"}}})
	if err := e.pullEvent("opened", pullOn(3, "alice", head, "docs", dev, "dev"), "alice", nil); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "success", "No sensitive change")
	e.GH.AddReview(apptest.Owner, apptest.Name, 3, githubtest.Review{User: "bob", State: "APPROVED", CommitID: head,
		SubmittedAt: time.Now().Add(-time.Minute)})
	if err := e.reviewEvent(3, "alice", head, dev, "bob"); err != nil {
		t.Fatal(err)
	}

	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 3, Author: "alice", HeadSHA: head,
		HeadRef: "docs", BaseSHA: main, BaseRef: "main", Commits: []githubtest.Commit{{SHA: dev, AuthorLogin: "alice"}, {SHA: head, AuthorLogin: "alice"}}})
	edited := map[string]any{"changes": map[string]any{"base": map[string]any{"ref": map[string]any{"from": "dev"},
		"sha": map[string]any{"from": dev}}}}
	if err := e.pullEvent("edited", pullOn(3, "alice", head, "docs", main, "main"), "alice", edited); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "contracts", "0/1",
		"@bob: approved before the base changed from dev to main; approve again")

	e.GH.AddReview(apptest.Owner, apptest.Name, 3, githubtest.Review{User: "bob", State: "APPROVED", CommitID: head,
		SubmittedAt: time.Now().Add(time.Minute)})
	if err := e.reviewEvent(3, "alice", head, main, "bob"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "success", "@bob")
}

// TestMergeBaseChangeResetsApprovals: the base branch rewound under an
// approved pull request widens its diff; the next evaluation of the same
// head no longer counts the approval.
func TestMergeBaseChangeResetsApprovals(t *testing.T) {
	e := newEnv(t)
	main := e.withPolicy()
	e.Git("checkout", "-q", "-b", "dev")
	dev := e.Commit("alice", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	head := e.Commit("alice", "Docs", map[string]string{"README.md": "# widgets\n\nDocs.\n"})
	e.Push(dev+":refs/heads/dev", "dev:refs/heads/docs", "dev:refs/pull/4/head")
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 4, Author: "alice", HeadSHA: head,
		HeadRef: "docs", BaseSHA: dev, BaseRef: "dev"})
	pr := pullOn(4, "alice", head, "docs", dev, "dev")
	if err := e.pullEvent("opened", pr, "alice", nil); err != nil {
		t.Fatal(err)
	}
	e.GH.AddReview(apptest.Owner, apptest.Name, 4, githubtest.Review{User: "bob", State: "APPROVED", CommitID: head,
		SubmittedAt: time.Now().Add(-time.Minute)})
	if err := e.reviewEvent(4, "alice", head, dev, "bob"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "success")

	e.Push("+" + main + ":refs/heads/dev") // dev rewound: the token is now in the diff
	if err := e.pullEvent("ready_for_review", pr, "alice", nil); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "contracts",
		"@bob: approved before the merge base changed from "+guard.ShortHash(dev)+" to "+guard.ShortHash(main))
}

// TestReopenedOnNewHeadCountsLaterApprovals: a pull request whose head
// moved while it was closed counts only approvals given after it was
// reopened.
func TestReopenedOnNewHeadCountsLaterApprovals(t *testing.T) {
	e := newEnv(t)
	head, base := e.contractsOnFeature()
	closed := pullOn(1, "alice", head, "feature", base, "main")
	if err := e.pullEvent("closed", closed, "alice", nil); err != nil {
		t.Fatal(err)
	}
	// Pushed while closed: GitHub sends no synchronize.
	e.Commit("alice", "More", map[string]string{"contracts/Token.sol": "contract Token { uint x; }\n"})
	head2, _ := e.OpenPR(1, "alice", "feature")
	e.GH.AddReview(apptest.Owner, apptest.Name, 1, githubtest.Review{User: "bob", State: "APPROVED", CommitID: head2,
		SubmittedAt: time.Now().Add(-time.Minute)})
	if err := e.pullRequestEvent("reopened", 1, "alice", head2, base, "alice"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head2), "action_required",
		"@bob: approved before the pull request was reopened with commits pushed while it was closed")
	if st := e.state(1); st.Closed {
		t.Error("reopened pull request still marked closed")
	}
}

// TestPushersOfCommitsCannotApprove: whoever pushed a commit of the pull
// request to any branch (known only from push events) cannot approve it,
// also when the push is recorded after the evaluation.
func TestPushersOfCommitsCannotApprove(t *testing.T) {
	e := newEnv(t)
	main := e.withPolicy()
	e.Git("checkout", "-q", "-b", "prep")
	m := e.Commit("alice", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"}) // authored as alice
	e.Push("prep")
	if err := e.pushEvent("refs/heads/prep", zeroSHA, m, "mallory", map[string]any{"created": true,
		"commits": []map[string]any{{"id": m, "author": map[string]any{"username": "alice", "email": "alice@acme.test"}}}}); err != nil {
		t.Fatal(err)
	}
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("alice", "Tweak", map[string]string{"contracts/Token.sol": "contract Token { }\n"})
	head, base := e.OpenPR(5, "alice", "feature")
	if base != main {
		t.Fatalf("base %s, want main %s", base, main)
	}
	if err := e.pullRequestEvent("opened", 5, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	// carol pushes the head to a branch of hers after the evaluation.
	e.Push("feature:refs/heads/copy")
	if err := e.pushEvent("refs/heads/copy", zeroSHA, head, "carol", nil); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"mallory", "carol"} {
		e.GH.AddReview(apptest.Owner, apptest.Name, 5, githubtest.Review{User: who, State: "APPROVED", CommitID: head})
	}
	if err := e.reviewEvent(5, "alice", head, base, "carol"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "@mallory: pushed commit "+guard.ShortHash(m)+" to branch prep",
		"@carol: pushed commit "+guard.ShortHash(m)+" to branch copy") // a new branch: all it adds to main
}

// TestCoAuthorsCannotApprove: reviewers named in Co-authored-by trailers
// do not count, matched by a noreply address, by the identity store in
// both directions; nor does an author GitHub did not attribute whose
// email the identity store knows.
func TestCoAuthorsCannotApprove(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	learn := func(login, email string, n int) {
		for range n {
			c := &guard.Commit{Hash: strings.Repeat("f", 40), Author: guard.Person{Name: login, Email: email, When: apptest.Epoch}}
			if err := e.profiles.Learn(ctx, apptest.FullName, c, nil, login, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	learn("bob", "bob@home.test", 1)
	learn("eve", "shared@acme.test", 3)  // the email resolves to eve...
	learn("dave", "shared@acme.test", 1) // ...and dave used it too
	learn("frank", "frank@acme.test", 1)

	e.withPolicy()
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("alice", "Add token\n\nCo-authored-by: Bob <bob@home.test>\nco-authored-BY: <4242+Carol@users.noreply.github.com>",
		map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	e.Commit("alice", "Pair work\n\nCo-authored-by: Team <shared@acme.test>", map[string]string{"contracts/Token.sol": "contract Token { }\n"})
	e.Commit("frank", "Fix", map[string]string{"contracts/Token.sol": "contract Token {  }\n"})
	head, base := e.OpenPR(6, "alice", "feature")
	// GitHub could not match frank's email to his account.
	var commits []githubtest.Commit
	for _, line := range strings.Split(e.Git("log", "--reverse", "--format=%H %ae", base+".."+head), "\n") {
		sha, email, _ := strings.Cut(line, " ")
		login := strings.TrimSuffix(email, "@acme.test")
		if login == "frank" {
			login = ""
		}
		commits = append(commits, githubtest.Commit{SHA: sha, AuthorLogin: login, AuthorEmail: email, CommitterEmail: email})
	}
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 6, Author: "alice", HeadSHA: head,
		HeadRef: "feature", BaseSHA: base, BaseRef: "main", Commits: commits})
	for _, who := range []string{"bob", "carol", "eve", "dave", "frank"} {
		e.GH.AddReview(apptest.Owner, apptest.Name, 6, githubtest.Review{User: who, State: "APPROVED", CommitID: head})
	}
	if err := e.pullRequestEvent("opened", 6, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required",
		"@bob: named as co-author (bob@home.test)", "@carol: named as co-author (4242+carol@users.noreply.github.com)",
		"@eve: named as co-author (shared@acme.test)", "@dave: named as co-author (shared@acme.test)",
		"@frank: authored or committed commits")
}
