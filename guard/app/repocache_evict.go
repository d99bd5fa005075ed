package app

import (
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/repoguard/repoguard/guard/gitrepo"
)

// scan registers the clones already in Dir (from an earlier process),
// once, so that they count toward MaxBytes. The caller holds c.mu.
func (c *RepoCache) scan() {
	if c.scanned {
		return
	}
	c.scanned = true
	c.entries = map[string]*cacheEntry{}
	clones, err := gitrepo.ListClones(c.Dir)
	if err != nil {
		return
	}
	for _, de := range clones {
		dir := filepath.Join(c.Dir, de.Name())
		e := &cacheEntry{dir: dir, sem: make(chan struct{}, 1), size: dirSize(dir)}
		if fi, err := de.Info(); err == nil {
			e.lastUsed = fi.ModTime()
		}
		c.entries[de.Name()] = e
	}
}

// resize measures the clone held in e after a fetch and evicts others
// when the cache is over its bound.
func (c *RepoCache) resize(e *cacheEntry) {
	size := dirSize(e.dir)
	c.mu.Lock()
	defer c.mu.Unlock()
	e.size = size
	if c.MaxBytes <= 0 {
		return
	}
	total := int64(0)
	for _, x := range c.entries {
		total += x.size
	}
	for total > c.MaxBytes {
		victim, name := c.lru(e)
		if victim == nil {
			c.logger().Warn("repository cache over its bound, every clone in use", "bytes", total, "max", c.MaxBytes)
			return
		}
		if victim.repo != nil {
			victim.repo.Close()
		}
		if err := os.RemoveAll(victim.dir); err != nil {
			c.logger().Warn("repository cache: remove clone", "dir", victim.dir, "err", err)
		}
		delete(c.entries, name)
		total -= victim.size
		c.logger().Info("repository cache: evicted clone", "dir", victim.dir, "bytes", victim.size)
	}
}

// lru returns the least recently used entry other than keep that nobody
// holds or waits for. The caller holds c.mu.
func (c *RepoCache) lru(keep *cacheEntry) (*cacheEntry, string) {
	var best *cacheEntry
	var bestName string
	for name, x := range c.entries {
		if x == keep || x.users > 0 {
			continue
		}
		if best == nil || x.lastUsed.Before(best.lastUsed) {
			best, bestName = x, name
		}
	}
	return best, bestName
}

// Close closes the open clones. Fetch must not be running.
func (c *RepoCache) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		if e.repo != nil {
			e.repo.Close()
			e.repo = nil
		}
	}
	return nil
}

func (c *RepoCache) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

// dirSize sums the sizes of the files below dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
