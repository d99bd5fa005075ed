package gitrepo

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// testRepo is a repository built with the git CLI under a fixed
// environment: no system or user configuration, fixed identities and
// dates that advance one hour per commit.
type testRepo struct {
	t    testing.TB
	dir  string
	home string
	n    int // commits made, to advance dates
	// Zones of the next commits' author and committer dates.
	authorTZ, committerTZ string
}

// baseTime is 2024-01-02T03:04:05 UTC.
const baseTime = 1704164645

func newTestRepo(t testing.TB) *testRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root := t.TempDir()
	r := &testRepo{t: t, dir: filepath.Join(root, "repo"), home: filepath.Join(root, "home"),
		authorTZ: "+0530", committerTZ: "-0700"}
	if err := os.MkdirAll(r.home, 0o755); err != nil {
		t.Fatal(err)
	}
	r.run(root, "init", "-q", "-b", "main", r.dir)
	return r
}

func (r *testRepo) env() []string {
	when := fmt.Sprintf("@%d", baseTime+3600*r.n)
	return append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+r.home,
		"LC_ALL=C", "TZ=UTC", "GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_DATE="+when+" "+r.authorTZ,
		"GIT_COMMITTER_DATE="+when+" "+r.committerTZ)
}

// run runs git in dir and returns its trimmed output.
func (r *testRepo) run(dir string, args ...string) string {
	r.t.Helper()
	return r.runInput(dir, "", args...)
}

func (r *testRepo) runInput(dir, input string, args ...string) string {
	r.t.Helper()
	base := []string{"-c", "user.name=Alice Author", "-c", "user.email=alice@example.com",
		"-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "init.defaultBranch=main",
		"-c", "core.autocrlf=false", "-c", "gc.auto=0", "-c", "protocol.file.allow=always"}
	cmd := exec.Command("git", append(base, args...)...)
	cmd.Dir = dir
	cmd.Env = r.env()
	cmd.Stdin = strings.NewReader(input)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// git runs git in the repository.
func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	return r.run(r.dir, args...)
}

// write writes a file of the work tree, creating directories.
func (r *testRepo) write(path, content string) {
	r.t.Helper()
	full := filepath.Join(r.dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// commit stages everything and commits; it returns the new commit's hash.
func (r *testRepo) commit(msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	r.n++
	return r.git("rev-parse", "HEAD")
}

// open opens the repository with opts.
func (r *testRepo) open(opts Options) *Repo {
	r.t.Helper()
	repo, err := Open(r.dir, opts)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { repo.Close() })
	return repo
}
