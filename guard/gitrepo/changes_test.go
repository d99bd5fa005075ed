package gitrepo

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

// walkAll collects the commits of a walk.
func walkAll(t testing.TB, repo *Repo, o WalkOptions) []*guard.Commit {
	t.Helper()
	var out []*guard.Commit
	if err := repo.Walk(context.Background(), o, func(c *guard.Commit) error {
		out = append(out, c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func hashes(cs []*guard.Commit) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Hash
	}
	return out
}

func fileByPath(t *testing.T, c *guard.Commit, path string) guard.FileChange {
	t.Helper()
	for _, f := range c.Files {
		if f.Path == path {
			return f
		}
	}
	t.Fatalf("commit %s: no change to %s in %+v", c.ShortHash(), path, c.Files)
	return guard.FileChange{}
}

func lines(spec ...any) []guard.Line {
	var out []guard.Line
	for i := 0; i < len(spec); i += 2 {
		out = append(out, guard.Line{Number: spec[i].(int), Text: spec[i+1].(string)})
	}
	return out
}

func TestFileChanges(t *testing.T) {
	r := newTestRepo(t)
	r.write("a.txt", "one\ntwo\nthree\nfour\nfive\n")
	r.write("b.go", "package b\n\nfunc B() {}\n")
	r.write("docs/c.md", "# C\n\nsome text\n")
	r.write("tool.sh", "echo hi\n")
	c1 := r.commit("first")

	r.write("a.txt", "zero\none\nTWO\nthree\nfive\nsix")
	r.git("rm", "-q", "b.go")
	r.git("rm", "-q", "docs/c.md")
	r.write("guide/c.md", "# C\n\nsome text\n")
	if err := os.Chmod(filepath.Join(r.dir, "tool.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.write("img.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	r.write("big.txt", strings.Repeat("0123456789abcdef\n", 100)) // 1700 bytes
	c2 := r.commit("second")

	repo := r.open(Options{MaxBlobSize: 1024})
	cs := walkAll(t, repo, WalkOptions{})
	if got := hashes(cs); !reflect.DeepEqual(got, []string{c2, c1}) {
		t.Fatalf("walk = %v, want [%s %s]", got, c2, c1)
	}
	first := cs[1]
	if len(first.Parents) != 0 || len(first.Files) != 4 {
		t.Fatalf("root commit: parents %v files %+v", first.Parents, first.Files)
	}
	a := fileByPath(t, first, "a.txt")
	if a.Status != guard.Added || a.Added != 5 || a.Deleted != 0 || a.Size != 24 || a.OldSize != 0 ||
		a.Mode != 0o100644 || a.OldHash != "" || a.Hash == "" {
		t.Errorf("added a.txt: %+v", a)
	}
	if !reflect.DeepEqual(a.AddedLines, lines(1, "one", 2, "two", 3, "three", 4, "four", 5, "five")) {
		t.Errorf("added a.txt lines: %+v", a.AddedLines)
	}

	second := cs[0]
	if got, want := paths(second), []string{"a.txt", "b.go", "big.txt", "guide/c.md", "img.png", "tool.sh"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("second commit paths = %v, want %v", got, want)
	}
	a = fileByPath(t, second, "a.txt")
	if a.Status != guard.Modified || a.Added != 3 || a.Deleted != 2 || a.OldSize != 24 || a.Size != 27 {
		t.Errorf("modified a.txt: %+v", a)
	}
	// "six" has no newline at the end of the file.
	if want := lines(1, "zero", 3, "TWO", 6, "six"); !reflect.DeepEqual(a.AddedLines, want) {
		t.Errorf("a.txt added lines = %+v, want %+v", a.AddedLines, want)
	}
	if want := lines(2, "two", 4, "four"); !reflect.DeepEqual(a.DeletedLines, want) {
		t.Errorf("a.txt deleted lines = %+v, want %+v", a.DeletedLines, want)
	}
	b := fileByPath(t, second, "b.go")
	if b.Status != guard.Deleted || b.Deleted != 3 || b.Size != 23 || b.OldSize != 23 || b.Hash != "" || b.OldHash == "" ||
		!reflect.DeepEqual(b.DeletedLines, lines(1, "package b", 2, "", 3, "func B() {}")) {
		t.Errorf("deleted b.go: %+v", b)
	}
	c := fileByPath(t, second, "guide/c.md")
	if c.Status != guard.Renamed || c.OldPath != "docs/c.md" || c.Added+c.Deleted != 0 || c.Hash != c.OldHash || c.Size != 15 {
		t.Errorf("renamed c.md: %+v", c)
	}
	tool := fileByPath(t, second, "tool.sh")
	if tool.Status != guard.Modified || tool.OldMode != 0o100644 || tool.Mode != 0o100755 || tool.Added+tool.Deleted != 0 {
		t.Errorf("chmod tool.sh: %+v", tool)
	}
	img := fileByPath(t, second, "img.png")
	if !img.Binary || img.Skipped != "binary" || img.Added != 0 || img.Size != 16 || img.AddedLines != nil {
		t.Errorf("binary img.png: %+v", img)
	}
	big := fileByPath(t, second, "big.txt")
	if big.Binary || big.Skipped != "too large" || big.Added != 0 || big.Size != 1700 || big.AddedLines != nil {
		t.Errorf("large big.txt: %+v", big)
	}
}

func paths(c *guard.Commit) []string {
	var out []string
	for _, f := range c.Files {
		out = append(out, f.Path)
	}
	return out
}
