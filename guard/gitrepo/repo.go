package gitrepo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// Defaults of Options.
const (
	DefaultCacheSize   = 32 << 20
	DefaultMaxBlobSize = 1 << 20
	DefaultWorkers     = 2
)

// Options tune a Repo. The zero value gives the defaults.
type Options struct {
	// CacheSize is the size in bytes of the cache of resolved pack
	// objects that the workers' repository handles share
	// (DefaultCacheSize when 0). It mostly holds delta bases: a larger
	// cache spends memory for little speed.
	CacheSize int64
	// MaxBlobSize is the largest blob that is line-diffed
	// (DefaultMaxBlobSize when 0); larger files are reported with
	// Skipped "too large".
	MaxBlobSize int64
	// Workers is the number of goroutines computing changes in Walk
	// (DefaultWorkers when 0).
	Workers int
	// NoRenames turns exact rename detection off: a moved file is then a
	// deletion and an addition.
	NoRenames bool
}

func (o Options) withDefaults() Options {
	if o.CacheSize <= 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.MaxBlobSize <= 0 {
		o.MaxBlobSize = DefaultMaxBlobSize
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	return o
}

// Repo is an open repository. It is safe for concurrent use; Close releases
// its file descriptors.
type Repo struct {
	path   string // the directory given to Open, made absolute
	gitDir string
	opts   Options

	mu       sync.Mutex // guards main and lastPlan
	main     *handle
	lastPlan *walkPlan // kept by Count for the next Walk

	poolMu sync.Mutex
	pool   []*handle // idle worker handles
	closed bool
	// shared is the object cache of the worker handles: a delta base
	// resolved by one worker serves the others.
	shared cache.Object
	// packs locates objects in the pack files, for checking what their
	// entries declare before go-git resolves them (see packs.go).
	packs packIndexOnce
	// bases keeps the objects the handles read from packs by where
	// they are, for the deltas based on them (see packread.go).
	bases *baseCache
}

// handle is one go-git storage with its own file descriptors (worker
// handles share their object cache). It must not be used by two goroutines
// at once.
type handle struct {
	st      *filesystem.Storage
	repo    *git.Repository
	shallow map[plumbing.Hash]bool
	// partial is set for a partial clone (promisor packs or the
	// partialclone extension): objects it lacks are expected, not corrupt.
	partial bool
	maxBlob int64
	trees   *treeCache // set while a worker uses the handle
	packs   *packReader
}

// Open opens the repository at path: a work tree (its top or any directory
// below it), a .git directory or a bare repository.
func Open(path string, opts Options) (*Repo, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	gitDir, err := findGitDir(abs)
	if err != nil {
		return nil, newError(ErrNotRepository, err, "%s: not a git repository", path)
	}
	r := &Repo{path: abs, gitDir: gitDir, opts: opts.withDefaults()}
	// The pack reader's cache holds the budget: go-git's shared cache
	// only serves what that reader leaves (loose objects, objects over
	// its bounds), so it gets the main handle's small size.
	r.bases = newBaseCache(r.opts.CacheSize)
	r.shared = cache.NewObjectLRU(mainCacheSize)
	r.packs.load = func() (*packIndex, error) { return loadPackIndex(dotgit.New(r.filesystem())) }
	// The main handle reads commit headers and small objects: it has a
	// small cache of its own.
	h, err := r.openHandle(cache.NewObjectLRU(mainCacheSize))
	if err != nil {
		return nil, err
	}
	r.main = h
	return r, nil
}

// Path returns the absolute path the repository was opened with.
func (r *Repo) Path() string { return r.path }

// GitDir returns the absolute path of the repository's Git directory.
func (r *Repo) GitDir() string { return r.gitDir }

// Close releases the file descriptors of the repository and its worker
// handles. The Repo must not be used afterwards.
func (r *Repo) Close() error {
	r.poolMu.Lock()
	pool := r.pool
	r.pool, r.closed = nil, true
	r.poolMu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastPlan = nil
	var errs []error
	if r.main != nil {
		errs = append(errs, r.main.close())
		r.main = nil
	}
	for _, h := range pool {
		errs = append(errs, h.close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close %s: %w", r.path, err)
	}
	return nil
}

// mainCacheSize is the object cache size of the main handle.
const mainCacheSize = 4 << 20

func (r *Repo) openHandle(objects cache.Object) (h *handle, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = newError(ErrCorrupt, nil, "open %s: corrupt repository: %v", r.path, p)
		}
	}()
	st := filesystem.NewStorageWithOptions(r.filesystem(), objects,
		filesystem.Options{KeepDescriptors: true, LargeObjectThreshold: r.opts.MaxBlobSize})
	repo, err := git.Open(st, nil)
	if err != nil {
		st.Close()
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, newError(ErrNotRepository, err, "%s: not a git repository", r.path)
		}
		return nil, fmt.Errorf("open %s: %w", r.path, err)
	}
	h = &handle{st: st, repo: repo, maxBlob: r.opts.MaxBlobSize, partial: r.partial(),
		packs: newPackReader(r.packs.get, r.bases, r.opts.MaxBlobSize)}
	if sh, err := st.Shallow(); err == nil && len(sh) > 0 {
		h.shallow = make(map[plumbing.Hash]bool, len(sh))
		for _, c := range sh {
			h.shallow[c] = true
		}
	}
	return h, nil
}

