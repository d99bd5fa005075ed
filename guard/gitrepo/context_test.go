package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

// endsAfter is a context that ends after its Err has answered nil n
// times: it stops a walk part-way, where a cancelled context would stop
// it at the first check.
type endsAfter struct {
	context.Context
	n atomic.Int64
}

func newEndsAfter(n int64) *endsAfter {
	c := &endsAfter{Context: context.Background()}
	c.n.Store(n)
	return c
}

func (c *endsAfter) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// longHistory makes main, n commits from a root, and side, one commit
// on the root: their merge base is the root, below all of main.
func longHistory(t *testing.T, n int) (r *testRepo, root string) {
	r = newTestRepo(t)
	im := &importer{r: r}
	first := im.commit("refs/heads/main", 0, 0, "root", map[string]string{"a.txt": "a\n"}, []string{"a.txt"})
	last := first
	for i := range n {
		last = im.commit("refs/heads/main", last, 0, fmt.Sprint("commit ", i), nil, nil)
	}
	im.commit("refs/heads/side", first, 0, "side", map[string]string{"b.txt": "b\n"}, []string{"b.txt"})
	im.run()
	return r, r.git("rev-parse", "main~"+fmt.Sprint(n))
}

// TestMergeBaseHonoursContext: an expired context (a job's lease) stops
// the walk of a long history, at its start or part-way.
func TestMergeBaseHonoursContext(t *testing.T) {
	r, root := longHistory(t, 20000)
	repo := r.open(Options{})
	if got, err := repo.MergeBase(t.Context(), "main", "side"); err != nil || got != root {
		t.Fatalf("MergeBase(main, side) = %s, %v; want the root %s", got, err, root)
	}
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	for name, ctx := range map[string]context.Context{"cancelled": cancelled, "ends part-way": newEndsAfter(1)} {
		if got, err := repo.MergeBase(ctx, "main", "side"); !errors.Is(err, context.Canceled) {
			t.Errorf("MergeBase with a context that %s = %s, %v; want context.Canceled", name, got, err)
		}
	}
}

// TestCallsHonourContext: every call that reads history or objects stops
// with a cancelled context.
func TestCallsHonourContext(t *testing.T) {
	r := newMergeRepo(t)
	repo := r.open(Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for name, call := range map[string]func() error{
		"MergeBase":   func() error { _, err := repo.MergeBase(ctx, "main", "feature"); return err },
		"ReadFile":    func() error { _, err := repo.ReadFile(ctx, "main", "g.txt"); return err },
		"DiffCommits": func() error { _, err := repo.DiffCommits(ctx, r.c1, "main"); return err },
		"Count":       func() error { _, err := repo.Count(ctx, WalkOptions{}); return err },
		"Walk":        func() error { return repo.Walk(ctx, WalkOptions{}, func(*guard.Commit) error { return nil }) },
	} {
		if err := call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v, want context.Canceled", name, err)
		}
	}
}

// TestDiffCommitsStopsInLargeTrees: comparing two large trees stops with
// the context, before any file is read.
func TestDiffCommitsStopsInLargeTrees(t *testing.T) {
	r := newTestRepo(t)
	im := &importer{r: r}
	files := map[string]string{}
	var order []string
	for i := range 3000 {
		name := fmt.Sprintf("f%04d.txt", i)
		files[name], order = name+"\n", append(order, name)
	}
	first := im.commit("refs/heads/main", 0, 0, "one", map[string]string{"a.txt": "a\n"}, []string{"a.txt"})
	im.commit("refs/heads/main", first, 0, "many", files, order)
	im.run()
	repo := r.open(Options{})
	_, err := repo.DiffCommits(newEndsAfter(0), "main~1", "main")
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "compare trees") {
		t.Errorf("DiffCommits = %v, want context.Canceled while comparing trees", err)
	}
}
