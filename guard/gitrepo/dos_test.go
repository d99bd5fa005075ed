package gitrepo

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/costtest"
)

// TestDeepTree: a file 20,000 folders deep (issue 8: 29 s and 460 MB,
// its path rebuilt at every level) is walked in memory linear in the
// depth, with its whole path.
func TestDeepTree(t *testing.T) {
	const depth = 20000
	r := newTestRepo(t)
	im := &importer{r: r}
	deep := strings.Repeat("d/", depth) + "f.txt"
	first := im.commit("refs/heads/main", 0, 0, "shallow", map[string]string{"a.txt": "a\n"}, []string{"a.txt"})
	im.commit("refs/heads/main", first, 0, "deep", map[string]string{deep: "secret\n"}, []string{deep})
	im.run()
	repo := r.open(Options{})
	var got []string
	used := costtest.Allocated(func() {
		for _, c := range walkAll(t, repo, WalkOptions{}) {
			for _, f := range c.Files {
				got = append(got, f.Path)
			}
		}
	})
	if len(got) != 2 || got[0] != deep || got[1] != "a.txt" {
		t.Fatalf("paths %d: %.40q..., want the deep file and a.txt", len(got), got)
	}
	// The trees and their parsed entries take a few MB; rebuilding the
	// path at each level took 20,000 * 40 KB / 2 = 400 MB.
	if used > 64<<20 && !costtest.Race {
		t.Errorf("the walk allocated %d MB, want under 64 MB", used>>20)
	}
	files, err := repo.DiffCommits(t.Context(), "main~1", "main")
	if err != nil || len(files) != 1 || files[0].Path != deep || len(files[0].AddedLines) != 1 {
		t.Fatalf("DiffCommits = %d files, %v; want the deep file", len(files), err)
	}
}

// TestDiffCommitsHonoursContext: a change set is not diffed past its
// context's end (a job's deadline).
func TestDiffCommitsHonoursContext(t *testing.T) {
	r := newTestRepo(t)
	r.write("a.txt", "a\n")
	r.commit("one")
	r.write("b.txt", "b\n")
	r.commit("two")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := r.open(Options{}).DiffCommits(ctx, "main~1", "main"); !errors.Is(err, context.Canceled) {
		t.Errorf("DiffCommits with a cancelled context: %v, want context.Canceled", err)
	}
}

// TestDeltaBomb: a blob of 32 MiB of zeros stored, as git stores it, as a
// small delta of a similar blob (issue 8: 600 MB took a scan to 1.9 GB)
// is reported as too large without being resolved: the walk allocates a
// few MB, not the base's 32 MiB several times over.
func TestDeltaBomb(t *testing.T) {
	const size = 32 << 20
	r := newTestRepo(t)
	r.write("a.txt", "a\n")
	r.commit("one")
	zeros := make([]byte, size)
	zeros[size-1] = 'x'
	r.write("base.bin", string(zeros))
	r.commit("base")
	zeros[size-1], zeros[size/2] = 0, 'y'
	r.write("bomb.bin", string(zeros))
	r.commit("bomb")
	r.git("repack", "-a", "-d", "-f", "-q")
	bomb := r.git("rev-parse", "HEAD:bomb.bin")
	idx, _ := filepath.Glob(filepath.Join(r.dir, ".git", "objects", "pack", "*.idx"))
	if len(idx) != 1 || !regexp.MustCompile(`(?m)^`+bomb+` blob +\d+ \d+ \d+ 1 `).MatchString(r.git("verify-pack", "-v", idx[0])) {
		t.Fatalf("git did not store bomb.bin as a delta:\n%s", r.git("verify-pack", "-v", idx[0]))
	}
	repo := r.open(Options{})
	var head *guard.Commit
	used := costtest.Allocated(func() { head = walkAll(t, repo, WalkOptions{})[0] })
	f := fileByPath(t, head, "bomb.bin")
	if f.Skipped != skipTooLarge || f.Size != size || f.Binary {
		t.Errorf("bomb.bin: skipped %q, size %d, binary %v; want too large, %d bytes, not known binary", f.Skipped, f.Size, f.Binary, size)
	}
	if used > 16<<20 && !costtest.Race {
		t.Errorf("the walk allocated %d MB, want under 16 MB for a blob it does not read", used>>20)
	}
	if _, err := repo.ReadFile(t.Context(), "HEAD", "bomb.bin"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ReadFile(bomb.bin): %v, want ErrTooLarge", err)
	}
}
