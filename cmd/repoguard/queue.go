package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

const queueUsage = `usage: repoguard queue <command> [flags]

  list                          list anomalies (open ones unless --status)
  show ID                       an anomaly with its evidence, comments and history
  ack|confirm|resolve|reopen ID [--reason TEXT]
  dismiss ID --reason TEXT      a false positive
                                (releasing a finding that fails a pull request's
                                check waits for a second triager to do the same;
                                reopen withdraws the request)
  assign ID --to LOGIN          --to "" unassigns
  comment ID --body TEXT        --body - reads the comment from stdin
  export [--since DATE]         JSON lines of the anomalies updated since DATE (database only)

The commands use a server's API with --server URL (or $REPOGUARD_SERVER) and
the token in $REPOGUARD_TOKEN (or --token), or else the database directly
(--db FILE, --data DIR), recording local changes as --actor (default $USER).
Run 'repoguard queue <command> -h' for a command's flags.`

// queueStdin is where "comment --body -" reads (tests replace it).
var queueStdin io.Reader = os.Stdin

// queueTriageOrder are the triage actions, as the store names them.
var queueTriageOrder = []string{"ack", "dismiss", "confirm", "resolve", "reopen", "assign", "comment"}

// runQueue lists, shows, triages and exports the anomaly queue.
func runQueue(e *env, args []string) int {
	subs := []subcommand{{"list", runQueueList}, {"show", runQueueShow}, {"export", runQueueExport}}
	for _, kind := range queueTriageOrder {
		subs = append(subs, subcommand{kind, func(e *env, args []string) int { return runQueueTriage(e, kind, args) }})
	}
	return dispatch(e, "queue", queueUsage, args, subs)
}

// runQueueList prints a page of the queue as a table or as JSON.
func runQueueList(e *env, args []string) int {
	var qf queueFlags
	fs := newFlagSet("queue list", "queue list [flags]", e.stderr)
	qf.register(fs, false)
	status := fs.String("status", "open", "comma-separated `STATUSES` (open, acknowledged, confirmed, dismissed, resolved) or all")
	severity := fs.String("severity", "", "the lowest `SEVERITY` listed (info, low, medium, high, critical)")
	var f guard.AnomalyFilter
	fs.StringVar(&f.Repo, "repo", "", "only the repository `OWNER/NAME`")
	fs.StringVar(&f.Author, "author", "", "only the author `KEY`")
	fs.StringVar(&f.Detector, "detector", "", "only the detector `NAME`")
	since := fs.String("since", "", "created at or after `DATE` (2006-01-02 or RFC 3339)")
	until := fs.String("until", "", "created before `DATE` (a date includes that day)")
	fs.StringVar(&f.Sort, "sort", "", "order by `FIELD`: severity, created, updated, score or repo (default most severe, then newest, first)")
	fs.BoolVar(&f.Desc, "desc", false, "with --sort, descending")
	fs.IntVar(&f.Limit, "limit", sqlite.DefaultPageSize, "list `N` anomalies (1 to 500)")
	fs.IntVar(&f.Offset, "offset", 0, "skip the first `N` anomalies")
	fs.BoolVar(&f.IncludeSuppressed, "suppressed", false, "include suppressed anomalies")
	format := fs.String("format", "text", "output `FORMAT`: text or json")
	if code, done := parseNoArgs(e, fs, args); done {
		return code
	}
	err := parseListFlags(&f, *status, *severity, *since, *until, *format)
	if err != nil {
		return fail(e, err)
	}
	q, err := qf.backend(e.ctx)
	if err != nil {
		return fail(e, err)
	}
	defer q.Close()
	page, err := q.list(e.ctx, f)
	if err != nil {
		return fail(e, err)
	}
	if *format == "json" {
		return writeJSONOut(e, page)
	}
	printAnomalyTable(e.stdout, page, time.Now())
	return exitOK
}

// parseListFlags checks the list flags and sets the filter from them.
func parseListFlags(f *guard.AnomalyFilter, status, severity, since, until, format string) error {
	var err error
	if status != "all" && status != "" {
		for _, s := range strings.Split(status, ",") {
			st := guard.AnomalyStatus(strings.TrimSpace(s))
			if !st.Valid() {
				return fmt.Errorf("unknown status %q (want open, acknowledged, confirmed, dismissed, resolved or all)", st)
			}
			f.Status = append(f.Status, st)
		}
	}
	if severity != "" {
		if f.MinSeverity, err = guard.ParseSeverity(severity); err != nil {
			return err
		}
	}
	if f.Since, err = parseDate(since, false); err != nil {
		return err
	}
	if f.Until, err = parseDate(until, true); err != nil {
		return err
	}
	switch {
	case f.Sort != "" && !strings.Contains("|severity|created|updated|score|repo|", "|"+f.Sort+"|"):
		return fmt.Errorf("unknown sort %q (want severity, created, updated, score or repo)", f.Sort)
	case f.Limit < 1 || f.Limit > 500:
		return errors.New("--limit must be 1 to 500")
	case f.Offset < 0:
		return errors.New("--offset must be 0 or more")
	case format != "text" && format != "json":
		return fmt.Errorf("unknown format %q (want text or json)", format)
	}
	return nil
}

// runQueueShow prints one anomaly with everything known about it.
func runQueueShow(e *env, args []string) int {
	var qf queueFlags
	fs := newFlagSet("queue show", "queue show ID [flags]", e.stderr)
	qf.register(fs, false)
	format := fs.String("format", "text", "output `FORMAT`: text or json")
	id, code, done := parseID(e, fs, args)
	if done {
		return code
	}
	if *format != "text" && *format != "json" {
		return fail(e, fmt.Errorf("unknown format %q (want text or json)", *format))
	}
	q, err := qf.backend(e.ctx)
	if err != nil {
		return fail(e, err)
	}
	defer q.Close()
	v, err := q.show(e.ctx, id)
	if err != nil {
		return failAnomaly(e, id, err)
	}
	if *format == "json" {
		return writeJSONOut(e, v)
	}
	printAnomaly(e.stdout, v)
	return exitOK
}

