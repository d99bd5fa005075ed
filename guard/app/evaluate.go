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
	// defaultBranch is the repository's, as the event names it ("":
	// the remote's HEAD tells).
	defaultBranch string
	// pusher pushed head at pushedAt, when the event says so
	// (opened, synchronize); "" keeps what the state knows.
	pusher   string
	pushedAt time.Time
	// reopened is set by a reopened event, baseEdited by an edited event
	// that changed the base from baseFrom; at is when the event happened.
	reopened   bool
	baseEdited bool
	baseFrom   string
	at         time.Time
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
	st, out, err := a.judgePull(ctx, c, pr, prev)
	if errors.Is(err, errStale) {
		log.Info("pull request moved on since this event; its newer event evaluates it")
		return a.supersede(ctx, c, pr, id)
	}
	if err == nil {
		st.CheckRunID = id
		annotate := prev == nil || prev.CheckRunID != id || !prev.Annotated
		err = a.conclude(ctx, c, st, out, annotate)
	}
	if err != nil {
		if permanent(err) {
			a.failCheck(ctx, c, owner, name, id, err)
		}
		return err
	}
	log.Info("pull request evaluated", "conclusion", st.Conclusion, "categories", st.Categories,
		"findings", len(st.Findings), "risk", math.Round(out.verdict.Risk), "took", a.Now().Sub(start))
	a.observe("pull_request", st.Conclusion, start)
	return nil
}

// judgePull analyses a pull request, records its findings and decides on
// it with its current reviews. The state returned has no check run.
func (a *App) judgePull(ctx context.Context, c GitHubClient, pr pullRef, prev *PullState) (*PullState, *outcome, error) {
	st, err := a.analysePull(ctx, c, pr, prev)
	if err != nil {
		return nil, nil, err
	}
	people, err := a.everyone(ctx, st)
	if err != nil {
		return nil, nil, err
	}
	if err := a.recordFindings(ctx, guard.FindingRecord{Repo: st.Repo, Commit: st.HeadSHA, PullRequest: st.Number,
		Author: strings.ToLower(st.Author), URL: a.pullURL(st.Repo, st.Number), Subject: st.Title, Date: st.HeadDate,
		Risk: st.risk(), Findings: st.allFindings(), Queue: queueOf(st.Policy), Participants: people}); err != nil {
		return nil, nil, err
	}
	out, err := a.decide(ctx, c, st)
	if err != nil {
		return nil, nil, err
	}
	return st, out, nil
}

// everyone returns the logins of everyone who took part in the pull
// request of st: its author, the authors, committers and co-authors of
// its commits, whoever pushed to it or pushed one of its commits to any
// branch. Its findings are recorded with them, before the state is
// saved, so that nobody among them can release one.
func (a *App) everyone(ctx context.Context, st *PullState) ([]string, error) {
	pushes, err := a.Store.PushesOf(ctx, st.Repo, st.Commits)
	if err != nil {
		return nil, fmt.Errorf("pushes of #%d: %w", st.Number, err)
	}
	people := append(append([]string{st.Author, st.Pusher}, st.Pushers...), st.Contributors...)
	for _, c := range st.CoAuthors {
		people = append(people, c.Login)
	}
	for _, p := range pushes {
		people = append(people, p.Login)
	}
	return uniqueLogins(people), nil
}

// supersede completes check run id of a head the pull request left
// before its event was handled: with the strictest verdict of the other
// open pull requests on that head, or as cancelled when there are none.
func (a *App) supersede(ctx context.Context, c GitHubClient, pr pullRef, id int64) error {
	others, err := a.releaseHead(ctx, c, pr.inst, pr.repo, pr.head, pr.number, id)
	if err != nil {
		return err
	}
	if !others {
		owner, name, _ := splitRepo(pr.repo)
		a.cancelCheck(ctx, c, owner, name, id, "Superseded by a newer push")
	}
	return nil
}

// analysePull does the Git part of a full evaluation and returns the
// new state (without its check run).
func (a *App) analysePull(ctx context.Context, c GitHubClient, pr pullRef, prev *PullState) (*PullState, error) {
	owner, name, _ := splitRepo(pr.repo)
	baseRef := "refs/heads/" + pr.baseRef
	refs := append([]string{baseRef, fmt.Sprintf("refs/pull/%d/head", pr.number)}, a.defaultRefs(pr)...)
	r, release, err := a.Repos.Fetch(ctx, pr.inst, a.cloneURL(pr.repo), refs)
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
	against, err := a.againstDefault(ctx, c, r, pr, base, an)
	if err != nil {
		return nil, err
	}
	people, coAuthors, err := a.participants(ctx, pr.repo, commits, an)
	if err != nil {
		return nil, err
	}
	st := &PullState{
		Repo: pr.repo, Number: pr.number, Title: pr.title, InstallationID: pr.inst, Author: pr.author,
		HeadSHA: pr.head, HeadDate: an.headDate, BaseRef: pr.baseRef, BaseSHA: base, MergeBase: an.mergeBase,
		Categories: an.categories, Sensitive: an.sensitive, Findings: an.findings, Lines: an.lines,
		Commits: an.commits, Contributors: people, CoAuthors: coAuthors, AgainstDefault: against,
		Policy: p.snapshot(an.categories), PolicySource: p.source,
		Pusher: pr.pusher, PushedAt: pr.pushedAt, EvaluatedAt: a.Now(),
	}
	st.ApprovalsSince, st.ApprovalsReset = approvalsReset(prev, pr, an.mergeBase, a.Now())
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
