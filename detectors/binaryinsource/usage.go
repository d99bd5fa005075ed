package binaryinsource

import (
	"errors"
	"path"
	"slices"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// bisUsage says what refers to a binary in a test-fixture folder.
type bisUsage int

const (
	// usageUnknown: no tree to look in, or one beyond its bounds.
	usageUnknown bisUsage = iota
	// usageNone: no test, build or script file refers to it: a payload
	// container rather than a test input.
	usageNone
	// usageBuild: only build files name it, no test reads it.
	usageBuild
	// usageFolder: a test or script reads its folder, or a glob of it.
	usageFolder
	// usageNamed: a test or script names it.
	usageNamed
	// usageNamedHere: a test or script that the change adds or changes
	// names it.
	usageNamedHere
)

// bisReaders is what refers to one fixture.
type bisReaders struct {
	usage bisUsage
	// by is the file that makes usage (the first one found), token the
	// text there that names the fixture.
	by, token string
	// build is a build file the change touches that refers to it.
	build string
	// added is a build file whose lines the change adds name it.
	added string
}

// bisMaxFixtures bounds how many fixtures of one change are looked up
// in the tree; the others are judged as if there were no tree.
const bisMaxFixtures = 256

// bisFixtureReaders looks, in the tree the change leaves, for the test,
// build and script files that refer to each fixture (paths): one pass
// over their text (see bisRefs). Without a tree, or when the tree is
// beyond its bounds, what it found is kept and the rest is unknown: a
// reference found in part of the tree is still one, its absence is not
// known. Build files the change touches are also read from the diff, so
// that a change set without a tree still tells a build edit that names
// its fixture.
func bisFixtureReaders(pass *guard.Pass, j *bisJudge, paths []string) []bisReaders {
	out := make([]bisReaders, len(paths))
	if len(paths) == 0 {
		return out
	}
	refs := newBisRefs(paths, j.fixtures)
	for i := range pass.Files {
		f := &pass.Files[i]
		if f.Status == guard.Deleted || !j.isBuild(i) {
			continue
		}
		for _, l := range f.AddedLines {
			refs.scan(f.Path, l.Text, func(k int, _ bisRefKind, _ string) {
				if out[k].build == "" {
					out[k].build, out[k].added = f.Path, f.Path
				}
			})
		}
	}
	if pass.Tree == nil {
		return out
	}
	complete := true
	err := pass.Tree.Texts(j.reader, func(p, text string) bool {
		refs.scan(p, text, func(k int, kind bisRefKind, tok string) {
			out[k].add(j, p, kind, tok)
		})
		return true
	})
	if err != nil {
		complete = false
		if !errors.Is(err, guard.ErrTreeLimit) {
			j.treeErr = err
		}
	}
	for k := range out {
		if out[k].usage == usageUnknown && complete {
			out[k].usage = usageNone
		}
	}
	return out
}

// add records a reference to the fixture from the file p.
func (r *bisReaders) add(j *bisJudge, p string, kind bisRefKind, tok string) {
	u := usageFolder
	switch {
	case j.buildPath(p):
		if j.changed[p] && r.build == "" {
			r.build = p
		}
		u = usageBuild
	case kind == refName && j.changed[p]:
		u = usageNamedHere
	case kind == refName:
		u = usageNamed
	}
	if u > r.usage {
		r.usage, r.by, r.token = u, p, tok
	}
}

// bisDocNames are base names of documentation, which may name a
// fixture without reading it.
var bisDocNames = map[string]bool{"readme": true, "changelog": true, "changes": true, "news": true,
	"authors": true, "license": true, "copying": true, "notice": true, "history": true, "todo": true}

// bisDocExts are extensions of documentation and prose.
var bisDocExts = map[string]bool{".md": true, ".markdown": true, ".txt": true, ".rst": true, ".adoc": true,
	".html": true, ".htm": true, ".tex": true, ".org": true, ".pod": true, ".1": true, ".3": true, ".man": true}

// bisScriptExts are extensions of scripts, which are readers wherever
// they are.
var bisScriptExts = bisLowerSet(strings.Fields(".sh .bash .zsh .ksh .fish .ps1 .psm1 .bat .cmd .py .pl .rb " +
	".js .mjs .cjs .ts .lua .tcl .mk .cmake .just"))

// isReader says whether the file at p can read a fixture: a script, a
// file of tests (code, data or configuration, not documentation), a
// build file or a CI workflow.
func (j *bisJudge) isReader(p string) bool {
	base := path.Base(p)
	lower := strings.ToLower(base)
	ext := path.Ext(lower)
	switch {
	case bisDocExts[ext] || bisDocNames[strings.TrimSuffix(lower, ext)] || bisNotReader(lower):
		return false
	case bisScriptExts[ext] || lower == "justfile" || bisTestPath(p) || j.buildMatch(p):
		return true
	case j.pass.Classifier == nil:
		return false
	}
	cats := j.pass.Classifier.Categories(p)
	return slices.Contains(cats, guard.CategoryBuild) || slices.Contains(cats, guard.CategoryCI)
}

// bisNotReader says whether a base name (lowercase) is of a file that
// names paths without reading them: ignore lists and attributes.
func bisNotReader(base string) bool {
	return strings.HasSuffix(base, "ignore") || base == ".gitattributes" || base == "codeowners"
}

// bisTestPath says whether p is a file of tests: its path speaks of
// tests, specs, fixtures, benchmarks or fuzzing.
func bisTestPath(p string) bool {
	lower := strings.ToLower(p)
	for _, w := range []string{"test", "spec", "fixture", "bench", "fuzz"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}
