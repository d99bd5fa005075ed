package detectors

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// notDetectors are the folders here that hold no detector.
var notDetectors = []string{"detectortest", "internal"}

// TestAll checks the list: every detector is well defined, listed once in
// the order of names, and lives in the package its name gives, with a
// test running its cases; every detector package is listed.
func TestAll(t *testing.T) {
	all := All()
	var names, pkgs []string
	for _, d := range all {
		if err := d.Check(); err != nil {
			t.Errorf("%v", err)
		}
		names = append(names, d.Name)
		pkgs = append(pkgs, strings.ReplaceAll(d.Name, "-", ""))
	}
	if !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
		t.Errorf("All() is not sorted by name without duplicates: %v", names)
	}
	for i, pkg := range pkgs {
		cases, _ := filepath.Glob(filepath.Join(pkg, "testdata", "*.txtar"))
		test, err := os.ReadFile(filepath.Join(pkg, "cases_test.go"))
		if len(cases) == 0 || err != nil || !strings.Contains(string(test), "detectortest.Run(") {
			t.Errorf("detector %s needs package detectors/%s with testdata/*.txtar and cases_test.go calling detectortest.Run",
				names[i], pkg)
		}
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && !slices.Contains(notDetectors, e.Name()) && !slices.Contains(pkgs, e.Name()) {
			t.Errorf("package detectors/%s is not listed in All()", e.Name())
		}
	}
}
