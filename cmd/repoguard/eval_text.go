package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// evalWriters write eval's reports in each --format.
var evalWriters = map[string]func(io.Writer, []*repoEval) error{
	"text":     writeEvalText,
	"json":     writeEvalJSON,
	"markdown": writeEvalMarkdown,
}

func writeEvalJSON(w io.Writer, reps []*repoEval) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Repositories []*repoEval `json:"repositories"`
	}{reps})
}

// writeEvalText writes each repository's report for a person to read.
func writeEvalText(w io.Writer, reps []*repoEval) error {
	bw := bufio.NewWriter(w)
	for i, r := range reps {
		if i > 0 {
			fmt.Fprintln(bw)
		}
		textSummary(bw, r)
		textDetectors(bw, r)
		if r.Labels != "" {
			textRecall(bw, r)
		}
	}
	return bw.Flush()
}

func textSummary(w io.Writer, r *repoEval) {
	window := r.Window
	if window != "HEAD" {
		window += "; the commits before judged for the baselines only"
	}
	fmt.Fprintf(w, "%s (%s): %s (%s), judged in %.1f s with the policy from %s\n", safe(r.Repository), safe(r.Path),
		plural(r.Commits, "commit"), safe(window), r.Seconds, safe(r.Policy))
	fmt.Fprintf(w, "queue threshold %.2f bits (budget %s of commits)\n", r.ThresholdBits, share(r.Budget))
	fmt.Fprintf(w, "ordinary commits flagged: %d of %d at medium or above (%s), %d at high or above (%s), %d critical (%s)\n",
		r.Flagged.Medium, r.Ordinary, pctOf(r.Flagged.Medium, r.Ordinary), r.Flagged.High, pctOf(r.Flagged.High, r.Ordinary),
		r.Flagged.Critical, pctOf(r.Flagged.Critical, r.Ordinary))
}

func textDetectors(w io.Writer, r *repoEval) {
	if len(r.Detectors) == 0 {
		fmt.Fprintln(w, "no findings on ordinary commits")
		return
	}
	fmt.Fprintf(w, "\n%-24s %9s %8s %16s\n", "detector", "findings", "medium+", "commits flagged")
	for _, d := range r.Detectors {
		fmt.Fprintf(w, "%-24s %9d %8d %16d\n", d.Detector, d.Findings, d.MediumPlus, d.Commits)
	}
}

func textRecall(w io.Writer, r *repoEval) {
	caught := totalCaught(r)
	fmt.Fprintf(w, "\nknown-bad commits (%s): %d of %d caught at medium or above (%s)\n", safe(r.Labels), caught, r.Labelled,
		recallOf(caught, r.Labelled))
	fmt.Fprintf(w, "%-24s %7s %6s  %s\n", "class", "caught", "recall", "caught by")
	for _, c := range r.Classes {
		fmt.Fprintf(w, "%-24s %7s %6s  %s\n", c.Class, fmt.Sprintf("%d/%d", c.Caught, c.Labelled), recallOf(c.Caught, c.Labelled),
			caughtBy(c.Detectors))
	}
	for _, c := range r.Classes {
		for _, le := range c.Commits {
			if !le.Caught {
				fmt.Fprintf(w, "missed %s %s %s\n", le.Hash[:10], c.Class, oneLine(le.Description, 120))
			}
		}
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "skipped %s: %s\n", s.Class, oneLine(s.Why, 160))
	}
}

// pctOf renders n of d as a share with two decimals: "0.78%".
func pctOf(n, d int) string {
	if d == 0 {
		return "–"
	}
	return share(float64(n) / float64(d))
}

// share renders a fraction as a percentage with two decimals.
func share(x float64) string { return fmt.Sprintf("%.2f%%", 100*x) }

// recallOf renders caught of labelled as a whole percentage.
func recallOf(n, d int) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(d))
}
