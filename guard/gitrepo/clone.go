package gitrepo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/memory"
)

// mirrorSpecs fetch branches and tags to the same names, as a bare clone
// keeps them.
var mirrorSpecs = []config.RefSpec{
	"+refs/heads/*:refs/heads/*",
	"+refs/tags/*:refs/tags/*",
}

// Clone keeps a bare copy of the repository at rawURL in a directory of
// cacheDir named after the URL, and opens it. The first call clones (into
// a temporary directory renamed when complete, so that an interrupted
// clone is never reused); later calls fetch branches and tags, pruning
// deleted ones. Credentials in the URL are used but never written to disk
// or to error messages; auth may be nil.
func Clone(ctx context.Context, rawURL, cacheDir string, auth transport.AuthMethod, opts Options) (*Repo, error) {
	public := redact(rawURL)
	dir := filepath.Join(cacheDir, cacheKey(public))
	if isGitDir(dir) {
		if err := fetch(ctx, dir, rawURL, auth); err != nil {
			return nil, fmt.Errorf("fetch %s: %w", public, err)
		}
		return Open(dir, opts)
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, fmt.Errorf("clone %s: %w", public, err)
	}
	tmp, err := os.MkdirTemp(cacheDir, ".clone-*")
	if err != nil {
		return nil, fmt.Errorf("clone %s: %w", public, err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	if err := initMirror(ctx, tmp, rawURL, public, auth); err != nil {
		return nil, fmt.Errorf("clone %s: %w", public, redactErr(err, rawURL))
	}
	if err := os.Rename(tmp, dir); err != nil && !isGitDir(dir) {
		return nil, fmt.Errorf("clone %s: %w", public, err)
	} // else another process cloned it first: use theirs
	return Open(dir, opts)
}

// initMirror makes a bare repository in dir with an origin remote (its
// public URL) and fetches into it.
func initMirror(ctx context.Context, dir, rawURL, public string, auth transport.AuthMethod) error {
	st := filesystem.NewStorageWithOptions(osfs.New(dir), cache.NewObjectLRUDefault(),
		filesystem.Options{KeepDescriptors: true})
	defer st.Close()
	repo, err := git.Init(st, nil)
	if err != nil {
		return err
	}
	remote, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{public}, Fetch: mirrorSpecs})
	if err != nil {
		return err
	}
	err = remote.FetchContext(ctx, &git.FetchOptions{RemoteURL: rawURL, RefSpecs: mirrorSpecs,
		Auth: auth, Tags: git.NoTags, Force: true})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return err
	}
	// Point HEAD at the remote's default branch.
	refs, err := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{rawURL}}).
		ListContext(ctx, &git.ListOptions{Auth: auth})
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if ref.Name() == plumbing.HEAD {
			return st.SetReference(ref)
		}
	}
	return nil
}

// fetch updates the bare mirror in dir.
func fetch(ctx context.Context, dir, rawURL string, auth transport.AuthMethod) error {
	st := filesystem.NewStorageWithOptions(osfs.New(dir), cache.NewObjectLRUDefault(),
		filesystem.Options{KeepDescriptors: true})
	defer st.Close()
	repo, err := git.Open(st, nil)
	if err != nil {
		return err
	}
	remote, err := repo.Remote("origin")
	if err != nil {
		return err
	}
	err = remote.FetchContext(ctx, &git.FetchOptions{RemoteURL: rawURL, RefSpecs: mirrorSpecs,
		Auth: auth, Tags: git.NoTags, Force: true, Prune: true})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return redactErr(err, rawURL)
	}
	return nil
}

// redact removes the user information (credentials) from a URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil || u.Scheme == "" {
		return raw
	}
	u.User = nil
	return u.String()
}

// redactedError is an error whose message has credentials removed.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactErr returns err with any credentials of rawURL removed from its
// message; errors.Is and errors.As still see err.
func redactErr(err error, rawURL string) error {
	pub := redact(rawURL)
	if pub == rawURL {
		return err
	}
	msg := strings.ReplaceAll(err.Error(), rawURL, pub)
	if u, perr := url.Parse(rawURL); perr == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			msg = strings.ReplaceAll(msg, p, "***")
		}
		if name := u.User.Username(); len(name) >= 8 { // a token as user name
			msg = strings.ReplaceAll(msg, name, "***")
		}
	}
	return &redactedError{msg: msg, err: err}
}

// cacheKey names the cache directory of a URL: a readable form of it and a
// hash that keeps distinct URLs apart.
func cacheKey(public string) string {
	sum := sha256.Sum256([]byte(public))
	s := public
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "/"), ".git")
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '.':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	name := strings.Trim(b.String(), "._")
	if len(name) > 80 {
		name = name[len(name)-80:]
	}
	return name + "-" + hex.EncodeToString(sum[:6]) + ".git"
}
