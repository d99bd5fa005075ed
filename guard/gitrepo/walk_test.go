package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// mergeRepo builds:
//
//	c1 - c2 - c4 - m5 - c6   main
//	       \     /
//	        c3 -'            feature
type mergeRepo struct {
	*testRepo
	c1, c2, c3, c4, m5, c6 string
}

func newMergeRepo(t *testing.T) *mergeRepo {
	r := &mergeRepo{testRepo: newTestRepo(t)}
	r.write("f.txt", "f1\nf2\nf3\n")
	r.c1 = r.commit("c1")
	r.write("g.txt", "g1\n")
	r.c2 = r.commit("c2")
	r.git("checkout", "-q", "-b", "feature")
	r.write("f.txt", "f1\nF2\nf3\n")
	r.c3 = r.commit("c3")
	r.git("checkout", "-q", "main")
	r.write("g.txt", "g1\ng2\n")
	r.c4 = r.commit("c4")
	r.git("merge", "-q", "--no-ff", "-m", "m5", "feature")
	r.n++
	r.m5 = r.git("rev-parse", "HEAD")
	r.write("h.txt", "h\n")
	r.c6 = r.commit("c6")
	return r
}

func (r *mergeRepo) log(args ...string) []string {
	return strings.Fields(r.git(append([]string{"log", "--format=%H"}, args...)...))
}

func TestWalkSelection(t *testing.T) {
	r := newMergeRepo(t)
	repo := r.open(Options{})
	since := time.Unix(baseTime+3*3600, 0) // c4's date
	for _, tc := range []struct {
		name string
		o    WalkOptions
		want []string
	}{
		{"all", WalkOptions{}, r.log()},
		{"first parent", WalkOptions{FirstParent: true}, r.log("--first-parent")},
		{"range", WalkOptions{Rev: r.c2 + "..HEAD"}, r.log(r.c2 + "..HEAD")},
		{"range to branch", WalkOptions{Rev: "main..feature"}, nil},
		{"range from branch", WalkOptions{Rev: r.c4 + "..feature"}, []string{r.c3}},
		{"open range", WalkOptions{Rev: "feature.."}, r.log("feature..HEAD")},
		{"range first parent", WalkOptions{Rev: r.c1 + "..main", FirstParent: true}, []string{r.c6, r.m5, r.c4, r.c2}},
		{"since", WalkOptions{Since: since}, []string{r.c6, r.m5, r.c4}},
		{"oldest first", WalkOptions{Order: OldestFirst}, reversed(r.log())},
		{"tag-like rev", WalkOptions{Rev: "feature~1"}, []string{r.c2, r.c1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Count first: the walk then reuses its plan.
			n, err := repo.Count(context.Background(), tc.o)
			if err != nil || n != len(tc.want) {
				t.Errorf("Count = %d, %v; want %d", n, err, len(tc.want))
			}
			got := hashes(walkAll(t, repo, tc.o))
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("walk = %v\nwant   %v", got, tc.want)
			}
			if hs, err := repo.Hashes(context.Background(), tc.o); err != nil || !reflect.DeepEqual(hs, tc.want) {
				t.Errorf("Hashes = %v, %v\nwant     %v", hs, err, tc.want)
			}
		})
	}
	if got := r.log("--since=@" + fmt.Sprint(since.Unix())); !reflect.DeepEqual(got, []string{r.c6, r.m5, r.c4}) {
		t.Errorf("git log --since = %v (test premise)", got)
	}
}

func reversed(s []string) []string {
	s = slices.Clone(s)
	slices.Reverse(s)
	return s
}

