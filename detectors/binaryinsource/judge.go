package binaryinsource

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// bisJudge holds what grading the binaries of one change needs.
type bisJudge struct {
	pass       *guard.Pass
	fixtures   map[string]bool // fixture folder names, lowercase
	junk       func(p string) bool
	buildMatch func(p string) bool
	builds     *bisBuilds      // the build files the change touches
	changed    map[string]bool // the paths the change leaves, not deleted
	binaries   map[string]bool // the binaries among them
	treeErr    error           // why the tree could not be read, besides its bounds
	dirs       map[string][]guard.TreeFile
	buildTexts map[string]bisBuildText // the build files cleaned read
}

func newBisJudge(pass *guard.Pass, set *Settings) *bisJudge {
	j := &bisJudge{pass: pass, fixtures: bisLowerSet(set.FixtureDirs), junk: bisNameMatcher(set.JunkFiles),
		buildMatch: bisNameMatcher(set.BuildFiles), changed: map[string]bool{}, binaries: map[string]bool{},
		dirs: map[string][]guard.TreeFile{}, buildTexts: map[string]bisBuildText{}}
	var builds []string
	for i := range pass.Files {
		f := &pass.Files[i]
		if f.Status != guard.Deleted {
			j.changed[f.Path] = true
			j.binaries[f.Path] = f.Binary
		}
		if j.isBuild(i) {
			builds = append(builds, f.Path)
		}
	}
	j.builds = newBisBuilds(builds)
	return j
}

// isBuild says whether Files[i] is a build file.
func (j *bisJudge) isBuild(i int) bool {
	return j.pass.InCategory(i, guard.CategoryBuild) || j.buildMatch(j.pass.Files[i].Path)
}

// buildPath says whether the file at p is a build file.
func (j *bisJudge) buildPath(p string) bool {
	return j.buildMatch(p) || j.inCategory(p, guard.CategoryBuild)
}

func (j *bisJudge) inCategory(p, cat string) bool {
	return j.pass.Classifier != nil && slices.Contains(j.pass.Classifier.Categories(p), cat)
}

// reader is the filter of the tree's files read for references: not
// the binaries judged.
func (j *bisJudge) reader(p string) bool { return !j.binaries[p] && j.isReader(p) }

// gradeFixtures grades the binaries in test-fixture folders on what
// refers to them in the tree, the build files the change touches and
// how they compare with the files beside them.
func (j *bisJudge) gradeFixtures(cands []bisCandidate) {
	var paths []string
	var at []int
	for i := range cands {
		c := &cands[i]
		if c.fixture == "" || c.tooLarge || c.junk || c.utf16 || len(paths) == bisMaxFixtures {
			continue
		}
		paths = append(paths, c.file.Path)
		at = append(at, i)
	}
	readers := bisFixtureReaders(j.pass, j, paths)
	for k, i := range at {
		j.grade(&cands[i], readers[k])
	}
}

// grade sets a fixture's severity: by what reads it, a step up for a
// disguising extension, for a build change in the same change and for
// a size or entropy far beyond the files beside it.
func (j *bisJudge) grade(c *bisCandidate, r bisReaders) {
	c.sev = bisBase(c, r)
	if c.disguise {
		c.sev = bisRaise(c.sev)
	}
	j.readBy(c, r)
	near, other := j.builds.neighbours(c.file.Path)
	if r.usage >= usageFolder {
		other.n = 0 // a build change elsewhere says nothing of a fixture that tests read
	}
	switch {
	case r.build != "":
		c.sev, c.nearBuild = bisRaise(c.sev), path.Dir(r.build) == path.Dir(c.file.Path)
		if r.usage != usageBuild || r.by != r.build {
			c.reasons = append(c.reasons, "referred to by the build file "+r.build+", which the change touches")
		}
		c.evidence = append(c.evidence, "build file that refers to it, changed: "+r.build)
	case near.n > 0:
		c.sev, c.nearBuild, c.buildRaised = bisRaise(c.sev), true, true
		c.reasons = append(c.reasons, "beside the changed build file "+near.summary(2))
		c.evidence = append(c.evidence, "build files changed in the same folder: "+near.summary(bisShownBuilds))
	case other.n > 0:
		c.sev, c.buildRaised = bisRaise(c.sev), true
		c.reasons = append(c.reasons, "in a change that also touches the build file "+other.summary(2))
		c.evidence = append(c.evidence, "build files changed: "+other.summary(bisShownBuilds))
	}
	if r.build != "" || near.n > 0 || other.n > 0 {
		switch r.usage {
		case usageUnknown:
			c.evidence = append(c.evidence, "pattern: a binary test file added with a build change, "+bisXZ)
		case usageNone, usageBuild:
			c.evidence = append(c.evidence, "pattern: a test file that no test reads, added with a build change, "+bisXZ)
		}
	}
	if j.pass.Tree != nil && c.sev < guard.High {
		j.compare(c, r.usage)
	}
	j.buildOutput(c, r.added != "")
}

// dir lists a folder of the tree once per change (see guard.Tree.Dir);
// nil without a tree or when it cannot be read.
func (j *bisJudge) dir(d string) []guard.TreeFile {
	if j.pass.Tree == nil {
		return nil
	}
	if files, ok := j.dirs[d]; ok {
		return files
	}
	files, _ := j.pass.Tree.Dir(d) // what was listed before a bound is still true
	j.dirs[d] = files
	return files
}

