package dependencychange

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// This file judges the dependencies a manifest adds or changes: ordinary
// changes (a new dependency, a bump, a wider range, an override to
// another version) are low; a source that is neither the dependency's
// upstream nor already used, and a typosquat-shaped name, are not.

// depDiff compares the added side of a manifest with its deleted side.
type depDiff struct {
	pass *guard.Pass
	file *guard.FileChange
	eco  depEco
	max  int
	ch   *depChange
	// quiet are the added dependencies past max, summarized at the end.
	quiet     []string
	quietLine int
	reported  int
	author    depAuthor // the change's author
}

func (d *depDiff) run(added, old depFile) {
	oldDeps := depIndex(old.deps)
	var indirect []string
	var firstIndirect int
	if d.eco == depSubmodules {
		d.submodules(added.deps, oldDeps)
		added.deps = nil
	}
	for _, e := range added.deps {
		if e.indirect && oldDeps[e.name] == nil {
			if firstIndirect == 0 {
				firstIndirect = e.line.Number
			}
			indirect = append(indirect, e.name)
			continue
		}
		d.dep(e, oldDeps[e.name])
	}
	d.scripts(added.scripts, depIndex(old.scripts))
	d.registries(added.registry, depIndex(old.registry))
	if len(d.quiet) > 0 {
		d.report(guard.Low, d.quietLine, fmt.Sprintf("%s also adds %s: %s.", path.Base(d.file.Path),
			depCount(len(d.quiet), "more "), explain.List(d.quiet, 8)), nil)
	}
	if len(indirect) > 0 {
		d.report(guard.Info, firstIndirect, fmt.Sprintf("go.mod adds %s: %s.",
			explain.Plural(len(indirect), "indirect requirement"), explain.List(indirect, 8)), nil)
	}
}

// depCount renders "1 more dependency" or "n more dependencies".
func depCount(n int, adj string) string {
	if n == 1 {
		return "1 " + adj + "dependency"
	}
	return fmt.Sprintf("%d %sdependencies", n, adj)
}

func depIndex(es []depEntry) map[string]*depEntry {
	m := make(map[string]*depEntry, len(es))
	for i := range es {
		if m[es[i].name] == nil {
			m[es[i].name] = &es[i]
		}
	}
	return m
}

func (d *depDiff) report(sev guard.Severity, line int, msg string, l *guard.Line, ev ...string) {
	if l != nil {
		ev = append([]string{explain.Line(*l)}, ev...)
	}
	depReport(d.pass, d.file.Path, sev, line, msg, ev...)
}

// depReport reports a finding of the detector on a file.
func depReport(pass *guard.Pass, p string, sev guard.Severity, line int, msg string, ev ...string) {
	pass.Report(guard.Finding{
		Severity: sev,
		Score:    0.2 + 0.15*float64(sev),
		Path:     p,
		Line:     line,
		Message:  msg,
		Evidence: ev,
	})
}

// dep judges one added dependency against its old entry, if any.
func (d *depDiff) dep(e depEntry, old *depEntry) {
	if old != nil && old.spec == e.spec && old.patch == e.patch {
		return // moved or reformatted
	}
	if old == nil && d.typosquat(e) {
		return
	}
	where := ""
	if e.section != "" && e.section != "?" {
		where = " in " + e.section
	}
	if kind, what := depSource(d.eco, e); kind != "" {
		d.sourced(e, old, where, kind, what)
		return
	}
	switch {
	case e.patch:
		d.report(guard.Low, e.line.Number, fmt.Sprintf("Overrides the dependency %s%s with %s.", e.name, where,
			depQuote(e.spec)), &e.line)
	case old == nil:
		d.added(e, where)
	case depRank(d.eco, e.spec) > depRank(d.eco, old.spec):
		d.report(guard.Low, e.line.Number, fmt.Sprintf("Widens the version range of %s from %s to %s: "+
			"new releases install without a change here.", e.name, depQuote(old.spec), depQuote(e.spec)), &e.line,
			fmt.Sprintf("old line %d: %s", old.line.Number, strings.TrimSpace(old.line.Text)))
	}
}

// added reports a new dependency from the registry, folding those past
// the cap into one summary.
func (d *depDiff) added(e depEntry, where string) {
	if d.max > 0 && d.reported >= d.max {
		if len(d.quiet) == 0 {
			d.quietLine = e.line.Number
		}
		d.quiet = append(d.quiet, e.name)
		return
	}
	d.reported++
	spec := ""
	if e.spec != "" {
		spec = " " + depQuote(e.spec)
	}
	d.report(guard.Low, e.line.Number, fmt.Sprintf("Adds the dependency %s%s%s.", e.name, spec, where), &e.line)
}

