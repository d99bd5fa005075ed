package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/costtest"
	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/webhooks"
)

// The end-to-end tests of issue 8, denial of service by content: each
// replays an attack on `repoguard serve` and shows that it now fails.

// TestServeLongLinesAreLinear: eight files of one 1 MiB line of "[", "{"
// or "${{ secrets." made key-material quadratic (85 s for the pull
// request, with no deadline). The evaluation now ends in seconds, well
// within the wait, with an ordinary conclusion.
func TestServeLongLinesAreLinear(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	files := map[string]string{}
	for i, unit := range []string{"[", "{", "${{ secrets.", "[", "{", "${{ secrets.", "[", "{"} {
		// Just under the 1 MiB --max-blob-size: the content is read.
		files[fmt.Sprintf("data/line%d.txt", i)] = strings.Repeat(unit, (1<<20-64)/len(unit)) + "\n"
	}
	e.branch("feature-8", "alice", files)
	head, base := e.OpenPR(8, "alice", "feature-8")
	start := time.Now()
	d := e.pullRequest("opened", 8, "alice", head, base, "alice")
	ls.deliver(d)
	cr := e.waitCheck(head, "completed", completed("success", 2))
	apptest.WantCheck(t, cr, "success")
	if st := ls.waitJob(d.id); st.Attempts != 1 {
		t.Errorf("%d attempts, want 1", st.Attempts)
	}
	t.Logf("eight 1 MiB lines evaluated in %v", time.Since(start).Round(time.Millisecond))
}

// TestServeJobDeadline: an evaluation that does not finish (here the Git
// server never answers the fetch) is stopped at the job deadline; its
// check concludes as a failure that says it timed out, the job is
// dead-lettered after one attempt rather than retried, and the timeout
// is counted.
func TestServeJobDeadline(t *testing.T) {
	e := newE2E(t)
	ls := e.start("REPOGUARD_JOB_DEADLINE=2s")
	head, base := e.contractsPR(9)
	arrived, release := e.GitServer.Hold(e.t)
	defer release()
	d := e.pullRequest("opened", 9, "alice", head, base, "alice")
	ls.deliver(d)
	<-arrived
	cr := e.waitCheck(head, "failure", completed("failure", 2))
	apptest.WantCheck(t, cr, "failure", "Evaluation timed out", "REPOGUARD_JOB_DEADLINE")
	if cr.Title != "evaluation timed out" {
		t.Errorf("title %q, want %q", cr.Title, "evaluation timed out")
	}
	var st webhooks.JobStatus
	waitFor(t, "the job dead-lettered", func() bool { st = ls.status(d.id); return st.State == webhooks.StateDead })
	if st.Attempts != 1 || !strings.Contains(st.LastError, "job deadline exceeded (2s)") ||
		!strings.Contains(st.LastError, "evaluation timed out") {
		t.Errorf("job %+v, want dead after one attempt, timed out", st)
	}
	if n := ls.metric("repoguard_job_duration_seconds_count", `event="pull_request"`, `result="timeout"`); n != 1 {
		t.Errorf("%v timed-out jobs counted, want 1", n)
	}
	if code, _ := ls.get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz after the timeout: %d", code)
	}
}

// evaluateInChild runs `repoguard serve` in a process of its own, has it
// evaluate pull request number by alice, and returns the completed check
// run and the bytes the server allocated meanwhile (the difference of its
// go_memstats_alloc_bytes_total): the fetch and the evaluation.
func (e *e2e) evaluateInChild(number int, head, base string) (githubtest.CheckRun, float64) {
	e.t.Helper()
	c := e.startChild()
	allocated := func() float64 {
		code, body := httpGet(e.t, c.url+"/metrics")
		if code != http.StatusOK {
			e.t.Fatalf("/metrics: %d", code)
		}
		return sumMetric(e.t, body, "go_memstats_alloc_bytes_total")
	}
	before := allocated()
	if code, body := post(e.t, c.url, e.pullRequest("opened", number, "alice", head, base, "alice"), e2eSecret); code != http.StatusAccepted {
		e.t.Fatalf("delivery: %d %s", code, body)
	}
	cr := e.waitCheck(head, "completed", func(cr githubtest.CheckRun) bool { return cr.Status == "completed" })
	used := allocated() - before
	e.t.Logf("fetch and evaluation allocated %.0f MB", used/(1<<20))
	return cr, used
}

