package main

import (
	"math/rand/v2"
	"testing"
)

// randomBytes returns n bytes that look compressed, with a NUL so that
// Git takes them for binary.
func randomBytes(n int) string {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	b[0] = 0
	return string(b)
}

// TestScanReadsTheTreeForFixtures: a scan judges a binary added to a
// test-fixture folder on the tree of its commit. A fixture that no test
// reads is medium, one that a test in the tree names is low, and the
// same fixture added with the test that reads it is info.
func TestScanReadsTheTreeForFixtures(t *testing.T) {
	r := newTestRepo(t)
	r.commit("initial", "src/main.go", "package main\n\nfunc main() {}\n",
		"tests/files/good-1.xz", randomBytes(300), "tests/files/good-2.xz", randomBytes(320),
		"tests/test_files.sh", "for f in files/good-*.xz; do xz -t \"$f\"; done\nxz -t files/known-old.xz\n")
	unused := r.commit("Tests: Add a few test files", "tests/files/bad-3-corrupt_lzma2.xz", randomBytes(512))
	named := r.commit("add a regression file", "tests/files/known-old.xz", randomBytes(310))
	withTest := r.commit("test the new decoder", "tests/files/new-case.xz", randomBytes(330),
		"tests/new_case.sh", "xz -t files/new-case.xz\n")
	code, out, stderr := runCmd(t, "scan", "--format", "json", "--fail-on", "none", "--min-severity", "info", r.dir)
	if code != exitOK {
		t.Fatalf("code %d; stderr %s", code, stderr)
	}
	got := map[string]string{} // fixture -> severity of its binary-in-source finding
	for _, res := range parseScanJSON(t, out).Results {
		for _, f := range res.Findings {
			if f.Detector == "binary-in-source" {
				got[res.Hash[:10]+" "+f.Path] = f.Severity
			}
		}
	}
	for _, tc := range []struct{ commit, path, want string }{
		{unused, "tests/files/bad-3-corrupt_lzma2.xz", "medium"},
		{named, "tests/files/known-old.xz", "low"},
		{withTest, "tests/files/new-case.xz", "info"},
	} {
		if s := got[tc.commit[:10]+" "+tc.path]; s != tc.want {
			t.Errorf("%s: severity %q, want %q (all: %v)", tc.path, s, tc.want, got)
		}
	}
}
