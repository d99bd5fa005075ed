package binaryinsource

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.binary-in-source.settings.
type Settings struct {
	// fixture_dirs are folder names (any path segment, case-insensitive)
	// that hold test fixtures, where a binary is a classic hiding place.
	FixtureDirs []string `setting:"fixture_dirs"`
	// build_files are base-name globs of build files, used besides the
	// policy's build category.
	BuildFiles []string `setting:"build_files"`
	// max_findings caps the individual findings per change; the least
	// severe rest is folded into one summary finding.
	MaxFindings int `setting:"max_findings"`
}

// Detector is the binary-in-source detector.
var Detector = &guard.Detector{
	Name: "binary-in-source",
	Doc: "Reports binary files added or changed outside the declared asset folders: their content " +
		"cannot be reviewed in a diff. Compressed blobs and executables, test-fixture folders and " +
		"binaries beside a changed build file (the xz-utils backdoor pattern) rank higher; files " +
		"too large to diff get a note.",
	Severity: guard.Low,
	Settings: &Settings{
		FixtureDirs: []string{"test", "tests", "testdata", "test-data", "test_data", "testing",
			"fixtures", "fixture", "__fixtures__", "__tests__", "spec", "specs", "testfiles"},
		BuildFiles: []string{"*.m4", "configure", "configure.ac", "configure.in", "Makefile",
			"Makefile.am", "Makefile.in", "GNUmakefile", "*.mk", "CMakeLists.txt", "*.cmake",
			"meson.build", "build.rs", "build.gradle", "build.gradle.kts", "pom.xml", "BUILD",
			"BUILD.bazel", "WORKSPACE", "*.bzl", "setup.py", "Dockerfile", "build.sh"},
		MaxFindings: 20,
	},
	Run: run,
}

// bisKind classifies a binary by what its extension says it is.
type bisKind int

const (
	bisMedia bisKind = iota
	bisOther
	bisCompressed
	bisExecutable
)

var bisKindNames = [...]string{"media file", "binary file", "compressed binary", "executable binary"}

// bisExtensions maps lowercase extensions (with the dot) to a kind.
var bisExtensions = map[string]bisKind{}

func init() {
	for kind, exts := range map[bisKind]string{
		bisMedia: ".png .jpg .jpeg .gif .ico .icns .webp .bmp .tif .tiff .avif .heic .woff .woff2 .ttf " +
			".otf .eot .pdf .mp3 .mp4 .ogg .wav .webm .mov .avi .flac",
		bisCompressed: ".xz .lzma .lz .lz4 .gz .tgz .bz2 .tbz .tbz2 .zst .zstd .zip .7z .tar .txz .rar " +
			".cpio .z .br .cab .arj .ar .deb .rpm .apk .ipa .xpi .crx .nupkg .whl .egg .gem",
		bisExecutable: ".exe .dll .so .dylib .o .a .obj .lib .ko .elf .bin .jar .war .ear .class .dex " +
			".wasm .pyc .pyo .pyd .node .out .com .msi .sys .scr",
	} {
		for _, e := range strings.Fields(exts) {
			bisExtensions[e] = kind
		}
	}
}

// bisTextExtensions are extensions of source and text files: binary
// content under one of them is disguised.
var bisTextExtensions = map[string]bool{}

func init() {
	for _, e := range strings.Fields(".txt .md .c .h .cc .cpp .go .rs .py .js .ts .sh .bash .m4 .ac .am " +
		".in .mk .cmake .yml .yaml .json .toml .xml .sol .java .rb .pl .php .cfg .conf .ini .csv .html .css") {
		bisTextExtensions[e] = true
	}
}

