package guard

import (
	"fmt"
	"math"
	"strings"
)

// ExplainModel explains, in lines of text, how findings become the
// anomaly queue under a budget (DefaultBudget when 0), with a worked
// example whose numbers come from the model itself: `repoguard policy
// show` prints it.
func ExplainModel(budget float64) []string {
	if budget <= 0 {
		budget = DefaultBudget
	}
	floor := -math.Log2(budget)
	const n = 3000
	rates := NewRates()
	rates.Commits = n
	rates.Events["new-author-sensitive"] = 3
	rates.Events["new-author-sensitive/keys"] = 3
	rates.Events["unusual-time"] = 40
	rates.Events["unusual-time/medium"] = 40
	keys := EventRate("new-author-sensitive/keys", rates, nil)
	hour := EventRate("unusual-time/medium", rates, nil)
	both := keys.Bits() + hour.Bits()
	threshold := math.Max(floor, 11)
	out := []string{
		fmt.Sprintf("How a commit reaches the anomaly queue (thresholds.budget %g, %s of commits):", budget, percent(budget)),
		"- A content finding (what the change contains) keeps its severity; medium and above enter the queue.",
		"- A behaviour finding (the author against their own history) is worth its surprise in this repository:",
		"  -log2 p, where p is how often its event happened in the repository's earlier commits, smoothed",
		fmt.Sprintf("  towards the rest of the organization and a prior of 1 in %g with the weight of %g commits:", 1/PriorRate, PriorWeight),
		"  p = (events here + 20 x prior) / (commits here + 20). A kind of a detector's findings counts as at most",
		fmt.Sprintf("  %d times rarer than the detector's findings at large.", KindSpread),
		"- A commit's score adds the surprise of its events and 2, 5 and 9 bits for its low, medium and high",
		"  content findings; risk is five points a bit (risk 50: one commit in 1,024; 100 with a critical finding).",
		"- The behaviour findings of a commit are medium, and enter the queue, when its behaviour score with its",
		"  medium and high content findings reaches the repository's threshold, set so that at most the budget's",
		"  share of its earlier commits enter the queue: first those that medium or high content findings and rules",
		fmt.Sprintf("  brought there (critical ones are outside the budget), then the top scores, scored as they are now; at least %g of", MinBehaviourShare),
		fmt.Sprintf("  the budget is left to scores, and the threshold is never less than -log2 budget = %.1f bits. Where less", floor),
		"  than one commit is left (a young repository), it lies above the top score by the bits that share is",
		"  short of one. Below the threshold behaviour findings are low (from 4 bits) or info, and stay in the report.",
		fmt.Sprintf("Worked example: a repository of %s commits where a new author changed key code 3 times and", Thousands(n)),
		"commits came at an hour unusual for their author 40 times:",
		fmt.Sprintf("  new-author-sensitive/keys: p = (3 + 20 x 0.1) / (3,000 + 20) = 1 in %s: %.1f bits", Thousands(int(math.Round(1/keys.P))), keys.Bits()),
		fmt.Sprintf("  unusual-time/medium:       p = (40 + 2) / 3,020 = 1 in %s: %.1f bits", Thousands(int(math.Round(1/hour.P))), hour.Bits()),
		fmt.Sprintf("  a first-time author changing key code at such an hour scores %.1f bits (risk %.0f); with a threshold", both, RiskOf(both, Low)),
		fmt.Sprintf("  of %.0f bits both findings are medium and the commit enters the queue, while either alone is low.", threshold),
	}
	return out
}

// commentLines prefixes each line with "# ".
func commentLines(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("# " + l + "\n")
	}
	return b.String()
}

// ModelComment is ExplainModel as YAML comments.
func ModelComment(budget float64) string { return commentLines(ExplainModel(budget)) }

// ExplainRates describes what a repository's rates say now, under
// budget: how many commits they count, its queue threshold, and the base
// rate of each event seen, commonest first (at most max of them).
func ExplainRates(name string, repo, org *Rates, budget float64, max int) []string {
	if repo == nil || repo.Commits == 0 {
		return []string{fmt.Sprintf("%s: no commit learned yet; `repoguard scan` or `backfill` learns them.", name)}
	}
	t := QueueThreshold(repo, org, budget)
	out := []string{fmt.Sprintf("%s now: %s commits learned, %s brought to the queue by behaviour; queue threshold %.1f bits (risk %.0f).",
		name, Thousands(repo.Commits), Thousands(repo.Flagged), t, RiskOf(t, SeverityNone))}
	kinds := map[string]int{} // the detectors' totals are in their kinds' lines
	for e, n := range repo.Events {
		if strings.Contains(e, "/") {
			kinds[e] = n
		}
	}
	events := SortedKeys(kinds, func(a, b string) bool { return a < b })
	for i, e := range events {
		if i == max {
			out = append(out, fmt.Sprintf("  ... and %d more events", len(events)-max))
			break
		}
		out = append(out, fmt.Sprintf("  %-40s %s", e, EventRate(e, repo, org)))
	}
	return out
}
