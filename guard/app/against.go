package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"slices"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
)

// A check run belongs to a commit, and GitHub lets any pull request with
// that head merge once the run is green. A pull request into a branch of
// the attacker's that already holds the head has an empty diff: judged
// only against its base it would turn the run green, and a pull request
// of the same head into the default branch could be merged through the
// API before repoguard handled its opened (or reopened) event. So a pull
// request whose base is neither the default branch nor protected is also
// judged for what its head would bring to the default branch, with that
// branch's policy: a green check on a commit means that the commit may
// reach the default branch.

// AgainstDefault is the judgement of what a pull request's head would
// bring to the default branch: the change set from their merge base to
// the head, judged with the default branch's policy. Its requirements
// and blocking findings are added to the pull request's own.
type AgainstDefault struct {
	// Branch is the default branch; BranchSHA its tip, which the policy
	// was read from; MergeBase the commit the change set is diffed from.
	Branch    string `json:"branch"`
	BranchSHA string `json:"branch_sha"`
	MergeBase string `json:"merge_base"`
	// Categories are the sensitive categories the change set touches.
	Categories []string `json:"categories"`
	// Sensitive are the files of each category.
	Sensitive []CategoryFiles `json:"sensitive,omitempty"`
	Findings  []guard.Finding `json:"findings"`
	Lines     int             `json:"lines"`
	// Policy, PolicySource and PolicyError are those of the default
	// branch, as in PullState.
	Policy       *guard.Policy `json:"policy"`
	PolicySource string        `json:"policy_source"`
	PolicyError  string        `json:"policy_error,omitempty"`
}

// protectedBranch reports whether branch is the default branch def or
// matches App.ProtectedBranches.
func (a *App) protectedBranch(branch, def string) bool {
	if branch == "" {
		return false
	}
	if branch == def {
		return true
	}
	for _, pat := range a.ProtectedBranches {
		if ok, _ := path.Match(pat, branch); ok {
			return true
		}
	}
	return false
}

// defaultRefs returns what the fetch of a pull request needs besides its
// base and head to judge it against the default branch: that branch, or
// "HEAD" (the remote's default branch) when the event does not name it;
// nothing when the base is protected.
func (a *App) defaultRefs(pr pullRef) []string {
	switch {
	case pr.defaultBranch == "":
		return []string{"HEAD"}
	case a.protectedBranch(pr.baseRef, pr.defaultBranch):
		return nil
	}
	return []string{"refs/heads/" + pr.defaultBranch}
}

// againstDefault judges what the head of pr would bring to the default
// branch when its base is neither that branch nor protected, and adds
// the people of the commits it would bring beyond base..head to an (none
// of them may approve). It returns nil when the base is protected, and
// when the default branch has the same merge base with the head and the
// same policy file as the base (the judgement would be the same).
func (a *App) againstDefault(ctx context.Context, c GitHubClient, r Repository, pr pullRef, base string, an *analysis) (*AgainstDefault, error) {
	def := pr.defaultBranch
	if def == "" {
		def = r.DefaultBranch()
	}
	if def == "" {
		return nil, fmt.Errorf("default branch of %s unknown", pr.repo)
	}
	if a.protectedBranch(pr.baseRef, def) {
		return nil, nil
	}
	tip, err := r.Resolve("refs/heads/" + def)
	if err != nil {
		return nil, fmt.Errorf("default branch %s: %w", def, err)
	}
	mb, err := r.MergeBase(ctx, tip, pr.head)
	if errors.Is(err, gitrepo.ErrNoMergeBase) {
		mb = tip // unrelated histories: judge the whole difference
	} else if err != nil {
		return nil, fmt.Errorf("merge base of %s and %s: %w", def, guard.ShortHash(pr.head), err)
	}
	if mb == an.mergeBase {
		if same, err := samePolicyFile(ctx, r, base, tip); err != nil || same {
			return nil, err
		}
	}
	owner, name, _ := splitRepo(pr.repo)
	p, err := a.loadPolicy(ctx, c, r, owner, name, tip)
	if err != nil {
		return nil, err
	}
	cs, err := a.beyondBase(ctx, r, pr.repo, tip, mb, pr.head, an)
	if err != nil {
		return nil, err
	}
	fs, err := p.eng.Judge(guard.Subject{Change: cs})
	a.logDetectorError(ctx, err)
	guard.SortFindings(fs)
	sens := sensitiveFiles(p, cs.Files)
	ag := &AgainstDefault{Branch: def, BranchSHA: tip, MergeBase: mb, Categories: categoryNames(sens), Sensitive: sens,
		Findings: fs, Lines: guard.LinesChanged(cs.Files), PolicySource: p.source}
	ag.Policy = p.snapshot(ag.Categories)
	if p.invalid != nil {
		ag.PolicyError = p.invalid.Error()
	}
	return ag, nil
}

