package dependencychange

import (
	"path"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/vendorpath"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.dependency-change.settings.
type Settings struct {
	// max_per_file caps the findings about added dependencies per
	// manifest; the rest are folded into one summary finding.
	MaxPerFile int `setting:"max_per_file"`
	// lock_sources are URL prefixes that lock files may resolve
	// packages from without a finding; the scheme (http or https) of a
	// prefix does not matter.
	LockSources []string `setting:"lock_sources"`
	// known_packages are package names, besides the built-in list of
	// popular ones, that a new dependency one typo away from is reported
	// as a possible typosquat (an internal package's name, say).
	KnownPackages []string `setting:"known_packages"`
	// maintainer_commits is how many commits in the repository make its
	// author a maintainer, whose git and fork sources are low while the
	// author is active (0: nobody is).
	MaintainerCommits int `setting:"maintainer_commits"`
	// maintainer_active_days is how long a maintainer may have been
	// silent and still count as active.
	MaintainerActiveDays int `setting:"maintainer_active_days"`
	// maintainer_run_days is how long a maintainer must have been active
	// without a long silence (guard.ActiveGap) to count again.
	MaintainerRunDays int `setting:"maintainer_run_days"`
}

// Detector is the dependency-change detector.
var Detector = &guard.Detector{
	Name: "dependency-change",
	// No hunk: registry files (.npmrc, pip.conf) may carry auth tokens.
	NoContext: true,
	Doc: "Reports dependency changes by name, low when ordinary (a new dependency, a bump, a wider range, " +
		"lock churn) and medium or above for the shapes of supply-chain attacks: a dependency fetched " +
		"from a git repository, URL or path that is neither its upstream nor already used, a replace " +
		"to a fork (both low from an active maintainer of the repository), a name one typo away from a popular or present one, an install script or build " +
		"script that downloads, a changed package registry or disabled checksum database, and a lock " +
		"file resolving a package from a source that no manifest asks for.",
	Severity: guard.Low,
	Settings: &Settings{
		MaxPerFile: 25,
		LockSources: []string{"https://registry.npmjs.org/", "https://registry.yarnpkg.com/",
			"https://pypi.org/", "https://files.pythonhosted.org/",
			"registry+https://github.com/rust-lang/crates.io-index", "sparse+https://index.crates.io/",
			"https://rubygems.org/", "https://repo.packagist.org/", "https://proxy.golang.org/"},
		KnownPackages:        []string{},
		MaintainerCommits:    20,
		MaintainerActiveDays: 90,
		MaintainerRunDays:    90,
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

// depManifest is one manifest of the change, parsed.
type depManifest struct {
	file       *guard.FileChange
	eco        depEco
	added, old depFile
}

// depChange is what the detector gathers from the whole change before it
// judges each file.
type depChange struct {
	manifests []depManifest
	// keys are the source keys the manifests name, on added or deleted
	// lines; oldKeys those the manifests and lock files named before the
	// change (on deleted lines).
	keys, oldKeys map[string]bool
	// lockEcos are the ecosystems whose lock file the change edits, and
	// lockNew the source keys those lock files start to resolve from.
	lockEcos map[depEco]bool
	lockNew  map[string]bool
	// oldOwners are the forge accounts of oldKeys, built when first needed.
	oldOwners map[string]bool
	// dirs are the folders whose manifest the change edits.
	dirs map[string]bool
	// known are the dependencies the manifests keep through the change
	// (on deleted and added lines), by ecosystem, and extra the setting's
	// known_packages.
	known map[depEco][]string
	extra []string
	index map[depEco]*depTypoIndex // of known, built when first needed
}

// depGather parses the change's manifests and lock files and collects
// what judging one file needs to know of the others.
func depGather(pass *guard.Pass, set *Settings) *depChange {
	ch := &depChange{keys: map[string]bool{}, oldKeys: map[string]bool{}, lockEcos: map[depEco]bool{},
		lockNew: map[string]bool{}, dirs: map[string]bool{}, known: map[depEco][]string{},
		extra: set.KnownPackages, index: map[depEco]*depTypoIndex{}}
	for i := range pass.Files {
		f := &pass.Files[i]
		switch eco := depKindOf(f.Path); {
		case eco == depNone || vendorpath.Match(f.Path):
		case eco == depLock:
			ch.lock(f)
		default:
			ch.manifest(f, eco)
		}
	}
	return ch
}

// manifest parses one manifest of the change.
func (ch *depChange) manifest(f *guard.FileChange, eco depEco) {
	ch.dirs[path.Dir(f.Path)] = true
	m := depManifest{file: f, eco: eco, old: depParse(eco, f.DeletedLines, false)}
	if f.Status != guard.Deleted {
		m.added = depParse(eco, f.AddedLines, f.Status == guard.Added)
	}
	kept := depIndex(m.added.deps)
	for _, e := range m.old.deps {
		if kept[e.name] != nil {
			ch.known[depPopularEco(eco)] = append(ch.known[depPopularEco(eco)], e.name)
		}
		if k := depSpecKey(eco, e); k != "" && (e.patch || eco != depGoMod) {
			ch.oldKeys[k] = true
		}
	}
	for _, l := range f.DeletedLines {
		for _, k := range depSourceKeys(l.Text) {
			ch.keys[k], ch.oldKeys[k] = true, true
		}
	}
	for _, l := range f.AddedLines {
		for _, k := range depSourceKeys(l.Text) {
			ch.keys[k] = true
		}
	}
	ch.manifests = append(ch.manifests, m)
}

// lock records which sources a lock file of the change resolved from
// before and which it starts to resolve from.
func (ch *depChange) lock(f *guard.FileChange) {
	base := path.Base(f.Path)
	eco := depLockEco(base)
	ch.lockEcos[eco] = true
	keys := func(t string) []string {
		if base == "go.sum" {
			if k := depGoModuleKey(t); k != "" {
				return []string{k}
			}
			return nil
		}
		return depSourceKeys(t)
	}
	for _, l := range f.DeletedLines {
		for _, k := range keys(l.Text) {
			ch.oldKeys[k] = true
		}
	}
	for _, l := range f.AddedLines {
		for _, k := range keys(l.Text) {
			ch.lockNew[k] = true
		}
	}
}

// depLockEco returns the ecosystem of a lock file's manifests.
func depLockEco(base string) depEco {
	switch base {
	case "go.sum":
		return depGoMod
	case "Cargo.lock":
		return depCargo
	case "poetry.lock", "uv.lock", "Pipfile.lock":
		return depPip
	}
	return depNPM
}

// usedBefore says whether the project already fetched code from a
// source, and how it is known: a manifest or lock file named it (or
// another repository of its owner) before the change, or the change
// edits the ecosystem's lock file and the lock does not start to resolve
// from it (so it already did). "" when it did not.
func (ch *depChange) usedBefore(eco depEco, key string) string {
	switch {
	case key == "":
		return ""
	case ch.oldKeys[key] || ch.lockEcos[depPopularEco(eco)] && !ch.lockNew[key]:
		return "which the project already fetches code from"
	}
	if ch.oldOwners == nil {
		ch.oldOwners = map[string]bool{}
		for k := range ch.oldKeys {
			ch.oldOwners[depOwnerPath(k)] = true
		}
	}
	if o := depOwnerPath(key); o != "" && ch.oldOwners[o] {
		return "whose owner " + o + " the project already fetches code from"
	}
	return ""
}

// depOwnerPath returns host/owner of a forge key, "" for other keys.
func depOwnerPath(key string) string {
	if parts := strings.Split(key, "/"); len(parts) == 3 {
		return parts[0] + "/" + parts[1]
	}
	return ""
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	ch := depGather(pass, set)
	author := depStanding(pass, set)
	for _, m := range ch.manifests {
		if m.file.Status == guard.Deleted || len(m.file.AddedLines) == 0 {
			continue
		}
		d := depDiff{pass: pass, file: m.file, eco: m.eco, max: set.MaxPerFile, ch: ch, author: author}
		d.run(m.added, m.old)
	}
	for i := range pass.Files {
		f := &pass.Files[i]
		if f.Status == guard.Deleted || len(f.AddedLines) == 0 || vendorpath.Match(f.Path) {
			continue
		}
		switch depKindOf(f.Path) {
		case depLock:
			depLockSummary(pass, f, set.LockSources, ch, author)
		case depNone:
			depBuildScript(pass, f)
			if depEnvFile(pass, i) {
				depRegistryEnv(pass, f)
			}
		}
	}
}
