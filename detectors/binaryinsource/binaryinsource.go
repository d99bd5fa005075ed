package binaryinsource

import (
	"fmt"
	"path"
	"sort"
	"strings"

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
	// junk_files are base-name globs of the files operating systems and
	// editors leave behind (.DS_Store, Thumbs.db): binary, but not code.
	JunkFiles []string `setting:"junk_files"`
	// max_findings caps the individual findings per change; the least
	// severe rest is folded into one summary finding.
	MaxFindings int `setting:"max_findings"`
}

// Detector is the binary-in-source detector.
var Detector = &guard.Detector{
	Name: "binary-in-source",
	Doc: "Reports binary files added or changed outside the declared asset folders: their content " +
		"cannot be reviewed in a diff. Compressed blobs and executables and binaries beside a changed " +
		"build file rank higher; a binary in a test-fixture folder that no test in the tree reads (the " +
		"xz-utils backdoor pattern) is medium, high with a build change or far beyond the files beside " +
		"it, and low when a test reads it; files too large to diff and OS or editor junk get a note.",
	Severity: guard.Low,
	Settings: &Settings{
		FixtureDirs: []string{"test", "tests", "testdata", "test-data", "test_data", "testing",
			"fixtures", "fixture", "__fixtures__", "__tests__", "spec", "specs", "testfiles"},
		BuildFiles: []string{"*.m4", "configure", "configure.ac", "configure.in", "Makefile",
			"Makefile.am", "Makefile.in", "GNUmakefile", "*.mk", "CMakeLists.txt", "*.cmake",
			"meson.build", "build.rs", "build.gradle", "build.gradle.kts", "pom.xml", "BUILD",
			"BUILD.bazel", "WORKSPACE", "*.bzl", "setup.py", "Dockerfile", "build.sh", "justfile", "Justfile",
			"package.json"},
		JunkFiles: []string{".DS_Store", "._*", "Thumbs.db", "ehthumbs.db", "desktop.ini", "Desktop.ini",
			"*.swp", "*.swo", "*.suo", "*.ncb", "*.sdf", "*.opensdf", "*.VC.db", "*.aps", ".Spotlight-V100",
			".Trashes", "Icon\r", "*.log", "npm-debug.log*", "yarn-error.log*"},
		MaxFindings: 20,
	},
	Run: run,
}

// bisCandidate is one binary (or undiffable) file with what makes it risky.
type bisCandidate struct {
	file     *guard.FileChange
	kind     bisKind
	ext      string // the lowercase extension
	sev      guard.Severity
	reasons  []string
	evidence []string
	tooLarge bool
	junk     bool
	utf16    bool   // binary by Git's rule, but text in UTF-16
	disguise bool   // binary content under a text extension
	fixture  string // the test-fixture folder it is in, or ""
	// nearBuild: raised for a build file the change touches in its folder
	nearBuild bool
	// buildRaised: raised for a build file the change touches that does
	// not name it
	buildRaised bool
}

func run(pass *guard.Pass) {
	var idx []int
	for i := range pass.Files {
		if bisConsidered(pass, &pass.Files[i]) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return // the common case: no binary, no need to look for build files
	}
	set := pass.Settings().(*Settings)
	j := newBisJudge(pass, set)
	cands := make([]bisCandidate, 0, len(idx))
	for _, i := range idx {
		cands = append(cands, j.assess(&pass.Files[i]))
	}
	j.gradeFixtures(cands)
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

// assess grades one candidate on its path and the diff: its kind by
// extension and mode, a step up for a disguising extension and for a
// build change beside it. Binaries in test-fixture folders are graded
// further by gradeFixtures; OS and editor junk is a note.
func (j *bisJudge) assess(f *guard.FileChange) bisCandidate {
	c := bisCandidate{file: f, tooLarge: !f.Binary, ext: strings.ToLower(path.Ext(f.Path))}
	kind, known := bisExtensions[c.ext]
	switch {
	case known:
		c.kind = kind
	case f.Mode == 0o100755:
		c.kind = bisExecutable
	default:
		c.kind = bisOther
	}
	c.fixture = bisFixtureDir(f.Path, j.fixtures)
	switch {
	case c.tooLarge:
		c.sev = guard.Info
	case j.junk(f.Path):
		c.junk, c.sev = true, guard.Info
		c.evidence = append(c.evidence, "kind: file of an operating system or editor (junk_files)")
	default:
		c.sev = [...]guard.Severity{guard.Info, guard.Low, guard.Medium, guard.Medium}[c.kind]
		c.evidence = append(c.evidence, "kind: "+bisKindLabel(c.kind, c.ext, f.Mode))
	}
	if f.Size > 0 {
		c.evidence = append(c.evidence, fmt.Sprintf("size: %d bytes", f.Size))
	}
	if c.junk {
		return c
	}
	if !c.tooLarge && !known && bisTextExtensions[c.ext] {
		j.disguised(&c)
	}
	if c.utf16 {
		return c
	}
	if c.fixture != "" {
		c.reasons = append(c.reasons, "in the test-fixture folder "+c.fixture)
		c.evidence = append(c.evidence, "test-fixture folder: "+c.fixture)
		if c.tooLarge {
			c.sev = guard.Low // unknown content, not known binary: a note
		}
		return c // graded on what reads it by gradeFixtures
	}
	if c.disguise {
		c.sev = bisRaise(c.sev)
	}
	near, other := j.builds.neighbours(f.Path)
	switch {
	case near.n > 0:
		c.sev, c.nearBuild, c.buildRaised = bisRaise(c.sev), true, true
		c.reasons = append(c.reasons, "beside the changed build file "+near.summary(2))
		c.evidence = append(c.evidence, "build files changed in the same folder: "+near.summary(bisShownBuilds))
	case other.n > 0 && c.kind >= bisCompressed:
		// A media or unknown binary is not raised by a build change
		// elsewhere: resources and project files change with builds.
		c.sev, c.buildRaised = bisRaise(c.sev), true
		c.reasons = append(c.reasons, "in a change that also touches the build file "+other.summary(2))
		c.evidence = append(c.evidence, "build files changed: "+other.summary(bisShownBuilds))
	}
	if c.tooLarge && c.sev > guard.Low {
		c.sev = guard.Low // unknown content, not known binary: a note
	}
	j.buildOutput(&c, false)
	return c
}

// disguised marks a binary under a text extension as disguised, unless
// the tree shows it is text in UTF-16 (as Visual Studio writes resource
// files): a note then.
func (j *bisJudge) disguised(c *bisCandidate) {
	if j.pass.Tree != nil {
		if head, err := j.pass.Tree.Head(c.file.Path, 512); err == nil && bisUTF16(head) {
			c.utf16, c.sev = true, guard.Info
			c.evidence[0] = "kind: UTF-16 text (binary by Git's rule of a NUL byte)"
			return
		}
	}
	c.disguise = true
	c.reasons = append(c.reasons, fmt.Sprintf("under the text extension %s", c.ext))
}

// bisRaise moves a severity one step up, to High at most: Critical is left
// to findings that are more than a pattern of paths.
func bisRaise(s guard.Severity) guard.Severity {
	if s < guard.High {
		return s + 1
	}
	return s
}
