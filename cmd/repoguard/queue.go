package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

const queueUsage = `usage: repoguard queue <command> [flags]

  list                          list cases, the findings of one commit or pull request
                                (open ones unless --status, riskiest first);
                                --anomalies lists one row per finding
  show ID                       a case with its findings and history (ID c12), or an
                                anomaly with its evidence, comments and history (ID a34 or 34)
  ack|confirm|resolve|reopen ID [--reason TEXT]
  dismiss ID --reason TEXT      a false positive
                                (on a case: each of its findings the action applies to;
                                releasing a finding that fails a pull request's
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

// The orders of `queue list`, of cases and with --anomalies.
var (
	caseSorts    = []string{"risk", "date", "updated", "repo"}
	anomalySorts = []string{"severity", "created", "updated", "score", "repo"}
)

// runQueueList prints a page of the queue's cases, or of its anomalies,
// as a table or as JSON.
func runQueueList(e *env, args []string) int {
	var qf queueFlags
	fs := newFlagSet(e, "queue list", "queue list [flags]")
	qf.register(fs, false)
	status := fs.String("status", "open", "comma-separated `STATUSES` (open, acknowledged, confirmed, dismissed, resolved) or all")
	severity := fs.String("severity", "", "the lowest `SEVERITY` listed (info, low, medium, high, critical)")
	var f guard.AnomalyFilter
	fs.StringVar(&f.Repo, "repo", "", "only repositories whose OWNER/NAME contains `TEXT` (ignoring case; with --anomalies, exactly)")
	fs.StringVar(&f.Author, "author", "", "only authors whose key, name or email contains `TEXT` (with --anomalies, the key exactly)")
	fs.StringVar(&f.Detector, "detector", "", "only cases with a finding of a detector whose name contains `TEXT` (with --anomalies, exactly)")
	since := fs.String("since", "", "committed (with --anomalies, recorded) at or after `DATE` (2006-01-02 or RFC 3339)")
	until := fs.String("until", "", "committed (with --anomalies, recorded) before `DATE` (a date includes that day)")
	fs.StringVar(&f.Sort, "sort", "", "order by `FIELD`: risk, date, updated or repo (default riskiest first); "+
		"with --anomalies severity, created, updated, score or repo (default most severe, then newest, first)")
	fs.BoolVar(&f.Desc, "desc", false, "with --sort, descending")
	fs.IntVar(&f.Limit, "limit", sqlite.DefaultPageSize, "list `N` cases or anomalies (1 to 500)")
	fs.IntVar(&f.Offset, "offset", 0, "skip the first `N`")
	fs.BoolVar(&f.IncludeSuppressed, "suppressed", false, "include suppressed anomalies")
	anomalies := fs.Bool("anomalies", false, "list anomalies, one row per finding, instead of cases")
	format := fs.String("format", "text", "output `FORMAT`: text or json")
	if code, done := parseNoArgs(e, fs, args); done {
		return code
	}
	sorts := caseSorts
	if *anomalies {
		sorts = anomalySorts
	}
	err := parseListFlags(&f, sorts, *status, *severity, *since, *until, *format)
	if err != nil {
		return fail(e, err)
	}
	q, err := qf.backend(e.ctx)
	if err != nil {
		return fail(e, err)
	}
	defer q.Close()
	if !*anomalies {
		return listCases(e, q, f, *format)
	}
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

// parseListFlags checks the list flags and sets the filter from them;
// sorts are the orders the list offers.
func parseListFlags(f *guard.AnomalyFilter, sorts []string, status, severity, since, until, format string) error {
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
	case f.Sort != "" && !slices.Contains(sorts, f.Sort):
		return fmt.Errorf("unknown sort %q (want %s)", f.Sort, strings.Join(sorts, ", "))
	case f.Limit < 1 || f.Limit > 500:
		return errors.New("--limit must be 1 to 500")
	case f.Offset < 0:
		return errors.New("--offset must be 0 or more")
	case format != "text" && format != "json":
		return fmt.Errorf("unknown format %q (want text or json)", format)
	}
	return nil
}

// runQueueShow prints one case, or one anomaly, with everything known
// about it.
func runQueueShow(e *env, args []string) int {
	var qf queueFlags
	fs := newFlagSet(e, "queue show", "queue show ID [flags]")
	qf.register(fs, false)
	format := fs.String("format", "text", "output `FORMAT`: text or json")
	ref, code, done := parseRef(e, fs, args)
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
	if ref.isCase {
		return showCase(e, q, ref, *format)
	}
	v, err := q.show(e.ctx, ref.id)
	if err != nil {
		return failRef(e, ref, err)
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
	usage := "queue " + kind + " ID [--reason TEXT] [flags] (ID: a case, c12, or an anomaly, a34 or 34)"
	fs := newFlagSet(e, "queue "+kind, usage)
	qf.register(fs, true)
	switch kind {
	case "assign":
		fs.StringVar(&a.Assignee, "to", "", "assign to `LOGIN` (\"\" unassigns)")
	case "comment":
		fs.StringVar(&a.Body, "body", "", "the comment `TEXT`; - reads it from stdin")
	default:
		fs.StringVar(&a.Reason, "reason", "", "why, recorded with the status (`TEXT`; required to dismiss)")
	}
	ref, code, done := parseRef(e, fs, args)
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
	if ref.isCase {
		return triageCase(e, q, ref, a)
	}
	id := ref.id
	got, err := q.triage(e.ctx, id, a)
	if err != nil {
		return failRef(e, ref, err)
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
	noteLocalRelease(e, q, kind, *got)
	return exitOK
}

// noteLocalRelease says, after a local resolve that released findings of
// a pull request, that its check is not re-evaluated.
func noteLocalRelease(e *env, q queueBackend, kind string, as ...guard.Anomaly) {
	if _, local := q.(*localQueue); !local || kind != "resolve" {
		return
	}
	for _, a := range as {
		if a.Status.Closed() && a.PullRequest > 0 {
			fmt.Fprintf(e.stderr, "note: pull request #%d's check is re-evaluated only when resolving through the server (--server)\n", a.PullRequest)
			return
		}
	}
}

// queueRef names a case ("c12") or an anomaly ("a34", or "34" and "#34"
// as before cases).
type queueRef struct {
	id     int64
	isCase bool
}

func (r queueRef) String() string {
	if r.isCase {
		return fmt.Sprintf("case c%d", r.id)
	}
	return fmt.Sprintf("anomaly %d", r.id)
}

// parseRef parses flags around exactly one case or anomaly id.
func parseRef(e *env, fs *flag.FlagSet, args []string) (ref queueRef, code int, done bool) {
	pos, code, ok := parseArgs(fs, args)
	switch {
	case !ok:
		return ref, code, true
	case len(pos) != 1:
		fmt.Fprintf(e.stderr, "usage: repoguard %s ID (one case, c12, or anomaly, a34 or 34)\n", fs.Name())
		return ref, exitError, true
	}
	ref, err := parseQueueRef(pos[0])
	if err != nil {
		return ref, fail(e, err), true
	}
	return ref, 0, false
}

// parseQueueRef reads "c12" (a case), "a34", "#34" or "34" (an anomaly).
func parseQueueRef(s string) (queueRef, error) {
	var ref queueRef
	num := strings.TrimPrefix(s, "#")
	switch {
	case strings.HasPrefix(s, "c"), strings.HasPrefix(s, "C"):
		ref.isCase, num = true, s[1:]
	case strings.HasPrefix(s, "a"), strings.HasPrefix(s, "A"):
		num = s[1:]
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id <= 0 || strings.HasPrefix(num, "+") {
		return ref, fmt.Errorf("bad id %q: want a case (c12) or an anomaly (a34, or 34)", s)
	}
	ref.id = id
	return ref, nil
}

// failRef reports an error about a case or anomaly, saying plainly when
// there is no such thing.
func failRef(e *env, ref queueRef, err error) int {
	if errors.Is(err, guard.ErrNotFound) {
		return fail(e, fmt.Errorf("%s not found", ref))
	}
	return fail(e, err)
}

// runQueueExport writes the anomalies updated since a date as JSON lines,
// suppressed ones included, for SIEM ingestion. It reads the database.
func runQueueExport(e *env, args []string) int {
	var df dbFlags
	fs := newFlagSet(e, "queue export", "queue export [--since DATE] [--db FILE | --data DIR]")
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
