package gittest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// config is the configuration of every command, given with -c.
var config = []string{
	"commit.gpgsign=false", "tag.gpgsign=false", "init.defaultBranch=main",
	"core.autocrlf=false", "gc.auto=0", "protocol.file.allow=always",
}

// Repo is a Git repository a test builds with the git command line.
type Repo struct {
	// Dir is the work tree, or the repository itself when it is bare.
	Dir string
	// Env, when set, is called before each command for more environment
	// variables (NAME=value): a test that dates its commits by a counter
	// sets it.
	Env func() []string

	t    testing.TB
	home string
}

// Init makes a repository in dir (a new temporary folder when dir is
// "") with `git init -b main` and args (such as "--bare"). It skips the
// test when git is not installed.
func Init(t testing.TB, dir string, args ...string) *Repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := &Repo{Dir: dir, t: t, home: t.TempDir()}
	r.Git(append([]string{"init", "-q", "-b", "main"}, args...)...)
	return r
}

// Clone clones r into dir with `git clone` and args (such as "--bare"),
// and returns the clone, whose commands share r's environment.
func (r *Repo) Clone(dir string, args ...string) *Repo {
	r.t.Helper()
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		r.t.Fatal(err)
	}
	r.Run(filepath.Dir(dir), nil, "", append(append([]string{"clone", "-q"}, args...), r.Dir, dir)...)
	return &Repo{Dir: dir, Env: r.Env, t: r.t, home: r.home}
}

// Git runs git with args in the repository and returns its output,
// trimmed of surrounding white space. A failure fails the test.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	return r.Run(r.Dir, nil, "", args...)
}

// Run runs git with args in dir, with env added to the environment and
// stdin as its input, and returns its output, trimmed of surrounding
// white space. A failure fails the test.
func (r *Repo) Run(dir string, env []string, stdin string, args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append(configArgs(), args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "HOME="+r.home,
		"GIT_TERMINAL_PROMPT=0", "LC_ALL=C", "TZ=UTC")
	if r.Env != nil {
		cmd.Env = append(cmd.Env, r.Env()...)
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func configArgs() []string {
	args := make([]string, 0, 2*len(config))
	for _, c := range config {
		args = append(args, "-c", c)
	}
	return args
}

// Write writes the file path (slash-separated, relative to Dir) of the
// work tree with content, creating its folders.
func (r *Repo) Write(path, content string) {
	r.t.Helper()
	full := filepath.Join(r.Dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// Commit stages every change of the work tree and commits it with msg
// (even when nothing changed), and returns the new commit's hash. The
// first signature, when given, is the author, the second the committer
// (the author when there is no second); without one, the identity and
// dates come from Env.
func (r *Repo) Commit(msg string, sigs ...Signature) string {
	r.t.Helper()
	var env []string
	if len(sigs) > 0 {
		env = Env(sigs[0], sigs[len(sigs)-1])
	}
	r.Git("add", "-A")
	r.Run(r.Dir, env, "", "commit", "-q", "--allow-empty", "-m", msg)
	return r.Git("rev-parse", "HEAD")
}

// Signature is who made a commit, and when: When's zone is the one the
// commit records.
type Signature struct {
	Name, Email string
	When        time.Time
}

// String returns the signature as a commit object holds it.
func (s Signature) String() string {
	return fmt.Sprintf("%s <%s> %d %s", s.Name, s.Email, s.When.Unix(), s.When.Format("-0700"))
}

// Env returns the environment variables that make author and committer
// those of the commits git makes.
func Env(author, committer Signature) []string {
	date := func(t time.Time) string { return fmt.Sprintf("@%d %s", t.Unix(), t.Format("-0700")) }
	return []string{
		"GIT_AUTHOR_NAME=" + author.Name, "GIT_AUTHOR_EMAIL=" + author.Email, "GIT_AUTHOR_DATE=" + date(author.When),
		"GIT_COMMITTER_NAME=" + committer.Name, "GIT_COMMITTER_EMAIL=" + committer.Email,
		"GIT_COMMITTER_DATE=" + date(committer.When),
	}
}
