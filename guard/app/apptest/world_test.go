package apptest_test

import (
	"testing"

	"github.com/repoguard/repoguard/guard/app/apptest"
)

// TestWorld: main starts with the initial files; commits are made as
// login@acme.test an hour apart; a pull request's head and base are on
// the origin.
func TestWorld(t *testing.T) {
	w := apptest.New(t, map[string]string{"policy.yml": "version: 1\n"})
	if got := w.Origin.Git("ls-tree", "--name-only", "main"); got != "README.md\npolicy.yml" {
		t.Errorf("main holds %q", got)
	}
	w.Git("checkout", "-q", "-b", "feature")
	w.Commit("bob", "Change", map[string]string{"a.txt": "a\n", "policy.yml": ""})
	if got := w.Git("log", "--format=%an <%ae> %aI", "-2"); got !=
		"Bob <bob@acme.test> 2024-03-04T11:00:00+00:00\nAlice <alice@acme.test> 2024-03-04T10:00:00+00:00" {
		t.Errorf("log:\n%s", got)
	}
	head, base := w.OpenPR(3, "bob", "feature")
	if got := w.Origin.Git("rev-parse", "refs/pull/3/head", "refs/heads/feature", "main"); got != head+"\n"+head+"\n"+base {
		t.Errorf("origin refs %q, want head %s and base %s", got, head, base)
	}
	if got := w.Origin.Git("ls-tree", "--name-only", head); got != "README.md\na.txt" {
		t.Errorf("head holds %q", got)
	}
	if runs := w.CheckRuns(head); len(runs) != 0 {
		t.Errorf("check runs %+v before any", runs)
	}
}
