package main

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github/githubtest"
)

// End-to-end replays of the bypasses of the second-reviewer rule of
// issue 8: each attack, as an insider with push access would try it
// against main, must leave the sensitive pull request's required check
// short of success until an independent reviewer approves.

// run delivers d and waits until its job is done.
func (ls *liveServer) run(d delivery) {
	ls.t.Helper()
	ls.deliver(d)
	ls.waitJob(d.id)
}

// pullOn is a pull_request delivery about pull request number from
// headRef into baseRef; extra adds to the payload (changes of an edit).
func (e *e2e) pullOn(action string, number int, author, head, headRef, base, baseRef, sender string, extra map[string]any) delivery {
	pr := pullJSON(number, author, head, base)
	pr["head"] = map[string]any{"sha": head, "ref": headRef, "repo": repoJSON()}
	pr["base"] = map[string]any{"sha": base, "ref": baseRef, "repo": repoJSON()}
	if action == "closed" {
		pr["state"] = "closed"
	}
	payload := map[string]any{"action": action, "number": number, "pull_request": pr,
		"repository": repoJSON(), "installation": map[string]any{"id": apptest.Installation}, "sender": userJSON(sender)}
	maps.Copy(payload, extra)
	return e.deliveryOf("pull_request", payload)
}

// pushOf is a push delivery of branch from before ("" for a new branch)
// to after by pusher, listing the commits of before..after with their
// authors' logins (their emails' local parts, as GitHub matches them).
func (e *e2e) pushOf(branch, before, after, pusher string) delivery {
	rev := after
	if before != "" {
		rev = before + ".." + after
	} else {
		rev = after + " --not --remotes=origin/main"
	}
	var commits []map[string]any
	for _, line := range strings.Split(e.Git(append([]string{"log", "--reverse", "--format=%H %an %ae"}, strings.Fields(rev)...)...), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		commits = append(commits, map[string]any{"id": f[0], "message": "change", "distinct": true,
			"author": map[string]any{"name": f[1], "email": f[2], "username": strings.TrimSuffix(f[2], "@acme.test")}})
	}
	created := before == ""
	if created {
		before = strings.Repeat("0", 40)
	}
	return e.deliveryOf("push", map[string]any{"ref": "refs/heads/" + branch, "before": before, "after": after,
		"created": created, "deleted": false, "forced": false, "commits": commits,
		"pusher": map[string]any{"name": pusher, "email": pusher + "@acme.test"}, "sender": userJSON(pusher),
		"repository": repoJSON(), "installation": map[string]any{"id": apptest.Installation}})
}

// pushBranch pushes branch to origin as pusher, from before ("" for a
// new branch), delivers the push and returns the branch's head.
func (e *e2e) pushBranch(ls *liveServer, branch, before, pusher string) string {
	e.t.Helper()
	e.Git("push", "-q", "origin", branch)
	after := e.Git("rev-parse", branch)
	ls.run(e.pushOf(branch, before, after, pusher))
	return after
}

// approve adds an approval of head by reviewer to pull request number,
// submitted at (zero: now), and delivers its review event.
func (e *e2e) approve(ls *liveServer, number int, author, head, base, reviewer string, at time.Time) {
	e.t.Helper()
	e.GH.AddReview(apptest.Owner, apptest.Name, number, githubtest.Review{User: reviewer, State: "APPROVED", CommitID: head, SubmittedAt: at})
	ls.run(e.review(number, author, head, base, reviewer))
}

