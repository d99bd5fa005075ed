package guard

import (
	"errors"
	"fmt"
	"sort"
	"unicode/utf8"
)

// Engine runs a set of detectors over commits and change sets under one
// policy. It is safe for concurrent use once built.
type Engine struct {
	Detectors  []*Detector
	Policy     *Policy
	Classifier Classifier
}

// Subject is what an Engine judges: exactly one of Commit and Change set.
type Subject struct {
	Commit   *Commit
	Change   *ChangeSet
	Baseline *Baseline // the author's baseline before the change, or nil
}

// Judge runs every enabled detector over the subject and returns the
// findings, most severe first, as the detectors report them (behaviour
// findings uncalibrated: see Behaviour and Assess). A detector that
// panics does not stop the others: its failure is returned as an error
// beside the findings.
func (e *Engine) Judge(s Subject) ([]Finding, error) {
	return e.judge(s, func(*Detector) bool { return true })
}

// Behaviour runs the behaviour detectors (Detector.Behaviour) over a
// commit with its author's baseline and calibrates their findings into
// the commit's Judgement, under the policy's budget.
func (e *Engine) Behaviour(s Subject) (*Judgement, error) {
	raw, err := e.judge(s, func(d *Detector) bool { return d.Behaviour })
	budget := 0.0
	if e.Policy != nil {
		budget = e.Policy.Thresholds.Budget
	}
	rule := map[string]bool{}
	for _, d := range e.Detectors {
		rule[d.Name] = d.Rule
	}
	var signals, rules []Finding
	for _, f := range raw {
		if rule[f.Detector] {
			rules = append(rules, f)
		} else {
			signals = append(signals, f)
		}
	}
	j := Calibrate(signals, s.Baseline, budget)
	j.Rules = rules
	j.Baseline = s.Baseline.snapshot()
	return j, err
}

// Content runs the detectors that are not behaviour detectors.
func (e *Engine) Content(s Subject) ([]Finding, error) {
	return e.judge(s, func(d *Detector) bool { return !d.Behaviour })
}

// Assess runs the content detectors over the subject and combines their
// findings with its behaviour judgement j (nil: none) into its
// Assessment (see Assess), the policy's severity overrides applied. The
// content detectors see the subject's baseline, else the one j was made
// against.
// Lines near findings that may quote secrets are withheld from every
// hunk, behaviour findings' included.
func (e *Engine) Assess(s Subject, j *Judgement) (Assessment, error) {
	if s.Baseline == nil && j != nil {
		s.Baseline = j.Baseline
	}
	content, err := e.Content(s)
	a := Assess(j, content, e.override)
	withhold(a.Findings, e.secretSpans(a.Findings))
	return a, err
}

// override returns the severity the policy forces on a detector's
// findings, SeverityNone when it forces none.
func (e *Engine) override(detector string) Severity {
	if e.Policy == nil {
		return SeverityNone
	}
	return e.Policy.Detectors[detector].Severity
}

// secretSpans returns the lines around the findings of detectors whose
// findings may quote secrets (Detector.NoContext).
func (e *Engine) secretSpans(fs []Finding) []span {
	noContext := map[string]bool{}
	for _, d := range e.Detectors {
		noContext[d.Name] = d.NoContext
	}
	var out []span
	for i := range fs {
		if sp, ok := secretSpan(&fs[i]); ok && noContext[fs[i].Detector] {
			out = append(out, sp)
		}
	}
	return out
}

// secretSpan returns the lines around a finding that may quote a secret,
// when it is on a line.
func secretSpan(f *Finding) (span, bool) {
	if f.Path == "" || f.Line <= 0 {
		return span{}, false
	}
	return span{f.Path, f.Line - hunkContext, max(f.EndLine, f.Line) + hunkContext}, true
}

