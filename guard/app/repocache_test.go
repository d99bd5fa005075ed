package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/gitrepo"
	"github.com/repoguard/repoguard/guard/gitrepo/gittest"
)

// addRepo makes another origin repository, acme/<name>.git, with one
// commit, by pushing the working clone's main to it.
func (e *env) addRepo(name string) {
	origin := gittest.Init(e.T, filepath.Join(e.GitServer.Root, apptest.Owner, name+".git"), "--bare")
	e.Git("push", "-q", origin.Dir, "main")
}

func TestRepoCacheLocksAndEvicts(t *testing.T) {
	e := newEnv(t)
	e.addRepo("gadgets")
	ctx := context.Background()
	widgets, gadgets := e.app.cloneURL(apptest.FullName), e.app.cloneURL("acme/gadgets")

	r, release, err := e.cache.Fetch(ctx, apptest.Installation, widgets, []string{"HEAD"})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.DefaultBranch(); got != "main" {
		t.Errorf("default branch %q, want main", got)
	}
	// The clone is locked until released.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, _, err := e.cache.Fetch(short, apptest.Installation, widgets, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second Fetch while locked: %v, want a deadline", err)
	}
	release()
	release() // harmless

	// Over the bound, the least recently used clone not in use goes.
	e.cache.MaxBytes = 1
	_, release2, err := e.cache.Fetch(ctx, apptest.Installation, gadgets, []string{"refs/heads/main"})
	if err != nil {
		t.Fatal(err)
	}
	defer release2()
	if _, err := os.Stat(filepath.Join(e.cache.Dir, gitrepo.CloneName(widgets))); !os.IsNotExist(err) {
		t.Errorf("widgets clone still there (%v), want it evicted", err)
	}
	if !gitrepo.IsGitDir(filepath.Join(e.cache.Dir, gitrepo.CloneName(gadgets))) {
		t.Error("gadgets clone evicted while in use")
	}
}

func TestRepoCacheFetchesIncrementally(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	url := e.app.cloneURL(apptest.FullName)
	fetch := func(refs ...string) Repository {
		t.Helper()
		r, release, err := e.cache.Fetch(ctx, apptest.Installation, url, refs)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		return r
	}
	fetch("refs/heads/main")
	e.Git("checkout", "-q", "-b", "feature")
	head := e.Commit("bob", "Feature", map[string]string{"a.txt": "a\n"})
	e.Push("feature:refs/pull/3/head")
	r := fetch("refs/heads/main", "refs/pull/3/head")
	if got, err := r.Resolve("refs/pull/3/head"); err != nil || got != head {
		t.Fatalf("refs/pull/3/head = %s %v, want %s", got, err, head)
	}
	if _, err := r.Resolve("refs/heads/feature"); err == nil {
		t.Error("feature was fetched though not asked for")
	}
	// Without the token, the Git server refuses.
	noAuth := &RepoCache{Dir: t.TempDir()}
	if _, _, err := noAuth.Fetch(ctx, apptest.Installation, url, []string{"refs/heads/main"}); err == nil {
		t.Error("fetch without a token succeeded")
	}
}
