package dependencychange

import (
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// This file exports what the detector reads in a manifest diff, for the
// detectors that weigh who made a dependency change (dependency-handover)
// rather than the change alone.

// ChangeKind says what a dependency change does.
type ChangeKind int

// The kinds of dependency change.
const (
	// Added is a new dependency or submodule.
	Added ChangeKind = iota + 1
	// Repointed is a dependency or submodule fetched from elsewhere: a
	// new source (git, a URL, a fork) or an override of it.
	Repointed
	// Widened is a version range widened from a narrower one.
	Widened
	// Script is an install-time script (npm lifecycle hook) added or
	// changed.
	Script
	// Registry is a package registry setting added or changed.
	Registry
)

// String names the kind as the explanations word it.
func (k ChangeKind) String() string {
	switch k {
	case Added:
		return "adds"
	case Repointed:
		return "repoints"
	case Widened:
		return "widens"
	case Script:
		return "sets the install script"
	case Registry:
		return "sets the registry"
	}
	return "changes"
}

// Change is one change of what a build fetches, read from a manifest's
// diff.
type Change struct {
	Kind ChangeKind
	// Line is the added line that makes the change.
	Line int
	// Name is the dependency, the submodule, the install hook or the
	// registry setting.
	Name string
	// Spec is the new version range, source or value; Old the one it
	// replaces ("" when there was none).
	Spec, Old string
	// Section is the manifest's section ("devDependencies",
	// "dev-dependencies"), "" at the top or for none, "?" when the hunk
	// does not show it.
	Section string
	// Source names where a dependency fetched from outside its registry
	// comes from ("a git repository", "a URL", "a fork"); "" otherwise.
	Source string
	// Local marks a dependency on code of the tree itself: a path, a
	// workspace member, or (Cargo) an entry inherited from the workspace.
	Local bool
}

// Changes returns the dependency changes of a file's diff: dependencies
// added, repointed or with a wider version range, install scripts and
// registry settings added or changed. A version moved within its kind
// of range, a file that is no manifest, a lock file (it follows its
// manifest) and a deleted file have none.
func Changes(f *guard.FileChange) []Change {
	eco := depKindOf(f.Path)
	if eco == depNone || eco == depLock || f.Status == guard.Deleted || len(f.AddedLines) == 0 {
		return nil
	}
	added := depParse(eco, f.AddedLines, f.Status == guard.Added)
	old := depParse(eco, f.DeletedLines, false)
	var out []Change
	oldDeps := map[string][]depEntry{}
	for _, e := range old.deps {
		oldDeps[e.name] = append(oldDeps[e.name], e)
	}
	for _, e := range added.deps {
		if eco == depNPM && e.section == "?" && depNPMObjectKeys[e.name] {
			continue
		}
		if c, ok := depChangeOf(eco, e, depCounterpart(e, oldDeps[e.name])); ok {
			out = append(out, c)
		}
	}
	out = depSettingChanges(out, Script, added.scripts, depIndex(old.scripts))
	return depSettingChanges(out, Registry, added.registry, depIndex(old.registry))
}

// depCounterpart returns the old entry an added one replaces: one with
// the same spec (nothing changed), else one of the same section, else
// the first of the name; nil when the name is new. A name may appear in
// several sections (devDependencies and peerDependencies).
func depCounterpart(e depEntry, olds []depEntry) *depEntry {
	if len(olds) == 0 {
		return nil
	}
	best := &olds[0]
	for i := range olds {
		o := &olds[i]
		if o.spec == e.spec && o.patch == e.patch {
			return o
		}
		if o.section == e.section && best.section != e.section {
			best = o
		}
	}
	return best
}

// depNPMObjectKeys are keys of package.json's repository and bugs objects
// whose values look like a dependency's source when the object's header
// is outside the hunk ("url": "https://github.com/org/repo").
var depNPMObjectKeys = map[string]bool{"url": true, "directory": true, "email": true}

// depChangeOf judges one added dependency entry against its old one.
func depChangeOf(eco depEco, e depEntry, old *depEntry) (Change, bool) {
	if old != nil && old.spec == e.spec && old.patch == e.patch || e.indirect && old == nil {
		return Change{}, false
	}
	c := Change{Line: e.line.Number, Name: e.name, Spec: e.spec, Section: e.section, Local: depLocal(eco, e)}
	if old != nil {
		c.Old = old.spec
	}
	if eco != depSubmodules {
		c.Source, _ = depSource(eco, e)
	}
	var oldSource string
	if old != nil && eco != depSubmodules {
		oldSource, _ = depSource(eco, *old)
	}
	switch {
	case old != nil && (eco == depSubmodules || c.Source != "" || oldSource != "") &&
		depSame(eco, e.spec, old.spec) && e.patch == old.patch:
		return Change{}, false // the same repository at another commit or tag
	case e.patch || old != nil && (eco == depSubmodules || c.Source != ""):
		c.Kind = Repointed
	case old == nil:
		c.Kind = Added
	case oldSource == "" && depRank(eco, e.spec) > depRank(eco, old.spec):
		c.Kind = Widened
	default:
		return Change{}, false
	}
	return c, true
}

// depSame reports whether two sources fetch from the same place. A
// submodule's url is compared by its source key, as the detector's own
// judge does (https://github.com/o/r and git@github.com:o/r.git are one
// repository).
func depSame(eco depEco, spec, old string) bool {
	if eco == depSubmodules {
		return depSourceKey(spec) == depSourceKey(old)
	}
	return depWhere(spec) == depWhere(old)
}

// depWhereRef cuts a ref off a source: "#ref", "@ref" after the path, and
// a Cargo table's rev, tag, branch or version.
var depWhereRef = regexp.MustCompile(`#.*$|(/[^/@]+)@[^/]*$|,\s*(rev|tag|branch|version)\s*=\s*[^,]*`)

// depWhere is where a source fetches from, its ref and spelling aside:
// "git+https://github.com/o/r.git#v1" and "https://github.com/o/r/" are
// both "github.com/o/r".
func depWhere(spec string) string {
	s := depWhereRef.ReplaceAllString(strings.ToLower(strings.TrimSpace(spec)), "$1")
	for _, p := range []string{"git+", "git =", "git:", "github:", "https://", "http://", "ssh://", "git@"} {
		s = strings.TrimSpace(strings.TrimPrefix(s, p))
	}
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s, "/"), ".git"), "/")
}

// depSettingChanges appends the install scripts or registry settings
// added or changed.
func depSettingChanges(out []Change, kind ChangeKind, added []depEntry, old map[string]*depEntry) []Change {
	for _, e := range added {
		c := Change{Kind: kind, Line: e.line.Number, Name: e.name, Spec: e.spec}
		if o := old[e.name]; o != nil {
			if o.spec == e.spec {
				continue
			}
			c.Old = o.spec
		}
		out = append(out, c)
	}
	return out
}

// Quote quotes a spec as the detector's messages do, cut to 80
// characters; "(no version)" when there is none.
func Quote(spec string) string {
	if spec == "" {
		return "(no version)"
	}
	return depQuote(spec)
}

// depLocal reports whether an entry depends on code of the tree itself.
func depLocal(eco depEco, e depEntry) bool {
	s := strings.ToLower(strings.TrimSpace(e.spec))
	if eco == depCargo && (s == "" || strings.HasSuffix(e.name, ".workspace")) {
		return true // { workspace = true }, name.workspace = true
	}
	for _, p := range []string{"path =", "file:", "link:", "workspace:", "./", "../"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
