package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/repoguard/repoguard/guard"
)

// Resolve returns the full hash of the commit a revision names: a branch,
// a tag (annotated tags are peeled), a full or short hash, HEAD, or an
// expression such as "HEAD~3" or "main^2". "" means HEAD.
//
// It takes no context: a name or a hash resolves in a few object reads.
// Only expressions typed by a person (HEAD~100000, main^{/message}) walk
// history, inside go-git, where a context could not stop them anyway.
func (r *Repo) Resolve(rev string) (string, error) {
	var h plumbing.Hash
	err := r.withMain(func(hd *handle) (err error) {
		h, err = r.resolve(hd, rev)
		return err
	})
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

func (r *Repo) resolve(h *handle, rev string) (hash plumbing.Hash, err error) {
	if rev == "" {
		rev = "HEAD"
	}
	defer func() {
		if p := recover(); p != nil {
			err = newError(ErrCorrupt, nil, "resolve %q in %s: corrupt repository: %v", rev, r.path, p)
		}
	}()
	res, err := h.repo.ResolveRevision(plumbing.Revision(rev))
	if err == nil && res != nil && !res.IsZero() {
		return *res, nil
	}
	if h.empty() {
		return hash, newError(ErrEmpty, err, "%s: repository has no commits", r.path)
	}
	return hash, newError(ErrRefNotFound, err, "ref %q not found in %s", rev, r.path)
}

// empty reports whether no reference points to an object.
func (h *handle) empty() bool {
	refs, err := h.st.IterReferences()
	if err != nil {
		return false
	}
	defer refs.Close()
	found := false
	_ = refs.ForEach(func(ref *plumbing.Reference) error {
		if ref.Type() == plumbing.HashReference && !ref.Hash().IsZero() {
			found = true
			return storer.ErrStop
		}
		return nil
	})
	return !found
}

// MergeBase returns the best common ancestor of two revisions, as
// `git merge-base` does (one of them when there are several). It stops
// with ctx's error: two long histories with no recent common ancestor
// take long to walk.
func (r *Repo) MergeBase(ctx context.Context, a, b string) (string, error) {
	var base plumbing.Hash
	err := r.withMain(func(h *handle) error {
		ha, err := r.resolve(h, a)
		if err != nil {
			return err
		}
		hb, err := r.resolve(h, b)
		if err != nil {
			return err
		}
		n, err := newGraph(h).mergeBase(ctx, ha, hb)
		if errors.Is(err, ErrNoMergeBase) {
			return newError(ErrNoMergeBase, nil, "no merge base of %q and %q in %s", a, b, r.path)
		}
		if err != nil {
			return err
		}
		base = n.hash
		return nil
	})
	return base.String(), err
}

// ReadFile returns the content of the file at path (slash-separated, from
// the top of the repository) in the commit rev names. It returns an error
// matching ErrFileNotFound when there is no such file, and one matching
// ErrTooLarge when the file is larger than Options.MaxBlobSize. It stops
// with ctx's error between the trees of the path and before the file.
func (r *Repo) ReadFile(ctx context.Context, rev, path string) ([]byte, error) {
	var data []byte
	err := r.withMain(func(h *handle) error {
		root, err := r.rootOf(h, newGraph(h), rev)
		if err != nil {
			return err
		}
		e, err := h.lookup(ctx, root, path)
		if err != nil {
			return err
		}
		if e == nil || e.isDir() || e.mode&modeType == modeGitlink {
			return newError(ErrFileNotFound, nil, "%s: not found at %s in %s", path, rev, r.path)
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		b, err := h.readBlob(e.hash)
		if err == nil && b.large {
			return newError(ErrTooLarge, nil, "%s: %d bytes at %s in %s, over the limit of %d", path, b.size, rev, r.path, h.maxBlob)
		}
		data = []byte(b.text)
		return err
	})
	return data, err
}

// rootOf returns the root tree of the commit rev names.
func (r *Repo) rootOf(h *handle, g *graph, rev string) (plumbing.Hash, error) {
	c, err := r.resolve(h, rev)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	n, err := g.get(c)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return n.tree, nil
}

// lookup finds the entry at a slash-separated path below a tree; nil when
// there is none.
func (h *handle) lookup(ctx context.Context, tree plumbing.Hash, path string) (*treeEntry, error) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i, name := range parts {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("look up %s: %w", path, err)
		}
		entries, err := h.tree(tree)
		if err != nil {
			return nil, err
		}
		var found *treeEntry
		for k := range entries {
			if entries[k].name == name {
				found = &entries[k]
				break
			}
		}
		if found == nil || i == len(parts)-1 {
			return found, nil
		}
		if !found.isDir() {
			return nil, nil
		}
		tree = found.hash
	}
	return nil, nil
}

// DiffCommits returns the changes that turn the tree of base into the
// tree of head: the combined diff of a change set when base is the merge
// base. It honours ctx between files.
func (r *Repo) DiffCommits(ctx context.Context, base, head string) ([]guard.FileChange, error) {
	var trees [2]plumbing.Hash
	err := r.withMain(func(h *handle) error {
		g := newGraph(h)
		for i, rev := range []string{base, head} {
			var err error
			if trees[i], err = r.rootOf(h, g, rev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	h, err := r.getHandle()
	if err != nil {
		return nil, err
	}
	defer r.putHandle(h)
	cs, err := h.diffTrees(ctx, trees[0], trees[1], nil)
	if err != nil {
		return nil, err
	}
	return h.fileChanges(ctx, cs, r.opts.NoRenames, newLineDiffer())
}

// HeadBranch returns the branch HEAD names ("main"), or "" when HEAD is
// detached or names a branch without a commit. In a clone that Fetch
// brought "HEAD" into, that is the remote's default branch.
func (r *Repo) HeadBranch() string {
	var name string
	_ = r.withMain(func(h *handle) error {
		ref, err := h.st.Reference(plumbing.HEAD)
		if err != nil || ref.Type() != plumbing.SymbolicReference {
			return nil
		}
		branch, ok := strings.CutPrefix(ref.Target().String(), "refs/heads/")
		if _, err := r.resolve(h, ref.Target().String()); ok && err == nil {
			name = branch
		}
		return nil
	})
	return name
}
