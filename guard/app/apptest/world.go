package apptest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/guard/gitrepo/gittest"
)

// The repository of the world and the App's installation on it.
const (
	Owner        = "acme"
	Name         = "widgets"
	FullName     = Owner + "/" + Name
	Installation = 77
)

// Epoch is the date of the first commit; each commit is an hour later.
var Epoch = time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)

// World is a fake GitHub hosting acme/widgets, and a working clone of it.
type World struct {
	T  testing.TB
	GH *githubtest.Server
	// GitServer serves the repositories under its Root (the fake's
	// repositories, OWNER/NAME.git) to the fake's installation tokens.
	GitServer *gittest.Server
	// Origin is acme/widgets.git, bare, under GitServer.Root.
	Origin *gittest.Repo
	// Work is a working clone of Origin, on main.
	Work *gittest.Repo

	tick int // commits made
}

// New builds the world, whose main branch has one commit, "Initial
// commit" by alice, of README.md and files; the test runs in parallel
// with others (for a *testing.T). The test is skipped where git
// http-backend is not installed.
func New(t testing.TB, files map[string]string) *World {
	t.Helper()
	w := &World{T: t, GitServer: gittest.NewServer(t, t.TempDir(), githubtest.GitAuth)}
	if tt, ok := t.(*testing.T); ok {
		tt.Parallel()
	}
	w.GH = githubtest.NewServer(t)
	w.Origin = gittest.Init(t, filepath.Join(w.GitServer.Root, Owner, Name+".git"), "--bare")
	w.Work = w.Origin.Clone(filepath.Join(t.TempDir(), "work"))
	w.Git("checkout", "-q", "-b", "main")
	initial := map[string]string{"README.md": "# widgets\n"}
	for p, content := range files {
		initial[p] = content
	}
	w.Commit("alice", "Initial commit", initial)
	w.Push("main")
	return w
}

// Git runs git in the working clone and returns its trimmed output.
func (w *World) Git(args ...string) string {
	w.T.Helper()
	return w.Work.Git(args...)
}

// Commit writes files (empty content deletes) and commits them as login
// (email login@acme.test), an hour after the previous commit, and
// returns the new hash.
func (w *World) Commit(login, msg string, files map[string]string) string {
	w.T.Helper()
	for p, content := range files {
		if content == "" {
			w.Git("rm", "-q", p)
			continue
		}
		w.Work.Write(p, content)
	}
	w.tick++
	who := gittest.Signature{Name: strings.ToUpper(login[:1]) + login[1:], Email: login + "@acme.test",
		When: Epoch.Add(time.Duration(w.tick) * time.Hour)}
	return w.Work.Commit(msg, who)
}

// Push pushes refspecs to the origin (with force when they start with +).
func (w *World) Push(refspecs ...string) {
	w.T.Helper()
	w.Git(append([]string{"push", "-q", "origin"}, refspecs...)...)
}

// Head returns the hash of the working clone's HEAD.
func (w *World) Head() string {
	w.T.Helper()
	return w.Git("rev-parse", "HEAD")
}

// OpenPR pushes branch as pull request number (refs/pull/N/head) and
// registers it, with its commits, on the fake GitHub. Calling it again
// after more commits is a push to the pull request.
func (w *World) OpenPR(number int, author, branch string) (head, base string) {
	w.T.Helper()
	head = w.Git("rev-parse", branch)
	base = w.Git("rev-parse", "origin/main")
	w.Push("+"+branch+":refs/heads/"+branch, fmt.Sprintf("+%s:refs/pull/%d/head", branch, number))
	var commits []githubtest.Commit
	for _, line := range strings.Split(w.Git("log", "--reverse", "--format=%H %ae %ce", base+".."+head), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		commits = append(commits, githubtest.Commit{SHA: f[0],
			AuthorLogin: strings.TrimSuffix(f[1], "@acme.test"), AuthorEmail: f[1],
			CommitterLogin: strings.TrimSuffix(f[2], "@acme.test"), CommitterEmail: f[2]})
	}
	w.GH.AddPullRequest(Owner, Name, githubtest.PullRequest{Number: number, Author: author,
		HeadSHA: head, HeadRef: branch, BaseSHA: base, BaseRef: "main", Commits: commits})
	return head, base
}
