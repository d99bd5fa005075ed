package configs

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// fakeObfuscation and fakeUnusualTime are settings of every supported
// type, and those examples/repoguard.yml sets on the real detectors of
// the same names.
type fakeObfuscation struct {
	MinBlobLength int      `setting:"min_blob_length"`
	Entropy       float64  `setting:"entropy"`
	Assets        []string `setting:"assets"`
	CheckMinified bool     `setting:"check_minified"`
	Mode          string   `setting:"mode"`
}

type fakeUnusualTime struct {
	MinCommits int     `setting:"min_commits"`
	MaxTail    float64 `setting:"max_tail"`
}

type fakeKeyMaterial struct {
	AllowTestKeys bool `setting:"allow_test_keys"`
}

// fakeDetectors stand in for the real detectors.
func fakeDetectors() []*guard.Detector {
	return []*guard.Detector{
		{
			Name: "obfuscation", Doc: "Finds obfuscated code.", Severity: guard.Medium,
			Settings: &fakeObfuscation{MinBlobLength: 200, Entropy: 4.5, Assets: []string{"**/*.wasm"},
				CheckMinified: true, Mode: "strict"},
		},
		{Name: "key-material", Doc: "Finds keys.", Severity: guard.High, Settings: &fakeKeyMaterial{}},
		{Name: "off-hours", Doc: "Has no settings.", Severity: guard.Low},
		{Name: "unusual-time", Doc: "Finds odd hours.", Severity: guard.Medium,
			Settings: &fakeUnusualTime{MinCommits: 30, MaxTail: 0.003}},
	}
}

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", filepath.Base(file), got, want)
	}
}

func mustParse(t *testing.T, src string) *guard.Policy {
	t.Helper()
	p, err := ParsePolicy("repoguard.yml", []byte(src), fakeDetectors())
	if err != nil {
		t.Fatalf("ParsePolicy:\n%v", err)
	}
	return p
}
