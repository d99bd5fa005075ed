package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/repoguard/repoguard/detectors"
	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// scanFlags are the flags of `repoguard scan`.
type scanFlags struct {
	rangeSpec   string
	since       string
	format      string
	policyFile  string
	failOn      string
	minSeverity string
	firstParent bool
	maxBlobSize int64
	workers     int
	progress    bool
	learn       bool
	record      bool
	repoName    string
	store       storeFlags
	// judgeAll judges and learns the whole history of the tip (B of
	// --range, else HEAD) even with --range or --since, which then only
	// select the commits a caller reports (eval).
	judgeAll bool
}

func (f *scanFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.rangeSpec, "range", "", "scan only `A..B` (commits reachable from B but not A) or one ref")
	fs.StringVar(&f.since, "since", "", "scan only commits committed since `DATE` (YYYY-MM-DD, RFC 3339, or an age like 30d or 2y)")
	fs.StringVar(&f.format, "format", "text", "output `format`: text, json or sarif")
	fs.StringVar(&f.failOn, "fail-on", "high", "exit 1 when a finding reaches `SEVERITY` (info, low, medium, high, critical, or none)")
	fs.StringVar(&f.minSeverity, "min-severity", "info", "report only findings at or above `SEVERITY`")
	f.registerModel(fs)
	fs.BoolVar(&f.learn, "learn", true, "learn the scanned history into the author baselines after judging it (not with --range or --since)")
	fs.BoolVar(&f.record, "queue", true, "record findings at or above the policy's queue severity in the anomaly queue of the database")
	fs.StringVar(&f.repoName, "repo", "", "name of the repository in the database (default: its directory name)")
	f.store.register(fs)
}

// registerModel registers the flags of how commits are read and judged,
// which eval shares.
func (f *scanFlags) registerModel(fs *flag.FlagSet) {
	fs.StringVar(&f.policyFile, "policy", "", "policy `FILE` (default: .github/repoguard.yml at the scanned tip, else the built-in policy)")
	fs.BoolVar(&f.firstParent, "first-parent", false, "follow only the first parent of merge commits")
	fs.Int64Var(&f.maxBlobSize, "max-blob-size", 1<<20, "do not diff the content of blobs larger than `BYTES`")
	fs.IntVar(&f.workers, "workers", 2, "number of diff workers")
	fs.BoolVar(&f.progress, "progress", true, "show a progress bar when stderr is a terminal")
}

func runScan(e *env, args []string) int {
	var f scanFlags
	fs := newFlagSet(e, "scan", "scan [PATH] [flags]")
	f.register(fs)
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 1 {
		return fail(e, fmt.Errorf("scan takes one repository path, got %d: %s", len(pos), strings.Join(pos, " ")))
	}
	path := "."
	if len(pos) == 1 {
		path = pos[0]
	}
	job, err := f.prepare(e.ctx, path)
	if err != nil {
		return fail(e, err)
	}
	defer job.close()

	if job.dbNote != "" {
		fmt.Fprintln(e.stderr, "repoguard: "+job.dbNote)
	}
	rep, err := newReporter(e.ctx, f.format, e.stdout, job)
	if err != nil {
		return fail(e, err)
	}
	watch := &failWatch{reporter: rep, failOn: job.failOn}
	sum, err := job.run(e, watch, f.progress && e.stderrTTY)
	if err != nil {
		return fail(e, err)
	}
	if err := rep.finish(sum); err != nil {
		return fail(e, fmt.Errorf("write output: %w", err))
	}
	if l := sum.limits(); l != "" {
		fmt.Fprintln(e.stderr, "repoguard: "+l)
	}
	if watch.failed() {
		fmt.Fprintln(e.stderr, "repoguard: "+watch.why())
		return exitFindings
	}
	return exitOK
}

