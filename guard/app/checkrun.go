package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/github"
)

// startCheck marks the repoguard check of head in progress: the run of
// the saved state when it is for the same head, else the newest run the
// App made on head, else a new one. It returns the run's ID.
func (a *App) startCheck(ctx context.Context, c GitHubClient, owner, name, head string, number int, prev *PullState) (int64, error) {
	cr := github.CheckRun{HeadSHA: head, Status: github.StatusInProgress, StartedAt: a.Now()}
	if number > 0 {
		cr.ExternalID = strconv.Itoa(number)
	}
	id := int64(0)
	if prev != nil && prev.HeadSHA == head {
		id = prev.CheckRunID
	}
	if id == 0 {
		found, ok, err := c.FindCheckRun(ctx, owner, name, head, github.CheckName)
		if err != nil {
			return 0, transient(err)
		}
		if ok {
			id = found
		}
	}
	if id != 0 {
		if err := c.UpdateCheckRun(ctx, owner, name, id, cr); err == nil {
			return id, nil
		} else if !github.IsNotFound(err) {
			return 0, transient(err)
		} // deleted meanwhile: make a new one
	}
	id, err := c.CreateCheckRun(ctx, owner, name, cr)
	if err != nil {
		return 0, transient(err)
	}
	return id, nil
}

// report writes the decision carried to check run id: conclusion,
// title, Markdown summary, details link, and anns (see annotations).
func (a *App) report(ctx context.Context, c GitHubClient, id int64, carried *sharer, anns []github.Annotation) error {
	st, out := carried.st, carried.out
	owner, name, err := splitRepo(st.Repo)
	if err != nil {
		return err
	}
	v := &out.verdict
	cr := github.CheckRun{
		Conclusion:  github.Conclusion(v.Conclusion),
		CompletedAt: a.Now(),
		Title:       v.Title,
		Summary:     renderSummary(st, out, a.PublicURL),
	}
	if len(out.sharers) > 1 {
		cr.Title += " (" + subjectName(st) + ")"
	}
	if v.Conclusion != guard.ConclusionSuccess && !st.MergeGroup {
		cr.DetailsURL = a.detailsURL(owner, name, st.Number)
	}
	cr.Annotations = anns
	if err := c.UpdateCheckRun(ctx, owner, name, id, cr); err != nil {
		return fmt.Errorf("complete check run %d: %w", id, transient(err))
	}
	return nil
}

// failCheck completes a check run as failed when the evaluation cannot
// finish: a required check must not pass on an error.
func (a *App) failCheck(ctx context.Context, c GitHubClient, owner, name string, id int64, cause error) {
	if id == 0 {
		return
	}
	a.failRun(ctx, c, owner, name, id, "repoguard could not evaluate this change",
		fmt.Sprintf("### :x: Evaluation failed\n\nrepoguard could not finish its evaluation, so the check "+
			"fails rather than let the change through unchecked. Re-run the check once the cause is fixed.\n\n"+
			"```\n%s\n```\n", cause))
}

// cancelCheck completes a check run on a head that no longer matters.
func (a *App) cancelCheck(ctx context.Context, c GitHubClient, owner, name string, id int64, why string) {
	cr := github.CheckRun{Conclusion: github.ConclusionCancelled, CompletedAt: a.Now(), Title: why,
		Summary: why + ": repoguard evaluates the pull request's current head instead."}
	if err := c.UpdateCheckRun(ctx, owner, name, id, cr); err != nil {
		a.logger(ctx).Warn("could not cancel the check run", "check_run", id, "err", err)
	}
}

// observe reports a check run written.
func (a *App) observe(kind, conclusion string, start time.Time) {
	a.Observer.Evaluated(kind, conclusion, a.Now().Sub(start))
}
