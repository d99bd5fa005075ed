package gitrepo

import (
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/gitrepo/gittest"
)

// testRepo is a repository built with the git CLI (gittest): every commit
// by Alice Author, dated one hour after the previous one.
type testRepo struct {
	*gittest.Repo
	t   testing.TB
	dir string
	n   int // commits made, to advance dates
	// Zones of the next commits' author and committer dates.
	authorTZ, committerTZ *time.Location
}

// baseTime is 2024-01-02T03:04:05 UTC.
const baseTime = 1704164645

func newTestRepo(t testing.TB) *testRepo {
	t.Helper()
	r := &testRepo{t: t, authorTZ: time.FixedZone("", 19800), committerTZ: time.FixedZone("", -25200)}
	r.Repo = gittest.Init(t, "")
	r.Env = r.env
	r.dir = r.Dir
	return r
}

// env makes Alice Author the author and committer of the next commit.
func (r *testRepo) env() []string { return gittest.Env(r.next()) }

// next returns the author and committer of the next commit: Alice Author,
// n hours after baseTime.
func (r *testRepo) next() (author, committer gittest.Signature) {
	when := time.Unix(baseTime+3600*int64(r.n), 0)
	author = gittest.Signature{Name: "Alice Author", Email: "alice@example.com", When: when.In(r.authorTZ)}
	committer = author
	committer.When = when.In(r.committerTZ)
	return author, committer
}

// run runs git in dir and returns its trimmed output.
func (r *testRepo) run(dir string, args ...string) string {
	r.t.Helper()
	return r.Run(dir, nil, "", args...)
}

func (r *testRepo) runInput(dir, input string, args ...string) string {
	r.t.Helper()
	return r.Run(dir, nil, input, args...)
}

// git runs git in the repository.
func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	return r.Git(args...)
}

// write writes a file of the work tree, creating directories.
func (r *testRepo) write(path, content string) {
	r.t.Helper()
	r.Write(path, content)
}

// commit stages everything and commits; it returns the new commit's hash.
func (r *testRepo) commit(msg string) string {
	r.t.Helper()
	h := r.Commit(msg)
	r.n++
	return h
}

// open opens the repository with opts.
func (r *testRepo) open(opts Options) *Repo {
	r.t.Helper()
	repo, err := Open(r.dir, opts)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { repo.Close() })
	return repo
}

// blobless clones the repository without blobs (git clone
// --filter=blob:none) into dir and opens the clone.
func (r *testRepo) blobless(dir string) *Repo {
	r.t.Helper()
	r.run(r.dir, "config", "uploadpack.allowFilter", "true")
	r.run(r.dir, "clone", "-q", "--bare", "--filter=blob:none", "file://"+r.dir, dir)
	repo, err := Open(dir, Options{})
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { repo.Close() })
	return repo
}
