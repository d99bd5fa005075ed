package testpath

import (
	"fmt"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

func TestRustTestSpans(t *testing.T) {
	tests := []struct {
		name  string
		lines []guard.Line
		want  string
	}{
		{"test module to its brace", rustLines(1, "fn a() {}", "#[cfg(test)]", "mod tests {", "    const K: u8 = 1;", "}", "const X: u8 = 2;"), "[[2 5]]"},
		{"cfg(test) on an item that is no module", rustLines(1, "#[cfg(test)]", "fn helper() {}", "const X: u8 = 2;"), "[]"},
		{"test function at the top level", rustLines(10, "#[test]", "fn t() {", "    let k = 1;", "}", "fn b() {}"), "[[10 13]]"},
		{"indented test: the run around it", rustLines(5, "    const K: &str = \"\";", "", "    #[tokio::test]", "    async fn t() {", "    }", "}", "fn after() {}"), "[[5 10]]"},
		{"indented test after a closed item", rustLines(5, "    fn x() {}", "}", "    const K: u8 = 1;", "    #[test]", "    fn t() {}"), "[[7 9]]"},
		{"a gap ends a span", append(rustLines(1, "#[cfg(test)]", "mod tests {", "    const K: u8 = 1;"), rustLines(20, "const X: u8 = 2;")...), "[[1 3]]"},
		{"no attribute", rustLines(1, "    const K: u8 = 1;", "}"), "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprint(rustTestSpans(tt.lines)); got != tt.want {
				t.Errorf("rustTestSpans = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRustModuleSpans(t *testing.T) {
	tests := []struct {
		name  string
		lines []guard.Line
		want  string
	}{
		{"use in a module with tests added below", append(rustLines(3, "    use x::Y;", "", "    const K: &str = \"\";", "        \"v\";"),
			rustLines(20, "    #[test]", "    fn t() {}")...), "[[3 6]]"},
		{"the block closes before the key", append(rustLines(3, "    use x::Y;", "}", "const K: &str = \"\";"),
			rustLines(20, "    #[test]")...), "[[3 3]]"},
		{"no test below", rustLines(3, "    use x::Y;", "    const K: &str = \"\";"), "[]"},
		{"test above only", rustLines(3, "    #[test]", "    fn t() {}", "    use x::Y;", "    const K: u8 = 1;"), "[]"},
		{"test at another indentation", append(rustLines(3, "        use x::Y;", "        let k = 1;"),
			rustLines(20, "    #[test]")...), "[]"},
		{"top-level use", append(rustLines(1, "use x::Y;", "const K: u8 = 1;"), rustLines(20, "    #[test]")...), "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprint(rustModuleSpans(tt.lines)); got != tt.want {
				t.Errorf("rustModuleSpans = %s, want %s", got, tt.want)
			}
		})
	}
}

// rustLines numbers lines from first.
func rustLines(first int, texts ...string) []guard.Line {
	out := make([]guard.Line, len(texts))
	for i, s := range texts {
		out[i] = guard.Line{Number: first + i, Text: s}
	}
	return out
}

func TestInSpans(t *testing.T) {
	spans := RustTestSpans(append(rustLines(1, "#[cfg(test)]", "mod tests {", "    use super::*;", "    const K: u8 = 1;",
		"    #[test]", "    fn t() {}", "}"), rustLines(20, "fn shipped() {}")...))
	var got []int
	cursor := 0
	for _, n := range []int{1, 4, 7, 8, 20} {
		if InSpans(spans, &cursor, n) {
			got = append(got, n)
		}
	}
	if fmt.Sprint(got) != "[1 4 7]" {
		t.Errorf("lines in %v = %v, want [1 4 7]", spans, got)
	}
}
