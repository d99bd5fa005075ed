package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/repoguard/repoguard/guard/gitrepo"
)

// RepoCache implements Repos with a bare clone per repository under Dir,
// fetched incrementally: only the refs an event needs (the base branch,
// refs/pull/N/head), with an installation token. One lock per
// repository is held from Fetch until release. After a fetch that
// brought something, when the clones together exceed MaxBytes, the
// least recently used clones not in use are removed.
type RepoCache struct {
	// Dir holds the clones. Required.
	Dir string
	// MaxBytes bounds the size of Dir; 0 means no bound.
	MaxBytes int64
	// Token returns an installation access token, used as the password
	// of "x-access-token"; nil fetches without credentials.
	Token func(ctx context.Context, installationID int64) (string, error)
	// Options tune the opened repositories.
	Options gitrepo.Options
	// Logger [slog.Default()].
	Logger *slog.Logger

	mu      sync.Mutex
	entries map[string]*cacheEntry // by directory name
	scanned bool
}

// cacheEntry is one clone. sem is its lock; users counts those holding or
// waiting for it, which keeps it from eviction.
type cacheEntry struct {
	dir      string
	sem      chan struct{}
	users    int
	lastUsed time.Time
	size     int64
	repo     *gitrepo.Repo // open between uses; guarded by sem
}

var _ Repos = (*RepoCache)(nil)

// Fetch implements Repos.
func (c *RepoCache) Fetch(ctx context.Context, installationID int64, cloneURL string, refs []string) (Repository, func(), error) {
	e, err := c.acquire(ctx, cloneURL)
	if err != nil {
		return nil, nil, err
	}
	release := c.releaser(e)
	r, err := c.fetchLocked(ctx, e, installationID, cloneURL, refs)
	if err != nil {
		release()
		return nil, nil, fmt.Errorf("repository cache: %s: %w", redactURL(cloneURL), err)
	}
	return r, release, nil
}

func (c *RepoCache) fetchLocked(ctx context.Context, e *cacheEntry, inst int64, cloneURL string, refs []string) (Repository, error) {
	changed := false
	if len(refs) > 0 {
		auth, err := c.auth(ctx, inst)
		if err != nil {
			return nil, err
		}
		if changed, err = fetchRefs(ctx, c.Dir, e.dir, cloneURL, refs, auth); err != nil {
			return nil, err
		}
	} else if !isBareRepo(e.dir) {
		return nil, fmt.Errorf("not cloned yet")
	}
	if changed && e.repo != nil {
		// go-git indexes pack files once: reopen to see the new ones.
		e.repo.Close()
		e.repo = nil
	}
	if e.repo == nil {
		r, err := gitrepo.Open(e.dir, c.Options)
		if err != nil {
			return nil, err
		}
		e.repo = r
	}
	if changed {
		c.resize(e)
	}
	return &cachedRepo{Repo: e.repo, dir: e.dir}, nil
}

func (c *RepoCache) auth(ctx context.Context, inst int64) (transport.AuthMethod, error) {
	if c.Token == nil {
		return nil, nil
	}
	tok, err := c.Token(ctx, inst)
	if err != nil {
		return nil, fmt.Errorf("installation token: %w", err)
	}
	return &http.BasicAuth{Username: "x-access-token", Password: tok}, nil
}

// acquire takes the lock of the clone of cloneURL, waiting while another
// Fetch holds it.
func (c *RepoCache) acquire(ctx context.Context, cloneURL string) (*cacheEntry, error) {
	name := cacheName(cloneURL)
	c.mu.Lock()
	c.scan()
	e := c.entries[name]
	if e == nil {
		e = &cacheEntry{dir: filepath.Join(c.Dir, name), sem: make(chan struct{}, 1)}
		c.entries[name] = e
	}
	e.users++
	c.mu.Unlock()
	select {
	case e.sem <- struct{}{}:
		return e, nil
	case <-ctx.Done():
		c.mu.Lock()
		e.users--
		c.mu.Unlock()
		return nil, fmt.Errorf("repository cache: waiting for %s: %w", redactURL(cloneURL), ctx.Err())
	}
}

// releaser returns the release function of a held entry; calling it
// more than once is harmless.
func (c *RepoCache) releaser(e *cacheEntry) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			e.lastUsed = time.Now()
			e.users--
			c.mu.Unlock()
			<-e.sem
		})
	}
}

// cachedRepo is an open clone.
type cachedRepo struct {
	*gitrepo.Repo
	dir string
}

// DefaultBranch implements Repository: the branch HEAD names, once a
// fetch of "HEAD" set it and fetched the branch.
func (r *cachedRepo) DefaultBranch() string {
	b, err := os.ReadFile(filepath.Join(r.dir, "HEAD"))
	if err != nil {
		return ""
	}
	ref, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "ref: refs/heads/")
	if !ok {
		return ""
	}
	if _, err := r.Resolve("refs/heads/" + ref); err != nil {
		return ""
	}
	return ref
}

// cacheName names the clone of a URL: a readable form and a hash.
func cacheName(cloneURL string) string {
	public := redactURL(cloneURL)
	sum := sha256.Sum256([]byte(public))
	s := public
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[i+1:] // drop the host
	}
	s = strings.TrimSuffix(s, ".git")
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, s)
	s = strings.Trim(s, "._")
	if len(s) > 60 {
		s = s[len(s)-60:]
	}
	return s + "-" + hex.EncodeToString(sum[:5]) + ".git"
}

// redactURL removes credentials from a URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}
