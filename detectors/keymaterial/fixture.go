package keymaterial

import (
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/testpath"
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
	case strings.HasPrefix(path, "vendor/") || strings.Contains(path, "/vendor/") ||
		strings.HasPrefix(path, "node_modules/") || strings.Contains(path, "/node_modules/"):
		return kmInVendorCode
	case testpath.MatchIn(path, deployOrCI):
		return kmInTestFile
	}
	return ""
}

// kmPlace marks the hits of one file that sit in tests: all of them in a
// test or vendored file, else those in test code that the added lines
// themselves show: a Rust test module (#[cfg(test)] before mod) or test
// function (#[test], #[tokio::test]).
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
	kmMark(hits, kmTestSpans(lines))
	kmMark(hits, kmModuleSpans(lines))
}

// kmMark marks the hits inside spans as test code. Hits are in line order
// and spans in order of their start: one pass over each.
func kmMark(hits []kmHit, spans [][2]int) {
	s := 0
	for k := range hits {
		for s < len(spans) && spans[s][1] < hits[k].line {
			s++
		}
		if s < len(spans) && spans[s][0] <= hits[k].line {
			hits[k].fixture = kmInTestCode
		}
	}
}

// kmModuleSpans returns the line ranges of added Rust code inside an
// existing inline module whose tests the change also adds: from an
// indented use declaration (impl and trait blocks have none, so an
// indented one is in an inline module or a function), to the last line of
// its run before the block closes (a line indented less), when the added
// lines further down have a test attribute at the same indentation. An
// inline module with tests is the test module whose #[cfg(test)] line the
// change did not touch (foundry keeps its session keys' fixtures there).
func kmModuleSpans(lines []guard.Line) [][2]int {
	lastTest := map[string]int{} // indentation -> number of the last test attribute there
	for j := range lines {
		if indent, ok := kmTestAttr(lines, j); ok && indent != "" {
			lastTest[indent] = lines[j].Number
		}
	}
	if len(lastTest) == 0 {
		return nil
	}
	var spans [][2]int
	for j := 0; j < len(lines); j++ {
		t := strings.TrimLeft(lines[j].Text, " \t")
		indent := lines[j].Text[:len(lines[j].Text)-len(t)]
		if indent == "" || !strings.HasPrefix(t, "use ") || lastTest[indent] <= lines[j].Number {
			continue
		}
		k := j
		for k+1 < len(lines) && lines[k+1].Number == lines[k].Number+1 && kmInside(lines[k+1].Text, indent) {
			k++
		}
		spans = append(spans, [2]int{lines[j].Number, lines[k].Number})
		j = k
	}
	return spans
}

// kmInside reports whether a line is blank or indented at least as deep
// as indent: still inside the block that indent opened.
func kmInside(s, indent string) bool {
	return strings.TrimSpace(s) == "" || strings.HasPrefix(s, indent)
}

// kmTestSpans returns the line ranges of the added lines that are Rust test
// code, run by run of consecutive added lines:
//   - from a #[cfg(test)] attribute before a mod line, or a test
//     function's attribute (#[test], #[tokio::test]...) at the start of a
//     line, to the next closing brace at the start of a line;
//   - for an indented test function attribute (a test inside a module,
//     the module itself older than the change), from the start of the run,
//     or the last closing brace at the start of a line before it, to the
//     next such brace: code around tests in a test module is test code.
//
// Each span ends at the end of its run at the latest.
func kmTestSpans(lines []guard.Line) [][2]int {
	var spans [][2]int
	seg := 0 // where the current top-level item of the run started
	for j := 0; j < len(lines); j++ {
		if j > 0 && lines[j].Number != lines[j-1].Number+1 {
			seg = j
		}
		if kmClosesAt(lines[j].Text, "") {
			seg = j + 1
			continue
		}
		indent, ok := kmTestAttr(lines, j)
		if !ok {
			continue
		}
		start := j
		if indent != "" {
			start = seg
		}
		k := j + 1
		for k < len(lines) && lines[k].Number == lines[k-1].Number+1 && !kmClosesAt(lines[k].Text, "") {
			k++
		}
		if k == len(lines) || lines[k].Number != lines[k-1].Number+1 {
			k--
		}
		spans = append(spans, [2]int{lines[start].Number, lines[k].Number})
		j, seg = k, k+1
	}
	return spans
}

// kmTestAttr reports whether lines[j] is the attribute of a Rust test module
// (#[cfg(test)] followed by a mod line) or test function (#[test],
// #[tokio::test], #[rstest]...), and returns its indentation.
func kmTestAttr(lines []guard.Line, j int) (string, bool) {
	s := lines[j].Text
	t := strings.TrimLeft(s, " \t")
	indent := s[:len(s)-len(t)]
	switch {
	case strings.HasPrefix(t, "#[test]"), strings.HasPrefix(t, "#[tokio::test"), strings.HasPrefix(t, "#[rstest"),
		strings.HasPrefix(t, "#[test_case"):
		return indent, true
	case strings.HasPrefix(t, "#[cfg(test)]"):
		if j+1 < len(lines) && lines[j+1].Number == lines[j].Number+1 {
			next := strings.TrimLeft(lines[j+1].Text, " \t")
			next = strings.TrimPrefix(strings.TrimPrefix(next, "pub(crate) "), "pub ")
			return "", strings.HasPrefix(next, "mod ")
		}
	}
	return "", false
}

// kmClosesAt reports whether a line is the closing brace at indentation
// indent: the end of the item an attribute there opened.
func kmClosesAt(s, indent string) bool {
	return strings.HasPrefix(s, indent+"}") && strings.TrimSpace(s[len(indent)+1:]) == ""
}
