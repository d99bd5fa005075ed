package gitrepo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo/gittest"
)

// importer writes a `git fast-import` stream (gittest.Import): much
// faster than running git once per commit.
type importer struct {
	r  *testRepo
	im gittest.Import
}

// commit adds a commit to ref with the given parents (marks, 0 for none)
// and file contents ("\x00deleted" deletes a file); it returns the
// commit's mark.
func (im *importer) commit(ref string, from, merge int, msg string, files map[string]string, order []string) int {
	c := gittest.Commit{Ref: ref, Message: msg + "\n", From: gittest.Mark(from), Merge: gittest.Mark(merge)}
	c.Author, c.Committer = im.r.next()
	im.r.n++
	for _, name := range order {
		if body, ok := files[name]; ok {
			c.Files = append(c.Files, gittest.File{Path: name, Content: body, Deleted: body == "\x00deleted"})
		}
	}
	return im.im.Add(c)
}

func (im *importer) run() { im.r.Import(&im.im) }

// randomHistory makes a repository of about n commits with random small
// edits, additions, deletions, binary files and merges of side branches.
func randomHistory(t testing.TB, n int) *testRepo {
	r := newTestRepo(t)
	im := &importer{r: r}
	rng := rand.New(rand.NewPCG(1, 2))
	files := map[string][]string{}
	var names []string
	common := []string{"", "}", "\treturn nil", "{", "end"}
	line := func() string {
		if rng.IntN(4) == 0 {
			return common[rng.IntN(len(common))]
		}
		return fmt.Sprintf("line %d %x", rng.IntN(50), rng.Uint32()>>rng.IntN(32))
	}
	changed := map[string]string{}
	var order []string
	save := func(name string) {
		body := strings.Join(files[name], "\n")
		if len(files[name]) > 0 && rng.IntN(8) != 0 {
			body += "\n" // sometimes no newline at end of file
		}
		if _, ok := changed[name]; !ok {
			order = append(order, name)
		}
		changed[name] = body
	}
	edit := func(name string) {
		ls := files[name]
		for range 1 + rng.IntN(3) {
			at := rng.IntN(len(ls) + 1)
			del := min(rng.IntN(4), len(ls)-at)
			var ins []string
			for range rng.IntN(4) {
				ins = append(ins, line())
			}
			ls = append(ls[:at:at], append(ins, ls[at+del:]...)...)
		}
		files[name] = ls
		save(name)
	}
	add := func(dir string) string {
		name := fmt.Sprintf("%s/f%d.txt", dir, len(names))
		ls := make([]string, 1+rng.IntN(60))
		for i := range ls {
			ls[i] = line()
		}
		files[name] = ls
		names = append(names, name)
		save(name)
		return name
	}
	commit := func(ref string, from, merge int, msg string) int {
		m := im.commit(ref, from, merge, msg, changed, order)
		changed, order = map[string]string{}, nil
		return m
	}
	for i := range 8 {
		add([]string{"src", "src/pkg", "docs"}[i%3])
	}
	tip := commit("refs/heads/main", 0, 0, "initial")
	for i := 1; r.n < n; i++ {
		switch {
		case i%40 == 0: // a side branch merged back
			side, sideRef := tip, fmt.Sprintf("refs/heads/side%d", i)
			var sideFiles []string
			for range 2 {
				sideFiles = append(sideFiles, add("side"))
				edit(sideFiles[len(sideFiles)-1])
				side = commit(sideRef, side, 0, "side work")
			}
			edit(names[rng.IntN(8)])
			tip = commit("refs/heads/main", tip, 0, "main work")
			for _, f := range sideFiles {
				save(f)
			}
			tip = commit("refs/heads/main", tip, side, "merge")
			continue
		case i%23 == 0 && len(names) > 10:
			k := 8 + rng.IntN(len(names)-8)
			changed[names[k]], order = "\x00deleted", append(order, names[k])
			delete(files, names[k])
			names = append(names[:k], names[k+1:]...)
		case i%17 == 0:
			name := fmt.Sprintf("bin/b%d.dat", i)
			changed[name], order = fmt.Sprintf("\x00\x01%d", rng.Uint64()), append(order, name)
		case i%7 == 0:
			add([]string{"src", "lib/deep/er"}[i%2])
		}
		for range 1 + rng.IntN(3) {
			if name := names[rng.IntN(len(names))]; changed[name] != "\x00deleted" {
				edit(name)
			}
		}
		tip = commit("refs/heads/main", tip, 0, fmt.Sprintf("commit %d", i))
	}
	im.run()
	return r
}

// numstat parses `git log --numstat --format=%H` output: commit ->
// path -> "added deleted".
func numstat(out string) map[string]map[string]string {
	res := map[string]map[string]string{}
	var cur map[string]string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Split(l, "\t"); len(f) == 3 {
			cur[f[2]] = f[0] + " " + f[1]
		} else if len(l) == 40 {
			cur = map[string]string{}
			res[l] = cur
		}
	}
	return res
}

func TestCrossCheckWithGit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 200-commit repository")
	}
	r := randomHistory(t, 200)
	want := numstat(r.git("log", "--numstat", "--no-renames", "--first-parent", "--format=%H"))
	repo := r.open(Options{NoRenames: true, Workers: 3})
	cs := walkAll(t, repo, WalkOptions{FirstParent: true})
	if len(cs) != len(want) {
		t.Fatalf("walked %d commits, git log shows %d", len(cs), len(want))
	}
	h := repo.main
	ld := newLineDiffer()
	files := 0
	for _, c := range cs {
		got := map[string]string{}
		for _, f := range c.Files {
			files++
			if f.Binary {
				got[f.Path] = "- -"
			} else {
				got[f.Path] = fmt.Sprintf("%d %d", f.Added, f.Deleted)
			}
			if f.Status == guard.Modified && !f.Binary {
				checkReconstructs(t, h, ld, c, f)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want[c.Hash]) {
			t.Errorf("commit %s: got %v\ngit numstat     %v", c.ShortHash(), got, want[c.Hash])
		}
	}
	t.Logf("%d commits, %d file changes agree with git log --numstat", len(cs), files)
}

// checkReconstructs applies the change's numbered lines to the old blob
// and compares the result with the new blob.
func checkReconstructs(t *testing.T, h *handle, ld *lineDiffer, c *guard.Commit, f guard.FileChange) {
	t.Helper()
	ob, err1 := h.readBlob(plumbing.NewHash(f.OldHash))
	nb, err2 := h.readBlob(plumbing.NewHash(f.Hash))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if got := applyLines(ob.text, f.AddedLines, f.DeletedLines); got != trimLines(nb.text) {
		t.Errorf("commit %s %s: lines do not rebuild the new file", c.ShortHash(), f.Path)
	}
}
