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
	printRange(w, p.Offset, len(p.Anomalies), p.Total)
}

// printRange says which n of total rows from offset a page printed, and
// how to get the next page.
func printRange(w io.Writer, offset, n, total int) {
	last := offset + n
	fmt.Fprintf(w, "%d to %d of %d", offset+1, last, total)
	if last < total {
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
	field := fields(tw)
	field("detector", a.Detector)
	if a.CaseID > 0 {
		field("case", fmt.Sprintf("c%d", a.CaseID))
	}
	field("repo", a.Repo)
	field("commit", a.Commit)
	field("pull request", fmt.Sprint(a.PullRequest))
	field("author", authorLine(a.Author, a.AuthorName, a.AuthorEmail))
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
	printHistory(w, v.History)
}

// authorLine renders an author's key with the name and email a commit
// recorded: "mallory (Mallory <m@example.com>)".
func authorLine(key, name, email string) string {
	if name == "" && email == "" {
		return key
	}
	return fmt.Sprintf("%s (%s <%s>)", key, name, email)
}

// fields returns a function that prints a name and its value as a row
// of tw, unless the value is "" or "0".
func fields(tw *tabwriter.Writer) func(name, value string) {
	return func(name, value string) {
		if value != "" && value != "0" {
			fmt.Fprintf(tw, "  %s\t%s\n", name, safe(value))
		}
	}
}

// printHistory prints audit entries, if any.
func printHistory(w io.Writer, es []guard.AuditEntry) {
	if len(es) == 0 {
		return
	}
	fmt.Fprintln(w, "\nhistory")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, h := range es {
		fmt.Fprintf(tw, "  #%d\t%s\t%s\t%s\t%s\t%s\n", h.Seq, stamp(h.At), safe(h.Actor), safe(h.Action), safe(h.Subject),
			oneLine(safe(h.Detail), 100))
	}
	tw.Flush()
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
