package main

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// textReporter writes findings grouped by commit for a person to read, as
// the scan goes.
type textReporter struct {
	w   io.Writer
	job *scanJob
	bw  *bufio.Writer
}

func (r *textReporter) commit(c *guard.Commit, fs []guard.Finding, risk float64) error {
	if r.bw == nil {
		r.bw = bufio.NewWriter(r.w)
	}
	w := r.bw
	fmt.Fprintf(w, "commit %s  %s\n", c.ShortHash(), oneLine(c.Subject(), 72))
	fmt.Fprintf(w, "  author    %s <%s>  %s\n", safe(c.Author.Name), safe(c.Author.Email), formatTime(c.Author.When))
	if c.Committer.Email != c.Author.Email || !c.Committer.When.Equal(c.Author.When) {
		fmt.Fprintf(w, "  committer %s <%s>  %s\n", safe(c.Committer.Name), safe(c.Committer.Email), formatTime(c.Committer.When))
	}
	if pol := r.job.engine.Policy; pol != nil && pol.Thresholds.Review > 0 && risk >= pol.Thresholds.Review {
		fmt.Fprintf(w, "  risk      %.0f/100 (%s): at or over the review threshold %.0f, a second reviewer is needed\n",
			risk, guard.RiskBand(risk), pol.Thresholds.Review)
	} else {
		fmt.Fprintf(w, "  risk      %.0f/100 (%s)\n", risk, guard.RiskBand(risk))
	}
	for _, f := range fs {
		loc := f.Location()
		if loc != "" {
			loc += "  "
		}
		fmt.Fprintf(w, "  %-8s  %-18s  %s%s\n", strings.ToUpper(f.Severity.String()), f.Detector, safe(loc), safe(f.Message))
		for _, ev := range f.Evidence {
			fmt.Fprintf(w, "  %8s  %18s    %s\n", "", "", oneLine(ev, 160))
		}
	}
	fmt.Fprintln(w)
	return w.Flush()
}

func (r *textReporter) finish(s *scanSummary) error {
	w := r.w
	fmt.Fprintf(w, "Scanned %s (%s changed) of %s in %s, policy from %s.\n",
		plural(s.commits, "commit"), plural(s.files, "file"), r.job.path,
		s.elapsed.Round(10*time.Millisecond), r.job.policySource)
	if s.findings == 0 {
		_, err := fmt.Fprintln(w, "No findings.")
		return err
	}
	_, err := fmt.Fprintf(w, "%s: %s.\n", plural(s.findings, "finding"), severityCounts(s.bySeverity))
	return err
}

// severityCounts renders "1 critical, 3 high" from the most severe down.
func severityCounts(m map[guard.Severity]int) string {
	sevs := make([]guard.Severity, 0, len(m))
	for s := range m {
		sevs = append(sevs, s)
	}
	sort.Slice(sevs, func(i, j int) bool { return sevs[i] > sevs[j] })
	parts := make([]string, 0, len(sevs))
	for _, s := range sevs {
		parts = append(parts, fmt.Sprintf("%d %s", m[s], s))
	}
	return strings.Join(parts, ", ")
}

// formatTime shows a time in its own zone, with the offset.
func formatTime(t time.Time) string { return t.Format("2006-01-02 15:04:05 -0700") }

// oneLine collapses whitespace, escapes control characters (see safe)
// and cuts s to max runes.
func oneLine(s string, max int) string {
	s = safe(strings.Join(strings.Fields(s), " "))
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
