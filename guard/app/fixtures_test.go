package app

import (
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard/app/apptest"
)

// TestPullRequestJudgesFixturesOnTheHeadTree: the change set of a pull
// request is judged with the tree of its head, so that a binary fixture
// added with the test that reads it is a note, not a fixture nothing
// reads (which it would be, at medium, on the diff alone).
func TestPullRequestJudgesFixturesOnTheHeadTree(t *testing.T) {
	e := newEnv(t)
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("alice", "Test the new decoder", map[string]string{
		"tests/files/new-case.xz": "\xfd7zXZ\x00\x00\x04 a compressed test input",
		"tests/new_case.sh":       "xz -t files/new-case.xz\n",
	})
	head, base := e.OpenPR(3, "alice", "feature")
	if err := e.pullRequestEvent("opened", 3, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	cr := e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "success", "**Info (1)**", "read by tests/new_case.sh, which the change also touches")
	if strings.Contains(cr.Summary, "**Medium") {
		t.Errorf("a medium finding:\n%s", cr.Summary)
	}
}
