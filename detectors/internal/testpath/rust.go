package testpath

import (
	"sort"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// RustTestSpans returns the line ranges of the added lines of a file that
// are Rust test code, by what the added lines themselves show (a test
// module's #[cfg(test)] line, test functions' attributes), sorted by
// their start. Rust tests live beside the code they test, so a path alone
// cannot tell them.
func RustTestSpans(lines []guard.Line) [][2]int {
	spans := append(rustTestSpans(lines), rustModuleSpans(lines)...)
	sort.SliceStable(spans, func(a, b int) bool { return spans[a][0] < spans[b][0] })
	return spans
}

// InSpans reports whether line is inside one of spans (sorted by start),
// for lines asked in increasing order: *cursor, 0 at first, carries the
// walk from one call to the next, so that all the calls together cost one
// pass over the spans.
func InSpans(spans [][2]int, cursor *int, line int) bool {
	for *cursor < len(spans) && spans[*cursor][1] < line {
		*cursor++
	}
	return *cursor < len(spans) && spans[*cursor][0] <= line
}

// rustModuleSpans returns the line ranges of added Rust code inside an
// existing inline module whose tests the change also adds: from an
// indented use declaration (impl and trait blocks have none, so an
// indented one is in an inline module or a function), to the last line of
// its run before the block closes (a line indented less), when the added
// lines further down have a test attribute at the same indentation. An
// inline module with tests is the test module whose #[cfg(test)] line the
// change did not touch (foundry keeps its session keys' fixtures there).
func rustModuleSpans(lines []guard.Line) [][2]int {
	lastTest := map[string]int{} // indentation -> number of the last test attribute there
	for j := range lines {
		if indent, ok := rustTestAttr(lines, j); ok && indent != "" {
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
		for k+1 < len(lines) && lines[k+1].Number == lines[k].Number+1 && rustInside(lines[k+1].Text, indent) {
			k++
		}
		spans = append(spans, [2]int{lines[j].Number, lines[k].Number})
		j = k
	}
	return spans
}

// rustInside reports whether a line is blank or indented at least as deep
// as indent: still inside the block that indent opened.
func rustInside(s, indent string) bool {
	return strings.TrimSpace(s) == "" || strings.HasPrefix(s, indent)
}

// rustTestSpans returns the line ranges of the added lines that are Rust test
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
func rustTestSpans(lines []guard.Line) [][2]int {
	var spans [][2]int
	seg := 0 // where the current top-level item of the run started
	for j := 0; j < len(lines); j++ {
		if j > 0 && lines[j].Number != lines[j-1].Number+1 {
			seg = j
		}
		if rustClosesAt(lines[j].Text, "") {
			seg = j + 1
			continue
		}
		indent, ok := rustTestAttr(lines, j)
		if !ok {
			continue
		}
		start := j
		if indent != "" {
			start = seg
		}
		k := j + 1
		for k < len(lines) && lines[k].Number == lines[k-1].Number+1 && !rustClosesAt(lines[k].Text, "") {
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

// rustTestAttr reports whether lines[j] is the attribute of a Rust test module
// (#[cfg(test)] followed by a mod line) or test function (#[test],
// #[tokio::test], #[rstest]...), and returns its indentation.
func rustTestAttr(lines []guard.Line, j int) (string, bool) {
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

// rustClosesAt reports whether a line is the closing brace at indentation
// indent: the end of the item an attribute there opened.
func rustClosesAt(s, indent string) bool {
	return strings.HasPrefix(s, indent+"}") && strings.TrimSpace(s[len(indent)+1:]) == ""
}
