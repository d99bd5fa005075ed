package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/webhooks"
)

// zeroSHA is the before or after of a push that creates or deletes a ref.
const zeroSHA = "0000000000000000000000000000000000000000"

// push is what a push event says.
type push struct {
	d             *webhooks.Delivery
	inst          int64
	repo, ref     string
	before, after string
	created       bool
	deleted       bool
	forced        bool
	defaultBranch string
	actor         string
	head          *gh.HeadCommit
	logins        map[string]string // commit hash -> author login
	// pushers are the logins that made the push (sender and pusher);
	// listed are the commits the payload names, walked those of the
	// push's range read from Git.
	pushers        []string
	listed, walked []string
}

// branch returns the branch name, "" for a tag.
func (p *push) branch() string { b, _ := strings.CutPrefix(p.ref, "refs/heads/"); return b }

func (p *push) isDefault() bool { return p.defaultBranch != "" && p.branch() == p.defaultBranch }

// onPush judges the commits a push brings to a branch, learns those that
// reach the default branch (after judging them), and records findings
// about the push itself: rewritten or deleted protected branches, moved
// or deleted tags, and commits reaching the default branch without a
// pull request. Findings are recorded in the store and logged; pushes get
// no check run of their own (pull request branches get theirs from the
// pull request).
func (a *App) onPush(ctx context.Context, d *webhooks.Delivery, e *gh.PushEvent) error {
	p := &push{d: d, inst: d.InstallationID, repo: e.GetRepo().GetFullName(), ref: e.GetRef(),
		before: e.GetBefore(), after: e.GetAfter(), created: e.GetCreated(), deleted: e.GetDeleted(),
		forced: e.GetForced(), defaultBranch: e.GetRepo().GetDefaultBranch(), head: e.GetHeadCommit(),
		actor: e.GetPusher().GetName(), logins: map[string]string{}}
	if p.defaultBranch == "" {
		p.defaultBranch = e.GetRepo().GetMasterBranch()
	}
	if p.actor == "" {
		p.actor = e.GetSender().GetLogin()
	}
	p.pushers = uniqueLogins([]string{e.GetSender().GetLogin(), e.GetPusher().GetName()})
	for _, c := range e.Commits {
		p.logins[c.GetID()] = c.GetAuthor().GetLogin()
		p.listed = append(p.listed, c.GetID())
	}
	if p.repo == "" || p.ref == "" || p.after == "" {
		return webhooks.Permanent(errors.New("push without repository, ref or after"))
	}
	if p.deleted || p.after == zeroSHA {
		p.deleted, p.after = true, ""
	} else {
		p.listed = append(p.listed, p.after)
	}
	// Recorded first, so that nothing failing later loses who pushed.
	if err := a.recordPushes(ctx, p, p.listed); err != nil {
		return err
	}
	ctx = withLogger(ctx, a.logger(ctx).With("ref", p.ref, "head", guard.ShortHash(p.after)))
	var fs []guard.Finding
	var err error
	switch {
	case strings.HasPrefix(p.ref, "refs/tags/"):
		fs, err = a.tagFindings(ctx, p)
	case strings.HasPrefix(p.ref, "refs/heads/") && p.deleted:
		if a.protected(p) {
			fs = append(fs, refFinding(p, "deleted-ref", fmt.Sprintf("%s deleted the protected branch %s (it pointed at %s).",
				p.actor, p.branch(), guard.ShortHash(p.before))))
		}
	case strings.HasPrefix(p.ref, "refs/heads/"):
		fs, err = a.onBranchPush(ctx, p)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	if err := a.record(ctx, p, fs); err != nil {
		return err
	}
	if err := a.recordPushes(ctx, p, p.walked); err != nil {
		return err
	}
	if !p.deleted {
		if err := a.Store.SetRefHead(ctx, p.repo, p.ref, p.after); err != nil {
			return fmt.Errorf("record head of %s: %w", p.ref, err)
		}
	}
	return nil
}

// recordPushes records that the push's pushers pushed commits to its
// branch: none of them may approve a pull request holding one of them.
func (a *App) recordPushes(ctx context.Context, p *push, commits []string) error {
	b := p.branch()
	if b == "" || p.deleted || len(commits) == 0 || len(p.pushers) == 0 {
		return nil
	}
	if err := a.Store.RecordPushes(ctx, p.repo, b, p.pushers, commits); err != nil {
		return fmt.Errorf("record pushes to %s: %w", b, err)
	}
	return nil
}

// protected reports whether the pushed branch is the default branch or
// matches App.ProtectedBranches.
func (a *App) protected(p *push) bool {
	return a.protectedBranch(p.branch(), p.defaultBranch)
}

// tagFindings notices tags moved to another commit (updated in place, or
// deleted and created again elsewhere) and deleted tags. It reads no Git.
func (a *App) tagFindings(ctx context.Context, p *push) ([]guard.Finding, error) {
	tag := strings.TrimPrefix(p.ref, "refs/tags/")
	if p.deleted {
		return []guard.Finding{refFinding(p, "deleted-ref", fmt.Sprintf("%s deleted the tag %s (it pointed at %s); "+
			"a deleted release tag can be created again on other code.", p.actor, tag, guard.ShortHash(p.before)))}, nil
	}
	prev := p.before
	if p.created || prev == zeroSHA {
		seen, err := a.Store.RefHead(ctx, p.repo, p.ref)
		if err != nil {
			return nil, fmt.Errorf("head of %s: %w", p.ref, err)
		}
		prev = seen
	}
	if prev == "" || prev == zeroSHA || prev == p.after {
		return nil, nil
	}
	return []guard.Finding{refFinding(p, "moved-tag", fmt.Sprintf("%s moved the tag %s from %s to %s: "+
		"whoever builds %s now gets other code than before.", p.actor, tag, guard.ShortHash(prev),
		guard.ShortHash(p.after), tag))}, nil
}

// refFinding is a finding about a push.
func refFinding(p *push, detector, msg string) guard.Finding {
	ev := []string{"ref: " + p.ref, "before: " + p.before, "pusher: " + p.actor}
	if p.after != "" {
		ev = append(ev, "after: "+p.after)
	}
	return guard.Finding{Detector: detector, Severity: guard.High, Score: 0.9, Commit: p.after,
		Message: msg, Evidence: ev}
}

// record stores and logs the findings about a push itself.
func (a *App) record(ctx context.Context, p *push, fs []guard.Finding) error {
	if len(fs) == 0 {
		return nil
	}
	for _, f := range fs {
		a.logger(ctx).Warn("push finding", "detector", f.Detector, "severity", f.Severity, "message", f.Message)
	}
	commit := p.after
	if commit == "" {
		commit = p.before
	}
	return a.recordFindings(ctx, guard.FindingRecord{Repo: p.repo, Commit: commit, Author: strings.ToLower(p.actor),
		URL: a.commitURL(p.repo, commit), Subject: "push to " + p.ref + " by " + p.actor, Risk: guard.Risk(fs),
		Findings: fs, Queue: guard.Info})
}