// bisCandidate is one binary (or undiffable) file with what makes it risky.
type bisCandidate struct {
	file     *guard.FileChange
	kind     bisKind
	sev      guard.Severity
	reasons  []string
	evidence []string
	tooLarge bool
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	var idx []int
	for i := range pass.Files {
		if bisConsidered(pass, &pass.Files[i]) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return // the common case: no binary, no need to look for build files
	}
	fixtures := bisLowerSet(set.FixtureDirs)
	isBuild := bisBuildMatcher(set.BuildFiles)
	var builds []string // build files the change touches
	for i := range pass.Files {
		if p := pass.Files[i].Path; pass.InCategory(i, guard.CategoryBuild) || isBuild(p) {
			builds = append(builds, p)
		}
	}
	index := newBisBuilds(builds)
	cands := make([]bisCandidate, 0, len(idx))
	for _, i := range idx {
		cands = append(cands, bisAssess(&pass.Files[i], fixtures, index))
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].sev > cands[j].sev })

	limit := max(set.MaxFindings, 1)
	for n, c := range cands {
		if n == limit && len(cands) > limit {
			bisReportRest(pass, cands[n:])
			return
		}
		bisReport(pass, c)
	}
}

// bisConsidered says whether the file is a binary (or too large to diff)
// in the source tree rather than deleted or in a declared asset folder.
func bisConsidered(pass *guard.Pass, f *guard.FileChange) bool {
	if f.Status == guard.Deleted {
		return false
	}
	if !f.Binary && f.Skipped != "too large" {
		return false
	}
	// A mode-only change or a pure rename keeps the same blob.
	if f.Hash != "" && f.Hash == f.OldHash {
		if f.Status != guard.Renamed || pass.Classifier == nil || !pass.Classifier.Asset(f.OldPath) {
			return false
		}
	}
	return pass.Classifier == nil || !pass.Classifier.Asset(f.Path)
}

// bisAssess grades one candidate: its kind by extension and mode, then a
// step up for a test-fixture folder, a disguising extension and a build
// change beside it.
func bisAssess(f *guard.FileChange, fixtures map[string]bool, builds *bisBuilds) bisCandidate {
	c := bisCandidate{file: f, tooLarge: !f.Binary}
	ext := strings.ToLower(path.Ext(f.Path))
	kind, known := bisExtensions[ext]
	switch {
	case known:
		c.kind = kind
	case f.Mode == 0o100755:
		c.kind = bisExecutable
	default:
		c.kind = bisOther
	}
	if c.tooLarge {
		c.sev = guard.Info
	} else {
		c.sev = [...]guard.Severity{guard.Info, guard.Low, guard.Medium, guard.Medium}[c.kind]
		c.evidence = append(c.evidence, "kind: "+bisKindLabel(c.kind, ext, f.Mode))
	}
	if f.Size > 0 {
		c.evidence = append(c.evidence, fmt.Sprintf("size: %d bytes", f.Size))
	}
	if !c.tooLarge && !known && bisTextExtensions[ext] {
		c.sev = bisRaise(c.sev)
		c.reasons = append(c.reasons, fmt.Sprintf("under the text extension %s", ext))
	}
	dir := bisFixtureDir(f.Path, fixtures)
	inFixture := dir != ""
	if inFixture {
		c.sev = bisRaise(c.sev)
		c.reasons = append(c.reasons, "in the test-fixture folder "+dir)
		c.evidence = append(c.evidence, "test-fixture folder: "+dir)
	}
	near, other := builds.neighbours(f.Path)
	if near.n > 0 {
		c.sev = bisRaise(c.sev)
		c.reasons = append(c.reasons, "beside the changed build file "+near.summary(2))
		c.evidence = append(c.evidence, "build files changed in the same folder: "+near.summary(bisShownBuilds))
	} else if other.n > 0 {
		c.sev = bisRaise(c.sev)
		c.reasons = append(c.reasons, "in a change that also touches the build file "+other.summary(2))
		c.evidence = append(c.evidence, "build files changed: "+other.summary(bisShownBuilds))
	}
	if c.kind == bisCompressed && inFixture && (near.n > 0 || other.n > 0) {
		c.evidence = append(c.evidence, "pattern: a compressed test file added with a build change, "+
			"as the xz-utils backdoor (CVE-2024-3094) was planted")
	}
	if c.tooLarge && c.sev > guard.Low {
		c.sev = guard.Low // unknown content, not known binary: a note
	}
	return c
}

// bisRaise moves a severity one step up, to High at most: Critical is left
// to findings that are more than a pattern of paths.
func bisRaise(s guard.Severity) guard.Severity {
	if s < guard.High {
		return s + 1
	}
	return s
}

