package dependencychange

import (
	"fmt"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/guard"
)

func TestDepRank(t *testing.T) {
	tests := []struct {
		eco       depEco
		old, new_ string
		widened   bool
	}{
		{depNPM, "1.2.3", "^1.2.3", true},
		{depNPM, "~1.2.3", "^1.2.3", true},
		{depNPM, "^1.2.3", "*", true},
		{depNPM, "1.2.3", "latest", true},
		{depNPM, "1.2.3", "1.x", true},
		{depNPM, "^1.2.3", "^1.3.0", false},
		{depNPM, "^1.2.3", "1.2.4", false},
		{depPip, "==2.0", ">=2.0", true},
		{depPip, "==2.0", "", true},
		{depPip, "==2.0", "~=2.0", true},
		{depPip, ">=2.0", "==2.1", false},
		{depCargo, "=1.0.0", "1.0.0", true},
		{depCargo, "1.0.0", "~1.0.0", false},
		{depCargo, "1.0", ">=1.0", true},
	}
	for _, tt := range tests {
		got := depRank(tt.eco, tt.new_) > depRank(tt.eco, tt.old)
		if got != tt.widened {
			t.Errorf("eco %d: %q -> %q widened = %v, want %v", tt.eco, tt.old, tt.new_, got, tt.widened)
		}
	}
}

func TestDepLockName(t *testing.T) {
	tests := []struct{ base, line, want string }{
		{"package-lock.json", `    "node_modules/@babel/core": {`, "@babel/core"},
		{"package-lock.json", `    "node_modules/a/node_modules/b": {`, "b"},
		{"package-lock.json", `      "dependencies": {`, ""},
		{"package-lock.json", `    "": {`, ""},
		{"yarn.lock", `"@babel/core@^7.0.0", "@babel/core@^7.1.0":`, "@babel/core"},
		{"yarn.lock", `left-pad@^1.3.0:`, "left-pad"},
		{"yarn.lock", `__metadata:`, ""},
		{"yarn.lock", `  version "1.3.0"`, ""},
		{"pnpm-lock.yaml", `  /left-pad@1.3.0:`, "left-pad"},
		{"pnpm-lock.yaml", `  '@scope/pkg@2.0.0(react@18.2.0)':`, "@scope/pkg"},
		{"pnpm-lock.yaml", `  /left-pad/1.3.0:`, "left-pad"},
		{"go.sum", `golang.org/x/net v0.21.0 h1:abc=`, "golang.org/x/net"},
		{"Cargo.lock", `name = "serde"`, "serde"},
		{"Gemfile.lock", `    rails (7.1.0)`, "rails"},
		{"composer.lock", `            "name": "monolog/monolog",`, "monolog/monolog"},
	}
	for _, tt := range tests {
		if got := LockName(tt.base, tt.line); got != tt.want {
			t.Errorf("LockName(%s, %q) = %q, want %q", tt.base, tt.line, got, tt.want)
		}
	}
}

func TestDepKindOf(t *testing.T) {
	for p, want := range map[string]depEco{
		"web/package.json": depNPM, "go.mod": depGoMod, "requirements-dev.txt": depPip,
		"requirements/prod.in": depPip, "constraints.txt": depPip, ".cargo/config.toml": depRegistry,
		"Pipfile": depPyproject, "yarn.lock": depLock, "docs/requirements.md": depNone, "main.go": depNone,
	} {
		if got := depKindOf(p); got != want {
			t.Errorf("depKindOf(%s) = %d, want %d", p, got, want)
		}
	}
}

func TestDependencyChangeFoldsFlood(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n  \"dependencies\": {\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "    \"pkg-%02d\": \"^1.0.%d\",\n", i, i)
	}
	b.WriteString("  }\n}")
	f := guard.FileChange{Path: "package.json", Status: guard.Added, AddedLines: detectortest.Lines(b.String())}
	fs := detectortest.JudgeFiles(t, Detector, nil, f)
	if len(fs) != 26 || !strings.Contains(fs[len(fs)-1].Message, "15 more dependencies") {
		t.Fatalf("want 25 findings and a summary of 15, got %d: last %q", len(fs), fs[len(fs)-1].Message)
	}
}

// FuzzDepParse feeds arbitrary manifest text to every parser: they must
// not panic, and every entry must point at a line of the input.
func FuzzDepParse(f *testing.F) {
	f.Add("\"left-pad\": \"^1.3.0\",\n\"postinstall\": \"x\"", true)
	f.Add("require (\n\tx.io/a v1.0.0 // indirect\n)\nreplace a => ../b", false)
	f.Add("[dependencies.foo]\ngit = \"https://x\"\n[patch.crates-io]\nring = { path = \"../r\" }", true)
	f.Add("dependencies = [\n\"a>=1\",\n]\n[[tool.poetry.source]]\nurl = \"https://x\"", true)
	f.Add("-e git+https://x/y.git#egg=y\n--index-url=https://z\nflask==3 --hash=sha256:aa", false)
	f.Add("[submodule \"a\"]\n\turl = https://x\n@s:registry=https://r\nstrict-ssl=false", false)
	f.Fuzz(func(t *testing.T, text string, fromTop bool) {
		lines := detectortest.Lines(text)
		for eco := depNPM; eco < depLock; eco++ {
			out := depParse(eco, lines, fromTop)
			for _, es := range [][]depEntry{out.deps, out.scripts, out.registry} {
				for _, e := range es {
					if e.line.Number < 1 || e.line.Number > len(lines) {
						t.Fatalf("eco %d: entry %+v points outside the input", eco, e)
					}
				}
			}
		}
		for _, base := range []string{"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "go.sum", "Cargo.lock",
			"Gemfile.lock", "composer.lock"} {
			for _, l := range lines {
				LockName(base, l.Text)
			}
		}
	})
}

// BenchmarkDependencyChangeLock measures the lock-file summary over a large
// package-lock.json diff, the heaviest input this detector sees.
func BenchmarkDependencyChangeLock(b *testing.B) {
	var text strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&text, "    \"node_modules/pkg-%d\": {\n      \"version\": \"1.0.%d\",\n", i, i)
		fmt.Fprintf(&text, "      \"resolved\": \"https://registry.npmjs.org/pkg-%d/-/pkg-%d-1.0.%d.tgz\",\n", i, i, i)
		text.WriteString("      \"integrity\": \"sha512-AAAA\"\n    },\n")
	}
	f := guard.FileChange{Path: "package-lock.json", Status: guard.Modified, AddedLines: detectortest.Lines(text.String())}
	b.ReportAllocs()
	for b.Loop() {
		detectortest.JudgeFiles(b, Detector, nil, f)
	}
}
