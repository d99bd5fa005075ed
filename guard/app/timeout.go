package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/repoguard/repoguard/guard/github"
	"github.com/repoguard/repoguard/webhooks"
)

// Every job has a deadline (webhooks.Pool.Deadline; issue 8: a crafted
// change kept an evaluation busy for minutes, and jobs had none). When it
// passes, the evaluation's context ends and its Git, GitHub and store
// calls fail. A check left in progress would block the merge without a
// word of why, and a retry would time out again: the check is concluded
// as a failure that says so, on a context of its own, and the job ends
// with a permanent error.

// concludeTimeout bounds the GitHub call that concludes a timed-out check.
const concludeTimeout = 30 * time.Second

// failOnTimeout is deferred once the check run id is in progress: when the
// evaluation returns an error after the job's deadline passed, it
// concludes the check as failed ("evaluation timed out") and makes the
// error permanent. start is when the evaluation began.
func (a *App) failOnTimeout(ctx context.Context, c GitHubClient, owner, name string, id int64, start time.Time, err *error) {
	if *err == nil || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return
	}
	took := a.Now().Sub(start).Round(time.Second)
	a.logger(ctx).Error("evaluation timed out", "check_run", id, "after", took, "err", *err)
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), concludeTimeout)
	defer cancel()
	a.failRun(cctx, c, owner, name, id, "evaluation timed out", fmt.Sprintf(timeoutSummary, took))
	*err = webhooks.Permanent(fmt.Errorf("evaluation timed out after %s: %w", took, *err))
}

// timeoutSummary explains a timed-out check; %s is how long it ran.
const timeoutSummary = "### :x: Evaluation timed out\n\n" +
	"repoguard stopped evaluating this change after %s, the deadline its server gives each job, before it " +
	"had examined all of it. The check fails rather than let an unexamined change through.\n\n" +
	"A very large change, or content made to be slow to examine, does this. Re-run the check to try again; " +
	"if it times out again, ask a repoguard administrator to look at the server's log or raise its job " +
	"deadline (`job_deadline`, `REPOGUARD_JOB_DEADLINE`).\n"

// failRun completes a check run as failed with a title and summary.
func (a *App) failRun(ctx context.Context, c GitHubClient, owner, name string, id int64, title, summary string) {
	cr := github.CheckRun{Conclusion: github.ConclusionFailure, CompletedAt: a.Now(), Title: title, Summary: summary}
	if err := c.UpdateCheckRun(ctx, owner, name, id, cr); err != nil {
		a.logger(ctx).Error("could not fail the check run", "check_run", id, "err", err)
	}
}
