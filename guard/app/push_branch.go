package app

import (
	"context"
	"errors"
	"fmt"

	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
)

// onBranchPush handles a push that creates or updates a branch: it
// fetches the branch (and the default branch), flags rewrites of
// protected branches and direct pushes to the default branch, and judges
// the new commits, learning them when they reached the default branch.
func (a *App) onBranchPush(ctx context.Context, p *push) ([]guard.Finding, error) {
	log := a.logger(ctx)
	defRef := "refs/heads/" + p.defaultBranch
	refs := []string{p.ref}
	if p.defaultBranch != "" && !p.isDefault() {
		refs = append(refs, defRef)
	}
	r, release, err := a.Repos.Fetch(ctx, p.inst, a.cloneURL(p.repo), refs)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", p.repo, transient(err))
	}
	defer release()
	var fs []guard.Finding
	if a.protected(p) && !p.created && a.rewritten(ctx, r, p) {
		fs = append(fs, refFinding(p, "force-push", fmt.Sprintf("%s force-pushed the protected branch %s, "+
			"rewriting its history: %s is no longer an ancestor of %s.", p.actor, p.branch(),
			guard.ShortHash(p.before), guard.ShortHash(p.after))))
	}
	if p.isDefault() && !p.created {
		via, err := a.viaPullRequest(ctx, p)
		if err != nil {
			return nil, err
		}
		if !via {
			fs = append(fs, refFinding(p, "direct-push", fmt.Sprintf("%s pushed to the default branch %s without "+
				"a pull request: nobody reviewed these commits.", p.actor, p.branch())))
		}
	}
	if _, err := r.Resolve(p.after); err != nil {
		log.Warn("pushed head not fetchable (moved again since?); commits not judged", "err", err)
		return fs, nil
	}
	start := a.rangeStart(ctx, r, p, defRef)
	if start == "" {
		log.Info("push: no earlier commit to compare with; commits not judged")
		return fs, nil
	}
	polRev := start
	if !p.isDefault() {
		if tip, err := r.Resolve(defRef); err == nil {
			polRev = tip
		}
	}
	owner, name, err := splitRepo(p.repo)
	if err != nil {
		return nil, err
	}
	pol, err := a.loadPolicy(ctx, a.Clients(p.inst), r, owner, name, polRev)
	if err != nil {
		return nil, err
	}
	if pol.invalid != nil {
		log.Warn("invalid policy on the default branch; judging the push with the defaults", "err", pol.invalid)
	}
	if err := a.judgePush(ctx, r, pol, p, start); err != nil {
		return nil, err
	}
	return fs, nil
}

// rangeStart is the commit the push's new commits are counted from: the
// previous head, or for a new branch the default branch; for the default
// branch whose previous head is unknown here, the learning cursor. ""
// when there is none.
func (a *App) rangeStart(ctx context.Context, r Repository, p *push, defRef string) string {
	if p.before != "" && p.before != zeroSHA {
		if h, err := r.Resolve(p.before); err == nil {
			return h
		}
	}
	if !p.isDefault() {
		if h, err := r.Resolve(defRef); err == nil {
			return h
		}
		return ""
	}
	if cur, err := a.profiles.cursor(ctx, p.repo, defRef); err == nil && cur.Hash != "" {
		if h, err := r.Resolve(cur.Hash); err == nil {
			return h
		}
	}
	return ""
}

// rewritten reports whether the push rewrote history: GitHub says it was
// forced, or the previous head is not an ancestor of the new one.
func (a *App) rewritten(ctx context.Context, r Repository, p *push) bool {
	if p.forced {
		return true
	}
	if p.before == "" || p.before == zeroSHA {
		return false
	}
	mb, err := r.MergeBase(ctx, p.before, p.after)
	return errors.Is(err, gitrepo.ErrNoMergeBase) || err == nil && mb != p.before
}

