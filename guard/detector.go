package guard

import (
	"fmt"
	"regexp"
)

// Detector is one check over a change. It is a value, defined once in its
// own package and listed in detectors.All, and its Run does no I/O:
// everything it needs is in the Pass.
type Detector struct {
	// Name is stable and kebab-case ("key-material"): it names the rule in
	// SARIF output, policy files and the anomaly queue.
	Name string
	// Doc says in a sentence or two what the detector catches.
	Doc string
	// Severity is the default severity of its findings; Report uses it
	// when a finding leaves Severity unset.
	Severity Severity
	// Settings, when not nil, points to a struct of the tunable
	// parameters holding their default values. Each field is a float64,
	// int, bool, string or []string tagged with the key a policy
	// overrides it by, under detectors.<name>.settings (`setting:"key"`).
	// Run reads them with Pass.Settings.
	Settings any
	// Behaviour marks a detector that compares a commit with its
	// author's baseline: its findings are judged once, against the
	// baseline as it was before the commit, and calibrated to how often
	// their events happened in the repository (see Calibrate).
	Behaviour bool
	// Rule marks a behaviour detector whose findings keep the severity
	// they are reported with instead of being calibrated: a combination
	// that is an anomaly whatever its base rate (an author new to the
	// repository adding a dependency). Judged once and kept, like other
	// behaviour findings.
	Rule bool
	// NoContext marks a detector whose findings may point at secrets: the
	// engine attaches no hunk (Finding.Hunk) to them.
	NoContext bool
	// Run inspects the pass and reports findings through pass.Report.
	Run func(pass *Pass)
}

var kebab = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Check reports what is wrong with a detector's definition: a name that
// is not kebab-case, no Run, Doc or Severity, or settings a policy could
// not set.
func (d *Detector) Check() error {
	if !kebab.MatchString(d.Name) {
		return fmt.Errorf("detector name %q is not kebab-case", d.Name)
	}
	if d.Run == nil || d.Doc == "" || d.Severity == SeverityNone {
		return fmt.Errorf("detector %q needs Run, Doc and Severity", d.Name)
	}
	if d.Settings == nil {
		return nil
	}
	if err := checkSettings(d.Settings); err != nil {
		return fmt.Errorf("detector %q: %w", d.Name, err)
	}
	return nil
}

// Pass is what a detector sees: one commit (or change set), the policy
// classification of each changed file, and, for behaviour detectors, the
// author's profile as it was before the change.
type Pass struct {
	// Commit is the commit being judged. For a change set it is nil and
	// Change is set instead.
	Commit *Commit
	Change *ChangeSet
	// Files are the file changes under judgment: the commit's, or the
	// change set's combined diff. Files whose path the policy ignores are
	// left out.
	Files []FileChange
	// Categories holds, for each element of Files, the sensitive
	// categories its path (or old path) belongs to.
	Categories [][]string
	Policy     *Policy
	Classifier Classifier
	// Baseline holds the author's profiles and identity as they were
	// before this change; nil when no baseline is kept, and then
	// behaviour detectors stay silent.
	Baseline *Baseline
	// Tree is the tree the commit (or the change set's head) leaves, for
	// detectors that must know more than the diff: which files mention a
	// path, what a folder holds. Nil when it cannot be had: a detector
	// then judges on the diff alone.
	Tree Tree

	detector *Detector
	findings []Finding
}

// Report records a finding of the running detector. Detector, Commit and
// (when zero) Severity are filled in.
func (p *Pass) Report(f Finding) {
	f.Detector = p.detector.Name
	if f.Severity == SeverityNone {
		f.Severity = p.detector.Severity
	}
	if f.Commit == "" && p.Commit != nil {
		f.Commit = p.Commit.Hash
	}
	if f.Score <= 0 || f.Score > 1 {
		f.Score = clampScore(f.Score)
	}
	p.findings = append(p.findings, f)
}

func clampScore(s float64) float64 {
	switch {
	case s <= 0:
		return 0.5
	case s > 1:
		return 1
	}
	return s
}

// InCategory reports whether Files[i] belongs to the named category.
func (p *Pass) InCategory(i int, name string) bool {
	for _, c := range p.Categories[i] {
		if c == name {
			return true
		}
	}
	return false
}