// scanJob is a validated scan, ready to run.
type scanJob struct {
	path         string
	repo         *gitrepo.Repo
	open         gitrepo.Options
	walk         gitrepo.WalkOptions
	engine       *guard.Engine
	policySource string
	failOn       guard.Severity
	minSeverity  guard.Severity
	// db and learner hold the author baselines; learn is set when the scan
	// learns the commits it judges (a whole ref, not a range).
	db      *sqlite.DB
	learner *sqlite.Learner
	learn   *guard.LearnWalk
	tip     string
	// at is the revision of the scanned tip (B of --range, else HEAD):
	// its policy governs the scan, and SARIF paths are as they are there.
	at     string
	name   string // the repository's name in the database
	record bool   // record findings in the anomaly queue
	// queueName names the repository in the anomaly queue; web is its
	// page on GitHub, "" when it is not known to be there.
	queueName, web string
	// dbNote says where the database is when opening it created it.
	dbNote string
}

// prepare validates the flags, opens the repository and loads the policy.
func (f *scanFlags) prepare(ctx context.Context, path string) (*scanJob, error) {
	switch f.format {
	case "text", "json", "sarif":
	default:
		return nil, fmt.Errorf("--format %q: want text, json or sarif", f.format)
	}
	return f.open(ctx, path)
}

// open validates the flags other than --format, opens the repository and
// loads the policy.
func (f *scanFlags) open(ctx context.Context, path string) (*scanJob, error) {
	job := &scanJob{path: path}
	var err error
	if job.failOn, err = parseSeverityFlag("--fail-on", f.failOn, true); err != nil {
		return nil, err
	}
	if job.minSeverity, err = parseSeverityFlag("--min-severity", f.minSeverity, false); err != nil {
		return nil, err
	}
	if f.rangeSpec != "" && f.since != "" {
		return nil, errors.New("--range and --since cannot be used together")
	}
	if f.workers < 1 {
		return nil, fmt.Errorf("--workers %d: want at least 1", f.workers)
	}
	if f.maxBlobSize < 1 {
		return nil, fmt.Errorf("--max-blob-size %d: want a positive number of bytes", f.maxBlobSize)
	}
	job.open = gitrepo.Options{MaxBlobSize: f.maxBlobSize, Workers: f.workers}
	// Oldest first, as a scan that learns must judge: one order whatever
	// the mode.
	job.walk = gitrepo.WalkOptions{Rev: f.rangeSpec, FirstParent: f.firstParent, Order: gitrepo.OldestFirst}
	if f.since != "" {
		if job.walk.Since, err = parseSince(f.since, time.Now()); err != nil {
			return nil, err
		}
	}
	if strings.Count(f.rangeSpec, "..") > 1 || strings.Contains(f.rangeSpec, "...") {
		return nil, fmt.Errorf("invalid range %q: want A..B or a single ref", f.rangeSpec)
	}
	if job.repo, err = gitrepo.Open(path, job.open); err != nil {
		return nil, err
	}
	if err := checkRange(job.repo, f.rangeSpec); err != nil {
		job.repo.Close()
		return nil, err
	}
	job.at = tipOf(f.rangeSpec)
	pol, src, err := loadPolicy(ctx, job.repo, job.at, f.policyFile)
	if err != nil {
		job.repo.Close()
		return nil, err
	}
	job.policySource = src
	eng, err := newEngine(pol)
	if err != nil {
		job.repo.Close()
		return nil, err
	}
	job.engine = eng
	if err := job.openStore(ctx, f); err != nil {
		job.close()
		return nil, err
	}
	return job, nil
}

