package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
)

// backfillAttempts and backfillBackoff bound the retries of a backfill
// that fails (GitHub or the network down).
const (
	backfillAttempts = 3
	backfillBackoff  = 10 * time.Second
)

// runBackfill learns the default branch's history of a repository,
// oldest first, into the profiles, resuming from the learning cursor. It
// runs in the background and retries a few times.
func (a *App) runBackfill(ctx context.Context, inst int64, repo string) {
	log := a.logger(ctx).With("repo", repo)
	start := a.Now()
	var err error
	var n, total int
	for attempt := 1; attempt <= backfillAttempts; attempt++ {
		n, total, err = a.backfill(ctx, inst, repo, start)
		if err == nil || permanent(err) || ctx.Err() != nil || attempt == backfillAttempts {
			break
		}
		log.Warn("backfill failed, retrying", "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(backfillBackoff * time.Duration(attempt)):
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	took := a.Now().Sub(start)
	if err != nil {
		log.Error("backfill stopped", "learned", n, "total", total, "took", took, "err", err)
	} else {
		log.Info("backfill done", "learned", n, "took", took)
	}
	a.Observer.Backfill(BackfillProgress{Installation: inst, Repo: repo, Learned: n, Total: total,
		Elapsed: took, Done: true, Err: err})
}

// backfill does one attempt. The repository stays locked for the walk.
func (a *App) backfill(ctx context.Context, inst int64, repo string, start time.Time) (n, total int, err error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return 0, 0, err
	}
	r, release, err := a.Repos.Fetch(ctx, inst, a.cloneURL(repo), []string{"HEAD"})
	if err != nil {
		return 0, 0, fmt.Errorf("fetch %s: %w", repo, transient(err))
	}
	defer release()
	def := r.DefaultBranch()
	if def == "" {
		return 0, 0, nil // an empty repository
	}
	defRef := "refs/heads/" + def
	tip, err := r.Resolve(defRef)
	if errors.Is(err, gitrepo.ErrEmpty) {
		return 0, 0, nil
	} else if err != nil {
		return 0, 0, err
	}
	pol, err := a.loadPolicy(ctx, a.Clients(inst), r, owner, name, tip)
	if err != nil {
		return 0, 0, err
	}
	cur, err := a.profiles.cursor(ctx, repo, defRef)
	if err != nil {
		return 0, 0, err
	}
	segs, err := cur.Plan(tip, r.Resolve)
	if err != nil || len(segs) == 0 {
		return 0, 0, err
	}
	w := a.learnWalk(repo, defRef, r, pol.eng, a.readMailmap(ctx, r, tip))
	if total, err = w.Count(ctx, segs); err != nil {
		return 0, 0, err
	}
	w.Step = func(_ *guard.Commit, n int) error {
		if n%a.ProgressEvery == 0 {
			a.Observer.Backfill(BackfillProgress{Installation: inst, Repo: repo, Learned: n, Total: total, Elapsed: a.Now().Sub(start)})
			a.logger(ctx).Info("backfill progress", "repo", repo, "learned", n, "total", total)
		}
		return nil
	}
	n, err = w.Run(ctx, segs)
	return n, total, err
}

// backfills tracks the running backfills, one per repository.
type backfills struct {
	mu      sync.Mutex
	running map[string]*backfillRun
	wg      sync.WaitGroup
}

type backfillRun struct {
	inst   int64
	cancel context.CancelFunc
}

func newBackfills() *backfills { return &backfills{running: map[string]*backfillRun{}} }

// start runs f in the background for repo unless a backfill of repo is
// running. f's context keeps ctx's values but not its cancellation.
func (b *backfills) start(ctx context.Context, inst int64, repo string, f func(context.Context)) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.running[repo]; ok {
		return false
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	run := &backfillRun{inst: inst, cancel: cancel}
	b.running[repo] = run
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer func() {
			cancel()
			b.mu.Lock()
			if b.running[repo] == run {
				delete(b.running, repo)
			}
			b.mu.Unlock()
		}()
		f(ctx)
	}()
	return true
}

// stop cancels the backfills that match and returns how many.
func (b *backfills) stop(match func(inst int64, repo string) bool) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for repo, run := range b.running {
		if match(run.inst, repo) {
			run.cancel()
			delete(b.running, repo)
			n++
		}
	}
	return n
}

func (b *backfills) stopAll() {
	b.stop(func(int64, string) bool { return true })
	b.wg.Wait()
}

func (b *backfills) wait() { b.wg.Wait() }
