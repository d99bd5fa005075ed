package app

import (
	"testing"

	"github.com/repoguard/repoguard/guard/app/apptest"
)

// TestPushLearnsQueuedCommits: a pushed commit whose content finding
// brings it into the queue (a high ci-tampering finding) is learned as
// such, so it takes its place in the repository's budget before any
// behaviour score (Rates.Queued); an ordinary one is not.
func TestPushLearnsQueuedCommits(t *testing.T) {
	e := newEnv(t)
	e.Commit("alice", "Feature A", map[string]string{"src/a.go": "package src\n"})
	e.Push("main")
	before := e.Head()
	if err := e.pushEvent("refs/heads/main", e.Git("rev-parse", "HEAD~1"), before, "alice", nil); err != nil {
		t.Fatal(err)
	}
	e.app.WaitBackfills()
	if q := e.profiles.ratesOf(apptest.FullName, false).Queued; q != 0 {
		t.Fatalf("after the backfill %d commits queued, want 0", q)
	}
	after := e.Commit("alice", "Lint pull requests", map[string]string{".github/workflows/lint.yml": "name: lint\n" +
		"on:\n  pull_request_target:\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make lint\n"})
	e.Push("main")
	if err := e.pushEvent("refs/heads/main", before, after, "alice", nil); err != nil {
		t.Fatal(err)
	}
	if got := e.detectorsRecorded(); got["ci-tampering"] == 0 {
		t.Fatalf("recorded %v, want a ci-tampering finding", got)
	}
	if q := e.profiles.ratesOf(apptest.FullName, false).Queued; q != 1 {
		t.Errorf("%d commits learned as queued, want 1 (the workflow change)", q)
	}
}
