package app

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/github"
)

// outcome is a decision on a pull request with what explains it.
type outcome struct {
	verdict guard.Verdict
	// rubberStamps are approvals given too fast to have been read.
	rubberStamps []guard.Finding
	// anomalies are the anomalies of the pull request (of the merge
	// group's pull requests), by subjectKey.
	anomalies map[string]guard.Anomaly
	// sharers are every open pull request (and merge group) whose head
	// is the check run's commit, when there are more than one: the run
	// carries the strictest of their verdicts.
	sharers []*PullState
}

// released reports whether the finding's anomaly no longer blocks.
func (o *outcome) released(f guard.Finding) bool {
	an, ok := o.anomalies[subjectKey(f)]
	return ok && Released(an)
}

// subjectKey is what guard.AnomalyKey keys an anomaly of a pull request
// by, besides the repository and the pull request.
func subjectKey(f guard.Finding) string { return f.Detector + "\x00" + f.Path + "\x00" + f.Message }

// decide fetches the reviews of the pull request and decides on its saved
// state. It touches GitHub and the store, never Git.
func (a *App) decide(ctx context.Context, c GitHubClient, st *PullState) (*outcome, error) {
	owner, name, err := splitRepo(st.Repo)
	if err != nil {
		return nil, err
	}
	out := &outcome{}
	if out.anomalies, err = a.anomalies(ctx, st); err != nil {
		return nil, err
	}
	resolved := out.released
	if title := invalidPolicy(st); title != "" {
		out.verdict = guard.Verdict{Conclusion: guard.ConclusionFailure, Risk: guard.Risk(st.Findings), Title: title}
		return out, nil
	}
	rc := guard.ReviewContext{Author: st.Author, Contributors: st.Contributors, CoAuthors: st.CoAuthors,
		Pusher: st.Pusher, Pushers: st.Pushers, Unverifiable: st.Unverifiable, HeadSHA: st.HeadSHA,
		ApprovalsSince: st.ApprovalsSince, ApprovalsReset: st.ApprovalsReset, PushedAt: st.PushedAt}
	if st.MergeGroup {
		// Reviews were required of each pull request before it joined
		// the queue; the group fails only on blocking findings.
		v := guard.Decide(st.Policy, nil, st.Findings, rc, resolved)
		v.Requirements, v.Rejected = nil, nil
		if len(v.Blocking) == 0 {
			v.Conclusion, v.Title = guard.ConclusionSuccess, "No blocking findings in the merge group"
		}
		out.verdict = v
		return out, nil
	}
	reviews, err := c.Reviews(ctx, owner, name, st.Number)
	if err != nil {
		return nil, transient(err)
	}
	// Pushes recorded since the evaluation count too.
	if rc.Pushes, err = a.Store.PushesOf(ctx, st.Repo, st.Commits); err != nil {
		return nil, fmt.Errorf("pushes of the commits of #%d: %w", st.Number, err)
	}
	for _, r := range reviews {
		rc.Reviews = append(rc.Reviews, guard.Review{Login: r.User, Bot: r.UserType == "Bot",
			State: r.State, CommitID: r.CommitID, SubmittedAt: r.SubmittedAt})
	}
	teams := &teamCheck{ctx: ctx, c: c, org: owner, cache: map[string]bool{}}
	ag := st.AgainstDefault
	if needsTeams(st.Policy, st.Categories) || ag != nil && needsTeams(ag.Policy, ag.Categories) {
		rc.MemberOf = teams.memberOf
	}
	out.verdict = guard.Decide(st.Policy, st.Categories, st.Findings, rc, resolved)
	if ag != nil {
		out.verdict.Include(guard.Decide(ag.Policy, ag.Categories, ag.Findings, rc, resolved), ag.Branch)
	}
	if teams.err != nil {
		return nil, fmt.Errorf("team membership: %w", transient(teams.err))
	}
	out.rubberStamps = guard.RubberStamps(rc, &out.verdict, st.changedLines(), a.RubberStampLines, a.RubberStampWindow)
	return out, nil
}

// anomalies loads the anomalies of the pull request, or of the pull
// requests a merge group holds: a finding resolved in its pull request
// does not block the group either.
func (a *App) anomalies(ctx context.Context, st *PullState) (map[string]guard.Anomaly, error) {
	prs := st.GroupPulls
	if st.Number > 0 {
		prs = []int{st.Number}
	}
	out := map[string]guard.Anomaly{}
	for _, n := range prs {
		list, err := a.Store.AnomaliesForPR(ctx, st.Repo, n)
		if err != nil {
			return nil, fmt.Errorf("anomalies of #%d: %w", n, err)
		}
		for _, an := range list {
			k := subjectKey(guard.Finding{Detector: an.Detector, Path: an.Path, Message: an.Message})
			if prev, ok := out[k]; !ok || Released(prev) && !Released(an) {
				out[k] = an // one still blocking wins
			}
		}
	}
	return out, nil
}

func needsTeams(p *guard.Policy, categories []string) bool {
	for _, name := range categories {
		if c := p.Category(name); c != nil && len(c.Teams) > 0 {
			return true
		}
	}
	return false
}

// teamCheck answers team membership from GitHub, once per team and
// login, and remembers the first error (a team that does not exist is
// not one).
type teamCheck struct {
	ctx   context.Context
	c     GitHubClient
	org   string
	mu    sync.Mutex
	cache map[string]bool
	err   error
}

func (t *teamCheck) memberOf(team, login string) (bool, error) {
	org, slug, ok := strings.Cut(team, "/")
	if !ok {
		org, slug = t.org, team
	}
	k := strings.ToLower(org + "/" + slug + "/" + login)
	t.mu.Lock()
	defer t.mu.Unlock()
	if m, ok := t.cache[k]; ok {
		return m, nil
	}
	m, err := t.c.IsTeamMember(t.ctx, org, slug, login)
	if err != nil {
		if t.err == nil {
			t.err = err
		}
		return false, err
	}
	t.cache[k] = m
	return m, nil
}

// contributors returns the logins of the authors and committers of a
// pull request's commits: those GitHub matched, and those encoded in
// noreply addresses (of GitHub's list and of the Git history).
func contributors(commits []github.PRCommit, emails []string) []string {
	var out []string
	add := func(login string) {
		if login != "" && login != webFlow {
			out = appendNew(out, strings.ToLower(login))
		}
	}
	for _, c := range commits {
		add(c.AuthorLogin)
		add(c.CommitterLogin)
		add(guard.NoreplyLogin(c.AuthorEmail))
		add(guard.NoreplyLogin(c.CommitterEmail))
	}
	for _, e := range emails {
		add(guard.NoreplyLogin(e))
	}
	return out
}

// webFlow is the account GitHub commits as when it merges in its web UI.
const webFlow = "web-flow"
