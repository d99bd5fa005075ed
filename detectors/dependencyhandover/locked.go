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
	out := changes[:0:0]
	for _, ch := range changes {
		if ch.Kind == dependencychange.Added && ch.Source == "" && dhLocked(tree, files, ch.path, ch.Name) {
			continue
		}
		out = append(out, ch)
	}
	return out
}

// dhLocked reports whether a lock file of manifest's folder or one above
// resolves name with no entry of it added by the change.
func dhLocked(tree guard.Tree, files []guard.FileChange, manifest, name string) bool {
	locks := dhLocks[path.Base(manifest)]
	dir := path.Dir(manifest)
	for range dhLockLevels {
		for _, lock := range locks {
			p := path.Join(dir, lock)
			text, err := tree.Head(p, dhLockBytes)
			if err != nil || len(text) == 0 {
				continue
			}
			if dhCount(lock, string(text), name) > 0 && dhAddedCount(files, p, lock, name) == 0 {
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

// dhCount counts the lines of a lock file's text that start an entry of
// the package name.
func dhCount(lock, text, name string) int {
	n := 0
	for line := range strings.Lines(text) {
		if dhNames(lock, strings.TrimRight(line, "\r\n"), name) {
			n++
		}
	}
	return n
}

// dhAddedCount counts the lines the change adds to the lock file at p
// that start an entry of the package name.
func dhAddedCount(files []guard.FileChange, p, lock, name string) int {
	n := 0
	for i := range files {
		if files[i].Path != p {
			continue
		}
		for _, l := range files[i].AddedLines {
			if dhNames(lock, l.Text, name) {
				n++
			}
		}
	}
	return n
}

// dhNames reports whether a lock-file line starts an entry of name
// (Python's names compare without case, as pip does).
func dhNames(lock, line, name string) bool {
	got := dependencychange.LockName(lock, line)
	return got == name || (got != "" && strings.EqualFold(got, name))
}