// viaPullRequest applies the direct-push heuristic: a push to the default
// branch came through a pull request when its head is the merge commit
// (or head) of a pull request the store saw, or when GitHub made the head
// commit (committer web-flow or noreply@github.com) with a merge or
// squash subject naming a pull request. Anything else (a push from a
// clone, a commit in the web editor) reached the branch unreviewed.
func (a *App) viaPullRequest(ctx context.Context, p *push) (bool, error) {
	if _, ok, err := a.Store.PullForCommit(ctx, p.repo, p.after); err != nil {
		return false, fmt.Errorf("pull request of %s: %w", guard.ShortHash(p.after), err)
	} else if ok {
		return true, nil
	}
	h := p.head
	if h == nil {
		return false, nil
	}
	byGitHub := h.GetCommitter().GetLogin() == webFlow ||
		guard.NormalizeEmail(h.GetCommitter().GetEmail()) == "noreply@github.com"
	subject := (&guard.Commit{Message: h.GetMessage()}).Subject()
	return byGitHub && pullOf(subject) > 0, nil
}

// judgePush judges the commits the push brought, each against its
// author's baseline, and records their findings. On the default branch
// it learns each commit right after judging it.
func (a *App) judgePush(ctx context.Context, r Repository, pol *policy, p *push, start string) error {
	mm := a.readMailmap(ctx, r, p.after)
	n := 0
	record := func(c *guard.Commit, j judged) error {
		n++
		return a.recordFindings(ctx, guard.FindingRecord{Repo: p.repo, Commit: c.Hash, Author: j.key,
			AuthorName: c.Author.Name, AuthorEmail: c.Author.Email, URL: a.commitURL(p.repo, c.Hash),
			Subject: c.Subject(), Date: c.Author.When, Risk: guard.Risk(j.findings),
			Findings: j.findings, Queue: queueOf(pol.pol)})
	}
	if p.isDefault() {
		learned, err := a.learnPush(ctx, r, pol, p, mm, record)
		if learned > 0 || err != nil {
			a.logger(ctx).Info("push judged and learned", "commits", learned, "with_findings", n)
			return err
		}
	}
	err := r.Walk(ctx, gitrepo.WalkOptions{Rev: start + ".." + p.after, Order: gitrepo.OldestFirst}, func(c *guard.Commit) error {
		p.walked = append(p.walked, c.Hash)
		if c.IsMerge() {
			return nil // its first-parent diff is other people's work
		}
		mm.Apply(c)
		j, detErr, err := a.profiles.judge(ctx, pol.eng, p.repo, c, p.logins[c.Hash])
		if err != nil {
			return err
		}
		a.logDetectorError(ctx, detErr)
		return record(c, j)
	})
	if err != nil {
		return fmt.Errorf("judge %s..%s: %w", guard.ShortHash(start), guard.ShortHash(p.after), err)
	}
	a.logger(ctx).Info("push judged", "with_findings", n)
	return nil
}

// learnPush judges and learns what is not learned yet of the default
// branch up to the pushed head, and returns how many commits it learned.
// When it learns nothing, the caller judges the push without learning:
// nothing was ever learned of the repository (a backfill is started,
// which will), the cursor's commit is gone, or a backfill got there
// first.
func (a *App) learnPush(ctx context.Context, r Repository, pol *policy, p *push, mm *guard.Mailmap,
	record func(*guard.Commit, judged) error) (int, error) {
	defRef := "refs/heads/" + p.defaultBranch
	cur, err := a.profiles.cursor(ctx, p.repo, defRef)
	if err != nil {
		return 0, err
	}
	if cur.Hash == "" && cur.Target == "" {
		a.startBackfills(ctx, p.inst, []*gh.Repository{{FullName: &p.repo}})
		return 0, nil
	}
	segs, err := cur.Plan(p.after, r.Resolve)
	if err != nil {
		a.logger(ctx).Warn("cannot learn the push; judging it only", "err", err)
		return 0, nil
	}
	w := a.learnWalk(p.repo, defRef, r, pol.eng, mm)
	w.Logins = p.logins
	a.judgeEach(ctx, w, pol.eng, record)
	return w.Run(ctx, segs)
}
