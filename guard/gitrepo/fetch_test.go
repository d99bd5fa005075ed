package gitrepo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/transport"
)

// fetchClone fetches refs of url into cache/CloneName(url) and opens the
// clone; it reports whether the fetch changed anything.
func fetchClone(t *testing.T, cache, url string, refs ...string) (*Repo, bool) {
	t.Helper()
	dir := filepath.Join(cache, CloneName(url))
	changed, err := Fetch(t.Context(), dir, url, refs, nil)
	if err != nil {
		t.Fatalf("Fetch(%s, %v): %v", url, refs, err)
	}
	repo, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	return repo, changed
}

func TestFetch(t *testing.T) {
	src := newMergeRepo(t)
	cache := t.TempDir()
	for _, url := range []string{src.dir, "file://" + src.dir} {
		repo, changed := fetchClone(t, cache, url, "HEAD", "refs/heads/feature")
		if !changed {
			t.Errorf("first fetch of %s: nothing changed", url)
		}
		if h, err := repo.Resolve("HEAD"); err != nil || h != src.c6 {
			t.Errorf("clone of %s: HEAD = %s, %v", url, h, err)
		}
		if h, err := repo.Resolve("feature"); err != nil || h != src.c3 {
			t.Errorf("clone of %s: feature = %s, %v", url, h, err)
		}
		if b := repo.HeadBranch(); b != "main" {
			t.Errorf("clone of %s: HeadBranch = %q, want main", url, b)
		}
	}
	if clones, err := ListClones(cache); err != nil || len(clones) != 2 {
		t.Errorf("cache holds %d clones (%v), want 2 (one per URL)", len(clones), err)
	}
	src.write("new.txt", "new\n")
	next := src.commit("after clone")
	src.git("tag", "v2")
	repo, changed := fetchClone(t, cache, src.dir, "HEAD", "refs/tags/v2")
	if !changed {
		t.Error("second fetch: nothing changed")
	}
	for rev, want := range map[string]string{"main": next, "v2": next, "feature": src.c3} {
		if h, err := repo.Resolve(rev); err != nil || h != want {
			t.Errorf("after fetch: %s = %s, %v; want %s", rev, h, err, want)
		}
	}
	if _, changed := fetchClone(t, cache, src.dir, "HEAD", "refs/tags/v2"); changed {
		t.Error("a fetch that brought nothing reports a change")
	}
	src.git("branch", "-q", "-D", "feature")
	dir := filepath.Join(cache, CloneName(src.dir))
	if _, err := Fetch(t.Context(), dir, src.dir, []string{"refs/heads/feature"}, nil); err == nil {
		t.Error("fetch of a branch deleted on the remote succeeded")
	}
}

// TestFetchOnlyWhatIsAsked: a fetch brings the refs it names, no others,
// and a branch rewritten on the remote is rewritten in the clone.
func TestFetchOnlyWhatIsAsked(t *testing.T) {
	src := newMergeRepo(t)
	src.git("tag", "v1", src.c2)
	cache := t.TempDir()
	repo, _ := fetchClone(t, cache, src.dir, "refs/heads/main")
	for _, rev := range []string{"refs/heads/feature", "refs/tags/v1"} {
		if _, err := repo.Resolve(rev); !errors.Is(err, ErrRefNotFound) {
			t.Errorf("%s was fetched though not asked for (%v)", rev, err)
		}
	}
	src.git("reset", "-q", "--hard", src.c4)
	repo, _ = fetchClone(t, cache, src.dir, "refs/heads/main")
	if h, err := repo.Resolve("refs/heads/main"); err != nil || h != src.c4 {
		t.Errorf("after a forced update, main = %s, %v; want %s", h, err, src.c4)
	}
}

// TestFetchRemoteHead: "HEAD" follows the branch the remote's HEAD names.
func TestFetchRemoteHead(t *testing.T) {
	src := newMergeRepo(t)
	bare := filepath.Join(t.TempDir(), "bare.git")
	src.run(src.dir, "clone", "-q", "--bare", src.dir, bare)
	src.run(bare, "symbolic-ref", "HEAD", "refs/heads/feature")
	cache := t.TempDir()
	repo, _ := fetchClone(t, cache, bare, "HEAD")
	if b := repo.HeadBranch(); b != "feature" {
		t.Errorf("HeadBranch = %q, want feature", b)
	}
	src.run(bare, "symbolic-ref", "HEAD", "refs/heads/main")
	repo, changed := fetchClone(t, cache, bare, "HEAD")
	if b := repo.HeadBranch(); !changed || b != "main" {
		t.Errorf("after the remote's HEAD moved: HeadBranch = %q (changed %v), want main", b, changed)
	}

	empty := filepath.Join(t.TempDir(), "empty.git")
	src.run(src.dir, "init", "-q", "--bare", empty)
	_, err := Fetch(t.Context(), filepath.Join(cache, CloneName(empty)), empty, []string{"HEAD"}, nil)
	if err == nil || !strings.Contains(err.Error(), "no default branch") {
		t.Errorf("Fetch(HEAD) of an empty repository: %v, want no default branch", err)
	}
}

