package app

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/webhooks"
)

// stallingRepos stands for a fetch or a diff that takes longer than the
// job's deadline: it returns only when its context ends.
type stallingRepos struct{}

func (stallingRepos) Fetch(ctx context.Context, inst int64, url string, refs []string) (Repository, func(), error) {
	<-ctx.Done()
	return nil, nil, ctx.Err()
}

// TestEvaluationTimesOut: an evaluation still running at the job's
// deadline concludes its check as a failure that says it timed out
// (fail closed), and ends the job with a permanent error.
func TestEvaluationTimesOut(t *testing.T) {
	e := newEnv(t)
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("alice", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	head, base := e.OpenPR(1, "alice", "feature")
	e.app.Repos = stallingRepos{}
	body, err := json.Marshal(map[string]any{"action": "opened", "number": 1, "pull_request": prJSON(1, "alice", head, base),
		"repository": repoJSON(), "installation": installation(), "sender": user("alice")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err = e.app.Handle(ctx, e.job("pull_request", body))
	if !errors.Is(err, webhooks.ErrPermanent) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Handle = %v, want a permanent error wrapping the deadline", err)
	}
	cr := e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "failure", "Evaluation timed out", "job_deadline")
	if cr.Title != "evaluation timed out" {
		t.Errorf("title %q, want %q", cr.Title, "evaluation timed out")
	}
}
