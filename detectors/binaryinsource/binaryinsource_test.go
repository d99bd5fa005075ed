package binaryinsource

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/guard"
)

func bisBinary(path string, status guard.FileStatus, size int64) guard.FileChange {
	return guard.FileChange{Path: path, Status: status, Binary: true, Skipped: "binary", Size: size, Mode: 0o100644}
}

func TestBinaryInSourceWithoutClassifier(t *testing.T) {
	// Without a policy the build file is still known by its name.
	fs := detectortest.JudgeFiles(t, Detector, nil,
		bisBinary("tests/files/bad-3-corrupt_lzma2.xz", guard.Added, 512),
		guard.FileChange{Path: "m4/build-to-host.m4", Status: guard.Modified,
			AddedLines: []guard.Line{{Number: 1, Text: "gl_am_configmake=..."}}})
	if len(fs) != 1 || fs[0].Severity != guard.High || fs[0].Path != "tests/files/bad-3-corrupt_lzma2.xz" {
		t.Fatalf("want one high finding on the .xz file, got %+v", fs)
	}
	if !strings.Contains(fs[0].Message, "m4/build-to-host.m4") {
		t.Errorf("message does not name the build file: %s", fs[0].Message)
	}
}

func TestBinaryInSourceClassifier(t *testing.T) {
	cls := detectortest.PrefixClassifier{ByPrefix: map[string]string{"build/": guard.CategoryBuild}, Assets: []string{"web/img/"}}
	tests := []struct {
		name  string
		files []guard.FileChange
		want  []string // "severity path"
	}{
		{"asset", []guard.FileChange{bisBinary("web/img/logo.bin", guard.Added, 10)}, nil},
		{"deleted", []guard.FileChange{bisBinary("tests/x.gz", guard.Deleted, 10)}, nil},
		{"mode only", []guard.FileChange{{Path: "tools/x.so", Status: guard.Modified, Binary: true,
			Hash: "aa", OldHash: "aa"}}, nil},
		{"build category", []guard.FileChange{bisBinary("build/blob.dat", guard.Added, 10),
			{Path: "build/rules.txt", Status: guard.Modified}}, []string{"medium build/blob.dat"}},
		{"so in source", []guard.FileChange{bisBinary("src/liba.so", guard.Modified, 10)}, []string{"medium src/liba.so"}},
		{"too large, not binary", []guard.FileChange{{Path: "src/gen/big.go", Status: guard.Added,
			Skipped: "too large", Size: 9 << 20}}, []string{"info src/gen/big.go"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range detectortest.JudgeFiles(t, Detector, cls, tt.files...) {
				got = append(got, fmt.Sprintf("%s %s", f.Severity, f.Path))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBinaryInSourceFoldsFlood(t *testing.T) {
	var files []guard.FileChange
	for i := 0; i < 30; i++ {
		files = append(files, bisBinary(fmt.Sprintf("src/data/blob%02d.bin", i), guard.Added, 100))
	}
	fs := detectortest.JudgeFiles(t, Detector, nil, files...)
	if len(fs) != 21 {
		t.Fatalf("want 20 findings and a summary, got %d", len(fs))
	}
	var summary *guard.Finding
	for i := range fs {
		if strings.Contains(fs[i].Message, "10 more binary files") {
			summary = &fs[i]
		}
	}
	if summary == nil {
		t.Errorf("no summary finding for the last 10 files")
	}
}

func BenchmarkBinaryInSource(b *testing.B) {
	var files []guard.FileChange
	for i := 0; i < 200; i++ {
		files = append(files, guard.FileChange{Path: fmt.Sprintf("src/pkg%d/file.go", i), Status: guard.Modified})
	}
	files = append(files, bisBinary("tests/files/x.xz", guard.Added, 512))
	b.ReportAllocs()
	for b.Loop() {
		detectortest.JudgeFiles(b, Detector, nil, files...)
	}
}

// TestBinaryInSourceNamesFewBuildFiles: a binary beside many build files
// names ten of them and counts the rest, in its own folder and elsewhere;
// the binary itself, when a build file, is not its own neighbour.
func TestBinaryInSourceNamesFewBuildFiles(t *testing.T) {
	files := []guard.FileChange{bisBinary("tools/configure", guard.Added, 100)}
	for i := range 12 {
		files = append(files, guard.FileChange{Path: fmt.Sprintf("tools/m%02d.mk", i), Status: guard.Modified},
			guard.FileChange{Path: fmt.Sprintf("m4/b%02d.m4", i), Status: guard.Modified})
	}
	fs := detectortest.JudgeFiles(t, Detector, nil, files...)
	if len(fs) != 1 {
		t.Fatalf("findings %+v, want one", fs)
	}
	want := "build files changed in the same folder: tools/m00.mk, tools/m01.mk, tools/m02.mk, tools/m03.mk, " +
		"tools/m04.mk, tools/m05.mk, tools/m06.mk, tools/m07.mk, tools/m08.mk, tools/m09.mk and 2 more"
	if !slices.Contains(fs[0].Evidence, want) {
		t.Errorf("evidence %q, want %q", fs[0].Evidence, want)
	}
	if !strings.Contains(fs[0].Message, "beside the changed build file tools/m00.mk, tools/m01.mk and 10 more") {
		t.Errorf("message %q", fs[0].Message)
	}
	near, other := newBisBuilds([]string{"a/x.mk", "a/configure", "b/y.mk"}).neighbours("a/configure")
	if near.summary(10) != "a/x.mk" || other.summary(10) != "b/y.mk" {
		t.Errorf("neighbours of a build file: %+v, %+v", near, other)
	}
}

// failingTree is a tree whose texts cannot be read.
type failingTree struct{ *detectortest.MemTree }

func (failingTree) Texts(func(string) bool, func(string, string) bool) error {
	return errors.New("corrupt object 1234")
}

// TestBinaryInSourceTreeBounds: a reference found before a tree's bound
// counts; its absence past the bound, or in a tree that cannot be read,
// is not known, and the fixture is judged on its diff.
func TestBinaryInSourceTreeBounds(t *testing.T) {
	files := map[string]string{
		"tests/a_test.sh": "xz -t files/bad-1.xz\n",
		"tests/b_test.sh": "echo nothing here\n",
	}
	tests := []struct {
		name     string
		tree     guard.Tree
		fixture  string
		want     guard.Severity
		evidence string
	}{
		{"found before the bound", &detectortest.MemTree{Files: files, MaxTexts: 1}, "tests/files/bad-1.xz", guard.Low,
			`readers: tests/a_test.sh ("files/bad-1.xz")`},
		{"not found before the bound", &detectortest.MemTree{Files: files, MaxTexts: 1}, "tests/files/bad-2.xz", guard.Medium,
			"readers: unknown, the tree is beyond the bounds of a search"},
		{"not found in the whole tree", &detectortest.MemTree{Files: files}, "tests/files/bad-2.xz", guard.Medium,
			"readers: none of the test, build and script files names it or its folder"},
		{"tree that cannot be read", failingTree{&detectortest.MemTree{}}, "tests/files/bad-2.xz", guard.Medium,
			"readers: unknown, the tree could not be read (corrupt object 1234)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &guard.Commit{Hash: "c0ffee", Files: []guard.FileChange{bisBinary(tt.fixture, guard.Added, 300)}, Tree: tt.tree}
			fs := detectortest.Judge(t, Detector, nil, c)
			if len(fs) != 1 || fs[0].Severity != tt.want || !slices.Contains(fs[0].Evidence, tt.evidence) {
				t.Fatalf("findings %+v, want one %s with %q", fs, tt.want, tt.evidence)
			}
		})
	}
}
