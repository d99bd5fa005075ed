package main

import (
	"fmt"
	"maps"
	"slices"

	"github.com/repoguard/repoguard/guard"
)

// repoEval is what eval reports of one repository. A commit is flagged
// when it has a finding at medium or above (what enters the anomaly
// queue by default); a known-bad commit so flagged is caught.
type repoEval struct {
	Repository string `json:"repository"`
	Path       string `json:"path"`
	Policy     string `json:"policy"`
	// Window says which commits are counted: "HEAD" (all of its
	// history), "since DATE" or a range.
	Window string `json:"window"`
	// Commits are the commits counted, Labelled the known-bad ones among
	// them, Ordinary the others.
	Commits  int `json:"commits"`
	Labelled int `json:"labelled"`
	Ordinary int `json:"ordinary"`
	// Flagged counts the ordinary commits by their most severe finding.
	Flagged flagCounts `json:"ordinary_flagged"`
	// ThresholdBits is the repository's queue threshold for behaviour
	// findings after the history (guard.Calibrate), under Budget.
	ThresholdBits float64 `json:"queue_threshold_bits"`
	Budget        float64 `json:"budget"`
	Seconds       float64 `json:"seconds"`
	// Detectors count the findings on ordinary commits.
	Detectors []*detectorEval `json:"detectors"`
	// Labels is the labels file, "" without one.
	Labels  string         `json:"labels,omitempty"`
	Classes []*classEval   `json:"classes,omitempty"`
	Skipped []skippedClass `json:"skipped,omitempty"`
}

// flagCounts count commits whose most severe finding reaches a severity.
type flagCounts struct {
	Medium   int `json:"medium_plus"`
	High     int `json:"high_plus"`
	Critical int `json:"critical"`
}

// detectorEval counts one detector's findings on ordinary commits: all,
// those at medium or above, and the commits it flagged.
type detectorEval struct {
	Detector   string `json:"detector"`
	Findings   int    `json:"findings"`
	MediumPlus int    `json:"medium_plus"`
	Commits    int    `json:"commits_flagged"`
}

// classEval is the recall of one class of known-bad commits.
type classEval struct {
	Class    string `json:"class"`
	Labelled int    `json:"labelled"`
	Caught   int    `json:"caught"`
	// Detectors counts, per detector, the commits it caught.
	Detectors map[string]int `json:"detectors"`
	Commits   []*labelEval   `json:"commits"`
}

// labelEval is one known-bad commit and whether it was caught, by which
// detectors (those with a finding at medium or above on it).
type labelEval struct {
	Hash        string   `json:"hash"`
	Description string   `json:"description,omitempty"`
	Caught      bool     `json:"caught"`
	Detectors   []string `json:"detectors,omitempty"`
}

// evalTally is the reporter eval gives a scan: it counts the findings of
// the commits in the window, the known-bad ones apart.
type evalTally struct {
	rep    *repoEval
	window map[string]bool
	known  map[string]*labelEval // by full hash
	dets   map[string]*detectorEval
}

// newEvalTally counts the commits of window (their hashes) into rep.
func newEvalTally(rep *repoEval, window []string) *evalTally {
	t := &evalTally{rep: rep, window: make(map[string]bool, len(window)), known: map[string]*labelEval{},
		dets: map[string]*detectorEval{}}
	for _, h := range window {
		t.window[h] = true
	}
	rep.Commits, rep.Ordinary = len(window), len(window)
	return t
}

// label adds the known-bad commits of lf, each resolved to its full hash
// with resolve; a commit that is not in the window is an error naming
// its line.
func (t *evalTally) label(lf *labelFile, resolve func(rev string) (string, error)) error {
	t.rep.Labels, t.rep.Skipped = lf.name, lf.skipped
	classes := map[string]*classEval{}
	for _, l := range lf.labels {
		full, err := resolve(l.hash)
		if err != nil || !t.window[full] {
			return fmt.Errorf("%s:%d: commit %s is not among the commits judged (%s of %s)",
				lf.name, l.line, l.hash, t.rep.Window, t.rep.Path)
		}
		if t.known[full] != nil {
			return fmt.Errorf("%s:%d: commit %s is labelled already", lf.name, l.line, l.hash)
		}
		c := classes[l.class]
		if c == nil {
			c = &classEval{Class: l.class, Detectors: map[string]int{}}
			classes[l.class] = c
			t.rep.Classes = append(t.rep.Classes, c)
		}
		le := &labelEval{Hash: full, Description: l.desc}
		c.Commits = append(c.Commits, le)
		c.Labelled++
		t.known[full] = le
	}
	t.rep.Labelled = len(t.known)
	t.rep.Ordinary = t.rep.Commits - t.rep.Labelled
	return nil
}

// commit counts one judged commit (the reporter interface).
func (t *evalTally) commit(c *guard.Commit, fs []guard.Finding, _ float64) error {
	if !t.window[c.Hash] {
		return nil
	}
	flagging := map[string]bool{}
	for _, f := range fs {
		if f.Severity >= guard.Medium {
			flagging[f.Detector] = true
		}
	}
	if le := t.known[c.Hash]; le != nil {
		le.Caught, le.Detectors = len(flagging) > 0, slices.Sorted(maps.Keys(flagging))
		return nil
	}
	for _, f := range fs {
		d := t.detector(f.Detector)
		d.Findings++
		if f.Severity >= guard.Medium {
			d.MediumPlus++
		}
	}
	for name := range flagging {
		t.detector(name).Commits++
	}
	worst := guard.MaxSeverity(fs)
	t.rep.Flagged.Medium += b2i(worst >= guard.Medium)
	t.rep.Flagged.High += b2i(worst >= guard.High)
	t.rep.Flagged.Critical += b2i(worst >= guard.Critical)
	return nil
}

func (t *evalTally) detector(name string) *detectorEval {
	d := t.dets[name]
	if d == nil {
		d = &detectorEval{Detector: name}
		t.dets[name] = d
	}
	return d
}

// finish is the reporter interface's; the tally is read by done.
func (t *evalTally) finish(*scanSummary) error { return nil }

// done completes the report: the detectors by name, each class's caught
// commits and the detectors that caught them.
func (t *evalTally) done() *repoEval {
	for _, name := range slices.Sorted(maps.Keys(t.dets)) {
		t.rep.Detectors = append(t.rep.Detectors, t.dets[name])
	}
	for _, c := range t.rep.Classes {
		for _, le := range c.Commits {
			c.Caught += b2i(le.Caught)
			for _, d := range le.Detectors {
				c.Detectors[d]++
			}
		}
	}
	return t.rep
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// caughtBy renders "detector ×n, ..." for the detectors that caught a
// class, the most first.
func caughtBy(m map[string]int) string {
	ks := slices.Sorted(maps.Keys(m))
	slices.SortStableFunc(ks, func(a, b string) int { return m[b] - m[a] })
	s := ""
	for i, k := range ks {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s ×%d", k, m[k])
	}
	return s
}
