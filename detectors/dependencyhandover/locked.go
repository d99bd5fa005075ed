package dependencyhandover

import (
	"path"
	"strings"

	"github.com/repoguard/repoguard/detectors/dependencychange"
	"github.com/repoguard/repoguard/guard"
)

// dhLocks are the lock files that resolve the dependencies of a
// manifest, by the manifest's name.
var dhLocks = map[string][]string{
	"Cargo.toml":     {"Cargo.lock"},
	"package.json":   {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"},
	"go.mod":         {"go.sum"},
	"pyproject.toml": {"poetry.lock", "uv.lock"},
	"Pipfile":        {"Pipfile.lock"},
	"Gemfile":        {"Gemfile.lock"},
	"composer.json":  {"composer.lock"},
}

// dhLockBytes bounds what is read of one lock file; dhLockLevels how
// many folders up from the manifest a lock file is looked for (a
// workspace's lock sits at its root).
const (
	dhLockBytes  = 16 << 20
	dhLockLevels = 6
)

// dhNewCode drops the dependencies added by name that a lock file of the
// tree already resolves, with no entry of theirs added by the change:
// another package of the repository uses them at a version the new
// requirement accepts, so the build already runs that code and the
// change hands nobody new a way in (foundry's newcomers add workspace
// crates to one more member all the time). A package the change makes
// the lock resolve anew, even at another version of a known name, stays;
// so do sources, ranges and scripts. Without a tree every change stays.
func dhNewCode(tree guard.Tree, files []guard.FileChange, changes []dhChange) []dhChange {
	if tree == nil {
		return changes
	}
	locks := dhLockIndex{tree: tree, files: files}
	out := changes[:0:0]
	for _, ch := range changes {
		if ch.Kind == dependencychange.Added && ch.Source == "" && locks.resolves(ch.path, ch.Name) {
			continue
		}
		out = append(out, ch)
	}
	return out
}

// dhLockIndex reads each lock file of a tree once, for the changes of
// one commit.
type dhLockIndex struct {
	tree  guard.Tree
	files []guard.FileChange
	locks map[string]*dhLock // by path; nil for a path with no lock file
}

// dhLock is one lock file: the packages it has entries of in the tree,
// and those the change adds entries of, by lowercased name.
type dhLock struct {
	has, added map[string]bool
}

// resolves reports whether a lock file of manifest's folder or one above
// resolves name with no entry of it added by the change.
func (x *dhLockIndex) resolves(manifest, name string) bool {
	name = strings.ToLower(name)
	dir := path.Dir(manifest)
	for range dhLockLevels {
		for _, base := range dhLocks[path.Base(manifest)] {
			if l := x.lock(path.Join(dir, base), base); l != nil && l.has[name] && !l.added[name] {
				return true
			}
		}
		if dir == "." || dir == "/" || dir == "" {
			break
		}
		dir = path.Dir(dir)
	}
	return false
}

// lock returns the lock file at p (named base), read on first use; nil
// when the tree has none there.
func (x *dhLockIndex) lock(p, base string) *dhLock {
	if l, ok := x.locks[p]; ok {
		return l
	}
	if x.locks == nil {
		x.locks = map[string]*dhLock{}
	}
	var l *dhLock
	if text, err := x.tree.Head(p, dhLockBytes); err == nil && len(text) > 0 {
		l = &dhLock{has: map[string]bool{}, added: map[string]bool{}}
		for line := range strings.Lines(string(text)) {
			if n := dependencychange.LockName(base, strings.TrimRight(line, "\r\n")); n != "" {
				l.has[strings.ToLower(n)] = true
			}
		}
		for i := range x.files {
			if x.files[i].Path != p {
				continue
			}
			for _, al := range x.files[i].AddedLines {
				if n := dependencychange.LockName(base, al.Text); n != "" {
					l.added[strings.ToLower(n)] = true
				}
			}
		}
	}
	x.locks[p] = l
	return l
}
