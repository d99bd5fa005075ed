package featureprobe

import (
	"fmt"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

func TestBlocks(t *testing.T) {
	l := func(n int) guard.Line { return guard.Line{Number: n, Text: fmt.Sprint(n)} }
	tests := []struct {
		name     string
		del, add []guard.Line
		want     string // del/add numbers of each block
	}{
		{"replacement", []guard.Line{l(3)}, []guard.Line{l(3)}, "[3/3]"},
		{"insertion then replacement", []guard.Line{l(5)}, []guard.Line{l(2), l(3), l(7)}, "[/2,3] [5/7]"},
		{"deletion then insertion", []guard.Line{l(2), l(3)}, []guard.Line{l(8)}, "[2,3/] [/8]"},
		{"two runs", []guard.Line{l(2), l(3), l(9)}, []guard.Line{l(2), l(8), l(9)}, "[2,3/2] [9/8,9]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, b := range blocks(&guard.FileChange{DeletedLines: tt.del, AddedLines: tt.add}) {
				got = append(got, fmt.Sprintf("[%s/%s]", nums(b.del), nums(b.add)))
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("got %s, want %s", g, tt.want)
			}
		})
	}
}

func nums(ls []guard.Line) string {
	var s []string
	for _, l := range ls {
		s = append(s, fmt.Sprint(l.Number))
	}
	return strings.Join(s, ",")
}

func TestLexCFaults(t *testing.T) {
	tests := []struct {
		name string
		p    program
		want string // the faults' texts
	}{
		{"valid", program{s: "#include <a.h>\nstruct s { int x; } v;\nint main(void) { v.x = 1; return v.x + .5 > 0 ? 0 : 1; }\n",
			complete: true}, ""},
		{"lone dot", program{s: "#include <a.h>\n.\nvoid f(void) {}\n", complete: true}, "."},
		{"dot after a statement", program{s: "int main(void) { f();. return 0; }", complete: true}, "."},
		{"backquote", program{s: "int main(void) { return 0; }\n`\n", complete: true}, "`"},
		{"lone word before a declaration", program{s: "#include <a.h>\nx\nint main(void) { return 0; }", complete: true}, "x"},
		{"lone word in an expression", program{s: "int main(void) { return\nx\n; }", complete: true}, ""},
		{"unclosed brace", program{s: "int main(void) {\n return 0;\n", complete: true}, "{"},
		{"unclosed but cut by the diff", program{s: "int main(void) {\n return 0;\n", complete: false}, ""},
		{"extra paren", program{s: "int main(void) { return (0)); }", complete: true}, ")"},
		{"void returns a value", program{s: "void f(void) { return 1; }\nint main(void) { return 0; }", complete: true}, "return"},
		{"int returns nothing", program{s: "int main(void) { return; }", complete: true}, "return"},
		{"strings and comments", program{s: "/* . ` */ int main(void) { const char *s = \"{ . `\"; char c = '}'; return 0; } // .",
			complete: true}, ""},
		{"cmake quoting and values", program{s: `#include \"a.h\"` + "\nint main(void) { return ${V} + 0; }", d: cmakeQuoted,
			complete: true}, ""},
		{"m4 quadrigraphs and brackets", program{s: "int a@<:@2@:>@; int main(void) { return $x[0]; }", d: m4Quoted,
			complete: true}, ""},
		{"body of main", program{s: "return pledge(\"stdio\", NULL);", d: m4Quoted, inMain: true, complete: true}, ""},
		{"body of main returning nothing", program{s: "return;", d: m4Quoted, inMain: true, complete: true}, "return"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range lexC(tt.p).faults {
				got = append(got, f.text)
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("faults %q, want %q", g, tt.want)
			}
		})
	}
}

func TestLexCHeaders(t *testing.T) {
	lx := lexC(program{s: "#include <linux/landlock.h>\n  # include \"sys/prctl.h\"\n#define X 1\n", complete: true})
	var got []string
	for _, h := range lx.headers {
		got = append(got, h.text)
	}
	if g := strings.Join(got, " "); g != "linux/landlock.h sys/prctl.h" {
		t.Errorf("headers %q", g)
	}
}

