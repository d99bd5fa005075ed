package sabotage

import (
	"fmt"
	"path"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/testpath"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.sabotage.settings.
type Settings struct {
	// cli_dirs are folder names (at any depth) of command-line
	// programs, scripts and tools: a process may exit there, and
	// writing to shell start-up files is an installer's job.
	CLIDirs []string `setting:"cli_dirs"`
	// cli_files are base names of program entry points and build
	// scripts, with the same allowances.
	CLIFiles []string `setting:"cli_files"`
	// lower_dirs are folder names (at any depth) of examples,
	// documentation, benchmarks and vendored or generated code:
	// findings there, as in tests, are one step lower, and exits are
	// not reported.
	LowerDirs []string `setting:"lower_dirs"`
	// library_exits_medium reports exits from library code at
	// medium instead of low: for repositories that hold only
	// libraries. A program whose main package or module spans many
	// files exits from files the diff cannot tell from a library's.
	LibraryExitsMedium bool `setting:"library_exits_medium"`
}

// Detector is the sabotage detector.
var Detector = &guard.Detector{
	Name: "sabotage",
	Doc: "Reports sabotage and protestware in added code: loops that never end and do nothing " +
		"(colors.js 2022), branches on the machine's country, locale, time zone or public IP " +
		"(node-ipc, es5-ext 2022), overwriting or deleting files outside the project (the home " +
		"folder, shell start-up files, SSH keys, /etc), and, at low, library code that exits the " +
		"host process. High when a geographic branch guards one of these or a loop runs on load.",
	Severity: guard.Medium,
	Settings: &Settings{
		CLIDirs: []string{"cmd", "bin", "cli", "scripts", "script", "tools", "tool", "programs", "hack",
			"contrib", "build", "ci", ".github", ".circleci", "installer", "install"},
		CLIFiles: []string{"main.go", "main.rs", "main.c", "main.cc", "main.cpp", "__main__.py", "cli.js", "cli.ts",
			"cli.mjs", "cli.py", "cli.go", "build.rs", "setup.py", "conftest.py", "noxfile.py", "Makefile",
			"configure", "install.sh", "gulpfile.js", "Gruntfile.js", "webpack.config.js", "rollup.config.js"},
		LowerDirs: []string{"examples", "example", "samples", "sample", "demo", "demos", "docs", "doc",
			"benchmarks", "benchmark", "bench", "fuzz", "vendor", "third_party", "third-party", "node_modules",
			"dist", "mocks", "mock", "testutil", "testing"},
	},
	Run: run,
}

// The roles of a file, which decide what is allowed in it.
const (
	roleLibrary = iota // code that others run: nothing here may exit or wipe
	roleCLI            // a program or script: it may exit
	roleLower          // tests, examples, vendored code: one step lower
)

// run checks the added lines of every diffed source file.
func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	for i := range pass.Files {
		f := &pass.Files[i]
		lang := langOf(f.Path)
		if lang == langNone || !f.Diffed() || len(f.AddedLines) == 0 {
			continue
		}
		sf := &sabFile{path: f.Path, lang: lang, role: roleOf(f.Path, lang, set), exitsMedium: set.LibraryExitsMedium}
		if sf.role == roleLibrary && program(f.AddedLines) {
			sf.role = roleCLI
		}
		for _, b := range blocks(f.AddedLines) {
			sf.block(lex(lang, b))
		}
		sf.report(pass)
	}
}

// roleOf classifies a path.
func roleOf(p string, lang int, set *Settings) int {
	if testpath.Match(p) || testName(p) {
		return roleLower
	}
	dirs := strings.Split(path.Dir(p), "/")
	for _, d := range dirs {
		for _, l := range set.LowerDirs {
			if d == l {
				return roleLower
			}
		}
	}
	if lang == langShell {
		return roleCLI
	}
	base := path.Base(p)
	for _, c := range set.CLIFiles {
		if base == c {
			return roleCLI
		}
	}
	for _, d := range dirs {
		for _, c := range set.CLIDirs {
			if d == c {
				return roleCLI
			}
		}
	}
	return roleLibrary
}

// program reports added lines that make a file a program (package
// main, a main function, a script's shebang): its exits are its own.
func program(lines []guard.Line) bool {
	for _, l := range lines {
		if programMarks.find(l.Text) != "" {
			return true
		}
	}
	return false
}

