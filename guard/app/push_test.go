package app

import (
	"context"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/keytest"
)

// detectorsRecorded returns the detectors of the findings recorded.
func (e *env) detectorsRecorded() map[string]int {
	out := map[string]int{}
	for _, an := range e.store.Anomalies() {
		out[an.Detector]++
	}
	return out
}

func TestForcePushToMain(t *testing.T) {
	e := newEnv(t)
	e.Commit("alice", "Feature A", map[string]string{"src/a.go": "package src\n"})
	e.Push("main")
	before := e.Head()
	if err := e.pushEvent("refs/heads/main", e.Git("rev-parse", "HEAD~1"), before, "alice", nil); err != nil {
		t.Fatal(err)
	}
	// Nothing was learned of the repository yet: the push started a
	// backfill, which learned main up to its tip.
	e.app.WaitBackfills()
	if n := e.profiles.Learned(); n != 2 {
		t.Fatalf("backfill learned %d commits, want 2", n)
	}
	// Rewrite main: drop Feature A, add something else.
	e.Git("reset", "-q", "--hard", "HEAD~1")
	after := e.Commit("mallory", "Rewrite", map[string]string{"src/b.go": "package src\n"})
	e.Push("+main")
	if err := e.pushEvent("refs/heads/main", before, after, "mallory", map[string]any{"forced": true}); err != nil {
		t.Fatal(err)
	}
	got := e.detectorsRecorded()
	if got["force-push"] != 1 {
		t.Errorf("recorded %v, want one force-push", got)
	}
	if got["direct-push"] != 2 {
		t.Errorf("recorded %v, want two direct pushes (neither came through a pull request)", got)
	}
	// The rewritten commit was learned after being judged.
	if n := e.profiles.Profile(apptest.FullName, guard.OrgKey).Commits; n != 3 {
		t.Errorf("learned %d commits, want 3", n)
	}
	if cur, _ := e.profiles.Cursor(context.Background(), apptest.FullName, "refs/heads/main"); cur.Hash != after || cur.Target != "" {
		t.Errorf("cursor %+v, want %s", cur, after)
	}
}

func TestForcePushDetectedWithoutFlag(t *testing.T) {
	e := newEnv(t)
	e.Commit("alice", "Feature A", map[string]string{"src/a.go": "package src\n"})
	e.Push("main")
	before := e.Head()
	if err := e.pushEvent("refs/heads/main", e.Git("rev-parse", "HEAD~1"), before, "alice", nil); err != nil {
		t.Fatal(err)
	}
	e.Git("reset", "-q", "--hard", "HEAD~1")
	after := e.Commit("mallory", "Rewrite", map[string]string{"src/b.go": "package src\n"})
	e.Push("+main")
	// forced is false in the payload: the ancestry says otherwise.
	if err := e.pushEvent("refs/heads/main", before, after, "mallory", nil); err != nil {
		t.Fatal(err)
	}
	if got := e.detectorsRecorded(); got["force-push"] != 1 {
		t.Errorf("recorded %v, want one force-push", got)
	}
}

func TestMergedPullRequestIsNotADirectPush(t *testing.T) {
	e := newEnv(t)
	before := e.Head()
	merge := e.Commit("alice", "Merge pull request #9 from acme/feature", map[string]string{"src/c.go": "package src\n"})
	e.Push("main")
	pr := prJSON(9, "alice", merge, before)
	pr["merged"], pr["merge_commit_sha"], pr["state"] = true, merge, "closed"
	if err := e.deliver("pull_request", map[string]any{"action": "closed", "number": 9, "pull_request": pr,
		"repository": repoJSON(), "installation": installation(), "sender": user("alice")}); err != nil {
		t.Fatal(err)
	}
	if err := e.pushEvent("refs/heads/main", before, merge, "alice", nil); err != nil {
		t.Fatal(err)
	}
	if got := e.detectorsRecorded(); got["direct-push"] != 0 {
		t.Errorf("recorded %v, want no direct push", got)
	}
}

func TestMovedAndDeletedTags(t *testing.T) {
	e := newEnv(t)
	a := e.Head()
	b := e.Commit("alice", "Next", map[string]string{"src/a.go": "package src\n"})
	steps := []struct {
		before, after string
		want          string
	}{
		{zeroSHA, a, ""},            // v1 created on a
		{a, b, "moved-tag"},         // moved in place
		{b, zeroSHA, "deleted-ref"}, // deleted
		{zeroSHA, a, "moved-tag"},   // created again elsewhere than its last head b
	}
	for i, s := range steps {
		n := len(e.store.Anomalies())
		if err := e.pushEvent("refs/tags/v1", s.before, s.after, "mallory", nil); err != nil {
			t.Fatal(err)
		}
		fs := e.store.Anomalies()[n:]
		switch {
		case s.want == "" && len(fs) != 0:
			t.Errorf("step %d: recorded %v, want nothing", i, fs)
		case s.want != "" && (len(fs) != 1 || fs[0].Detector != s.want):
			t.Errorf("step %d: recorded %v, want %s", i, fs, s.want)
		}
	}
	if n := e.repos.n.Load(); n != 0 {
		t.Errorf("tag pushes fetched %d times, want none", n)
	}
}

func TestDeletedBranches(t *testing.T) {
	e := newEnv(t)
	e.app.ProtectedBranches = []string{"release/*"}
	for _, ref := range []string{"refs/heads/feature", "refs/heads/release/1.0"} {
		if err := e.pushEvent(ref, e.Head(), zeroSHA, "mallory", nil); err != nil {
			t.Fatal(err)
		}
	}
	fs := e.store.Anomalies()
	if len(fs) != 1 || fs[0].Detector != "deleted-ref" || !strings.Contains(fs[0].Message, "release/1.0") || fs[0].Author != "mallory" {
		t.Errorf("recorded %+v, want the deletion of release/1.0 only", fs)
	}
}

func TestNewBranchJudgedAgainstDefault(t *testing.T) {
	e := newEnv(t)
	e.Commit("alice", "On main", map[string]string{"src/a.go": "package src\n"})
	e.Push("main")
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("mallory", "Add key", map[string]string{"ops/id.pem": keytest.ECPEM(t)})
	after := e.Commit("mallory", "More", map[string]string{"src/b.go": "package src\n"})
	e.Push("feature")
	if err := e.pushEvent("refs/heads/feature", zeroSHA, after, "mallory", nil); err != nil {
		t.Fatal(err)
	}
	fs := e.store.Anomalies()
	if len(fs) == 0 || fs[0].Detector != "key-material" || fs[0].Author != "mallory@acme.test" || fs[0].PullRequest != 0 {
		t.Fatalf("recorded %+v, want mallory's key", fs)
	}
	if n := e.profiles.Learned(); n != 0 {
		t.Errorf("learned %d commits from a branch, want none", n)
	}
}
