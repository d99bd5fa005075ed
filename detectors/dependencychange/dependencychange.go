package dependencychange

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.dependency-change.settings.
type Settings struct {
	// max_per_file caps the findings about added dependencies per
	// manifest; the rest are folded into one summary finding.
	MaxPerFile int `setting:"max_per_file"`
	// lock_sources are URL prefixes that lock files may resolve
	// packages from without a finding.
	LockSources []string `setting:"lock_sources"`
}

// Detector is the dependency-change detector.
var Detector = &guard.Detector{
	Name: "dependency-change",
	// No hunk: registry files (.npmrc, pip.conf) may carry auth tokens.
	NoContext: true,
	Doc: "Reports dependency changes by name: each dependency added to a manifest (npm, Go, Cargo, " +
		"pip, Poetry, submodules), version ranges widened from an exact pin, dependencies fetched " +
		"from git or a URL, new install scripts and changed package registries; lock files are " +
		"summarized per file, with packages resolved from unexpected sources called out.",
	Severity: guard.Low,
	Settings: &Settings{
		MaxPerFile: 25,
		LockSources: []string{"https://registry.npmjs.org/", "https://registry.yarnpkg.com/",
			"https://pypi.org/", "https://files.pythonhosted.org/",
			"registry+https://github.com/rust-lang/crates.io-index", "sparse+https://index.crates.io/",
			"https://rubygems.org/", "https://repo.packagist.org/", "https://proxy.golang.org/"},
	},
	Run: run,
}

// depEco names the kind of a dependency file.
type depEco int

const (
	depNone depEco = iota
	depNPM
	depGoMod
	depCargo
	depPip
	depPyproject // pyproject.toml and Pipfile
	depSubmodules
	depRegistry
	depLock
)

// depKindOf tells which parser reads a path.
func depKindOf(p string) depEco {
	base := path.Base(p)
	dir := path.Base(path.Dir(p))
	switch base {
	case "package.json":
		return depNPM
	case "go.mod":
		return depGoMod
	case "Cargo.toml":
		return depCargo
	case "pyproject.toml", "Pipfile":
		return depPyproject
	case ".gitmodules":
		return depSubmodules
	case ".npmrc", ".yarnrc", ".yarnrc.yml", "pip.conf", "pip.ini", "bunfig.toml", ".pnpmrc":
		return depRegistry
	case "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "go.sum", "Cargo.lock",
		"poetry.lock", "uv.lock", "Pipfile.lock", "composer.lock", "Gemfile.lock":
		return depLock
	}
	if dir == ".cargo" && (base == "config.toml" || base == "config") {
		return depRegistry
	}
	ext := path.Ext(base)
	if (ext == ".txt" || ext == ".in") && (strings.Contains(base, "requirements") ||
		strings.HasPrefix(base, "constraints") || dir == "requirements") {
		return depPip
	}
	return depNone
}

// depEntry is one dependency named on a manifest line.
type depEntry struct {
	name, spec string
	section    string
	line       guard.Line
	// patch marks an override of another dependency (go replace, Cargo
	// [patch], npm overrides/resolutions).
	patch    bool
	indirect bool
}

// depFile is what a parser reports about one side (added or deleted) of a
// manifest.
type depFile struct {
	deps     []depEntry
	scripts  []depEntry // npm install-time scripts: name is the hook
	registry []depEntry // registry settings: name is the key, spec the value
}

// depParse reads one side of a manifest.
func depParse(eco depEco, lines []guard.Line, fromTop bool) depFile {
	switch eco {
	case depNPM:
		return depParseNPM(lines, fromTop)
	case depGoMod:
		return depParseGoMod(lines)
	case depCargo, depPyproject:
		return depParseTOML(eco, lines, fromTop)
	case depPip:
		return depParsePip(lines)
	case depSubmodules:
		return depParseSubmodules(lines)
	case depRegistry:
		return depParseRegistry(lines)
	}
	return depFile{}
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	limit := set.MaxPerFile
	sources := set.LockSources
	for i := range pass.Files {
		f := &pass.Files[i]
		if f.Status == guard.Deleted || len(f.AddedLines) == 0 {
			continue
		}
		switch eco := depKindOf(f.Path); eco {
		case depNone:
		case depLock:
			depLockSummary(pass, f, sources)
		default:
			d := depDiff{pass: pass, file: f, eco: eco, max: limit}
			d.run()
		}
	}
}

// depDiff compares the added side of a manifest with its deleted side.
type depDiff struct {
	pass *guard.Pass
	file *guard.FileChange
	eco  depEco
	max  int
	// quiet are the added dependencies past max, summarized at the end.
	quiet     []string
	quietLine int
	reported  int
}

