package gitrepo

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

// treeRepo is a repository whose second commit adds a binary fixture to
// tests/files, beside a text fixture, a test that names one of them and a
// large text file; it returns the walked commits, oldest first.
func treeRepo(t *testing.T) (*Repo, []*guard.Commit) {
	t.Helper()
	r := newTestRepo(t)
	r.write("tests/files/good-1.txt", "hello\n")
	r.write("tests/test_files.sh", "for f in files/good-*.txt; do cat \"$f\"; done\n")
	r.write("src/main.c", "int main(void) { return 0; }\n")
	r.commit("first")
	r.write("tests/files/bad-1.xz", "\xfd7zXZ\x00\x00\x04binary")
	r.write("tests/big.txt", strings.Repeat("x", 3000)+"\n")
	r.write("empty", "")
	r.git("add", "-A")
	r.commit("second")
	repo := r.open(Options{MaxBlobSize: 2048})
	cs := walkAll(t, repo, WalkOptions{Order: OldestFirst})
	if len(cs) != 2 || cs[1].Tree == nil {
		t.Fatalf("commits %d, tree of the last %v", len(cs), cs[len(cs)-1].Tree)
	}
	return repo, cs
}

func TestCommitTreeDirAndHead(t *testing.T) {
	_, cs := treeRepo(t)
	tree := cs[1].Tree
	files, err := tree.Dir("tests/files")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, fmt.Sprintf("%s %d %o", f.Path, f.Size, f.Mode))
	}
	want := []string{"tests/files/bad-1.xz 14 100644", "tests/files/good-1.txt 6 100644"}
	if !slices.Equal(got, want) {
		t.Errorf("Dir = %q, want %q", got, want)
	}
	for _, top := range []string{"", ".", "/"} {
		if files, err := tree.Dir(top); err != nil || len(files) != 1 || files[0].Path != "empty" {
			t.Errorf("Dir(%q) = %v, %v; want the one file at the top", top, files, err)
		}
	}
	if files, err := tree.Dir("no/such"); err != nil || len(files) != 0 {
		t.Errorf("Dir of a missing folder = %v, %v", files, err)
	}
	head, err := tree.Head("tests/files/bad-1.xz", 6)
	if err != nil || string(head) != "\xfd7zXZ\x00" {
		t.Errorf("Head = %q, %v", head, err)
	}
	// The first bytes of a file over the blob limit.
	if head, err := tree.Head("tests/big.txt", 4); err != nil || string(head) != "xxxx" {
		t.Errorf("Head of a large file = %q, %v", head, err)
	}
	if _, err := tree.Head("tests/files/none", 4); !errors.Is(err, guard.ErrTreeNotFound) {
		t.Errorf("Head of a missing file: %v", err)
	}
	// The first commit's tree does not have the fixture.
	if _, err := cs[0].Tree.Head("tests/files/bad-1.xz", 4); !errors.Is(err, guard.ErrTreeNotFound) {
		t.Errorf("Head in the first commit: %v", err)
	}
}

func TestCommitTreeTexts(t *testing.T) {
	_, cs := treeRepo(t)
	var seen []string
	err := cs[1].Tree.Texts(func(p string) bool { return !strings.HasPrefix(p, "src/") }, func(p, text string) bool {
		seen = append(seen, p)
		if p == "tests/test_files.sh" && !strings.Contains(text, "good-*.txt") {
			t.Errorf("text of %s: %q", p, text)
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	// Binary files, files over the blob limit and files keep refuses are
	// left out; the empty file is text.
	want := []string{"empty", "tests/files/good-1.txt", "tests/test_files.sh"}
	if !slices.Equal(seen, want) {
		t.Errorf("Texts saw %q, want %q", seen, want)
	}
	// fn stops the visit.
	n := 0
	if err := cs[1].Tree.Texts(func(string) bool { return true }, func(string, string) bool { n++; return false }); err != nil || n != 1 {
		t.Errorf("stopped visit: %d files, %v", n, err)
	}
}

func TestCommitTreeBounds(t *testing.T) {
	_, cs := treeRepo(t)
	for _, tc := range []struct {
		name string
		v    *int
		to   int
		call func(guard.Tree) error
		seen int // files fn sees before the bound
	}{
		{"entries", &treeMaxEntries, 3, nil, 2},
		{"text", &treeMaxText, 8, nil, 1},
		{"dir", &treeMaxDir, 1, func(tr guard.Tree) error { _, err := tr.Dir("tests/files"); return err }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := *tc.v
			*tc.v = tc.to
			defer func() { *tc.v = old }()
			// A fresh tree of the commit: a tree keeps its listing.
			ct := cs[1].Tree.(*commitTree)
			fresh := ct.r.treeOf(ct.root)
			var err error
			seen := 0
			if tc.call != nil {
				err = tc.call(fresh)
			} else {
				err = fresh.Texts(func(string) bool { return true }, func(string, string) bool { seen++; return true })
			}
			if !errors.Is(err, guard.ErrTreeLimit) || seen != tc.seen {
				t.Errorf("err %v, %d files seen; want ErrTreeLimit after %d", err, seen, tc.seen)
			}
		})
	}
}

// TestCommitTreePartialClone: in a clone without blobs, what the tree
// cannot read is not taken for absent: Texts and Head report the bound,
// Dir gives the sizes it cannot know as -1.
func TestCommitTreePartialClone(t *testing.T) {
	r := newTestRepo(t)
	r.write("tests/files/a.bin", "\x00\x01")
	r.write("tests/run.sh", "cat files/a.bin\n")
	r.commit("first")
	tree, err := r.blobless(t.TempDir() + "/partial").Tree("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	err = tree.Texts(func(string) bool { return true }, func(p, _ string) bool {
		t.Errorf("text of %s, which the clone lacks", p)
		return true
	})
	if !errors.Is(err, guard.ErrTreeLimit) {
		t.Errorf("Texts: %v, want ErrTreeLimit", err)
	}
	if _, err := tree.Head("tests/run.sh", 4); !errors.Is(err, guard.ErrTreeLimit) {
		t.Errorf("Head: %v, want ErrTreeLimit", err)
	}
	files, err := tree.Dir("tests/files")
	if err != nil || len(files) != 1 || files[0].Size != -1 {
		t.Errorf("Dir = %+v, %v; want a.bin of unknown size", files, err)
	}
}
