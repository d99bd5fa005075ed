package main

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
)

// writeEvalMarkdown writes the tables of docs/detection.md: one row per
// repository, the findings of each detector, the recall of each class of
// known-bad commits, and the classes the labels files say were skipped.
func writeEvalMarkdown(w io.Writer, reps []*repoEval) error {
	bw := bufio.NewWriter(w)
	if len(reps) > 0 && reps[0].Window != "HEAD" {
		fmt.Fprintf(bw, "Commits counted: %s; the history before them was judged and built the baselines.\n\n", mdCell(reps[0].Window))
	}
	mdHistories(bw, reps)
	mdDetectors(bw, reps)
	mdRecall(bw, reps)
	mdSkipped(bw, reps)
	return bw.Flush()
}

func mdHistories(w io.Writer, reps []*repoEval) {
	fmt.Fprintln(w, "| history | commits | known-bad | caught | ordinary flagged at medium+ | high+ | critical | queue threshold | budget | s |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	var shares []float64
	for _, r := range reps {
		labelled, caught := "–", "–"
		if r.Labels != "" {
			labelled, caught = fmt.Sprint(r.Labelled), fmt.Sprint(totalCaught(r))
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %.2f bits | %s | %.1f |\n", mdCell(r.Repository), r.Commits,
			labelled, caught, countPct(r.Flagged.Medium, r.Ordinary), countPct(r.Flagged.High, r.Ordinary),
			countPct(r.Flagged.Critical, r.Ordinary), r.ThresholdBits, share(r.Budget), r.Seconds)
		if r.Ordinary > 0 {
			shares = append(shares, float64(r.Flagged.Medium)/float64(r.Ordinary))
		}
	}
	if len(shares) > 1 {
		fmt.Fprintf(w, "| **median** | | | | %s | | | | | |\n", share(median(shares)))
	}
	fmt.Fprintln(w)
}

// countPct renders "12 (0.78%)".
func countPct(n, d int) string { return fmt.Sprintf("%d (%s)", n, pctOf(n, d)) }

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func totalCaught(r *repoEval) int {
	n := 0
	for _, c := range r.Classes {
		n += c.Caught
	}
	return n
}

func mdDetectors(w io.Writer, reps []*repoEval) {
	counts := make([]map[string]*detectorEval, len(reps))
	names := map[string]bool{}
	for i, r := range reps {
		counts[i] = map[string]*detectorEval{}
		for _, d := range r.Detectors {
			counts[i][d.Detector], names[d.Detector] = d, true
		}
	}
	fmt.Fprintln(w, "Findings per detector on ordinary commits: all severities / medium or above / commits it flagged.")
	fmt.Fprintln(w)
	mdHeader(w, "detector", reps)
	for _, name := range slices.Sorted(maps.Keys(names)) {
		cells := make([]string, len(reps))
		for i := range reps {
			d := counts[i][name]
			if d == nil {
				d = &detectorEval{}
			}
			cells[i] = fmt.Sprintf("%d / %d / %d", d.Findings, d.MediumPlus, d.Commits)
		}
		fmt.Fprintf(w, "| %s | %s |\n", mdCell(name), strings.Join(cells, " | "))
	}
	fmt.Fprintln(w)
}

// mdCol is a column of a Markdown table; numbers are aligned right.
type mdCol struct {
	name string
	text bool
}

// mdHeader writes a table's header: first, a column per repository, then
// the extra columns.
func mdHeader(w io.Writer, first string, reps []*repoEval, extra ...mdCol) {
	cols := []mdCol{{first, true}}
	for _, r := range reps {
		cols = append(cols, mdCol{mdCell(r.Repository), false})
	}
	names, align := make([]string, 0, len(cols)), make([]string, 0, len(cols))
	for _, c := range append(cols, extra...) {
		a := "---:"
		if c.text {
			a = "---"
		}
		names, align = append(names, c.name), append(align, a)
	}
	fmt.Fprintf(w, "| %s |\n|%s|\n", strings.Join(names, " | "), strings.Join(align, "|"))
}

func mdRecall(w io.Writer, reps []*repoEval) {
	order := classOrder(reps)
	if len(order) == 0 {
		return
	}
	fmt.Fprintln(w, "Recall per class: known-bad commits caught at medium or above / labelled.")
	fmt.Fprintln(w)
	mdHeader(w, "class", reps, mdCol{"all", false}, mdCol{"recall", false}, mdCol{"caught by", true})
	allCaught, allLabelled := 0, 0
	for _, class := range order {
		cells := make([]string, len(reps))
		caught, labelled, by := 0, 0, map[string]int{}
		for i, r := range reps {
			cells[i] = "–"
			for _, c := range r.Classes {
				if c.Class == class {
					cells[i] = fmt.Sprintf("%d/%d", c.Caught, c.Labelled)
					caught, labelled = caught+c.Caught, labelled+c.Labelled
					for d, n := range c.Detectors {
						by[d] += n
					}
				}
			}
		}
		allCaught, allLabelled = allCaught+caught, allLabelled+labelled
		fmt.Fprintf(w, "| %s | %s | %d/%d | %s | %s |\n", class, strings.Join(cells, " | "), caught, labelled,
			recallOf(caught, labelled), caughtBy(by))
	}
	cells := make([]string, len(reps))
	for i, r := range reps {
		cells[i] = "–"
		if r.Labels != "" {
			cells[i] = fmt.Sprintf("%d/%d", totalCaught(r), r.Labelled)
		}
	}
	fmt.Fprintf(w, "| **all** | %s | %d/%d | **%s** | |\n\n", strings.Join(cells, " | "), allCaught, allLabelled,
		recallOf(allCaught, allLabelled))
}

// classOrder merges the repositories' orders of their classes (that of
// their labels files): a class first seen in a later repository goes
// right after the class it follows there.
func classOrder(reps []*repoEval) []string {
	var order []string
	for _, r := range reps {
		prev := -1
		for _, c := range r.Classes {
			at := slices.Index(order, c.Class)
			if at < 0 {
				at = prev + 1
				order = slices.Insert(order, at, c.Class)
			}
			prev = at
		}
	}
	return order
}

func mdSkipped(w io.Writer, reps []*repoEval) {
	header := false
	for _, r := range reps {
		for _, s := range r.Skipped {
			if !header {
				fmt.Fprint(w, "Classes not planted (or fewer than asked), as the labels files say:\n\n")
				header = true
			}
			fmt.Fprintf(w, "- %s, %s: %s\n", mdCell(r.Repository), s.Class, mdCell(s.Why))
		}
	}
	if header {
		fmt.Fprintln(w)
	}
}

// mdCell makes s safe in a Markdown table cell: one line, "|" escaped.
func mdCell(s string) string {
	return strings.ReplaceAll(oneLine(s, 200), "|", `\|`)
}