// filesystem is the repository's Git directory, with the common directory
// of a linked work tree.
func (r *Repo) filesystem() billy.Filesystem {
	var fs billy.Filesystem = osfs.New(r.gitDir)
	if common, ok := commonDir(r.gitDir); ok {
		fs = dotgit.NewRepositoryFilesystem(fs, osfs.New(common))
	}
	return fs
}

func (h *handle) close() error { return errors.Join(h.st.Close(), h.packs.close()) }

// withMain runs f with the main handle locked.
func (r *Repo) withMain(f func(h *handle) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.main == nil {
		return fmt.Errorf("%s: repository is closed", r.path)
	}
	return f(r.main)
}

// getHandle takes an idle worker handle from the pool or opens one.
func (r *Repo) getHandle() (*handle, error) {
	r.poolMu.Lock()
	if r.closed {
		r.poolMu.Unlock()
		return nil, fmt.Errorf("%s: repository is closed", r.path)
	}
	if n := len(r.pool); n > 0 {
		h := r.pool[n-1]
		r.pool = r.pool[:n-1]
		r.poolMu.Unlock()
		return h, nil
	}
	r.poolMu.Unlock()
	return r.openHandle(r.shared)
}

// putHandle returns a worker handle to the pool.
func (r *Repo) putHandle(h *handle) {
	h.trees = nil
	r.poolMu.Lock()
	defer r.poolMu.Unlock()
	if r.closed || len(r.pool) >= r.opts.Workers {
		h.close()
		return
	}
	r.pool = append(r.pool, h)
}

// findGitDir looks for the Git directory of path or of its nearest parent.
func findGitDir(path string) (string, error) {
	if _, err := os.Stat(path); err != nil {
		return "", err
	}
	for dir := path; ; {
		if IsGitDir(dir) {
			return dir, nil
		}
		dotgit := filepath.Join(dir, ".git")
		if fi, err := os.Stat(dotgit); err == nil {
			if fi.IsDir() && IsGitDir(dotgit) {
				return dotgit, nil
			}
			if !fi.IsDir() {
				if gd, ok := gitFile(dotgit); ok {
					return gd, nil
				}
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no .git found")
		}
		dir = parent
	}
}

// IsGitDir reports whether dir looks like a Git directory (a bare
// repository, a clone that Fetch made, or the .git directory of a work
// tree): a HEAD file and an objects directory (possibly through
// commondir).
func IsGitDir(dir string) bool {
	if fi, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil || fi.IsDir() {
		return false
	}
	objects := dir
	if common, ok := commonDir(dir); ok {
		objects = common
	}
	fi, err := os.Stat(filepath.Join(objects, "objects"))
	return err == nil && fi.IsDir()
}

// gitFile reads a ".git" file ("gitdir: <path>") of a linked work tree or
// a submodule.
func gitFile(name string) (string, bool) {
	b, err := os.ReadFile(name)
	if err != nil {
		return "", false
	}
	line, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
	if !ok {
		return "", false
	}
	gd := strings.TrimSpace(line)
	if !filepath.IsAbs(gd) {
		gd = filepath.Join(filepath.Dir(name), gd)
	}
	return gd, IsGitDir(gd)
}

// commonDir returns the directory named by dir/commondir (linked work
// trees keep objects and refs there).
func commonDir(dir string) (string, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "commondir"))
	if err != nil {
		return "", false
	}
	c := strings.TrimSpace(string(b))
	if !filepath.IsAbs(c) {
		c = filepath.Join(dir, c)
	}
	return c, true
}

// partial reports whether the repository is a partial clone, whose
// missing objects a promisor remote would serve: a pack marked
// .promisor, or the extensions.partialClone setting.
func (r *Repo) partial() bool {
	dirs := []string{r.gitDir}
	if common, ok := commonDir(r.gitDir); ok {
		dirs = append(dirs, common)
	}
	for _, d := range dirs {
		if m, _ := filepath.Glob(filepath.Join(d, "objects", "pack", "*.promisor")); len(m) > 0 {
			return true
		}
		if cfg, err := os.ReadFile(filepath.Join(d, "config")); err == nil &&
			strings.Contains(strings.ToLower(string(cfg)), "partialclone") {
			return true
		}
	}
	return false
}
