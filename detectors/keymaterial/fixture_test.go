package keymaterial

import (
	"fmt"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

func TestKmTestSpans(t *testing.T) {
	tests := []struct {
		name  string
		lines []guard.Line
		want  string
	}{
		{"test module to its brace", kmLines(1, "fn a() {}", "#[cfg(test)]", "mod tests {", "    const K: u8 = 1;", "}", "const X: u8 = 2;"), "[[2 5]]"},
		{"cfg(test) on an item that is no module", kmLines(1, "#[cfg(test)]", "fn helper() {}", "const X: u8 = 2;"), "[]"},
		{"test function at the top level", kmLines(10, "#[test]", "fn t() {", "    let k = 1;", "}", "fn b() {}"), "[[10 13]]"},
		{"indented test: the run around it", kmLines(5, "    const K: &str = \"\";", "", "    #[tokio::test]", "    async fn t() {", "    }", "}", "fn after() {}"), "[[5 10]]"},
		{"indented test after a closed item", kmLines(5, "    fn x() {}", "}", "    const K: u8 = 1;", "    #[test]", "    fn t() {}"), "[[7 9]]"},
		{"a gap ends a span", append(kmLines(1, "#[cfg(test)]", "mod tests {", "    const K: u8 = 1;"), kmLines(20, "const X: u8 = 2;")...), "[[1 3]]"},
		{"no attribute", kmLines(1, "    const K: u8 = 1;", "}"), "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprint(kmTestSpans(tt.lines)); got != tt.want {
				t.Errorf("kmTestSpans = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestKmModuleSpans(t *testing.T) {
	tests := []struct {
		name  string
		lines []guard.Line
		want  string
	}{
		{"use in a module with tests added below", append(kmLines(3, "    use x::Y;", "", "    const K: &str = \"\";", "        \"v\";"),
			kmLines(20, "    #[test]", "    fn t() {}")...), "[[3 6]]"},
		{"the block closes before the key", append(kmLines(3, "    use x::Y;", "}", "const K: &str = \"\";"),
			kmLines(20, "    #[test]")...), "[[3 3]]"},
		{"no test below", kmLines(3, "    use x::Y;", "    const K: &str = \"\";"), "[]"},
		{"test above only", kmLines(3, "    #[test]", "    fn t() {}", "    use x::Y;", "    const K: u8 = 1;"), "[]"},
		{"test at another indentation", append(kmLines(3, "        use x::Y;", "        let k = 1;"),
			kmLines(20, "    #[test]")...), "[]"},
		{"top-level use", append(kmLines(1, "use x::Y;", "const K: u8 = 1;"), kmLines(20, "    #[test]")...), "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprint(kmModuleSpans(tt.lines)); got != tt.want {
				t.Errorf("kmModuleSpans = %s, want %s", got, tt.want)
			}
		})
	}
}

// kmLines numbers lines from first.
func kmLines(first int, texts ...string) []guard.Line {
	out := make([]guard.Line, len(texts))
	for i, s := range texts {
		out[i] = guard.Line{Number: first + i, Text: s}
	}
	return out
}

func TestKmFixtureFile(t *testing.T) {
	for path, want := range map[string]string{
		"src/wycheproof/ecdh_secp256k1_test.json": kmInTestFile,
		"tests_deprecated/utils/general.js":       kmInTestFile,
		"testdata/cheats/Derive.t.sol":            kmInTestFile,
		"vendor/google.golang.org/api/sa.json":    kmInVendorCode,
		"web/node_modules/x/key.pem":              kmInVendorCode,
		"deploy/.env.prod":                        "",
		"src/attestation/signer.ts":               "",
	} {
		if got := kmFixtureFile(path, false); got != want {
			t.Errorf("kmFixtureFile(%q) = %q, want %q", path, got, want)
		}
	}
	if got := kmFixtureFile(".github/workflows/test.yml", true); got != "" {
		t.Errorf("a CI workflow named test.yml is a test file: %q", got)
	}
	if got := kmFixtureFile("deploy/vendor/x/key.pem", true); got != kmInVendorCode {
		t.Errorf("a vendored package in the deploy area: %q", got)
	}
}
