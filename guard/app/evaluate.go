package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/github"
)

// pullRef names a pull request and what an event says of it.
type pullRef struct {
	inst          int64
	repo          string // "owner/name"
	number        int
	title         string
	author        string
	head, baseRef string
	baseSHA       string // from the event; the fetched base branch wins
	// pusher pushed head at pushedAt, when the event says so
	// (opened, synchronize); "" keeps what the state knows.
	pusher   string
	pushedAt time.Time
}

// errStale says that the head an event names is gone from the pull
// request (pushed over since): the event that moved it evaluates it.
var errStale = errors.New("stale pull request head")

// evaluatePull runs a full evaluation: it marks the check in progress,
// fetches the base branch and the pull request's head, reads the policy
// from the base, judges the commits and the change set, saves the state
// and completes the check with the decision on the current reviews.
func (a *App) evaluatePull(ctx context.Context, pr pullRef) (err error) {
	start := a.Now()
	log := a.logger(ctx).With("pull_request", pr.number, "head", guard.ShortHash(pr.head))
	ctx = withLogger(ctx, log)
	owner, name, err := splitRepo(pr.repo)
	if err != nil {
		return err
	}
	c := a.Clients(pr.inst)
	prev, err := a.Store.PullState(ctx, pr.repo, pr.number)
	if err != nil {
		return fmt.Errorf("load state of #%d: %w", pr.number, err)
	}
	id, err := a.startCheck(ctx, c, owner, name, pr.head, pr.number, prev)
	if err != nil {
		return fmt.Errorf("start check run: %w", err)
	}
	defer a.failOnTimeout(ctx, c, owner, name, id, start, &err)
	st, err := a.analysePull(ctx, c, pr, prev)
	if errors.Is(err, errStale) {
		log.Info("pull request moved on since this event; its newer event evaluates it")
		a.cancelCheck(ctx, c, owner, name, id, "Superseded by a newer push")
		return nil
	}
	if err != nil {
		if permanent(err) {
			a.failCheck(ctx, c, owner, name, id, err)
		}
		return err
	}
	st.CheckRunID = id
	if err := a.recordFindings(ctx, FindingRecord{Repo: st.Repo, Commit: st.HeadSHA, PullRequest: st.Number,
		Author: strings.ToLower(st.Author), URL: a.pullURL(st.Repo, st.Number), Findings: st.Findings,
		Queue: queueOf(st.Policy)}); err != nil {
		return err
	}
	out, err := a.decide(ctx, c, st)
	if err != nil {
		return err
	}
	annotate := prev == nil || prev.CheckRunID != id || !prev.Annotated
	if err := a.conclude(ctx, c, st, out, annotate); err != nil {
		return err
	}
	log.Info("pull request evaluated", "conclusion", st.Conclusion, "categories", st.Categories,
		"findings", len(st.Findings), "risk", math.Round(out.verdict.Risk), "took", a.Now().Sub(start))
	a.observe("pull_request", st.Conclusion, start)
	return nil
}

// analysePull does the Git part of a full evaluation and returns the
// new state (without its check run).
func (a *App) analysePull(ctx context.Context, c GitHubClient, pr pullRef, prev *PullState) (*PullState, error) {
	owner, name, _ := splitRepo(pr.repo)
	baseRef := "refs/heads/" + pr.baseRef
	r, release, err := a.Repos.Fetch(ctx, pr.inst, a.cloneURL(pr.repo),
		[]string{baseRef, fmt.Sprintf("refs/pull/%d/head", pr.number)})
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", pr.repo, transient(err))
	}
	defer release()
	if _, err := r.Resolve(pr.head); err != nil {
		if cur, cerr := r.Resolve(fmt.Sprintf("refs/pull/%d/head", pr.number)); cerr == nil && cur != pr.head {
			return nil, errStale
		}
		return nil, fmt.Errorf("head %s not fetched yet: %w", guard.ShortHash(pr.head), err)
	}
	base, err := r.Resolve(baseRef)
	if err != nil {
		if base, err = r.Resolve(pr.baseSHA); err != nil {
			return nil, fmt.Errorf("base %s: %w", pr.baseRef, err)
		}
	}
	p, err := a.loadPolicy(ctx, c, r, owner, name, base)
	if err != nil {
		return nil, err
	}
	commits, err := c.PullRequestCommits(ctx, owner, name, pr.number)
	truncated := errors.Is(err, github.ErrCommitsTruncated)
	if err != nil && !truncated {
		return nil, fmt.Errorf("commits of #%d: %w", pr.number, transient(err))
	}
	logins := map[string]string{}
	for _, pc := range commits {
		logins[pc.SHA] = pc.AuthorLogin
	}
	an, err := a.analyse(ctx, r, p, pr.repo, base, pr.head, logins)
	if err != nil {
		return nil, err
	}
	st := &PullState{
		Repo: pr.repo, Number: pr.number, Title: pr.title, InstallationID: pr.inst, Author: pr.author,
		HeadSHA: pr.head, BaseRef: pr.baseRef, BaseSHA: base, MergeBase: an.mergeBase,
		Categories: an.categories, Findings: an.findings, Lines: an.lines,
		Contributors: contributors(commits, an.emails),
		Policy:       p.snapshot(an.categories), PolicySource: p.source,
		Pusher: pr.pusher, PushedAt: pr.pushedAt, EvaluatedAt: a.Now(),
	}
	if p.invalid != nil {
		st.PolicyError = p.invalid.Error()
	}
	if pr.pusher == "" && prev != nil && prev.HeadSHA == pr.head {
		st.Pusher, st.PushedAt = prev.Pusher, prev.PushedAt
	}
	if truncated {
		st.Unverifiable = fmt.Sprintf("the pull request has more than %d commits, more than GitHub lists, so not every author and committer is known", github.MaxPullRequestCommits)
	}
	if prev != nil {
		st.Pushers = append(st.Pushers, prev.Pushers...)
		st.Pushers = append(st.Pushers, prev.Pusher)
	}
	st.Pushers = uniqueLogins(append(st.Pushers, st.Pusher))
	if prev != nil {
		st.ReviewFindings = prev.ReviewFindings
		if st.Title == "" {
			st.Title = prev.Title
		}
	}
	return st, nil
}

// uniqueLogins drops empty and repeated logins (case-insensitively),
// keeping the first spelling.
func uniqueLogins(ls []string) []string {
	seen := map[string]bool{}
	out := ls[:0]
	for _, l := range ls {
		k := strings.ToLower(l)
		if l == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, l)
	}
	return out
}