// TestServeSharedHeadKeepsStrictestVerdict (item 1): PR #1 changes
// contracts into main. The attacker pushes its head commit to branches
// of their own and opens PR #2 with the same head into one of them (an
// empty diff, but judged against main too: the contract): the shared
// check run keeps #1's verdict, whatever #2's approvals. Closing #1 hands
// the run to #2, which bob approved; reopening it takes it back.
func TestServeSharedHeadKeepsStrictestVerdict(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	head, base := e.contractsPR(1)
	ls.run(e.pullRequest("opened", 1, "alice", head, base, "alice"))
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "contracts", "0/1")

	e.Git("push", "-q", "origin", head+":refs/heads/evil", head+":refs/heads/evil-head", head+":refs/pull/2/head")
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 2, Author: "mallory", HeadSHA: head,
		HeadRef: "evil-head", BaseSHA: head, BaseRef: "evil"})
	ls.run(e.pullOn("opened", 2, "mallory", head, "evil-head", head, "evil", "mallory", nil))
	cr := e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "action_required", "This commit is the head of #1 and #2.", "that of #1", "0/1",
		"| #2 | `evil` | :warning: Second review required: contracts against main 0/1 |")

	// An independent approval of #2 (of the contract it would bring to
	// main) decides #2 alone.
	e.approve(ls, 2, "mallory", head, head, "bob", time.Time{})
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "that of #1")

	// #1 closed: the run carries #2's verdict, approved by bob;
	// reopened, #1's again.
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 1, Author: "alice", HeadSHA: head,
		HeadRef: "feature-1", BaseSHA: base, BaseRef: "main", State: "closed"})
	ls.run(e.pullOn("closed", 1, "alice", head, "feature-1", base, "main", "alice", nil))
	apptest.WantCheck(t, e.OnlyCheck(head), "success", "contracts against main (1/1)", "@bob")
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 1, Author: "alice", HeadSHA: head,
		HeadRef: "feature-1", BaseSHA: base, BaseRef: "main"})
	ls.run(e.pullRequest("reopened", 1, "alice", head, base, "alice"))
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "that of #1")

	// GitHub failing to list the pull requests of the head (past the
	// client's retries): the review's job is retried, and nothing is
	// written meanwhile.
	writes := len(e.OnlyCheck(head).Updates)
	e.GH.FailNext("GET", "/repos/"+apptest.FullName+"/commits/"+head+"/pulls", 502, 6, nil)
	e.GH.AddReview(apptest.Owner, apptest.Name, 2, githubtest.Review{User: "carol", State: "APPROVED", CommitID: head})
	d := e.review(2, "mallory", head, head, "carol")
	ls.deliver(d)
	if st := ls.waitJob(d.id); st.Attempts != 2 {
		t.Errorf("review done after %d attempts, want 2", st.Attempts)
	}
	cr = e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "action_required", "that of #1")
	if len(cr.Updates) != writes+1 {
		t.Errorf("check run written %d times for the review, want once, after the list: %+v", len(cr.Updates)-writes, cr.Updates[writes:])
	}
}

// TestServeBaseSwitchResetsApprovals (item 2): approved while its base
// was dev (a README change, also judged against main for dev's
// contract), the pull request is retargeted to main, where its diff
// holds dev's contract: the approval no longer counts.
func TestServeBaseSwitchResetsApprovals(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	main := e.Git("rev-parse", "main")
	e.branch("dev", "alice", map[string]string{"contracts/Vault.sol": "contract Vault {}\n"})
	dev := e.Git("rev-parse", "dev")
	e.Git("checkout", "-q", "-b", "docs")
	head := e.Commit("alice", "Docs", map[string]string{"README.md": "# widgets\n\nHow to build.\n"})
	e.Git("push", "-q", "origin", "dev", "docs", "docs:refs/pull/3/head")
	pr := githubtest.PullRequest{Number: 3, Author: "alice", HeadSHA: head, HeadRef: "docs", BaseSHA: dev, BaseRef: "dev",
		Commits: []githubtest.Commit{{SHA: head, AuthorLogin: "alice", AuthorEmail: "alice@acme.test"}}}
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, pr)
	ls.run(e.pullOn("opened", 3, "alice", head, "docs", dev, "dev", "alice", nil))
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "contracts against main (0/1)")
	e.approve(ls, 3, "alice", head, dev, "bob", time.Now().Add(-time.Minute))
	apptest.WantCheck(t, e.OnlyCheck(head), "success", "contracts against main (1/1)")

	pr.BaseSHA, pr.BaseRef = main, "main"
	pr.Commits = append([]githubtest.Commit{{SHA: dev, AuthorLogin: "alice", AuthorEmail: "alice@acme.test"}}, pr.Commits...)
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, pr)
	ls.run(e.pullOn("edited", 3, "alice", head, "docs", main, "main", "alice", map[string]any{"changes": map[string]any{
		"base": map[string]any{"ref": map[string]any{"from": "dev"}, "sha": map[string]any{"from": dev}}}}))
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "contracts", "0/1",
		"@bob: approved before the base changed from dev to main; approve again")

	e.approve(ls, 3, "alice", head, main, "bob", time.Now().Add(time.Minute))
	apptest.WantCheck(t, e.OnlyCheck(head), "success", "@bob")
}

