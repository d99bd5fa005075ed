package gittest_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/gitrepo/gittest"
)

var when = time.Date(2024, 1, 2, 8, 34, 5, 0, time.FixedZone("", 19800))

// TestCommit: a commit records the files written and its signatures,
// dates in their zones; without signatures, Env gives them.
func TestCommit(t *testing.T) {
	r := gittest.Init(t, "")
	r.Write("dir/a.txt", "a\n")
	alice := gittest.Signature{Name: "Alice", Email: "alice@example.com", When: when}
	bob := gittest.Signature{Name: "Bob", Email: "bob@example.com", When: when.Add(time.Hour).UTC()}
	r.Commit("first", alice, bob)
	if got, want := r.Git("log", "-1", "--format=%an <%ae> %ad|%cn <%ce> %cd|%s", "--date=raw"),
		"Alice <alice@example.com> 1704164645 +0530|Bob <bob@example.com> 1704168245 +0000|first"; got != want {
		t.Errorf("commit = %q, want %q", got, want)
	}
	if got := r.Git("show", "HEAD:dir/a.txt"); got != "a" {
		t.Errorf("dir/a.txt = %q", got)
	}
	r.Env = func() []string { return gittest.Env(bob, bob) }
	r.Commit("empty")
	if got := r.Git("log", "-1", "--format=%an %cn %s"); got != "Bob Bob empty" {
		t.Errorf("commit with Env = %q", got)
	}
}

// TestImport: an Import stream builds commits with their parents, files
// and deletions, on the refs named.
func TestImport(t *testing.T) {
	r := gittest.Init(t, "")
	var im gittest.Import
	alice := gittest.Signature{Name: "Alice", Email: "alice@example.com", When: when}
	one := im.Add(gittest.Commit{Ref: "refs/heads/main", Author: alice, Message: "one\n",
		Files: []gittest.File{{Path: "a.txt", Content: "a\n"}, {Path: "b.txt", Content: "b\n"}}})
	im.Reset("refs/heads/side", gittest.Mark(one))
	side := im.Add(gittest.Commit{Ref: "refs/heads/side", Author: alice, Message: "side\n",
		Files: []gittest.File{{Path: "b.txt", Deleted: true}}})
	im.Add(gittest.Commit{Ref: "refs/heads/main", Author: alice, Message: "merge\n", Merge: gittest.Mark(side),
		Files: []gittest.File{{Path: "c.txt", Content: "c\n"}}})
	r.Import(&im)
	if got := strings.Fields(r.Git("rev-list", "--parents", "-n1", "main")); len(got) != 3 || got[2] != r.Git("rev-parse", "side") {
		t.Errorf("main's parents %v, want two, side second", got[1:])
	}
	if got := r.Git("log", "--format=%s", "main"); got != "merge\nside\none" && got != "merge\none\nside" {
		t.Errorf("main's log:\n%s", got)
	}
	for ref, want := range map[string]string{"main": "a.txt\nb.txt\nc.txt", "side": "a.txt"} {
		if got := r.Git("ls-tree", "--name-only", ref); got != want {
			t.Errorf("%s's tree = %q, want %q", ref, got, want)
		}
	}
	if got := r.Git("log", "-1", "--format=%an %ad", "--date=raw", "side"); got != "Alice 1704164645 +0530" {
		t.Errorf("side = %q", got)
	}
}

// TestServer: the server serves its repositories to the credentials its
// auth accepts, and holds requests while held.
func TestServer(t *testing.T) {
	root := t.TempDir()
	s := gittest.NewServer(t, root, func(user, password string) bool { return user == "u" && password == "p" })
	origin := gittest.Init(t, filepath.Join(root, "acme", "widgets.git"), "--bare")
	work := origin.Clone(filepath.Join(t.TempDir(), "work"))
	work.Write("a.txt", "a\n")
	head := work.Commit("one", gittest.Signature{Name: "A", Email: "a@example.com", When: when})
	work.Git("push", "-q", "origin", "HEAD:main")

	refs := s.URL + "/acme/widgets.git/info/refs?service=git-upload-pack"
	get := func(user, password string) int {
		req, _ := http.NewRequest(http.MethodGet, refs, nil)
		if user != "" {
			req.SetBasicAuth(user, password)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, c := range []struct {
		user, password string
		want           int
	}{{"", "", 401}, {"u", "x", 401}, {"u", "p", 200}} {
		if got := get(c.user, c.password); got != c.want {
			t.Errorf("%q:%q: %d, want %d", c.user, c.password, got, c.want)
		}
	}
	clone := gittest.Init(t, "")
	if got := clone.Git("ls-remote", strings.Replace(s.URL, "://", "://u:p@", 1)+"/acme/widgets.git", "main"); !strings.HasPrefix(got, head) {
		t.Errorf("ls-remote over HTTP = %q, want %s", got, head)
	}

	arrived, release := s.Hold(t)
	done := make(chan int, 1)
	go func() { done <- get("u", "p") }()
	<-arrived
	select {
	case code := <-done:
		t.Fatalf("a held request was answered %d", code)
	case <-time.After(50 * time.Millisecond):
	}
	release()
	if code := <-done; code != 200 {
		t.Errorf("released request: %d", code)
	}
}