func (d *depDiff) run() {
	fromTop := d.file.Status == guard.Added
	added := depParse(d.eco, d.file.AddedLines, fromTop)
	old := depParse(d.eco, d.file.DeletedLines, false)
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
	d.pass.Report(guard.Finding{
		Severity: sev,
		Score:    0.2 + 0.15*float64(sev),
		Path:     d.file.Path,
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
	where := ""
	if e.section != "" && e.section != "?" {
		where = " in " + e.section
	}
	src, what := depSource(d.eco, e)
	switch {
	case e.patch:
		sev, with := guard.Medium, depQuote(e.spec)
		if src != "" {
			sev, with = guard.High, fmt.Sprintf("%s (%s)", src, e.spec)
		}
		d.report(sev, e.line.Number, fmt.Sprintf("Overrides the dependency %s%s with %s: every use of it "+
			"in the build gets this code instead.", e.name, where, with), &e.line)
	case src != "":
		prep := "from"
		switch {
		case strings.HasPrefix(src, "an alias"):
			prep = "as"
		case old != nil:
			prep = "to"
		}
		verb := "Adds"
		if old != nil {
			verb = "Switches"
		}
		d.report(guard.High, e.line.Number, fmt.Sprintf("%s the dependency %s%s %s %s (%s): %s.",
			verb, e.name, where, prep, src, e.spec, what), &e.line)
	case old == nil:
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
	case depRank(d.eco, e.spec) > depRank(d.eco, old.spec):
		d.report(guard.Medium, e.line.Number, fmt.Sprintf("Widens the version range of %s from %s to %s: "+
			"new releases, including a compromised one, install without a change here.",
			e.name, depQuote(old.spec), depQuote(e.spec)), &e.line, fmt.Sprintf("old line %d: %s",
			old.line.Number, strings.TrimSpace(old.line.Text)))
	}
}

// depSource says whether a spec fetches code from outside the registry,
// and what follows from it.
func depSource(eco depEco, e depEntry) (kind, consequence string) {
	s := strings.ToLower(e.spec)
	const moving = "its code comes from outside the registry and can change without a change here"
	switch {
	case strings.HasPrefix(s, "npm:"):
		return "an alias of another package", "the name in the code is not the package installed"
	case strings.Contains(s, "git+") || strings.HasPrefix(s, "git:") || strings.Contains(s, "git =") ||
		strings.HasPrefix(s, "github:") || strings.HasPrefix(s, "gitlab:") || strings.HasPrefix(s, "bitbucket:") ||
		strings.HasSuffix(s, ".git"):
		return "a git repository", moving
	case strings.Contains(s, "://"):
		return "a URL", moving
	case strings.Contains(s, "registry ="):
		return "an alternate registry", "a package there may shadow the public one"
	case eco == depNPM && depGitHubShorthand.MatchString(s):
		return "a GitHub repository", moving
	case e.patch && (strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || strings.HasPrefix(s, "/") ||
		strings.HasPrefix(s, "path =") || strings.HasPrefix(s, "file:") || strings.HasPrefix(s, "link:")):
		return "a local path", "the build uses code from the tree instead of the module"
	case eco == depGoMod && e.patch && !strings.HasPrefix(s, strings.ToLower(depFirstField(e.name))+" ") &&
		!strings.HasPrefix(s, "v"):
		return "a fork", "the build uses another module's code under this name"
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

// depInstallHooks are npm lifecycle scripts that run when the package or
// the project is installed.
var depInstallHooks = map[string]bool{"preinstall": true, "install": true, "postinstall": true,
	"prepare": true, "prepublish": true, "preprepare": true, "postprepare": true, "prepack": true}

// submodules reports new submodules and submodules pointed elsewhere. A
// url line whose section header is unchanged is named "?" on both sides.
func (d *depDiff) submodules(added []depEntry, old map[string]*depEntry) {
	for _, e := range added {
		o := old[e.name]
		switch {
		case o != nil && o.spec == e.spec:
		case o != nil:
			d.report(guard.High, e.line.Number, fmt.Sprintf("Points a submodule at %s instead of %s: the code "+
				"checked out for it now comes from another repository.", e.spec, o.spec), &e.line,
				fmt.Sprintf("old line %d: %s", o.line.Number, strings.TrimSpace(o.line.Text)))
		default:
			d.report(guard.Medium, e.line.Number, fmt.Sprintf("Adds the submodule %s from %s: the code at its "+
				"pinned commit does not appear in this diff.", e.name, e.spec), &e.line)
		}
	}
}

func (d *depDiff) scripts(added []depEntry, old map[string]*depEntry) {
	for _, e := range added {
		o := old[e.name]
		if o != nil && o.spec == e.spec {
			continue
		}
		verb := "Adds"
		if o != nil {
			verb = "Changes"
		}
		d.report(guard.High, e.line.Number, fmt.Sprintf("%s the %s script %s, which runs on every npm install.",
			verb, e.name, depQuote(e.spec)), &e.line)
	}
}

func (d *depDiff) registries(added []depEntry, old map[string]*depEntry) {
	for _, e := range added {
		if o := old[e.name]; o != nil && o.spec == e.spec {
			continue
		}
		msg := fmt.Sprintf("Sets %s to %s in %s: packages may now come from there, and one published under a "+
			"private package's name can take its place (dependency confusion).", e.name, depQuote(e.spec),
			path.Base(d.file.Path))
		if strings.EqualFold(e.name, "strict-ssl") || strings.EqualFold(e.name, "trusted-host") ||
			strings.EqualFold(e.name, "unsafeHttpWhitelist") {
			msg = fmt.Sprintf("Sets %s to %s in %s, turning off TLS checks for package downloads.",
				e.name, depQuote(e.spec), path.Base(d.file.Path))
		}
		d.report(guard.High, e.line.Number, msg, &e.line)
	}
}