// judge runs the enabled detectors that which selects.
func (e *Engine) judge(s Subject, which func(*Detector) bool) ([]Finding, error) {
	pass := Pass{
		Commit:     s.Commit,
		Change:     s.Change,
		Policy:     e.Policy,
		Classifier: e.Classifier,
		Baseline:   s.Baseline,
	}
	var files []FileChange
	if s.Commit != nil {
		files, pass.Tree = s.Commit.Files, s.Commit.Tree
	} else if s.Change != nil {
		files, pass.Tree = s.Change.Files, s.Change.Tree
	}
	pass.Files, pass.Categories = e.classify(files)

	var errs []error
	var out []Finding
	var withheld []span // lines near findings that may quote secrets
	hunks := newHunkIndex(pass.Files)
	for _, d := range e.Detectors {
		var dp DetectorPolicy
		if e.Policy != nil {
			dp = e.Policy.Detectors[d.Name]
		}
		if dp.Disabled || !which(d) {
			continue
		}
		pass.detector = d
		pass.findings = pass.findings[:0]
		if err := runSafely(d, &pass); err != nil {
			errs = append(errs, err)
		}
		for _, f := range pass.findings {
			if dp.Severity != SeverityNone {
				f.Severity = dp.Severity
			}
			f.Hunk = nil
			if d.NoContext {
				if sp, ok := secretSpan(&f); ok {
					withheld = append(withheld, sp)
				}
			} else {
				f.Hunk = hunks.hunk(&f)
			}
			out = append(out, f)
		}
	}
	withhold(out, withheld)
	SortFindings(out)
	return out, errors.Join(errs...)
}

// The limits of a finding's hunk: the added lines up to hunkContext
// lines around the finding, at most hunkMaxLines of them, each cut to
// hunkMaxBytes.
const (
	hunkContext  = 3
	hunkMaxLines = 12
	hunkMaxBytes = 300
)

// cutUTF8 returns at most n bytes of s, not splitting a UTF-8 sequence.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func (e *Engine) classify(files []FileChange) ([]FileChange, [][]string) {
	if e.Classifier == nil {
		return files, make([][]string, len(files))
	}
	kept := make([]FileChange, 0, len(files))
	cats := make([][]string, 0, len(files))
	for _, f := range files {
		// A rename out of a watched path into an ignored one must still be
		// seen: skip a file only when its old path is ignored too.
		if e.Classifier.Ignored(f.Path) && (f.OldPath == "" || e.Classifier.Ignored(f.OldPath)) {
			continue
		}
		kept = append(kept, f)
		cats = append(cats, FileCategories(e.Classifier, &f))
	}
	return kept, cats
}

// FileCategories returns the sensitive categories of a file change: those
// of its path and, for a rename, of its old path.
func FileCategories(cls Classifier, f *FileChange) []string {
	c := cls.Categories(f.Path)
	if f.OldPath != "" && f.OldPath != f.Path {
		c = mergeNames(append([]string(nil), c...), cls.Categories(f.OldPath))
	}
	return c
}

// CategoriesOf returns FileCategories for each file, in order; with no
// classifier, no categories.
func CategoriesOf(cls Classifier, files []FileChange) [][]string {
	out := make([][]string, len(files))
	if cls == nil {
		return out
	}
	for i := range files {
		out[i] = FileCategories(cls, &files[i])
	}
	return out
}

func mergeNames(a, b []string) []string {
	for _, n := range b {
		found := false
		for _, m := range a {
			if m == n {
				found = true
				break
			}
		}
		if !found {
			a = append(a, n)
		}
	}
	return a
}

func runSafely(d *Detector, p *Pass) (err error) {
	defer func() {
		if r := recover(); r != nil {
			where := "change set"
			if p.Commit != nil {
				where = "commit " + p.Commit.ShortHash()
			}
			err = fmt.Errorf("detector %s failed on %s: %v", d.Name, where, r)
		}
	}()
	d.Run(p)
	return nil
}

// SortFindings orders findings most severe first, then by path and line.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Detector < b.Detector
	})
}

// MaxSeverity returns the highest severity among the findings.
func MaxSeverity(fs []Finding) Severity {
	m := SeverityNone
	for _, f := range fs {
		if f.Severity > m {
			m = f.Severity
		}
	}
	return m
}
