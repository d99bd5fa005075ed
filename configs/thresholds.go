package configs

import (
	"github.com/repoguard/repoguard/guard"
	"gopkg.in/yaml.v3"
)

var thresholdKeys = []string{"review", "block", "queue", "budget"}

// thresholdsEntry is the thresholds mapping of a file. A nil field was not
// set.
type thresholdsEntry struct {
	review, budget *float64
	block, queue   *guard.Severity
	node           *yaml.Node
	// last is the last of block and queue the file sets, where an
	// inconsistency between them is reported.
	last *yaml.Node
}

// thresholds reads the thresholds mapping.
func (r *reader) thresholds(n *yaml.Node) thresholdsEntry {
	t := thresholdsEntry{node: n}
	if isNull(n) {
		return t
	}
	r.fields(n, "thresholds", thresholdKeys, func(key string, _, v *yaml.Node) {
		switch key {
		case "review":
			if f, ok := r.number(v, "thresholds.review"); ok {
				if f < 0 || f > 100 {
					r.errs.at(v, "thresholds.review is a risk score and must be between 0 and 100, got %v", f)
				} else {
					t.review = &f
				}
			}
		case "budget":
			if f, ok := r.number(v, "thresholds.budget"); ok {
				if f <= 0 || f > 1 {
					r.errs.at(v, "thresholds.budget is a share of commits and must be above 0 and at most 1 (0.005 is 0.5%%), got %v", f)
				} else {
					t.budget = &f
				}
			}
		case "block":
			t.block = r.severity(v, "thresholds.block")
			t.last = v
		case "queue":
			t.queue = r.severity(v, "thresholds.queue")
			t.last = v
		}
	})
	return t
}

// mergeThresholds applies the fields the file sets and checks that every
// finding severe enough to block also reaches the anomaly queue.
func (r *reader) mergeThresholds(t *guard.Thresholds, e thresholdsEntry) {
	if e.review != nil {
		t.Review = *e.review
	}
	if e.budget != nil {
		t.Budget = *e.budget
	}
	if e.block != nil {
		t.Block = *e.block
	}
	if e.queue != nil {
		t.Queue = *e.queue
	}
	if t.Queue > t.Block && e.last != nil {
		r.errs.at(e.last, "thresholds.queue (%s) is above thresholds.block (%s): blocking findings must reach the anomaly queue", t.Queue, t.Block)
	}
}