// beyondBase returns the change set from mb to head with the commits of
// tip..head, and records in an the people of those it does not hold yet.
func (a *App) beyondBase(ctx context.Context, r Repository, repo, tip, mb, head string, an *analysis) (*guard.ChangeSet, error) {
	files, err := r.DiffCommits(ctx, mb, head)
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s: %w", guard.ShortHash(mb), guard.ShortHash(head), err)
	}
	cs := &guard.ChangeSet{Repo: repo, Base: mb, Head: head, Files: files, Tree: headTree(r, head)}
	seen := map[string]bool{}
	for _, h := range an.commits {
		seen[h] = true
	}
	mm := a.readMailmap(ctx, r, tip)
	err = r.Walk(ctx, gitrepo.WalkOptions{Rev: tip + ".." + head}, func(c *guard.Commit) error {
		if !seen[c.Hash] {
			an.took(mm, c)
		}
		cs.Commits = append(cs.Commits, headerOf(c))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk %s..%s: %w", guard.ShortHash(tip), guard.ShortHash(head), err)
	}
	return cs, nil
}

// samePolicyFile reports whether revisions a and b hold the same policy
// file, or both none.
func samePolicyFile(ctx context.Context, r Repository, a, b string) (bool, error) {
	var files [2][]byte
	for i, rev := range []string{a, b} {
		data, err := r.ReadFile(ctx, rev, guard.PolicyPath)
		if err != nil && !errors.Is(err, gitrepo.ErrFileNotFound) {
			return false, fmt.Errorf("read policy at %s: %w", guard.ShortHash(rev), err)
		}
		if err == nil {
			files[i] = append([]byte{}, data...) // non-nil, even when empty
		}
	}
	return (files[0] == nil) == (files[1] == nil) && bytes.Equal(files[0], files[1]), nil
}

// risk is the pull request's risk (see guard.Risk): of all its
// findings, the reviews' included.
func (st *PullState) risk() float64 {
	return guard.Risk(slices.Concat(st.allFindings(), st.ReviewFindings))
}

// allFindings returns the pull request's findings and those of what its
// head would bring to the default branch, without repeats.
func (st *PullState) allFindings() []guard.Finding {
	if st.AgainstDefault == nil {
		return st.Findings
	}
	out := append([]guard.Finding(nil), st.Findings...)
	have := map[string]bool{}
	for _, f := range st.Findings {
		have[fingerprint(f)] = true
	}
	for _, f := range st.AgainstDefault.Findings {
		if !have[fingerprint(f)] {
			have[fingerprint(f)] = true
			out = append(out, f)
		}
	}
	guard.SortFindings(out)
	return out
}

// changedLines is the larger of the lines the pull request changes and
// those its head would bring to the default branch.
func (st *PullState) changedLines() int {
	if st.AgainstDefault == nil {
		return st.Lines
	}
	return max(st.Lines, st.AgainstDefault.Lines)
}

// invalidPolicy returns the title of the verdict on a pull request whose
// policy does not parse, on its base or on the default branch it is also
// judged against; "" when both parse.
func invalidPolicy(st *PullState) string {
	switch {
	case st.PolicyError != "":
		return "Invalid repoguard policy on the base branch"
	case st.AgainstDefault != nil && st.AgainstDefault.PolicyError != "":
		return "Invalid repoguard policy on " + st.AgainstDefault.Branch
	}
	return ""
}
