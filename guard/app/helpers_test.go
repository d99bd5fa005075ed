package app

import (
	"bytes"
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/repoguard/repoguard/detectors"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github"
	"github.com/repoguard/repoguard/guard/logtest"
	"github.com/repoguard/repoguard/webhooks"
)

const publicURL = "https://repoguard.acme.test"

// env is an App wired to the world of apptest: a fake GitHub API and a
// real Git server (git http-backend), with a working clone to make
// commits in.
type env struct {
	*apptest.World
	app      *App
	store    *MemStore
	profiles *MemProfiles
	repos    *countingRepos
	cache    *RepoCache
	seq      int // delivery ids
	// events are what e.job's webhook handler stores [Events()].
	events webhooks.Events
}

// countingRepos counts the fetches, to prove that re-evaluations leave
// Git alone.
type countingRepos struct {
	Repos
	n atomic.Int64
}

func (c *countingRepos) Fetch(ctx context.Context, inst int64, url string, refs []string) (Repository, func(), error) {
	c.n.Add(1)
	return c.Repos.Fetch(ctx, inst, url, refs)
}

func testLogger(t testing.TB) *slog.Logger {
	if _, ok := t.(*testing.B); ok || !testing.Verbose() {
		return slog.New(slog.NewTextHandler(bytes.NewBuffer(nil), &slog.HandlerOptions{Level: slog.LevelError + 4}))
	}
	return slog.New(slog.NewTextHandler(logtest.Writer{T: t}, nil))
}

// newEnv builds an env; tests that use it run in parallel.
func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{World: apptest.New(t, nil)}
	ghApp, err := github.NewApp(github.AppConfig{AppID: e.GH.AppID, PrivateKeyPEM: e.GH.AppKeyPEM(),
		BaseURL: e.GH.BaseURL(), Logger: testLogger(t),
		Retry: github.RetryConfig{BaseDelay: time.Millisecond, MaxWait: time.Second, SecondaryWait: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	e.cache = &RepoCache{Dir: t.TempDir(), Token: ghApp.Token, Logger: testLogger(t)}
	t.Cleanup(func() { e.cache.Close() })
	e.repos = &countingRepos{Repos: e.cache}
	e.store, e.profiles = NewMemStore(), NewMemProfiles()
	e.app = &App{
		Clients:   func(id int64) GitHubClient { return ghApp.Installation(id) },
		Repos:     e.repos,
		Store:     e.store,
		Profiles:  e.profiles,
		Detectors: detectors.All(),
		PublicURL: publicURL,
		GitURL:    e.GitServer.URL,
		Logger:    testLogger(t),
	}
	t.Cleanup(e.app.Close)
	return e
}
