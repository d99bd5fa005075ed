package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/repoguard/repoguard/guard/gitrepo"
)

// RepoCache implements Repos with a bare clone per repository under Dir,
// fetched incrementally with gitrepo.Fetch: only the refs an event needs
// (the base branch, refs/pull/N/head), with an installation token. One lock per
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
		return nil, nil, fmt.Errorf("repository cache: %s: %w", gitrepo.RedactURL(cloneURL), err)
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
		if changed, err = gitrepo.Fetch(ctx, e.dir, cloneURL, refs, auth); err != nil {
			return nil, err
		}
	} else if !gitrepo.IsGitDir(e.dir) {
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
	return cachedRepo{e.repo}, nil
}

func (c *RepoCache) auth(ctx context.Context, inst int64) (*gitrepo.Auth, error) {
	if c.Token == nil {
		return nil, nil
	}
	tok, err := c.Token(ctx, inst)
	if err != nil {
		return nil, fmt.Errorf("installation token: %w", err)
	}
	return gitrepo.BasicAuth("x-access-token", tok), nil
}

// acquire takes the lock of the clone of cloneURL, waiting while another
// Fetch holds it.
func (c *RepoCache) acquire(ctx context.Context, cloneURL string) (*cacheEntry, error) {
	name := gitrepo.CloneName(cloneURL)
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
		return nil, fmt.Errorf("repository cache: waiting for %s: %w", gitrepo.RedactURL(cloneURL), ctx.Err())
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
type cachedRepo struct{ *gitrepo.Repo }

// DefaultBranch implements Repository: the branch HEAD names, once a
// fetch of "HEAD" set it and fetched the branch.
func (r cachedRepo) DefaultBranch() string { return r.HeadBranch() }
