package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// runBackfill builds author profiles from the full history of each
// repository, incrementally: a second run reads only new commits.
func runBackfill(e *env, args []string) int {
	var sf storeFlags
	fs := newFlagSet(e, "backfill", "backfill [flags] PATH...")
	sf.register(fs)
	ref := fs.String("ref", "HEAD", "learn the history of `REF`")
	name := fs.String("repo", "", "store the repository under `NAME` (default: its directory name; one path only)")
	policyFile := fs.String("policy", "", "policy `FILE` for the sensitive categories (default: the repository's own, else built-in)")
	progress := fs.Bool("progress", true, "show a progress bar when stderr is a terminal")
	paths, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	if *name != "" && len(paths) > 1 {
		return fail(e, errors.New("--repo names one repository: give one path"))
	}
	db, err := sf.open(e.ctx)
	if err != nil {
		return fail(e, err)
	}
	defer db.Close()
	learner := sqlite.NewLearner(db)
	learner.Sole = true
	for _, p := range paths {
		if err := backfillOne(e, learner, p, *name, *ref, *policyFile, *progress); err != nil {
			return fail(e, err)
		}
	}
	return exitOK
}

func backfillOne(e *env, learner *sqlite.Learner, path, name, ref, policyFile string, progress bool) error {
	start := time.Now()
	repo, err := gitrepo.Open(path, gitrepo.Options{})
	if err != nil {
		return err
	}
	defer repo.Close()
	w, tip, err := newLearning(e.ctx, learner, repo, name, ref, policyFile)
	if err != nil {
		return err
	}
	_, segs, err := planLearning(e.ctx, learner, w, repo, tip)
	if err != nil {
		return err
	}
	var bar *progressBar
	total := 0
	if len(segs) > 0 && progress && e.stderrTTY {
		if total, err = w.Count(e.ctx, segs); err != nil {
			return err
		}
		bar = newProgressBar(e.stderr, total)
	}
	w.Step = func(*guard.Commit, int) error {
		bar.step()
		return nil
	}
	learned, err := w.Run(e.ctx, segs)
	bar.done()
	if err != nil {
		return fmt.Errorf("backfill %s: %w", path, err)
	}
	if learned == 0 {
		fmt.Fprintf(e.stdout, "%s: %s is up to date at %s\n", w.Repo, w.Ref, guard.ShortHash(tip))
		return nil
	}
	el := time.Since(start)
	fmt.Fprintf(e.stdout, "%s: learned %s of %s up to %s in %s (%.0f commits/s)\n", w.Repo, plural(learned, "commit"),
		w.Ref, guard.ShortHash(tip), el.Round(time.Millisecond), float64(learned)/max(el.Seconds(), 1e-3))
	return nil
}

// newLearning prepares the learning of ref in repo: the policy's
// classifier and the mailmap at the ref's tip, which it returns too.
func newLearning(ctx context.Context, learner *sqlite.Learner, repo *gitrepo.Repo, name, ref, policyFile string) (*guard.LearnWalk, string, error) {
	tip, err := repo.Resolve(ref)
	if err != nil {
		return nil, "", err
	}
	pol, _, err := loadPolicy(ctx, repo, tip, policyFile)
	if err != nil {
		return nil, "", err
	}
	eng, err := newEngine(pol)
	if err != nil {
		return nil, "", err
	}
	mm, err := mailmapOf(ctx, repo, tip)
	if err != nil {
		return nil, "", err
	}
	return newLearnWalk(learner, repo, repoName(repo, name), ref, mm, eng, false), tip, nil
}
