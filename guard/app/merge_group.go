package app

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/webhooks"
)

// onMergeGroup checks a merge queue group: base_sha..head_sha is judged
// like a pull request, with the policy of the base, and the check run on
// head_sha succeeds unless a finding blocks (unresolved, at or above the
// policy's block severity), or an open pull request with the same head
// has a stricter verdict. Reviews are not asked again: each pull request
// needed its approvals (this check, required) to join the queue.
func (a *App) onMergeGroup(ctx context.Context, d *webhooks.Delivery, e *gh.MergeGroupEvent) (err error) {
	mg := e.GetMergeGroup()
	full := e.GetRepo().GetFullName()
	head, base, headRef, baseRef := mg.GetHeadSHA(), mg.GetBaseSHA(), mg.GetHeadRef(), mg.GetBaseRef()
	if full == "" || head == "" || base == "" || headRef == "" || baseRef == "" {
		return webhooks.Permanent(errors.New("merge group without repository, head or base"))
	}
	owner, name, err := splitRepo(full)
	if err != nil {
		return err
	}
	start := a.Now()
	log := a.logger(ctx).With("merge_group", headRef, "head", guard.ShortHash(head))
	ctx = withLogger(ctx, log)
	c := a.Clients(d.InstallationID)
	id, err := a.startCheck(ctx, c, owner, name, head, 0, nil)
	if err != nil {
		return fmt.Errorf("start check run: %w", err)
	}
	defer a.failOnTimeout(ctx, c, owner, name, id, start, &err)
	st, err := a.analyseGroup(ctx, c, d.InstallationID, full, head, base, headRef, baseRef)
	if err != nil {
		if permanent(err) {
			a.failCheck(ctx, c, owner, name, id, err)
		}
		return err
	}
	st.CheckRunID = id
	out, err := a.decide(ctx, c, st)
	if err != nil {
		return err
	}
	// An open pull request with the same head keeps a stricter verdict.
	st.Conclusion, st.Verdict = out.verdict.Conclusion, out.verdict
	if err := a.publish(ctx, c, st, out, true); err != nil {
		if permanent(err) {
			a.failCheck(ctx, c, owner, name, id, err)
		}
		return err
	}
	log.Info("merge group evaluated", "conclusion", st.Conclusion, "findings", len(st.Findings), "took", a.Now().Sub(start))
	a.observe("merge_group", st.Conclusion, start)
	return nil
}

// queuePull finds the pull request a merge queue branch is named after:
// refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>.
var queuePull = regexp.MustCompile(`/pr-(\d+)-[0-9a-f]+$`)

// analyseGroup fetches and judges a merge group; its state is not saved.
func (a *App) analyseGroup(ctx context.Context, c GitHubClient, inst int64, full, head, base, headRef, baseRef string) (*PullState, error) {
	owner, name, _ := splitRepo(full)
	if !strings.HasPrefix(baseRef, "refs/") {
		baseRef = "refs/heads/" + baseRef
	}
	r, release, err := a.Repos.Fetch(ctx, inst, a.cloneURL(full), []string{baseRef, headRef})
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", full, transient(err))
	}
	defer release()
	p, err := a.loadPolicy(ctx, c, r, owner, name, base)
	if err != nil {
		return nil, err
	}
	an, err := a.analyse(ctx, r, p, full, base, head, nil)
	if err != nil {
		return nil, err
	}
	st := &PullState{Repo: full, InstallationID: inst, HeadSHA: head, BaseRef: strings.TrimPrefix(baseRef, "refs/heads/"), BaseSHA: base,
		MergeBase: an.mergeBase, Categories: an.categories, Sensitive: an.sensitive, Findings: an.findings, Lines: an.lines,
		Policy: p.snapshot(an.categories), PolicySource: p.source, MergeGroup: true, EvaluatedAt: a.Now(),
		GroupPulls: an.pulls}
	if m := queuePull.FindStringSubmatch(headRef); m != nil {
		n, _ := strconv.Atoi(m[1])
		st.GroupPulls = append(st.GroupPulls, n)
	}
	if p.invalid != nil {
		st.PolicyError = p.invalid.Error()
	}
	return st, nil
}
