package ignorerules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/guard"
)

var review = []string{"-diff", "binary", "linguist-generated", "linguist-generated=true"}

func TestParseRule(t *testing.T) {
	tests := []struct {
		k    fileKind
		line string
		want string // pattern/effect/attr, "" for no rule
	}{
		{gitIgnore, "  build-to-host.m4  ", "build-to-host.m4/0/"},
		{gitIgnore, "# comment", ""},
		{gitIgnore, "!configure.ac", ""},
		{gitIgnore, `\#notes.m4`, "#notes.m4/0/"},
		{gitAttributes, "/configure.ac export-ignore", "/configure.ac/1/export-ignore"},
		{gitAttributes, `"m4 macros/*.m4" -diff`, "m4 macros/*.m4/2/-diff"},
		{gitAttributes, "*.m4 binary", "*.m4/2/binary"},
		{gitAttributes, "*.sol linguist-language=Solidity", ""},
		{gitAttributes, "*.m4 -linguist-generated", ""},
		{gitAttributes, "[attr]hide -diff -merge", ""},
		{gitAttributes, "configure", ""},
		{dockerIgnore, "scripts/*.sh", "scripts/*.sh/3/"},
		{npmIgnore, "scripts/postinstall.js", "scripts/postinstall.js/4/"},
		{gitIgnore, strings.Repeat("a", maxPattern+1), ""},
	}
	for _, tt := range tests {
		r, ok := parseRule(tt.k, tt.line, review)
		got := ""
		if ok {
			got = fmt.Sprintf("%s/%d/%s", r.pattern, r.effect, r.attr)
		}
		if got != tt.want {
			t.Errorf("parseRule(%d, %q) = %q, want %q", tt.k, tt.line, got, tt.want)
		}
	}
}

