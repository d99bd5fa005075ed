package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/webhooks"
)

// benchPR opens a pull request of 20 files over 5 commits and evaluates
// it once, so that the clone and the policy are warm.
func benchPR(b *testing.B) (e *env, head, base string) {
	e = newEnv(b)
	e.Git("checkout", "-q", "-b", "feature")
	for c := range 5 {
		files := map[string]string{}
		for f := range 4 {
			var src strings.Builder
			for l := range 40 {
				fmt.Fprintf(&src, "// line %d of file %d in commit %d\n", l, f, c)
			}
			path := fmt.Sprintf("src/pkg%d/file%d.go", c, f)
			if f == 0 {
				path = fmt.Sprintf("contracts/C%d.sol", c)
			}
			files[path] = src.String()
		}
		e.Commit([]string{"alice", "bob"}[c%2], fmt.Sprintf("Change %d", c), files)
	}
	head, base = e.OpenPR(1, "alice", "feature")
	if err := e.pullRequestEvent("opened", 1, "alice", head, base, "alice"); err != nil {
		b.Fatal(err)
	}
	return e, head, base
}

// directJob is a job as the inbox hands it out, without the HTTP handler.
func directJob(event string, payload map[string]any, seq int) *webhooks.Job {
	body, _ := json.Marshal(payload)
	return &webhooks.Job{ID: int64(seq), Attempts: 1, Delivery: webhooks.Delivery{
		ID: fmt.Sprintf("bench-%d", seq), Event: event, Action: payload["action"].(string),
		InstallationID: apptest.Installation, Repo: apptest.FullName, RepoID: 1296269, Body: body, ReceivedAt: time.Now()}}
}

// runTimed runs one job per iteration and reports the median and 95th
// percentile latency. The fake GitHub's rate limit (5,000 calls an hour,
// counted down on every call) is refilled before each job, as an hour
// passing would: the benchmark measures latency, and a few thousand
// iterations would otherwise exhaust it.
func runTimed(b *testing.B, e *env, job func(i int) *webhooks.Job) {
	b.Helper()
	var took []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		j := job(i)
		e.GH.SetRateLimitRemaining(5000)
		start := time.Now()
		if err := e.app.Handle(context.Background(), j); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}

// BenchmarkEvaluatePR measures a full evaluation with a warm clone:
// delivery to completed check run (target p50 ≤ 20 ms, issue 13; it was
// < 300 ms in issue 4).
func BenchmarkEvaluatePR(b *testing.B) {
	e, head, base := benchPR(b)
	runTimed(b, e, func(i int) *webhooks.Job {
		return directJob("pull_request", map[string]any{"action": "synchronize", "number": 1,
			"pull_request": prJSON(1, "alice", head, base), "repository": repoJSON(),
			"installation": installation(), "sender": user("alice")}, i)
	})
	if cr := e.OnlyCheck(head); cr.Status != "completed" {
		b.Fatalf("check run %s", cr.Status)
	}
}

// BenchmarkReevaluate measures a review's re-evaluation: delivery to
// updated check run, without Git (target p50 ≤ 2 ms, issue 13; it was
// < 50 ms in issue 4).
func BenchmarkReevaluate(b *testing.B) {
	e, head, base := benchPR(b)
	e.GH.AddReview(apptest.Owner, apptest.Name, 1, githubtest.Review{User: "carol", State: "APPROVED", CommitID: head})
	fetches := e.repos.n.Load()
	runTimed(b, e, func(i int) *webhooks.Job {
		return directJob("pull_request_review", map[string]any{"action": "submitted",
			"pull_request": prJSON(1, "alice", head, base), "review": map[string]any{"id": 1, "state": "approved",
				"user": user("carol"), "commit_id": head}, "repository": repoJSON(),
			"installation": installation(), "sender": user("carol")}, i)
	})
	if e.repos.n.Load() != fetches {
		b.Fatal("re-evaluation fetched")
	}
}
