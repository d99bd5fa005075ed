package app

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/github"
)

// A check run belongs to a commit, not to a pull request: every pull
// request whose head is the commit shows the same run "repoguard". So the
// run carries the strictest verdict of all the open pull requests with
// that head (and of a merge group being decided on it), and a weaker
// verdict of one of them never replaces a stricter one of another:
// otherwise a pull request into a branch of the attacker's, with the same
// head and an empty diff, would turn the required check of a sensitive
// one green.

// strictness orders conclusions; an unknown one counts as a failure.
func strictness(conclusion string) int {
	switch conclusion {
	case guard.ConclusionSuccess:
		return 1
	case guard.ConclusionActionRequired:
		return 2
	}
	return 3
}

// publish writes to st's check run the strictest verdict of st (its own,
// out) and of the other open pull requests whose head is st.HeadSHA.
// When those cannot be listed it returns an error for a retry and writes
// nothing: the run stays as strict as it was.
func (a *App) publish(ctx context.Context, c GitHubClient, st *PullState, out *outcome, annotate bool) error {
	others, err := a.sharers(ctx, c, st.InstallationID, st.Repo, st.HeadSHA, st.Number, st.CheckRunID)
	if err != nil {
		return err
	}
	own := &sharer{st: st, out: out}
	carrier, err := a.strictest(ctx, own, others)
	if err != nil {
		return err
	}
	var anns []github.Annotation
	if annotate {
		anns = annotations(st, a.MaxAnnotations)
	}
	return a.report(ctx, c, st.CheckRunID, carrier, anns)
}

// releaseHead decides the check run id of sha again without pull request
// n, which left that head (closed, or pushed over): it carries the
// strictest verdict of the open pull requests still on it. It reports
// whether there were any; with none, the run is left alone.
func (a *App) releaseHead(ctx context.Context, c GitHubClient, inst int64, repo, sha string, n int, id int64) (bool, error) {
	others, err := a.sharers(ctx, c, inst, repo, sha, n, id)
	if err != nil || len(others) == 0 {
		return false, err
	}
	carrier, err := a.strictest(ctx, nil, others)
	if err != nil {
		return false, err
	}
	a.logger(ctx).Info("check run decided again without a pull request that left its head",
		"left", n, "carries", carrier.st.Number, "conclusion", carrier.out.verdict.Conclusion)
	return true, a.report(ctx, c, id, carrier, nil)
}

// sharer is a pull request (or merge group) with its own decision.
type sharer struct {
	st  *PullState
	out *outcome
}

// strictest picks the verdict the check run carries: the strictest, the
// lowest number among equals (a merge group first). own, when set, is
// the evaluation in hand; the others come with their saved verdicts.
// The outcome returned lists every sharer, for the summary.
func (a *App) strictest(ctx context.Context, own *sharer, others []*PullState) (*sharer, error) {
	var all []*sharer
	if own != nil {
		all = append(all, own)
	}
	for _, st := range others {
		all = append(all, &sharer{st: st})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].st.Number < all[j].st.Number })
	best := all[0]
	for _, s := range all[1:] {
		if strictness(s.st.Conclusion) > strictness(best.st.Conclusion) {
			best = s
		}
	}
	if best.out == nil {
		anomalies, err := a.anomalies(ctx, best.st)
		if err != nil {
			return nil, err
		}
		best.out = &outcome{verdict: best.st.Verdict, anomalies: anomalies}
	}
	carried := *best.out
	carried.sharers = nil
	if len(all) > 1 {
		for _, s := range all {
			carried.sharers = append(carried.sharers, s.st)
		}
	}
	return &sharer{st: best.st, out: &carried}, nil
}

// sharers returns the saved states of the open pull requests of repo
// other than except whose head is sha, by number: those GitHub lists as
// open on that head, and those the store knows open on it. One GitHub
// lists that has no verdict on sha yet is evaluated now, its check run
// being id. An error means they are not known: the caller must not post
// a weaker verdict, and retries.
func (a *App) sharers(ctx context.Context, c GitHubClient, inst int64, repo, sha string, except int, id int64) ([]*PullState, error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return nil, err
	}
	listed, err := c.PullRequestsForCommit(ctx, owner, name, sha)
	if err != nil {
		return nil, fmt.Errorf("pull requests with head %s: %w", guard.ShortHash(sha), transient(err))
	}
	open := map[int]*github.PullRequest{}
	numbers := map[int]bool{}
	for i, p := range listed {
		if p.State == "open" && p.HeadSHA == sha && p.Number != except {
			open[p.Number], numbers[p.Number] = &listed[i], true
		}
	}
	known, err := a.Store.PullsWithHead(ctx, repo, sha)
	if err != nil {
		return nil, fmt.Errorf("pull requests with head %s: %w", guard.ShortHash(sha), err)
	}
	for _, n := range known {
		numbers[n] = n != except
	}
	var out []*PullState
	for _, n := range sortedTrue(numbers) {
		st, err := a.Store.PullState(ctx, repo, n)
		if err != nil {
			return nil, fmt.Errorf("load state of #%d: %w", n, err)
		}
		decided := st != nil && st.HeadSHA == sha && st.Conclusion != ""
		switch {
		case decided && !st.Closed:
			out = append(out, st)
		case open[n] != nil:
			st, err = a.judgeSharer(ctx, c, inst, repo, open[n], st, id)
			if errors.Is(err, errStale) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("pull request #%d with the same head: %w", n, err)
			}
			out = append(out, st)
		}
	}
	return out, nil
}

// judgeSharer evaluates a pull request GitHub has open on the head of
// check run id but that repoguard has not decided on that head (it
// missed the event, or the event is still queued), and saves its state.
func (a *App) judgeSharer(ctx context.Context, c GitHubClient, inst int64, repo string, p *github.PullRequest, prev *PullState, id int64) (*PullState, error) {
	a.logger(ctx).Info("evaluating a pull request with the same head", "other", p.Number)
	pr := pullRef{inst: inst, repo: repo, number: p.Number, title: p.Title, author: p.Author,
		head: p.HeadSHA, baseRef: p.BaseRef, baseSHA: p.BaseSHA}
	st, out, err := a.judgePull(ctx, c, pr, prev)
	if err != nil {
		return nil, err
	}
	st.CheckRunID = id
	st.Conclusion, st.Verdict = out.verdict.Conclusion, out.verdict
	return st, a.settle(ctx, st, addFindings(&st.ReviewFindings, out.rubberStamps))
}

// sortedTrue returns the keys set to true, in increasing order.
func sortedTrue(m map[int]bool) []int {
	var out []int
	for n, ok := range m {
		if ok {
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}