// TestServeEarlierPushersCannotApprove (item 3): mallory pushes a
// contract authored as alice before alice opens the pull request, and
// onto another pull request's branch while it is closed; neither
// approval of hers counts, nor one given on the new head before the
// reopen.
func TestServeEarlierPushersCannotApprove(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	e.branch("feature-5", "alice", map[string]string{"contracts/Token5.sol": "contract Token {}\n"}) // authored as alice
	m := e.pushBranch(ls, "feature-5", "", "mallory")
	e.Commit("alice", "Tweak", map[string]string{"contracts/Token5.sol": "contract Token { }\n"})
	e.pushBranch(ls, "feature-5", m, "alice")
	head, base := e.OpenPR(5, "alice", "feature-5")
	ls.run(e.pullRequest("opened", 5, "alice", head, base, "alice"))
	e.approve(ls, 5, "alice", head, base, "mallory", time.Time{})
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "@mallory: pushed commit "+guard.ShortHash(m)+" to branch feature-5")

	// #6 is closed; mallory pushes onto its branch; it is reopened.
	head6, base6 := e.contractsPR(6)
	ls.run(e.pullRequest("opened", 6, "alice", head6, base6, "alice"))
	ls.run(e.pullOn("closed", 6, "alice", head6, "feature-6", base6, "main", "alice", nil))
	e.Commit("alice", "More", map[string]string{"contracts/Token6.sol": "contract Token { uint x; }\n"})
	m6 := e.pushBranch(ls, "feature-6", head6, "mallory")
	e.OpenPR(6, "alice", "feature-6")
	e.GH.AddReview(apptest.Owner, apptest.Name, 6, githubtest.Review{User: "carol", State: "APPROVED", CommitID: m6,
		SubmittedAt: time.Now().Add(-time.Minute)})
	ls.run(e.pullRequest("reopened", 6, "alice", m6, base6, "alice"))
	e.approve(ls, 6, "alice", m6, base6, "mallory", time.Now().Add(time.Minute))
	apptest.WantCheck(t, e.OnlyCheck(m6), "action_required", "@mallory: pushed commit "+guard.ShortHash(m6)+" to branch feature-6",
		"@carol: approved before the pull request was reopened with commits pushed while it was closed")
	e.approve(ls, 6, "alice", m6, base6, "dave", time.Now().Add(time.Minute))
	apptest.WantCheck(t, e.OnlyCheck(m6), "success", "@dave")
}

// TestServeCoAuthorsCannotApprove (item 4): reviewers named in
// Co-authored-by trailers of the pull request's commits, by the email
// the identity store learned from their pushes to main or by a noreply
// address, do not count.
func TestServeCoAuthorsCannotApprove(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	// bob's commits reach main; the first push starts the backfill, the
	// second is learned with the login GitHub gives bob's email.
	before := e.Git("rev-parse", "main")
	for i := range 2 {
		e.Commit("bob", fmt.Sprint("Docs ", i), map[string]string{"README.md": fmt.Sprintf("# widgets %d\n", i)})
		before = e.pushBranch(ls, "main", before, "bob")
		ls.app.WaitBackfills()
	}
	e.Git("checkout", "-q", "-b", "feature-9", "main")
	e.Commit("alice", "Add token\n\nCo-authored-by: Bob <bob@acme.test>\nCO-AUTHORED-BY: Carol <4242+carol@users.noreply.github.com>",
		map[string]string{"contracts/Token9.sol": "contract Token {}\n"})
	head, base := e.OpenPR(9, "alice", "feature-9")
	ls.run(e.pullRequest("opened", 9, "alice", head, base, "alice"))
	e.approve(ls, 9, "alice", head, base, "bob", time.Time{})
	e.approve(ls, 9, "alice", head, base, "carol", time.Time{})
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "@bob: named as co-author (bob@acme.test) of commit "+guard.ShortHash(head),
		"@carol: named as co-author (4242+carol@users.noreply.github.com)")
	e.approve(ls, 9, "alice", head, base, "dave", time.Time{})
	apptest.WantCheck(t, e.OnlyCheck(head), "success", "@dave")
}

