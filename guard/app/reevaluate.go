package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// reevaluate decides again on a pull request's saved state with its
// current reviews and updates its check run, without touching Git. When
// there is no state for head (the App missed the pull request, or its
// head moved since), it runs a full evaluation of pr instead.
func (a *App) reevaluate(ctx context.Context, pr pullRef) error {
	start := a.Now()
	st, err := a.Store.PullState(ctx, pr.repo, pr.number)
	if err != nil {
		return fmt.Errorf("load state of #%d: %w", pr.number, err)
	}
	if st == nil || st.HeadSHA != pr.head || st.CheckRunID == 0 {
		return a.evaluatePull(ctx, pr)
	}
	log := a.logger(ctx).With("pull_request", pr.number, "head", guard.ShortHash(pr.head))
	ctx = withLogger(ctx, log)
	c := a.Clients(pr.inst)
	out, err := a.decide(ctx, c, st)
	if err != nil {
		return err
	}
	if err := a.conclude(ctx, c, st, out, false); err != nil {
		return err
	}
	log.Info("pull request re-evaluated", "conclusion", st.Conclusion, "took", a.Now().Sub(start))
	a.observe("review", st.Conclusion, start)
	return nil
}

// Reevaluate decides again on a pull request from its saved state, for
// example after a security reviewer triaged one of its anomalies, and
// updates its check run. It touches neither Git nor the webhook queue.
func (a *App) Reevaluate(ctx context.Context, repo string, number int) error {
	a.init()
	st, err := a.Store.PullState(ctx, repo, number)
	if err != nil {
		return fmt.Errorf("load state of %s#%d: %w", repo, number, err)
	}
	if st == nil || st.CheckRunID == 0 || st.MergeGroup {
		return fmt.Errorf("re-evaluate %s#%d: %w", repo, number, guard.ErrNotFound)
	}
	ctx = withLogger(ctx, a.Logger.With("installation", st.InstallationID, "repo", repo))
	return a.reevaluate(ctx, pullRef{inst: st.InstallationID, repo: repo, number: number, title: st.Title,
		author: st.Author, head: st.HeadSHA, baseRef: st.BaseRef, baseSHA: st.BaseSHA})
}

// conclude keeps st's own decision and the rubber stamps found, writes
// to its head's check run the strictest verdict of the open pull
// requests with that head (see publish), and saves the state; new rubber
// stamps are then recorded. A closed pull request's decision is only
// saved: it no longer holds the check.
func (a *App) conclude(ctx context.Context, c GitHubClient, st *PullState, out *outcome, annotate bool) error {
	fresh := addFindings(&st.ReviewFindings, out.rubberStamps)
	st.Conclusion, st.Verdict = out.verdict.Conclusion, out.verdict
	if !st.Closed {
		if err := a.publish(ctx, c, st, out, annotate); err != nil {
			return err
		}
		if annotate {
			st.Annotated = true
		}
	}
	return a.settle(ctx, st, fresh)
}

// settle saves st and records fresh, the rubber stamps it did not know.
func (a *App) settle(ctx context.Context, st *PullState, fresh []guard.Finding) error {
	st.EvaluatedAt = a.Now()
	if err := a.savePullState(ctx, st); err != nil {
		return err
	}
	for _, f := range fresh {
		a.logger(ctx).Warn("rubber-stamp review", "reviewer", f.Actor, "message", f.Message)
		rec := guard.FindingRecord{Repo: st.Repo, Commit: st.HeadSHA, PullRequest: st.Number, Author: strings.ToLower(f.Actor),
			URL: a.pullURL(st.Repo, st.Number), Subject: st.Title, Date: st.HeadDate, Risk: st.risk(),
			Findings: []guard.Finding{f}, Queue: queueOf(st.Policy)}
		if err := a.recordFindings(ctx, rec); err != nil {
			return err
		}
	}
	return nil
}

// addFindings appends the findings whose fingerprints are not in *list
// yet, and returns them.
func addFindings(list *[]guard.Finding, fs []guard.Finding) []guard.Finding {
	have := map[string]bool{}
	for _, f := range *list {
		have[fingerprint(f)] = true
	}
	var fresh []guard.Finding
	for _, f := range fs {
		if fp := fingerprint(f); !have[fp] {
			have[fp] = true
			fresh = append(fresh, f)
			*list = append(*list, f)
		}
	}
	return fresh
}
