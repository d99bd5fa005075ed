package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scanResults runs `repoguard scan --format json` on dir with a fresh
// database and returns the findings by commit hash, and standard error.
func scanResults(t *testing.T, dir string) (map[string][]jsonFinding, string) {
	t.Helper()
	code, out, stderr := runCmd(t, "scan", "--format", "json", "--fail-on", "none", "--db", ":memory:", dir)
	if code != exitOK {
		t.Fatalf("scan %s: code %d, stderr %s", dir, code, stderr)
	}
	var doc struct {
		Results []struct {
			Hash     string        `json:"hash"`
			Findings []jsonFinding `json:"findings"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("scan %s: %v\n%s", dir, err, out)
	}
	got := map[string][]jsonFinding{}
	for _, r := range doc.Results {
		got[r.Hash] = r.Findings
	}
	return got, stderr
}

// jsonFinding is what these tests read of a finding.
type jsonFinding struct {
	Detector string `json:"detector"`
	Path     string `json:"path"`
}

// TestScanShallowBoundary: the boundary commit of a shallow clone has no
// parent to diff with. It must not be taken for a commit adding the whole
// tree (a private key, a binary fixture beside a build script, a CI
// workflow), at depth 1 or 50; the scan says once on standard error what
// it could not see. The full history flags those files where they were
// added, so their absence is the boundary's doing.
func TestScanShallowBoundary(t *testing.T) {
	r := newTestRepo(t)
	r.commit("initial", "src/main.go", "package main\n\nfunc main() {}\n", "Makefile", "all:\n\tgo build ./...\n")
	keyCommit := r.commit("add deploy key", "deploy/keys/prod.pem", pemKey(t))
	r.commit("add fixture", "tests/files/bad-3.xz", "\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4F", "configure.ac", "AC_INIT([demo], [1.0])\n")
	for i := range 60 {
		r.commit(fmt.Sprintf("docs %d", i), "README.md", fmt.Sprintf("# demo\n\nrevision %d\n", i))
	}
	full, _ := scanResults(t, r.dir)
	if len(full[keyCommit]) == 0 {
		t.Fatalf("the full history has no finding where the key was added: %v", full)
	}
	for _, depth := range []int{1, 50} {
		t.Run(fmt.Sprint("depth ", depth), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "shallow")
			r.git("clone", "-q", "--bare", fmt.Sprintf("--depth=%d", depth), "file://"+r.dir, dir)
			b, err := os.ReadFile(filepath.Join(dir, "shallow"))
			if err != nil {
				t.Fatal(err)
			}
			shallow := strings.Fields(string(b))
			if len(shallow) != 1 {
				t.Fatalf("shallow boundaries %v, want 1", shallow)
			}
			got, stderr := scanResults(t, dir)
			if fs := got[shallow[0]]; len(fs) > 0 {
				t.Errorf("findings on the shallow boundary %s: %+v", shallow[0][:10], fs)
			}
			for hash, fs := range got {
				for _, f := range fs {
					if f.Path != "" && full[hash] == nil {
						t.Errorf("commit %s has a finding on %s that the full history does not: %+v", hash[:10], f.Path, f)
					}
				}
			}
			if n := strings.Count(stderr, "shallow clone"); n != 1 {
				t.Errorf("standard error names the shallow boundary %d times, want once:\n%s", n, stderr)
			}
		})
	}
}
