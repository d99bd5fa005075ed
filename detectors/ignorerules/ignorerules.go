package ignorerules

import (
	"fmt"
	"path"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/testpath"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.ignore-rules.settings.
type Settings struct {
	// generated are base-name globs of generated build files that
	// .gitignore, .dockerignore and review attributes ordinarily list;
	// hiding them is not reported (leaving them out of an archive is).
	Generated []string `setting:"generated"`
	// generated_with are base-name globs of build files that are
	// generated in some projects and written by hand in others
	// (Makefile): hiding them is not reported when the change shows
	// that they are generated here, by another rule hiding a generated
	// file or by a generator (Makefile.am, configure.ac, CMakeLists.txt,
	// a NAME.in template) among the changed files.
	GeneratedWith []string `setting:"generated_with"`
	// review_attributes are the .gitattributes attributes that hide a
	// file's changes from review.
	ReviewAttributes []string `setting:"review_attributes"`
	// script_dirs are folder names whose shell scripts are build scripts.
	ScriptDirs []string `setting:"script_dirs"`
}

// Detector is the ignore-rules detector.
var Detector = &guard.Detector{
	Name: "ignore-rules",
	Doc: "Reports a rule added to .gitignore, .gitattributes (export-ignore, -diff, binary, " +
		"linguist-generated), .dockerignore or .npmignore that hides build, deploy, CI or dependency " +
		"files: a release can then carry a file the repository never shows (xz-utils 2024: " +
		"build-to-host.m4), or a file of the repository never reaches the package users check. High for " +
		"m4 macros, configure and install scripts; ordinary ignores (build output, generated files, lock " +
		"files) are not reported.",
	Severity: guard.Medium,
	Settings: &Settings{
		Generated: []string{"Makefile.in", "configure", "config.status",
			"config.log", "config.cache", "config.h.in", "config.guess", "config.sub",
			"aclocal.m4", "libtool", "ltmain.sh", "install-sh", "missing", "depcomp", "compile", "ar-lib",
			"test-driver", "ylwrap", "mkinstalldirs", "stamp-h*", "libtool.m4", "ltoptions.m4", "ltsugar.m4",
			"ltversion.m4", "lt~obsolete.m4", "CMakeCache.txt", "cmake_install.cmake", "cmake_uninstall.cmake",
			"CTestTestfile.cmake", "CPackConfig.cmake", "CPackSourceConfig.cmake", "install_manifest.txt",
			"CMakeUserPresets.json", "compile_commands.json", "build.ninja", "docker-compose.override.y*ml",
			"compose.override.y*ml", "local.properties"},
		GeneratedWith:    []string{"Makefile", "makefile", "GNUmakefile", "config.h", "config.mk"},
		ReviewAttributes: []string{"-diff", "binary", "linguist-generated", "linguist-generated=true"},
		ScriptDirs: []string{"scripts", "script", "build-aux", "tools", "hack", "ci", "bin", ".github", ".circleci",
			"packaging", "release"},
	},
	Run: run,
}

// maxShown is how many hiding rules of one file a finding names; the
// others are counted.
const maxShown = 10

// hit is a rule that hides build inputs.
type hit struct {
	rule
	hidden
	untracks string // a file the change stops tracking that the rule matches
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	c := &classifier{cls: pass.Classifier, generated: set.Generated, generatedWith: set.GeneratedWith,
		scriptDirs: set.ScriptDirs, templates: map[string]bool{}}
	var gone, added []string // paths the change removes and adds
	for _, f := range pass.Files {
		if f.Status == guard.Added || f.Status == guard.Renamed {
			added = append(added, f.Path)
		}
		if strings.HasSuffix(f.Path, ".in") && f.Status != guard.Deleted {
			c.templates[f.Path] = true
		}
		c.generators = c.generators || isGenerator(f.Path)
		switch f.Status {
		case guard.Deleted:
			gone = append(gone, f.Path)
		case guard.Renamed:
			gone = append(gone, f.OldPath)
		}
	}
	for i := range pass.Files {
		f := &pass.Files[i]
		k := kindOf(f.Path)
		if k == notIgnoreFile || f.Status == guard.Deleted || !f.Diffed() || inDepsFolder(f.Path) || testpath.Match(f.Path) {
			continue
		}
		if hits := fileHits(f, k, c, set.ReviewAttributes, changed{gone, added}); len(hits) > 0 {
			report(pass, f, hits)
		}
	}
}

// changed are the paths a change removes from the repository and adds
// to it.
type changed struct{ gone, added []string }

// fileHits returns the new rules of an ignore file that hide build
// inputs, the most severe first. A rule the change only moves (its line
// is among the deleted ones) is not new; a .gitignore rule matching a
// file the change adds hides nothing, since git keeps showing a file it
// tracks.
func fileHits(f *guard.FileChange, k fileKind, c *classifier, review []string, ch changed) []hit {
	old := map[string]bool{}
	for _, l := range f.DeletedLines {
		old[strings.Join(strings.Fields(l.Text), " ")] = true
	}
	dir := path.Dir(f.Path)
	var rules []rule
	var targets []target
	c.fileGenerated = false
	for _, l := range f.AddedLines {
		r, ok := parseRule(k, l.Text, review)
		if !ok || old[strings.Join(strings.Fields(l.Text), " ")] {
			continue
		}
		t, ok := targetOf(r.pattern, dir)
		if !ok {
			continue
		}
		r.line = l.Number
		rules, targets = append(rules, r), append(targets, t)
		for _, p := range t.paths {
			c.fileGenerated = c.fileGenerated || matchesAny(c.generated, path.Base(p))
		}
	}
	var hits []hit
	for i, r := range rules {
		t := targets[i]
		h, ok := c.classify(t, r.effect)
		if !ok {
			continue
		}
		x := hit{rule: r, hidden: h}
		if i < 2*maxShown {
			if r.effect == untracked && firstMatch(r.pattern, dir, ch.added) != "" {
				continue
			}
			x.untracks = firstMatch(r.pattern, dir, ch.gone)
			if x.untracks != "" {
				x.sev = guard.High
			}
		}
		hits = append(hits, x)
	}
	sortHits(hits)
	return hits
}

// firstMatch returns the first of paths that the pattern matches.
func firstMatch(pattern, dir string, paths []string) string {
	for _, p := range paths {
		if matches(pattern, dir, p) {
			return p
		}
	}
	return ""
}

// sortHits puts the most severe first, keeping the order of lines.
func sortHits(hits []hit) {
	for i := 1; i < len(hits); i++ {
		for j := i; j > 0 && hits[j].sev > hits[j-1].sev; j-- {
			hits[j], hits[j-1] = hits[j-1], hits[j]
		}
	}
}

// consequences say what hiding does, per effect.
var consequences = map[effect]string{
	untracked: "git stops showing copies of them that are not committed, so a release built from a " +
		"working tree can carry one that the repository never shows",
	archived:   "git archive and GitHub's release tarballs leave them out, so what users download differs from what the repository shows",
	unreviewed: "their changes show no diff in review",
	dockerOut:  "the Docker build context leaves them out, so images are built without what the repository shows",
	npmOut:     "the published package leaves them out, so users cannot read the install scripts they run",
}

func report(pass *guard.Pass, f *guard.FileChange, hits []hit) {
	top := hits[0]
	msg := fmt.Sprintf("Adds %q to %s, which hides %s: %s.", top.text, f.Path, top.what, consequences[top.effect])
	if top.untracks != "" {
		msg += fmt.Sprintf(" The change also deletes %s, which the rule matches: the file leaves the repository "+
			"and will not show again.", top.untracks)
	}
	switch n := len(hits) - 1; {
	case n == 1:
		msg += " 1 more rule hides build inputs."
	case n > 1:
		msg += fmt.Sprintf(" %d more rules hide build inputs.", n)
	}
	var ev []string
	for _, h := range hits[:min(len(hits), maxShown)] {
		ev = append(ev, fmt.Sprintf("line %d: %s (%s)", h.line, h.text, h.what))
	}
	if len(hits) > maxShown {
		ev = append(ev, fmt.Sprintf("and %d more", len(hits)-maxShown))
	}
	pass.Report(guard.Finding{
		Severity: top.sev,
		Score:    0.4 + 0.1*float64(top.sev),
		Path:     f.Path,
		Line:     top.line,
		Message:  msg,
		Evidence: ev,
	})
}
