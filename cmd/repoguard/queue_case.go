package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/web"
)

// listCases prints a page of the queue's cases.
func listCases(e *env, q queueBackend, f guard.AnomalyFilter, format string) int {
	page, err := q.cases(e.ctx, f)
	if err != nil {
		return fail(e, err)
	}
	if format == "json" {
		return writeJSONOut(e, page)
	}
	printCaseTable(e.stdout, page, time.Now())
	return exitOK
}

// showCase prints a case with its findings and history.
func showCase(e *env, q queueBackend, ref queueRef, format string) int {
	v, err := q.showCase(e.ctx, ref.id)
	if err != nil {
		return failRef(e, ref, err)
	}
	if format == "json" {
		return writeJSONOut(e, v)
	}
	printCase(e.stdout, v)
	return exitOK
}

// triageCase applies a triage action to a case and prints the outcome:
// what became of the findings it applied to.
func triageCase(e *env, q queueBackend, ref queueRef, a guard.TriageAction) int {
	got, err := q.triageCase(e.ctx, ref.id, a)
	if err != nil {
		return failRef(e, ref, err)
	}
	var done, asked []string
	for _, an := range got.Anomalies {
		if (a.Kind == "resolve" || a.Kind == "dismiss") && an.Release != nil {
			asked = append(asked, fmt.Sprintf("a%d", an.ID))
		} else {
			done = append(done, fmt.Sprintf("a%d", an.ID))
		}
	}
	line := fmt.Sprintf("case c%d: %s", ref.id, got.Case.Status)
	if len(done) > 0 {
		line += fmt.Sprintf("; %s %s", verbed(a.Kind), strings.Join(done, ", "))
	}
	if len(asked) > 0 {
		line += fmt.Sprintf("; %s asked for %s: it fails the pull request's check, so a second triager must confirm it (queue %s c%d)",
			a.Kind, strings.Join(asked, ", "), a.Kind, ref.id)
	}
	fmt.Fprintln(e.stdout, line)
	noteLocalRelease(e, q, a.Kind, got.Anomalies...)
	return exitOK
}

// verbed names what a triage action did: "acknowledged", "commented on".
func verbed(kind string) string {
	switch kind {
	case "ack":
		return "acknowledged"
	case "comment":
		return "commented on"
	case "assign":
		return "assigned"
	}
	return strings.TrimSuffix(kind, "e") + "ed"
}

// caseChange is a case's commit ("1a2b3c4d5e") or pull request ("#7").
func caseChange(c *guard.Case) string {
	if c.PullRequest > 0 {
		return fmt.Sprintf("#%d", c.PullRequest)
	}
	return guard.ShortHash(c.Commit)
}

// severities renders a case's findings by severity: "1 critical, 2 medium".
func severities(c *guard.Case) string {
	var parts []string
	for sev := guard.Critical; sev > guard.SeverityNone; sev-- {
		if n := c.BySeverity[sev]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	return strings.Join(parts, ", ")
}

// caseStatus is the status of a case with its pending releases.
func caseStatus(c *guard.Case) string {
	s := string(c.Status)
	if c.Pending > 0 {
		s += fmt.Sprintf(", %d pending", c.Pending)
	}
	if c.Suppressed {
		s += ", suppressed"
	}
	return s
}

// printCaseTable prints a page of cases as a table.
func printCaseTable(w io.Writer, p *web.CasePage, now time.Time) {
	if len(p.Cases) == 0 {
		fmt.Fprintf(w, "no cases (%d match the filters)\n", p.Total)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tRISK\tREPO\tCHANGE\tAUTHOR\tDATE\tFINDINGS\tTOP DETECTOR\tSTATUS\tSUBJECT")
	for i := range p.Cases {
		c := &p.Cases[i]
		top := ""
		if len(c.Detectors) > 0 {
			top = c.Detectors[0]
			if len(c.Detectors) > 1 {
				top += fmt.Sprintf(" +%d", len(c.Detectors)-1)
			}
		}
		fmt.Fprintf(tw, "c%d\t%.0f\t%s\t%s\t%s\t%s (%s)\t%d: %s\t%s\t%s\t%s\n", c.ID, c.Risk, safe(c.Repo), safe(caseChange(c)),
			oneLine(safe(c.Author), 24), c.Date.UTC().Format(time.DateOnly), age(now.Sub(c.Date)), c.Findings, severities(c),
			safe(top), caseStatus(c), oneLine(safe(c.Subject), 50))
	}
	tw.Flush()
	printRange(w, p.Offset, len(p.Cases), p.Total)
}

// printCase prints a case with its findings and history.
func printCase(w io.Writer, v *web.CaseDetail) {
	c := v.Case
	fmt.Fprintf(w, "case c%d  RISK %.0f (%s)  %s\n", c.ID, c.Risk, guard.RiskBand(c.Risk), caseStatus(c))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	field := fields(tw)
	field("repo", c.Repo)
	field("pull request", fmt.Sprint(c.PullRequest))
	field("commit", c.Commit)
	field("subject", c.Subject)
	field("author", authorLine(c.Author, c.AuthorName, c.AuthorEmail))
	field("date", stamp(c.Date))
	field("url", c.URL)
	field("findings", fmt.Sprintf("%d: %s", c.Findings, severities(c)))
	if c.Pending > 0 {
		field("pending", plural(c.Pending, "release")+" of findings that fail the pull request's check wait for a second triager")
	}
	tw.Flush()
	fmt.Fprintln(w, "\nfindings")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, a := range v.Anomalies {
		loc := a.Path
		if a.Line > 0 {
			loc += fmt.Sprintf(":%d", a.Line)
		}
		status := string(a.Status)
		if a.Release != nil {
			status += ", " + a.Release.Kind + " asked by " + a.Release.By
		}
		fmt.Fprintf(tw, "  a%d\t%s\t%s\t%s\t%s\t%s\n", a.ID, strings.ToUpper(a.Severity.String()), safe(status),
			safe(a.Detector), safe(loc), oneLine(safe(a.Message), 80))
	}
	tw.Flush()
	printHistory(w, v.History)
}
