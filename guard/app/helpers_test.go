package app

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/repoguard/repoguard/detectors"
	"github.com/repoguard/repoguard/guard/github"
	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/webhooks"
)

const (
	testOwner = "acme"
	testRepo  = "widgets"
	testFull  = testOwner + "/" + testRepo
	testInst  = 77
	publicURL = "https://repoguard.acme.test"
)

// env is an App wired to a fake GitHub API and a real Git server (git
// http-backend), with a working clone to make commits in.
type env struct {
	t        testing.TB
	app      *App
	gh       *githubtest.Server
	store    *MemStore
	profiles *MemProfiles
	repos    *countingRepos
	cache    *RepoCache
	gitURL   string // the Git server
	root     string // GIT_PROJECT_ROOT
	work     string // the working clone
	tick     int    // commit clock
	seq      int    // delivery ids
	gitAuth  atomic.Int64
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

func gitHTTPBackend(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed: skipping end-to-end tests")
	}
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Skipf("git --exec-path: %v", err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("git-http-backend not found at %s: skipping end-to-end tests", p)
	}
	return p
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func testLogger(t testing.TB) *slog.Logger {
	if _, ok := t.(*testing.B); ok || !testing.Verbose() {
		return slog.New(slog.NewTextHandler(bytes.NewBuffer(nil), &slog.HandlerOptions{Level: slog.LevelError + 4}))
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, nil))
}

// newEnv builds an env; tests that use it run in parallel.
func newEnv(t testing.TB) *env {
	t.Helper()
	backend := gitHTTPBackend(t)
	if tt, ok := t.(*testing.T); ok {
		tt.Parallel()
	}
	e := &env{t: t, root: t.TempDir(), work: filepath.Join(t.TempDir(), "work")}
	e.gh = githubtest.NewServer(t)
	e.gitServer(backend)
	e.initRepo()

	ghApp, err := github.NewApp(github.AppConfig{AppID: e.gh.AppID, PrivateKeyPEM: e.gh.AppKeyPEM(),
		BaseURL: e.gh.BaseURL(), Logger: testLogger(t),
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
		GitURL:    e.gitURL,
		Logger:    testLogger(t),
	}
	t.Cleanup(e.app.Close)
	return e
}

// gitServer serves root over smart HTTP, requiring the installation
// token as the password of x-access-token.
func (e *env) gitServer(backend string) {
	h := &cgi.Handler{Path: backend, Env: []string{"GIT_PROJECT_ROOT=" + e.root, "GIT_HTTP_EXPORT_ALL=1"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != "x-access-token" || !strings.HasPrefix(pass, "ghs_fake_") {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		e.gitAuth.Add(1)
		h.ServeHTTP(w, r)
	}))
	e.t.Cleanup(srv.Close)
	e.gitURL = srv.URL
}
