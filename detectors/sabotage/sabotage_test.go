package sabotage

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/costtest"
)

func TestHeader(t *testing.T) {
	for _, tc := range []struct {
		lang            int
		code            string
		found, explicit bool
	}{
		{langJS, "for (let i = 666; i < Infinity; i++) {", true, true},
		{langJS, "for (let i = 0; i < n; i++) {", false, false},
		{langJS, "for (;;) {", true, false},
		{langJS, "while (true) {", true, false},
		{langJS, "} while (true);", false, false},
		{langC, "for (n = x - 2; n < x; n--) {", true, false},
		{langC, "for (i = 0; i > 5; i++) {", false, false},
		{langC, "for (i = 0; i < SIZE_MAX; i++) {", true, true},
		{langSol, "for (uint256 i = 666; i < type(uint256).max; i++) {", true, true},
		{langGo, "for {", true, false},
		{langGo, "for i := 666; ; i++ {", true, false},
		{langGo, "for i := range xs {", false, false},
		{langGo, "for i := 0; i > -1 && i < n; i++ {", false, false},
		{langRust, "for i in 666u64.. {", true, true},
		{langRust, "for i in 0..n {", false, false},
		{langRust, "loop {", true, false},
		{langPython, "while True:", true, false},
		{langPython, "for i in itertools.count(1):", true, true},
		{langPython, "while x < 3:", false, false},
		{langShell, "while true; do", true, false},
		{langShell, "while read -r line; do", false, false},
	} {
		h := header(tc.lang, tc.code)
		if (h != nil) != tc.found || h != nil && h.explicit != tc.explicit {
			t.Errorf("header(%d, %q) = %+v, want found %v explicit %v", tc.lang, tc.code, h, tc.found, tc.explicit)
		}
	}
}

func TestLex(t *testing.T) {
	for _, tc := range []struct {
		lang             int
		lines            []string
		wantText, wantCd string // of the last line
	}{
		{langGo, []string{`x := "while (true)" // for {`}, `x := "while (true)" `, `x := "            " `},
		{langC, []string{"/* a", "while (1) */ x = 1;"}, " x = 1;", " x = 1;"},
		{langPython, []string{`s = "#x"  # while True:`}, `s = "#x"  `, `s = "  "  `},
		{langRust, []string{`fn f<'a>(x: &'a str) -> char { 'x' }`}, `fn f<'a>(x: &'a str) -> char { 'x' }`, `fn f<'a>(x: &'a str) -> char { ' ' }`},
		{langJS, []string{"const s = `a", "b` + x;"}, "b` + x;", " ` + x;"},
	} {
		ls := lex(tc.lang, detectortest.Lines(strings.Join(tc.lines, "\n")))
		last := ls[len(ls)-1]
		if last.text != tc.wantText || last.code != tc.wantCd {
			t.Errorf("lex(%q): text %q code %q, want %q %q", tc.lines, last.text, last.code, tc.wantText, tc.wantCd)
		}
	}
}

func TestWithDecoded(t *testing.T) {
	got := withDecoded(`const c = Buffer.from("Y291bnRyeV9uYW1l", "base64");`)
	if !strings.HasSuffix(got, ` "country_name"`) {
		t.Errorf("withDecoded: %q, want the decoded literal appended", got)
	}
	if s := `x = "Y291bnRyeV9uYW1l"`; withDecoded(s) != s {
		t.Errorf("a line with no base64 decoder was changed: %q", withDecoded(s))
	}
}

func TestTokenSet(t *testing.T) {
	ts := newTokenSet([]string{"rm -rf", "os.RemoveAll(", "ab"})
	for _, tc := range []struct{ s, want string }{
		{"x; rm -rf /", "rm -rf"}, {"os.RemoveAll(home)", "os.RemoveAll("}, {"rm -r x", ""}, {"xab", "ab"}, {"a", ""}, {"", ""},
	} {
		if got := ts.find(tc.s); got != tc.want {
			t.Errorf("find(%q) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

// TestRoles checks where a process may exit and where findings are
// lowered.
func TestRoles(t *testing.T) {
	set := Detector.Settings.(*Settings)
	for _, tc := range []struct {
		path string
		want int
	}{
		{"lib/index.js", roleLibrary}, {"cmd/tool/run.go", roleCLI}, {"bin/cli.js", roleCLI},
		{"scripts/x.py", roleCLI}, {"src/tests.c", roleLower}, {"src/testutil.h", roleLower},
		{"examples/a/main.go", roleLower}, {"vendor/x/y.go", roleLower}, {"run.sh", roleCLI},
		{"crates/cli/src/lib.rs", roleCLI}, {"contracts/Token.t.sol", roleLower}, {"contracts/Token.sol", roleLibrary},
	} {
		if got := roleOf(tc.path, langOf(tc.path), set); got != tc.want {
			t.Errorf("roleOf(%q) = %d, want %d", tc.path, got, tc.want)
		}
	}
}

// TestLinear checks that inputs made to hit the loop-body and window
// searches cost about 8 times more at 8 times the size.
func TestLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("measures CPU time")
	}
	for _, tc := range []struct{ path, unit string }{
		{"lib/a.js", "while (true) {"}, {"lib/a.c", "for (;;) {"}, {"lib/a.rs", "loop {"}, {"lib/a.go", "for {"},
		{"lib/a.py", "while True:"}, {"run.sh", "while true; do"}, {"lib/a.js", `if (tz == "Europe/Moscow") {`},
		{"lib/a.js", `const x = process.env.LANG;`}, {"lib/a.go", `home := os.UserHomeDir(); os.WriteFile(home, nil, 0)`},
		{"lib/a.js", `x = y.walk(home); fs.writeFileSync(x)`},
	} {
		small, large := pathological(tc.path, tc.unit, 500), pathological(tc.path, tc.unit, 4000)
		a, b := cost(t, small), cost(t, large)
		if b > 24*a {
			t.Errorf("%s of %q: %v at 500 lines, %v at 4000: not linear", tc.path, tc.unit, a, b)
		}
	}
}

func pathological(p, unit string, n int) *guard.Commit {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("%s // %d", unit, i)
	}
	return detectortest.Commit(p, strings.Join(lines, "\n"))
}

func cost(t *testing.T, c *guard.Commit) time.Duration {
	eng := guard.Engine{Detectors: []*guard.Detector{Detector}}
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	best := time.Duration(-1)
	for range 3 {
		runtime.GC()
		d := costtest.ThreadCPU(func() {
			if _, err := eng.Judge(guard.Subject{Commit: c}); err != nil {
				t.Error(err)
			}
		})
		if best < 0 || d < best {
			best = d
		}
	}
	return max(best, 500*time.Microsecond)
}

func FuzzSabotage(f *testing.F) {
	f.Add("lib/index.js", "for (let i = 666; i < Infinity; i++) {\n  console.log(i)\n}")
	f.Add("src/a.go", "if loc := time.Local.String(); loc == \"Europe/Moscow\" {\n\tos.RemoveAll(home)\n}")
	f.Add("a.py", "while True:\n    print()\n")
	f.Add("a.c", "/* x\n*/ while(1);\n'")
	f.Add("run.sh", "while true; do\n rm -rf ~\ndone")
	f.Fuzz(func(t *testing.T, path, text string) {
		if path == "" {
			path = "x.js"
		}
		for _, fd := range detectortest.Judge(t, Detector, nil, detectortest.Commit(path, text)) {
			if fd.Line < 1 || fd.Severity == guard.SeverityNone || fd.Message == "" {
				t.Fatalf("bad finding %+v", fd)
			}
		}
	})
}
