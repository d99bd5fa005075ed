package gitrepo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

func TestOpenVariants(t *testing.T) {
	r := newMergeRepo(t)
	r.write("sub/dir/x", "x\n")
	bare := filepath.Join(t.TempDir(), "bare.git")
	r.run(r.dir, "clone", "-q", "--bare", r.dir, bare)
	for _, tc := range []struct{ name, path string }{
		{"top", r.dir}, {"subdirectory", filepath.Join(r.dir, "sub", "dir")},
		{".git", filepath.Join(r.dir, ".git")}, {"bare", bare},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo, err := Open(tc.path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer repo.Close()
			if h, err := repo.Resolve("HEAD"); err != nil || h != r.c6 {
				t.Errorf("HEAD = %s, %v; want %s", h, err, r.c6)
			}
			if n, err := repo.Count(context.Background(), WalkOptions{}); err != nil || n != 6 {
				t.Errorf("Count = %d, %v", n, err)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	r := newMergeRepo(t)
	r.git("tag", "light", r.c2)
	r.git("tag", "-a", "-m", "annotated", "v1", r.c3)
	repo := r.open(Options{})
	for rev, want := range map[string]string{
		"": r.c6, "HEAD": r.c6, "main": r.c6, "feature": r.c3, "refs/heads/feature": r.c3,
		"light": r.c2, "v1": r.c3, r.c4: r.c4, r.c4[:8]: r.c4, "HEAD~1": r.m5, "HEAD~2": r.c4,
		"HEAD~1^2": r.c3,
	} {
		if got, err := repo.Resolve(rev); err != nil || got != want {
			t.Errorf("Resolve(%q) = %s, %v; want %s", rev, got, err, want)
		}
	}
	if got, err := repo.MergeBase(t.Context(), "main", "feature"); err != nil || got != r.c3 {
		t.Errorf("MergeBase(main, feature) = %s, %v; want %s", got, err, r.c3)
	}
	if got, err := repo.MergeBase(t.Context(), r.c4, "feature"); err != nil || got != r.c2 {
		t.Errorf("MergeBase(c4, feature) = %s, %v; want %s", got, err, r.c2)
	}
	if got, err := repo.MergeBase(t.Context(), "main", "main"); err != nil || got != r.c6 {
		t.Errorf("MergeBase(main, main) = %s, %v", got, err)
	}
}

func TestMergeBaseUnrelated(t *testing.T) {
	r := newTestRepo(t)
	r.write("a", "a\n")
	r.commit("a")
	r.git("checkout", "-q", "--orphan", "other")
	r.write("b", "b\n")
	r.commit("b")
	_, err := r.open(Options{}).MergeBase(t.Context(), "main", "other")
	if !errors.Is(err, ErrNoMergeBase) {
		t.Errorf("err = %v, want ErrNoMergeBase", err)
	}
}

func TestReadFile(t *testing.T) {
	r := newTestRepo(t)
	r.write(".github/repoguard.yml", "version: 1\n")
	r.commit("policy")
	r.write(".github/repoguard.yml", "version: 2\n")
	r.commit("policy 2")
	repo := r.open(Options{})
	if b, err := repo.ReadFile(t.Context(), "HEAD", ".github/repoguard.yml"); err != nil || string(b) != "version: 2\n" {
		t.Errorf("ReadFile(HEAD) = %q, %v", b, err)
	}
	if b, err := repo.ReadFile(t.Context(), "HEAD~1", ".github/repoguard.yml"); err != nil || string(b) != "version: 1\n" {
		t.Errorf("ReadFile(HEAD~1) = %q, %v", b, err)
	}
	for _, p := range []string{".github/missing.yml", "nope/x", ".github", ".github/repoguard.yml/x", ""} {
		if _, err := repo.ReadFile(t.Context(), "HEAD", p); !errors.Is(err, ErrFileNotFound) {
			t.Errorf("ReadFile(%q) err = %v, want ErrFileNotFound", p, err)
		}
	}
}

func TestDiffCommits(t *testing.T) {
	r := newMergeRepo(t)
	repo := r.open(Options{})
	base, err := repo.MergeBase(t.Context(), "main", "feature")
	if err != nil {
		t.Fatal(err)
	}
	files, err := repo.DiffCommits(t.Context(), r.c1, "main")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int{}
	for _, f := range files {
		got[f.Path] = [2]int{f.Added, f.Deleted}
	}
	if want := map[string][2]int{"f.txt": {1, 1}, "g.txt": {2, 0}, "h.txt": {1, 0}}; !reflect.DeepEqual(got, want) {
		t.Errorf("DiffCommits(c1, main) = %v, want %v", got, want)
	}
	if files, err := repo.DiffCommits(t.Context(), base, "main"); err != nil || len(files) != 2 {
		t.Errorf("DiffCommits(base, main) = %+v, %v", files, err)
	}
}

func TestErrors(t *testing.T) {
	notRepo := t.TempDir()
	_, err := Open(notRepo, Options{})
	if !errors.Is(err, ErrNotRepository) || err.Error() != notRepo+": not a git repository" {
		t.Errorf("Open(not a repo) = %v", err)
	}
	if _, err := Open(filepath.Join(notRepo, "missing"), Options{}); !errors.Is(err, ErrNotRepository) {
		t.Errorf("Open(missing) = %v", err)
	}

	empty := newTestRepo(t)
	repo := empty.open(Options{})
	if err := repo.Walk(context.Background(), WalkOptions{}, func(*guard.Commit) error { return nil }); !errors.Is(err, ErrEmpty) {
		t.Errorf("Walk(empty) = %v, want ErrEmpty", err)
	}
	if _, err := repo.Resolve("main"); !errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), "no commits") {
		t.Errorf("Resolve(empty) = %v, want ErrEmpty", err)
	}

	r := newMergeRepo(t)
	repo = r.open(Options{})
	_, err = repo.Resolve("nope")
	if !errors.Is(err, ErrRefNotFound) || err.Error() != `ref "nope" not found in `+r.dir {
		t.Errorf("Resolve(nope) = %v", err)
	}
	for _, rev := range []string{"a..b..c", "main...feature", ".."} {
		_, err := repo.Count(context.Background(), WalkOptions{Rev: rev})
		if !errors.Is(err, ErrBadRange) || err.Error() != `invalid range "`+rev+`": want A..B` {
			t.Errorf("Count(%q) = %v, want ErrBadRange", rev, err)
		}
	}
	if _, err := repo.Count(context.Background(), WalkOptions{Rev: "main..nope"}); !errors.Is(err, ErrRefNotFound) {
		t.Errorf("Count(main..nope) = %v, want ErrRefNotFound", err)
	}
}

// corruptObject overwrites the middle of a loose object file.
func corruptObject(t *testing.T, r *testRepo, hash string) {
	t.Helper()
	name := filepath.Join(r.dir, ".git", "objects", hash[:2], hash[2:])
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(b) / 3; i < len(b); i++ {
		b[i] ^= 0x5a
	}
	if err := os.Chmod(name, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptObjects(t *testing.T) {
	for _, which := range []string{"blob", "tree", "commit", "missing"} {
		t.Run(which, func(t *testing.T) {
			r := newTestRepo(t)
			r.write("a.txt", strings.Repeat("some text to compress\n", 50))
			r.commit("one")
			r.write("a.txt", strings.Repeat("other text to compress\n", 50))
			r.commit("two")
			var hash string
			switch which {
			case "blob", "missing":
				hash = r.git("rev-parse", "HEAD:a.txt")
			case "tree":
				hash = r.git("rev-parse", "HEAD^{tree}")
			case "commit":
				hash = r.git("rev-parse", "HEAD~1")
			}
			if which == "missing" {
				os.Remove(filepath.Join(r.dir, ".git", "objects", hash[:2], hash[2:]))
			} else {
				corruptObject(t, r, hash)
			}
			repo := r.open(Options{})
			err := repo.Walk(context.Background(), WalkOptions{}, func(*guard.Commit) error { return nil })
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), hash) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Walk = %v, want ErrCorrupt naming %s", err, hash)
			}
		})
	}
}