func TestMergeDiffedAgainstFirstParent(t *testing.T) {
	r := newMergeRepo(t)
	repo := r.open(Options{Workers: 3})
	for _, c := range walkAll(t, repo, WalkOptions{}) {
		if c.Hash != r.m5 {
			continue
		}
		if !c.IsMerge() || !reflect.DeepEqual(c.Parents, []string{r.c4, r.c3}) {
			t.Fatalf("merge parents = %v", c.Parents)
		}
		want := []guard.FileChange{{
			Path: "f.txt", Status: guard.Modified, Added: 1, Deleted: 1, Size: 9, OldSize: 9,
			Mode: 0o100644, OldMode: 0o100644,
			Hash: r.git("rev-parse", r.m5+":f.txt"), OldHash: r.git("rev-parse", r.c4+":f.txt"),
			AddedLines: lines(2, "F2"), DeletedLines: lines(2, "f2"),
		}}
		if !reflect.DeepEqual(c.Files, want) {
			t.Errorf("merge files = %+v\nwant %+v", c.Files, want)
		}
		if c.Message != "m5\n" || c.Subject() != "m5" {
			t.Errorf("message = %q", c.Message)
		}
		return
	}
	t.Fatal("merge commit not walked")
}

func TestPeopleKeepTheirOffsets(t *testing.T) {
	r := newTestRepo(t)
	r.write("a", "a\n")
	r.commit("one")
	r.authorTZ, r.committerTZ = time.FixedZone("", -34200), time.UTC
	r.write("a", "b\n")
	r.commit("two")
	cs := walkAll(t, r.open(Options{Workers: 1}), WalkOptions{Order: OldestFirst})
	for i, want := range []struct {
		author, committer int
		zone              string
	}{{19800, -25200, "+0530"}, {-34200, 0, "-0930"}} {
		c := cs[i]
		if c.Author.Offset() != want.author || c.Committer.Offset() != want.committer {
			t.Errorf("commit %d offsets = %d, %d; want %d, %d", i, c.Author.Offset(), c.Committer.Offset(), want.author, want.committer)
		}
		if name, _ := c.Author.When.Zone(); name != want.zone {
			t.Errorf("commit %d author zone = %q, want %q", i, name, want.zone)
		}
		if at := c.Author.When.Unix(); at != baseTime+int64(3600*i) || !c.Committer.When.Equal(c.Author.When) {
			t.Errorf("commit %d times = %v, %v", i, c.Author.When, c.Committer.When)
		}
		if c.Author.Name != "Alice Author" || c.Author.Email != "alice@example.com" {
			t.Errorf("author = %+v", c.Author)
		}
	}
	if got := cs[0].Author.When.Format("2006-01-02T15:04:05-0700"); got != "2024-01-02T08:34:05+0530" {
		t.Errorf("author time = %s", got)
	}
}

// signCommit rewrites the commit at HEAD with a signature header and points
// ref at it, like `git commit -S` would without needing gpg.
func signCommit(r *testRepo, ref, header string) string {
	raw := r.git("cat-file", "commit", "HEAD") + "\n"
	i := strings.Index(raw, "\n\n")
	signed := raw[:i+1] + header + raw[i+1:]
	h := r.runInput(r.dir, signed, "hash-object", "-t", "commit", "-w", "--stdin")
	r.git("update-ref", ref, h)
	return h
}

func TestSignedCommits(t *testing.T) {
	r := newTestRepo(t)
	r.write("a", "a\n")
	plain := r.commit("one")
	pgp := signCommit(r, "refs/heads/pgp", "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n")
	ssh := signCommit(r, "refs/heads/ssh", "gpgsig -----BEGIN SSH SIGNATURE-----\n U1NIU0lH\n -----END SSH SIGNATURE-----\n")
	repo := r.open(Options{})
	for _, tc := range []struct {
		rev, hash string
		signed    bool
	}{{"main", plain, false}, {"pgp", pgp, true}, {"ssh", ssh, true}} {
		cs := walkAll(t, repo, WalkOptions{Rev: tc.rev})
		if len(cs) != 1 || cs[0].Hash != tc.hash || cs[0].Signed != tc.signed {
			t.Errorf("%s: %d commits, signed=%v, want %s signed=%v", tc.rev, len(cs), cs[0].Signed, tc.hash, tc.signed)
		}
		if cs[0].Message != "one\n" || len(cs[0].Files) != 1 {
			t.Errorf("%s: message %q files %+v", tc.rev, cs[0].Message, cs[0].Files)
		}
	}
}

