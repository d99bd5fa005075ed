package app

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
)

// analysis is what judging a change found: everything a decision on it
// needs besides reviews.
type analysis struct {
	mergeBase  string
	categories []string
	// sensitive are the files of each category.
	sensitive []CategoryFiles
	findings  []guard.Finding
	lines     int
	// emails are the author and committer emails of the commits.
	emails []string
	// commits are the hashes of base..head, newest first; coAuthors the
	// people their Co-authored-by trailers name.
	commits   []string
	coAuthors []coAuthored
	// pulls are the pull requests named by merge or squash subjects
	// ("Merge pull request #12 ...", "Title (#12)").
	pulls []int
	// headDate is the head commit's author date.
	headDate time.Time
}

// pullSubject finds the pull request number in the subject of a commit
// GitHub made when merging one.
var pullSubject = regexp.MustCompile(`^Merge pull request #(\d+) |\(#(\d+)\)\s*$`)

// pullOf returns the pull request a merge or squash subject names, or 0.
func pullOf(subject string) int {
	m := pullSubject.FindStringSubmatch(subject)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1] + m[2])
	return n
}

// analyse judges the change from base to head as a pull request: each
// commit of base..head with its author's baseline as it is now (nothing
// is learned), and the change set from the merge base to head. logins
// maps commit hashes to their authors' GitHub logins, where known.
func (a *App) analyse(ctx context.Context, r Repository, p *policy, repo, base, head string, logins map[string]string) (*analysis, error) {
	mb, err := r.MergeBase(ctx, base, head)
	if errors.Is(err, gitrepo.ErrNoMergeBase) {
		mb = base // unrelated histories: judge the whole difference
	} else if err != nil {
		return nil, fmt.Errorf("merge base of %s and %s: %w", guard.ShortHash(base), guard.ShortHash(head), err)
	}
	files, err := r.DiffCommits(ctx, mb, head)
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s: %w", guard.ShortHash(mb), guard.ShortHash(head), err)
	}
	cs := &guard.ChangeSet{Repo: repo, Base: mb, Head: head, Files: files, Tree: headTree(r, head)}
	an := &analysis{mergeBase: mb, lines: guard.LinesChanged(files)}
	var commitFindings []guard.Finding
	mm := a.readMailmap(ctx, r, base)
	err = r.Walk(ctx, gitrepo.WalkOptions{Rev: base + ".." + head}, func(c *guard.Commit) error {
		an.took(mm, c)
		if c.Hash == head {
			an.headDate = c.Author.When
		}
		if n := pullOf(c.Subject()); n > 0 {
			an.pulls = append(an.pulls, n)
		}
		cs.Commits = append(cs.Commits, headerOf(c))
		if c.IsMerge() {
			return nil // its first-parent diff is other people's work
		}
		j, detErr, err := a.profiles.judge(ctx, p.eng, repo, c, logins[c.Hash])
		if err != nil {
			return err
		}
		a.logDetectorError(ctx, detErr)
		commitFindings = append(commitFindings, j.findings...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("judge commits %s..%s: %w", guard.ShortHash(base), guard.ShortHash(head), err)
	}
	csFindings, err := p.eng.Judge(guard.Subject{Change: cs})
	a.logDetectorError(ctx, err)
	an.findings = mergeFindings(csFindings, commitFindings)
	an.sensitive = sensitiveFiles(p, files)
	an.categories = categoryNames(an.sensitive)
	return an, nil
}

// treeReader is a Repository that reads the tree of a commit lazily
// (gitrepo.Repo does).
type treeReader interface {
	Tree(rev string) (guard.Tree, error)
}

// headTree returns the tree head leaves, for the detectors that read
// more than a change set's diff; nil when r cannot give it, and they
// judge on the diff.
func headTree(r Repository, head string) guard.Tree {
	tr, ok := r.(treeReader)
	if !ok {
		return nil
	}
	t, err := tr.Tree(head)
	if err != nil {
		return nil
	}
	return t
}

// took records who took part in commit c: its hash, the emails its
// Co-authored-by trailers name, and its author's and committer's emails
// (after the mailmap, which it applies to c).
func (an *analysis) took(mm *guard.Mailmap, c *guard.Commit) {
	an.commits = append(an.commits, c.Hash)
	an.coAuthors = append(an.coAuthors, coAuthorsOf(mm, c)...)
	mm.Apply(c)
	for _, e := range []string{c.Author.Email, c.Committer.Email} {
		if e = guard.NormalizeEmail(e); e != "" && !slices.Contains(an.emails, e) {
			an.emails = append(an.emails, e)
		}
	}
}

// headerOf is c without its changes, as a change set lists it.
func headerOf(c *guard.Commit) guard.Commit {
	return guard.Commit{Hash: c.Hash, Parents: c.Parents, Author: c.Author, Committer: c.Committer,
		Signed: c.Signed, Message: c.Message}
}

func (a *App) logDetectorError(ctx context.Context, err error) {
	if err != nil {
		a.logger(ctx).Error("detector failed", "err", err)
	}
}

// mergeFindings combines the findings of the change set with those of
// its commits. A commit's finding is left out when the change set has
// one of the same detector on the same path, or when both concern the
// change as a whole (no line): the change set's says it for the final
// state. What a commit added and a later one removed (a key that stays
// in history) is kept.
func mergeFindings(changeSet, commits []guard.Finding) []guard.Finding {
	type k struct{ det, path string }
	byPath, whole := map[k]bool{}, map[string]bool{}
	for _, f := range changeSet {
		byPath[k{f.Detector, f.Path}] = true
		if f.Line == 0 {
			whole[f.Detector] = true
		}
	}
	out := append([]guard.Finding(nil), changeSet...)
	dup := map[string]bool{}
	for _, f := range commits {
		if byPath[k{f.Detector, f.Path}] || (f.Line == 0 && whole[f.Detector]) {
			continue
		}
		fp := fingerprint(f) + f.Commit
		if dup[fp] {
			continue
		}
		dup[fp] = true
		out = append(out, f)
	}
	guard.SortFindings(out)
	return out
}

// fingerprint identifies a finding across commits: its detector, path
// and evidence (or message when it has none), not its commit or line.
func fingerprint(f guard.Finding) string {
	what := f.Message
	if len(f.Evidence) > 0 {
		what = strings.Join(f.Evidence, "\n")
	}
	return f.Detector + "\x00" + f.Path + "\x00" + what
}