// The kinds of source depSource tells.
const (
	depSrcAlias    = "an alias of another package"
	depSrcGit      = "a git repository"
	depSrcURL      = "a URL"
	depSrcRegistry = "an alternate registry"
	depSrcGitHub   = "a GitHub repository"
	depSrcLocal    = "a local path"
	depSrcFork     = "a fork"
)

// sourced judges a dependency fetched from outside the registry: low
// when its source is already used or is its upstream, medium for an
// unrelated alias or a path out of the tree, high otherwise.
func (d *depDiff) sourced(e depEntry, old *depEntry, where, kind, what string) {
	key := depSpecKey(d.eco, e)
	switch kind {
	case depSrcAlias:
		d.alias(e, where)
		return
	case depSrcLocal:
		sev := guard.Low
		if depOutsideTree(e.spec) {
			sev = guard.Medium
		}
		d.report(sev, e.line.Number, fmt.Sprintf("Overrides the dependency %s%s with %s (%s): every use of it "+
			"in the build gets this code instead.", e.name, where, kind, e.spec), &e.line)
		return
	}
	used := d.ch.usedBefore(d.eco, key)
	if used == "" && key != "" && old != nil && depSpecKey(d.eco, *old) == key {
		used = "which it came from before"
	}
	switch {
	case used != "":
		d.report(guard.Low, e.line.Number, fmt.Sprintf("Takes the dependency %s%s from %s (%s), %s.",
			e.name, where, key, e.spec, used), &e.line)
	case key != "" && kind != depSrcRegistry && depUpstream(e.name, key):
		d.report(guard.Low, e.line.Number, fmt.Sprintf("Takes the dependency %s%s from its upstream repository "+
			"%s (%s) rather than the registry.", e.name, where, key, e.spec), &e.line)
	case e.patch:
		sev, note := d.author.outside()
		d.report(sev, e.line.Number, fmt.Sprintf("Overrides the dependency %s%s with %s (%s): every use "+
			"of it in the build gets this code instead.%s", e.name, where, kind, e.spec, note), &e.line)
	default:
		prep, verb := "from", "Adds"
		if old != nil {
			prep, verb = "to", "Switches"
		}
		sev, note := d.author.outside()
		d.report(sev, e.line.Number, fmt.Sprintf("%s the dependency %s%s %s %s (%s): %s.%s",
			verb, e.name, where, prep, kind, e.spec, what, note), &e.line)
	}
}

// alias judges an npm alias ("name": "npm:other@range"): low when the
// names are of one package, high when the target is a typosquat,
// medium otherwise.
func (d *depDiff) alias(e depEntry, where string) {
	target := depAliasTarget(e.spec)
	if near, ok := depTyposquat(d.eco, target, d.known()); ok {
		d.report(guard.High, e.line.Number, fmt.Sprintf("Adds the dependency %s%s as an alias of %s, one "+
			"character away from %s: the name in the code is not the package installed.", e.name, where,
			target, near), &e.line)
		return
	}
	sev := guard.Medium
	if depRelated(e.name, target) {
		sev = guard.Low
	}
	d.report(sev, e.line.Number, fmt.Sprintf("Adds the dependency %s%s as an alias of %s (%s): the name in "+
		"the code is not the package installed.", e.name, where, target, e.spec), &e.line)
}

// depAliasTarget returns the package an "npm:name@range" spec installs.
func depAliasTarget(spec string) string {
	t := strings.TrimPrefix(strings.TrimSpace(spec), "npm:")
	if i := strings.LastIndexByte(t, '@'); i > 0 {
		t = t[:i]
	}
	return t
}

// depRelated reports whether one name contains the other's words: an
// alias of a package under its own name ("string-width-cjs" for
// "string-width").
func depRelated(a, b string) bool {
	ta, tb := depNameTokens(a), depNameTokens(b)
	return len(ta) > 0 && len(tb) > 0 && (depSubset(ta, tb) || depSubset(tb, ta))
}

func depSubset(a, b []string) bool {
	for _, x := range a {
		found := false
		for _, y := range b {
			found = found || x == y
		}
		if !found {
			return false
		}
	}
	return true
}

// depOutsideTree reports whether a local path spec leaves the
// repository.
func depOutsideTree(spec string) bool {
	s := strings.TrimSpace(spec)
	for _, p := range []string{"path =", "file:", "link:"} {
		s = strings.TrimSpace(strings.TrimPrefix(s, p))
	}
	return strings.HasPrefix(s, "../") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~")
}

