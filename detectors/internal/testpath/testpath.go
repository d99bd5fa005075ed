// Package testpath tells the paths of tests, test data and fixtures, where
// key material and odd encodings are expected more often than in code
// that ships.
package testpath

import (
	"path"
	"strings"
)

// testDirs are the folders, at any depth, that hold tests or fixtures.
var testDirs = []string{"test/", "tests/", "__tests__/", "testdata/", "fixtures/", "__fixtures__/", "spec/"}

// Match reports paths of tests, test data and fixtures.
func Match(p string) bool {
	base := path.Base(p)
	if strings.HasSuffix(base, "_test.go") || strings.Contains(base, ".test.") || strings.Contains(base, ".spec.") ||
		strings.HasPrefix(base, "test_") || strings.HasSuffix(base, "_test.py") {
		return true
	}
	for _, dir := range testDirs {
		if strings.HasPrefix(p, dir) || strings.Contains(p, "/"+dir) {
			return true
		}
	}
	return false
}
