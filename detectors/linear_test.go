package detectors

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/costtest"
)

// The detectors must be linear in their input: one crafted line or file
// must not stall an evaluation (issue 8). TestDetectorsLinear runs every
// detector of All over each pathological input at two sizes, n and
// 8n, and fails when the larger one costs more than linearBound times the
// smaller: linear work gives about 8, quadratic work 64.
//
// The cost is the CPU time of the thread running the detector (see
// threadCPU), the least of up to linearTries measurements, so that other
// processes on the machine do not count; a ratio over the bound is
// measured again before it fails the test. Costs under linearFloor are
// raised to it: they are noise.
const (
	linearSmall = 16 << 10
	linearScale = 8
	linearBound = 24
	linearTries = 3
	linearFloor = 500 * time.Microsecond
)

// pathological is an input made to hit a super-linear path: the added
// and deleted lines of about n bytes each that every file of the change
// gets.
type pathological struct {
	name  string
	added func(n int) []string
	// deleted, when set, gives the deleted lines (lines the change
	// replaces), which some detectors search for each added one.
	deleted func(n int) []string
}

// oneLine repeats unit into one line of about n bytes.
func oneLine(unit string) func(int) []string {
	return func(n int) []string { return []string{strings.Repeat(unit, max(n/len(unit), 1))} }
}

// manyLines repeats a short line into about n bytes of lines.
func manyLines(line string) func(int) []string {
	return func(n int) []string {
		out := make([]string, max(n/(len(line)+1), 1))
		for i := range out {
			out[i] = line
		}
		return out
	}
}

// numbered makes about n bytes of distinct lines from a format with one
// %d verb.
func numbered(format string) func(int) []string {
	return func(n int) []string {
		var out []string
		for size, i := 0, 0; size < n; i++ {
			l := fmt.Sprintf(format, i)
			out = append(out, l)
			size += len(l) + 1
		}
		return out
	}
}

// nested makes one line of about n bytes that opens and never closes.
func nested(open string) func(int) []string { return oneLine(open) }

// indented makes YAML-like lines indented ever deeper.
func indented(n int) []string {
	var out []string
	for size, i := 0, 0; size < n; i++ {
		l := strings.Repeat(" ", i%512) + "key:"
		out = append(out, l)
		size += len(l) + 1
	}
	return out
}

