package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

// TestScanNamesMissingRevisions: a missing ref or an empty repository is
// reported as such, not as a failure to read the policy file there.
func TestScanNamesMissingRevisions(t *testing.T) {
	r, _ := repoWithKey(t)
	empty := newTestRepo(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"scan", r.dir, "--range", "nosuchref"}, `--range "nosuchref": ref "nosuchref" not found`},
		{[]string{"scan", r.dir, "--range", "nosuch..HEAD"}, `--range "nosuch..HEAD": ref "nosuch" not found`},
		{[]string{"scan", r.dir, "--range", "HEAD..nosuch"}, `--range "HEAD..nosuch": ref "nosuch" not found`},
		{[]string{"scan", empty.dir}, "repository has no commits"},
		{[]string{"policy", "show", r.dir, "--rev", "nosuchref"}, `--rev "nosuchref": ref "nosuchref" not found`},
		{[]string{"policy", "show", empty.dir}, "repository has no commits"},
	} {
		code, _, stderr := runCmd(t, tc.args...)
		if code != exitError || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, ".github/repoguard.yml") {
			t.Errorf("%v: code %d, stderr %q: want %q, and no word of the policy file", tc.args, code, stderr, tc.want)
		}
	}
}

// TestScanSaysWhyItFails: exit 1 comes with one line on standard error
// naming how many findings reached --fail-on and the most severe.
func TestScanSaysWhyItFails(t *testing.T) {
	r, _ := repoWithKey(t)
	key := r.git("rev-parse", "--short=10", "HEAD")
	code, _, stderr := runCmd(t, "scan", r.dir, "--format", "json")
	want := "repoguard: exit 1: 1 finding at or above --fail-on high; the most severe: critical key-material at deploy/keys/prod.pem:1"
	if code != exitFindings || !strings.Contains(stderr, want) || !strings.Contains(stderr, "in commit "+key) {
		t.Errorf("code %d, stderr %q, want %q in commit %s", code, stderr, want, key)
	}
	code, _, stderr = runCmd(t, "scan", r.dir, "--fail-on", "none")
	if code != exitOK || strings.Contains(stderr, "exit 1") {
		t.Errorf("--fail-on none: code %d, stderr %q", code, stderr)
	}
}

// TestScanSaysWhereItsDatabaseIs: the first scan that creates the
// database says where it is; the next one does not repeat it.
func TestScanSaysWhereItsDatabaseIs(t *testing.T) {
	r := newTestRepo(t)
	r.commit("initial", "src/main.go", "package main\n")
	data := filepath.Join(t.TempDir(), "data")
	db := filepath.Join(data, "repoguard.db")
	_, _, stderr := runCmd(t, "scan", r.dir, "--data", data)
	if !strings.Contains(stderr, "created the database "+db) {
		t.Errorf("first scan: stderr %q, want it to name %s", stderr, db)
	}
	if _, _, stderr = runCmd(t, "scan", r.dir, "--data", data); strings.Contains(stderr, "created") {
		t.Errorf("second scan: stderr %q, want no word of creating the database", stderr)
	}
	if _, _, stderr = runCmd(t, "scan", r.dir, "--db", ":memory:"); strings.Contains(stderr, "created") {
		t.Errorf(":memory: stderr %q, want no word of creating a database", stderr)
	}
}

// TestScanOrder: every kind of scan lists commits oldest first, a
// learning scan of the whole history as well as a range, a date or a
// second run over commits learned already.
func TestScanOrder(t *testing.T) {
	r := newTestRepo(t)
	var want []string
	for _, n := range []string{"1", "2", "3", "4"} {
		want = append(want, r.commit("deploy "+n, "deploy/run"+n+".sh", "echo "+n+"\n"))
	}
	data := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"first full scan", nil, want},
		{"second full scan", nil, want},
		{"range", []string{"--range", want[0] + "..HEAD"}, want[1:]},
		{"since", []string{"--since", "2000-01-01"}, want},
		{"no learning", []string{"--learn=false"}, want},
	} {
		args := append([]string{"scan", r.dir, "--format", "json", "--fail-on", "none", "--data", data}, tc.args...)
		_, out, _ := runCmd(t, args...)
		var got []string
		for _, c := range parseScanJSON(t, out).Results {
			got = append(got, c.Hash)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: commits %v, want oldest first %v", tc.name, short(got), short(tc.want))
		}
	}
}

func short(hashes []string) []string {
	out := make([]string, len(hashes))
	for i, h := range hashes {
		out[i] = guard.ShortHash(h)
	}
	return out
}
