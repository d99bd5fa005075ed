package app

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard/github/githubtest"
)

// epoch is the date of the first test commit; each commit is an hour
// later.
var epoch = time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)

// run runs git in dir and returns its trimmed output.
func (e *env) run(dir string, args ...string) string {
	e.t.Helper()
	return e.runEnv(dir, nil, args...)
}

func (e *env) runEnv(dir string, env []string, args ...string) string {
	e.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+e.root, "GIT_TERMINAL_PROMPT=0")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		e.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (e *env) git(args ...string) string { e.t.Helper(); return e.run(e.work, args...) }

// initRepo makes the origin repository acme/widgets.git with one commit
// on main, and a working clone of it.
func (e *env) initRepo() {
	origin := filepath.Join(e.root, testOwner, testRepo+".git")
	if err := os.MkdirAll(origin, 0o755); err != nil {
		e.t.Fatal(err)
	}
	e.run(origin, "init", "--bare", "-q", "-b", "main")
	e.run(filepath.Dir(e.work), "clone", "-q", origin, e.work)
	e.git("checkout", "-q", "-b", "main")
	e.commit("alice", "Initial commit", map[string]string{"README.md": "# widgets\n"})
	e.git("push", "-q", "origin", "main")
}

// commit writes files (nil content deletes) and commits them as login
// (email login@acme.test), returning the new hash.
func (e *env) commit(login, msg string, files map[string]string) string {
	e.t.Helper()
	for p, content := range files {
		full := filepath.Join(e.work, filepath.FromSlash(p))
		if content == "" {
			e.git("rm", "-q", p)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			e.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			e.t.Fatal(err)
		}
		e.git("add", p)
	}
	e.tick++
	date := epoch.Add(time.Duration(e.tick) * time.Hour).Format(time.RFC3339)
	name := strings.ToUpper(login[:1]) + login[1:]
	email := login + "@acme.test"
	e.runEnv(e.work, []string{"GIT_AUTHOR_NAME=" + name, "GIT_AUTHOR_EMAIL=" + email, "GIT_AUTHOR_DATE=" + date,
		"GIT_COMMITTER_NAME=" + name, "GIT_COMMITTER_EMAIL=" + email, "GIT_COMMITTER_DATE=" + date},
		"commit", "-q", "--allow-empty", "-m", msg)
	return e.git("rev-parse", "HEAD")
}

// push pushes refspecs to origin (with force when they start with +).
func (e *env) push(refspecs ...string) {
	e.t.Helper()
	e.git(append([]string{"push", "-q", "origin"}, refspecs...)...)
}

func (e *env) head() string { return e.git("rev-parse", "HEAD") }

// openPR pushes branch as pull request number (refs/pull/N/head) and
// registers it, with its commits, on the fake GitHub.
func (e *env) openPR(number int, author, branch string) (head, base string) {
	e.t.Helper()
	head = e.git("rev-parse", branch)
	base = e.git("rev-parse", "origin/main")
	e.push("+"+branch+":refs/heads/"+branch, fmt.Sprintf("+%s:refs/pull/%d/head", branch, number))
	var commits []githubtest.Commit
	for _, line := range strings.Split(e.git("log", "--reverse", "--format=%H %ae %ce", base+".."+head), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		a, c := strings.TrimSuffix(f[1], "@acme.test"), strings.TrimSuffix(f[2], "@acme.test")
		commits = append(commits, githubtest.Commit{SHA: f[0], AuthorLogin: a, AuthorEmail: f[1],
			CommitterLogin: c, CommitterEmail: f[2]})
	}
	e.gh.AddPullRequest(testOwner, testRepo, githubtest.PullRequest{Number: number, Author: author,
		HeadSHA: head, HeadRef: branch, BaseSHA: base, BaseRef: "main", Commits: commits})
	return head, base
}
