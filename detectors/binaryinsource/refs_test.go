package binaryinsource

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard/costtest"
)

var testFixtureDirs = bisLowerSet(Detector.Settings.(*Settings).FixtureDirs)

// refsOf scans the text of the file at reader for references to the
// fixtures and returns them as "kind fixture", sorted, once each.
func refsOf(fixtures []string, reader, text string) []string {
	r := newBisRefs(fixtures, testFixtureDirs)
	var out []string
	r.scan(reader, text, func(i int, kind bisRefKind, _ string) {
		s := fmt.Sprintf("%s %s", [...]string{"", "folder", "name"}[kind], fixtures[i])
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	})
	slices.Sort(out)
	return out
}

func TestBisRefs(t *testing.T) {
	const xz = "tests/files/bad-3-corrupt_lzma2.xz"
	tests := []struct {
		name     string
		fixtures []string
		reader   string
		text     string
		want     []string
	}{
		{"distinctive name", []string{xz}, "tests/test_files.sh", `xzcat files/bad-3-corrupt_lzma2.xz`, []string{"name " + xz}},
		{"name without extension", []string{"testdata/rle-first-block.zst"}, "x_test.go",
			`name := "rle-first-block"; os.ReadFile(name + ".zst")`, []string{"name testdata/rle-first-block.zst"}},
		{"name inside a longer word", []string{xz}, "tests/a.sh", `bad-3-corrupt_lzma2.xz.sig not-bad-3-corrupt_lzma2.xz`, nil},
		{"short name, same folder", []string{"tests/partial"}, "tests/Makefile", "partial: partial.c", []string{"name tests/partial"}},
		{"short name, other folder", []string{"tests/partial"}, "Makefile", "partial: partial.c", nil},
		{"folder and name", []string{"testdata/repos/small/dotGit/index"}, "x_test.go", `"dotGit/index"`,
			[]string{"name testdata/repos/small/dotGit/index"}},
		{"relative path", []string{"testdata/a.bin"}, "pkg/x_test.go", `os.ReadFile("../testdata/a.bin")`, []string{"name testdata/a.bin"}},
		{"folder from the script beside it", []string{"tests/files/h-larger"}, "tests/playTests.sh", "$ZSTD -t -r files",
			[]string{"folder tests/files/h-larger"}},
		{"folder after a variable", []string{"tests/golden/x.zst"}, "tests/cli/golden.sh", `D="$TESTDIR/golden/"`,
			[]string{"folder tests/golden/x.zst"}},
		{"folder after a braced variable", []string{"tests/files/x.xz"}, "tests/t.sh", `ls ${srcdir}/files`,
			[]string{"folder tests/files/x.xz"}},
		{"distinctive folder name", []string{"tests/golden-decompression/x.zst"}, "tests/b.py", `GOLDEN = "golden-decompression"`,
			[]string{"folder tests/golden-decompression/x.zst"}},
		{"path into the folder, not the folder", []string{"tests/golden-decompression/x.zst"}, "tests/b.py",
			`"golden-decompression/other.zst"`, nil},
		{"glob of the folder", []string{xz}, "tests/test_files.sh", `for I in "$srcdir"/files/bad-*.xz; do`,
			[]string{"folder " + xz}},
		{"glob that misses", []string{xz}, "tests/test_files.sh", `for I in "$srcdir"/files/good-*.xz; do`, nil},
		{"glob of another folder", []string{xz}, "tests/t.sh", `for I in data/bad-*.xz; do`, nil},
		{"fixture root by path", []string{"tests/crash-1.bin"}, "tests/gzip/init.sh", `PATH=../../tests:$PATH`, nil},
		{"fixture root by glob", []string{"tests/crash-1.bin"}, "Makefile", `cat tests/crash-*.bin`, []string{"folder tests/crash-1.bin"}},
		{"quoted folder of a repository", []string{"testdata/repos/small/dotGit/objects/15/2888a4"}, "detect/git_test.go",
			`filepath.Join(repoBasePath, "small")`, []string{"folder testdata/repos/small/dotGit/objects/15/2888a4"}},
		{"quoted root name", []string{"crates/forge/tests/fixtures/r-257.bin"}, "crates/evm/fuzz/int.rs", `"fixtures"`, nil},
		{"quoted generic name", []string{"testdata/archives/files/r-2042.gz"}, "detect/detect_test.go", `"files"`, nil},
		{"hash-sharded store", []string{"storage/local/fixtures/b0/04b821ca50ba26.db"}, "storage/local/persistence_test.go",
			`basePath: "fixtures",`, []string{"folder storage/local/fixtures/b0/04b821ca50ba26.db"}},
		{"Windows separators", []string{"tests/files/x.bin"}, "tests/run.bat", `type files\x.bin`, []string{"name tests/files/x.bin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := refsOf(tt.fixtures, tt.reader, tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestBisRefsGlobBound: the globs matched per change are bounded, each
// against the fixtures of one folder.
func TestBisRefsGlobBound(t *testing.T) {
	r := newBisRefs([]string{"tests/files/zzz.xz"}, testFixtureDirs)
	text := strings.Repeat("files/a*.xz ", bisMaxGlobs) + "files/z*.xz"
	n := 0
	r.scan("tests/t.sh", text, func(int, bisRefKind, string) { n++ })
	if n != 0 || r.globs != bisMaxGlobs {
		t.Errorf("%d hits past the bound, %d globs tried", n, r.globs)
	}
}

func FuzzBisRefs(f *testing.F) {
	f.Add("tests/files/bad-3.xz", "tests/t.sh", `for I in "$srcdir"/files/bad-*.xz; do xz -dc "$I"; done`)
	f.Add("testdata/repos/small/dotGit/objects/15/28", "detect/git_test.go", `filepath.Join(repoBasePath, "small")`)
	f.Add("a/b", "c", `\\//..//*/"*"`)
	f.Fuzz(func(t *testing.T, fixture, reader, text string) {
		fixtures := []string{fixture, "tests/files/x.bin"}
		r := newBisRefs(fixtures, testFixtureDirs)
		r.scan(reader, text, func(i int, kind bisRefKind, tok string) {
			if i < 0 || i >= len(fixtures) || kind != refFolder && kind != refName || !strings.Contains(text, tok) {
				t.Fatalf("hit %d %d %q", i, kind, tok)
			}
		})
	})
}

// TestBisRefsLinear: scanning a file for references costs memory linear
// in its size, for texts made to hit the token and path lookups: one
// long path, many paths that end in a fixture's folder, many globs and
// many names of fixtures.
func TestBisRefsLinear(t *testing.T) {
	if costtest.Race {
		t.Skip("the race detector changes allocations")
	}
	fixtures := []string{"tests/files/bad-3.xz", "tests/files/index", "testdata/repos/small/dotGit/objects/15/28"}
	for i := range 200 {
		fixtures = append(fixtures, fmt.Sprintf("tests/files/f%03d.bin", i))
	}
	texts := map[string]func(n int) string{
		"long path":  func(n int) string { return strings.Repeat("files/", n/6) + "bad-3.xz" },
		"folders":    func(n int) string { return strings.Repeat("$D/tests/files/ ", n/16) },
		"globs":      func(n int) string { return strings.Repeat("files/*.bin ", n/12) },
		"names":      func(n int) string { return strings.Repeat(`"index" `, n/8) },
		"separators": func(n int) string { return strings.Repeat(`/\`, n/2) },
	}
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			cost := func(n int) uint64 {
				s := text(n)
				return costtest.Allocated(func() {
					newBisRefs(fixtures, testFixtureDirs).scan("tests/files/t.sh", s, func(int, bisRefKind, string) {})
				})
			}
			small, large := cost(64<<10), cost(512<<10)
			if float64(large) > 12*float64(max(small, 64<<10)) {
				t.Errorf("allocated %d bytes for 64 KiB, %d for 512 KiB", small, large)
			}
		})
	}
}