func TestTargetOf(t *testing.T) {
	tests := []struct {
		pattern, dir string
		want         string // paths, "/" when a folder, "" when none
	}{
		{"build-to-host.m4", "m4", "m4/build-to-host.m4"},
		{"*.m4", ".", "x.m4 .m4"},
		{"/build-aux/m4/*.m4", ".", "build-aux/m4/x.m4 build-aux/m4/.m4"},
		{"src/**/deploy/*.ts", ".", "src/x/deploy/x.ts src/deploy/.ts"},
		{"m4/", ".", "m4 /"},
		{"cmake/**", "build", "build/cmake /"},
		{"Dockerfile*", ".", "Dockerfilex Dockerfile"},
		{"[Mm]akefile", ".", "Makefile"},
		{"**/*", ".", ""},
		{"*", ".", ""},
	}
	for _, tt := range tests {
		tg, ok := targetOf(tt.pattern, tt.dir)
		got := ""
		if ok {
			got = strings.Join(tg.paths, " ")
			if tg.dir {
				got += " /"
			}
		}
		if got != tt.want {
			t.Errorf("targetOf(%q, %q) = %q, want %q", tt.pattern, tt.dir, got, tt.want)
		}
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		pattern, dir, path string
		want               bool
	}{
		{"Makefile", ".", "Makefile", true},
		{"Makefile", ".", "src/Makefile", true},
		{"/Makefile", ".", "src/Makefile", false},
		{"*.m4", "m4", "m4/build-to-host.m4", true},
		{"*.m4", "m4", "other/x.m4", false},
		{"build-aux/m4/*.m4", ".", "build-aux/m4/ax.m4", true},
		{"build-aux/m4/*.m4", ".", "build-aux/m4/sub/ax.m4", false},
		{"src/**/deploy.sh", ".", "src/a/b/deploy.sh", true},
		{"src/**/deploy.sh", ".", "src/deploy.sh", true},
		{"m4/", ".", "m4/x.m4", true},
		{"m4/", ".", "m4", false},
		{"cmake", ".", "cmake/x.cmake", true},
	}
	for _, tt := range tests {
		if got := matches(tt.pattern, tt.dir, tt.path); got != tt.want {
			t.Errorf("matches(%q, %q, %q) = %v, want %v", tt.pattern, tt.dir, tt.path, got, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	cls, err := configs.NewClassifier(configs.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	set := Detector.Settings.(*Settings)
	c := &classifier{cls: cls, generated: set.Generated, generatedWith: set.GeneratedWith, scriptDirs: set.ScriptDirs}
	tests := []struct {
		pattern string
		e       effect
		want    string // what, "" when nothing
	}{
		{"build-to-host.m4", untracked, "m4 macros"},
		{"m4/libtool.m4", untracked, ""},
		{"aclocal.m4", untracked, ""},
		{"aclocal.m4", archived, "m4 macros"},
		{"configure", untracked, ""},
		{"configure", archived, "configure scripts"},
		{"configure.ac", untracked, "configure scripts"},
		{"install.sh", dockerOut, "install scripts"},
		{"scripts/postinstall.cjs", npmOut, "install scripts"},
		{"install-sh", untracked, ""},
		{"CMakeLists.txt", untracked, "build files"},
		{"rollup.config.js", npmOut, ""},
		{"rollup.config.js", untracked, "build files"},
		{"scripts/*.sh", dockerOut, "build scripts"},
		{"fileTests.sh", untracked, ""},
		{"Dockerfile", untracked, "deploy scripts"},
		{"Dockerfile", dockerOut, ""},
		{"deployments/localhost", untracked, ""},
		{"src/deploy/*.ts", archived, "deploy scripts"},
		{".github/workflows/ci.yml", untracked, "CI files"},
		{".github/workflows/ci.yml", archived, ""},
		{"remappings.txt", npmOut, "dependency manifests"},
		{"yarn.lock", unreviewed, ""},
		{"node_modules", untracked, ""},
		{".gradle", untracked, ""},
		{"Makefile", untracked, "build files"},
		{"m4/", untracked, "a folder of m4 macros"},
		{"cmake/", untracked, ""},
	}
	for _, tt := range tests {
		tg, ok := targetOf(tt.pattern, ".")
		got := ""
		if h, found := c.classify(tg, tt.e); ok && found {
			got = h.what
		}
		if got != tt.want {
			t.Errorf("classify(%q, %d) = %q, want %q", tt.pattern, tt.e, got, tt.want)
		}
	}
}

func TestMakefileGeneratedHere(t *testing.T) {
	f := guard.FileChange{Path: ".gitignore", Status: guard.Modified,
		AddedLines: []guard.Line{{Number: 1, Text: "Makefile"}}}
	set := Detector.Settings.(*Settings)
	for _, tt := range []struct {
		name  string
		other []string
		want  int
	}{
		{"alone", nil, 1},
		{"beside its Makefile.am", []string{"src/Makefile.am"}, 0},
		{"beside a CMakeLists.txt", []string{"CMakeLists.txt"}, 0},
	} {
		c := &classifier{generated: set.Generated, generatedWith: set.GeneratedWith, scriptDirs: set.ScriptDirs,
			templates: map[string]bool{}}
		for _, p := range tt.other {
			c.generators = c.generators || isGenerator(p)
		}
		c.cls = buildOnly{}
		if got := fileHits(&f, gitIgnore, c, review, changed{}); len(got) != tt.want {
			t.Errorf("%s: %d hits, want %d", tt.name, len(got), tt.want)
		}
	}
}

// buildOnly puts every path in the build category.
type buildOnly struct{}

func (buildOnly) Categories(string) []string { return []string{guard.CategoryBuild} }
func (buildOnly) Ignored(string) bool        { return false }
func (buildOnly) Asset(string) bool          { return false }

// FuzzRules feeds arbitrary ignore-file lines to the parser, the target
// builder and the matcher: they must not panic, and a target holds paths.
func FuzzRules(f *testing.F) {
	for _, s := range []string{"build-to-host.m4", "/configure.ac export-ignore", `"a b/*.m4" -diff`,
		"src/**/deploy/*.ts", "[!a-z]*/**/", `\!x`, "[attr]x -diff", "**/*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		for _, k := range []fileKind{gitIgnore, gitAttributes, dockerIgnore, npmIgnore} {
			r, ok := parseRule(k, line, review)
			if !ok {
				continue
			}
			tg, ok := targetOf(r.pattern, "sub")
			if ok && len(tg.paths) == 0 {
				t.Fatalf("target of %q has no path", r.pattern)
			}
			matches(r.pattern, "sub", "sub/a/b.m4")
		}
	})
}