// testName reports file names of tests that testpath does not know:
// tests.c, testutil.h, foo.t.sol, bench_x.c, fuzz_x.go.
func testName(p string) bool {
	base := strings.ToLower(path.Base(p))
	stem := strings.TrimSuffix(base, path.Ext(base))
	if strings.HasPrefix(stem, "test") {
		return true
	}
	for _, w := range []string{"test", "tests", "bench", "fuzz", "mock", "mocks"} {
		if stem == w || strings.HasPrefix(stem, w+"_") || strings.HasSuffix(stem, "_"+w) ||
			strings.HasPrefix(stem, w+"-") || strings.HasSuffix(stem, "-"+w) {
			return true
		}
	}
	return strings.HasSuffix(stem, ".t")
}

// The kinds of findings, in the order they are reported.
const (
	kindGeoDestroy = iota // a geographic branch around a destructive action
	kindLoop
	kindWipe
	kindGeo
	kindExit
	kindCrash
	numKinds
)

// sabAgg gathers the occurrences of one kind in one file; the strongest
// gives the message and evidence.
type sabAgg struct {
	lines    []int
	severity guard.Severity
	message  string
	evidence []string
}

// add records an occurrence.
func (a *sabAgg) add(line int, sev guard.Severity, msg string, ev ...string) {
	a.lines = append(a.lines, line)
	if sev > a.severity {
		a.severity, a.message, a.evidence = sev, msg, ev
	}
}

// sabFile is the state of the checks of one file.
type sabFile struct {
	path  string
	lang  int
	role  int
	aggs  [numKinds]sabAgg
	geoAt *geoHit // the first geographic branch
	// exitsMedium reports exits from library code at medium.
	exitsMedium bool
}

// block runs the checks on one block of added lines.
func (sf *sabFile) block(ls []srcLine) {
	sf.loops(ls)
	if h := sf.geo(ls); h != nil && sf.geoAt == nil {
		sf.geoAt = h
	}
	sf.wipes(ls)
	sf.exits(ls)
}

// harms are the kinds a geographic branch may guard, with what they do.
var harms = []struct {
	kind int
	what string
}{{kindWipe, "overwrites or deletes files outside the project"}, {kindExit, "ends the host process"},
	{kindLoop, "hangs in a loop that never ends"}, {kindCrash, "crashes the host process"}}

// combine turns a geographic branch and a harm in the same file into one
// high finding, which replaces both.
func (sf *sabFile) combine() {
	if sf.geoAt == nil {
		return
	}
	for _, h := range harms {
		a := &sf.aggs[h.kind]
		if len(a.lines) == 0 || a.severity < guard.Medium && h.kind == kindLoop {
			continue
		}
		ev := append([]string{explain.Line(sf.geoAt.line.Line)}, a.evidence...)
		sf.aggs[kindGeoDestroy].add(sf.geoAt.line.Number, guard.High, "Code that "+h.what+" runs only on machines "+
			"whose "+sf.geoAt.what+" matches "+sf.geoAt.place+" in %s: geo-targeted sabotage, the shape of the "+
			"node-ipc 2022 protestware.", ev...)
		*a = sabAgg{}
		sf.aggs[kindGeo] = sabAgg{}
		return
	}
}

// lower lowers a severity one step for tests, examples and vendored
// code, not below info.
func (sf *sabFile) lower(sev guard.Severity) guard.Severity {
	if sf.role == roleLower && sev > guard.Info {
		return sev - 1
	}
	return sev
}

// report turns the kinds found into findings: a geographic branch that
// guards a harm replaces the separate findings of both.
func (sf *sabFile) report(pass *guard.Pass) {
	sf.combine()
	sf.aggs[kindCrash] = sabAgg{} // a crash counts only beside a geographic branch
	for k := range sf.aggs {
		a := &sf.aggs[k]
		if len(a.lines) == 0 {
			continue
		}
		where := fmt.Sprintf("%s at line %d", sf.path, a.lines[0])
		if n := len(a.lines); n > 1 {
			where = fmt.Sprintf("%s at line %d and %d more", sf.path, a.lines[0], n-1)
		}
		pass.Report(guard.Finding{
			Severity: sf.lower(a.severity),
			Score:    scoreOf(a.severity),
			Path:     sf.path,
			Line:     a.lines[0],
			Message:  fmt.Sprintf(a.message, where),
			Evidence: a.evidence,
		})
	}
}

// scoreOf is a finding's score for its severity.
func scoreOf(sev guard.Severity) float64 {
	switch {
	case sev >= guard.High:
		return 0.9
	case sev == guard.Medium:
		return 0.7
	}
	return 0.4
}