func TestWalkCancel(t *testing.T) {
	r := newTestRepo(t)
	for i := range 40 {
		r.write("f", fmt.Sprintf("%d\n", i))
		r.commit("c")
	}
	repo := r.open(Options{Workers: 2})
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := repo.Walk(ctx, WalkOptions{}, func(*guard.Commit) error {
		n++
		if n == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n > 4 {
		t.Errorf("after cancel: err = %v, %d commits", err, n)
	}
	stop := errors.New("stop")
	if err := repo.Walk(context.Background(), WalkOptions{}, func(*guard.Commit) error { return stop }); err != stop {
		t.Errorf("callback error = %v, want it unchanged", err)
	}
	var seen int
	for c, err := range repo.Commits(context.Background(), WalkOptions{}) {
		if err != nil || c == nil {
			t.Fatal(err)
		}
		if seen++; seen == 5 {
			break
		}
	}
	if n, _ := repo.Count(context.Background(), WalkOptions{}); n != 40 {
		t.Errorf("Count = %d, want 40", n)
	}
	// A commit made after Count is seen by the walk that follows.
	r.write("f", "new\n")
	head := r.commit("after count")
	if cs := walkAll(t, repo, WalkOptions{}); len(cs) != 41 || cs[0].Hash != head {
		t.Errorf("walk after a new commit: %d commits, first %s; want 41, %s", len(cs), cs[0].Hash, head)
	}
}

func TestShallowClone(t *testing.T) {
	r := newMergeRepo(t)
	dir := t.TempDir() + "/shallow"
	r.run(r.dir, "clone", "-q", "--depth=2", "file://"+r.dir, dir)
	repo, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	cs := walkAll(t, repo, WalkOptions{FirstParent: true})
	if got := hashes(cs); !reflect.DeepEqual(got, []string{r.c6, r.m5}) {
		t.Fatalf("shallow walk = %v, want [c6 m5]", got)
	}
	// The shallow boundary's parents are not here: what it changed is
	// unknown (git log would show the whole tree as added).
	if m := cs[1]; len(m.Parents) != 2 || len(m.Files) != 0 || m.Unknown != guard.UnknownShallow {
		t.Errorf("boundary commit: parents %v files %+v unknown %q", m.Parents, m.Files, m.Unknown)
	}
	if c := cs[0]; c.Unknown != "" || len(c.Files) == 0 {
		t.Errorf("commit above the boundary: files %+v unknown %q", c.Files, c.Unknown)
	}
}

// TestPartialClone: a clone without blobs (git clone --filter=blob:none)
// walks: the files whose content it lacks are reported, their content
// unknown; a clone that is not partial and lacks a blob is corrupt.
func TestPartialClone(t *testing.T) {
	r := newMergeRepo(t)
	r.run(r.dir, "config", "uploadpack.allowFilter", "true")
	dir := t.TempDir() + "/partial"
	r.run(r.dir, "clone", "-q", "--bare", "--filter=blob:none", "file://"+r.dir, dir)
	repo, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	cs := walkAll(t, repo, WalkOptions{})
	missing := 0
	for _, c := range cs {
		for _, f := range c.Files {
			if f.Skipped == guard.UnknownMissing {
				missing++
			}
		}
	}
	if missing == 0 {
		t.Fatalf("no file of %d commits reported missing in a blobless clone", len(cs))
	}
	// The same objects without the promisor mark: corruption, as before.
	plain := t.TempDir() + "/plain"
	r.run(r.dir, "clone", "-q", "--bare", "--filter=blob:none", "file://"+r.dir, plain)
	for _, pat := range []string{"objects/pack/*.promisor"} {
		ms, _ := filepath.Glob(filepath.Join(plain, pat))
		for _, m := range ms {
			os.Remove(m)
		}
	}
	cfg := "[core]\n\trepositoryformatversion = 0\n\tbare = true\n"
	if err := os.WriteFile(filepath.Join(plain, "config"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	repo2, err := Open(plain, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer repo2.Close()
	err = repo2.Walk(context.Background(), WalkOptions{}, func(*guard.Commit) error { return nil })
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("walk of a clone missing blobs, not partial: %v, want ErrCorrupt", err)
	}
}