// depSpecKey returns the source key of a dependency's spec, "" when it
// names no remote source.
func depSpecKey(eco depEco, e depEntry) string {
	s := strings.TrimSpace(e.spec)
	switch {
	case eco == depGoMod:
		return depGoModuleKey(s)
	case eco == depNPM && depGitHubShorthand.MatchString(strings.ToLower(s)):
		repo, _, _ := strings.Cut(s, "#")
		return depRepoKey("github.com", repo)
	}
	if ks := depSourceKeys(s); len(ks) > 0 {
		return ks[0]
	}
	return ""
}

// depSource says whether a spec fetches code from outside the registry,
// and what follows from it.
func depSource(eco depEco, e depEntry) (kind, consequence string) {
	s := strings.ToLower(e.spec)
	const moving = "its code comes from outside the registry and can change without a change here"
	switch {
	case strings.HasPrefix(s, "npm:"):
		return depSrcAlias, "the name in the code is not the package installed"
	case strings.Contains(s, "git+") || strings.HasPrefix(s, "git:") || strings.Contains(s, "git =") ||
		strings.HasPrefix(s, "github:") || strings.HasPrefix(s, "gitlab:") || strings.HasPrefix(s, "bitbucket:") ||
		strings.HasSuffix(s, ".git"):
		return depSrcGit, moving
	case strings.Contains(s, "://"):
		return depSrcURL, moving
	case strings.Contains(s, "registry ="):
		return depSrcRegistry, "a package there may shadow the public one"
	case eco == depNPM && depGitHubShorthand.MatchString(s):
		return depSrcGitHub, moving
	case e.patch && (strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || strings.HasPrefix(s, "/") ||
		strings.HasPrefix(s, "path =") || strings.HasPrefix(s, "file:") || strings.HasPrefix(s, "link:")):
		return depSrcLocal, "the build uses code from the tree instead of the module"
	case eco == depGoMod && e.patch && !strings.HasPrefix(s, strings.ToLower(depFirstField(e.name))+" ") &&
		!strings.HasPrefix(s, "v") && s != strings.ToLower(depFirstField(e.name)):
		return depSrcFork, "the build uses another module's code under this name"
	}
	return "", ""
}

func depFirstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

var depGitHubShorthand = regexp.MustCompile(`^[a-z0-9][\w.-]*/[\w.-]+(#\S*)?$`)

// depRank orders version specs from exact (0) to unbounded (3).
func depRank(eco depEco, spec string) int {
	s := strings.TrimSpace(strings.Trim(strings.TrimSpace(spec), `"'`))
	switch {
	case s == "" || s == "*" || s == "latest" || s == "x" || strings.Contains(s, "||"):
		return 3
	case strings.HasPrefix(s, "=="):
		if strings.Contains(s, "*") {
			return 1
		}
		return 0
	case strings.HasPrefix(s, "~="), strings.HasPrefix(s, "~"):
		return 1
	case strings.HasPrefix(s, "^"):
		return 2
	case strings.ContainsAny(s, "<>"):
		if strings.Contains(s, "<") && strings.Contains(s, ">") {
			return 2
		}
		return 3
	case strings.HasSuffix(s, ".x") || strings.HasSuffix(s, ".*"):
		return 3 - strings.Count(s, ".")
	case strings.HasPrefix(s, "="):
		return 0
	case eco == depCargo && s[0] >= '0' && s[0] <= '9':
		return 2 // Cargo reads "1.2.3" as ^1.2.3
	case eco == depPip:
		return 3
	}
	return 0
}

func depQuote(s string) string {
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// submodules reports new submodules (low: a dependency by name) and
// submodules pointed at another repository (high). A url line whose
// section header is unchanged is named "?" on both sides.
func (d *depDiff) submodules(added []depEntry, old map[string]*depEntry) {
	for _, e := range added {
		o := old[e.name]
		switch {
		case o != nil && (o.spec == e.spec || depSourceKey(o.spec) == depSourceKey(e.spec)):
		case o != nil:
			d.report(guard.High, e.line.Number, fmt.Sprintf("Points a submodule at %s instead of %s: the code "+
				"checked out for it now comes from another repository.", e.spec, o.spec), &e.line,
				fmt.Sprintf("old line %d: %s", o.line.Number, strings.TrimSpace(o.line.Text)))
		default:
			d.report(guard.Low, e.line.Number, fmt.Sprintf("Adds the submodule %s from %s: the code at its "+
				"pinned commit does not appear in this diff.", e.name, e.spec), &e.line)
		}
	}
}
