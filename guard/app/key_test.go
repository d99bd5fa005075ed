package app

import (
	"context"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/guard/keytest"
)

// resolveKey resolves the key-material anomaly of pull request n, which
// must be the only one.
func (e *env) resolveKey(n int, reason string) {
	e.T.Helper()
	resolved := 0
	for _, an := range e.store.Anomalies() {
		if an.Detector == "key-material" && an.PullRequest == n {
			if err := e.store.SetStatus(an.ID, guard.StatusResolved, reason); err != nil {
				e.T.Fatal(err)
			}
			resolved++
		}
	}
	if resolved != 1 {
		e.T.Fatalf("%d key-material anomalies for #%d, want 1: %+v", resolved, n, e.store.Anomalies())
	}
}

func TestPrivateKeyBlocksUntilResolved(t *testing.T) {
	e := newEnv(t)
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("alice", "Add deploy key", map[string]string{"deploy/keys/deploy.pem": keytest.ECPEM(t)})
	head, base := e.OpenPR(5, "alice", "feature")
	if err := e.pullRequestEvent("opened", 5, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	cr := e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "failure", "key-material", "deploy/keys/deploy.pem")
	annotations := len(cr.Annotations)
	if len(cr.Annotations) == 0 || cr.Annotations[0].Path != "deploy/keys/deploy.pem" || cr.Annotations[0].Level != "failure" {
		t.Errorf("annotations %+v, want a failure on deploy/keys/deploy.pem", cr.Annotations)
	}

	// Two independent approvals are not enough while the key blocks.
	for _, who := range []string{"bob", "carol"} {
		e.GH.AddReview(apptest.Owner, apptest.Name, 5, githubtest.Review{User: who, State: "APPROVED", CommitID: head})
	}
	if err := e.reviewEvent(5, "alice", head, base, "carol"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "failure")

	// A security reviewer resolves its anomaly in the queue: the
	// approvals now pass the check.
	e.resolveKey(5, "test fixture, never deployed")
	fetches := e.repos.n.Load()
	if err := e.app.Reevaluate(context.Background(), apptest.FullName, 5); err != nil {
		t.Fatal(err)
	}
	if e.repos.n.Load() != fetches {
		t.Error("Reevaluate fetched")
	}
	cr = e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "success", "resolved: test fixture")
	if got := len(cr.Annotations); got != annotations {
		t.Errorf("re-evaluations sent annotations again: %d, want %d", got, annotations)
	}
	t.Logf("summary:\n%s", cr.Summary)
}
