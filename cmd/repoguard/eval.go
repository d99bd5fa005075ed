package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/repoguard/repoguard/guard"
)

// evalFlags are the flags of `repoguard eval`.
type evalFlags struct {
	scan   scanFlags // how commits are read and judged: the scan's model
	format string
	db     string
	labels []string
}

func (f *evalFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.scan.rangeSpec, "range", "", "count only `A..B` (commits reachable from B but not A) or one ref; all of B's history is judged")
	fs.StringVar(&f.scan.since, "since", "", "count only commits committed since `DATE` (YYYY-MM-DD, RFC 3339, or an age like 90d or 2y); all of HEAD's history is judged")
	fs.StringVar(&f.format, "format", "text", "output `format`: text, json or markdown")
	fs.StringVar(&f.db, "db", "", "database `FILE` that keeps the judgements, reused by the next run (default: a throwaway one per repository)")
	fs.Func("labels", "labels `FILE` of known-bad commits (\"<sha> <class> <description>\" lines): once per repository in their order, or NAME=FILE", func(v string) error {
		f.labels = append(f.labels, v)
		return nil
	})
	f.scan.registerModel(fs)
}

// runEval judges the history of each repository with the scan's model and
// reports how many ordinary commits it would flag, per severity and per
// detector, and which known-bad commits it catches. It is a report: it
// exits 0 whatever it finds.
func runEval(e *env, args []string) int {
	var f evalFlags
	fs := newFlagSet(e, "eval", "eval [flags] REPO...")
	f.register(fs)
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		return fail(e, errors.New("eval takes one or more repository paths"))
	}
	write, ok := evalWriters[f.format]
	if !ok {
		return fail(e, fmt.Errorf("--format %q: want text, json or markdown", f.format))
	}
	files, err := assignLabels(f.labels, pos)
	if err != nil {
		return fail(e, err)
	}
	show := f.scan.progress && e.stderrTTY
	reps := make([]*repoEval, 0, len(pos))
	for i, path := range pos {
		if show {
			fmt.Fprintf(e.stderr, "eval: %s (%d of %d)\n", evalName(path), i+1, len(pos))
		}
		rep, err := f.evalOne(e, path, files[i], show)
		if err != nil {
			return fail(e, err)
		}
		reps = append(reps, rep)
	}
	if err := write(e.stdout, reps); err != nil {
		return fail(e, fmt.Errorf("write output: %w", err))
	}
	return exitOK
}

// evalOne judges one repository, as a scan of its whole history that
// learns as it goes (judgeAll), and counts the commits of the window.
func (f *evalFlags) evalOne(e *env, path, labels string, show bool) (*repoEval, error) {
	sf := f.scan
	sf.judgeAll, sf.learn, sf.record = true, true, false
	sf.failOn, sf.minSeverity = "none", "info"
	sf.store.db = f.db
	if f.db == "" {
		dir, err := os.MkdirTemp("", "repoguard-eval-")
		if err != nil {
			return nil, fmt.Errorf("throwaway database: %w", err)
		}
		defer os.RemoveAll(dir)
		sf.store.db = filepath.Join(dir, "eval.db")
	}
	job, err := sf.open(e.ctx, path)
	if err != nil {
		return nil, err
	}
	defer job.close()
	window, err := job.repo.Hashes(e.ctx, job.walk)
	if err != nil {
		return nil, err
	}
	rep := &repoEval{Repository: evalName(path), Path: path, Policy: job.policySource, Window: sf.window(job)}
	t := newEvalTally(rep, window)
	if labels != "" {
		lf, err := readLabels(labels)
		if err != nil {
			return nil, err
		}
		if err := t.label(lf, job.repo.Resolve); err != nil {
			return nil, err
		}
	}
	sum, err := job.run(e, t, show)
	if err != nil {
		return nil, err
	}
	if l := sum.limits(); l != "" {
		fmt.Fprintf(e.stderr, "repoguard: %s: %s\n", rep.Repository, l)
	}
	rep.Seconds = math.Round(sum.elapsed.Seconds()*10) / 10
	if rep.ThresholdBits, rep.Budget, err = queueThreshold(e.ctx, job); err != nil {
		return nil, err
	}
	return t.done(), nil
}

// window says which commits eval counts.
func (f *scanFlags) window(job *scanJob) string {
	switch {
	case f.rangeSpec != "":
		return f.rangeSpec
	case f.since != "":
		return "since " + job.walk.Since.UTC().Format("2006-01-02 15:04 UTC")
	}
	return "HEAD"
}

// queueThreshold returns the repository's queue threshold in bits as the
// history judged leaves it (what the next commit by a person is judged
// against), and the budget that set it.
func queueThreshold(ctx context.Context, job *scanJob) (bits, budget float64, err error) {
	here, org, err := job.learner.Rates(ctx, job.name, false)
	if err != nil {
		return 0, 0, err
	}
	budget = job.engine.Policy.Thresholds.Budget
	if budget <= 0 {
		budget = guard.DefaultBudget
	}
	return guard.QueueThreshold(here, org, budget), budget, nil
}
