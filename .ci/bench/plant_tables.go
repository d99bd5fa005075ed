package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// printTables prints the Markdown tables of docs/detection.md from the
// recall JSON of several histories.
func printTables(w io.Writer, files []string) error {
	if len(files) == 0 {
		return errors.New("usage: plant -tables RECALL.json...")
	}
	var reps []*recallReport
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var r recallReport
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		reps = append(reps, &r)
	}
	historyTable(w, reps)
	detectorTable(w, reps)
	classTable(w, reps)
	skippedList(w, reps)
	return nil
}

func historyTable(w io.Writer, reps []*recallReport) {
	fmt.Fprintln(w, "| history | commits scanned | planted | caught | ordinary commits flagged at medium+ | scan s |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, r := range reps {
		caught := 0
		for _, c := range r.Classes {
			caught += c.Caught
		}
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d (%s) | %.0f |\n", r.Repository, r.Commits, r.Planted, caught,
			r.OrdinaryFlagged, pct1(r.OrdinaryFlagged, r.Ordinary), r.ScanSeconds)
	}
	fmt.Fprintln(w)
}

func pct1(n, d int) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(d))
}

func detectorTable(w io.Writer, reps []*recallReport) {
	names := map[string]bool{}
	for _, r := range reps {
		for d := range r.Detectors {
			names[d] = true
		}
	}
	fmt.Fprintf(w, "Findings per detector, all severities / medium or above:\n\n| detector | %s |\n|---|%s\n",
		strings.Join(repoNames(reps), " | "), strings.Repeat("---:|", len(reps)))
	for _, d := range sortedKeys(names) {
		var cells []string
		for _, r := range reps {
			c := r.Detectors[d]
			if c == nil {
				c = &detectorCount{}
			}
			cells = append(cells, fmt.Sprintf("%d / %d", c.Findings, c.MediumPlus))
		}
		fmt.Fprintf(w, "| %s | %s |\n", d, strings.Join(cells, " | "))
	}
	fmt.Fprintln(w)
}

func repoNames(reps []*recallReport) []string {
	var out []string
	for _, r := range reps {
		out = append(out, r.Repository)
	}
	return out
}

func classTable(w io.Writer, reps []*recallReport) {
	type total struct {
		planted, caught int
		by              map[string]int
	}
	totals := map[string]*total{}
	for _, r := range reps {
		for _, c := range r.Classes {
			t := totals[c.Class]
			if t == nil {
				t = &total{by: map[string]int{}}
				totals[c.Class] = t
			}
			t.planted += c.Planted
			t.caught += c.Caught
			for d, n := range c.Detectors {
				t.by[d] += n
			}
		}
	}
	names := sortedKeys(totals)
	sort.SliceStable(names, func(i, j int) bool { return classRank(names[i]) < classRank(names[j]) })
	fmt.Fprintf(w, "Recall per class, caught at medium or above / planted:\n\n| class | %s | all | recall | caught by |\n|---|%s---:|---:|---|\n",
		strings.Join(repoNames(reps), " | "), strings.Repeat("---:|", len(reps)))
	var all total
	for _, n := range names {
		var cells []string
		for _, r := range reps {
			cell := "–"
			for _, c := range r.Classes {
				if c.Class == n {
					cell = fmt.Sprintf("%d/%d", c.Caught, c.Planted)
				}
			}
			cells = append(cells, cell)
		}
		t := totals[n]
		all.planted += t.planted
		all.caught += t.caught
		fmt.Fprintf(w, "| %s | %s | %d/%d | %s | %s |\n", n, strings.Join(cells, " | "), t.caught, t.planted, pct(t.caught, t.planted), caughtBy(t.by))
	}
	fmt.Fprintf(w, "| **all** | %s| %d/%d | **%s** | |\n\n", strings.Repeat(" | ", len(reps)-1)+" ", all.caught, all.planted, pct(all.caught, all.planted))
}

func skippedList(w io.Writer, reps []*recallReport) {
	any := false
	for _, r := range reps {
		for _, k := range sortedKeys(r.Skipped) {
			if !any {
				fmt.Fprintln(w, "Classes not planted (or fewer than asked):")
				fmt.Fprintln(w)
				any = true
			}
			fmt.Fprintf(w, "- %s, %s: %s\n", r.Repository, k, r.Skipped[k])
		}
	}
	if any {
		fmt.Fprintln(w)
	}
}
