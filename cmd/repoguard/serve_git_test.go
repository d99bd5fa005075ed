package main

import (
	"fmt"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/github/githubtest"
)

// Git side of the end-to-end tests: a smart-HTTP Git server and the
// repositories and pull requests it serves.

func gitHTTPBackend(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed: skipping end-to-end tests of serve")
	}
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Skipf("git --exec-path: %v", err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("git-http-backend not found at %s: skipping end-to-end tests of serve", p)
	}
	return p
}

// gitServer serves root over smart HTTP as GitHub does, to the
// installation token as the password of x-access-token.
func (e *e2e) gitServer(backend string) {
	h := &cgi.Handler{Path: backend, Env: []string{"GIT_PROJECT_ROOT=" + e.root, "GIT_HTTP_EXPORT_ALL=1"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != "x-access-token" || !strings.HasPrefix(pass, "ghs_fake_") {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		e.gate.mu.Lock()
		hold, arrived := e.gate.hold, e.gate.arrived
		e.gate.mu.Unlock()
		if hold != nil {
			select {
			case arrived <- struct{}{}:
			default:
			}
			select {
			case <-hold:
			case <-r.Context().Done():
				return
			}
		}
		h.ServeHTTP(w, r)
	}))
	e.t.Cleanup(srv.Close)
	e.gitURL = srv.URL
}

// holdGit makes the Git server hold every request until release; arrived
// is told when one is held.
func (e *e2e) holdGit() (arrived <-chan struct{}, release func()) {
	hold, arr := make(chan struct{}), make(chan struct{}, 1)
	e.gate.mu.Lock()
	e.gate.hold, e.gate.arrived = hold, arr
	e.gate.mu.Unlock()
	var once sync.Once
	release = func() {
		once.Do(func() {
			e.gate.mu.Lock()
			e.gate.hold, e.gate.arrived = nil, nil
			e.gate.mu.Unlock()
			close(hold)
		})
	}
	e.t.Cleanup(release)
	return arr, release
}

// gitIn runs git in dir and returns its trimmed output; extra adds to the
// environment.
func (e *e2e) gitIn(dir string, extra []string, args ...string) string {
	e.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+e.root,
		"GIT_TERMINAL_PROMPT=0")
	cmd.Env = append(cmd.Env, extra...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		e.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (e *e2e) git(args ...string) string { e.t.Helper(); return e.gitIn(e.work, nil, args...) }

// initRepo makes the origin acme/widgets.git with the policy on main, and
// a working clone of it.
func (e *e2e) initRepo() {
	origin := filepath.Join(e.root, e2eOwner, e2eRepo+".git")
	if err := os.MkdirAll(origin, 0o755); err != nil {
		e.t.Fatal(err)
	}
	e.gitIn(origin, nil, "init", "--bare", "-q", "-b", "main")
	e.gitIn(filepath.Dir(e.work), nil, "clone", "-q", origin, e.work)
	e.git("checkout", "-q", "-b", "main")
	e.commit("alice", "Initial commit", map[string]string{"README.md": "# widgets\n", guard.PolicyPath: e2ePolicy})
	e.git("push", "-q", "origin", "main")
}

// commit writes files and commits them as login (login@acme.test).
func (e *e2e) commit(login, msg string, files map[string]string) string {
	e.t.Helper()
	for p, content := range files {
		full := filepath.Join(e.work, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			e.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			e.t.Fatal(err)
		}
		e.git("add", p)
	}
	e.tick++
	date := e2eEpoch.Add(time.Duration(e.tick) * time.Hour).Format(time.RFC3339)
	name, email := strings.ToUpper(login[:1])+login[1:], login+"@acme.test"
	e.gitIn(e.work, []string{"GIT_AUTHOR_NAME=" + name, "GIT_AUTHOR_EMAIL=" + email, "GIT_AUTHOR_DATE=" + date,
		"GIT_COMMITTER_NAME=" + name, "GIT_COMMITTER_EMAIL=" + email, "GIT_COMMITTER_DATE=" + date},
		"commit", "-q", "-m", msg)
	return e.git("rev-parse", "HEAD")
}

// branch starts branch from main and commits files on it as author.
func (e *e2e) branch(branch, author string, files map[string]string) {
	e.t.Helper()
	e.git("checkout", "-q", "-b", branch, "main")
	e.commit(author, "Change on "+branch, files)
}

// openPR pushes branch as pull request number (refs/pull/N/head) and
// registers it, with its commits, on the fake GitHub. Calling it again
// after more commits is a push to the pull request.
func (e *e2e) openPR(number int, author, branch string) (head, base string) {
	e.t.Helper()
	head = e.git("rev-parse", branch)
	base = e.git("rev-parse", "origin/main")
	e.git("push", "-q", "origin", "+"+branch+":refs/heads/"+branch, fmt.Sprintf("+%s:refs/pull/%d/head", branch, number))
	var commits []githubtest.Commit
	for _, line := range strings.Split(e.git("log", "--reverse", "--format=%H %ae %ce", base+".."+head), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		commits = append(commits, githubtest.Commit{SHA: f[0],
			AuthorLogin: strings.TrimSuffix(f[1], "@acme.test"), AuthorEmail: f[1],
			CommitterLogin: strings.TrimSuffix(f[2], "@acme.test"), CommitterEmail: f[2]})
	}
	e.gh.AddPullRequest(e2eOwner, e2eRepo, githubtest.PullRequest{Number: number, Author: author,
		HeadSHA: head, HeadRef: branch, BaseSHA: base, BaseRef: "main", Commits: commits})
	return head, base
}

// contractsPR opens pull request number by alice changing a contract.
func (e *e2e) contractsPR(number int) (head, base string) {
	e.t.Helper()
	b := fmt.Sprintf("feature-%d", number)
	e.branch(b, "alice", map[string]string{fmt.Sprintf("contracts/Token%d.sol", number): "contract Token {}\n"})
	return e.openPR(number, "alice", b)
}
