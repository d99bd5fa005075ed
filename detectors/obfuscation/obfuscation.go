package obfuscation

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/testpath"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.obfuscation.settings.
type Settings struct {
	// min_blob_length is the shortest base64 or hex run reported
	// as a blob.
	MinBlobLength int `setting:"min_blob_length"`
	// entropy_threshold (bits per character) and
	// min_entropy_length select random-looking string literals.
	EntropyThreshold float64 `setting:"entropy_threshold"`
	MinEntropyLength int     `setting:"min_entropy_length"`
	// Lines longer than max_line_length with at most
	// max_whitespace_ratio blanks and at least one ';' or '}'
	// per 200 bytes are minified code (minifiers leave 1.5-3.5%
	// blanks; export lists, type declarations and keyword
	// tables have more blanks or fewer statements).
	MaxLineLength      int     `setting:"max_line_length"`
	MaxWhitespaceRatio float64 `setting:"max_whitespace_ratio"`
	// min_mangled_names distinct _0x1a2b names mark obfuscator
	// output.
	MinMangledNames int `setting:"min_mangled_names"`
	// min_escape_run consecutive escapes (\x41, \u0041, \101)
	// or character codes make an encoded string.
	MinEscapeRun int `setting:"min_escape_run"`
	// skip_files are globs of files not looked at at all;
	// generated_files are globs of minified, vendored or
	// generated files where only a decoder passed straight to
	// eval and _0x names are reported. "**/" matches any
	// folders, a trailing "/**" anything below. A policy's
	// list replaces the default one.
	SkipFiles      []string `setting:"skip_files"`
	GeneratedFiles []string `setting:"generated_files"`
}

// Detector is the obfuscation detector.
var Detector = &guard.Detector{
	Name: "obfuscation",
	Doc: "Reports code that hides what it does in added lines: decoded data passed to eval, exec or a " +
		"shell, obfuscator-style _0x identifiers, strings written as escapes or character codes, long " +
		"base64 or hex blobs, high-entropy string literals, and minified lines in files that are not " +
		"minified. One finding per technique and file; lock files, source maps and minified or " +
		"generated files are spared all but the tightest checks.",
	Severity: guard.High,
	Settings: &Settings{
		MinBlobLength:      200,
		EntropyThreshold:   5.0,
		MinEntropyLength:   64,
		MaxLineLength:      500,
		MaxWhitespaceRatio: 0.05,
		MinMangledNames:    3,
		MinEscapeRun:       8,
		SkipFiles:          obfDefaultSkip,
		GeneratedFiles:     obfDefaultGenerated,
	},
	NoContext: true,
	Run:       run,
}

// obfDefaultSkip are files with no executable content whose hashes and
// data look like blobs: lock files and source maps.
var obfDefaultSkip = []string{
	"**/package-lock.json", "**/npm-shrinkwrap.json", "**/yarn.lock", "**/pnpm-lock.yaml",
	"**/bun.lock", "**/go.sum", "**/Cargo.lock", "**/poetry.lock", "**/Pipfile.lock",
	"**/uv.lock", "**/Gemfile.lock", "**/composer.lock", "**/flake.lock", "**/*.map",
	"**/*.snap",
}

// obfDefaultGenerated are minified, bundled, vendored or generated files.
var obfDefaultGenerated = []string{
	"**/*.min.js", "**/*.min.mjs", "**/*.min.css", "**/*-min.js", "**/*.bundle.js",
	"**/*.pb.go", "**/*_generated.go", "**/*.gen.go", "**/*.generated.ts",
	"**/vendor/**", "**/node_modules/**", "**/third_party/**", "**/dist/**",
}

// obfConfig holds the settings of one run.
type obfConfig struct {
	minBlob, minEntropyLen, maxLine, minMangled, minEscapes int
	entropy, maxWhitespace                                  float64
	skip, generated                                         []string
}

// run scans the added lines of every diffed file that is not
// skipped, one technique finding per file.
func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	cfg := obfConfig{
		minBlob:       max(set.MinBlobLength, 16),
		minEntropyLen: max(set.MinEntropyLength, 8),
		maxLine:       set.MaxLineLength,
		minMangled:    max(set.MinMangledNames, 1),
		minEscapes:    max(set.MinEscapeRun, 2),
		entropy:       set.EntropyThreshold,
		maxWhitespace: set.MaxWhitespaceRatio,
		skip:          set.SkipFiles,
		generated:     set.GeneratedFiles,
	}
	for i := range pass.Files {
		f := &pass.Files[i]
		if !f.Diffed() || len(f.AddedLines) == 0 || obfMatchAny(cfg.skip, f.Path) {
			continue
		}
		fs := obfFile{path: f.Path, class: obfClassify(f, &cfg), cfg: &cfg, deploys: obfDeploys(f.AddedLines)}
		for j := range f.AddedLines {
			fs.line(f.AddedLines, j)
		}
		fs.finish()
		fs.report(pass)
	}
}