// runQueueTriage applies one triage action and prints the outcome.
func runQueueTriage(e *env, kind string, args []string) int {
	var qf queueFlags
	a := guard.TriageAction{Kind: kind}
	usage := "queue " + kind + " ID [--reason TEXT] [flags]"
	fs := newFlagSet("queue "+kind, usage, e.stderr)
	qf.register(fs, true)
	switch kind {
	case "assign":
		fs.StringVar(&a.Assignee, "to", "", "assign to `LOGIN` (\"\" unassigns)")
	case "comment":
		fs.StringVar(&a.Body, "body", "", "the comment `TEXT`; - reads it from stdin")
	default:
		fs.StringVar(&a.Reason, "reason", "", "why, recorded with the status (`TEXT`; required to dismiss)")
	}
	id, code, done := parseID(e, fs, args)
	if done {
		return code
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if a.Body == "-" {
		b, err := io.ReadAll(io.LimitReader(queueStdin, sqlite.MaxCommentLen+1))
		if err != nil {
			return fail(e, fmt.Errorf("read comment: %w", err))
		}
		a.Body = string(b)
	}
	a.Reason, a.Assignee, a.Body = strings.TrimSpace(a.Reason), strings.TrimSpace(a.Assignee), strings.TrimSpace(a.Body)
	switch {
	case kind == "dismiss" && a.Reason == "":
		return fail(e, errors.New("dismiss needs --reason: say why it is a false positive"))
	case kind == "assign" && !given["to"]:
		return fail(e, errors.New("assign needs --to LOGIN (--to \"\" unassigns)"))
	case kind == "comment" && a.Body == "":
		return fail(e, errors.New("comment needs --body TEXT (or --body - to read stdin)"))
	case len(a.Body) > sqlite.MaxCommentLen:
		return fail(e, fmt.Errorf("the comment is longer than %d bytes", sqlite.MaxCommentLen))
	}
	q, err := qf.backend(e.ctx)
	if err != nil {
		return fail(e, err)
	}
	defer q.Close()
	got, err := q.triage(e.ctx, id, a)
	if err != nil {
		return failAnomaly(e, id, err)
	}
	switch {
	case kind == "comment":
		fmt.Fprintf(e.stdout, "anomaly %d: comment added\n", id)
	case kind == "assign" && got.Assignee == "":
		fmt.Fprintf(e.stdout, "anomaly %d: unassigned\n", id)
	case kind == "assign":
		fmt.Fprintf(e.stdout, "anomaly %d: assigned to %s\n", id, safe(got.Assignee))
	case (kind == "resolve" || kind == "dismiss") && got.Release != nil:
		fmt.Fprintf(e.stdout, "anomaly %d: %s, %s\n", id, got.Status, safe(pendingLine(got)))
	default:
		fmt.Fprintf(e.stdout, "anomaly %d: %s\n", id, got.Status)
	}
	if _, local := q.(*localQueue); local && kind == "resolve" && got.Status.Closed() && got.PullRequest > 0 {
		fmt.Fprintf(e.stderr, "note: pull request #%d's check is re-evaluated only when resolving through the server (--server)\n", got.PullRequest)
	}
	return exitOK
}

// parseID parses flags around exactly one anomaly id.
func parseID(e *env, fs *flag.FlagSet, args []string) (id int64, code int, done bool) {
	pos, err := parseInterspersed(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0, exitOK, true
	case err != nil:
		return 0, exitError, true
	case len(pos) != 1:
		fmt.Fprintf(e.stderr, "usage: repoguard %s ID (one anomaly id)\n", fs.Name())
		return 0, exitError, true
	}
	id, err = strconv.ParseInt(strings.TrimPrefix(pos[0], "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fail(e, fmt.Errorf("bad anomaly id %q: want a positive number", pos[0])), true
	}
	return id, 0, false
}

// failAnomaly reports an error about anomaly id, saying plainly when
// there is no such anomaly.
func failAnomaly(e *env, id int64, err error) int {
	if errors.Is(err, guard.ErrNotFound) {
		return fail(e, fmt.Errorf("anomaly %d not found", id))
	}
	return fail(e, err)
}

// runQueueExport writes the anomalies updated since a date as JSON lines,
// suppressed ones included, for SIEM ingestion. It reads the database.
func runQueueExport(e *env, args []string) int {
	var df dbFlags
	fs := newFlagSet("queue export", "queue export [--since DATE] [--db FILE | --data DIR]", e.stderr)
	df.register(fs)
	sinceFlag := fs.String("since", "", "only anomalies updated at or after `DATE` (2006-01-02 or RFC 3339)")
	if code, done := parseNoArgs(e, fs, args); done {
		return code
	}
	since, err := parseDate(*sinceFlag, false)
	if err != nil {
		return fail(e, err)
	}
	db, err := df.open(e.ctx)
	if err != nil {
		return fail(e, err)
	}
	defer db.Close()
	w := bufio.NewWriter(e.stdout)
	enc := json.NewEncoder(w)
	err = db.ExportAnomalies(e.ctx, since, func(a guard.Anomaly) error { return enc.Encode(a) })
	if ferr := w.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("write: %w", ferr)
	}
	if err != nil {
		return fail(e, err)
	}
	return exitOK
}
