package citampering

import (
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// This file reports checks switched off: a job or step of a workflow
// made to never run (a skipped job passes a required check), and
// repository settings that stop requiring checks or reviews.

// ciFalseConditions are if: values that never hold.
var ciFalseConditions = map[string]bool{"false": true, "${{ false }}": true, "${{false}}": true, "0": true,
	"'false'": true, `"false"`: true}

// disabledJobs reports a new "if: false" on a job or step.
func (c *ciFile) disabledJobs() {
	for _, l := range c.file.AddedLines {
		code := strings.TrimPrefix(ciCode(l.Text), "- ")
		v, ok := strings.CutPrefix(code, "if:")
		if !ok || !ciFalseConditions[strings.TrimSpace(v)] || !c.isNew(l) {
			continue
		}
		c.report(guard.Medium, l.Number, "Switches a job or step off with an if: condition that never holds: "+
			"GitHub counts a skipped job as passed, so a required check it provides no longer checks anything.",
			explain.Line(l))
	}
}

// ciWeakSettings are repository settings (probot settings, rulesets)
// whose new value stops requiring a check or a review.
var ciWeakSettings = map[string]string{
	"required_status_checks: null":        "no status check is required any more",
	"required_pull_request_reviews: null": "no review is required any more",
	"enforce_admins: false":               "administrators may merge past the rules",
	"required_approving_review_count: 0":  "no approving review is required any more",
	`"enforcement": "disabled"`:           "the ruleset is switched off",
	`"enforcement": "evaluate"`:           "the ruleset only reports and no longer blocks",
	"dismiss_stale_reviews: false":        "approvals survive new pushes",
}

// requiredChecks reports repository settings that stop requiring checks
// or reviews.
func (c *ciFile) requiredChecks() {
	for _, l := range c.file.AddedLines {
		code := strings.TrimSuffix(ciCode(l.Text), ",")
		what, ok := ciWeakSettings[code]
		if !ok || !c.isNew(l) {
			continue
		}
		c.report(guard.Medium, l.Number, fmt.Sprintf("Weakens the branch protection in %s: %s.", c.file.Path, what),
			explain.Line(l))
	}
}