// bisSourceExts are extensions of the source files programs are
// compiled from.
var bisSourceExts = bisLowerSet(strings.Fields(".c .cc .cpp .cxx .c++ .m .mm .go .rs .zig .s .asm .swift .java .kt .cs .f90 .pas .d .nim"))

// buildOutput steps down a binary that is most likely an output of the
// build committed by mistake: compiled from a source beside it
// (builtHere) or deleted by a clean rule beside it (cleaned).
// namedByBuild says a build change names it.
func (j *bisJudge) buildOutput(c *bisCandidate, namedByBuild bool) {
	if !j.builtHere(c) {
		j.cleaned(c, namedByBuild)
	}
}

// builtHere steps down an executable that a source file beside it of the
// same name is compiled into (seekable_compression beside
// seekable_compression.c): a build output committed by mistake, most
// likely, not a payload brought in. The build change beside it, which
// raised it, then explains it: that step is taken back too.
func (j *bisJudge) builtHere(c *bisCandidate) bool {
	if c.kind != bisExecutable || c.sev == guard.Info {
		return false
	}
	name := path.Base(c.file.Path)
	stem := strings.TrimSuffix(name, path.Ext(name))
	for _, s := range j.dir(path.Dir(c.file.Path)) {
		base := path.Base(s.Path)
		ext := strings.ToLower(path.Ext(base))
		if s.Path != c.file.Path && bisSourceExts[ext] && strings.TrimSuffix(base, path.Ext(base)) == stem {
			c.sev--
			if c.nearBuild && c.sev > guard.Info {
				c.sev--
			}
			c.reasons = append(c.reasons, "beside "+base+", which it is most likely compiled from")
			c.evidence = append(c.evidence, "source of the same name: "+s.Path+" (a build output, most likely committed by mistake)")
			return true
		}
	}
	return false
}

// bisXZ names the incident the pattern of a fixture and a build change
// comes from.
const bisXZ = "as the xz-utils backdoor (CVE-2024-3094) was planted"

// bisBase is a fixture's severity by what reads it.
func bisBase(c *bisCandidate, r bisReaders) guard.Severity {
	switch r.usage {
	case usageNamedHere:
		return guard.Info
	case usageNamed, usageFolder:
		return guard.Low
	}
	if c.kind == bisMedia && r.usage != usageBuild {
		return guard.Low // test images and sounds are seldom named one by one
	}
	return guard.Medium
}

// readBy explains what reads the fixture.
func (j *bisJudge) readBy(c *bisCandidate, r bisReaders) {
	switch r.usage {
	case usageUnknown:
		switch {
		case j.treeErr != nil:
			c.evidence = append(c.evidence, fmt.Sprintf("readers: unknown, the tree could not be read (%v)", j.treeErr))
		case j.pass.Tree != nil:
			c.evidence = append(c.evidence, "readers: unknown, the tree is beyond the bounds of a search")
		}
	case usageNone:
		c.reasons = append(c.reasons, "that no test, build or script file refers to")
		c.evidence = append(c.evidence, "readers: none of the test, build and script files names it or its folder")
	case usageBuild:
		reason := "that no test reads, only the build file " + r.by
		if j.changed[r.by] {
			reason += ", which the change touches"
		}
		c.reasons = append(c.reasons, reason)
		c.evidence = append(c.evidence, fmt.Sprintf("readers: the build file %s (%q), no test", r.by, r.token))
	case usageFolder:
		c.reasons = append(c.reasons, "in a folder that "+r.by+" reads")
		c.evidence = append(c.evidence, fmt.Sprintf("readers: %s reads its folder (%q)", r.by, r.token))
	case usageNamed:
		c.reasons = append(c.reasons, "read by "+r.by)
		c.evidence = append(c.evidence, fmt.Sprintf("readers: %s (%q)", r.by, r.token))
	case usageNamedHere:
		c.reasons = append(c.reasons, "read by "+r.by+", which the change also touches")
		c.evidence = append(c.evidence, fmt.Sprintf("readers: %s (%q), changed too", r.by, r.token))
	}
}

// compare raises a fixture far beyond the files beside it in size or in
// entropy.
func (j *bisJudge) compare(c *bisCandidate, u bisUsage) {
	b, ok := bisCompare(j.pass.Tree, j.dir(path.Dir(c.file.Path)), c.file, j.changed)
	// A fixture that a test names stands out by its content alone: a
	// test of large input is large. One that a test reads with its
	// folder (a glob, as xz-utils' tests read tests/files/bad-*.xz) may
	// be carried by the glob: its size stands out too when its content
	// is dense (a zeroed block of 128 KB is no container).
	size := b.size && (u < usageFolder || u == usageFolder && b.entropy >= bisDenseEntropy)
	if !ok || !b.randomness && !size {
		return
	}
	c.sev = bisRaise(c.sev)
	switch {
	case size && b.randomness:
		c.reasons = append(c.reasons, "far larger and more random than the files beside it")
	case size:
		c.reasons = append(c.reasons, "far larger than the files beside it")
	default:
		c.reasons = append(c.reasons, "far more random than the files beside it")
	}
	c.evidence = append(c.evidence, b.evidence())
}