func bisKindLabel(k bisKind, ext string, mode uint32) string {
	switch {
	case bisHasKind(ext, k):
		return fmt.Sprintf("%s (%s)", bisKindNames[k], ext)
	case k == bisExecutable && mode == 0o100755:
		return bisKindNames[k] + " (mode 100755)"
	}
	return bisKindNames[k]
}

func bisHasKind(ext string, k bisKind) bool {
	got, ok := bisExtensions[ext]
	return ok && got == k
}

// bisFixtureDir returns the first folder of p that is a fixture folder,
// with its parents ("tests/" or "src/__tests__/"), or "".
func bisFixtureDir(p string, fixtures map[string]bool) string {
	segs := strings.Split(p, "/")
	for i, s := range segs[:len(segs)-1] {
		if fixtures[strings.ToLower(s)] {
			return strings.Join(segs[:i+1], "/") + "/"
		}
	}
	return ""
}

// bisBuildMatcher compiles base-name globs: exact names and "*.ext"
// suffixes are looked up, other patterns go through path.Match.
func bisBuildMatcher(globs []string) func(p string) bool {
	names, exts := map[string]bool{}, map[string]bool{}
	var other []string
	for _, g := range globs {
		switch {
		case !strings.ContainsAny(g, "*?[\\"):
			names[g] = true
		case strings.HasPrefix(g, "*.") && !strings.ContainsAny(g[2:], "*?[\\"):
			exts[g[1:]] = true
		default:
			other = append(other, g)
		}
	}
	return func(p string) bool {
		base := path.Base(p)
		if names[base] || exts[path.Ext(base)] {
			return true
		}
		for _, g := range other {
			if ok, _ := path.Match(g, base); ok {
				return true
			}
		}
		return false
	}
}

func bisLowerSet(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[strings.ToLower(n)] = true
	}
	return m
}

func bisReport(pass *guard.Pass, c bisCandidate) {
	f := c.file
	var msg string
	if c.tooLarge {
		msg = fmt.Sprintf("%s (%s, %s) is too large to diff, so its content was not examined",
			f.Path, f.Status, bisSize(f.Size))
		if len(c.reasons) > 0 {
			msg += "; it is " + strings.Join(c.reasons, ", ")
		}
		msg += "."
	} else {
		where := "outside the declared asset folders"
		if len(c.reasons) > 0 {
			where = strings.Join(c.reasons, ", ")
		}
		msg = fmt.Sprintf("%s the %s %s (%s) %s; its content cannot be reviewed in the diff.",
			bisVerb(f), bisKindNames[c.kind], f.Path, bisSize(f.Size), where)
	}
	ev := c.evidence
	if f.Status == guard.Renamed {
		ev = append(ev, "renamed from: "+f.OldPath)
	}
	if f.Hash != "" {
		ev = append(ev, "blob: "+guard.ShortHash(f.Hash))
	}
	pass.Report(guard.Finding{
		Severity: c.sev,
		Score:    0.2 + 0.15*float64(c.sev),
		Path:     f.Path,
		Message:  msg,
		Evidence: ev,
	})
}

// bisReportRest folds the candidates past the cap into one finding.
func bisReportRest(pass *guard.Pass, rest []bisCandidate) {
	paths := make([]string, len(rest))
	sev := guard.Info
	for i, c := range rest {
		paths[i] = c.file.Path
		if c.sev > sev {
			sev = c.sev
		}
	}
	pass.Report(guard.Finding{
		Severity: sev,
		Score:    0.3,
		Path:     rest[0].file.Path,
		Message: fmt.Sprintf("The change also adds or changes %s outside the asset folders: %s.",
			explain.Plural(len(rest), "more binary file"), explain.List(paths, 5)),
		Evidence: paths[:min(len(paths), 20)],
	})
}

func bisVerb(f *guard.FileChange) string {
	switch f.Status {
	case guard.Added:
		return "Adds"
	case guard.Renamed:
		return "Moves in"
	}
	return "Changes"
}

// bisSize renders a byte count for a reviewer ("31 KB").
func bisSize(n int64) string {
	switch {
	case n <= 0:
		return "size unknown"
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KB", (n+1<<9)>>10)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
