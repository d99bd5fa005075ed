package guard

import "math"

// riskWeights are the weights w(severity) of the risk formula, indexed by
// Severity. A finding without a severity weighs nothing.
var riskWeights = [...]float64{
	SeverityNone: 0,
	Info:         0.05,
	Low:          0.15,
	Medium:       0.35,
	High:         0.6,
	Critical:     0.95,
}

// Risk combines the findings of a commit or change set into a score from 0
// to 100, as a noisy-OR of independent pieces of evidence:
//
//	risk = 100 * (1 - Π_i (1 - w(severity_i) * score_i))
//
// where w(info) = 0.05, w(low) = 0.15, w(medium) = 0.35, w(high) = 0.6,
// w(critical) = 0.95 (no severity, or below, weighs 0; above critical, as
// critical), and score_i is the finding's Score in [0, 1]: a Score of 0
// or below (unset) or NaN counts as 0.5, as Pass.Report sets it, and one
// above 1 as 1. Each finding is the chance, on its own, that the change
// needs a closer look; the risk is the chance that at least one of them
// is right. So one critical finding of score 1 gives 95, one high 60, one
// medium 35, two mediums 57.75, and no findings 0. Adding a finding never
// lowers the risk, and the order of findings does not matter.
func Risk(fs []Finding) float64 {
	keep := 1.0
	for _, f := range fs {
		keep *= 1 - riskWeight(f.Severity)*riskScore(f.Score)
	}
	return 100 * (1 - keep)
}

func riskWeight(s Severity) float64 {
	switch {
	case s <= SeverityNone:
		return 0
	case s > Critical:
		return riskWeights[Critical]
	}
	return riskWeights[s]
}

func riskScore(s float64) float64 {
	if math.IsNaN(s) {
		return 0.5
	}
	return clampScore(s)
}

// RiskBand names the band a risk score falls in: "none" below 5, "low"
// below 25, "medium" below 50, "high" below 80, and "critical" from 80.
// Of findings with score 1: one medium is medium (35), one high is high
// (60), two highs (84) or one critical (95) are critical.
func RiskBand(r float64) string {
	switch {
	case r < 5:
		return "none"
	case r < 25:
		return "low"
	case r < 50:
		return "medium"
	case r < 80:
		return "high"
	}
	return "critical"
}