func TestMisspelt(t *testing.T) {
	tests := []struct{ word, want string }{
		{"SYS_landlock_restrict_slef", "SYS_landlock_restrict_self"},
		{"linux/landlok.h", "linux/landlock.h"},
		{"-fstack-protector-strnog", "-fstack-protector-strong"},
		{"cap_rigths_limit", "cap_rights_limit"},
		{"SYS_landlock_restrict_self", ""}, // known
		{"-fstack-protector-strong", ""},   // known
		{"-fsanitize=hwaddress", ""},       // an alternative
		{"seccomp", ""},                    // an identifier is not compared with headers
		{"pledges", ""},                    // a plural
		{"string", ""},                     // too far from any name
		{"my_sandbox", ""},
	}
	for _, tt := range tests {
		if got, _ := defaultVocab.misspelt(tt.word); got != tt.want {
			t.Errorf("misspelt(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestScanFindsProbes(t *testing.T) {
	tests := []struct {
		l     lang
		s     string
		calls string
		progs int
	}{
		{cmake, "check_c_source_compiles(\"\n#include <a.h>\nint main(void){return 0;}\" HAVE_A)\n# check_symbol_exists(x)\n" +
			"CHECK_SYMBOL_EXISTS(pledge unistd.h HAVE_PLEDGE)", "check_c_source_compiles check_symbol_exists", 1},
		{cmake, "check_c_source_compiles([[int main(void){return 0;}]] HAVE_B)", "check_c_source_compiles", 1},
		{autoconf, "AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <a.h>]], [[return 0;]])], [ok=yes])\ndnl AC_CHECK_FUNCS([x])\n" +
			"AC_CHECK_FUNCS([pledge])", "AC_COMPILE_IFELSE AC_CHECK_FUNCS", 2},
		{meson, "if cc.compiles('''\n#include <a.h>\nint main(void){return 0;}''', name: 'a')\n# cc.links('x')\nendif",
			"cc.compiles", 1},
	}
	for _, tt := range tests {
		sc := scanText(tt.l, tt.s)
		var names []string
		for _, c := range sc.calls {
			names = append(names, c.name)
		}
		if g := strings.Join(names, " "); g != tt.calls || len(sc.programs) != tt.progs {
			t.Errorf("%q: calls %q and %d programs, want %q and %d", tt.s, g, len(sc.programs), tt.calls, tt.progs)
		}
	}
}

// FuzzScan feeds arbitrary build-file text to the scanners and the C
// lexer: they must not panic, and what they find lies in the text.
func FuzzScan(f *testing.F) {
	f.Add("check_c_source_compiles(\"\n#include <linux/landlock.h>\n.\nint main(void){return 0;}\" HAVE_X)")
	f.Add("AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <seccomp.h>]], [[return seccomp_init(0) != 0;]])])")
	f.Add("if cc.compiles('''#include <unistd.h>\nint main(void){return pledge(\"\", 0);}''')\nendif")
	f.Add("[=[ ]=] \"\\\" #[[ ]] @<:@ ${x} $y @V@ /* // ' \\")
	f.Fuzz(func(t *testing.T, s string) {
		for _, l := range []lang{cmake, autoconf, meson} {
			sc := scanText(l, s)
			for _, c := range sc.calls {
				if c.start < 0 || c.end > len(s) || c.start > c.end {
					t.Fatalf("call %+v out of %d bytes", c, len(s))
				}
			}
			for _, p := range sc.programs {
				if p.base < 0 || p.base+len(p.s) > len(s) {
					t.Fatalf("program at %d+%d out of %d bytes", p.base, len(p.s), len(s))
				}
				for _, ft := range lexC(p).faults {
					if ft.off < p.base || ft.off > p.base+len(p.s) {
						t.Fatalf("fault %+v out of the program at %d+%d", ft, p.base, len(p.s))
					}
				}
			}
		}
	})
}
