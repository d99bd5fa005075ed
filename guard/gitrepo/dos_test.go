package gitrepo

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// allocated returns the bytes f allocates (runtime.MemStats.TotalAlloc):
// a deterministic measure of its memory, unlike a peak or a duration.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

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
	used := allocated(func() {
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
	if used > 64<<20 {
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