var pathologicalInputs = []pathological{
	{name: "line of [", added: oneLine("[")},
	{name: "line of {", added: oneLine("{")},
	{name: "line of ${{ secrets.", added: oneLine("${{ secrets.")},
	{name: `line of "`, added: oneLine(`"`)},
	{name: "line of '", added: oneLine(`'`)},
	{name: "line of backquotes", added: oneLine("`")},
	{name: `line of \x`, added: oneLine(`\x`)},
	{name: `line of \u`, added: oneLine(`\u`)},
	{name: `line of \`, added: oneLine(`\`)},
	{name: "line of 0x", added: oneLine("0x")},
	{name: "line of _0x", added: oneLine("_0x")},
	{name: "line of _0x1234", added: oneLine("_0x1234 ")},
	{name: "base64 run", added: oneLine("QUJDRGVmZ2g0NTY3")},
	{name: "lowercase run", added: oneLine("a")},
	{name: "digit run", added: oneLine("1")},
	{name: "hex pairs", added: oneLine("0a")},
	{name: "dotted", added: oneLine("1.")},
	{name: "colons", added: oneLine(":")},
	{name: "double colons", added: oneLine("1::")},
	{name: "schemes", added: oneLine("a://")},
	{name: "urls", added: oneLine("a://b.io ")},
	{name: "urls and ips", added: oneLine("http://h.io/ 8.8.4.4 ")},
	{name: "ipv4", added: oneLine("8.8.4.4 ")},
	{name: "ipv6", added: oneLine("2001:4860::8888 ")},
	{name: "pem markers", added: oneLine("-----BEGIN ")},
	{name: "private key words", added: oneLine("PRIVATE KEY")},
	{name: "pipes", added: oneLine("|")},
	{name: "pipes to shell", added: oneLine("curl x | sh ")},
	{name: "eval calls", added: oneLine("eval(")},
	{name: "decoders", added: oneLine("atob(")},
	{name: "decoder and sinks", added: oneLine("eval(atob(")},
	{name: "powershell flags", added: oneLine("powershell -e ")},
	{name: "char codes", added: oneLine("chr(1)+")},
	{name: "fromCharCode", added: oneLine("fromCharCode(1,")},
	{name: "blanks", added: oneLine(" ")},
	{name: "mnemonic words", added: oneLine("abandon ")},
	{name: "keystore keys", added: oneLine(`"ciphertext": "00112233445566778899aabbccddeeff", "kdf": "scrypt", `)},
	{name: "deep json", added: nested(`{"a":`)},
	{name: "deep arrays", added: nested(`[1,`)},
	{name: "deep yaml", added: indented},
	{name: "lines of [", added: manyLines("[")},
	{name: "lines of {", added: manyLines("{")},
	{name: "lines of words", added: manyLines("abandon")},
	{name: "lines of pem headers", added: manyLines("a: -----BEGIN PRIVATE KEY-----")},
	{name: "lines of pem bodies", added: manyLines("-----BEGIN PRIVATE KEY----- QUJDRGVmZ2g0NTY3")},
	{name: "lines of putty", added: manyLines("PuTTY-User-Key-File-2: ssh-rsa")},
	{name: "lines of keystores", added: manyLines(`"ciphertext": "00112233445566778899aabbccddeeff00112233"`)},
	{name: "lines of toml", added: manyLines(`dependencies = ["a", "b",`)},
	{name: "lines of tables", added: numbered("[dependencies.d%d]")},
	{name: "distinct uses", added: numbered("      - uses: acme/action%d@v1"),
		deleted: numbered("      - uses: acme/old%d@0123456789abcdef0123456789abcdef01234567")},
	{name: "distinct secrets", added: numbered("  TOKEN: ${{ secrets.TOKEN_%d }}"),
		deleted: numbered("  OLD: ${{ secrets.OLD_%d }}")},
	{name: "distinct urls", added: numbered("fetch('https://h%d.evil.io/k')"),
		deleted: numbered("fetch('https://old%d.acme.io/k')")},
	{name: "distinct ips", added: numbered("ip = 45.%d.12.9"), deleted: numbered("ip = 46.%d.12.9")},
	{name: "distinct dependencies", added: numbered(`    "dep%d": "^1.0.0",`), deleted: numbered(`    "old%d": "1.0.0",`)},
	{name: "distinct requirements", added: numbered("pkg%d>=1.0"), deleted: numbered("old%d==1.0")},
	{name: "distinct go requires", added: numbered("	example.com/m%d v1.0.0"), deleted: numbered("	example.com/o%d v1.0.0")},
	{name: "distinct lock entries", added: numbered(`"node_modules/p%d": {`), deleted: numbered(`"node_modules/o%d": {`)},
	{name: "distinct hex keys", added: numbered("private_key = 0x%064d")},
	{name: "pipes to shell lines", added: numbered("run: curl https://x%d.io/i | sh")},
	{name: "exec chains", added: numbered(`eval(atob("ZmV0Y2goJ2h0dHBzOi8vZXZpbC5pby8nKQ%d"))`)},
	{name: "minified", added: numbered("a%d=b;c=d}")},
	{name: "nested probes", added: oneLine(`check_c_source_compiles("#include <linux/landlock.h> AC_LANG_SOURCE([`)},
	{name: "probe programs", added: numbered("AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <seccomp.h> . %d]], [[return;]])])"),
		deleted: numbered("AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <seccomp.h> %d]], [[return 0;]])])")},
	{name: "ignore rules", added: numbered("/m4/x%d/*.m4 export-ignore"), deleted: numbered("scripts/s%d.sh")},
	{name: "globstars", added: manyLines("**/a/**/b/**/c/**/*.m4")},
	{name: "misspelt flags", added: numbered("  -fstack-protector-strnog -Wa,--noexcstack linux/landlok.h %d"),
		deleted: numbered("  -fstack-protector-strong -Wa,--noexecstack linux/landlock.h %d")},
}

// pathologicalPaths are the files every input is written to, chosen so
// that each content detector reads at least one of them: key-handling
// code (every content detector), a workflow, manifests and lock files of
// each ecosystem, registry settings, a deploy script and a test fixture.
var pathologicalPaths = []string{
	"keys/signer.js", ".github/workflows/ci.yml", "package.json", "Cargo.toml", "pyproject.toml",
	"requirements.txt", "go.mod", "package-lock.json", ".npmrc", ".gitmodules", "deploy/run.sh",
	// Build files whose feature probes are read, ignore files.
	"CMakeLists.txt", "configure.ac", "meson.build", ".gitignore", ".gitattributes",
}

// pathologicalCommit writes the input, at about n bytes, to every path.
func pathologicalCommit(in pathological, n int) *guard.Commit {
	added := in.added(n)
	var deleted []string
	if in.deleted != nil {
		deleted = in.deleted(n)
	}
	c := &guard.Commit{Hash: "0123456789abcdef0123456789abcdef01234567",
		Author: guard.Person{Name: "Alice", Email: "alice@example.com", When: time.Unix(1700000000, 0)}}
	for _, p := range pathologicalPaths {
		f := guard.FileChange{Path: p, Status: guard.Modified, Mode: 0o100644}
		for i, l := range added {
			f.AddedLines = append(f.AddedLines, guard.Line{Number: i + 1, Text: l})
			f.Size += int64(len(l) + 1)
		}
		for i, l := range deleted {
			f.DeletedLines = append(f.DeletedLines, guard.Line{Number: i + 1, Text: l})
		}
		f.Added, f.Deleted = len(f.AddedLines), len(f.DeletedLines)
		c.Files = append(c.Files, f)
	}
	c.Committer = c.Author
	return c
}

// manyFiles is a change of n files: binaries in test folders, build
// files and sources, which stresses what detectors do per pair of files.
func manyFiles(n int) *guard.Commit {
	c := &guard.Commit{Hash: "0123456789abcdef0123456789abcdef01234567",
		Author: guard.Person{Name: "Alice", Email: "alice@example.com", When: time.Unix(1700000000, 0)}}
	for i := range n {
		var f guard.FileChange
		switch i % 3 {
		case 0:
			f = guard.FileChange{Path: fmt.Sprintf("tests/d%d/blob%d.xz", i, i), Binary: true, Skipped: "binary", Size: 1000}
		case 1:
			f = guard.FileChange{Path: fmt.Sprintf("m4/d%d/build%d.m4", i, i)}
		default:
			f = guard.FileChange{Path: fmt.Sprintf("keys/k%d.go", i)}
			f.AddedLines = []guard.Line{{Number: 1, Text: fmt.Sprintf("url := \"https://h%d.evil.io/\"", i)}}
		}
		f.Status, f.Mode = guard.Added, 0o100644
		c.Files = append(c.Files, f)
	}
	c.Committer = c.Author
	return c
}

// pathologicalEngine is the engine of detectors under the default
// policy.
func pathologicalEngine(t testing.TB, ds ...*guard.Detector) *guard.Engine {
	t.Helper()
	pol := configs.DefaultPolicy()
	cls, err := configs.NewClassifier(pol)
	if err != nil {
		t.Fatal(err)
	}
	return &guard.Engine{Detectors: ds, Policy: pol, Classifier: cls}
}

// judgeCost is the least CPU time of tries judgements of c.
func judgeCost(t testing.TB, eng *guard.Engine, c *guard.Commit, tries int) time.Duration {
	t.Helper()
	best := time.Duration(-1)
	// The garbage collector is off while measuring: its cost depends on
	// the heap at large, not on the work of the detector.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	for range tries {
		runtime.GC()
		d := costtest.ThreadCPU(func() {
			if _, err := eng.Judge(guard.Subject{Commit: c}); err != nil {
				t.Errorf("%v", err)
			}
		})
		if best < 0 || d < best {
			best = d
		}
	}
	return max(best, linearFloor)
}

// linearRatio measures the cost of the input at n and linearScale*n and
// returns both; it measures again (up to linearTries) while the ratio is
// over the bound.
func linearRatio(t testing.TB, eng *guard.Engine, small, large *guard.Commit) (time.Duration, time.Duration) {
	t.Helper()
	var a, b time.Duration
	for try := 1; try <= linearTries; try++ {
		a, b = judgeCost(t, eng, small, try), judgeCost(t, eng, large, try)
		if b <= linearBound*a {
			break
		}
	}
	return a, b
}

func TestDetectorsLinear(t *testing.T) {
	if testing.Short() || costtest.Race {
		t.Skip("measures costs: not in -short or with the race detector")
	}
	// Each detector alone, then all of them: the engine's own work
	// (hunks, withheld lines) depends on what they report together.
	type named struct {
		name string
		eng  *guard.Engine
	}
	engines := []named{{"all detectors", pathologicalEngine(t, All()...)}}
	for _, d := range All() {
		engines = append(engines, named{d.Name, pathologicalEngine(t, d)})
	}
	check := func(input string, small, large *guard.Commit) {
		for _, e := range engines {
			if a, b := linearRatio(t, e.eng, small, large); b > linearBound*a {
				t.Errorf("%s on %s: the small input cost %v, the %d× larger one %v (%.0f×): not linear",
					e.name, input, a, linearScale, b, float64(b)/float64(a))
			}
		}
	}
	for _, in := range pathologicalInputs {
		check(in.name, pathologicalCommit(in, linearSmall), pathologicalCommit(in, linearScale*linearSmall))
	}
	const files = 300
	check(fmt.Sprintf("%d files", files), manyFiles(files), manyFiles(linearScale*files))
	check("deep paths", deepPaths(linearSmall), deepPaths(linearScale*linearSmall))
}

// deepPaths is a change to the pathological paths moved n/8 folders deep
// (paths of about n/4 bytes), with a few ordinary lines each.
func deepPaths(n int) *guard.Commit {
	c := pathologicalCommit(pathological{added: manyLines("url = 'https://h.evil.io/' # 8.8.4.4")}, 256)
	prefix := strings.Repeat("d/", n/8)
	for i := range c.Files {
		c.Files[i].Path = prefix + c.Files[i].Path
	}
	return c
}

// BenchmarkPathological runs all detectors over each pathological input
// at 1 MiB per file (eleven files), as the engine of an evaluation does.
func BenchmarkPathological(b *testing.B) {
	eng := pathologicalEngine(b, All()...)
	for _, in := range pathologicalInputs {
		c := pathologicalCommit(in, 1<<20)
		b.Run(strings.ReplaceAll(in.name, " ", "_"), func(b *testing.B) {
			b.SetBytes(int64(len(c.Files)) << 20)
			for b.Loop() {
				if _, err := eng.Judge(guard.Subject{Commit: c}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
