package keymaterial

import (
	"github.com/repoguard/repoguard/detectors/internal/testpath"
	"github.com/repoguard/repoguard/detectors/internal/vendorpath"
	"github.com/repoguard/repoguard/guard"
)

// Where a key sits when it is not in code that ships.
const (
	kmInTestFile   = "in a test file"
	kmInTestCode   = "in test code"
	kmInVendorCode = "in vendored third-party code"
)

// kmFixtureFile says why a whole file holds no shipped key: a vendored copy
// of a published package (whose keys anyone can download from upstream),
// or a test, test data or test-vector file (testpath.MatchIn: in the deploy
// and CI areas a workflow named test.yml or a test.env holds real keys).
// "" when it may ship.
func kmFixtureFile(path string, deployOrCI bool) string {
	switch {
	case vendorpath.Match(path):
		return kmInVendorCode
	case testpath.MatchIn(path, deployOrCI):
		return kmInTestFile
	}
	return ""
}

// kmPlace marks the hits of one file that sit in tests: all of them in a
// test or vendored file, else those in Rust test code that the added lines
// themselves show (testpath.RustTestSpans).
func kmPlace(path string, deployOrCI bool, lines []guard.Line, hits []kmHit) {
	if len(hits) == 0 {
		return
	}
	if where := kmFixtureFile(path, deployOrCI); where != "" {
		for k := range hits {
			hits[k].fixture = where
		}
		return
	}
	spans := testpath.RustTestSpans(lines)
	s := 0 // hits and spans are both in line order: one pass over each
	for k := range hits {
		if testpath.InSpans(spans, &s, hits[k].line) {
			hits[k].fixture = kmInTestCode
		}
	}
}