// The classes of files, which decide what is looked for and how severe it
// is.
const (
	obfCode      = iota // ordinary source
	obfTest             // tests and fixtures: data blobs are expected
	obfData             // JSON, YAML, Markdown...: no minified lines
	obfGenerated        // minified, vendored, generated: tight checks only
)

// obfClassify puts a file into one class.
func obfClassify(f *guard.FileChange, cfg *obfConfig) int {
	p := f.Path
	if obfMatchAny(cfg.generated, p) || obfGeneratedHeader(f.AddedLines) {
		return obfGenerated
	}
	if testpath.Match(p) || obfTestName(p) {
		return obfTest
	}
	switch strings.ToLower(path.Ext(p)) {
	case ".json", ".yml", ".yaml", ".toml", ".xml", ".csv", ".tsv", ".txt", ".md", ".rst",
		".html", ".htm", ".svg", ".css", ".scss", ".lock", ".sum", ".ini", ".cfg", ".conf", ".pem", ".crt",
		".patch", ".diff", ".tex", ".po", ".pot", ".ipynb", ".rtf", ".log":
		return obfData
	}
	if obfMinifiedStart(f.AddedLines, cfg) {
		return obfGenerated // a bundle, added or rebuilt
	}
	return obfCode
}

// obfTestName reports test sources by name where their folder does not
// say so: tests.c, testutil.h, test-vectors.h, sha256_test_data.c.
func obfTestName(p string) bool {
	stem := strings.ToLower(path.Base(p))
	stem = strings.TrimSuffix(stem, path.Ext(stem))
	return strings.HasPrefix(stem, "test") || strings.HasSuffix(stem, "tests") ||
		strings.Contains(stem, "_test") || strings.Contains(stem, "-test")
}

// obfMinifiedStart reports a file whose first line is added and is a
// long line with almost no blanks: minified output.
func obfMinifiedStart(lines []guard.Line, cfg *obfConfig) bool {
	if len(lines) == 0 || lines[0].Number != 1 || len(lines[0].Text) <= cfg.maxLine {
		return false
	}
	s, blank := lines[0].Text, 0
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' || s[i] == '\t' {
			blank++
		}
	}
	return float64(blank) <= cfg.maxWhitespace*float64(len(s))
}

// obfDeploys reports added lines that create a contract from bytes.
func obfDeploys(lines []guard.Line) bool {
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		if strings.HasPrefix(t, "//") || strings.HasPrefix(t, "*") {
			continue
		}
		for _, c := range []string{"create(", "create2("} {
			// create( of the EVM, not File::create( or Object.create(.
			if i := strings.Index(t, c); i >= 0 && (i == 0 || !textscan.IsIdent(t[i-1]) && t[i-1] != '.' && t[i-1] != ':') {
				return true
			}
		}
	}
	return false
}

// obfGeneratedHeader reports a "Code generated ... DO NOT EDIT." or
// "@generated" marker in the first added lines.
func obfGeneratedHeader(lines []guard.Line) bool {
	for i := 0; i < len(lines) && i < 5; i++ {
		t := lines[i].Text
		if strings.Contains(t, "@generated") || strings.Contains(t, "Code generated") && strings.Contains(t, "DO NOT EDIT") {
			return true
		}
	}
	return false
}

// obfMatchAny reports whether the path matches one of the globs.
func obfMatchAny(globs []string, p string) bool {
	sp := newObfPath(p)
	for _, g := range globs {
		if sp.glob(g) {
			return true
		}
	}
	return false
}

// obfGlob matches a path.Match pattern where a leading "**/" stands for
// any folders (or none) and a trailing "/**" for anything below.
//
// A "*" or "?" of path.Match never matches a "/", so the rest of the
// pattern matches exactly as many segments as it has: only the segments
// at the end ("**/x"), at the start ("x/**") or, for "**/x/**", the runs
// of that many segments before the last are tried, each once. Trying it
// against every suffix, and every prefix of each, cost the cube of the
// depth of a path 20,000 folders deep (issue 8). A pattern with a class
// or an escape, which might match a "/", is matched the long way.
func obfGlob(pattern, p string) bool { return newObfPath(p).glob(pattern) }

