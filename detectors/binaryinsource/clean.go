package binaryinsource

import (
	"path"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// Bounds of the search for a clean rule: the build files of a binary's
// folder, and how much of each is read.
const (
	bisMaxCleanFiles = 8
	bisCleanRead     = 64 << 10
)

// cleaned steps down a binary that a build file of its folder deletes
// (`rm -f core *.o tmp* dictionary` in a Makefile's clean rule): an
// output of the build or of its tests committed by mistake (zstd's
// programs/tmp.zstd, dictBuilder/dictionary), not a payload brought in.
// The line that deletes it must be in the tree before the change: a
// rule the change adds explains nothing; and a build change that names
// the binary (the xz pattern) keeps it where it is. A build change that
// raised it without naming it is explained too: a step is taken back
// for it. It stays low at least.
func (j *bisJudge) cleaned(c *bisCandidate, namedByBuild bool) {
	if c.sev <= guard.Low || namedByBuild || j.pass.Tree == nil {
		return
	}
	dir, base := path.Dir(c.file.Path), path.Base(c.file.Path)
	read := 0
	for _, f := range j.dir(dir) {
		if read == bisMaxCleanFiles {
			break
		}
		if f.Path == c.file.Path || !j.buildPath(f.Path) {
			continue
		}
		read++
		b := j.buildText(f.Path)
		if !b.ok {
			continue
		}
		if tok := bisCleanedBy(b.text, base, b.added); tok != "" {
			j.stepDownCleaned(c, f.Path, tok)
			return
		}
	}
}

// bisBuildText is the head of a build file of the tree, as cleaned
// reads it, and the lines the change adds to it.
type bisBuildText struct {
	text  string
	added map[string]bool
	ok    bool // false when the tree could not give it
}

// buildText reads the build file at p once per change.
func (j *bisJudge) buildText(p string) bisBuildText {
	if b, ok := j.buildTexts[p]; ok {
		return b
	}
	var b bisBuildText
	if text, err := j.pass.Tree.Head(p, bisCleanRead); err == nil {
		b = bisBuildText{text: string(text), added: j.addedLines(p), ok: true}
	}
	j.buildTexts[p] = b
	return b
}

func (j *bisJudge) stepDownCleaned(c *bisCandidate, by, tok string) {
	c.sev--
	if c.buildRaised && c.sev > guard.Low {
		c.sev--
	}
	c.sev = max(c.sev, guard.Low)
	c.reasons = append(c.reasons, "which "+by+" deletes ("+tok+"), an output of the build most likely")
	c.evidence = append(c.evidence, "deleted by the build file "+by+": "+tok+" (a build output, most likely committed by mistake)")
}

// addedLines are the lines the change adds to the file at p, trimmed.
func (j *bisJudge) addedLines(p string) map[string]bool {
	added := map[string]bool{}
	for i := range j.pass.Files {
		if f := &j.pass.Files[i]; f.Path == p {
			for _, l := range f.AddedLines {
				added[strings.TrimSpace(l.Text)] = true
			}
		}
	}
	return added
}

// bisRemovers are the commands and variables of build files that delete
// the files named after them.
var bisRemovers = map[string]bool{"rm": true, "$(RM)": true, "${RM}": true, "$(DEL)": true, "del": true,
	"erase": true, "rmdir": true}

// bisCleanedBy returns the word of a line of text that deletes a file
// named base (a name or a glob after rm, $(RM) or del, a line continued
// with '\' included), or "" when there is none. Lines in skip (trimmed)
// are not read. A glob must say more than "*": at least two characters
// besides its wildcards.
func bisCleanedBy(text, base string, skip map[string]bool) string {
	removing := false
	for line := range strings.SplitSeq(text, "\n") {
		trimmed := strings.TrimSpace(line)
		fields := strings.Fields(trimmed)
		start := 0
		if !removing {
			if start = bisRemoverAt(fields) + 1; start == 0 {
				continue
			}
		}
		removing = strings.HasSuffix(trimmed, "\\")
		if skip[trimmed] {
			continue
		}
		for _, w := range fields[start:] {
			if bisCleans(w, base) {
				return w
			}
		}
	}
	return ""
}

// bisRemoverAt returns the index of the first remover in fields, or -1.
func bisRemoverAt(fields []string) int {
	for i, f := range fields {
		if bisRemovers[strings.TrimLeft(f, "@-")] {
			return i
		}
	}
	return -1
}

// bisCleans says whether the word w of a removing line names base.
func bisCleans(w, base string) bool {
	w = strings.TrimPrefix(w, "./")
	if strings.ContainsAny(w, "/$") || strings.HasPrefix(w, "-") {
		return false
	}
	if w == base {
		return true
	}
	if len(w)-strings.Count(w, "*")-strings.Count(w, "?") < 2 {
		return false
	}
	ok, _ := path.Match(w, base)
	return ok
}
