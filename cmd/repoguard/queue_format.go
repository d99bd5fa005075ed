package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/web"
)

// writeJSONOut prints v as indented JSON.
func writeJSONOut(e *env, v any) int {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fail(e, fmt.Errorf("write: %w", err))
	}
	return exitOK
}

// printAnomalyTable prints a page of anomalies as a table.
func printAnomalyTable(w io.Writer, p *web.AnomalyPage, now time.Time) {
	if len(p.Anomalies) == 0 {
		fmt.Fprintf(w, "no anomalies (%d match the filters)\n", p.Total)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tSTATUS\tDETECTOR\tREPO\tAUTHOR\tAGE\tMESSAGE")
	for _, a := range p.Anomalies {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Severity, a.Status, safe(a.Detector),
			safe(a.Repo), oneLine(safe(a.Author), 24), age(now.Sub(a.CreatedAt)), oneLine(safe(a.Message), 60))
	}
	tw.Flush()
	last := p.Offset + len(p.Anomalies)
	fmt.Fprintf(w, "%d to %d of %d", p.Offset+1, last, p.Total)
	if last < p.Total {
		fmt.Fprintf(w, " (next: --offset %d)", last)
	}
	fmt.Fprintln(w)
}

// age renders a duration in its largest unit: 45s, 12m, 5h, 3d.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(int(d.Seconds()), 0))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// pendingLine says which release of a waits for a second triager.
func pendingLine(a *guard.Anomaly) string {
	r := a.Release
	line := fmt.Sprintf("%s asked by %s %s", r.Kind, r.By, stamp(r.At))
	if r.Reason != "" {
		line += ": " + r.Reason
	}
	return line + fmt.Sprintf("; it fails pull request #%d's check, so a second triager must confirm it (queue %s %d)",
		a.PullRequest, r.Kind, a.ID)
}

// printAnomaly prints an anomaly with its evidence, comments and history.
func printAnomaly(w io.Writer, v *web.AnomalyDetail) {
	a := v.Anomaly
	fmt.Fprintf(w, "anomaly %d  %s  %s\n", a.ID, strings.ToUpper(a.Severity.String()), a.Status)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	field := func(name, value string) {
		if value != "" && value != "0" {
			fmt.Fprintf(tw, "  %s\t%s\n", name, safe(value))
		}
	}
	field("detector", a.Detector)
	field("repo", a.Repo)
	field("commit", a.Commit)
	field("pull request", fmt.Sprint(a.PullRequest))
	author := a.Author
	if a.AuthorName != "" || a.AuthorEmail != "" {
		author += fmt.Sprintf(" (%s <%s>)", a.AuthorName, a.AuthorEmail)
	}
	field("author", author)
	loc := a.Path
	if a.Line > 0 {
		loc += fmt.Sprintf(":%d", a.Line)
	}
	field("path", loc)
	field("score", fmt.Sprintf("%.2f", a.Score))
	field("message", a.Message)
	field("url", a.URL)
	field("assignee", a.Assignee)
	field("reason", a.Reason)
	if r := a.Release; r != nil {
		field("pending", pendingLine(a))
	}
	if a.Suppressed {
		field("suppressed", "yes: a suppression keeps it out of the queue")
	}
	field("seen", plural(a.Seen, "time"))
	field("created", stamp(a.CreatedAt))
	field("updated", stamp(a.UpdatedAt))
	tw.Flush()
	if len(a.Evidence) > 0 {
		fmt.Fprintln(w, "\nevidence")
		for _, ev := range a.Evidence {
			fmt.Fprintf(w, "  - %s\n", safe(ev))
		}
	}
	if len(v.Comments) > 0 {
		fmt.Fprintln(w, "\ncomments")
		for _, c := range v.Comments {
			fmt.Fprintf(w, "  %s  %s:\n", stamp(c.CreatedAt), safe(c.Author))
			for _, line := range strings.Split(c.Body, "\n") {
				fmt.Fprintf(w, "    %s\n", safe(line))
			}
		}
	}
	if len(v.History) > 0 {
		fmt.Fprintln(w, "\nhistory")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, h := range v.History {
			fmt.Fprintf(tw, "  #%d\t%s\t%s\t%s\t%s\n", h.Seq, stamp(h.At), safe(h.Actor), safe(h.Action), oneLine(safe(h.Detail), 100))
		}
		tw.Flush()
	}
}

// stamp formats a time in UTC to the second.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }

// parseDate reads a date (UTC) or an RFC 3339 time; a date as an upper
// bound means the end of that day, as the web queue reads it.
func parseDate(v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, fmt.Errorf("bad date %q: want 2006-01-02 or an RFC 3339 time", v)
	}
	return t, nil
}