// TestServeDeltaBomb: a pull request adds a 32 MiB zero-filled blob that
// Git stores as a small delta of a similar one (issue 8: 600 MB took a
// scan to 1.9 GB). The server, in a process of its own so that its
// allocations can be measured, reports the blob as too large to diff
// without resolving it. The fetch (go-git indexing the pack) holds the
// base about three times over; resolving the blob took ten times more.
func TestServeDeltaBomb(t *testing.T) {
	const size = 32 << 20
	e := newE2E(t)
	zeros := make([]byte, size)
	zeros[size-1] = 'x'
	e.branch("feature-10", "alice", map[string]string{"tests/base.bin": string(zeros)})
	zeros[size-1], zeros[size/2] = 0, 'y'
	e.Commit("alice", "Add bomb", map[string]string{"tests/bomb.bin": string(zeros)})
	head, base := e.OpenPR(10, "alice", "feature-10")
	e.Origin.Git("repack", "-a", "-d", "-f", "-q")
	bomb := e.Origin.Git("rev-parse", head+":tests/bomb.bin")
	idx, _ := filepath.Glob(filepath.Join(e.Origin.Dir, "objects", "pack", "*.idx"))
	if len(idx) != 1 || !regexp.MustCompile(`(?m)^`+bomb+` blob +\d+ \d+ \d+ 1 `).MatchString(e.Origin.Git("verify-pack", "-v", idx[0])) {
		t.Fatalf("git did not store bomb.bin as a delta")
	}
	cr, used := e.evaluateInChild(10, head, base)
	apptest.WantCheck(t, cr, cr.Conclusion, "tests/bomb.bin (added, 32.0 MB) is too large to diff")
	if used > 6*size && !costtest.Race {
		t.Errorf("fetch and evaluation allocated %.0f MB, want under %d MB", used/(1<<20), 6*size>>20)
	}
}

// TestServeDeepTree: a pull request adds a file 20,000 folders deep
// (issue 8: 29 s and 460 MB, its path rebuilt at every level). The
// evaluation, in a server process of its own so that its allocations can
// be measured, completes with some tens of MB: each walk of the trees
// allocated 430 MB before, and the obfuscation detector's globs took
// minutes over such a path.
func TestServeDeepTree(t *testing.T) {
	const depth = 20000
	e := newE2E(t)
	tree := e.deepTree(depth)
	who := []string{"GIT_AUTHOR_NAME=Alice", "GIT_AUTHOR_EMAIL=alice@acme.test", "GIT_COMMITTER_NAME=Alice",
		"GIT_COMMITTER_EMAIL=alice@acme.test"}
	e.Git("update-ref", "refs/heads/feature-11", e.Work.Run(e.Work.Dir, who, "", "commit-tree", tree, "-p", "main", "-m", "Deep file"))
	head, base := e.OpenPR(11, "alice", "feature-11")
	cr, used := e.evaluateInChild(11, head, base)
	apptest.WantCheck(t, cr, "success")
	if used > 200<<20 && !costtest.Race {
		t.Errorf("fetch and evaluation allocated %.0f MB, want under 200 MB", used/(1<<20))
	}
}

// deepTree writes, in the working clone, the tree of main with the file
// d/d/.../f.txt (a copy of README.md), depth folders deep, and returns
// its name. The trees are
// written with go-git: no file system holds such a path, and git
// write-tree takes seconds over it.
func (e *e2e) deepTree(depth int) string {
	e.t.Helper()
	repo, err := git.PlainOpen(e.Work.Dir)
	if err != nil {
		e.t.Fatal(err)
	}
	put := func(entries []object.TreeEntry) plumbing.Hash {
		obj := repo.Storer.NewEncodedObject()
		if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
			e.t.Fatal(err)
		}
		h, err := repo.Storer.SetEncodedObject(obj)
		if err != nil {
			e.t.Fatal(err)
		}
		return h
	}
	h := plumbing.NewHash(e.Git("hash-object", "-w", "README.md"))
	entries := []object.TreeEntry{{Name: "f.txt", Mode: filemode.Regular, Hash: h}}
	for range depth {
		entries = []object.TreeEntry{{Name: "d", Mode: filemode.Dir, Hash: put(entries)}}
	}
	main, err := repo.CommitObject(plumbing.NewHash(e.Git("rev-parse", "main")))
	if err != nil {
		e.t.Fatal(err)
	}
	top, err := main.Tree()
	if err != nil {
		e.t.Fatal(err)
	}
	return put(append(slices.Clone(top.Entries), entries...)).String() // "d" sorts after main's entries
}
