package configs

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// fakeDetectors stand in for the registered detectors: they declare
// settings of every supported type, and those examples/repoguard.yml sets
// on the real detectors of the same names.
func fakeDetectors() []*guard.Detector {
	return []*guard.Detector{
		{
			Name: "obfuscation", Doc: "Finds obfuscated code.", Severity: guard.Medium,
			Settings: map[string]any{
				"min_blob_length": 200,
				"entropy":         4.5,
				"assets":          []string{"**/*.wasm"},
				"check_minified":  true,
				"mode":            "strict",
			},
		},
		{Name: "key-material", Doc: "Finds keys.", Severity: guard.High, Settings: map[string]any{"allow_test_keys": false}},
		{Name: "off-hours", Doc: "Has no settings.", Severity: guard.Low},
		{Name: "unusual-time", Doc: "Finds odd hours.", Severity: guard.Medium,
			Settings: map[string]any{"min_commits": 30, "max_tail": 0.003}},
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