// TestFetchNeverUsesAnInterruptedClone: a clone that fails leaves nothing
// behind, and ListClones removes what a killed process left.
func TestFetchNeverUsesAnInterruptedClone(t *testing.T) {
	src := newMergeRepo(t)
	cache := t.TempDir()
	dir := filepath.Join(cache, CloneName(src.dir))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Fetch(ctx, dir, src.dir, []string{"HEAD"}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Fetch with a cancelled context: %v, want context.Canceled", err)
	}
	if des, _ := os.ReadDir(cache); len(des) != 0 {
		t.Errorf("a failed clone left %d entries (%s...)", len(des), des[0].Name())
	}
	if err := os.MkdirAll(filepath.Join(cache, tempClonePrefix+"123", "objects"), 0o755); err != nil {
		t.Fatal(err)
	}
	fetchClone(t, cache, src.dir, "HEAD")
	os.WriteFile(filepath.Join(cache, "notes.git"), []byte("a file"), 0o644)
	os.Mkdir(filepath.Join(cache, "empty.git"), 0o755)
	clones, err := ListClones(cache)
	if err != nil || len(clones) != 1 || clones[0].Name() != CloneName(src.dir) {
		t.Errorf("ListClones = %v, %v; want the one clone", clones, err)
	}
	if _, err := os.Stat(filepath.Join(cache, tempClonePrefix+"123")); !os.IsNotExist(err) {
		t.Errorf("the interrupted clone is still there (%v)", err)
	}
}

// TestFetchOverHTTP: credentials are sent, an absent repository is a
// permanent error, and no error shows a credential.
func TestFetchOverHTTP(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		seen = append(seen, user+":"+pass)
		switch {
		case strings.Contains(r.URL.Path, "broken"):
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		case strings.Contains(r.URL.Path, "proxy"):
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, "<html>\n<body>\n"+strings.Repeat("<p>Not here, ghs_authsecret.</p>\n", 200)+"</body>\n</html>\n")
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, tc := range []struct {
		name, url string
		auth      *Auth
		sent      string
		permanent bool
	}{
		{"auth", srv.URL + "/acme/widgets.git", BasicAuth("x-access-token", "ghs_authsecret"), "x-access-token:ghs_authsecret", true},
		{"url credentials", "http://x-access-token:ghs_urlsecret@" + host + "/acme/widgets.git", nil, "x-access-token:ghs_urlsecret", true},
		{"token as user", "http://ghs_usersecret@" + host + "/acme/widgets.git", nil, "ghs_usersecret:", true},
		{"server error", srv.URL + "/acme/broken.git", BasicAuth("x-access-token", "ghs_authsecret"), "x-access-token:ghs_authsecret", false},
		{"long page", "http://x:ghs_authsecret@" + host + "/acme/proxy.git", nil, "x:ghs_authsecret", true},
		{"long page, auth", srv.URL + "/acme/proxy.git", BasicAuth("x", "ghs_authsecret"), "x:ghs_authsecret", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen = nil
			dir := filepath.Join(t.TempDir(), CloneName(tc.url))
			_, err := Fetch(t.Context(), dir, tc.url, []string{"refs/heads/main"}, tc.auth)
			if err == nil {
				t.Fatal("Fetch succeeded")
			}
			if Permanent(err) != tc.permanent || errors.Is(err, ErrRemoteNotFound) != tc.permanent {
				t.Errorf("Permanent(%v) = %v, want %v", err, Permanent(err), tc.permanent)
			}
			if len(seen) == 0 || seen[0] != tc.sent {
				t.Errorf("the server saw %q, want %q", seen, tc.sent)
			}
			if msg := err.Error(); strings.Contains(msg, "secret") || strings.Contains(msg, "\n") || len(msg) > 2*maxFetchError {
				t.Errorf("error leaks a credential, spans lines or runs long: %q", msg)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("a failed clone left %s (%v)", dir, err)
			}
		})
	}
}

func TestPermanent(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{fetchError(fmt.Errorf("fetch: %w", transport.ErrRepositoryNotFound), "https://github.com/acme/x.git", nil), true},
		{fmt.Errorf("repository cache: %w", fetchError(transport.ErrRepositoryNotFound, "x", nil)), true},
		{fetchError(transport.ErrAuthenticationRequired, "x", nil), false},
		{fetchError(errors.New("connection refused"), "x", nil), false},
		{newError(ErrCorrupt, nil, "missing object"), false},
	} {
		if got := Permanent(tc.err); got != tc.want {
			t.Errorf("Permanent(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestAuthHidesPassword: an Auth formatted or logged shows no password.
func TestAuthHidesPassword(t *testing.T) {
	a := BasicAuth("x-access-token", "ghs_secret")
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("fetch", "auth", a, "value", *a)
	slog.New(slog.NewTextHandler(&b, nil)).Info("fetch", "auth", a, "value", *a)
	fmt.Fprintf(&b, "%v %+v %#v %s %v %+v %#v", a, a, a, a, *a, *a, *a)
	js, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	out := b.String() + string(js)
	if strings.Contains(out, "ghs_secret") || !strings.Contains(out, "x-access-token") {
		t.Errorf("formatted Auth: %s", out)
	}
}
