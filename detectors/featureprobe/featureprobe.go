package featureprobe

import (
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.feature-probe.settings.
type Settings struct {
	// known_words are identifiers, headers or flags that are spelt
	// right although they are one or two letters from a feature's own
	// (a project's names), so that they are never taken for a
	// misspelling.
	KnownWords []string `setting:"known_words"`
}

// Detector is the feature-probe detector.
var Detector = &guard.Detector{
	Name: "feature-probe",
	Doc: "Reports a change to a CMake, autoconf or meson build file that breaks the compile or link probe " +
		"of a sandbox or hardening feature (Landlock, seccomp, Capsicum, pledge/unveil, stack protector, " +
		"CET, _FORTIFY_SOURCE, RELRO, PIE, ...): a stray character or unbalanced brace in its test " +
		"program, a misspelt header, symbol or flag, a removed include. The feature is then silently off " +
		"in every build (the xz-utils 2024 Landlock check). High for sandboxes.",
	Severity: guard.Medium,
	Settings: &Settings{KnownWords: []string{}},
	Run:      run,
}

func run(pass *guard.Pass) {
	v := defaultVocab
	if known := pass.Settings().(*Settings).KnownWords; len(known) > 0 {
		v = newVocab(known)
	}
	for i := range pass.Files {
		f := &pass.Files[i]
		l := langOf(f.Path)
		if l == noLang || f.Status == guard.Deleted || !f.Diffed() {
			continue
		}
		c := &checker{pass: pass, file: f, lang: l, vocab: v, reported: map[int]bool{}}
		c.check()
	}
}

// checker judges the changes of one build file.
type checker struct {
	pass     *guard.Pass
	file     *guard.FileChange
	lang     lang
	vocab    *vocab
	reported map[int]bool // lines with a finding
}

func (c *checker) check() {
	added := map[string]bool{} // headers the added lines include
	for _, l := range c.file.AddedLines {
		if h := includeOf(l.Text); h != "" {
			added[h] = true
		}
	}
	for _, b := range blocks(c.file) {
		c.pairs(b)
		c.probes(b)
		c.removedIncludes(b, added)
	}
}

// problem is one broken probe, before it is worded as a finding.
type problem struct {
	line     int // in the new file; 0 for a deleted line
	feature  *feature
	what     string // what the change does, a sentence start
	evidence []string
}

func (c *checker) report(p problem) {
	if p.line > 0 {
		if c.reported[p.line] {
			return
		}
		c.reported[p.line] = true
	}
	sev, score := guard.Medium, 0.6
	if p.feature.sandbox {
		sev, score = guard.High, 0.8
	}
	c.pass.Report(guard.Finding{
		Severity: sev,
		Score:    score,
		Path:     c.file.Path,
		Line:     p.line,
		Message: fmt.Sprintf("%s: the check fails on every system, so the %s is silently off in every build.",
			p.what, p.feature.name),
		Evidence: p.evidence,
	})
}

// includeOf returns the header a line includes, "" when it includes none.
func includeOf(line string) string {
	t := strings.TrimSpace(line)
	rest, ok := strings.CutPrefix(t, "#include")
	if !ok {
		rest, ok = strings.CutPrefix(t, "# include")
	}
	if !ok {
		return ""
	}
	return headerName(rest)
}

// removedIncludes reports an #include of a feature's header deleted from
// a test program that stays: a block whose deleted lines are includes,
// blanks or comments, the header included nowhere in the added lines.
func (c *checker) removedIncludes(b block, added map[string]bool) {
	var gone []guard.Line
	for _, l := range b.del {
		t := strings.TrimSpace(l.Text)
		switch {
		case includeOf(t) != "":
			gone = append(gone, l)
		case t == "" || strings.HasPrefix(t, "//") || strings.HasPrefix(t, "/*"):
		default:
			return
		}
	}
	for _, l := range gone {
		h := includeOf(l.Text)
		f := c.vocab.known[h]
		if f == nil || added[h] {
			continue
		}
		c.report(problem{feature: f,
			what: fmt.Sprintf("Removes #include <%s> from the test program of a %s probe and keeps the "+
				"rest, which needs the header", h, f.name),
			evidence: []string{fmt.Sprintf("old line %d: %s", l.Number, strings.TrimSpace(l.Text))}})
	}
}

// quoteLine renders a deleted line as evidence.
func quoteLine(prefix string, l guard.Line) string {
	return prefix + strings.TrimPrefix(explain.Line(l), "line ")
}