// TestServeOpenReopenRace (item 1, the race): GitHub lets any pull
// request of a commit merge once the commit's required check is green,
// before repoguard has handled that pull request's opened or reopened
// event. mallory's commit X changes a contract; carol pushes it as the
// branch evil, and mallory opens #2 from X into evil (an empty diff)
// before #1 (X into main) exists. #2 is judged against main too, so the
// check on X is never green: not when #2 opens, not on carol's approval
// (she pushed X), not in the window after #1 is opened or reopened and
// before its event is handled, not after #1 is closed.
func TestServeOpenReopenRace(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	e.branch("feature-1", "mallory", map[string]string{"contracts/Token1.sol": "contract Token {}\n"})
	x := e.Git("rev-parse", "feature-1")
	e.Git("push", "-q", "origin", "feature-1:refs/heads/evil")
	ls.run(e.pushOf("evil", "", x, "carol"))
	e.Git("push", "-q", "origin", x+":refs/heads/evil-head", x+":refs/pull/2/head")
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 2, Author: "mallory", HeadSHA: x,
		HeadRef: "evil-head", BaseSHA: x, BaseRef: "evil"})
	ls.run(e.pullOn("opened", 2, "mallory", x, "evil-head", x, "evil", "mallory", nil))
	cr := e.OnlyCheck(x)
	apptest.WantCheck(t, cr, "action_required",
		"**Also judged against `main`** because the base `evil` is not protected: contracts changed since `main`.",
		"(against `main`) | 1 | :x: 0 | — |")
	if cr.Title != "Second review required: contracts against main 0/1" {
		t.Errorf("title %q", cr.Title)
	}
	e.approve(ls, 2, "mallory", x, x, "carol", time.Time{})
	apptest.WantCheck(t, e.OnlyCheck(x), "action_required", "@carol: pushed commit "+guard.ShortHash(x)+" to branch evil")

	// #1 opened: in the window before its event runs, the run it would
	// merge on is not green; nor after.
	_, base := e.OpenPR(1, "mallory", "feature-1")
	apptest.WantCheck(t, e.OnlyCheck(x), "action_required")
	ls.run(e.pullOn("opened", 1, "mallory", x, "feature-1", base, "main", "mallory", nil))
	apptest.WantCheck(t, e.OnlyCheck(x), "action_required", "This commit is the head of #1 and #2.")

	// #1 closed, then reopened: #2 alone still holds the run short of
	// success, so the reopen opens no window.
	e.GH.AddPullRequest(apptest.Owner, apptest.Name, githubtest.PullRequest{Number: 1, Author: "mallory", HeadSHA: x,
		HeadRef: "feature-1", BaseSHA: base, BaseRef: "main", State: "closed"})
	ls.run(e.pullOn("closed", 1, "mallory", x, "feature-1", base, "main", "mallory", nil))
	apptest.WantCheck(t, e.OnlyCheck(x), "action_required", "contracts against main (0/1)")
	e.OpenPR(1, "mallory", "feature-1")
	apptest.WantCheck(t, e.OnlyCheck(x), "action_required")
	ls.run(e.pullOn("reopened", 1, "mallory", x, "feature-1", base, "main", "mallory", nil))
	apptest.WantCheck(t, e.OnlyCheck(x), "action_required")
	for _, u := range e.OnlyCheck(x).Updates {
		if u.Conclusion == "success" {
			t.Fatalf("the check on %s was green at some point: %+v", guard.ShortHash(x), e.OnlyCheck(x).Updates)
		}
	}
}