// obfPath is a path with the positions of its slashes, found once for
// all the globs it is matched against.
type obfPath struct {
	p       string
	slashes []int
}

func newObfPath(p string) obfPath {
	sp := obfPath{p: p}
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			sp.slashes = append(sp.slashes, i)
		}
	}
	return sp
}

// glob is obfGlob.
func (sp obfPath) glob(pattern string) bool {
	core, anyDir := pattern, false
	for strings.HasPrefix(core, "**/") {
		core, anyDir = core[3:], true
	}
	core, anyBelow := strings.CutSuffix(core, "/**")
	if strings.ContainsAny(core, `[\`) {
		return obfGlobSlow(pattern, sp.p)
	}
	p, slashes := sp.p, sp.slashes
	segs := strings.Count(core, "/") + 1
	start := func(j int) int { // where segment j starts
		if j == 0 {
			return 0
		}
		return slashes[j-1] + 1
	}
	last := len(slashes) + 1 - segs // the first of the last segs segments
	switch {
	case last < 0:
		return false
	case !anyDir && !anyBelow:
		return obfMatch(core, p)
	case !anyBelow:
		return obfMatch(core, p[start(last):])
	case !anyDir:
		return last > 0 && obfMatch(core, p[:slashes[segs-1]])
	}
	for j := 0; j < last; j++ {
		if obfMatch(core, p[start(j):slashes[j+segs-1]]) {
			return true
		}
	}
	return false
}

// obfMatch is path.Match, false for a bad pattern.
func obfMatch(pattern, name string) bool {
	m, _ := path.Match(pattern, name)
	return m
}

// obfGlobSlow is obfGlob by trying every suffix and every prefix.
func obfGlobSlow(pattern, p string) bool {
	if rest, ok := strings.CutPrefix(pattern, "**/"); ok {
		for {
			if obfGlobSlow(rest, p) {
				return true
			}
			i := strings.IndexByte(p, '/')
			if i < 0 {
				return false
			}
			p = p[i+1:]
		}
	}
	if dir, ok := strings.CutSuffix(pattern, "/**"); ok {
		for i := 0; i < len(p); i++ {
			if p[i] == '/' && obfMatch(dir, p[:i]) {
				return true
			}
		}
		return false
	}
	return obfMatch(pattern, p)
}

// obfAgg gathers the lines of one file that use one technique.
type obfAgg struct {
	first    int
	lines    []int
	severity guard.Severity
	score    float64
	message  string   // of the strongest occurrence, with %s for the place
	evidence []string // of the strongest occurrence
}

// add records an occurrence; the strongest one gives message and evidence.
func (a *obfAgg) add(line int, sev guard.Severity, score float64, msg string, ev ...string) {
	if len(a.lines) == 0 || line < a.first {
		a.first = line
	}
	a.lines = append(a.lines, line)
	if sev > a.severity || sev == a.severity && score > a.score {
		a.severity, a.score, a.message, a.evidence = sev, score, msg, ev
	}
}

// The techniques, in the order their findings are reported.
const (
	obfExecKind = iota
	obfTableKind
	obfMangledKind
	obfEscapeKind
	obfCharCodeKind
	obfBlobKind
	obfEntropyKind
	obfMinifiedKind
	obfKinds
)

// report turns the techniques found in the file into findings.
func (fs *obfFile) report(pass *guard.Pass) {
	for k := range fs.aggs {
		a := &fs.aggs[k]
		if len(a.lines) == 0 {
			continue
		}
		sort.Ints(a.lines)
		where := fmt.Sprintf("%s at line %d", fs.path, a.first)
		ev := a.evidence
		if n := len(a.lines); n > 1 {
			where = fmt.Sprintf("%s at line %d and %d more", fs.path, a.first, n-1)
			nums := make([]string, n)
			for i, l := range a.lines {
				nums[i] = fmt.Sprint(l)
			}
			ev = append(append([]string(nil), ev...), "lines: "+explain.List(nums, 10))
		}
		pass.Report(guard.Finding{
			Severity: a.severity,
			Score:    a.score,
			Path:     fs.path,
			Line:     a.first,
			Message:  fmt.Sprintf(a.message, where),
			Evidence: ev,
		})
	}
}

// obfLower lowers a severity one step for tests and data, not below info.
func obfLower(sev guard.Severity, class int) guard.Severity {
	if (class == obfTest || class == obfData) && sev > guard.Info {
		return sev - 1
	}
	return sev
}
