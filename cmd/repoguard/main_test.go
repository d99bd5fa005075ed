package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/gitrepo/gittest"
)

// testRepo is a git repository built by a test with the git CLI
// (gittest), with fixed identities and dates so that hashes are
// reproducible.
type testRepo struct {
	*gittest.Repo
	t   *testing.T
	dir string
	n   int
}

func newTestRepo(t *testing.T) *testRepo {
	t.Helper()
	r := &testRepo{t: t, Repo: gittest.Init(t, "")}
	r.dir, r.Env = r.Dir, r.env
	return r
}

// env makes Alice Example the author and committer of the next commit,
// on day 1 + n%9 of March 2024 at 10:00 +02:00.
func (r *testRepo) env() []string {
	alice := gittest.Signature{Name: "Alice Example", Email: "alice@example.com",
		When: time.Date(2024, 3, 1+r.n%9, 10, 0, 0, 0, time.FixedZone("", 2*3600))}
	return gittest.Env(alice, alice)
}

func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	return r.Git(args...)
}

// commit writes the files (path, content pairs) and commits them.
func (r *testRepo) commit(msg string, files ...string) string {
	r.t.Helper()
	for i := 0; i+1 < len(files); i += 2 {
		r.Write(files[i], files[i+1])
	}
	h := r.Commit(msg)
	r.n++
	return h
}

// runCmd runs repoguard with args and returns the exit code and outputs.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{ctx: context.Background(), stdout: &out, stderr: &errOut}
	code := run(e, args)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	code, _, stderr := runCmd(t)
	if code != exitError || !strings.Contains(stderr, "usage: repoguard") {
		t.Errorf("no args: code %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCmd(t, "frobnicate")
	if code != exitError || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: code %d, stderr %q", code, stderr)
	}
	code, out, _ := runCmd(t, "detectors")
	if code != exitOK || !strings.Contains(out, "key-material") || !strings.Contains(out, "sensitive-path") {
		t.Errorf("detectors: code %d, out %q", code, out)
	}
}

func TestParseInterspersed(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		format  string
		wantPos string
	}{
		{[]string{"--format", "json", "repo"}, "json", "repo"},
		{[]string{"repo", "--format", "sarif"}, "sarif", "repo"},
		{[]string{"repo"}, "text", "repo"},
		{[]string{"--", "-odd-name"}, "text", "-odd-name"},
	} {
		fs := newFlagSet(&env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}, "scan", "scan")
		format := fs.String("format", "text", "")
		pos, err := parseInterspersed(fs, tc.args)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if *format != tc.format || strings.Join(pos, " ") != tc.wantPos {
			t.Errorf("%v: format %q pos %q, want %q %q", tc.args, *format, pos, tc.format, tc.wantPos)
		}
	}
}

// TestMain keeps the tests' databases out of the user's data directory.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "repoguard-test-data")
	if err != nil {
		panic(err)
	}
	os.Setenv("REPOGUARD_DATA_DIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestSubcommandDispatch(t *testing.T) {
	for _, group := range []string{"policy", "queue", "audit", "token"} {
		code, _, stderr := runCmd(t, group, "frobnicate")
		if code != exitError || !strings.Contains(stderr, "unknown "+group+" command \"frobnicate\" (want ") {
			t.Errorf("%s frobnicate: code %d, stderr %q", group, code, stderr)
		}
		if code, _, stderr = runCmd(t, group); code != exitError || !strings.Contains(stderr, "usage") {
			t.Errorf("%s without a command: code %d, stderr %q", group, code, stderr)
		}
		if code, _, _ = runCmd(t, group, "help"); code != exitOK {
			t.Errorf("%s help: code %d", group, code)
		}
	}
	// Every triage action reaches its command (which then asks for an id).
	for _, kind := range queueTriageOrder {
		code, _, stderr := runCmd(t, "queue", kind, "--db", filepath.Join(t.TempDir(), "none.db"))
		if code != exitError || strings.Contains(stderr, "unknown queue command") {
			t.Errorf("queue %s: code %d, stderr %q", kind, code, stderr)
		}
	}
}