// openStore opens the baseline database and, for a scan of a whole ref,
// prepares to learn what it judges.
func (j *scanJob) openStore(ctx context.Context, f *scanFlags) error {
	path, err := f.store.path()
	if err != nil {
		return err
	}
	existed := fileExists(path)
	if j.db, err = sqlite.Open(context.Background(), path); err != nil {
		return err
	}
	j.dbNote = databaseNote(path, existed)
	j.learner = sqlite.NewLearner(j.db)
	j.learner.Sole = true // the database is the scan's while it runs
	j.name = repoName(j.repo, f.repoName)
	j.record = f.record
	j.queueName, j.web = queueName(j.name), githubWeb(j.repo)
	if !f.learn || (f.rangeSpec != "" || f.since != "") && !f.judgeAll {
		return nil
	}
	ref := tipOf(f.rangeSpec) // HEAD for a scan
	if j.tip, err = j.repo.Resolve(ref); err != nil {
		return err
	}
	mm, err := mailmapOf(ctx, j.repo, j.tip)
	if err != nil {
		return err
	}
	j.learn = newLearnWalk(j.learner, j.repo, j.name, ref, mm, j.engine, f.firstParent)
	return nil
}

// close releases the repository and the database.
func (j *scanJob) close() {
	if j.db != nil {
		j.db.Close()
	}
	j.repo.Close()
}

func filterSeverity(fs []guard.Finding, min guard.Severity) []guard.Finding {
	out := fs[:0]
	for _, f := range fs {
		if f.Severity >= min {
			out = append(out, f)
		}
	}
	return out
}

func newEngine(pol *guard.Policy) (*guard.Engine, error) {
	cls, err := newClassifier(pol)
	if err != nil {
		return nil, err
	}
	return &guard.Engine{Detectors: detectors.All(), Policy: pol, Classifier: cls}, nil
}

// checkRange resolves the revisions a scan of rangeSpec names, so that a
// missing one reads as what it is (`--range "main..nosuch": ref "nosuch"
// not found in PATH`, or "PATH: repository has no commits") rather than
// as a failure to read the policy file there.
func checkRange(repo *gitrepo.Repo, rangeSpec string) error {
	revs := []string{tipOf(rangeSpec)}
	if a, _, ok := strings.Cut(rangeSpec, ".."); ok && a != "" {
		revs = append(revs, a)
	}
	for _, rev := range revs {
		_, err := repo.Resolve(rev)
		switch {
		case err == nil:
		case rangeSpec == "" || errors.Is(err, gitrepo.ErrEmpty):
			return err
		default:
			return fmt.Errorf("--range %q: %w", rangeSpec, err)
		}
	}
	return nil
}

// tipOf returns the revision whose policy governs a scan of rangeSpec.
func tipOf(rangeSpec string) string {
	if _, b, ok := strings.Cut(rangeSpec, ".."); ok && b != "" {
		return b
	}
	if rangeSpec != "" && !strings.Contains(rangeSpec, "..") {
		return rangeSpec
	}
	return "HEAD"
}

func parseSeverityFlag(name, v string, allowNone bool) (guard.Severity, error) {
	if allowNone && v == "none" {
		return guard.SeverityNone, nil
	}
	s, err := guard.ParseSeverity(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// parseSince accepts YYYY-MM-DD (UTC), RFC 3339, or an age before now in
// days, weeks or years (30d, 6w, 2y) or as a Go duration (12h).
func parseSince(v string, now time.Time) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if n, err := strconv.Atoi(v[:max(len(v)-1, 0)]); err == nil && n >= 0 {
		switch v[len(v)-1] {
		case 'd':
			return now.AddDate(0, 0, -n), nil
		case 'w':
			return now.AddDate(0, 0, -7*n), nil
		case 'y':
			return now.AddDate(-n, 0, 0), nil
		}
	}
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("--since %q: want a date (2024-01-31), an RFC 3339 time or an age (30d, 6w, 2y, 12h)", v)
}

// reporter writes scan results in one format.
type reporter interface {
	// commit reports a commit's findings and its risk score (0-100).
	commit(c *guard.Commit, fs []guard.Finding, risk float64) error
	finish(s *scanSummary) error
}

func newReporter(ctx context.Context, format string, w io.Writer, job *scanJob) (reporter, error) {
	switch format {
	case "json":
		return &jsonReporter{w: w, job: job}, nil
	case "sarif":
		return &sarifReporter{ctx: ctx, w: w, job: job}, nil
	default:
		return &textReporter{w: w, job: job}, nil
	}
}
